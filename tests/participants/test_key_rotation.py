"""Signing-key rotation (contract A5): old tokens stay valid, new ones use the new key, and a
key retired long enough leaves the JWKS. A rotation changes the keys of the whole deployment,
so each test here has a database of its own (tests/conftest.py), unlike test_tokens.py's."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from meetd.config import DEFAULT_TOKEN_LIFETIME
from meetd.db.engine import lock_deployment
from meetd.db.tables import signing_keys
from meetd.deployment import Deployment
from tests.participants.support import Meeting
from tests.support import Account


@pytest.fixture
def meeting(account: Account, app_id: str) -> Meeting:
    return Meeting(account, app_id)


class TestKeyRotation:
    def rotate(self, deployment: Deployment) -> str:
        with deployment.database.transaction() as connection:
            lock_deployment(connection)
            return deployment.signing_keys.create(connection)

    def test_old_tokens_stay_valid_and_new_ones_use_the_new_key(
        self, meeting: Meeting, app: FastAPI, account: Account
    ) -> None:
        old_kid = jwt.get_unverified_header(meeting.token)["kid"]

        # rotated by the serving process itself, so at once (others see it within seconds)
        new_kid = self.rotate(app.state.deployment)
        fresh = meeting.add("bob")["token"]

        assert jwt.get_unverified_header(fresh)["kid"] == new_kid != old_kid
        assert meeting.refused_because(meeting.token) is None
        assert meeting.refused_because(fresh) is None
        kids = {k["kid"] for k in account.client.get("/.well-known/jwks.json").json()["keys"]}
        assert kids == {old_kid, new_kid}

    def test_a_key_retired_longer_than_a_token_lives_leaves_the_jwks(
        self, meeting: Meeting, deployment: Deployment, account: Account
    ) -> None:
        old_kid = jwt.get_unverified_header(meeting.token)["kid"]
        self.rotate(deployment)
        key = signing_keys.c
        with deployment.database.transaction() as connection:
            retired_at = connection.scalar(select(key.retired_at).where(key.id == old_kid))
            assert retired_at is not None
            connection.execute(
                update(signing_keys)
                .where(key.id == old_kid)
                .values(retired_at=retired_at - timedelta(seconds=DEFAULT_TOKEN_LIFETIME + 1))
            )

        kids = {k["kid"] for k in account.client.get("/.well-known/jwks.json").json()["keys"]}

        assert old_kid not in kids
        assert len(kids) == 1
