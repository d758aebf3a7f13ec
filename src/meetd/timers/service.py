"""Running timers (contract A8): when they fall due in real time, by every `meetd serve`
process (meetd.timers.runner), or at once, in order, when a clock advance passes them.

A timer is deleted in the transaction that runs it: it runs once, and on PostgreSQL the
process that claimed it (FOR UPDATE SKIP LOCKED) is the only one that sees it. A timer whose
work fails is logged and dropped in its own savepoint; the rest still run.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from sqlalchemy.engine import Connection

from meetd.apps import store as apps
from meetd.clock import clock, from_millis
from meetd.crypto import SecretBox
from meetd.db.tables import Record
from meetd.files.service import Downloads
from meetd.livestreams import lifecycle as livestream_lifecycle
from meetd.livestreams import store as livestreams
from meetd.meetings import store as meetings
from meetd.recordings import lifecycle as recording_lifecycle
from meetd.recordings import store as recordings
from meetd.sessions import lifecycle
from meetd.sessions import store as sessions
from meetd.timers import store

log = logging.getLogger("meetd.timers")
BATCH = 100


def _end_session(connection: Connection, moment: lifecycle.Moment, subject_id: uuid.UUID) -> None:
    found = sessions.find_session(connection, subject_id)
    if found is None:
        return
    meeting = meetings.get_meeting(
        connection, app_id=found["app_id"], meeting_id=found["meeting_id"], for_update=True
    )
    session = sessions.find_session(connection, subject_id)  # as it is under the lock
    if meeting is not None and session is not None:
        lifecycle.end_when_due(connection, moment, session=session, meeting=meeting)


def _recording(
    step: Callable[[Connection, lifecycle.Moment, Record], None],
) -> Callable[[Connection, lifecycle.Moment, uuid.UUID], None]:
    """A recording's timer: its step runs on the recording as it is under its meeting's lock."""

    def run(connection: Connection, moment: lifecycle.Moment, subject_id: uuid.UUID) -> None:
        found = recordings.find_recording(connection, subject_id)
        if found is None:
            return
        meetings.get_meeting(
            connection, app_id=found["app_id"], meeting_id=found["meeting_id"], for_update=True
        )
        recording = recordings.find_recording(connection, subject_id)
        if recording is not None:
            step(connection, moment, recording)

    return run


def _begin_livestream(
    connection: Connection, moment: lifecycle.Moment, subject_id: uuid.UUID
) -> None:
    found = livestreams.find_livestream(connection, subject_id)
    if found is None or found["meeting_id"] is None:
        return
    meetings.get_meeting(
        connection, app_id=found["app_id"], meeting_id=found["meeting_id"], for_update=True
    )
    livestream_lifecycle.begin(
        connection, moment, livestreams.lock_livestream(connection, subject_id)
    )


HANDLERS: dict[str, Callable[[Connection, lifecycle.Moment, uuid.UUID], None]] = {
    lifecycle.SESSION_END: _end_session,
    recording_lifecycle.BEGIN: _recording(recording_lifecycle.begin),
    recording_lifecycle.LIMIT: _recording(recording_lifecycle.reach_limit),
    recording_lifecycle.UPLOAD: _recording(recording_lifecycle.finish),
    livestream_lifecycle.BEGIN: _begin_livestream,
}


def run_due(connection: Connection, *, downloads: Downloads, box: SecretBox) -> int:
    """Every app's timers that are due now on its clock, up to BATCH; how many ran."""
    due = store.claim_due(connection, now_ms=clock.now_millis(), limit=BATCH)
    for timer in due:
        _run(connection, timer, downloads, box)
    return len(due)


def run_until(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    until_ms: int,
    downloads: Downloads,
    box: SecretBox,
) -> int:
    """The app's timers due by `until_ms` on its clock, one after the other in the order
    they fall due: one may schedule another that also falls due."""
    ran = 0
    while (
        timer := store.next_due_in_app(connection, app_id=app_id, until_ms=until_ms)
    ) is not None:
        _run(connection, timer, downloads, box)
        ran += 1
    return ran


def _run(connection: Connection, timer: Record, downloads: Downloads, box: SecretBox) -> None:
    """A timer's work happens at the time it fell due, however late it runs: a session
    whose keep-alive ran out during a clock advance ended then, not at the advance."""
    app = apps.get_app(connection, timer["app_id"])
    if app is not None:
        moment = lifecycle.Moment(app, downloads, from_millis(timer["due_ms"]), box)
        try:
            with connection.begin_nested():
                HANDLERS[timer["kind"]](connection, moment, timer["subject_id"])
        except Exception:
            log.exception("a %s timer of app %s failed; it is dropped", timer["kind"], app.id)
    store.delete_timer(connection, timer["seq"])
