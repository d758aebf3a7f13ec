"""Sessions and the active session through the official `cloudflare` SDK 5.9.0, unmodified,
over real HTTP; the activity API (a meetd extension the SDK does not know) through its
generic `post`; and download URLs fetched by a plain HTTP client, as a user would."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Iterator
from typing import Any, TypedDict

import cloudflare
import httpx
import pytest
from cloudflare import Cloudflare
from fastapi import FastAPI

from meetd.config import Settings
from tests.sessions.support import SPEECHES, TIMESTAMP, URL_LIFETIME
from tests.support import Account, Server, at, free_port


@pytest.fixture(scope="module")
def server(settings: Settings, shared_apps: tuple[FastAPI, FastAPI]) -> Iterator[Server]:
    """The `server` the `sdk` fixture talks to, on a port chosen beforehand, so that its
    public URL (where download URLs point) is its own address; like the database, it serves
    the whole module (tests/module_scope.py)."""
    port = free_port()
    app = shared_apps[1]
    app.state.settings = dataclasses.replace(settings, public_url=f"http://127.0.0.1:{port}")
    with Server(app, port=port) as server:
        yield server


@pytest.fixture
def app_id(sdk: Cloudflare, account: Account) -> str:
    app = sdk.realtime_kit.apps.post(account_id=account.id, name="sdk-app").data
    assert app is not None
    assert app.app is not None
    assert app.app.id is not None
    return app.app.id


class Ids(TypedDict):
    account_id: str
    app_id: str


class Kit:
    """What the tests do through the SDK: its typed methods, and its generic `post` for what
    5.9.0 has no method for (meetd's extensions; mute and mute-all)."""

    def __init__(self, sdk: Cloudflare, account: Account, app_id: str) -> None:
        self.sdk = sdk
        self.ids: Ids = {"account_id": account.id, "app_id": app_id}
        self.prefix = f"/accounts/{account.id}/realtime/kit/{app_id}"

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = self.sdk.post(self.prefix + path, body=body, cast_to=object)
        assert isinstance(answer, dict)
        assert answer["success"] is True
        data: dict[str, Any] = answer["data"]
        return data

    def meeting(self, **body: Any) -> str:
        created = self.sdk.realtime_kit.meetings.create(
            self.ids["app_id"], account_id=self.ids["account_id"], **body
        ).data
        assert created is not None
        return created.id

    def participant(self, meeting_id: str, custom_id: str, name: str) -> str:
        added = self.sdk.realtime_kit.meetings.add_participant(
            meeting_id,
            **self.ids,
            custom_participant_id=custom_id,
            preset_name="group_call_host",
            name=name,
        ).data
        assert added is not None
        return added.id

    def join(self, meeting_id: str, participant_id: str, **body: Any) -> dict[str, Any]:
        path = f"/meetings/{meeting_id}/simulate/join"
        return self.post(path, {"participant_id": participant_id, **body})

    def leave(self, meeting_id: str, peer_id: str) -> None:
        self.post(f"/meetings/{meeting_id}/simulate/leave", {"peer_id": peer_id})

    def advance(self, seconds: float) -> str:
        return str(self.post("/simulate/clock/advance", {"seconds": seconds})["now"])


@pytest.fixture
def kit(sdk: Cloudflare, account: Account, app_id: str) -> Kit:
    return Kit(sdk, account, app_id)


@dataclasses.dataclass(frozen=True)
class Met:
    meeting_id: str
    session_id: str
    alice: str
    bob: str
    alice_peer: str
    bob_peer: str


@pytest.fixture
def met(kit: Kit) -> Met:
    """Alice and Bob met for ten minutes, chatted and spoke; the session has ended."""
    meeting = kit.meeting(title="SDK sync", transcribe_on_end=True, summarize_on_end=True)
    alice = kit.participant(meeting, "alice-1", "Alice")
    bob = kit.participant(meeting, "bob-1", "Bob")
    alice_peer = kit.join(meeting, alice, metadata={"browser": "Chrome", "os": "macOS"})
    bob_peer = kit.join(meeting, bob)
    kit.post(
        f"/meetings/{meeting}/simulate/chat", {"peer_id": alice_peer["peer_id"], "message": "hi"}
    )
    for peer, text in zip((alice_peer, bob_peer), SPEECHES, strict=True):
        kit.post(f"/meetings/{meeting}/simulate/speak", {"peer_id": peer["peer_id"], "text": text})
    kit.advance(600)
    kit.leave(meeting, alice_peer["peer_id"])
    kit.leave(meeting, bob_peer["peer_id"])
    kit.advance(61)
    return Met(
        meeting, alice_peer["session_id"], alice, bob, alice_peer["peer_id"], bob_peer["peer_id"]
    )


class TestSessionsThroughTheSdk:
    def test_get_sessions_with_filters(self, kit: Kit, met: Met) -> None:
        sessions = kit.sdk.realtime_kit.sessions
        live_meeting = kit.meeting(title="Still going")
        kit.join(live_meeting, kit.participant(live_meeting, "c", "Carol"))

        page = sessions.get_sessions(
            kit.ids["app_id"], account_id=kit.ids["account_id"], page_no=1.0, per_page=10.0
        )
        ended = sessions.get_sessions(
            kit.ids["app_id"],
            account_id=kit.ids["account_id"],
            status="ENDED",
            sort_by="minutesConsumed",
            sort_order="DESC",
            search="sdk SYNC",
        )

        assert page.success is True
        assert page.paging is not None
        assert (page.paging.total_count, page.paging.start_offset, page.paging.end_offset) == (
            2,
            1,
            2,
        )
        assert page.data is not None
        assert page.data.sessions is not None
        assert [s.status for s in page.data.sessions] == ["LIVE", "ENDED"]
        assert ended.data is not None
        assert ended.data.sessions is not None
        (session,) = ended.data.sessions
        assert session.id == met.session_id
        assert session.associated_id == met.meeting_id
        assert session.meeting_display_name == "SDK sync"
        assert session.type == "meeting"
        assert session.minutes_consumed == 20.0
        assert session.max_concurrent_participants == 2
        assert session.live_participants == 0
        assert session.organization_id == kit.ids["app_id"]
        assert session.ended_at is not None
        assert TIMESTAMP.fullmatch(session.ended_at)
        started = at(session.started_at)  # the window's bounds are inclusive
        inside = sessions.get_sessions(
            kit.ids["app_id"],
            account_id=kit.ids["account_id"],
            start_time=started,
            end_time=started,
            associated_id=met.meeting_id,
        )

        assert inside.data is not None
        assert [s.id for s in inside.data.sessions or []] == [met.session_id]

    def test_get_session_details_and_errors(self, kit: Kit, met: Met) -> None:
        answer = kit.sdk.realtime_kit.sessions.get_session_details(
            met.session_id, **kit.ids, include_breakout_rooms=True
        )

        session = answer.data
        assert session is not None
        assert (session.id, session.status, session.minutes_consumed) == (
            met.session_id,
            "ENDED",
            20.0,
        )
        assert session.breakout_rooms == []
        assert session.ended_at is not None
        assert (
            json.loads(answer.to_json())["data"]["session"]["id"] == met.session_id
        )  # both shapes
        sessions = kit.sdk.realtime_kit.sessions
        with pytest.raises(cloudflare.NotFoundError) as missing:
            sessions.get_session_details(str(uuid.uuid4()), **kit.ids)
        with pytest.raises(cloudflare.BadRequestError) as bad:
            sessions.get_sessions(kit.ids["app_id"], account_id=kit.ids["account_id"], per_page=101)

        assert str(missing.value.errors[0].message).startswith("No session with id")
        assert bad.value.errors[0].message == "per_page: must be less than or equal to 100"

    def test_get_session_participants_and_one(self, kit: Kit, met: Met) -> None:
        sessions = kit.sdk.realtime_kit.sessions

        raw = sessions.get_session_participants(
            met.session_id,
            **kit.ids,
            include_peer_events=True,
            sort_by="joinedAt",
            sort_order="ASC",
            page_no=1.0,
            per_page=10,
        ).data
        found = sessions.get_session_participants(
            met.session_id, **kit.ids, search="bob", view="consolidated"
        ).data

        assert raw is not None
        assert raw.participants is not None
        alice, bob = raw.participants
        assert (alice.id, alice.user_id, alice.custom_participant_id) == (
            met.alice_peer,
            met.alice,
            "alice-1",
        )
        assert (alice.display_name, alice.preset_name, alice.duration) == (
            "Alice",
            "group_call_host",
            10.0,
        )
        assert alice.left_at is not None
        assert alice.peer_events is not None
        assert [e.event_name for e in alice.peer_events] == ["PEER_JOINING", "PEER_LEAVING"]
        assert {e.peer_id for e in alice.peer_events} == {met.alice_peer}
        assert bob.id == met.bob_peer
        assert found is not None
        assert [p.user_id for p in found.participants or []] == [met.bob]

        details = sessions.get_session_participant_details(
            met.bob_peer, **kit.ids, session_id=met.session_id, include_peer_events=True
        ).data

        assert details is not None
        participant = details.participant
        assert participant is not None
        assert (participant.id, participant.user_id, participant.display_name) == (
            met.bob_peer,
            met.bob,
            "Bob",
        )
        assert participant.peer_events is not None
        assert len(participant.peer_events) == 2

    def test_get_participant_data_from_peer_id(self, kit: Kit, met: Met) -> None:
        sessions = kit.sdk.realtime_kit.sessions

        report = sessions.get_participant_data_from_peer_id(met.alice_peer, **kit.ids).data
        filtered = sessions.get_participant_data_from_peer_id(
            met.alice_peer, **kit.ids, filters="device_info"
        ).data

        assert report is not None
        participant = report.participant
        assert participant is not None
        assert (participant.id, participant.role, participant.session_id) == (
            met.alice_peer,
            "group_call_host",
            met.session_id,
        )
        assert participant.peer_report is not None
        metadata = participant.peer_report.metadata
        assert metadata is not None
        assert metadata.browser_metadata is not None
        assert metadata.browser_metadata.browser == "Chrome"
        assert metadata.device_info is not None
        assert metadata.device_info.os == "macOS"
        assert filtered is not None
        assert filtered.participant is not None
        assert filtered.participant.peer_report is not None
        kept = filtered.participant.peer_report.metadata
        assert kept is not None
        assert (kept.browser_metadata, kept.device_info is not None) == (None, True)

    def test_chat_transcripts_and_summary_download_with_plain_http(
        self, server: Server, kit: Kit, met: Met
    ) -> None:
        sessions = kit.sdk.realtime_kit.sessions
        origin = server.base_url.removesuffix("/client/v4")

        chat = sessions.get_session_chat(met.session_id, **kit.ids).data

        assert chat is not None
        response = httpx.get(chat.chat_download_url)
        assert response.status_code == 200
        header, row = response.text.splitlines()
        assert header.startswith("id,participantId,sessionId,meetingId,displayName,")
        fields = row.split(",")
        assert fields[1:9] == [
            met.alice,
            met.session_id,
            met.meeting_id,
            "Alice",
            "false",
            "false",
            "TEXT_MESSAGE",
            "hi",
        ]
        assert chat.chat_download_url.startswith(f"{origin}/files/")
        assert TIMESTAMP.fullmatch(chat.chat_download_url_expiry)

        for format in ("CSV", "JSON", "SRT", "VTT"):
            transcript = sessions.get_session_transcripts(met.session_id, **kit.ids, format=format)
            data = transcript.data
            assert data is not None
            assert data.session_id == met.session_id
            assert data.transcript_download_url.startswith(f"{origin}/files/")
            response = httpx.get(data.transcript_download_url)
            assert response.status_code == 200, format
            assert SPEECHES[0] in response.text
            assert SPEECHES[1] in response.text
        assert response.text.startswith("WEBVTT")

        summary = sessions.get_session_summary(met.session_id, **kit.ids).data
        assert summary is not None
        assert summary.session_id == met.session_id
        expiry = at(summary.summary_download_url_expiry)
        assert expiry <= at(kit.advance(0.001)) + URL_LIFETIME
        response = httpx.get(summary.summary_download_url)
        assert response.status_code == 200
        assert response.text.startswith("# Summary of SDK sync")

    def test_generate_summary_of_transcripts(self, kit: Kit) -> None:
        meeting = kit.meeting(title="On demand", transcribe_on_end=True)
        joined = kit.join(meeting, kit.participant(meeting, "a", "Ann"))
        path = f"/meetings/{meeting}/simulate/speak"
        kit.post(path, {"peer_id": joined["peer_id"], "text": "let us begin"})
        kit.leave(meeting, joined["peer_id"])
        kit.advance(61)
        sessions = kit.sdk.realtime_kit.sessions
        with pytest.raises(cloudflare.NotFoundError):
            sessions.get_session_summary(joined["session_id"], **kit.ids)

        generated = sessions.generate_summary_of_transcripts(joined["session_id"], **kit.ids)

        assert generated.data is not None
        assert generated.data.session_id == joined["session_id"]
        assert generated.data.status == "COMPLETED"
        summary = sessions.get_session_summary(joined["session_id"], **kit.ids).data
        assert summary is not None
        assert "let us begin" in httpx.get(summary.summary_download_url).text


class TestActiveSessionThroughTheSdk:
    @pytest.fixture
    def live(self, kit: Kit) -> dict[str, Any]:
        """A LIVE session: Alice and Bob are in it."""
        meeting = kit.meeting(title="Live via SDK")
        alice = kit.participant(meeting, "alice-1", "Alice")
        bob = kit.participant(meeting, "bob-1", "Bob")
        joined = kit.join(meeting, alice)
        kit.join(meeting, bob)
        return {"meeting": meeting, "alice": alice, "bob": bob, "session": joined["session_id"]}

    def test_get_active_session_and_kick(self, kit: Kit, live: dict[str, Any]) -> None:
        kit.advance(120)

        active = kit.sdk.realtime_kit.active_session.get_active_session(
            live["meeting"], **kit.ids
        ).data

        assert active is not None
        assert (active.id, active.status, active.live_participants) == (live["session"], "LIVE", 2)
        assert active.minutes_consumed == pytest.approx(4.0, abs=1 / 60)  # 2 peers, 2 minutes
        assert active.ended_at is None

        active_session = kit.sdk.realtime_kit.active_session
        kicked = active_session.kick_participants(
            live["meeting"], **kit.ids, custom_participant_ids=["bob-1"]
        ).data

        assert kicked is not None
        assert kicked.action == "kick"
        assert kicked.participants is not None
        (bob,) = kicked.participants
        assert (bob.id, bob.name) == (live["bob"], "Bob")
        assert TIMESTAMP.fullmatch(bob.created_at)
        remaining = active_session.get_active_session(live["meeting"], **kit.ids).data
        assert remaining is not None
        assert remaining.live_participants == 1

    def test_mute_mute_all_and_poll(self, kit: Kit, live: dict[str, Any]) -> None:
        path = f"/meetings/{live['meeting']}/active-session"

        muted = kit.post(f"{path}/mute", {"participant_ids": [live["alice"]]})
        all_muted = kit.post(f"{path}/mute-all", {"allow_unmute": False})

        assert muted["action"] == "mute"
        assert [p["id"] for p in muted["participants"]] == [live["alice"]]
        assert all_muted == {"action": "mute_all", "muted_participants_count": 2}

        created = kit.sdk.realtime_kit.active_session.create_poll(
            live["meeting"],
            **kit.ids,
            question="Coffee or tea?",
            options=["Coffee", "Tea"],
            hide_votes=True,
        )

        assert created.data is not None
        assert created.data.action == "create_poll"
        poll = created.data.poll
        assert poll is not None
        assert poll.question == "Coffee or tea?"
        assert [(o.text, o.count, o.votes) for o in poll.options] == [
            ("Coffee", 0, []),
            ("Tea", 0, []),
        ]
        assert (poll.anonymous, poll.hide_votes, poll.voted) == (False, True, [])

    def test_kick_all_participants(self, kit: Kit, live: dict[str, Any]) -> None:
        active_session = kit.sdk.realtime_kit.active_session

        kicked = active_session.kick_all_participants(live["meeting"], **kit.ids).data

        assert kicked is not None
        assert (kicked.action, kicked.kicked_participants_count) == ("kick_all", 2)
        with pytest.raises(cloudflare.NotFoundError) as gone:
            active_session.get_active_session(live["meeting"], **kit.ids)
        assert gone.value.errors[0].message == "No active session found for the meeting"
        session = kit.sdk.realtime_kit.sessions.get_session_details(live["session"], **kit.ids)
        assert session.data is not None
        assert session.data.status == "ENDED"

    def test_errors_are_the_sdks_errors(self, kit: Kit, live: dict[str, Any]) -> None:
        active_session = kit.sdk.realtime_kit.active_session

        with pytest.raises(cloudflare.BadRequestError) as neither:
            active_session.kick_participants(live["meeting"], **kit.ids)
        with pytest.raises(cloudflare.BadRequestError) as one_option:
            active_session.create_poll(live["meeting"], **kit.ids, question="q", options=["a"])
        with pytest.raises(cloudflare.NotFoundError) as stranger:
            active_session.kick_participants(
                live["meeting"], **kit.ids, participant_ids=[str(uuid.uuid4())]
            )

        assert str(neither.value.errors[0].message).startswith("participant_ids: ")
        assert one_option.value.errors[0].message == "options: must have at least 2 items"
        assert str(stranger.value.errors[0].message).startswith("Participant not found")
