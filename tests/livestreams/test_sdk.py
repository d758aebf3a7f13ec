"""Livestreams through the official `cloudflare` SDK 5.9.0, unmodified, over real HTTP: each
of its livestream methods, its answers parsed into its models, and its errors. What 5.9.0
has no method for (an independent livestream, the activity API) goes through plain HTTP."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import cloudflare
import pytest
from cloudflare import Cloudflare
from cloudflare.resources.realtime_kit.livestreams import LivestreamsResource

from tests.livestreams.support import NO_SUCH_ID, STOPPED, Kit, Live
from tests.support import Account, at


class Ids:
    """The ids every call of the SDK takes."""

    def __init__(self, account: Account, app_id: str) -> None:
        self.account_id = account.id
        self.app_id = app_id


@pytest.fixture
def livestreams(sdk: Cloudflare) -> LivestreamsResource:
    return sdk.realtime_kit.livestreams


@pytest.fixture
def ids(account: Account, app_id: str) -> Ids:
    return Ids(account, app_id)


@pytest.fixture
def live(kit: Kit) -> Live:
    return kit.live(title="Keynote")


class TestGetAllLivestreams:
    def test_a_list_of_livestreams_with_filters(
        self, livestreams: LivestreamsResource, ids: Ids, kit: Kit, live: Live
    ) -> None:
        independent = kit.independent(name="studio")
        kit.advance(1)
        meetings = kit.started(live.meeting_id, name="keynote")

        everything = livestreams.get_all_livestreams(ids.app_id, account_id=ids.account_id)
        oldest_first = livestreams.get_all_livestreams(
            ids.app_id, account_id=ids.account_id, sort_order="ASC"
        )
        only_independent = livestreams.get_all_livestreams(
            ids.app_id, account_id=ids.account_id, exclude_meetings=True, status="INVOKED"
        )
        since = livestreams.get_all_livestreams(
            ids.app_id,
            account_id=ids.account_id,
            start_time=at(meetings["created_at"]) - timedelta(milliseconds=1),
        )
        page = livestreams.get_all_livestreams(
            ids.app_id, account_id=ids.account_id, per_page=1, page_no=2
        )

        assert everything.success is True
        listed: Any = everything.data  # the reference's examples: a list (its schema: one)
        assert [item.id for item in listed] == [meetings["id"], independent["id"]]
        assert [item.status for item in listed] == ["INVOKED", "INVOKED"]
        assert listed[0].meeting_id == live.meeting_id
        assert listed[0].name == "keynote"
        assert listed[0].stream_key == meetings["stream_key"]
        assert listed[1].ingest_server == independent["ingest_server"]
        assert listed[1].playback_url == independent["playback_url"]
        assert listed[1].created_at == at(independent["created_at"])
        ascending: Any = oldest_first.data
        assert [item.id for item in ascending] == [independent["id"], meetings["id"]]
        only: Any = only_independent.data
        assert [item.id for item in only] == [independent["id"]]
        recent: Any = since.data
        assert [item.id for item in recent] == [meetings["id"]]
        second: Any = page.data
        assert [item.id for item in second] == [independent["id"]]

    def test_a_bad_status_is_refused(self, livestreams: LivestreamsResource, ids: Ids) -> None:
        with pytest.raises(cloudflare.BadRequestError) as refused:
            livestreams.get_all_livestreams(
                ids.app_id,
                account_id=ids.account_id,
                status="OFFLINE",  # type: ignore[arg-type]
            )

        assert refused.value.status_code == 400
        assert "status" in str(refused.value)


class TestStartLivestreamingAMeeting:
    def test_invoked_then_live(
        self, livestreams: LivestreamsResource, ids: Ids, kit: Kit, live: Live
    ) -> None:
        started = livestreams.start_livestreaming_a_meeting(
            live.meeting_id,
            account_id=ids.account_id,
            app_id=ids.app_id,
            name="keynote",
            video_config={"width": 1280, "height": 720},
        )

        assert started.success is True
        assert started.data is not None
        assert started.data.status == "INVOKED"
        assert started.data.id is not None
        assert (started.data.ingest_server or "").startswith("rtmps://")
        assert started.data.stream_key
        assert (started.data.playback_url or "").endswith(".m3u8")
        kit.advance(2)
        assert kit.status(started.data.id) == "LIVE"

    def test_without_arguments(
        self, livestreams: LivestreamsResource, ids: Ids, live: Live
    ) -> None:
        started = livestreams.start_livestreaming_a_meeting(
            live.meeting_id, account_id=ids.account_id, app_id=ids.app_id
        )

        assert started.data is not None
        assert started.data.status == "INVOKED"

    def test_a_second_conflicts_and_is_not_retried(
        self, sdk: Cloudflare, livestreams: LivestreamsResource, ids: Ids, live: Live
    ) -> None:
        livestreams.start_livestreaming_a_meeting(
            live.meeting_id, account_id=ids.account_id, app_id=ids.app_id
        )

        with pytest.raises(cloudflare.ConflictError) as refused:
            sdk.with_options(max_retries=2).realtime_kit.livestreams.start_livestreaming_a_meeting(
                live.meeting_id, account_id=ids.account_id, app_id=ids.app_id
            )

        assert refused.value.response.headers["x-should-retry"] == "false"

    def test_an_unknown_meeting_is_not_found(
        self, livestreams: LivestreamsResource, ids: Ids
    ) -> None:
        with pytest.raises(cloudflare.NotFoundError):
            livestreams.start_livestreaming_a_meeting(
                NO_SUCH_ID, account_id=ids.account_id, app_id=ids.app_id
            )

    def test_a_bad_name_is_refused(
        self, livestreams: LivestreamsResource, ids: Ids, kit: Kit, live: Live
    ) -> None:
        with pytest.raises(cloudflare.BadRequestError) as refused:
            livestreams.start_livestreaming_a_meeting(
                live.meeting_id, account_id=ids.account_id, app_id=ids.app_id, name="bad name!"
            )

        assert "name" in str(refused.value)
        assert kit.ids() == []


class TestGetMeetingActiveLivestreams:
    def test_the_livestream_under_way(
        self, livestreams: LivestreamsResource, ids: Ids, kit: Kit, live: Live
    ) -> None:
        started = kit.started(live.meeting_id, name="keynote")
        kit.advance(2)

        active = livestreams.get_meeting_active_livestreams(
            live.meeting_id, account_id=ids.account_id, app_id=ids.app_id
        )

        assert active.data is not None
        assert (active.data.id, active.data.status) == (started["id"], "LIVE")
        assert active.data.meeting_id == live.meeting_id
        assert active.data.name == "keynote"
        assert active.data.created_at == at(started["created_at"])

    def test_none_is_not_found(
        self, livestreams: LivestreamsResource, ids: Ids, live: Live
    ) -> None:
        with pytest.raises(cloudflare.NotFoundError):
            livestreams.get_meeting_active_livestreams(
                live.meeting_id, account_id=ids.account_id, app_id=ids.app_id
            )


class TestStopLivestreamingAMeeting:
    def test_stops_it(
        self, livestreams: LivestreamsResource, ids: Ids, kit: Kit, live: Live
    ) -> None:
        started = kit.started(live.meeting_id)
        kit.advance(2)

        stopped = livestreams.stop_livestreaming_a_meeting(
            live.meeting_id, account_id=ids.account_id, app_id=ids.app_id
        )

        assert stopped.data is not None
        assert stopped.data.message == STOPPED
        assert kit.status(started["id"]) == "IDLE"

    def test_none_is_not_found(
        self, livestreams: LivestreamsResource, ids: Ids, live: Live
    ) -> None:
        with pytest.raises(cloudflare.NotFoundError):
            livestreams.stop_livestreaming_a_meeting(
                live.meeting_id, account_id=ids.account_id, app_id=ids.app_id
            )


class TestGetLivestreamSessionForLivestreamId:
    def test_the_livestream_and_its_newest_session(
        self, livestreams: LivestreamsResource, ids: Ids, kit: Kit
    ) -> None:
        older = kit.streamed(20, viewers=1, name="studio")
        livestream_id = older["livestream_id"]
        kit.advance(5)
        newer = kit.fed(livestream_id, state="live")["session"]
        kit.advance(7)

        found = livestreams.get_livestream_session_for_livestream_id(
            livestream_id, account_id=ids.account_id, app_id=ids.app_id
        )
        second_page = livestreams.get_livestream_session_for_livestream_id(
            livestream_id, account_id=ids.account_id, app_id=ids.app_id, per_page=1, page_no=2
        )

        data = found.data
        assert data is not None
        assert data.livestream is not None
        assert (data.livestream.id, data.livestream.status) == (livestream_id, "LIVE")
        assert data.livestream.name == "studio"
        assert data.session is not None
        assert data.session.id == newer["id"]
        assert data.session.ingest_seconds == 7
        assert data.session.stopped_time is None
        assert data.paging is not None
        assert (data.paging.total_count, data.paging.start_offset, data.paging.end_offset) == (
            2,
            1,
            2,
        )
        sessions: Any = data.model_extra or {}  # the reference's example: every session
        assert [item["id"] for item in sessions["sessions"]] == [newer["id"], older["id"]]
        assert second_page.data is not None
        assert second_page.data.paging is not None
        assert second_page.data.paging.start_offset == 2
        rest: Any = second_page.data.model_extra or {}
        assert [item["id"] for item in rest["sessions"]] == [older["id"]]

    def test_unknown_is_not_found(self, livestreams: LivestreamsResource, ids: Ids) -> None:
        with pytest.raises(cloudflare.NotFoundError):
            livestreams.get_livestream_session_for_livestream_id(
                NO_SUCH_ID, account_id=ids.account_id, app_id=ids.app_id
            )


class TestGetActiveLivestreamsForLivestreamId:
    def test_a_live_livestream_and_its_session(
        self, livestreams: LivestreamsResource, ids: Ids, kit: Kit
    ) -> None:
        livestream = kit.independent(name="studio")
        session = kit.fed(livestream["id"], state="live")["session"]
        kit.fed(livestream["id"], viewers=2)
        kit.advance(15)

        active = livestreams.get_active_livestreams_for_livestream_id(
            livestream["id"], account_id=ids.account_id, app_id=ids.app_id
        )

        assert active.data is not None
        assert active.data.livestream is not None
        assert active.data.livestream.id == livestream["id"]
        assert active.data.livestream.status == "LIVE"
        assert active.data.livestream.stream_key == livestream["stream_key"]
        assert active.data.session is not None
        assert active.data.session.id == session["id"]
        assert active.data.session.livestream_id == livestream["id"]
        assert active.data.session.started_time == at(session["started_time"])
        # typed strings in this model (numbers in the reference's examples): kept as sent
        seconds: Any = (active.data.session.ingest_seconds, active.data.session.viewer_seconds)
        assert seconds == (15, 30)

    def test_none_unless_live(self, livestreams: LivestreamsResource, ids: Ids, kit: Kit) -> None:
        livestream = kit.independent()

        with pytest.raises(cloudflare.NotFoundError):
            livestreams.get_active_livestreams_for_livestream_id(
                livestream["id"], account_id=ids.account_id, app_id=ids.app_id
            )


class TestGetLivestreamSessionDetailsForSessionId:
    def test_its_seconds(self, livestreams: LivestreamsResource, ids: Ids, kit: Kit) -> None:
        done = kit.streamed(100, viewers=3)

        found = livestreams.get_livestream_session_details_for_session_id(
            done["id"], account_id=ids.account_id, app_id=ids.app_id
        )

        assert found.data is not None
        assert found.data.id == done["id"]
        assert found.data.livestream_id == done["livestream_id"]
        assert (found.data.ingest_seconds, found.data.viewer_seconds) == (100, 300)
        assert found.data.started_time == done["started_time"]
        assert found.data.stopped_time == done["stopped_time"]
        assert found.data.err_message is None

    def test_unknown_is_not_found(self, livestreams: LivestreamsResource, ids: Ids) -> None:
        with pytest.raises(cloudflare.NotFoundError):
            livestreams.get_livestream_session_details_for_session_id(
                NO_SUCH_ID, account_id=ids.account_id, app_id=ids.app_id
            )
