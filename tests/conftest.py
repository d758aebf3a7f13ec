"""Clean-world fixtures: a fresh database per test, an in-process client, a real server for
the official SDK, and an account with its tokens."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from cloudflare import Cloudflare
from fastapi import FastAPI
from fastapi.testclient import TestClient

from meetd.app import create_app
from meetd.config import Settings
from meetd.deployment import Deployment, open_deployment
from tests.support import SECRET_KEY, Account, Server


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database, made once and copied for each test (migrating takes longer)."""
    path = tmp_path_factory.mktemp("template") / "meetd.db"
    deployment = open_deployment(Settings(database_url=f"sqlite:///{path}", secret_key=SECRET_KEY))
    deployment.database.dispose()
    return path


@pytest.fixture
def settings(tmp_path: Path, template_database: Path) -> Settings:
    path = tmp_path / "meetd.db"
    shutil.copyfile(template_database, path)
    return Settings(database_url=f"sqlite:///{path}", secret_key=SECRET_KEY)


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
