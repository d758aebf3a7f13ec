"""Schemathesis hooks for tests/test_conformance.py (loaded by the schemathesis process).

The conformance runs pin the account, app, meeting, session and peer ids to real ones, so
that requests reach past the 404s. Schemathesis applies a pinned value after generating a
case, even a case generated to make that very parameter invalid: the request then sent is
valid, and a 2xx to it would read as "invalid data accepted". Such cases test nothing and
are dropped; invalid values of every other part of the request are still sent.

Fault rules and resets (`simulate/faults`, `simulate/state`) are sent to an app of their own,
named in MEETD_FUZZ_SCRATCH_APP: a rule made there faults nothing of the pinned app, and a
reset there empties nothing the others work on.
"""

from __future__ import annotations

import os
import re
from typing import Any

import schemathesis
from schemathesis import GenerationMode

PINNED = frozenset({"account_id", "app_id", "meeting_id", "session_id", "peer_id"})
SCRATCH_APP = "MEETD_FUZZ_SCRATCH_APP"
_SCRATCH_PATHS = re.compile(r"/simulate/(faults|state)")


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


@schemathesis.hook
def before_call(_context: Any, case: Any, _kwargs: dict[str, Any]) -> None:
    if _SCRATCH_PATHS.search(case.operation.path) and case.path_parameters:
        scratch = os.environ.get(SCRATCH_APP)
        if scratch and "app_id" in case.path_parameters:
            case.path_parameters["app_id"] = scratch
