"""The participants API over HTTP: list, add (and re-add), get, edit, replace, delete."""

# A database and an application serve this whole module (tests/module_scope.py): each test
# works in an app of its own. Its tests take the fixtures imported below by name.

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from tests.module_scope import *  # noqa: F403 (the fixtures, found by name)
from tests.support import Account

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
JWT = re.compile(r"[\w-]+\.[\w-]+\.[\w-]+")


@pytest.fixture
def meeting_id(account: Account, app_id: str) -> str:
    meeting_id: str = account.post(f"/{app_id}/meetings", json={"title": "t"}).json()["data"]["id"]
    return meeting_id


@pytest.fixture
def path(app_id: str, meeting_id: str) -> str:
    return f"/{app_id}/meetings/{meeting_id}/participants"


def add(account: Account, path: str, **body: Any) -> dict[str, Any]:
    body = {"custom_participant_id": "alice", "preset_name": "group_call_host", **body}
    response = account.post(path, json=body)
    assert response.status_code == 201, response.text
    participant: dict[str, Any] = response.json()["data"]
    return participant


class TestAddParticipant:
    def test_returns_the_participant_and_a_token(self, account: Account, path: str) -> None:
        participant = add(account, path, name="Alice", picture="https://example.com/alice.png")

        assert uuid.UUID(participant["id"])
        assert JWT.fullmatch(participant["token"])
        assert {
            k: participant[k] for k in ("custom_participant_id", "preset_name", "name", "picture")
        } == {
            "custom_participant_id": "alice",
            "preset_name": "group_call_host",
            "name": "Alice",
            "picture": "https://example.com/alice.png",
        }
        assert TIMESTAMP.fullmatch(participant["created_at"])

    def test_name_and_picture_may_be_left_out(self, account: Account, path: str) -> None:
        participant = add(account, path, name=None)

        assert "name" not in participant
        assert "picture" not in participant

    def test_re_adding_returns_the_same_participant_updated_with_a_fresh_token(
        self, account: Account, path: str
    ) -> None:
        first = add(account, path, name="Alice")

        again = add(account, path, name="Alice B.", preset_name="webinar_viewer")

        assert again["id"] == first["id"]
        assert again["created_at"] == first["created_at"]
        assert (again["name"], again["preset_name"]) == ("Alice B.", "webinar_viewer")
        assert again["token"] != first["token"]
        assert account.get(path).json()["paging"]["total_count"] == 1

    def test_is_allowed_on_an_inactive_meeting(
        self, account: Account, app_id: str, meeting_id: str, path: str
    ) -> None:
        patched = account.patch(f"/{app_id}/meetings/{meeting_id}", json={"status": "INACTIVE"})
        assert patched.json()["data"]["status"] == "INACTIVE"

        add(account, path)

    @pytest.mark.parametrize(
        ("body", "status", "message"),
        [
            ({"preset_name": "group_call_host"}, 400, "custom_participant_id: is required"),
            ({"custom_participant_id": "x"}, 400, "preset_name: is required"),
            (
                {"custom_participant_id": "", "preset_name": "group_call_host"},
                400,
                "custom_participant_id: must have at least 1 character",
            ),
            (
                {
                    "custom_participant_id": "x",
                    "preset_name": "group_call_host",
                    "picture": "me.png",
                },
                400,
                "picture: must be an absolute URI",
            ),
            (
                {"custom_participant_id": "x", "preset_name": "group_call_host", "name": 7},
                400,
                "name: must be a valid string",
            ),
            (
                {"custom_participant_id": "x", "preset_name": "no_such_preset"},
                404,
                "preset_name: no preset named 'no_such_preset' in this app",
            ),
            (
                {"custom_participant_id": "x", "preset_name": "GROUP_CALL_HOST"},
                404,
                "preset_name: no preset named 'GROUP_CALL_HOST' in this app",
            ),
        ],
    )
    def test_bad_input_is_refused_and_nothing_is_added(
        self, account: Account, path: str, body: dict[str, Any], status: int, message: str
    ) -> None:
        response = account.post(path, json=body)

        assert response.status_code == status
        assert response.json()["error"]["message"].startswith(message)
        assert account.get(path).json()["paging"]["total_count"] == 0

    def test_a_preset_of_another_app_is_not_found(self, account: Account, path: str) -> None:
        other_app = account.create_app("other")
        body = {"name": "only-there"}
        viewer = account.get(f"/{other_app}/presets", params={"search": "webinar_viewer"})
        preset = account.get(f"/{other_app}/presets/{viewer.json()['data'][0]['id']}").json()[
            "data"
        ]
        body |= {k: preset[k] for k in ("config", "ui", "permissions")}
        account.post(f"/{other_app}/presets", json=body)

        response = account.post(
            path, json={"custom_participant_id": "x", "preset_name": "only-there"}
        )

        assert response.status_code == 404


