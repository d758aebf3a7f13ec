"""The analytics tests' fixtures are the livestreams tests': a database and an application
per module, an app (and its clock) per test, and the real clock standing still."""

from tests.livestreams.conftest import (  # noqa: F401 (fixtures, found by name)
    account,
    app,
    client,
    database_url,
    deployment,
    kit,
    server,
    settings,
    still,
)
