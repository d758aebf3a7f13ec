"""Participants and presets through the official `cloudflare` SDK, unmodified, over real HTTP."""

# A database and an application serve this whole module (tests/module_scope.py): each test
# works in an app of its own. Its tests take the fixtures imported below by name.

from __future__ import annotations

from typing import Any

import cloudflare
import httpx
import jwt
import pytest
from cloudflare import Cloudflare

from tests.module_scope import *  # noqa: F403 (the fixtures, found by name)
from tests.support import Account, Server


@pytest.fixture
def ids(sdk: Cloudflare, account: Account) -> tuple[str, str]:
    app = sdk.realtime_kit.apps.post(account_id=account.id, name="sdk").data
    assert app is not None
    assert app.app is not None
    assert app.app.id is not None
    meeting = sdk.realtime_kit.meetings.create(app.app.id, account_id=account.id).data
    assert meeting is not None
    return app.app.id, meeting.id


class TestParticipantsThroughTheSdk:
    def test_every_operation(self, sdk: Cloudflare, account: Account, ids: tuple[str, str]) -> None:
        app_id, meeting_id = ids
        meetings = sdk.realtime_kit.meetings
        acct = account.id

        added = meetings.add_participant(
            meeting_id,
            account_id=acct,
            app_id=app_id,
            custom_participant_id="ann",
            preset_name="group_call_host",
            name="Ann",
        ).data
        assert added is not None
        claims = jwt.decode(added.token, options={"verify_signature": False})
        assert claims["meetingId"] == meeting_id

        again = meetings.add_participant(
            meeting_id,
            account_id=acct,
            app_id=app_id,
            custom_participant_id="ann",
            preset_name="group_call_host",
        ).data
        assert again is not None
        assert again.id == added.id

        listed = meetings.get_meeting_participants(meeting_id, account_id=acct, app_id=app_id)
        assert [p.id for p in listed.data] == [added.id]
        assert listed.paging.total_count == 1

        fetched = meetings.get_meeting_participant(
            added.id, account_id=acct, app_id=app_id, meeting_id=meeting_id
        ).data
        assert fetched.custom_participant_id == "ann"

        edited = meetings.edit_participant(
            added.id,
            account_id=acct,
            app_id=app_id,
            meeting_id=meeting_id,
            preset_name="webinar_viewer",
        ).data
        assert edited is not None
        assert edited.preset_name == "webinar_viewer"

        refreshed = meetings.refresh_participant_token(
            added.id, account_id=acct, app_id=app_id, meeting_id=meeting_id
        )
        assert refreshed.data.token not in (added.token, edited.token)

        deleted = meetings.delete_meeting_participant(
            added.id, account_id=acct, app_id=app_id, meeting_id=meeting_id
        ).data
        assert deleted is not None
        assert deleted.custom_participant_id == "ann"
        with pytest.raises(cloudflare.NotFoundError):
            meetings.get_meeting_participant(
                added.id, account_id=acct, app_id=app_id, meeting_id=meeting_id
            )

    def test_an_unknown_preset_is_a_not_found_error_naming_it(
        self, sdk: Cloudflare, account: Account, ids: tuple[str, str]
    ) -> None:
        app_id, meeting_id = ids

        with pytest.raises(cloudflare.NotFoundError) as raised:
            sdk.realtime_kit.meetings.add_participant(
                meeting_id,
                account_id=account.id,
                app_id=app_id,
                custom_participant_id="x",
                preset_name="nope",
            )

        assert "'nope'" in str(raised.value.errors[0].message)


class TestPresetsThroughTheSdk:
    def test_crud_and_the_conflict_is_not_retried(
        self, sdk: Cloudflare, account: Account, ids: tuple[str, str], server: Server
    ) -> None:
        app_id, _ = ids
        presets = sdk.realtime_kit.presets
        listed = presets.get(app_id, account_id=account.id)
        assert len(listed.data) == 6
        first_id = listed.data[0].id
        assert first_id is not None
        host = presets.get_preset_by_id(first_id, account_id=account.id, app_id=app_id).data
        assert host is not None
        config: Any = host.config.model_dump(exclude_none=True)
        ui: Any = host.ui.model_dump(by_alias=True, exclude_none=True)
        permissions: Any = host.permissions.model_dump(exclude_none=True)

        created = presets.create(
            app_id,
            account_id=account.id,
            name="mine",
            config=config,
            ui=ui,
            permissions=permissions,
        ).data
        assert created is not None
        assert created.name == "mine"
        updated = presets.update(created.id, account_id=account.id, app_id=app_id, name="ours").data
        assert updated is not None
        assert updated.name == "ours"

        sent: list[httpx.Request] = []
        counting = httpx.Client(event_hooks={"request": [sent.append]})
        with (
            Cloudflare(
                api_token=account.token, base_url=server.base_url, http_client=counting
            ) as c,
            pytest.raises(cloudflare.ConflictError),
        ):
            c.realtime_kit.presets.create(
                app_id,
                account_id=account.id,
                name="ours",
                config=config,
                ui=ui,
                permissions=permissions,
            )
        assert len(sent) == 1  # the SDK retries a 409 unless told not to

        deleted = presets.delete(created.id, account_id=account.id, app_id=app_id).data
        assert deleted is not None
        assert deleted.id == created.id