class TestGetParticipant:
    def test_returns_it_without_a_token(self, account: Account, path: str) -> None:
        added = add(account, path, name="Alice")

        fetched = account.get(f"{path}/{added['id']}").json()["data"]

        assert fetched == {k: v for k, v in added.items() if k != "token"}

    def test_unknown_or_malformed_ids_are_not_found(self, account: Account, path: str) -> None:
        assert account.get(f"{path}/{uuid.uuid4()}").status_code == 404
        assert account.get(f"{path}/not-an-id").status_code == 404

    def test_a_participant_of_another_meeting_is_not_found(
        self, account: Account, app_id: str, path: str
    ) -> None:
        added = add(account, path)
        other = account.post(f"/{app_id}/meetings", json={}).json()["data"]["id"]
        other_path = f"/{app_id}/meetings/{other}/participants/{added['id']}"

        assert account.get(other_path).status_code == 404
        assert account.patch(other_path, json={"name": "x"}).status_code == 404
        assert account.delete(other_path).status_code == 404
        assert account.post(f"{other_path}/token").status_code == 404

    def test_of_another_account_is_403(
        self, account: Account, other_account: Account, path: str
    ) -> None:
        added = add(account, path)

        response = account.client.get(
            account.kit + f"{path}/{added['id']}",
            headers={"Authorization": f"Bearer {other_account.token}"},
        )

        assert response.status_code == 403


class TestListParticipants:
    def test_pages_newest_first(self, account: Account, path: str) -> None:
        ids = [add(account, path, custom_participant_id=f"p{n}")["id"] for n in range(5)]

        page = account.get(path, params={"per_page": 2, "page_no": 2}).json()

        assert [p["id"] for p in page["data"]] == [ids[2], ids[1]]
        assert page["paging"] == {"total_count": 5, "start_offset": 3, "end_offset": 4}
        assert all("token" not in p for p in page["data"])

    def test_an_unknown_meeting_is_not_found(self, account: Account, app_id: str) -> None:
        assert account.get(f"/{app_id}/meetings/{uuid.uuid4()}/participants").status_code == 404


class TestEditParticipant:
    def test_changes_what_is_sent_and_returns_a_token(self, account: Account, path: str) -> None:
        added = add(account, path, name="Alice", picture="https://example.com/a.png")

        response = account.patch(f"{path}/{added['id']}", json={"name": "Al"})

        assert response.status_code == 200
        edited = response.json()["data"]
        assert (edited["name"], edited["picture"], edited["preset_name"]) == (
            "Al",
            "https://example.com/a.png",
            "group_call_host",
        )
        assert JWT.fullmatch(edited["token"])

    def test_null_clears_and_a_preset_can_change(self, account: Account, path: str) -> None:
        added = add(account, path, name="Alice")

        edited = account.patch(
            f"{path}/{added['id']}", json={"name": None, "preset_name": "webinar_viewer"}
        ).json()["data"]

        assert "name" not in edited
        assert edited["preset_name"] == "webinar_viewer"

    def test_an_unknown_preset_is_not_found_and_changes_nothing(
        self, account: Account, path: str
    ) -> None:
        added = add(account, path, name="Alice")

        response = account.patch(f"{path}/{added['id']}", json={"name": "X", "preset_name": "nope"})

        assert response.status_code == 404
        assert account.get(f"{path}/{added['id']}").json()["data"]["name"] == "Alice"


class TestReplaceParticipant:
    def test_the_participant_becomes_the_body(self, account: Account, path: str) -> None:
        added = add(account, path, name="Alice", picture="https://example.com/a.png")

        body = {"custom_participant_id": "alice-2", "preset_name": "webinar_viewer"}
        replaced = account.put(f"{path}/{added['id']}", json=body).json()["data"]

        assert replaced["id"] == added["id"]
        assert (replaced["custom_participant_id"], replaced["preset_name"]) == (
            "alice-2",
            "webinar_viewer",
        )
        assert "name" not in replaced
        assert "picture" not in replaced
        assert JWT.fullmatch(replaced["token"])

    def test_taking_another_participants_custom_id_is_409(
        self, account: Account, path: str
    ) -> None:
        alice = add(account, path)
        add(account, path, custom_participant_id="bob")

        response = account.put(
            f"{path}/{alice['id']}",
            json={"custom_participant_id": "bob", "preset_name": "group_call_host"},
        )

        assert response.status_code == 409
        assert response.headers["x-should-retry"] == "false"
        assert (
            account.get(f"{path}/{alice['id']}").json()["data"]["custom_participant_id"] == "alice"
        )


class TestDeleteParticipant:
    def test_returns_what_the_reference_says(
        self, account: Account, app_id: str, path: str
    ) -> None:
        added = add(account, path)
        host = account.get(f"/{app_id}/presets", params={"search": "group_call_host"}).json()

        response = account.delete(f"{path}/{added['id']}")

        assert response.status_code == 200
        assert response.json()["data"] == {
            "custom_participant_id": "alice",
            "preset_id": host["data"][0]["id"],
            "created_at": added["created_at"],
            "updated_at": added["updated_at"],
        }
        assert account.get(f"{path}/{added['id']}").status_code == 404

    def test_the_custom_id_can_be_added_again_as_someone_new(
        self, account: Account, path: str
    ) -> None:
        first = add(account, path)
        account.delete(f"{path}/{first['id']}")

        assert add(account, path)["id"] != first["id"]


class TestRefreshToken:
    def test_returns_a_new_token(self, account: Account, path: str) -> None:
        added = add(account, path)

        response = account.post(f"{path}/{added['id']}/token")

        assert response.status_code == 200
        token = response.json()["data"]["token"]
        assert JWT.fullmatch(token)
        assert token != added["token"]

    def test_a_read_token_may_not_refresh(self, account: Account, path: str) -> None:
        added = add(account, path)

        response = account.post(f"{path}/{added['id']}/token", token=account.read_token)

        assert response.status_code == 403
