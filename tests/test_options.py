"""The plugin's option values: a bad one is a usage error when parsed, not a failure mid-run."""

from __future__ import annotations

import argparse

import pytest

from scim_conformance.plugin import _count, _examples, _seconds


@pytest.mark.parametrize("text", ["0", "-1", "1.5", "x", ""])
def test_examples_must_be_a_positive_count(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="not a positive count"):
        _examples(text)


@pytest.mark.parametrize("text", ["0", "-3", "nan", "inf", "x"])
def test_a_timeout_must_be_positive_seconds(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match=r"not a .*number of seconds"):
        _seconds(text)


def test_good_values_are_kept() -> None:
    assert (_examples("1"), _seconds("0.5"), _seconds("60"), _count("0")) == (1, 0.5, 60.0, 0)


def test_a_user_budget_must_be_a_count() -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="not a count: 'x'"):
        _count("x")
