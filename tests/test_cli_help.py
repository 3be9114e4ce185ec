"""`scim-conformance --version`, `run --help` and `serve --help`, called in-process (no suite runs)."""

from __future__ import annotations

from importlib.metadata import version

import pytest

from scim_conformance.cli import main


def output_of(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    assert exited.value.code == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return captured.out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert output_of(capsys, "--version") == f"scim-conformance {version('scim-conformance')}\n"


def plugin_options(config: pytest.Config) -> list[str]:
    """Every option the scim plugin registers with pytest, as pytest itself holds them."""
    group = config._parser.getgroup("scim")  # the group pytest_addoption filled in this very session
    return [name for option in group.options for name in option.names()]


def test_run_help_lists_every_pass_through_option_with_its_help(
    capsys: pytest.CaptureFixture[str], pytestconfig: pytest.Config
) -> None:
    text = output_of(capsys, "run", "--help")
    options = plugin_options(pytestconfig)
    assert "--scim-url" in options and len(options) >= 10
    for name in [*options, "--hypothesis-profile", "--reports"]:
        assert f"  {name} " in text or f"  {name}\n" in text, name
    # the help, not only the names: one phrase of each kind
    assert "SCIM root URL of the target" in text
    assert "examples per property test" in text
    assert "dev, ci, thorough" in text
    assert "-k EXPR" in text and "-n N" in text


def test_run_help_gives_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    text = output_of(capsys, "run", "--help")
    codes = text.split("exit codes:", 1)[1]
    for code, meaning in [
        ("0", "no gating finding"),
        ("1", "a gating finding"),
        ("2", "the set-up is broken (preflight) or a usage error"),
        ("130", "interrupted (Ctrl-C), after cleanup and reports"),
    ]:
        assert f"\n  {code} " in codes and meaning in codes, code


def test_run_help_never_shows_the_token(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The plugin's default for --scim-token is the environment's token.
    monkeypatch.setenv("SCIM_TOKEN", "help-must-not-show-this-token")
    assert "help-must-not-show-this-token" not in output_of(capsys, "run", "--help")


def test_serve_help_describes_itself(capsys: pytest.CaptureFixture[str]) -> None:
    text = output_of(capsys, "serve", "--help")
    assert "Serve the reference SCIM server" in text and "Ctrl-C stops it" in text
    assert "--port" in text and "--data" in text
    assert "--tls-cert" in text and "tunnel" in text
