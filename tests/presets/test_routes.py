"""The presets API over HTTP: the six defaults, CRUD, names, and presets in use."""

# A database and an application serve this whole module (tests/module_scope.py): each test
# works in an app of its own. Its tests take the fixtures imported below by name.

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest

from tests.module_scope import *  # noqa: F403 (the fixtures, found by name)
from tests.support import Account

DEFAULT_NAMES = {
    "group_call_host",
    "group_call_participant",
    "webinar_presenter",
    "webinar_viewer",
    "livestream_host",
    "livestream_viewer",
}
HOSTS = ("group_call_host", "webinar_presenter", "livestream_host")
VIEWERS = ("webinar_viewer", "livestream_viewer")


def preset_named(account: Account, app_id: str, name: str) -> dict[str, Any]:
    listed = account.get(f"/{app_id}/presets", params={"search": name}).json()["data"]
    preset_id = next(p["id"] for p in listed if p["name"] == name)
    preset: dict[str, Any] = account.get(f"/{app_id}/presets/{preset_id}").json()["data"]
    return preset


@pytest.fixture
def body(account: Account, app_id: str) -> dict[str, Any]:
    """A complete preset body, taken from a default one."""
    preset = preset_named(account, app_id, "group_call_host")
    return {k: copy.deepcopy(preset[k]) for k in ("config", "ui", "permissions")} | {
        "name": "custom"
    }


def create(account: Account, app_id: str, body: dict[str, Any]) -> dict[str, Any]:
    response = account.post(f"/{app_id}/presets", json=body)
    assert response.status_code == 201, response.text
    preset: dict[str, Any] = response.json()["data"]
    return preset


class TestDefaultPresets:
    def test_every_new_app_has_the_six(self, account: Account, app_id: str) -> None:
        page = account.get(f"/{app_id}/presets").json()

        assert {p["name"] for p in page["data"]} == DEFAULT_NAMES
        assert page["paging"]["total_count"] == 6
        assert set(page["data"][0]) == {"id", "name", "created_at", "updated_at"}

    @pytest.mark.parametrize("name", HOSTS)
    def test_hosts_kick_pin_record_and_admit(
        self, account: Account, app_id: str, name: str
    ) -> None:
        permissions = preset_named(account, app_id, name)["permissions"]

        assert permissions["kick_participant"] is True
        assert permissions["pin_participant"] is True
        assert permissions["can_record"] is True
        assert permissions["accept_waiting_requests"] is True
        assert permissions["media"]["video"]["can_produce"] == "ALLOWED"

    @pytest.mark.parametrize("name", VIEWERS)
    def test_viewers_produce_no_media(self, account: Account, app_id: str, name: str) -> None:
        permissions = preset_named(account, app_id, name)["permissions"]

        for kind in ("audio", "video", "screenshare"):
            assert permissions["media"][kind]["can_produce"] == "NOT_ALLOWED"
        assert permissions["kick_participant"] is False
        assert permissions["can_record"] is False

    def test_view_types_fit_their_roles(self, account: Account, app_id: str) -> None:
        view_type = {
            n: preset_named(account, app_id, n)["config"]["view_type"] for n in DEFAULT_NAMES
        }

        assert view_type == {
            "group_call_host": "GROUP_CALL",
            "group_call_participant": "GROUP_CALL",
            "webinar_presenter": "WEBINAR",
            "webinar_viewer": "WEBINAR",
            "livestream_host": "LIVESTREAM",
            "livestream_viewer": "LIVESTREAM",
        }


