"""The state tests' fixtures: a database and an application per module
(tests/module_scope.py), an app of its own per test and its driver (the livestreams tests'
Kit); a state file is imported into fresh databases (`empty_database_url`)."""

from tests.livestreams.conftest import kit  # noqa: F401 (a fixture, found by name)
from tests.module_scope import *  # noqa: F403 (the fixtures, found by name)
