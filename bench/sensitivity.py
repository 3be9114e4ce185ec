"""How often a ci-sized run finds each planted fault when the seed is random (a report, not a test).

    python bench/sensitivity.py [--seeds N] [--jobs J]

``tests/slow/test_stateful_faults.py`` and ``tests/slow/test_properties_sensitivity.py``
prove each planted fault found under the ``ci`` profile, which is derandomized:
the same examples for the same code. But hypothesis also draws constants it
finds in the loaded modules, so "the same examples" changes with any edit, and
a user's CI is no luckier than a random seed. This measures what a fixed seed
cannot: each fault's detection rate over N random seeds, with the ``ci``
profile's size (examples, stateful steps) but ``derandomize`` off; and the
false failures of the reference server over the same seeds (target: none).

Each run is a fresh ``pytest`` subprocess on the bundled suites, aimed at the
mutant with ``--scim-app``, limited to the tests that must catch it. Target:
every fault found by at least 90 % of the seeds. Exit 0 (a report), or 1 with
``--check`` when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from scim_conformance.resources import suites_dir

HERE = Path(__file__).resolve().parent
TARGET = 0.9


@dataclass(frozen=True, slots=True)
class Case:
    fault: str | None
    """The mutant (``scim_conformance.mutants``), or None for the reference server."""
    suite: str
    select: str
    """A ``-k`` expression: the tests that must catch the fault."""


CASES = (
    # The stateful model (suites/test_stateful.py), per Okta profile.
    *(
        Case(fault, "test_stateful.py", profile)
        for fault in ("lookup_prefix", "rename_drops_members", "unicode_folded")
        for profile in ("aiw", "oin")
    ),
    # The properties (suites/test_properties.py), as tests/slow/test_properties_sensitivity.py pairs them.
    Case("lookup_prefix", "test_properties.py", "test_lookup_is_exact"),
    Case("unicode_folded", "test_properties.py", "round_trips"),
    Case("rename_drops_members", "test_properties.py", "test_membership_follows_okta"),
    Case("patch_remove_unfiltered", "test_properties.py", "test_membership_follows_okta and oin"),
    Case("paging_off_by_one", "test_properties.py", "test_pages_tile_the_listing"),
    # No fault: every property and the stateful model, strict.
    Case(None, "test_stateful.py test_properties.py", ""),
)


def run(case: Case, seed: int) -> tuple[bool, float]:
    """(did the run fail, seconds) for one seed."""
    suites = suites_dir()
    args = [sys.executable, "-m", "pytest", *(str(suites / s) for s in case.suite.split())]
    args += ["--rootdir", str(suites), "-q", "-p", "no:cacheprovider", "-p", "random_ci"]
    args += ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
    args += ["--hypothesis-profile", "ci-random", f"--hypothesis-seed={seed}", "--scim-strict"]
    if case.select:
        args += ["-k", case.select]
    if case.fault is not None:
        args += ["--scim-app", f"scim_conformance.mutants:{case.fault}"]
    path = os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=900, check=False)
    if done.returncode not in (0, 1):
        tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
        raise SystemExit(f"{case}: pytest exited {done.returncode}: {' / '.join(tail)}")
    return done.returncode == 1, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="random seeds per case (default 10)")
    parser.add_argument("--jobs", type=int, default=2, help="runs at once (default 2)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    options = parser.parse_args()
    seeds = [random.randrange(2**32) for _ in range(options.seeds)]
    print(f"{options.seeds} random seeds per case, ci-sized runs (derandomize off), {options.jobs} at once\n")
    print(f"{'fault':<24} {'suite':<36} {'-k':<36} {'failed':>7} {'median s':>9}  verdict")
    missed = False
    with ThreadPoolExecutor(options.jobs) as pool:
        for case in CASES:
            results = list(pool.map(lambda seed, c=case: run(c, seed), seeds))
            failed = sum(1 for f, _ in results if f)
            median = sorted(t for _, t in results)[len(results) // 2]
            if case.fault is None:
                ok = failed == 0
                verdict = "ok (no false failure)" if ok else "FALSE FAILURES"
            else:
                ok = failed >= TARGET * len(results)
                verdict = f"ok (>= {TARGET:.0%})" if ok else f"MISSED (< {TARGET:.0%})"
            missed |= not ok
            name = case.fault or "(reference server)"
            rate = f"{failed}/{len(results)}"
            select = case.select or "(all)"
            print(f"{name:<24} {case.suite:<36} {select:<36} {rate:>7} {median:>9.1f}  {verdict}")
    print(f"\nseeds: {' '.join(map(str, seeds))}")
    return 1 if missed and options.check else 0


if __name__ == "__main__":
    sys.exit(main())
