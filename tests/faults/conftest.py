"""The fault rules' tests: a database and an application per module (tests/module_scope.py),
an app of its own per test."""

from tests.module_scope import *  # noqa: F403 (the fixtures, found by name)