class TestCreatePreset:
    def test_returns_the_whole_preset(
        self, account: Account, app_id: str, body: dict[str, Any]
    ) -> None:
        preset = create(account, app_id, body)

        assert uuid.UUID(preset["id"])
        assert {k: preset[k] for k in body} == body
        assert preset["ui"]["design_tokens"]["colors"]["brand"]["300"] == "#844d1c"
        assert account.get(f"/{app_id}/presets/{preset['id']}").json()["data"] == preset

    def test_a_duplicate_name_is_409_not_to_be_retried(
        self, account: Account, app_id: str, body: dict[str, Any]
    ) -> None:
        response = account.post(f"/{app_id}/presets", json=body | {"name": "webinar_viewer"})

        assert response.status_code == 409
        assert response.headers["x-should-retry"] == "false"
        assert response.json()["error"]["message"] == (
            "name: a preset named 'webinar_viewer' already exists in this app"
        )
        assert account.get(f"/{app_id}/presets").json()["paging"]["total_count"] == 6

    def test_names_are_unique_per_app_only(
        self, account: Account, app_id: str, body: dict[str, Any]
    ) -> None:
        other_app = account.create_app("other")

        create(account, app_id, body)
        create(account, other_app, body)

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (lambda b: b.pop("config"), "config: is required"),
            (lambda b: b.update(name=""), "name: must have at least 1 character"),
            (
                lambda b: b["config"].update(view_type="PANEL"),
                "config.view_type: must be 'GROUP_CALL', 'WEBINAR', 'AUDIO_ROOM' or 'LIVESTREAM'",
            ),
            (
                lambda b: b["config"]["media"]["video"].update(quality="8k"),
                "config.media.video.quality: must be 'hd', 'vga', 'qvga', 'fhd' or 'uhd'",
            ),
            (
                lambda b: b["config"]["media"]["video"].update(frame_rate=120),
                "config.media.video.frame_rate: must be between 1 and 30",
            ),
            (
                lambda b: b["ui"]["design_tokens"].update(theme="neon"),
                "ui.design_tokens.theme: must be 'darkest', 'dark' or 'light'",
            ),
            (
                lambda b: b["ui"]["design_tokens"]["colors"]["brand"].pop("500"),
                "ui.design_tokens.colors.brand.500: is required",
            ),
            (
                lambda b: b["permissions"].update(kick_participant="yes"),
                "permissions.kick_participant: must be a valid boolean",
            ),
            (
                lambda b: b["permissions"]["media"]["audio"].update(can_produce="MAYBE"),
                "permissions.media.audio.can_produce: must be 'ALLOWED', 'NOT_ALLOWED' or "
                "'CAN_REQUEST'",
            ),
            (
                lambda b: b["permissions"].update(waiting_room_type="LOBBY"),
                "permissions.waiting_room_type: must be 'SKIP', ",
            ),
            (
                lambda b: b["permissions"]["plugins"]["config"].update({"not-a-uuid": {}}),
                "permissions.plugins.config.not-a-uuid: plugins are named by their UUID",
            ),
            (
                lambda b: b["permissions"]["chat"]["private"].pop("can_receive"),
                "permissions.chat.private.can_receive: is required",
            ),
        ],
    )
    def test_bad_input_is_refused_naming_the_field(
        self, account: Account, app_id: str, body: dict[str, Any], change: Any, message: str
    ) -> None:
        change(body)

        response = account.post(f"/{app_id}/presets", json=body)

        assert response.status_code == 400
        assert response.json()["error"]["message"].startswith(message)
        assert account.get(f"/{app_id}/presets").json()["paging"]["total_count"] == 6


class TestUpdatePreset:
    def test_merges_sections_key_by_key(
        self, account: Account, app_id: str, body: dict[str, Any]
    ) -> None:
        preset = create(account, app_id, body)

        patch = {"permissions": {"media": {"video": {"can_produce": "CAN_REQUEST"}}}}
        updated = account.patch(f"/{app_id}/presets/{preset['id']}", json=patch).json()["data"]

        assert updated["permissions"]["media"] == {
            "audio": {"can_produce": "ALLOWED"},
            "video": {"can_produce": "CAN_REQUEST"},
            "screenshare": {"can_produce": "ALLOWED"},
        }
        assert updated["permissions"]["kick_participant"] is True
        assert updated["config"] == preset["config"]
        assert updated["name"] == "custom"

    def test_renames(self, account: Account, app_id: str, body: dict[str, Any]) -> None:
        preset = create(account, app_id, body)

        response = account.patch(f"/{app_id}/presets/{preset['id']}", json={"name": "renamed"})

        assert response.json()["data"]["name"] == "renamed"

    def test_a_null_section_or_name_is_left_as_it_is(
        self, account: Account, app_id: str, body: dict[str, Any]
    ) -> None:
        preset = create(account, app_id, body)

        nulls = {"name": None, "config": None, "ui": None, "permissions": None}
        response = account.patch(f"/{app_id}/presets/{preset['id']}", json=nulls)

        assert response.status_code == 200
        assert {**response.json()["data"], "updated_at": None} == {**preset, "updated_at": None}

    def test_renaming_to_a_taken_name_is_409(
        self, account: Account, app_id: str, body: dict[str, Any]
    ) -> None:
        preset = create(account, app_id, body)

        response = account.patch(
            f"/{app_id}/presets/{preset['id']}", json={"name": "group_call_host"}
        )

        assert response.status_code == 409
        assert account.get(f"/{app_id}/presets/{preset['id']}").json()["data"] == preset

    def test_a_merge_that_breaks_a_rule_changes_nothing(
        self, account: Account, app_id: str, body: dict[str, Any]
    ) -> None:
        preset = create(account, app_id, body)

        patch = {"name": "lost", "config": {"max_video_streams": {"desktop": -1}}}
        response = account.patch(f"/{app_id}/presets/{preset['id']}", json=patch)

        assert response.status_code == 400
        assert response.json()["error"]["message"] == (
            "config.max_video_streams.desktop: must be between 0 and 100"
        )
        assert account.get(f"/{app_id}/presets/{preset['id']}").json()["data"] == preset


