"""Fault rules over HTTP: .../{app_id}/simulate/faults, and the requests they fault."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.faults.support import add_rule, meetings, rules
from tests.support import Account


class TestCreateFault:
    def test_answers_the_rule_with_its_defaults(self, account: Account, app_id: str) -> None:
        rule = add_rule(account, app_id, path="*/meetings", status=503)
        assert rule == {
            "id": rule["id"],
            "path": "*/meetings",
            "method": "*",
            "status": 503,
            "rate": 1.0,
            "count": None,
            "latency_ms": 0,
            "retry_after": 1,
            "seed": None,
            "matched": 0,
            "faulted": 0,
            "created_at": rule["created_at"],
        }
        assert rules(account, app_id) == [rule]

    @pytest.mark.parametrize(
        ("rule", "message"),
        [
            ({"path": "*", "status": 404}, "status: must be 429, 500, 502 or 503"),
            ({"path": "*", "status": "503"}, "status:"),
            ({"path": "*", "status": 503, "rate": 1.5}, "rate: must be less than or equal to 1"),
            (
                {"path": "*", "status": 503, "rate": -0.1},
                "rate: must be greater than or equal",
            ),
            ({"path": "*[z-a]", "status": 503}, "path: is not a valid pattern: the range z-a"),
            ({"path": "*/meetings/[abc", "status": 503}, "has no closing ]"),
            ({"path": "meetings", "status": 503}, "path: must start with / or *"),
            ({"path": "", "status": 503}, "path:"),
            ({"status": 503}, "path: is required"),
            ({"path": "*"}, "status: is required unless latency_ms is more than 0"),
            (
                {"path": "*", "status": 503, "method": "TRACE"},
                "method: must be '*', 'GET',",
            ),
            ({"path": "*", "status": 503, "count": 0}, "count: must be greater than or equal to 1"),
            (
                {"path": "*", "latency_ms": 60_001},
                "latency_ms: must be less than",
            ),
            (
                {"path": "*", "status": 429, "retry_after": 0},
                "retry_after: must be greater",
            ),
            ({"path": "*", "status": 503, "seed": -1}, "seed: must be greater than or equal to 0"),
        ],
    )
    def test_refuses_a_bad_rule_and_keeps_nothing(
        self, account: Account, app_id: str, rule: dict[str, Any], message: str
    ) -> None:
        response = account.post(f"/{app_id}/simulate/faults", json=rule)
        assert response.status_code == 400, response.text
        assert message in response.json()["errors"][0]["message"]
        assert rules(account, app_id) == []

    def test_at_most_100_per_app(self, account: Account, app_id: str) -> None:
        for n in range(100):
            add_rule(account, app_id, path=f"/{n}", status=503)
        response = account.post(f"/{app_id}/simulate/faults", json={"path": "*", "status": 503})
        assert response.status_code == 409
        assert response.headers["x-should-retry"] == "false"
        assert "at most 100 fault rules" in response.json()["errors"][0]["message"]
        assert len(rules(account, app_id)) == 100

    def test_needs_an_admin_token(self, account: Account, app_id: str) -> None:
        rule = {"path": "*", "status": 503}
        response = account.post(f"/{app_id}/simulate/faults", json=rule, token=account.read_token)
        assert response.status_code == 403
        assert account.get(f"/{app_id}/simulate/faults", token=account.read_token).json() == {
            "success": True,
            "data": [],
        }


class TestFaultedRequests:
    def test_a_429_is_cloudflares_throttle(self, account: Account, app_id: str) -> None:
        rule = add_rule(account, app_id, path="*/meetings", method="GET", status=429, retry_after=7)
        response = account.get(f"/{app_id}/meetings")
        assert response.status_code == 429
        assert response.headers["retry-after"] == "7"
        body = response.json()
        assert body["success"] is False
        assert body["errors"][0]["code"] == 971
        assert body["error"]["code"] == 971
        assert "throttling" in body["errors"][0]["message"]
        assert rule["id"] in body["errors"][0]["message"]
        assert body["messages"] == []
        assert rules(account, app_id)[0] | {"created_at": None} == rule | {
            "matched": 1,
            "faulted": 1,
            "created_at": None,
        }

    @pytest.mark.parametrize("status", [500, 502, 503])
    def test_a_5xx_changes_nothing(self, account: Account, app_id: str, status: int) -> None:
        add_rule(account, app_id, path="*/meetings", method="POST", status=status, count=1)
        response = account.post(f"/{app_id}/meetings", json={"title": "faulted"})
        assert response.status_code == status
        assert "retry-after" not in response.headers
        body = response.json()
        assert body["success"] is False
        assert body["errors"][0]["code"] == status
        assert meetings(account, app_id) == 0
        # Used up: the next one is the operation's own.
        assert account.post(f"/{app_id}/meetings", json={"title": "kept"}).status_code == 201
        assert meetings(account, app_id) == 1
        assert rules(account, app_id)[0]["faulted"] == 1

    def test_a_rule_matches_its_method_and_path(self, account: Account, app_id: str) -> None:
        meeting = account.post(f"/{app_id}/meetings", json={}).json()["data"]["id"]
        add_rule(account, app_id, path="*/meetings/*/participants", method="POST", status=500)
        assert account.get(f"/{app_id}/meetings/{meeting}/participants").status_code == 200
        assert account.get(f"/{app_id}/meetings/{meeting}").status_code == 200
        participant = {"custom_participant_id": "a", "preset_name": "group_call_host"}
        response = account.post(f"/{app_id}/meetings/{meeting}/participants", json=participant)
        assert response.status_code == 500
        # The pattern is matched against the path without the SDKs' /client/v4 prefix, so
        # the same rule faults the same path served without it.
        bare = account.kit.removeprefix("/client/v4") + f"/{app_id}/meetings/{meeting}/participants"
        headers = {"Authorization": f"Bearer {account.token}"}
        response = account.client.post(bare, json=participant, headers=headers)
        assert response.status_code == 500
        listed = account.get(f"/{app_id}/meetings/{meeting}/participants").json()
        assert listed["paging"]["total_count"] == 0

    def test_only_the_apps_own_requests(self, account: Account, app_id: str) -> None:
        other = account.create_app("other")
        add_rule(account, app_id, path="*", status=503)
        assert account.get(f"/{app_id}/meetings").status_code == 503
        assert account.get(f"/{other}/meetings").status_code == 200
        assert account.get("/apps").status_code == 200  # the account's, not the app's

    def test_never_the_simulate_routes(self, account: Account, app_id: str) -> None:
        add_rule(account, app_id, path="*", status=503)
        advanced = account.post(f"/{app_id}/simulate/clock/advance", json={"seconds": 1})
        assert advanced.status_code == 200
        assert account.get(f"/{app_id}/simulate/faults").status_code == 200
        assert account.delete(f"/{app_id}/simulate/faults").status_code == 200
        assert account.get(f"/{app_id}/meetings").status_code == 200

    def test_a_rate_of_0_counts_and_never_faults(self, account: Account, app_id: str) -> None:
        add_rule(account, app_id, path="*/meetings", status=503, rate=0)
        for _ in range(5):
            assert account.get(f"/{app_id}/meetings").status_code == 200
        rule = rules(account, app_id)[0]
        assert (rule["matched"], rule["faulted"]) == (5, 0)

    def test_a_seed_draws_the_same_every_time(self, account: Account, app_id: str) -> None:
        def outcomes(app: str) -> list[int]:
            add_rule(account, app, path="*/meetings", status=503, rate=0.5, seed=42)
            return [account.get(f"/{app}/meetings").status_code for _ in range(20)]

        first, second = outcomes(app_id), outcomes(account.create_app("again"))
        assert first == second
        assert set(first) == {200, 503}
        assert rules(account, app_id)[0]["faulted"] == first.count(503)

    def test_latency_delays_then_the_operation_runs(self, account: Account, app_id: str) -> None:
        add_rule(account, app_id, path="*/meetings", method="POST", latency_ms=300, count=1)
        started = time.monotonic()
        response = account.post(f"/{app_id}/meetings", json={"title": "late"})
        assert time.monotonic() - started >= 0.3
        assert response.status_code == 201
        assert meetings(account, app_id) == 1

    def test_latency_then_the_status(self, account: Account, app_id: str) -> None:
        add_rule(account, app_id, path="*/meetings", status=502, latency_ms=200)
        started = time.monotonic()
        assert account.get(f"/{app_id}/meetings").status_code == 502
        assert time.monotonic() - started >= 0.2


class TestDeleteFaults:
    def test_all(self, account: Account, app_id: str) -> None:
        added = [add_rule(account, app_id, path=p, status=503) for p in ("*/a", "*/b")]
        response = account.delete(f"/{app_id}/simulate/faults")
        assert response.status_code == 200
        assert [rule["id"] for rule in response.json()["data"]] == [r["id"] for r in added]
        assert rules(account, app_id) == []
        assert account.get(f"/{app_id}/meetings").status_code == 200

    def test_one(self, account: Account, app_id: str) -> None:
        kept = add_rule(account, app_id, path="*/a", status=503)
        removed = add_rule(account, app_id, path="*/meetings", status=503)
        response = account.delete(f"/{app_id}/simulate/faults/{removed['id']}")
        assert response.status_code == 200
        assert response.json()["data"]["id"] == removed["id"]
        assert [rule["id"] for rule in rules(account, app_id)] == [kept["id"]]
        assert account.get(f"/{app_id}/meetings").status_code == 200
        again = account.delete(f"/{app_id}/simulate/faults/{removed['id']}")
        assert again.status_code == 404
