"""What a user reads of a finding: the text shape (terminal, HTML, JUnit) and the JSON of summary.json."""

from __future__ import annotations

from scim_conformance.errors import ConformanceFailure
from scim_conformance.findings import render, to_dict
from scim_conformance.traffic import Exchange, Recorder

TOKEN = "finding-token-0123456789"
URL = "https://zentral.example.test/scim/v2"


def exchanges() -> tuple[Exchange, ...]:
    """Two exchanges recorded after an earlier one: numbered 2 and 3 in their recorder."""
    recorder = Recorder([TOKEN])
    recorder.record(method="GET", url=f"{URL}/ServiceProviderConfig", status=200)
    recorder.record(
        method="GET",
        url=f"{URL}/Users?filter=userName%20eq%20%22ada%40example.com%22",
        request_headers=[("Authorization", f"Bearer {TOKEN}")],
        status=200,
        response_headers=[("Content-Type", "application/scim+json")],
        response_body='{"totalResults": 0}',
        duration_ms=2.04,
    )
    recorder.record(
        method="PATCH",
        url=f"{URL}/Users/u-1",
        request_headers=[
            ("Authorization", f"Bearer {TOKEN}"),
            ("Content-Type", "application/scim+json; charset=utf-8"),
        ],
        request_body='{"Operations":[{"op":"replace","value":{"active":false}}]}',
        status=200,
        response_body='{"active": true}',
        duration_ms=12.6,
    )
    return tuple(recorder.exchanges[1:])


def finding(**fields: object) -> ConformanceFailure:
    values: dict[str, object] = {
        "check": "user-lifecycle.deactivate-patch",
        "title": "the PATCH response shows the user still active",
        "severity": "okta",
        "requirement": "okta-requests.md §7 (MUST)",
        "expected": "/active: false",
        "got": "/active: true",
        "exchanges": exchanges(),
        "profiles": ("oin",),
        "operation": "Push user, step 8 of 13",
    }
    values.update(fields)
    return ConformanceFailure(**values)  # type: ignore[arg-type]


CURL = (
    f"curl -sS -X PATCH '{URL}/Users/u-1' -H \"Authorization: Bearer $SCIM_TOKEN\" "
    "-H 'Content-Type: application/scim+json; charset=utf-8' "
    '--data-binary \'{"Operations":[{"op":"replace","value":{"active":false}}]}\''
)

RENDERED = f"""\
- the PATCH response shows the user still active
  Check:          user-lifecycle.deactivate-patch (okta; Okta profiles: oin)
  Okta operation: Push user, step 8 of 13
  Requirement:    okta-requests.md §7 (MUST)
  Expected:       /active: false
  Got:            /active: true

  Exchanges so far (2):

    #1 GET {URL}/Users?filter=userName%20eq%20%22ada%40example.com%22 → 200 (2.0 ms)
    > Authorization: Bearer [REDACTED]
    < 200 OK
    < Content-Type: application/scim+json
    <
    < {{
    <   "totalResults": 0
    < }}

    #2 PATCH {URL}/Users/u-1 → 200 (13 ms)
    > Authorization: Bearer [REDACTED]
    > Content-Type: application/scim+json; charset=utf-8
    >
    > {{
    >   "Operations": [
    >     {{
    >       "op": "replace",
    >       "value": {{
    >         "active": false
    >       }}
    >     }}
    >   ]
    > }}
    < 200 OK
    <
    < {{
    <   "active": true
    < }}

  Reproduce with:
    {CURL}"""


def test_render_shows_the_whole_shape_with_exchanges_numbered_from_1() -> None:
    assert render(finding()) == RENDERED


def test_render_without_operation_or_exchanges_leaves_those_parts_out() -> None:
    assert render(finding(operation="", exchanges=())) == (
        "- the PATCH response shows the user still active\n"
        "  Check:          user-lifecycle.deactivate-patch (okta; Okta profiles: oin)\n"
        "  Requirement:    okta-requests.md §7 (MUST)\n"
        "  Expected:       /active: false\n"
        "  Got:            /active: true"
    )


def test_render_indents_multi_line_values_under_their_label() -> None:
    text = render(finding(operation="", exchanges=(), expected="line one\nline two", got="a\nb\nc"))
    assert text.splitlines()[-5:] == [
        "  Expected:       line one",
        "                  line two",
        "  Got:            a",
        "                  b",
        "                  c",
    ]


def test_render_shows_notes_before_the_exchanges() -> None:
    failure = finding()
    failure.add_note("Falsifying example: test(user_name='ada')")
    failure.add_note("state.teardown()")
    lines = render(failure).splitlines()
    at = lines.index("  Got:            /active: true")
    assert lines[at + 1 : at + 5] == [
        "",
        "  Falsifying example: test(user_name='ada')",
        "  state.teardown()",
        "",
    ]
    assert lines[at + 5] == "  Exchanges so far (2):"


def test_render_shows_every_finding_of_the_test_most_severe_first() -> None:
    rfc = finding(title="rfc one", severity="rfc", exchanges=(), operation="")
    security = finding(title="security one", severity="security", exchanges=(), operation="")
    stopping = finding(title="okta one", exchanges=(), operation="", others=(rfc, security))
    blocks = render(stopping).split("\n\n")
    assert [block.splitlines()[0] for block in blocks] == ["- security one", "- okta one", "- rfc one"]


def test_to_dict() -> None:
    failure = finding()
    failure.add_note("a note")
    data = to_dict(failure, "suites/test_users.py::test_deactivate[oin]")
    first, second = exchanges()
    assert data == {
        "test": "suites/test_users.py::test_deactivate[oin]",
        "check": "user-lifecycle.deactivate-patch",
        "title": "the PATCH response shows the user still active",
        "severity": "okta",
        "profiles": ["oin"],
        "operation": "Push user, step 8 of 13",
        "requirement": "okta-requests.md §7 (MUST)",
        "expected": "/active: false",
        "got": "/active: true",
        "exchanges": [{**first.to_dict(), "number": 1}, {**second.to_dict(), "number": 2}],
        "reproduce": CURL,
        "notes": ["a note"],
    }
    assert TOKEN not in str(data)


def test_to_dict_without_exchanges_has_nothing_to_reproduce() -> None:
    data = to_dict(finding(exchanges=(), profiles=("aiw", "oin")), "t")
    assert (data["exchanges"], data["reproduce"], data["notes"], data["profiles"]) == (
        [],
        None,
        [],
        ["aiw", "oin"],
    )


def test_renumbering_leaves_the_finding_as_it_was() -> None:
    failure = finding()
    render(failure)
    to_dict(failure, "t")
    assert [e.number for e in failure.exchanges] == [2, 3]