class TestReplacePreset:
    def test_the_preset_becomes_the_body(
        self, account: Account, app_id: str, body: dict[str, Any]
    ) -> None:
        preset = create(account, app_id, body)
        viewer = preset_named(account, app_id, "webinar_viewer")
        replacement = {k: viewer[k] for k in ("config", "ui", "permissions")} | {"name": "now"}

        response = account.put(f"/{app_id}/presets/{preset['id']}", json=replacement)

        assert response.status_code == 200
        replaced = response.json()["data"]
        assert {k: replaced[k] for k in replacement} == replacement
        assert (replaced["id"], replaced["created_at"]) == (preset["id"], preset["created_at"])

    def test_a_partial_body_is_refused(
        self, account: Account, app_id: str, body: dict[str, Any]
    ) -> None:
        preset = create(account, app_id, body)

        response = account.put(f"/{app_id}/presets/{preset['id']}", json={"name": "x"})

        assert response.status_code == 400
        assert account.get(f"/{app_id}/presets/{preset['id']}").json()["data"] == preset


class TestDeletePreset:
    def test_returns_the_deleted_preset(
        self, account: Account, app_id: str, body: dict[str, Any]
    ) -> None:
        preset = create(account, app_id, body)

        response = account.delete(f"/{app_id}/presets/{preset['id']}")

        assert response.status_code == 200
        assert response.json()["data"] == preset
        assert account.get(f"/{app_id}/presets/{preset['id']}").status_code == 404

    def test_a_preset_in_use_is_409_saying_how_many_use_it(
        self, account: Account, app_id: str
    ) -> None:
        meeting = account.post(f"/{app_id}/meetings", json={}).json()["data"]
        for who in ("ann", "bob"):
            account.post(
                f"/{app_id}/meetings/{meeting['id']}/participants",
                json={"custom_participant_id": who, "preset_name": "webinar_viewer"},
            )
        preset = preset_named(account, app_id, "webinar_viewer")

        response = account.delete(f"/{app_id}/presets/{preset['id']}")

        assert response.status_code == 409
        assert response.headers["x-should-retry"] == "false"
        assert "used by 2 participants" in response.json()["error"]["message"]
        assert account.get(f"/{app_id}/presets/{preset['id']}").status_code == 200


class TestFindingPresets:
    def test_unknown_ids_are_not_found_and_malformed_ones_refused(
        self, account: Account, app_id: str
    ) -> None:
        assert account.get(f"/{app_id}/presets/{uuid.uuid4()}").status_code == 404
        malformed = account.get(f"/{app_id}/presets/not-an-id")
        assert malformed.status_code == 400
        assert malformed.json()["error"]["message"] == "preset_id: must be a valid UUID"

    def test_a_preset_of_another_app_is_not_found(self, account: Account, app_id: str) -> None:
        other_app = account.create_app("other")
        theirs = preset_named(account, other_app, "group_call_host")

        assert account.get(f"/{app_id}/presets/{theirs['id']}").status_code == 404
        assert account.delete(f"/{app_id}/presets/{theirs['id']}").status_code == 404

    def test_list_pages_and_searches(self, account: Account, app_id: str) -> None:
        page = account.get(f"/{app_id}/presets", params={"per_page": 4, "page_no": 2}).json()
        found = account.get(f"/{app_id}/presets", params={"search": "WEBINAR"}).json()

        assert page["paging"] == {"total_count": 6, "start_offset": 5, "end_offset": 6}
        assert {p["name"] for p in found["data"]} == {"webinar_presenter", "webinar_viewer"}

    def test_read_tokens_read_but_do_not_write(
        self, account: Account, app_id: str, body: dict[str, Any]
    ) -> None:
        assert account.get(f"/{app_id}/presets", token=account.read_token).status_code == 200
        response = account.post(f"/{app_id}/presets", json=body, token=account.read_token)
        assert response.status_code == 403
