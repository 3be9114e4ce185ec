"""What the HTML report (pytest-html, self-contained) adds, as HTML strings.

- the opening summary: target, profiles, strict, tool version, duration, findings
  by severity, tests by outcome, then the operation matrix;
- a check and a severity cell in each row of the results table;
- each finding inline in its row: requirement, expected and got, the transcript
  and the curl line. Inline because pytest-html's self-contained mode turns a
  text extra into a ``data:`` link, which browsers refuse to open from a file.

Styles are inline (the report is one file). Every text is escaped, and the
findings' text is scrubbed of the token first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import Any, Final

from ..core.redaction import redact_text
from ..core.terms import SEVERITIES, Severity, gates
from ..errors import ConformanceFailure
from ..findings import renumbered
from ..okta.operations import OPERATIONS
from ..outcomes import Outcome, cell_text

_COLOURS = {"pass": "#1a7f37", "fail": "#cf222e", "not reached": "#9a6700"}
_SEVERITY_COLOURS = {"security": "#8250df", "okta": "#cf222e", "rfc": "#9a6700"}
_PRE: Final = (
    'style="white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:6px;margin:2px 0;'
    'font-size:12px"'
)
_CELL: Final = 'style="text-align:left;vertical-align:top;padding:2px 8px"'


def title(target: str) -> str:
    """The report's title (the page's and its first heading)."""
    return f"SCIM conformance — {target}"


def matrix_table(table: dict[str, dict[str, Outcome | None]], profiles: Iterable[str]) -> str:
    """The operation × profile matrix as an HTML table (inline styles: the report is self-contained)."""
    shown = list(profiles)
    head = "".join(f"<th {_CELL}>{escape(p)}</th>" for p in shown)
    rows = []
    for name, row in table.items():
        cells = []
        for profile in shown:
            outcome = row[profile]
            colour = _COLOURS.get(outcome.status, "inherit") if outcome else "#57606a"
            cells.append(f'<td style="color:{colour};padding:2px 8px">{escape(cell_text(outcome))}</td>')
        rows.append(f"<tr><td {_CELL}>{escape(OPERATIONS[name].title)}</td>{''.join(cells)}</tr>")
    return (
        '<h2>Okta operations</h2><table id="scim-operations" style="border-collapse:collapse">'
        f"<tr><th {_CELL}>Okta operation</th>{head}</tr>{''.join(rows)}</table>"
    )


def run_summary(
    *,
    target: str,
    profiles: Iterable[str],
    strict: bool,
    version: str,
    duration: float,
    counts: Mapping[Severity, int],
    tests: Mapping[str, int],
) -> str:
    """The facts a reader needs before any row: what was judged, by what, how long, what was found."""
    found = ", ".join(
        f'<span style="color:{_SEVERITY_COLOURS[s]}">{counts.get(s, 0)} {s}</span>' for s in SEVERITIES
    )
    if reported_only := [s for s in SEVERITIES if not gates(s, strict=strict)]:
        found += f" ({', '.join(reported_only)} findings do not fail the run without --scim-strict)"
    facts = [
        ("Target", escape(target)),
        ("Okta profiles", escape(", ".join(profiles))),
        ("Strict (--scim-strict)", "yes" if strict else "no"),
        ("scim-conformance", escape(version)),
        ("Duration", f"{duration:.1f} s"),
        ("Findings", found),
        ("Tests", escape(", ".join(f"{n} {outcome}" for outcome, n in tests.items()))),
    ]
    rows = "".join(f"<tr><th {_CELL}>{name}</th><td {_CELL}>{value}</td></tr>" for name, value in facts)
    return f'<table id="scim-run" style="border-collapse:collapse;margin-bottom:1em">{rows}</table>'


def findings_html(failures: Iterable[ConformanceFailure], secrets: Iterable[str] = ()) -> str:
    """Each finding of a test, readable inline in its row of the results table."""
    hidden = list(secrets)
    return "".join(_finding(f, hidden) for f in failures)


def _finding(failure: ConformanceFailure, secrets: list[str]) -> str:
    def text(value: str) -> str:
        return escape(redact_text(value, secrets))

    colour = _SEVERITY_COLOURS.get(failure.severity, "inherit")
    facts = [
        (
            "Check",
            f"{text(failure.check)} ({failure.severity}; Okta profiles: {', '.join(failure.profiles)})",
        ),
        *([("Okta operation", text(failure.operation))] if failure.operation else []),
        ("Requirement", text(failure.requirement)),
        ("Expected", f"<pre {_PRE}>{text(failure.expected)}</pre>"),
        ("Got", f"<pre {_PRE}>{text(failure.got)}</pre>"),
    ]
    notes = [str(note) for note in getattr(failure, "__notes__", ())]
    if notes:
        facts.append(("Notes", f"<pre {_PRE}>{text(chr(10).join(notes))}</pre>"))
    rows = "".join(f"<tr><th {_CELL}>{name}</th><td {_CELL}>{value}</td></tr>" for name, value in facts)
    parts = [
        f'<div class="scim-finding" style="border-left:4px solid {colour};padding:4px 8px;margin:6px 0">',
        f'<h3 style="margin:2px 0">[{failure.severity}] {text(failure.title)}</h3>',
        f"<table>{rows}</table>",
    ]
    exchanges = renumbered(failure.exchanges)
    if exchanges:
        transcript = "\n\n".join(e.render() for e in exchanges)
        # The curl line first: a transcript runs to pages, and can be folded away.
        parts += [
            "<h4 style='margin:4px 0'>Reproduce with</h4>",
            f'<pre class="scim-curl" {_PRE}>{text(exchanges[-1].curl())}</pre>',
            f"<details open><summary style='font-weight:bold'>Exchanges so far ({len(exchanges)})</summary>",
            f'<pre class="scim-transcript" {_PRE}>{text(transcript)}</pre></details>',
        ]
    parts.append("</div>")
    return "".join(parts)


def row_cells(checks: list[dict[str, Any]], found: list[dict[str, Any]]) -> tuple[str, str]:
    """A results row's check and severity cells: the findings' (worst first), else the test's own check."""
    if found:
        ids = ", ".join(dict.fromkeys(f["check"] for f in found))
        worst = min((f["severity"] for f in found), key=SEVERITIES.index)
    elif checks:
        ids, worst = checks[0]["check"], checks[0]["severity"] or ""
    else:
        ids, worst = "", ""
    return (
        f'<td class="col-check">{escape(ids)}</td>',
        f'<td class="col-severity">{escape(worst)}</td>',
    )


HEADER_CELLS: Final = (
    '<th class="sortable" data-column-type="check">Check</th>',
    '<th class="sortable" data-column-type="severity">Severity</th>',
)
"""The columns :func:`row_cells` fills, after pytest-html's Result and Test columns."""
