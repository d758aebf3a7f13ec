"""The state tests' fixtures: a database and an application per module
(tests/module_scope.py), an app of its own per test; a state file is imported into fresh
databases (`empty_database_url`)."""

import pytest

from tests.livestreams.support import Kit
from tests.module_scope import (  # noqa: F401 (fixtures, found by name)
    account,
    app,
    client,
    database_url,
    deployment,
    server,
    settings,
)
from tests.support import Account


@pytest.fixture
def kit(account: Account, app_id: str) -> Kit:
    return Kit(account, app_id)
