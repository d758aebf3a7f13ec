"""What the plugin's tests share: user test files run by pytester, each run a pytest process
of its own that starts a meetd server of its own, as a project with meetd installed would.

`pytester` is enabled by the test modules (`pytest_plugins`): pytest refuses that variable
in a conftest below the rootdir, and this one is collected late in a run of the whole suite.
"""

from __future__ import annotations

import os
from textwrap import dedent

import pytest

from tests.support import SECRET_KEY

# Plugins that take seconds to load and that the user files do not use: every run loads
# every installed plugin otherwise.
LIGHT = ("-p", "no:cacheprovider", "-p", "no:schemathesis", "-p", "no:hypothesispytest")
# The user files run with warnings as errors: a socket, thread or process the plugin leaves
# behind fails them.
INI = """
[pytest]
filterwarnings =
    error
"""


@pytest.fixture(autouse=True)
def _no_meetd_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's exported MEETD_* settings must not reach the servers the runs start
    (MEETD_TEST_* are the suite's own: the PostgreSQL pass reads its server from one)."""
    for name in list(os.environ):
        if name.startswith("MEETD_") and not name.startswith("MEETD_TEST_"):
            monkeypatch.delenv(name)


@pytest.fixture
def meetd_options(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The options of a run: none on the SQLite pass (the plugin's own temporary database);
    on the PostgreSQL pass, a fresh database of the suite's, and the secret key it needs."""
    if request.config.getoption("--database") != "postgresql":
        return []
    url: str = request.getfixturevalue("database_url")
    monkeypatch.setenv("MEETD_SECRET_KEY", SECRET_KEY)
    return [f"--meetd-database-url={url}"]


class Runner:
    """Writes a user's test file and runs pytest on it in a new process."""

    def __init__(self, pytester: pytest.Pytester, options: list[str]) -> None:
        self.pytester = pytester
        self.options = options
        pytester.makefile(".ini", pytest=INI)

    def run(self, source: str, *args: str) -> pytest.RunResult:
        self.pytester.makepyfile(test_user=dedent(source))
        return self.pytester.runpytest_subprocess(*LIGHT, *self.options, *args, timeout=180)


@pytest.fixture
def runner(pytester: pytest.Pytester, meetd_options: list[str]) -> Runner:
    """Runs against the database of this pass."""
    return Runner(pytester, meetd_options)


@pytest.fixture
def bare_runner(pytester: pytest.Pytester) -> Runner:
    """Runs with no options and no MEETD_* settings: the test gives its own."""
    return Runner(pytester, [])
