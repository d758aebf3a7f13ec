"""Schemathesis hooks for tests/test_conformance.py (loaded by the schemathesis process).

The conformance runs pin the account, app, meeting, session and peer ids to real ones, so
that requests reach past the 404s. Schemathesis applies a pinned value after generating a
case, even a case generated to make that very parameter invalid: the request then sent is
valid, and a 2xx to it would read as "invalid data accepted". Such cases test nothing and
are dropped; invalid values of every other part of the request are still sent.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis import GenerationMode

PINNED = frozenset({"account_id", "app_id", "meeting_id", "session_id", "peer_id"})


@schemathesis.hook
def filter_case(_context: Any, case: Any) -> bool:
    meta = case.meta
    if meta is None or meta.generation.mode != GenerationMode.NEGATIVE:
        return True
    data = meta.phase.data
    return not (
        getattr(data, "parameter_location", None) == "path"
        and getattr(data, "parameter", None) in PINNED
    )
