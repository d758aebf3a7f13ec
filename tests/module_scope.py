"""Fixtures that serve a whole test module with one database and one application (the
in-process client, a real server, the account): each test then works in an app of its own,
with a clock of its own, so nothing of one test is seen by another, and a test costs what
its own requests cost, not a database clone and an application start.

A folder's conftest.py takes them all with `from tests.module_scope import *`; so does a test
module of a folder whose other modules keep tests/conftest.py's fresh database per test.
Tests that need a database of
their own stay in such modules: those that read the account's apps (the legacy paths serve
its oldest), change the whole deployment (its signing keys), move the real clock or stop the
timer loop."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from meetd.config import Settings
from meetd.deployment import Deployment, open_deployment
from tests.support import SECRET_KEY, Account, Databases, Server

__all__ = ["account", "app", "client", "database_url", "deployment", "server", "settings"]


@pytest.fixture(scope="module")
def database_url(databases: Databases) -> Iterator[str]:
    url = databases.new()
    yield url
    databases.release(url)


@pytest.fixture(scope="module")
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, secret_key=SECRET_KEY)


@pytest.fixture(scope="module")
def deployment(settings: Settings) -> Iterator[Deployment]:
    deployment = open_deployment(settings)
    yield deployment
    deployment.database.dispose()


@pytest.fixture(scope="module")
def app(settings: Settings, shared_apps: tuple[FastAPI, FastAPI]) -> FastAPI:
    app = shared_apps[0]
    app.state.settings = settings
    return app


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="module")
def account(client: TestClient, deployment: Deployment) -> Account:
    return Account(client, deployment, "a" * 32)


@pytest.fixture(scope="module")
def server(settings: Settings, shared_apps: tuple[FastAPI, FastAPI]) -> Iterator[Server]:
    app = shared_apps[1]
    app.state.settings = settings
    with Server(app) as server:
        yield server
