"""Participants on the legacy paths, which serve the account's oldest app (its default app):
the account must have no app before, so each test here has a database of its own
(tests/conftest.py), unlike test_routes.py's."""

from __future__ import annotations

import re

from tests.support import Account

JWT = re.compile(r"[\w-]+\.[\w-]+\.[\w-]+")


class TestLegacyParticipants:
    def test_add_on_the_legacy_path(self, account: Account) -> None:
        legacy = f"/client/v4/accounts/{account.id}/realtimekit/meetings"
        headers = {"Authorization": f"Bearer {account.token}"}
        meeting = account.client.post(legacy, json={}, headers=headers).json()["data"]

        response = account.client.post(
            f"{legacy}/{meeting['id']}/participants",
            json={"custom_participant_id": "x", "preset_name": "group_call_participant"},
            headers=headers,
        )

        assert response.status_code == 201
        assert JWT.fullmatch(response.json()["data"]["token"])
