"""DELETE .../{app_id}/simulate/state: an app emptied but for its presets, on both
databases."""

from __future__ import annotations

from typing import Any

from tests.livestreams.support import Kit
from tests.presets.test_routes import preset_named
from tests.support import Account

EMPTY = dict.fromkeys(
    (
        "deliveries",
        "events",
        "webhooks",
        "timers",
        "fault_rules",
        "recordings",
        "livestreams",
        "sessions",
        "participants",
        "meetings",
    ),
    0,
)


def _total(account: Account, path: str, **params: Any) -> int:
    response = account.get(path, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    total: int = body["paging"]["total_count"] if "paging" in body else len(body["data"])
    return total


def _busy(kit: Kit, account: Account, app_id: str) -> dict[str, Any]:
    """An app with some of everything: a custom preset, an ended session, a LIVE one with
    a recording, an independent livestream, a webhook with deliveries, a fault rule and a
    clock moved on."""
    host = preset_named(account, app_id, "group_call_host")
    body = {key: host[key] for key in ("config", "ui", "permissions")}
    preset = account.post(f"/{app_id}/presets", json=body | {"name": "custom"})
    kit.met(30, "alice", "bob")
    webhook = account.post(
        f"/{app_id}/webhooks",
        json={"name": "w", "url": "http://127.0.0.1:9/", "events": ["meeting.started"]},
    )
    assert webhook.status_code == 201, webhook.text
    live = kit.live()
    kit.recorded(live.meeting_id, 10)
    kit.independent(name="studio")
    rule = account.post(f"/{app_id}/simulate/faults", json={"path": "*/nothing", "status": 503})
    assert rule.status_code == 201
    assert preset.status_code == 201, preset.text
    return {"live": live}


class TestResetApp:
    def test_empties_all_but_the_presets(self, kit: Kit, account: Account, app_id: str) -> None:
        _busy(kit, account, app_id)
        presets_before = account.get(f"/{app_id}/presets").json()["data"]
        assert "custom" in {preset["name"] for preset in presets_before}
        response = account.delete(f"/{app_id}/simulate/state")
        assert response.status_code == 200, response.text
        removed = response.json()["data"]["removed"]
        assert removed["meetings"] == 2
        assert removed["participants"] == 3
        assert removed["sessions"] == 2
        assert removed["recordings"] == 1
        assert removed["livestreams"] == 1
        assert removed["webhooks"] == 1
        assert removed["fault_rules"] == 1
        assert removed["events"] > 0
        assert removed["deliveries"] > 0
        for path in ("/meetings", "/sessions", "/recordings", "/livestreams"):
            assert _total(account, f"/{app_id}{path}") == 0, path
        for path in ("/webhooks", "/simulate/faults"):
            assert account.get(f"/{app_id}{path}").json()["data"] == [], path
        assert account.get(f"/{app_id}/presets").json()["data"] == presets_before
        clock = account.get(f"/{app_id}/simulate/clock").json()["data"]
        assert clock["offset_seconds"] == 0
        assert response.json()["data"]["now"][:16] == clock["now"][:16]

    def test_the_app_works_as_new_afterwards(self, kit: Kit, account: Account, app_id: str) -> None:
        _busy(kit, account, app_id)
        assert account.delete(f"/{app_id}/simulate/state").status_code == 200
        again = account.delete(f"/{app_id}/simulate/state")
        assert again.json()["data"]["removed"] == EMPTY
        session = kit.met(5, "carol")
        assert session["status"] == "ENDED"
        assert _total(account, f"/{app_id}/meetings") == 1
        assert _total(account, f"/{app_id}/sessions") == 1

    def test_other_apps_keep_theirs(self, kit: Kit, account: Account, app_id: str) -> None:
        other = Kit(account, account.create_app("other"))
        other.met(5, "dave")
        _busy(kit, account, app_id)
        assert account.delete(f"/{app_id}/simulate/state").status_code == 200
        assert _total(account, f"/{other.app_id}/meetings") == 1
        assert _total(account, f"/{other.app_id}/sessions") == 1

    def test_a_fault_rule_goes_at_once(self, account: Account, app_id: str) -> None:
        rule = {"path": "*/meetings", "status": 503}
        assert account.post(f"/{app_id}/simulate/faults", json=rule).status_code == 201
        assert account.get(f"/{app_id}/meetings").status_code == 503
        assert account.delete(f"/{app_id}/simulate/state").status_code == 200
        assert account.get(f"/{app_id}/meetings").status_code == 200

    def test_needs_an_admin_token_and_a_known_app(self, account: Account, app_id: str) -> None:
        meeting = account.post(f"/{app_id}/meetings", json={})
        assert meeting.status_code == 201
        refused = account.delete(f"/{app_id}/simulate/state", token=account.read_token)
        assert refused.status_code == 403
        assert (
            account.delete("/00000000-0000-4000-8000-000000000000/simulate/state").status_code
            == 404
        )
        assert _total(account, f"/{app_id}/meetings") == 1
