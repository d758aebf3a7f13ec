"""/healthz and /readyz, on both databases."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from meetd.deployment import Deployment
from meetd.health import service


class TestHealthz:
    def test_the_process_answers(self, client: TestClient) -> None:
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}


class TestReadyz:
    def test_ready_at_the_newest_migration(self, client: TestClient) -> None:
        response = client.get("/readyz")
        assert response.status_code == 200
        assert response.json() == {"status": "ready", "schema_revision": "0009"}
        assert service.newest_revision() == "0009"

    def test_not_ready_on_an_older_schema(self, client: TestClient, deployment: Deployment) -> None:
        engine = deployment.database.engine
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '0008'"))
        try:
            response = client.get("/readyz")
        finally:
            with engine.begin() as connection:
                connection.execute(text("UPDATE alembic_version SET version_num = '0009'"))
        assert response.status_code == 503
        assert response.json() == {
            "status": "not ready",
            "reason": "the database schema is at 0008, not at 0009",
        }
        assert client.get("/readyz").status_code == 200

    def test_not_ready_when_the_database_does_not_answer(
        self, client: TestClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def unreachable(*_: object, **__: object) -> None:
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError("refused"))

        monkeypatch.setattr(service, "check_schema", unreachable)
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json() == {
            "status": "not ready",
            "reason": "the database does not answer (OperationalError)",
        }
        assert client.get("/healthz").status_code == 200  # the process still answers
