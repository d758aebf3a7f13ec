"""Input no client should send, and every database must survive: a clear 4xx, never a 500,
nothing stored."""

# A database and an application serve this whole module (tests/module_scope.py): each test
# works in an app of its own. Its tests take the fixtures imported below by name.

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.module_scope import *  # noqa: F403 (the fixtures, found by name)
from tests.support import Account


def count_meetings(account: Account, app_id: str) -> int:
    total: int = account.get(f"/{app_id}/meetings").json()["paging"]["total_count"]
    return total


class TestStrings:
    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ({"title": "a\x00b"}, "title: must not contain NUL characters"),
            ({"title": "a\ud800b"}, "title: must be a valid string, unable to parse raw data"),
            (
                {"recording_config": {"file_name_prefix": "\x00"}},
                "recording_config.file_name_prefix: must not contain NUL characters",
            ),
            (
                {"ai_config": {"transcription": {"keywords": ["ok", "\x00"]}}},
                "ai_config.transcription.keywords[1]: must not contain NUL characters",
            ),
        ],
    )
    def test_nul_and_lone_surrogates_are_refused(
        self, account: Account, app_id: str, body: dict[str, Any], message: str
    ) -> None:
        # json.dumps escapes a lone surrogate as \\ud800, as a client's JSON library would
        content = json.dumps(body)
        response = account.post(
            f"/{app_id}/meetings", content=content, headers={"Content-Type": "application/json"}
        )

        assert response.status_code == 400
        assert response.json()["error"]["message"].startswith(message)
        assert count_meetings(account, app_id) == 0

    def test_in_names_and_ids_too(self, account: Account, app_id: str) -> None:
        meeting = account.post(f"/{app_id}/meetings", json={}).json()["data"]["id"]

        assert account.post("/apps", json={"name": "a\x00"}).status_code == 400
        response = account.post(
            f"/{app_id}/meetings/{meeting}/participants",
            json={"custom_participant_id": "\x00", "preset_name": "group_call_host"},
        )
        assert response.status_code == 400

    @pytest.mark.parametrize("path", ["/apps", "/{app}/meetings", "/{app}/presets"])
    def test_in_a_search(self, account: Account, app_id: str, path: str) -> None:
        response = account.get(path.format(app=app_id), params={"search": "a\x00"})

        assert response.status_code == 400
        assert response.json()["error"]["message"] == "search: must not contain NUL characters"

    def test_search_folds_case_beyond_ascii(self, account: Account, app_id: str) -> None:
        wanted = account.post(f"/{app_id}/meetings", json={"title": "Ärger im Büro"})

        for term in ("ärger", "ÄRGER", "büro"):
            found = account.get(f"/{app_id}/meetings", params={"search": term}).json()["data"]
            assert [m["id"] for m in found] == [wanted.json()["data"]["id"]]


class TestNumbersAndDates:
    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({"page_no": 10**30}, "page_no: must be less than or equal to 1000000"),
            ({"page_no": 10**18}, "page_no: must be less than or equal to 1000000"),
            ({"start_time": "0001-01-01T00:00:00+05:00"}, "start_time: must fall between"),
            ({"end_time": "9999-12-31T23:59:59-05:00"}, "end_time: must fall between"),
        ],
    )
    def test_out_of_range_is_refused(
        self, account: Account, app_id: str, params: dict[str, Any], message: str
    ) -> None:
        response = account.get(f"/{app_id}/meetings", params=params)

        assert response.status_code == 400
        assert response.json()["error"]["message"].startswith(message)

    def test_dates_at_the_edges_of_time_are_fine(self, account: Account, app_id: str) -> None:
        account.post(f"/{app_id}/meetings", json={})

        page = account.get(
            f"/{app_id}/meetings",
            params={"start_time": "0001-01-01T00:00:00Z", "end_time": "9999-12-31T23:59:59Z"},
        ).json()

        assert page["paging"]["total_count"] == 1


class TestBodies:
    @pytest.mark.parametrize(
        "content",
        [
            b"[" * 100_000 + b"]" * 100_000,
            b'{"title": ' + b"9" * 5000 + b"}",
            '{"title": "caf\xe9"}'.encode("latin-1"),
        ],
        ids=["deeply nested", "a 5000-digit number", "latin-1"],
    )
    def test_unparseable_json_is_a_clear_400(
        self, account: Account, app_id: str, content: bytes
    ) -> None:
        response = account.post(
            f"/{app_id}/meetings", content=content, headers={"Content-Type": "application/json"}
        )

        assert response.status_code == 400
        assert response.json()["error"]["message"].startswith("body: is not valid JSON")
        assert count_meetings(account, app_id) == 0
