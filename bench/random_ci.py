"""A pytest plugin for bench/sensitivity.py: the ``ci`` profile's size with a random seed (``ci-random``).

Registered on import, before hypothesis's plugin loads ``--hypothesis-profile``.
"""

from __future__ import annotations

from hypothesis import settings

from scim_conformance.hypothesis_settings import PROFILES

settings.register_profile("ci-random", settings(PROFILES["ci"], derandomize=False, database=None))
