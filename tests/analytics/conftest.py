"""The analytics tests' fixtures: a database and an application per module
(tests/module_scope.py), an app (and its clock) per test, and the real clock standing still,
as in the livestreams tests, whose driver (Kit) they share."""

from tests.livestreams.conftest import kit, still  # noqa: F401 (fixtures, found by name)
from tests.module_scope import *  # noqa: F403 (the fixtures, found by name)
