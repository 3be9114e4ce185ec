"""The ``scim-conformance`` command: ``serve`` the reference server, ``run`` the suites.

Bad usage gets one line on stderr and exit code 2 (argparse's convention),
never a traceback. ``run``'s exit codes are :mod:`scim_conformance.exits`'.
"""

from __future__ import annotations

import argparse
import os
import socket
import ssl
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from .exits import EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_USAGE

# What ``run`` gives pytest besides the suites and the reports (bench/suite.py gives the
# same). No cache folder among the installed suites. No assertion rewriting: the suites
# report through findings (their asserts only narrow types), and where bytecode is not
# written (PYTHONDONTWRITEBYTECODE, a read-only site-packages) pytest rewrote ~150 modules
# of its plugins' packages on every run: 1.7 s of a 22 s run. No unraisable-exception
# hunt at exit: its gc.collect() rounds took 0.1 s, a tenth of the fixed sequences' run.
# This process imported scim_conformance before pytest could mark it for rewriting: the
# warning is silenced for a user who turns rewriting back on.
RUN_PYTEST_OPTIONS = (
    "-p",
    "no:cacheprovider",
    "--assert=plain",
    "-p",
    "no:unraisableexception",
    "-W",
    "ignore::pytest.PytestAssertRewriteWarning",
)

_EXIT_CODES = """exit codes:
  0    no gating finding (rfc findings do not gate without --scim-strict)
  1    a gating finding (security, okta; rfc with --scim-strict), or a test error
  2    the set-up is broken (preflight) or a usage error: unknown option, bad option value,
       a selection (-k, -m) that matches no test
  130  interrupted (Ctrl-C), after cleanup and reports"""


