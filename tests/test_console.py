"""The header line `scim-conformance run` starts with (scim_conformance.console)."""

from __future__ import annotations

from typing import Any

from scim_conformance.console import header


class _Options:
    """Stands in for pytest.Config: only getoption, with the plugin's defaults."""

    def __init__(self, **given: Any) -> None:
        self.values = {
            "scim_url": None,
            "scim_token": None,
            "scim_app": None,
            "scim_examples": None,
            "okta_profile": "all",
            "--hypothesis-profile": None,
            **given,
        }

    def getoption(self, name: str) -> Any:
        return self.values[name]


def test_the_embedded_server_both_profiles_by_default() -> None:
    assert header(_Options()) == (  # type: ignore[arg-type]
        "scim-conformance: target the embedded reference server (in-process); Okta profiles aiw, oin; "
        "hypothesis profile dev"
    )


def test_a_url_is_shown_redacted() -> None:
    token = "tok-0123456789abcdef"
    options = _Options(
        scim_url=f"https://svc:pa55@zentral.example.com/public/realms/r/scim/v2?token={token}",
        scim_token=token,
        okta_profile="oin",
        scim_examples=7,
        **{"--hypothesis-profile": "ci"},
    )
    line = header(options)  # type: ignore[arg-type]
    assert "pa55" not in line and token not in line
    assert line.startswith("scim-conformance: target https://[REDACTED]@zentral.example.com/public/realms/r/")
    assert line.endswith("; Okta profiles oin; hypothesis profile ci, 7 examples")


def test_another_app_is_named() -> None:
    line = header(_Options(scim_app="scim_conformance.mutants:patch_not_applied"))  # type: ignore[arg-type]
    assert "target embedded app scim_conformance.mutants:patch_not_applied (in-process)" in line
