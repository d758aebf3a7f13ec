"""Participant tokens (contract A5): real RS256 JWTs, verified against the JWKS with PyJWT;
revocation; the INACTIVE refusal; forged tokens. Signing-key rotation is in
test_key_rotation.py."""

# A database and an application serve this whole module (tests/module_scope.py): each test
# works in an app of its own. Its tests take the fixtures imported below by name.

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from meetd.clock import clock
from meetd.config import DEFAULT_TOKEN_LIFETIME
from meetd.deployment import Deployment
from tests.module_scope import *  # noqa: F403 (the fixtures, found by name)
from tests.participants.support import Meeting
from tests.support import Account


@pytest.fixture
def meeting(account: Account, app_id: str) -> Meeting:
    return Meeting(account, app_id)


def jwks_key(client: TestClient, token: str) -> Any:
    jwks = client.get("/.well-known/jwks.json").json()
    kid = jwt.get_unverified_header(token)["kid"]
    return jwt.PyJWK.from_dict(next(k for k in jwks["keys"] if k["kid"] == kid))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


class TestTokenClaims:
    def test_decodes_with_pyjwt_against_the_jwks(self, meeting: Meeting, account: Account) -> None:
        key = jwks_key(account.client, meeting.token)

        claims = jwt.decode(meeting.token, key, algorithms=["RS256"])

        assert jwt.get_unverified_header(meeting.token)["alg"] == "RS256"
        host = account.get(f"/{meeting.app_id}/presets", params={"search": "group_call_host"})
        assert {k: claims[k] for k in ("orgId", "meetingId", "participantId", "presetId")} == {
            "orgId": meeting.app_id,
            "meetingId": meeting.id,
            "participantId": meeting.participant["id"],
            "presetId": host.json()["data"][0]["id"],
        }
        assert set(claims) == {
            "orgId",
            "meetingId",
            "participantId",
            "presetId",
            "iat",
            "exp",
            "jti",
        }

    def test_lives_one_hundred_days(self, meeting: Meeting) -> None:
        claims = claims_of(meeting.token)

        assert claims["exp"] - claims["iat"] == DEFAULT_TOKEN_LIFETIME == 8_640_000
        assert abs(claims["iat"] - time.time()) < 60

    def test_every_token_has_its_own_jti(self, meeting: Meeting) -> None:
        refreshed = meeting.account.post(
            f"{meeting.participants}/{meeting.participant['id']}/token"
        ).json()["data"]["token"]

        assert claims_of(refreshed)["jti"] != claims_of(meeting.token)["jti"]

    def test_the_jwks_holds_public_keys_only(self, account: Account) -> None:
        jwks = account.client.get("/.well-known/jwks.json").json()

        assert len(jwks["keys"]) == 1
        assert set(jwks["keys"][0]) == {"kty", "n", "e", "kid", "use", "alg"}