def _realm_uuid(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a UUID: {text!r}") from None


def _token(text: str) -> str:
    # An empty token would let ``Authorization: Bearer `` in; whitespace or
    # control characters cannot survive the header (RFC 6750 §2.1 b64token).
    if not text or not all("!" <= c <= "~" for c in text):
        raise argparse.ArgumentTypeError("a token must be non-empty printable ASCII without spaces")
    return text


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"not a TCP port: {text!r}")
    return int(text)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is the one line the module docstring promises."""

    def error(self, message: str) -> NoReturn:
        # argparse prints the whole usage block first; one line is easier to
        # read in a terminal and to match in a script. Subparsers inherit this
        # class (``add_subparsers`` defaults ``parser_class`` to it).
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def parser() -> argparse.ArgumentParser:
    """The command line of ``scim-conformance`` (its subcommands and their own options)."""
    command_line = _Parser(
        prog="scim-conformance", description="Prove a SCIM 2.0 service provider works with Okta."
    )
    command_line.add_argument("--version", action="version", version=f"scim-conformance {_version()}")
    commands = command_line.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="serve the reference SCIM server over HTTP(S)",
        description="Serve the reference SCIM server (the Okta-to-Zentral contract, in memory or in a "
        "SQLite file) and print its SCIM base URL and bearer token, ready to paste into an Okta app's "
        "provisioning settings. Okta needs a public HTTPS URL: serve with --tls-cert/--tls-key on a "
        "reachable host, or keep the default 127.0.0.1 behind a tunnel or reverse proxy that "
        "terminates TLS (README, 'The reference server'). Ctrl-C stops it.",
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface to listen on (default 127.0.0.1; 0.0.0.0 or :: for every interface)",
    )
    serve.add_argument("--port", type=_port, default=8000, help="TCP port, 0 for any free one (default 8000)")
    serve.add_argument("--realm", type=_realm_uuid, help="realm UUID (default: generated, or the stored one)")
    serve.add_argument(
        "--token", type=_token, help="bearer token Okta will send (default: generated, or the stored one)"
    )
    serve.add_argument("--data", type=Path, help="SQLite file that persists users and groups across restarts")
    serve.add_argument("--log", type=Path, help="write every exchange as JSON lines to this file")
    serve.add_argument(
        "--tls-cert", type=Path, metavar="PEM", help="serve HTTPS with this certificate (chain)"
    )
    serve.add_argument("--tls-key", type=Path, metavar="PEM", help="the private key of --tls-cert")

    run = commands.add_parser("run", add_help=False, **_RUN_TEXT)
    run.add_argument("-h", "--help", action=_RunHelp, help="show this help message and exit")
    _add_run_options(run)

    checks = commands.add_parser(
        "checks", help="list every check: id, severity, profiles, suite, requirement"
    )
    checks.add_argument("--json", action="store_true", help="as JSON, every field")

    doctor = commands.add_parser(
        "doctor",
        help="check the set-up Okta needs: URL, TLS, realm, token, the eight permissions, profiles",
        description="One line per item, OK or FAIL with the fix; read-only unless --write. "
        "Exit 0 when every item is OK, 1 otherwise, 2 for a usage error.",
    )
    _target_options(doctor)
    doctor.add_argument(
        "--write",
        action="store_true",
        help="also create, update and deactivate/delete a user and a group of its own (cleaned up)",
    )

    replay = commands.add_parser(
        "replay",
        help="replay a request log (serve --log, stateful-*-failure.jsonl, HAR) on a target, and compare",
        description="Send each recorded request to the target (ids mapped from earlier answers) and show "
        "the recorded and the new status and the body differences. Exit 0 when every answer is the "
        "same, 1 when one differs or a request was skipped, 2 for a usage or set-up error.",
    )
    replay.add_argument("file", type=Path, metavar="FILE", help="the log to replay")
    _target_options(replay)
    return command_line


def _target_options(parser: argparse.ArgumentParser) -> None:
    """The options ``run`` takes to reach a target (plugin.py), for the commands that send requests."""
    parser.add_argument("--scim-url", default=os.environ.get("SCIM_URL"), help="SCIM root URL (env SCIM_URL)")
    parser.add_argument(
        "--scim-token", default=os.environ.get("SCIM_TOKEN"), help="bearer token (env SCIM_TOKEN)"
    )
    parser.add_argument("--scim-insecure", action="store_true", help="do not verify the TLS certificate")
    parser.add_argument("--scim-ca-bundle", metavar="PATH", help="CA bundle to verify the certificate with")
    parser.add_argument("--scim-timeout", type=float, default=60.0, help="request timeout in s (default 60)")


_RUN_TEXT: dict[str, Any] = {
    "help": "run the conformance suites (default: against the embedded reference server)",
    # Raw text (for the exit-code table): the description is wrapped by hand.
    "description": "Run the suites and write report.html, junit.xml and summary.json.\n"
    "Every other option goes to pytest: the ones below, and pytest's own\n"
    "(-k EXPR, -m MARKEXPR, -x, -q, -n N with pytest-xdist, ...).",
    "epilog": _EXIT_CODES,
    "formatter_class": argparse.RawDescriptionHelpFormatter,
}


def _add_run_options(run: argparse.ArgumentParser) -> None:
    run.add_argument(
        "--reports", type=Path, default=Path("reports"), help="report directory (default reports/)"
    )
    run.add_argument(
        "--check",
        action="append",
        default=[],
        metavar="ID",
        help="run only the tests holding this check, or the checks below this prefix (repeatable)",
    )
    run.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="known findings (by check id): reported, not failing the run; new ones fail it",
    )
    run.add_argument(
        "--write-baseline", type=Path, metavar="FILE", help="write this run's gating findings to FILE"
    )


class _RunHelp(argparse.Action):
    """``run --help``: run's own options, then the pass-through ones from the plugins' definitions."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        from .passthrough import add_to, pass_through_options

        # A parser only shown, never parsed: the pass-through options stay pytest's to parse.
        shown = _Parser(prog=parser.prog, **{k: v for k, v in _RUN_TEXT.items() if k != "help"})
        _add_run_options(shown)
        add_to(
            shown.add_argument_group("passed to pytest (the scim-conformance plugin)"), pass_through_options()
        )
        shown.print_help()  # to stdout, as argparse's own --help
        parser.exit(0)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("scim-conformance")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    try:
        command_line = parser()
        args, extra = command_line.parse_known_args(argv)
        if extra and args.command != "run":
            command_line.error(f"unrecognized arguments: {' '.join(extra)}")
        if args.command == "serve":
            return _serve(args)
        if args.command == "checks":
            return _checks(args)
        if args.command == "doctor":
            return _doctor(args)
        if args.command == "replay":
            return _replay(args)
        return _run(args, extra)
    except CliError as exc:
        print(f"scim-conformance: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (``checks | head``): not worth a traceback. Point stdout at
        # devnull so the interpreter's final flush does not raise again (Python docs, signal).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        # Ctrl-C outside pytest's session: during start-up (nothing created yet), or
        # a second Ctrl-C, which stops the cleanup and the reports too.
        print("scim-conformance: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


class CliError(Exception):
    """A usage or set-up problem, reported in one line."""


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .server.app import create_app
    from .server.config import Realm, ServiceAccount, new_realm_id, new_token
    from .server.persistence import SqliteJournal
    from .server.requestlog import RequestLog
    from .server.store import Store

    journal = None
    if args.data is not None:
        try:
            journal = SqliteJournal(args.data)
            stored_realm, stored_token = journal.setting("realm"), journal.setting("token")
        except Exception as exc:  # sqlite3 and OS errors alike: one line, exit 2
            raise CliError(f"cannot open data file {str(args.data)!r}: {exc}") from None
    else:
        stored_realm = stored_token = None
    if args.realm and stored_realm and args.realm != stored_realm:
        # The file's users and groups belong to its realm: serving another one would
        # show an empty realm, and storing the new realm would hide them for good.
        raise CliError(
            f"data file {str(args.data)!r} holds realm {stored_realm}, not {args.realm}: "
            "serve it without --realm (or with that realm), or give another --data file"
        )
    ssl_files = _tls_files(args.tls_cert, args.tls_key)
    realm_id = args.realm or stored_realm or new_realm_id()
    token, token_origin = args.token, "as given by --token"
    if token is None and stored_token:
        token, token_origin = stored_token, f"stored in {args.data}"
    shown_token = token is None
    if token is None:
        token, token_origin = new_token(), "generated"

    try:
        store = Store(journal)
    except Exception as exc:  # a data file written by something else: one line, not a traceback
        raise CliError(f"cannot load data file {str(args.data)!r}: {exc}") from None
    app = create_app(realms=[Realm(realm_id)], accounts=[ServiceAccount("okta", token)], store=store)
    if args.log is not None:
        try:
            app = RequestLog(app, args.log, secrets=[token])
        except OSError as exc:
            raise CliError(f"cannot open log file {str(args.log)!r}: {exc.strerror}") from None

    try:
        # IPPROTO_TCP, not the default 0: asyncio sets TCP_NODELAY on accepted
        # connections only when the socket's proto says TCP. Without it, the
        # two writes of every response (head, then body) meet the client's
        # delayed ACK: about 40 ms per request instead of under 1 ms.
        family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((args.host, args.port))
        # Listen now, not when uvicorn starts: a client that reads the URL
        # below and connects at once is queued instead of refused.
        sock.listen(2048)
    except OSError as exc:
        raise CliError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    if journal is not None:
        # Only once nothing else can fail: a generated token stored by a run
        # that then exits would never be printed, and never be known.
        try:
            journal.set_setting("realm", realm_id)
            journal.set_setting("token", token)
        except Exception as exc:
            raise CliError(f"cannot write data file {str(args.data)!r}: {exc}") from None
    host, port = sock.getsockname()[:2]
    scheme = "https" if ssl_files else "http"
    print(f"SCIM base URL: {scheme}://{url_host(host)}:{port}/public/realms/{realm_id}/scim/v2")
    # The one place a token is ever shown: the user needs it to configure Okta.
    print(f"Bearer token:  {token}  ({token_origin})" if shown_token else f"Bearer token:  ({token_origin})")
    if args.data is not None:
        print(f"Data:          {args.data}")
    if args.log is not None:
        print(f"Request log:   {args.log}")
    print("Press Ctrl-C to stop.", flush=True)
    cert, key = ssl_files or (None, None)
    config = uvicorn.Config(
        app, log_level="warning", lifespan="off", access_log=False, ssl_certfile=cert, ssl_keyfile=key
    )
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        # uvicorn (>= 0.29) shuts down gracefully on Ctrl-C, then re-raises the
        # SIGINT it captured; the shutdown is done, so this is a clean exit.
        pass
    finally:
        if journal is not None:
            journal.close()
    return 0


def url_host(host: str) -> str:
    """The host part of the URL ``serve`` prints for the address it listens on."""
    if host in ("0.0.0.0", "::"):
        # Every interface: the wildcard address is no URL a person can paste into Okta;
        # the machine's name is (when others resolve it; else a tunnel's, README).
        host = socket.getfqdn()
    return f"[{host}]" if ":" in host else host


def _tls_files(cert: Path | None, key: Path | None) -> tuple[str, str] | None:
    """The certificate and key to serve HTTPS with, checked now: uvicorn would fail with a traceback."""
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        raise CliError("--tls-cert and --tls-key go together: give both to serve HTTPS")
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CliError(f"cannot serve HTTPS with {str(cert)!r} and {str(key)!r}: {why}") from None
    return str(cert), str(key)


def _checks(args: argparse.Namespace) -> int:
    import shutil

    from .inventory.listing import as_json, as_table
    from .inventory.registry import all_checks

    checks = all_checks()
    print(as_json(checks) if args.json else as_table(checks, shutil.get_terminal_size((160, 24)).columns))
    return 0


def _target_settings(args: argparse.Namespace) -> tuple[str, str | None, dict[str, Any]]:
    """URL, token and connection settings of the commands that take ``_target_options``."""
    if not args.scim_url:
        raise CliError("no target: pass --scim-url URL or set SCIM_URL (the SCIM root URL)")
    settings = {
        "insecure": args.scim_insecure,
        "ca_bundle": args.scim_ca_bundle,
        "timeout": args.scim_timeout,
    }
    return str(args.scim_url), args.scim_token, settings


def _doctor(args: argparse.Namespace) -> int:
    from .doctor import examine, render

    url, token, settings = _target_settings(args)
    items = examine(url, token, **settings, write=args.write)
    for line in render(items):
        print(line)
    failed = sum(1 for item in items if not item.ok)
    print(f"{len(items) - failed} OK, {failed} FAIL")
    return 1 if failed else 0


def _replay(args: argparse.Namespace) -> int:
    from .errors import HarnessError
    from .logreplay import read_records, render, replay
    from .logreplay.records import LogError
    from .preflight import preflight
    from .target import remote_target

    try:
        records = read_records(args.file)
    except LogError as exc:
        raise CliError(str(exc)) from None
    try:
        url, token, settings = _target_settings(args)
        target = remote_target(url, token, **settings)
    except HarnessError as exc:
        raise CliError(str(exc)) from None
    try:
        preflight(target)
        done = replay(records, target)
    except HarnessError as exc:
        raise CliError(f"cannot replay against the target: {exc}") from None
    finally:
        target.close()
    for line in render(done):
        print(line)
    return 0 if all(item.same for item in done) else 1


def _run(args: argparse.Namespace, extra: list[str]) -> int:
    """Run the suites; the exit code is one of :mod:`scim_conformance.exits`' four."""
    import pytest

    from .console import Console
    from .exits import ExitCodes, UsageProblem, documented
    from .resources import suites_dir

    if args.check:
        from .inventory.selection import unknown

        if missing := unknown(args.check):
            raise CliError(
                f"--check {missing[0]}: no check has this id or starts with it "
                "(scim-conformance checks lists them)"
            )
    if args.baseline is not None:
        from .baseline import BaselineError, read_baseline

        try:
            read_baseline(args.baseline)
        except BaselineError as exc:
            raise CliError(str(exc)) from None
    reports: Path = args.reports
    try:
        reports.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"cannot create the report directory {str(reports)!r}: {exc.strerror}") from None
    suites = suites_dir()
    codes = ExitCodes()
    try:
        status = pytest.main(
            [
                str(suites),
                "--rootdir",
                str(suites),
                *RUN_PYTEST_OPTIONS,
                f"--html={reports / 'report.html'}",
                "--self-contained-html",
                f"--junitxml={reports / 'junit.xml'}",
                f"--scim-json={reports / 'summary.json'}",
                *[f"--scim-check={check}" for check in args.check],
                *([f"--scim-baseline={args.baseline}"] if args.baseline else []),
                *([f"--scim-write-baseline={args.write_baseline}"] if args.write_baseline else []),
                *[a for a in extra if a != "--"],
            ],
            plugins=[codes, Console(suites)],
        )
    except UsageProblem as exc:
        raise CliError(str(exc)) from None
    except Exception as exc:
        # pytest itself failed, after the session's cleanup and reports (its
        # sessionfinish runs in a finally): seen when its terminal reporter cannot
        # render the traceback a Ctrl-C interrupted. One line, never a traceback.
        if not (codes.interrupted or codes.ctrl_c):
            print(f"scim-conformance: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
            return EXIT_FINDINGS
        status = EXIT_INTERRUPTED
    if codes.nothing_selected is not None:
        print(f"scim-conformance: error: {codes.nothing_selected}", file=sys.stderr)
    interrupted = codes.interrupted or codes.ctrl_c
    if interrupted:
        print(f"scim-conformance: interrupted: cleaned up, reports written to {reports}/", file=sys.stderr)
    return documented(int(status), interrupted=interrupted)
