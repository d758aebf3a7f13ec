"""Clean-world fixtures: a fresh database per test, an in-process client, a real server for
the official SDK, and an account with its tokens."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest
from cloudflare import Cloudflare
from fastapi import FastAPI
from fastapi.testclient import TestClient

from meetd.app import create_app
from meetd.config import Settings
from meetd.deployment import Deployment, open_deployment
from tests.support import (
    SECRET_KEY,
    Account,
    Databases,
    PostgresDatabases,
    Server,
    SqliteDatabases,
)


def pytest_configure(config: pytest.Config) -> None:
    # `make test` runs the PostgreSQL pass in the background, where Ctrl-C reaches it as a
    # SIGTERM: end the run as Ctrl-C would, so that teardown stops the servers and drops
    # the test databases.
    signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="the database every test runs against; postgresql takes the server of "
        "MEETD_TEST_POSTGRES_URL (e.g. postgresql://127.0.0.1:5432/test)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--database") == "sqlite":
        return
    skip = pytest.mark.skip(reason="about SQLite only")
    for item in items:
        if "sqlite_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Databases]:
    if request.config.getoption("--database") == "postgresql":
        url = os.environ.get("MEETD_TEST_POSTGRES_URL")
        if not url:
            pytest.exit("--database postgresql needs MEETD_TEST_POSTGRES_URL", returncode=2)
        databases: Databases = PostgresDatabases(url)
    else:
        databases = SqliteDatabases(tmp_path_factory.mktemp("databases"))
    yield databases
    databases.close()


@pytest.fixture
def database_url(databases: Databases) -> Iterator[str]:
    """A fresh, migrated database for this test."""
    url = databases.new()
    yield url
    databases.release(url)


@pytest.fixture
def empty_database_url(databases: Databases) -> Iterator[str]:
    """A fresh database with nothing in it, not even the schema."""
    url = databases.empty()
    yield url
    databases.release(url)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, secret_key=SECRET_KEY)


@pytest.fixture
def deployment(settings: Settings) -> Iterator[Deployment]:
    deployment = open_deployment(settings)
    yield deployment
    deployment.database.dispose()


@pytest.fixture(scope="session")
def shared_apps() -> tuple[FastAPI, FastAPI]:
    """Two applications (one for the in-process client, one for real servers), built once:
    building the routes takes longer than most tests. Each test points them at its own
    database before starting them."""
    return create_app(), create_app()


@pytest.fixture
def app(settings: Settings, shared_apps: tuple[FastAPI, FastAPI]) -> FastAPI:
    app = shared_apps[0]
    app.state.settings = settings
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def account(client: TestClient, deployment: Deployment) -> Account:
    return Account(client, deployment, "a" * 32)


@pytest.fixture
def other_account(client: TestClient, deployment: Deployment) -> Account:
    return Account(client, deployment, "b" * 32)


@pytest.fixture
def app_id(account: Account) -> str:
    return account.create_app()


@pytest.fixture
def server(settings: Settings, shared_apps: tuple[FastAPI, FastAPI]) -> Iterator[Server]:
    app = shared_apps[1]
    app.state.settings = settings
    with Server(app) as server:
        yield server


@pytest.fixture
def sdk(server: Server, account: Account) -> Iterator[Cloudflare]:
    """The official SDK, pointed at meetd by its base URL alone."""
    with Cloudflare(api_token=account.token, base_url=server.base_url, max_retries=0) as sdk:
        yield sdk
