"""Webhook deliveries (contract A10, `beyond-core.md` 2b and 2c), received by a real HTTP
receiver that verifies each one as RealtimeKit's docs show: every event of a session, byte
for byte as meetd stored it; retries with the same rtk-uuid; failures; the timeout; a
receiver that is down a while; disabled, deleted and partly subscribed webhooks; redelivery;
and nothing for a change that failed."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from meetd.db.tables import deliveries
from meetd.deployment import Deployment
from tests.sessions.support import TIMESTAMP, Activity, end_a_meeting, events
from tests.support import iso
from tests.webhooks.support import (
    DELIVERY_FIELDS,
    HANG,
    SIGNED_HEADERS,
    TIMEOUT,
    TRICKLE,
    TRICKLE_LINES,
    TRICKLE_PAUSE,
    Received,
    Receiver,
    Webhooks,
    until,
    verifies,
)

WHOLE_MEETING = [
    "meeting.started",
    "meeting.participantJoined",
    "meeting.participantJoined",
    "meeting.participantLeft",
    "meeting.participantLeft",
    "meeting.ended",
    "meeting.chatSynced",
    "meeting.transcript",
    "meeting.summary",
]
MEETING_FIELDS = {
    "id",
    "sessionId",
    "title",
    "roomName",
    "status",
    "createdAt",
    "startedAt",
    "organizedBy",
}
PARTICIPANT_FIELDS = {
    "peerId",
    "userDisplayName",
    "customParticipantId",
    "clientSpecificId",
    "joinedAt",
}
PATIENT = (0.1,) * 60  # retries for six seconds: long enough to come back up
DISABLED = "the webhook was disabled before this delivery succeeded"


def bodies(received: list[Received]) -> list[bytes]:
    return [r.body for r in received]


def all_verified(received: list[Received]) -> bool:
    return all(r.verified for r in received) and all(r.problem == "" for r in received)


def stored_rows(deployment: Deployment, webhook_id: str) -> int:
    with deployment.database.engine.connect() as connection:
        count = select(func.count()).where(deliveries.c.webhook_id == uuid.UUID(webhook_id))
        return connection.scalar(count) or 0


def alone(activity: Activity, meeting_id: str, who: str) -> dict[str, Any]:
    """`who` is added to the meeting and joins it."""
    return activity.join(meeting_id, activity.participant(meeting_id, who, who.title()))


class TestAWholeMeeting:
    def test_every_event_arrives_verified_byte_for_byte_in_order(
        self,
        webhooks: Webhooks,
        activity: Activity,
        receiver: Receiver,
        deployment: Deployment,
    ) -> None:
        webhook = webhooks.create(receiver.url())

        end_a_meeting(activity, title="Weekly sync", transcribe_on_end=True, summarize_on_end=True)

        received = receiver.wait_for(9)
        rows = events(deployment, activity.app_id)
        assert [row["type"] for row in rows] == WHOLE_MEETING
        assert [r.event for r in received] == WHOLE_MEETING
        assert bodies(received) == [row["body"] for row in rows]  # the exact bytes stored
        assert all_verified(received)
        for r in received:
            # compact JSON: what JSON.stringify makes of the parsed body (Dyte's sample)
            assert json.dumps(r.payload, separators=(",", ":"), ensure_ascii=False) == (
                r.body.decode()
            )
            assert r.path == "/hook"
            assert r.headers["content-type"] == "application/json"
            assert r.webhook_id == webhook
            assert uuid.UUID(r.uuid)
        assert len({r.uuid for r in received}) == 9
        log = webhooks.settled(webhook, 9)
        assert [d["id"] for d in log] == [r.uuid for r in received]
        for delivery, r, row in zip(log, received, rows, strict=True):
            assert set(delivery) == DELIVERY_FIELDS
            assert delivery["event"] == row["type"]
            assert delivery["payload"] == row["payload"]
            assert delivery["status"] == "DELIVERED"
            assert delivery["attempts"] == 1
            assert delivery["status_code"] == 200
            assert delivery["error"] is None
            assert delivery["timestamp"] == iso(row["created_at"])  # when it happened
            assert TIMESTAMP.fullmatch(delivery["last_attempt_at"])
            assert delivery["next_attempt_at"] is None
            sent = {name: r.headers[name] for name in delivery["headers"]}
            assert delivery["headers"] == sent
            assert {"rtk-signature", "rtk-uuid", "rtk-webhook-id"} <= set(sent)

    def test_the_payloads_are_realtimekits(
        self, webhooks: Webhooks, activity: Activity, receiver: Receiver
    ) -> None:
        webhooks.create(receiver.url())

        ended = end_a_meeting(
            activity, title="Weekly sync", transcribe_on_end=True, summarize_on_end=True
        )

        payloads = [r.payload for r in receiver.wait_for(9)]
        started, alice, bob, alice_left, bob_left, end, chat, transcript, summary = payloads
        meeting = started["meeting"]
        assert set(started) == {"event", "meeting"}
        assert set(meeting) == MEETING_FIELDS
        assert meeting["id"] == meeting["roomName"] == ended.meeting_id
        assert meeting["sessionId"] == ended.session_id
        assert meeting["title"] == "Weekly sync"
        assert meeting["status"] == "LIVE"
        assert meeting["startedAt"] == ended.alice_joined["joined_at"]
        assert meeting["organizedBy"] == {"id": activity.app_id, "name": "my-app"}
        assert TIMESTAMP.fullmatch(meeting["createdAt"])
        for joined, peer in ((alice, ended.alice_joined), (bob, ended.bob_joined)):
            assert set(joined) == {"event", "meeting", "participant"}
            assert joined["meeting"] == meeting
            assert set(joined["participant"]) == PARTICIPANT_FIELDS
            assert joined["participant"]["peerId"] == peer["peer_id"]
            assert joined["participant"]["joinedAt"] == peer["joined_at"]
        assert alice["participant"]["userDisplayName"] == "Alice"
        assert alice["participant"]["customParticipantId"] == "alice-1"
        assert alice["participant"]["clientSpecificId"] == "alice-1"
        for left, peer in ((alice_left, ended.alice_left), (bob_left, ended.bob_left)):
            assert set(left["participant"]) == PARTICIPANT_FIELDS | {"leftAt"}
            assert left["participant"]["leftAt"] == peer["left_at"]
        session = activity.session(ended.session_id)
        assert end == {
            "event": "meeting.ended",
            "meeting": meeting | {"endedAt": session["ended_at"]},
            "reason": "ALL_PARTICIPANTS_LEFT",
        }
        assert set(chat) == {
            "event",
            "sessionId",
            "meetingId",
            "title",
            "chatDownloadUrl",
            "chatDownloadUrlExpiry",
            "createdAt",
            "startedAt",
            "endedAt",
            "organizedBy",
        }
        assert chat["sessionId"] == ended.session_id
        assert chat["endedAt"] == session["ended_at"]
        assert TIMESTAMP.fullmatch(chat["chatDownloadUrlExpiry"])
        for kind, payload in (("transcript", transcript), ("summary", summary)):
            assert set(payload) == {
                "event",
                "meeting",
                f"{kind}DownloadUrl",
                f"{kind}DownloadUrlExpiry",
            }
            assert payload["meeting"] == end["meeting"]
            assert TIMESTAMP.fullmatch(payload[f"{kind}DownloadUrlExpiry"])

    def test_kick_all_ends_it_with_host_ended_meeting(
        self, webhooks: Webhooks, activity: Activity, receiver: Receiver
    ) -> None:
        webhooks.create(receiver.url())
        meeting = activity.meeting(title="Kicked")
        joined = alone(activity, meeting, "ann")

        activity.active(meeting, "kick-all")

        received = receiver.wait_for(4)
        assert [r.event for r in received] == [
            "meeting.started",
            "meeting.participantJoined",
            "meeting.participantLeft",
            "meeting.ended",
        ]
        assert all_verified(received)
        ended = received[3].payload
        assert ended["reason"] == "HOST_ENDED_MEETING"
        assert ended["meeting"]["endedAt"] == activity.session(joined["session_id"])["ended_at"]

    def test_the_signature_covers_the_exact_bytes(
        self, webhooks: Webhooks, activity: Activity, receiver: Receiver
    ) -> None:
        webhooks.create(receiver.url(), ["meeting.started"])

        alone(activity, activity.meeting(title="Ünïcode & <tags>"), "alice")

        [received] = receiver.wait_for(1)
        assert received.verified
        assert received.key is not None
        signature = received.headers["rtk-signature"]
        assert "Ünïcode & <tags>".encode() in received.body  # UTF-8, not escaped
        reserialized = json.dumps(received.payload).encode()  # spaces after : and ,
        assert reserialized != received.body
        assert not verifies(received.key, signature, reserialized)
        assert not verifies(received.key, signature, received.body + b" ")


class TestTheReceiver:
    """The receiver refuses what does not verify, as the docs' receiver does (so that the
    deliveries above verified is a finding, not a given)."""

    def test_refuses_a_request_without_the_headers(self, receiver: Receiver) -> None:
        response = httpx.post(receiver.url(), content=b'{"event":"meeting.started"}')

        assert response.status_code == 400
        [received] = receiver.received()
        assert not received.verified
        assert received.problem == "missing rtk-signature, rtk-uuid, rtk-webhook-id"

    def test_refuses_a_signature_of_other_bytes(
        self, webhooks: Webhooks, activity: Activity, receiver: Receiver
    ) -> None:
        webhooks.create(receiver.url(), ["meeting.started"])
        alone(activity, activity.meeting(), "alice")
        [signed] = receiver.wait_for(1)
        headers = {name: signed.headers[name] for name in SIGNED_HEADERS}

        response = httpx.post(receiver.url("forged"), content=signed.body + b"\n", headers=headers)

        assert response.status_code == 401
        [forged] = receiver.received("forged")
        assert not forged.verified
        assert forged.problem == "the signature does not verify"


class TestRetries:
    def test_a_5xx_is_retried_with_the_same_uuid_until_delivered(
        self, webhooks: Webhooks, activity: Activity, receiver: Receiver
    ) -> None:
        receiver.answer(500, 502, 503)
        webhook = webhooks.create(receiver.url(), ["meeting.started"])

        alone(activity, activity.meeting(), "alice")

        received = receiver.wait_for(4)
        assert [r.answered for r in received] == [500, 502, 503, 200]
        assert len({r.uuid for r in received}) == 1
        assert len({r.body for r in received}) == 1
        assert all_verified(received)
        [delivery] = webhooks.settled(webhook, 1)
        assert delivery["id"] == received[0].uuid
        assert delivery["status"] == "DELIVERED"
        assert delivery["attempts"] == 4
        assert delivery["status_code"] == 200
        assert delivery["error"] is None
        gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(received)]
        assert all(gap >= 0.04 for gap in gaps), gaps  # the schedule's waits (0.05 s)

    def test_a_5xx_every_time_fails_once_the_schedule_is_over(
        self, webhooks: Webhooks, activity: Activity, receiver: Receiver
    ) -> None:
        receiver.answer(then=503)
        webhook = webhooks.create(receiver.url(), ["meeting.started"])

        alone(activity, activity.meeting(), "alice")

        [delivery] = webhooks.settled(webhook, 1)
        assert delivery["status"] == "FAILED"
        assert delivery["attempts"] == 4  # the first, and one after each of 3 waits
        assert delivery["status_code"] == 503
        assert delivery["error"] == "the receiver answered 503; no retries left"
        assert delivery["next_attempt_at"] is None
        assert len(receiver.received()) == 4

    @pytest.mark.parametrize("status", [201, 202, 204, 299])
    def test_any_2xx_is_delivered(
        self, webhooks: Webhooks, activity: Activity, receiver: Receiver, status: int
    ) -> None:
        receiver.answer(then=status)
        webhook = webhooks.create(receiver.url(), ["meeting.started"])

        alone(activity, activity.meeting(), "alice")

        [delivery] = webhooks.settled(webhook, 1)
        assert (delivery["status"], delivery["attempts"]) == ("DELIVERED", 1)
        assert delivery["status_code"] == status

    @pytest.mark.parametrize("status", [400, 404, 429, 307])
    def test_another_status_fails_at_once(
        self, webhooks: Webhooks, activity: Activity, receiver: Receiver, status: int
    ) -> None:
        receiver.answer(status)
        webhook = webhooks.create(receiver.url(), ["meeting.started", "meeting.participantJoined"])

        alone(activity, activity.meeting(), "alice")

        # the join's event is sent once the start's has been decided
        received = receiver.wait_for(2)
        assert [(r.event, r.answered) for r in received] == [
            ("meeting.started", status),
            ("meeting.participantJoined", 200),
        ]
        started, joined = webhooks.settled(webhook, 2)
        assert started["status"] == "FAILED"
        assert started["attempts"] == 1
        assert started["status_code"] == status
        assert str(status) in started["error"]
        assert joined["status"] == "DELIVERED"

    def test_one_that_never_answers_is_cut_at_the_timeout(
        self, webhooks: Webhooks, activity: Activity, receiver: Receiver
    ) -> None:
        receiver.answer(then=HANG)
        webhook = webhooks.create(receiver.url(), ["meeting.started"])

        alone(activity, activity.meeting(), "alice")

        [delivery] = webhooks.settled(webhook, 1, seconds=4 * TIMEOUT + 5)
        received = receiver.received()
        assert delivery["status"] == "FAILED"
        assert delivery["attempts"] == 4
        assert delivery["status_code"] is None
        assert delivery["error"] == f"no answer within {TIMEOUT:g} s; no retries left"
        assert len(received) == 4
        assert {r.uuid for r in received} == {delivery["id"]}
        gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(received)]
        assert all(TIMEOUT - 0.01 <= gap < TIMEOUT + 1 for gap in gaps), gaps

    def test_one_that_answers_too_slowly_is_cut_at_the_timeout(
        self, webhooks: Webhooks, activity: Activity, receiver: Receiver
    ) -> None:
        """Its head comes a line at a time, each line sooner than the timeout, the whole far
        later: the attempt is over at the timeout all the same (docs/webhooks.md: "takes
        longer than MEETD_WEBHOOK_TIMEOUT ... tried again"), and retried. An attempt that
        outlasts the timeout also outlasts its claim (the timeout plus 5 s), and holds up
        every other delivery of its process's round."""
        receiver.answer(TRICKLE)
        webhook = webhooks.create(receiver.url(), ["meeting.started"])

        alone(activity, activity.meeting(), "alice")

        [delivery] = webhooks.settled(webhook, 1, seconds=TRICKLE_LINES * TRICKLE_PAUSE + 5)
        received = receiver.received()
        assert len(received) == 2, (delivery, received)
        assert received[1].at - received[0].at < TIMEOUT + 0.5
        assert delivery["status"] == "DELIVERED"
        assert delivery["attempts"] == 2


class TestAReceiverDownAWhile:
    @pytest.fixture(scope="class")
    @staticmethod
    def retry_schedule() -> tuple[float, ...]:
        return PATIENT

    def test_gets_everything_once_back_in_order_per_meeting(
        self,
        webhooks: Webhooks,
        activity: Activity,
        receiver: Receiver,
        deployment: Deployment,
    ) -> None:
        webhook = webhooks.create(receiver.url())
        receiver.stop()
        first, second = activity.meeting(title="first"), activity.meeting(title="second")
        alice = alone(activity, first, "alice")
        bob = alone(activity, second, "bob")
        alone(activity, first, "carol")
        activity.leave(second, bob["peer_id"])
        activity.leave(first, alice["peer_id"])
        alone(activity, second, "dave")

        def tried() -> list[dict[str, Any]]:
            return [d for d in webhooks.log(webhook) if d["attempts"]]

        until(lambda: len(tried()) == 2 and all(d["attempts"] >= 2 for d in tried()), seconds=5)
        log = webhooks.log(webhook)
        # the first of each meeting is tried again and again; the others wait their turn
        heads = [d for d in log if d["attempts"]]
        assert [d["event"] for d in heads] == ["meeting.started"] * 2
        for delivery in heads:
            assert delivery["status"] == "PENDING"
            assert delivery["status_code"] is None
            assert delivery["error"].startswith("ConnectError"), delivery["error"]
            assert TIMESTAMP.fullmatch(delivery["next_attempt_at"])
        waiting = [d for d in log if not d["attempts"]]
        assert [(d["status"], d["error"]) for d in waiting] == [("PENDING", None)] * 6
        receiver.start()

        received = receiver.wait_for(8)
        assert all_verified(received)
        assert len({r.uuid for r in received}) == 8
        rows = events(deployment, activity.app_id)
        for meeting in (first, second):
            of_meeting = [row["body"] for row in rows if str(row["meeting_id"]) == meeting]
            assert [r.body for r in received if r.meeting_id == meeting] == of_meeting
        assert {d["status"] for d in webhooks.settled(webhook, 8)} == {"DELIVERED"}


class TestDisabledAndDeleted:
    @pytest.fixture(scope="class")
    @staticmethod
    def retry_schedule() -> tuple[float, ...]:
        return PATIENT

    def test_a_disabled_webhook_fails_its_pending_and_gets_nothing_until_enabled(
        self, webhooks: Webhooks, activity: Activity, receiver: Receiver
    ) -> None:
        webhook = webhooks.create(receiver.url())
        webhooks.create(receiver.url("witness"))  # stays enabled
        meeting = activity.meeting()
        receiver.stop()
        alone(activity, meeting, "alice")
        until(lambda: webhooks.log(webhook)[-1]["attempts"] >= 1, seconds=5)

        webhooks.patch(webhook, enabled=False)

        log = webhooks.log(webhook)
        assert [d["status"] for d in log] == ["FAILED", "FAILED"]
        assert [d["error"] for d in log] == [DISABLED, DISABLED]
        assert [d["next_attempt_at"] for d in log] == [None, None]
        receiver.start()
        alone(activity, meeting, "bob")  # while disabled
        receiver.wait_for(3, "witness")
        webhooks.patch(webhook, enabled=True)
        carol = alone(activity, meeting, "carol")
        receiver.wait_for(4, "witness")

        received = receiver.wait_for(1, "hook")
        assert [(r.event, r.payload["participant"]["peerId"]) for r in received] == [
            ("meeting.participantJoined", carol["peer_id"])
        ]
        assert len(webhooks.settled(webhook, 3)) == 3  # the two failed, and carol's

    def test_a_deleted_webhook_stops_getting_and_its_log_is_gone(
        self,
        webhooks: Webhooks,
        activity: Activity,
        receiver: Receiver,
        deployment: Deployment,
    ) -> None:
        webhook = webhooks.create(receiver.url())
        witness = webhooks.create(receiver.url("witness"))
        meeting = activity.meeting()
        alone(activity, meeting, "alice")
        receiver.wait_for(2, "hook")
        receiver.stop()
        alone(activity, meeting, "bob")  # pending while the receiver is down
        until(lambda: webhooks.log(webhook)[0]["attempts"] >= 1, seconds=5)

        webhooks.delete(webhook)

        assert stored_rows(deployment, webhook) == 0
        response = webhooks.account.get(f"{webhooks.path}/{webhook}/deliveries")
        assert response.status_code == 404
        receiver.start()
        alone(activity, meeting, "carol")
        receiver.wait_for(4, "witness")
        assert len(webhooks.settled(witness, 4)) == 4
        assert len(receiver.received("hook")) == 2


class TestSubscriptions:
    def test_each_webhook_gets_only_the_events_it_takes(
        self, webhooks: Webhooks, activity: Activity, receiver: Receiver
    ) -> None:
        ends = webhooks.create(receiver.url("ends"), ["meeting.participantLeft", "meeting.ended"])
        starts = webhooks.create(receiver.url("starts"), ["meeting.started"])
        everything = webhooks.create(receiver.url("everything"))
        meeting = activity.meeting()
        joined = alone(activity, meeting, "alice")
        activity.leave(meeting, joined["peer_id"])

        activity.advance(61)

        received = receiver.wait_for(4, "everything")
        assert [r.event for r in received] == [
            "meeting.started",
            "meeting.participantJoined",
            "meeting.participantLeft",
            "meeting.ended",
        ]
        assert [r.event for r in receiver.wait_for(2, "ends")] == [
            "meeting.participantLeft",
            "meeting.ended",
        ]
        assert [r.event for r in receiver.wait_for(1, "starts")] == ["meeting.started"]
        assert [len(webhooks.settled(w, n)) for w, n in ((ends, 2), (starts, 1))] == [2, 1]
        assert len(receiver.received()) == 7
        # one event to two webhooks: the same bytes and signature, a delivery id each
        left = [r for r in receiver.received() if r.event == "meeting.participantLeft"]
        assert {r.webhook_id for r in left} == {ends, everything}
        assert len({r.uuid for r in left}) == 2
        assert len({(r.body, r.headers["rtk-signature"]) for r in left}) == 1
        assert all_verified(receiver.received())

    def test_nothing_from_before_it_was_made_or_from_other_apps(
        self, webhooks: Webhooks, activity: Activity, receiver: Receiver
    ) -> None:
        meeting = activity.meeting()
        alone(activity, meeting, "alice")
        other = Activity(activity.account, activity.account.create_app("other"))
        webhook = webhooks.create(receiver.url())
        elsewhere = Webhooks(activity.account, other.app_id)
        elsewhere.create(receiver.url("elsewhere"), ["meeting.participantJoined"])

        alone(other, other.meeting(), "zoe")
        bob = alone(activity, meeting, "bob")

        [received] = receiver.wait_for(1, "hook")
        assert received.payload["participant"]["peerId"] == bob["peer_id"]
        assert len(webhooks.settled(webhook, 1)) == 1
        [theirs] = receiver.wait_for(1, "elsewhere")
        assert theirs.payload["meeting"]["organizedBy"]["id"] == other.app_id
        elsewhere.delete_all()

    def test_new_events_follow_a_change_of_events(
        self, webhooks: Webhooks, activity: Activity, receiver: Receiver
    ) -> None:
        webhook = webhooks.create(receiver.url(), ["meeting.started"])
        meeting = activity.meeting()
        alone(activity, meeting, "alice")
        receiver.wait_for(1)

        webhooks.patch(webhook, events=["meeting.participantJoined"])
        bob = alone(activity, meeting, "bob")

        received = receiver.wait_for(2)
        assert [r.event for r in received] == ["meeting.started", "meeting.participantJoined"]
        assert received[1].payload["participant"]["peerId"] == bob["peer_id"]


class TestRedeliver:
    def test_a_delivered_one_goes_again_with_the_same_uuid(
        self, webhooks: Webhooks, activity: Activity, receiver: Receiver
    ) -> None:
        webhook = webhooks.create(receiver.url(), ["meeting.started"])
        alone(activity, activity.meeting(), "alice")
        [delivered] = webhooks.settled(webhook, 1)

        response = webhooks.redeliver(webhook, delivered["id"])

        assert response.status_code == 202, response.text
        queued = response.json()["data"]
        assert queued | {"status": "DELIVERED", "next_attempt_at": None} == delivered
        assert queued["status"] == "PENDING"
        assert TIMESTAMP.fullmatch(queued["next_attempt_at"])
        first, again = receiver.wait_for(2)
        assert again.uuid == first.uuid == delivered["id"]
        assert again.body == first.body
        assert again.verified
        [redelivered] = webhooks.settled(webhook, 1)
        assert redelivered["status"] == "DELIVERED"
        assert redelivered["attempts"] == 2

    def test_a_failed_one_goes_again_its_attempts_counting_on_a_new_schedule(
        self, webhooks: Webhooks, activity: Activity, receiver: Receiver
    ) -> None:
        receiver.answer(500, 500, 500, 500, 500, 500)  # four attempts, then two retries
        webhook = webhooks.create(receiver.url(), ["meeting.started"])
        alone(activity, activity.meeting(), "alice")
        [failed] = webhooks.settled(webhook, 1)
        assert (failed["status"], failed["attempts"]) == ("FAILED", 4)

        response = webhooks.redeliver(webhook, failed["id"])

        assert response.status_code == 202, response.text
        [delivery] = webhooks.settled(webhook, 1)
        assert delivery["status"] == "DELIVERED"
        assert delivery["attempts"] == 7
        assert delivery["error"] is None
        received = receiver.received()
        assert [r.answered for r in received] == [500] * 6 + [200]
        assert {r.uuid for r in received} == {failed["id"]}

    def test_a_pending_one_is_409(
        self, webhooks: Webhooks, activity: Activity, receiver: Receiver
    ) -> None:
        receiver.answer(then=HANG)
        webhook = webhooks.create(receiver.url(), ["meeting.started"])
        alone(activity, activity.meeting(), "alice")
        [pending] = webhooks.log(webhook)

        response = webhooks.redeliver(webhook, pending["id"])

        assert response.status_code == 409, response.text
        assert response.headers["x-should-retry"] == "false"
        assert webhooks.log(webhook)[0]["status"] == "PENDING"

    def test_a_disabled_webhook_gets_nothing_redelivered(
        self, webhooks: Webhooks, activity: Activity, receiver: Receiver
    ) -> None:
        """Disabled, a webhook gets nothing (contract A10): a redelivery is refused, or it
        waits; it is not sent."""
        webhook = webhooks.create(receiver.url(), ["meeting.started"])
        alone(activity, activity.meeting(), "alice")
        [delivered] = webhooks.settled(webhook, 1)
        webhooks.patch(webhook, enabled=False)

        response = webhooks.redeliver(webhook, delivered["id"])

        assert response.status_code in (202, 409), response.text
        time.sleep(0.5)  # ten turns of the worker
        assert len(receiver.received()) == 1, receiver.received()

    def test_one_of_another_webhook_is_not_found(
        self, webhooks: Webhooks, activity: Activity, receiver: Receiver
    ) -> None:
        webhook = webhooks.create(receiver.url(), ["meeting.started"])
        other = webhooks.create(receiver.url("other"), ["meeting.started"])
        alone(activity, activity.meeting(), "alice")
        [delivered] = webhooks.settled(webhook, 1)

        response = webhooks.redeliver(other, delivered["id"])

        assert response.status_code == 404, response.text


class TestFailedChanges:
    def test_a_change_that_failed_sends_nothing(
        self,
        webhooks: Webhooks,
        activity: Activity,
        receiver: Receiver,
        deployment: Deployment,
    ) -> None:
        webhook = webhooks.create(receiver.url())
        closed = activity.meeting(status="INACTIVE")
        meeting = activity.meeting()
        alice = alone(activity, meeting, "alice")
        gone = alone(activity, meeting, "bob")
        activity.leave(meeting, gone["peer_id"])
        stranger = activity.participant(closed, "stranger")
        app = f"/{activity.app_id}/meetings"
        failing: list[tuple[str, dict[str, Any], int]] = [
            (f"{app}/{closed}/simulate/join", {"participant_id": stranger}, 403),
            (f"{app}/{meeting}/simulate/join", {"participant_id": stranger}, 404),
            (f"{app}/{meeting}/simulate/leave", {"peer_id": gone["peer_id"]}, 404),
            (f"{app}/{meeting}/simulate/chat", {"peer_id": gone["peer_id"], "message": "x"}, 409),
            (f"{app}/{meeting}/active-session/kick", {"participant_ids": [stranger]}, 404),
            (f"{app}/{closed}/active-session/kick-all", {}, 404),
        ]

        for path, body, status in failing:
            response = activity.account.post(path, json=body)
            assert response.status_code == status, (path, response.text)
        activity.call("PATCH", f"/meetings/{closed}", json={"status": "ACTIVE"})
        alone(activity, closed, "carol")
        activity.leave(meeting, alice["peer_id"])

        rows = events(deployment, activity.app_id)
        assert len(rows) == 7
        received = receiver.wait_for(7)
        assert sorted(bodies(received)) == sorted(row["body"] for row in rows)
        assert len(webhooks.settled(webhook, 7)) == 7
        assert len(receiver.received()) == 7
