"""What the fault rules' tests share: adding a rule, reading them, counting meetings."""

from __future__ import annotations

from typing import Any

from tests.support import Account


def add_rule(account: Account, app_id: str, **rule: Any) -> dict[str, Any]:
    response = account.post(f"/{app_id}/simulate/faults", json=rule)
    assert response.status_code == 201, response.text
    added: dict[str, Any] = response.json()["data"]
    return added


def rules(account: Account, app_id: str) -> list[dict[str, Any]]:
    response = account.get(f"/{app_id}/simulate/faults")
    assert response.status_code == 200
    listed: list[dict[str, Any]] = response.json()["data"]
    return listed


def meetings(account: Account, app_id: str) -> int:
    """How many meetings the app has: a faulted create makes none."""
    total: int = account.get(f"/{app_id}/meetings").json()["paging"]["total_count"]
    return total
