"""What the participants tests share: a meeting with a participant, and its tokens."""

from __future__ import annotations

from typing import Any

from tests.support import Account


class Meeting:
    """A meeting with one participant, and the calls these tests make about them."""

    def __init__(self, account: Account, app_id: str) -> None:
        self.account = account
        self.app_id = app_id
        self.id = account.post(f"/{app_id}/meetings", json={}).json()["data"]["id"]
        self.participants = f"/{app_id}/meetings/{self.id}/participants"
        self.participant = self.add("alice")

    def add(self, who: str, preset: str = "group_call_host", **body: Any) -> dict[str, Any]:
        response = self.account.post(
            self.participants, json={"custom_participant_id": who, "preset_name": preset, **body}
        )
        assert response.status_code == 201, response.text
        participant: dict[str, Any] = response.json()["data"]
        return participant

    def verify(self, token: str, *, api_token: str | None = None) -> dict[str, Any]:
        response = self.account.post(
            f"/{self.app_id}/tokens/verify", json={"token": token}, token=api_token
        )
        assert response.status_code == 200, response.text
        verdict: dict[str, Any] = response.json()["data"]
        return verdict

    def refused_because(self, token: str) -> str | None:
        verdict = self.verify(token)
        assert verdict["valid"] is (verdict.get("reason") is None)
        return verdict.get("reason")

    @property
    def token(self) -> str:
        token: str = self.participant["token"]
        return token

    def set_status(self, status: str) -> None:
        self.account.patch(f"/{self.app_id}/meetings/{self.id}", json={"status": status})
