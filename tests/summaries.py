"""summary.json against the JSON Schema the package ships (``reporting/summary.schema.json``)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from scim_conformance.reporting.summary import schema


@cache
def _validator() -> Draft202012Validator:
    Draft202012Validator.check_schema(schema())
    return Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(summary: Any) -> list[str]:
    """Where ``summary`` breaks the schema, one line per violation (none: it is valid)."""
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in _validator().iter_errors(summary)
    ]


def summaries_in(folder: Path) -> list[Path]:
    """The summary.json files (``--scim-json``, whatever their name) written under ``folder``."""
    found = []
    for path in sorted(folder.rglob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        # Only a summary has both: a request log, a catalogue or a schema has neither.
        if isinstance(data, dict) and "root_causes" in data and "exit_code" in data:
            found.append(path)
    return found
