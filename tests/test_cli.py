"""The `meetd` command as a user runs it: real processes, real HTTP, the official SDK."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import jwt
import pytest
from cloudflare import Cloudflare

from meetd.accounts import service as accounts
from meetd.config import Settings
from meetd.deployment import open_deployment
from meetd.keys import CURRENT_KEY_SECONDS
from tests.support import SECRET_KEY, Account, ServeProcess, environment, free_port

README = Path(__file__).parents[1] / "README.md"


def meetd(*args: str, **env: str | None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "meetd", *args],
        capture_output=True,
        text=True,
        env=environment(**env),
        timeout=60,
        check=False,
    )


def scope_of(database_url: str, token: str) -> str | None:
    deployment = open_deployment(Settings(database_url=database_url, secret_key=SECRET_KEY))
    try:
        with deployment.database.reading() as connection:
            principal = accounts.find_principal(connection, token_hash=accounts.hash_token(token))
    finally:
        deployment.database.dispose()
    return principal.scope if principal else None


class TestTokenCreate:
    def test_prints_only_a_working_admin_token_on_a_new_database(
        self, empty_database_url: str
    ) -> None:
        url = empty_database_url

        result = meetd("token", "create", "--account-id", "acme", "--database-url", url)

        assert result.returncode == 0, result.stderr
        token = result.stdout.strip()
        assert result.stdout == token + "\n"
        assert re.fullmatch(r"[A-Za-z0-9_-]{40}", token)
        assert scope_of(url, token) == "admin"

    def test_read_scope(self, empty_database_url: str) -> None:
        url = empty_database_url

        result = meetd(
            "token", "create", "--account-id", "acme", "--scope", "read", "--database-url", url
        )

        assert scope_of(url, result.stdout.strip()) == "read"

    def test_unknown_scope_fails_and_prints_nothing(self, empty_database_url: str) -> None:
        url = empty_database_url

        result = meetd(
            "token", "create", "--account-id", "acme", "--scope", "owner", "--database-url", url
        )

        assert result.returncode != 0
        assert result.stdout == ""
        assert "invalid choice: 'owner'" in result.stderr

    def test_bad_account_id_fails_with_a_clear_message(self, empty_database_url: str) -> None:
        result = meetd(
            "token",
            "create",
            "--account-id",
            "no spaces",
            "--database-url",
            empty_database_url,
        )

        assert result.returncode == 2
        assert result.stdout == ""
        assert "account_id: must be 1 to 32 letters, digits, '-' or '_'" in result.stderr

    def test_reads_the_database_from_the_environment(self, empty_database_url: str) -> None:
        url = empty_database_url

        result = meetd("token", "create", "--account-id", "acme", MEETD_DATABASE_URL=url)

        assert result.returncode == 0, result.stderr
        assert scope_of(url, result.stdout.strip()) == "admin"


@pytest.fixture
def participant_token(account: Account, app_id: str) -> tuple[str, str]:
    """A participant token, and the path of its meeting."""
    meeting = (
        f"/{app_id}/meetings/" + account.post(f"/{app_id}/meetings", json={}).json()["data"]["id"]
    )
    added = account.post(
        f"{meeting}/participants",
        json={"custom_participant_id": "ann", "preset_name": "group_call_participant"},
    )
    return added.json()["data"]["token"], meeting


class TestTokenVerify:
    def test_a_valid_token_prints_its_claims_and_exits_0(
        self, settings: Settings, participant_token: tuple[str, str]
    ) -> None:
        token, _ = participant_token

        result = meetd("token", "verify", token, "--database-url", settings.database_url)

        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["participantId"]

    def test_an_inactive_meeting_is_refused_with_its_own_reason(
        self, settings: Settings, account: Account, participant_token: tuple[str, str]
    ) -> None:
        token, meeting = participant_token
        account.patch(meeting, json={"status": "INACTIVE"})

        result = meetd("token", "verify", token, MEETD_DATABASE_URL=settings.database_url)

        assert result.returncode == 1
        assert result.stdout == ""
        assert "token refused (meeting_inactive)" in result.stderr

    def test_garbage_is_refused(self, settings: Settings) -> None:
        result = meetd("token", "verify", "garbage", "--database-url", settings.database_url)

        assert result.returncode == 1
        assert "token refused (token_invalid)" in result.stderr


class TestKeysRotate:
    def test_new_tokens_use_the_new_key_and_old_ones_stay_valid(
        self, settings: Settings, account: Account, app_id: str, participant_token: tuple[str, str]
    ) -> None:
        old_token, meeting = participant_token

        result = meetd("keys", "rotate", "--database-url", settings.database_url)

        assert result.returncode == 0, result.stderr
        new_kid = result.stdout.strip()
        # The serving process asks which key is current every CURRENT_KEY_SECONDS.
        deadline = time.monotonic() + CURRENT_KEY_SECONDS + 5
        while True:
            fresh = account.post(
                f"{meeting}/participants",
                json={"custom_participant_id": "bob", "preset_name": "group_call_participant"},
            ).json()["data"]["token"]
            if jwt.get_unverified_header(fresh)["kid"] == new_kid or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert jwt.get_unverified_header(fresh)["kid"] == new_kid
        for token in (old_token, fresh):
            check = meetd("token", "verify", token, "--database-url", settings.database_url)
            assert check.returncode == 0, check.stderr


class TestHelp:
    @pytest.mark.parametrize(
        ("args", "expected"),
        [
            ((), "serve"),
            (("serve",), "--database-url"),
            (("token",), "create"),
            (("token", "create"), "--scope"),
            (("token", "verify"), "exits 0"),
            (("keys", "rotate"), "stay valid"),
        ],
    )
    def test_every_command_explains_itself(self, args: tuple[str, ...], expected: str) -> None:
        result = meetd(*args, "--help")

        assert result.returncode == 0
        assert expected in result.stdout


def listening(port: int, timeout: float = 10) -> None:
    """Once something accepts connections on the port."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class TestServe:
    def test_quickstart_from_the_readme_works_and_data_survives_a_restart(
        self, tmp_path: Path, empty_database_url: str
    ) -> None:
        url = empty_database_url
        # On SQLite, exactly as the README has it: no secret key set, a key file made.
        key: dict[str, str | None] = {"MEETD_SECRET_KEY": None} if url.startswith("sqlite") else {}
        script = re.search(r"```python\n(# quickstart\.py\n.*?)```", README.read_text(), re.S)
        assert script is not None
        (tmp_path / "quickstart.py").write_text(script.group(1))

        with ServeProcess("--database-url", url, **key) as server:
            env = server.exported()
            assert env["CLOUDFLARE_BASE_URL"] == server.base_url
            run = subprocess.run(
                [sys.executable, "quickstart.py"],
                cwd=tmp_path,
                env={"PATH": "/usr/bin:/bin", **env},
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert run.returncode == 0, run.stderr
            meeting_id, title = run.stdout.split()[0], "Hello, meetd"
            assert run.stdout.splitlines() == [f"{meeting_id} {title} ACTIVE", "True"]

        with (
            ServeProcess("--database-url", url, **key) as restarted,
            Cloudflare(
                api_token=env["CLOUDFLARE_API_TOKEN"], base_url=restarted.base_url, max_retries=0
            ) as client,
        ):
            assert not any(line.startswith("export ") for line in restarted.stdout)
            account_id = env["CLOUDFLARE_ACCOUNT_ID"]
            apps = client.realtime_kit.apps.get(account_id=account_id).data or []
            assert [a.name for a in apps] == ["my-app"]
            app_id = apps[0].id
            assert app_id is not None
            meeting = client.realtime_kit.meetings.get_meeting_by_id(
                meeting_id, account_id=account_id, app_id=app_id
            ).data
            assert meeting is not None
            assert meeting.title == title

    def test_the_simulation_from_the_readme_runs(
        self, tmp_path: Path, empty_database_url: str
    ) -> None:
        script = re.search(r"```python\n(# simulation\.py\n.*?)```", README.read_text(), re.S)
        printed = re.search(
            r"It prints `(.*?)` and the transcript:\n\n```\n(.*?)```", README.read_text(), re.S
        )
        assert script is not None
        assert printed is not None
        (tmp_path / "simulation.py").write_text(script.group(1))

        with ServeProcess("--database-url", empty_database_url) as server:
            run = subprocess.run(
                [sys.executable, "simulation.py"],
                cwd=tmp_path,
                env={"PATH": "/usr/bin:/bin", **server.exported()},
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )

        assert run.returncode == 0, run.stderr
        first, *transcript = run.stdout.splitlines()
        assert first == printed.group(1)
        # The same cues; the milliseconds between the calls differ from run to run.
        expected = printed.group(2).splitlines()
        assert len(transcript[: len(expected)]) == len(expected)
        for line, shown in zip(transcript, expected, strict=False):
            if "-->" in shown:
                assert re.fullmatch(r"\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}", line)
                assert line[:5] == shown[:5]  # the hour and the minute
            else:
                assert line == shown

    def test_the_recording_from_the_readme_runs(
        self, tmp_path: Path, empty_database_url: str
    ) -> None:
        script = re.search(r"```python\n(# recording\.py\n.*?)```", README.read_text(), re.S)
        printed = re.search(r"It prints `([^`]*)` \([^)]*\) and\n`([^`]*)`", README.read_text())
        assert script is not None
        assert printed is not None
        (tmp_path / "recording.py").write_text(script.group(1))

        with ServeProcess("--database-url", empty_database_url) as server:
            run = subprocess.run(
                [sys.executable, "recording.py"],
                cwd=tmp_path,
                env={"PATH": "/usr/bin:/bin", **server.exported()},
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )

        assert run.returncode == 0, run.stderr
        assert run.stdout.splitlines() == [printed.group(1), printed.group(2)]

    def test_the_webhook_receiver_from_the_readme_verifies_deliveries(
        self, tmp_path: Path, empty_database_url: str
    ) -> None:
        script = re.search(r"```python\n(# receiver\.py\n.*?)```", README.read_text(), re.S)
        assert script is not None
        port = free_port()
        with ServeProcess("--database-url", empty_database_url) as server:
            # The README's addresses, made this run's.
            text = script.group(1).replace("http://127.0.0.1:8787", server.origin)
            (tmp_path / "receiver.py").write_text(text.replace("9000", str(port)))
            with subprocess.Popen(
                [sys.executable, "receiver.py"], cwd=tmp_path, stdout=subprocess.PIPE, text=True
            ) as receiver:
                listening(port)
                env = server.exported()
                headers = {"Authorization": f"Bearer {env['CLOUDFLARE_API_TOKEN']}"}
                kit = f"{server.base_url}/accounts/{env['CLOUDFLARE_ACCOUNT_ID']}/realtime/kit"
                with httpx.Client(headers=headers, timeout=10) as client:
                    app = client.post(f"{kit}/apps", json={"name": "hooks"}).json()["data"]["app"]
                    in_app = f"{kit}/{app['id']}"
                    hook = {
                        "name": "receiver",
                        "url": f"http://127.0.0.1:{port}/",
                        "events": ["meeting.started", "meeting.participantJoined"],
                    }
                    assert client.post(f"{in_app}/webhooks", json=hook).status_code == 201
                    meeting = client.post(f"{in_app}/meetings", json={}).json()["data"]["id"]
                    client.post(
                        f"{in_app}/meetings/{meeting}/participants",
                        json={"custom_participant_id": "alice", "preset_name": "group_call_host"},
                    )
                    joined = client.post(
                        f"{in_app}/meetings/{meeting}/simulate/join",
                        json={"custom_participant_id": "alice"},
                    )
                    assert joined.status_code == 201
                assert receiver.stdout is not None
                lines = [receiver.stdout.readline().split() for _ in range(2)]
                receiver.kill()

        assert [event for _, event in lines] == ["meeting.started", "meeting.participantJoined"]

    def test_refuses_a_secret_key_other_than_the_databases(self, database_url: str) -> None:
        result = meetd("serve", "--database-url", database_url, MEETD_SECRET_KEY="another-" * 5)

        assert result.returncode == 2
        assert "is not the one this database was first started with" in result.stderr
        assert "another-" not in result.stderr

    def test_refuses_a_short_secret_key(self, empty_database_url: str) -> None:
        result = meetd(
            "serve",
            "--database-url",
            empty_database_url,
            MEETD_SECRET_KEY="short",
        )

        assert result.returncode == 2
        assert "MEETD_SECRET_KEY must be at least 32 characters" in result.stderr

    @pytest.mark.sqlite_only
    def test_makes_a_private_key_file_beside_a_sqlite_database(self, tmp_path: Path) -> None:
        url = f"sqlite:///{tmp_path}/meetd.db"

        with ServeProcess("--database-url", url, MEETD_SECRET_KEY=None):
            pass

        key_file = tmp_path / "meetd.key"
        assert key_file.stat().st_mode & 0o777 == 0o600
        assert len(key_file.read_text().strip()) >= 32
