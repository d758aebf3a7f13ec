"""Secrets stay secret: after a whole session of calls against a real `meetd serve` logging
at debug level, neither its logs nor the raw bytes of its database hold any API token,
participant token, storage credential, signing key or the server's secret key."""

from __future__ import annotations

import base64
import secrets
import subprocess
import sys
from typing import Any

import httpx
import psycopg
from cryptography.hazmat.primitives import serialization
from psycopg import sql

from meetd.config import Settings, sqlite_path
from meetd.deployment import open_deployment
from tests.support import KIT, SECRET_KEY, ServeProcess, environment, free_port

ROWS = sql.SQL("SELECT row_to_json(t)::text FROM {} t")
ACCOUNT = "5ec2e75ec2e75ec2e75ec2e75ec2e75e"


def secret(label: str) -> str:
    return f"{label}-{secrets.token_hex(16)}"


def stored_forms(value: bytes) -> list[bytes]:
    """The value as it would sit in a database that stored it plain: as is, as PostgreSQL
    prints a bytea, and base64-encoded."""
    return [value, value.hex().encode(), base64.b64encode(value)]


def raw_database(url: str) -> bytes:
    """Every byte of a SQLite database (with its write-ahead log), or every row of every
    table of a PostgreSQL one, as text."""
    path = sqlite_path(url)
    if path is not None:
        return b"".join(part.read_bytes() for part in path.parent.glob(f"{path.name}*"))
    with psycopg.connect(url) as db:
        tables = db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        rows = [
            row[0]
            for (table,) in tables.fetchall()
            for row in db.execute(ROWS.format(sql.Identifier(table))).fetchall()
        ]
    return "\n".join(rows).encode()


def signing_keys(url: str) -> list[bytes]:
    """The current private signing key in the encodings a careless store might use."""
    deployment = open_deployment(Settings(database_url=url, secret_key=SECRET_KEY))
    try:
        with deployment.database.reading() as connection:
            _, private = deployment.signing_keys.current(connection)
    finally:
        deployment.database.dispose()
    forms = []
    for encoding in (serialization.Encoding.DER, serialization.Encoding.PEM):
        for layout in (
            serialization.PrivateFormat.PKCS8,
            serialization.PrivateFormat.TraditionalOpenSSL,
        ):
            raw = private.private_bytes(encoding, layout, serialization.NoEncryption())
            # a line from the end of a PEM, where the private exponents are (the start holds
            # the modulus, which the public key shares)
            forms.append(raw.splitlines()[-3] if encoding is serialization.Encoding.PEM else raw)
    return forms


