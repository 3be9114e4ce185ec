"""``scim-conformance replay FILE``: send a recorded exchange log to another target, and compare.

The log is a request log (``serve --log``, docs/request-log.md), a run's
``stateful-*-failure.jsonl`` (the same format) or a HAR file (:mod:`.records`).
Each request is re-rooted at the target's SCIM root and sent with the replay's
own token; ids the recorded responses returned are mapped to the ids the target
returned (:mod:`.idmap`), in later paths, queries and bodies; each answer is
compared with the recorded one, volatile fields aside (:mod:`.compare`).
"""

from __future__ import annotations

from .records import Recorded, read_records
from .runner import Replayed, render, replay

__all__ = ["Recorded", "Replayed", "read_records", "render", "replay"]
