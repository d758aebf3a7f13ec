"""One error body for everything (contract A3): unknown routes, wrong methods, no 422."""

# A database and an application serve this whole module (tests/module_scope.py): each test
# works in an app of its own. Its tests take the fixtures imported below by name.

from __future__ import annotations

import uuid
from collections.abc import Iterator

from tests.module_scope import *  # noqa: F403 (the fixtures, found by name)
from tests.support import Account


class TestErrorBodies:
    def test_an_unknown_route_is_404_with_code_7003(self, account: Account) -> None:
        response = account.get("/no/such/route")

        assert response.status_code == 404
        assert response.json() == {
            "success": False,
            "error": {"code": 7003, "message": "No route for the URI"},
            "errors": [{"code": 7003, "message": "No route for the URI"}],
            "messages": [],
        }

    def test_a_wrong_method_is_405_with_code_7001(self, account: Account, app_id: str) -> None:
        response = account.delete(f"/{app_id}/meetings/{uuid.uuid4()}")

        assert response.status_code == 405
        assert response.json()["error"]["code"] == 7001
        # Allow names every method the path serves, not only the first route's
        assert response.headers["allow"] == "GET, PUT, PATCH"

    def test_validation_errors_are_400_never_422(self, account: Account, app_id: str) -> None:
        response = account.post(
            f"/{app_id}/meetings", json={"status": 1, "session_keep_alive_time_in_secs": 1}
        )

        assert response.status_code == 400
        body = response.json()
        messages = [e["message"] for e in body["errors"]]
        assert messages == [
            "session_keep_alive_time_in_secs: must be between 60 and 600",
            "status: must be 'ACTIVE' or 'INACTIVE'",
        ]
        assert body["error"]["message"] == "; ".join(messages)

    def test_routes_are_served_without_the_sdk_prefix_too(self, account: Account) -> None:
        response = account.client.get(
            account.kit.removeprefix("/client/v4") + "/apps",
            headers={"Authorization": f"Bearer {account.token}"},
        )

        assert response.status_code == 200

    def test_a_streamed_body_over_the_limit_is_413(self, account: Account, app_id: str) -> None:
        def chunks() -> Iterator[bytes]:
            yield b'{"title": "'
            for _ in range(20):
                yield b"x" * 65536
            yield b'"}'

        response = account.post(
            f"/{app_id}/meetings", content=chunks(), headers={"Content-Type": "application/json"}
        )

        assert response.status_code == 413
        assert response.json()["error"]["message"] == "Request body is larger than the 1 MiB limit"
        assert account.get(f"/{app_id}/meetings").json()["paging"]["total_count"] == 0