class TestVerification:
    def test_a_fresh_token_is_valid(self, meeting: Meeting) -> None:
        verdict = meeting.verify(meeting.token)

        assert verdict["valid"] is True
        assert verdict["claims"]["participantId"] == meeting.participant["id"]
        assert verdict["participant"]["custom_participant_id"] == "alice"

    def test_a_read_token_may_verify(self, meeting: Meeting, account: Account) -> None:
        assert meeting.verify(meeting.token, api_token=account.read_token)["valid"] is True

    def test_refresh_gives_a_different_valid_token_and_keeps_the_old_one(
        self, meeting: Meeting
    ) -> None:
        response = meeting.account.post(f"{meeting.participants}/{meeting.participant['id']}/token")
        refreshed = response.json()["data"]["token"]

        assert refreshed != meeting.token
        assert meeting.refused_because(refreshed) is None
        assert meeting.refused_because(meeting.token) is None

    def test_deleting_the_participant_revokes_its_tokens(self, meeting: Meeting) -> None:
        path = f"{meeting.participants}/{meeting.participant['id']}"
        refreshed = meeting.account.post(f"{path}/token").json()["data"]["token"]

        meeting.account.delete(path)

        assert meeting.refused_because(meeting.token) == "participant_not_found"
        assert meeting.refused_because(refreshed) == "participant_not_found"

    def test_a_deleted_participant_re_added_does_not_revive_old_tokens(
        self, meeting: Meeting
    ) -> None:
        meeting.account.delete(f"{meeting.participants}/{meeting.participant['id']}")
        again = meeting.add("alice")

        assert meeting.refused_because(meeting.token) == "participant_not_found"
        assert meeting.refused_because(again["token"]) is None

    def test_a_preset_change_revokes_older_tokens_even_in_the_same_second(
        self, meeting: Meeting, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        issued = datetime.fromtimestamp(claims_of(meeting.token)["iat"], UTC)
        monkeypatch.setattr(clock, "now", lambda: issued)  # every token now issued in one second
        path = f"{meeting.participants}/{meeting.participant['id']}"
        refreshed = meeting.account.post(f"{path}/token").json()["data"]["token"]

        edited = meeting.account.patch(path, json={"preset_name": "webinar_viewer"}).json()["data"]

        assert claims_of(edited["token"])["iat"] == claims_of(refreshed)["iat"]
        assert meeting.refused_because(meeting.token) == "token_revoked"
        assert meeting.refused_because(refreshed) == "token_revoked"
        assert meeting.refused_because(edited["token"]) is None

    def test_a_re_add_with_another_preset_revokes_too(self, meeting: Meeting) -> None:
        again = meeting.add("alice", preset="webinar_viewer")

        assert meeting.refused_because(meeting.token) == "token_revoked"
        assert meeting.refused_because(again["token"]) is None

    def test_changing_back_to_the_first_preset_does_not_revive_tokens(
        self, meeting: Meeting
    ) -> None:
        path = f"{meeting.participants}/{meeting.participant['id']}"
        meeting.account.patch(path, json={"preset_name": "webinar_viewer"})
        meeting.account.patch(path, json={"preset_name": "group_call_host"})

        assert meeting.refused_because(meeting.token) == "token_revoked"

    def test_a_name_only_edit_keeps_tokens_valid(self, meeting: Meeting) -> None:
        path = f"{meeting.participants}/{meeting.participant['id']}"

        meeting.account.patch(path, json={"name": "Alice"})

        assert meeting.refused_because(meeting.token) is None

    def test_an_inactive_meeting_refuses_until_it_is_active_again(self, meeting: Meeting) -> None:
        meeting.set_status("INACTIVE")

        verdict = meeting.verify(meeting.token)
        assert verdict["valid"] is False
        assert verdict["reason"] == "meeting_inactive"
        assert "INACTIVE" in verdict["message"]

        meeting.set_status("ACTIVE")
        assert meeting.refused_because(meeting.token) is None

    def test_a_token_of_another_app_is_refused(self, meeting: Meeting, account: Account) -> None:
        other = Meeting(account, account.create_app("other"))

        assert meeting.refused_because(other.token) == "wrong_app"

    def test_a_token_of_another_account_is_refused(
        self, meeting: Meeting, other_account: Account
    ) -> None:
        theirs = Meeting(other_account, other_account.create_app("theirs"))

        assert meeting.refused_because(theirs.token) == "wrong_app"

    def test_an_app_of_another_account_cannot_be_asked(
        self, meeting: Meeting, other_account: Account
    ) -> None:
        response = other_account.post(
            f"/{meeting.app_id}/tokens/verify", json={"token": meeting.token}
        )

        assert response.status_code == 404

    def test_a_missing_token_is_a_400(self, meeting: Meeting) -> None:
        response = meeting.account.post(f"/{meeting.app_id}/tokens/verify", json={})

        assert response.status_code == 400
        assert response.json()["error"]["message"] == "token: is required"


class TestForgedTokens:
    def test_alg_none(self, meeting: Meeting) -> None:
        forged = unsigned({"alg": "none", "typ": "JWT"}, claims_of(meeting.token)) + "."

        assert meeting.refused_because(forged) == "token_invalid"

    def test_hs256_signed_with_the_public_key(self, meeting: Meeting, account: Account) -> None:
        public_pem = jwks_key(account.client, meeting.token).key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        kid = jwt.get_unverified_header(meeting.token)["kid"]
        signing_input = unsigned(
            {"alg": "HS256", "typ": "JWT", "kid": kid}, claims_of(meeting.token)
        )
        signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()

        assert meeting.refused_because(f"{signing_input}.{b64(signature)}") == "token_invalid"

    def test_a_tampered_payload(self, meeting: Meeting) -> None:
        bob = meeting.add("bob")
        header, _, signature = meeting.token.split(".")
        claims = claims_of(meeting.token) | {"participantId": bob["id"]}
        payload = b64(json.dumps(claims).encode())

        assert meeting.refused_because(f"{header}.{payload}.{signature}") == "token_invalid"

    @pytest.mark.parametrize("same_kid", [True, False])
    def test_a_foreign_key(self, meeting: Meeting, same_kid: bool) -> None:
        foreign = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        kid = jwt.get_unverified_header(meeting.token)["kid"] if same_kid else "someone-else"

        forged = jwt.encode(
            claims_of(meeting.token), foreign, algorithm="RS256", headers={"kid": kid}
        )

        assert meeting.refused_because(forged) == "token_invalid"

    def test_an_expired_token(self, meeting: Meeting, deployment: Deployment) -> None:
        with deployment.database.reading() as connection:
            kid, key = deployment.signing_keys.current(connection)
        now = int(time.time())
        claims = claims_of(meeting.token) | {"iat": now - 7200, "exp": now - 3600}

        expired = jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})

        assert meeting.refused_because(expired) == "token_expired"

    @pytest.mark.parametrize("garbage", ["not-a-jwt", "a.b.c", "x" * 5000])
    def test_garbage(self, meeting: Meeting, garbage: str) -> None:
        assert meeting.refused_because(garbage) == "token_invalid"
