"""What the HTML report (pytest-html) adds: the operation matrix at the top of its summary."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from ..okta.operations import OPERATIONS
from ..outcomes import Outcome, cell_text

_COLOURS = {"pass": "#1a7f37", "fail": "#cf222e", "not reached": "#9a6700"}


def matrix_table(table: dict[str, dict[str, Outcome | None]], profiles: Iterable[str]) -> str:
    """The operation × profile matrix as an HTML table (inline styles: the report is self-contained)."""
    shown = list(profiles)
    head = "".join(f"<th>{escape(p)}</th>" for p in shown)
    rows = []
    for name, row in table.items():
        cells = []
        for profile in shown:
            outcome = row[profile]
            colour = _COLOURS.get(outcome.status, "inherit") if outcome else "#57606a"
            cells.append(f'<td style="color:{colour}">{escape(cell_text(outcome))}</td>')
        rows.append(f"<tr><td>{escape(OPERATIONS[name].title)}</td>{''.join(cells)}</tr>")
    return (
        '<h2>Okta operations</h2><table id="scim-operations" style="border-collapse:collapse">'
        f"<tr><th>Okta operation</th>{head}</tr>{''.join(rows)}</table>"
    )
