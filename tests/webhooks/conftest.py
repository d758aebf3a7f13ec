"""The webhooks tests' fixtures: settings that retry at once and give up soon, a receiver
that verifies what it gets, and an app's webhooks and activity.

A database serves a whole module, and an application (in-process client, real server, account)
a whole class: each test works in an app of its own and deletes its webhooks when it ends, so
nothing of one test is sent during another. A database per test costs PostgreSQL about a
second to clone and drop, and starting the application for each small test would take most
of its time. A class changes the settings by overriding `retry_schedule` or `destinations`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from meetd.config import Settings
from meetd.deployment import Deployment, open_deployment
from tests.sessions.support import Activity
from tests.support import SECRET_KEY, Account, Databases, Server
from tests.webhooks.support import TIMEOUT, Receiver, Webhooks


@pytest.fixture(scope="module")
def database_url(databases: Databases) -> Iterator[str]:
    url = databases.new()
    yield url
    databases.release(url)


@pytest.fixture(scope="class")
def retry_schedule() -> tuple[float, ...]:
    """The waits before each retry: three quick ones (so at most four attempts)."""
    return (0.05, 0.05, 0.05)


@pytest.fixture(scope="class")
def destinations() -> str:
    return "any"


@pytest.fixture(scope="class")
def settings(database_url: str, retry_schedule: tuple[float, ...], destinations: str) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=SECRET_KEY,
        webhook_retry_schedule=retry_schedule,
        webhook_timeout=TIMEOUT,
        webhook_destinations=destinations,
    )


@pytest.fixture(scope="class")
def deployment(settings: Settings) -> Iterator[Deployment]:
    deployment = open_deployment(settings)
    yield deployment
    deployment.database.dispose()


@pytest.fixture(scope="class")
def app(settings: Settings, shared_apps: tuple[FastAPI, FastAPI]) -> FastAPI:
    app = shared_apps[0]
    app.state.settings = settings
    return app


@pytest.fixture(scope="class")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="class")
def account(client: TestClient, deployment: Deployment) -> Account:
    return Account(client, deployment, "a" * 32)


@pytest.fixture(scope="class")
def server(settings: Settings, shared_apps: tuple[FastAPI, FastAPI]) -> Iterator[Server]:
    app = shared_apps[1]
    app.state.settings = settings
    with Server(app) as server:
        yield server


@pytest.fixture
def receiver(server: Server) -> Iterator[Receiver]:
    """A receiver that trusts the key meetd's real server publishes."""
    with Receiver() as receiver:
        receiver.trust(server.base_url.removesuffix("/client/v4"))
        yield receiver


@pytest.fixture
def webhooks(account: Account, app_id: str) -> Iterator[Webhooks]:
    """The test's app's webhooks; deleted at its end, with what they still had to send."""
    webhooks = Webhooks(account, app_id)
    yield webhooks
    webhooks.delete_all()


@pytest.fixture
def activity(account: Account, app_id: str) -> Activity:
    return Activity(account, app_id)