def a_session(origin: str, token: str, read_token: str) -> tuple[dict[str, str], list[str]]:
    """Every kind of call a backend makes, and some it should not: returns the secrets the
    session handed to meetd or got from it, and every response body."""
    handed = {
        "access key": secret("AKIA"),
        "secret": secret("storage-secret"),
        "replaced secret": secret("replaced-secret"),
        "password": secret("sftp-password"),
        "private key": "-----BEGIN OPENSSH PRIVATE KEY-----\n" + secret("b3BlbnNzaC1rZXk"),
        "refused secret": secret("refused-secret"),
        "bucket secret": secret("bucket-secret"),
        "unknown token": secret("not-a-meetd-token"),
    }
    bodies: list[str] = []
    kit = f"{origin}{KIT.format(account_id=ACCOUNT)}"
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:

        def call(method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
            response = http.request(method, kit + path, **kwargs)
            bodies.append(response.text)
            assert response.status_code == expect, response.text
            return response.json()

        app = call("POST", "/apps", 201, json={"name": "secrets"})["data"]["app"]["id"]
        aws = {
            "type": "aws",
            "bucket": "recordings",
            "region": "us-east-1",
            "access_key": handed["access key"],
            "secret": handed["secret"],
        }
        meeting = call(
            "POST", f"/{app}/meetings", 201, json={"recording_config": {"storage_config": aws}}
        )["data"]["id"]
        call("GET", f"/{app}/meetings/{meeting}")
        call("GET", f"/{app}/meetings", params={"search": "secrets"})
        call(
            "PATCH",
            f"/{app}/meetings/{meeting}",
            json={
                "recording_config": {"storage_config": {**aws, "secret": handed["replaced secret"]}}
            },
        )
        sftp = {
            "type": "sftp",
            "host": "files.example.com",
            "port": 22,
            "username": "rec",
            "auth_method": "KEY",
            "private_key": handed["private key"],
            "password": handed["password"],
        }
        call(
            "PUT", f"/{app}/meetings/{meeting}", json={"recording_config": {"storage_config": sftp}}
        )
        call(
            "PATCH",
            f"/{app}/meetings/{meeting}",
            400,
            json={
                "recording_config": {
                    "storage_config": {"secret": handed["refused secret"] + "\x00"}
                }
            },
        )
        participants = f"/{app}/meetings/{meeting}/participants"
        added = call(
            "POST",
            participants,
            201,
            json={"custom_participant_id": "p1", "preset_name": "group_call_host"},
        )["data"]
        participant = added["id"]
        handed["participant token"] = added["token"]
        refreshed = call("POST", f"{participants}/{participant}/token")["data"]
        handed["refreshed token"] = refreshed["token"]
        call("POST", f"/{app}/tokens/verify", json={"token": handed["refreshed token"]})
        call(
            "PATCH", f"{participants}/{participant}", json={"preset_name": "group_call_participant"}
        )
        call("GET", f"{participants}")
        call("GET", f"/{app}/presets")
        # A download URL's signature is a credential until it expires.
        simulate = f"/{app}/meetings/{meeting}/simulate"
        peer = call("POST", f"{simulate}/join", 201, json={"participant_id": participant})["data"]
        call("POST", f"{simulate}/chat", 201, json={"peer_id": peer["peer_id"], "message": "hi"})
        # A recording copied to a bucket nothing serves: its error names no credential.
        bucket = {
            **aws,
            "host": f"http://127.0.0.1:{free_port()}",
            "secret": handed["bucket secret"],
        }
        recording = call(
            "POST", f"/{app}/recordings", json={"meeting_id": meeting, "storage_config": bucket}
        )
        call("POST", f"/{app}/simulate/clock/advance", json={"seconds": 10})
        call("POST", f"/{app}/meetings/{meeting}/active-session/kick-all")
        call("POST", f"/{app}/simulate/clock/advance", json={"seconds": 6})
        failed = call("GET", f"/{app}/recordings/{recording['data']['id']}")["data"]
        assert failed["status"] == "ERRORED", failed
        assert "recordings" in failed["error"], failed
        url = call("GET", f"/{app}/sessions/{peer['session_id']}/chat")["data"]["chat_download_url"]
        handed["download URL"] = url
        assert httpx.get(url).status_code == 200
        call("DELETE", f"{participants}/{participant}")
        call("POST", f"/{app}/tokens/verify", json={"token": handed["participant token"]})
        call("GET", "/apps", 401, headers={"Authorization": f"Bearer {handed['unknown token']}"})
        call(
            "POST",
            "/apps",
            403,
            json={"name": "no"},
            headers={"Authorization": f"Bearer {read_token}"},
        )
        call(
            "GET",
            "/apps",
            401,
            # the client's bearer header, emptied, leaves the key form alone
            headers={
                "Authorization": "",
                "X-Auth-Email": "a@b.c",
                "X-Auth-Key": handed["unknown token"],
            },
        )
    return handed, bodies


def test_no_secret_in_the_logs_or_the_database(database_url: str) -> None:
    env = environment()

    def create_token(scope: str) -> str:
        command = [sys.executable, "-m", "meetd", "token", "create", "--account-id", ACCOUNT]
        command += ["--scope", scope, "--database-url", database_url]
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
        return done.stdout.strip()

    token, read_token = create_token("admin"), create_token("read")
    server = ServeProcess("--database-url", database_url, "--log-level", "debug")
    with server:
        handed, bodies = a_session(server.origin, token, read_token)
    logs = "".join(server.stdout + server.stderr)
    database = raw_database(database_url)

    assert "INSERT INTO meetings" in logs  # it did log at debug level, SQL statements too
    # Secrets are hashed or sealed before any SQL, so parameters hold none here; the engine
    # hides them all the same, for whatever a statement may carry one day.
    assert "[SQL parameters hidden due to hide_parameters=True]" in logs
    # The webhook event of the chat carries its download URL: it is stored, and never logged.
    signature = handed.pop("download URL").rpartition("signature=")[2]
    assert signature not in logs, "the logs hold a download URL's signature"
    assert "signature=[hidden]" in logs
    everything = {**handed, "API token": token, "read token": read_token, "secret key": SECRET_KEY}
    for name, value in everything.items():
        assert value not in logs, f"the logs hold the {name}"
        for form in stored_forms(value.encode()):
            assert form not in database, f"the database holds the {name}"
    for form in signing_keys(database_url):
        assert form not in database, "the database holds the signing key unsealed"
    # Write-only credentials, the one refused, and the unknown token are never echoed.
    storage = (
        "access key",
        "secret",
        "replaced secret",
        "password",
        "private key",
        "bucket secret",
    )
    for name in (*storage, "refused secret", "unknown token"):
        assert not [body for body in bodies if handed[name] in body], f"a response held the {name}"
