"""What the harness checks, as a whole: every check id it can report and every requirement.

``registry`` reads the check ids where they are declared (the suites' markers, the
catalogue's steps, the schemas' grades, the state machine's kinds) without running
anything; ``docs`` holds them against ``requirements.json`` (each requirement of
CONTRACT §3–4 and RFC 7643/7644 on Okta's operations, with the checks that cover it or
why none does) and writes ``docs/checks.md``.

It sits above the drivers it reads (catalogue, probe, state machine), apart from the
check functions of :mod:`scim_conformance.checks`, which every driver imports.
"""
