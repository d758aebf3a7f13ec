"""State files through the CLI: `meetd export [--app ID]`, `meetd import FILE` and `meetd
serve --seed FILE`, on both databases. Files round-trip; a bad one is refused whole."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, func, inspect, select

from meetd.cli import main
from meetd.db import tables
from tests.livestreams.support import Kit
from tests.support import SECRET_KEY, Account, ServeProcess


@pytest.fixture(autouse=True)
def secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The key the test deployments seal their secrets with, for the commands too."""
    monkeypatch.setenv("MEETD_SECRET_KEY", SECRET_KEY)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def export(capsys: pytest.CaptureFixture[str], database_url: str, *args: str) -> dict[str, Any]:
    status, out, _ = run(capsys, "export", "--database-url", database_url, *args)
    assert status == 0
    document: dict[str, Any] = json.loads(out)
    return document


def counts(database_url: str) -> dict[str, int]:
    """Rows of some tables; none at all before the database is migrated."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("accounts"):
                return dict.fromkeys(("accounts", "apps", "meetings", "participants"), 0)
            return {
                table.name: connection.scalar(select(func.count()).select_from(table)) or 0
                for table in (tables.accounts, tables.apps, tables.meetings, tables.participants)
            }
    finally:
        engine.dispose()


@pytest.fixture
def furnished(kit: Kit, account: Account, app_id: str) -> str:
    """The app with a meeting with credentials, two participants, one of whom joined, and a
    webhook."""
    meeting = kit.meeting(
        title="Standup",
        recording_config={
            "storage_config": {
                "type": "aws",
                "bucket": "b",
                "region": "us-east-1",
                "access_key": "AKIA0000",
                "secret": "hush-hush",
            }
        },
    )
    kit.join(meeting, kit.participant(meeting, "alice"))
    kit.participant(meeting, "bob")
    webhook = {"name": "w", "url": "http://127.0.0.1:9/", "events": ["meeting.started"]}
    assert account.post(f"/{app_id}/webhooks", json=webhook).status_code == 201
    return meeting


@pytest.fixture
def document(
    capsys: pytest.CaptureFixture[str], database_url: str, app_id: str, furnished: str
) -> dict[str, Any]:
    """The furnished app, exported with its account."""
    return export(capsys, database_url, "--app", app_id)


def save(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "state.json"
    path.write_text(json.dumps(document))
    return path


@pytest.fixture
def state_file(tmp_path: Path, document: dict[str, Any]) -> Path:
    return save(tmp_path, document)


def without_time(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "exported_at"}


class TestExport:
    def test_an_app_with_its_account(
        self, document: dict[str, Any], app_id: str, furnished: str
    ) -> None:
        assert document["format"] == "meetd-state"
        assert document["version"] == 1
        assert [app["id"] for app in document["apps"]] == [app_id]
        assert [m["id"] for m in document["meetings"]] == [furnished]
        assert {p["custom_participant_id"] for p in document["participants"]} == {"alice", "bob"}
        assert len(document["presets"]) == 6
        assert [w["url"] for w in document["webhooks"]] == ["http://127.0.0.1:9/"]
        assert [a["id"] for a in document["accounts"]] == ["a" * 32]
        assert {token["scope"] for token in document["api_tokens"]} == {"admin", "read"}
        # No session, no event; no secret in the clear, and no plain API token.
        text = json.dumps(document)
        assert "sessions" not in document
        assert "hush-hush" not in text
        assert "AKIA0000" not in text

    def test_an_unknown_app_is_refused(
        self, capsys: pytest.CaptureFixture[str], database_url: str
    ) -> None:
        status, out, err = run(
            capsys, "export", "--database-url", database_url, "--app", "nonsense"
        )
        assert (status, out) == (2, "")
        assert "--app: must be an app id" in err
        unknown = "00000000-0000-4000-8000-000000000000"
        status, out, err = run(capsys, "export", "--database-url", database_url, "--app", unknown)
        assert (status, out) == (2, "")
        assert f"no app has the id {unknown}" in err


class TestImport:
    def test_round_trips(
        self,
        capsys: pytest.CaptureFixture[str],
        state_file: Path,
        document: dict[str, Any],
        empty_database_url: str,
        account: Account,
        app_id: str,
        furnished: str,
    ) -> None:
        status, out, _ = run(
            capsys, "import", str(state_file), "--database-url", empty_database_url
        )
        assert status == 0, out
        assert "1 apps" in out
        assert without_time(export(capsys, empty_database_url)) == without_time(document)
        # The same API token works there, and the meeting answers as it did here.
        with ServeProcess("--database-url", empty_database_url) as server:
            headers = {"Authorization": f"Bearer {account.token}"}
            path_ = f"/accounts/{account.id}/realtime/kit/{app_id}/meetings/{furnished}"
            there = httpx.get(server.base_url + path_, headers=headers)
            here = account.get(f"/{app_id}/meetings/{furnished}")
            assert there.status_code == 200, there.text
            assert there.json() == here.json()
            participants = httpx.get(server.base_url + path_ + "/participants", headers=headers)
            assert participants.json()["paging"]["total_count"] == 2

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            ("not json", "is not a meetd state file: it is not JSON"),
            ('{"format": "other"}', 'format: must be "meetd-state"'),
            ("[]", 'format: must be "meetd-state"'),
            ('{"format": "meetd-state", "version": 2}', "version: is 2: the file was written by"),
            ('{"format": "meetd-state", "version": "1"}', "version: must be a whole number"),
            (
                '{"format": "meetd-state", "version": 1, "apps": [{"id": "x"}]}',
                "apps[0].",
            ),
            (
                '{"format": "meetd-state", "version": 1, "apps": {}}',
                "apps: must be a list of rows",
            ),
        ],
    )
    def test_refuses_a_bad_file_and_writes_nothing(
        self,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
        empty_database_url: str,
        content: str,
        message: str,
    ) -> None:
        path = tmp_path / "state.json"
        path.write_text(content)
        status, out, err = run(capsys, "import", str(path), "--database-url", empty_database_url)
        assert (status, out) == (2, "")
        assert message in err
        assert counts(empty_database_url)["accounts"] == 0

    def test_a_bad_row_anywhere_writes_nothing(
        self,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
        document: dict[str, Any],
        empty_database_url: str,
    ) -> None:
        document["participants"][-1]["preset_id"] = "not a uuid"
        path = save(tmp_path, document)
        status, _, err = run(capsys, "import", str(path), "--database-url", empty_database_url)
        assert status == 2
        assert "participants[1].preset_id: must be a UUID" in err
        assert "nothing written" in err
        assert counts(empty_database_url) == dict.fromkeys(
            ("accounts", "apps", "meetings", "participants"), 0
        )

    def test_refuses_ids_that_exist_here(
        self,
        capsys: pytest.CaptureFixture[str],
        state_file: Path,
        empty_database_url: str,
        app_id: str,
    ) -> None:
        imported = ("import", str(state_file), "--database-url", empty_database_url)
        assert run(capsys, *imported)[0] == 0
        before = counts(empty_database_url)
        status, _, err = run(capsys, *imported)
        assert status == 2
        assert f"apps: the id {app_id} exists here already" in err
        assert counts(empty_database_url) == before

    def test_sealed_credentials_need_their_key(
        self,
        capsys: pytest.CaptureFixture[str],
        state_file: Path,
        empty_database_url: str,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setenv("MEETD_SECRET_KEY", "another-secret-key-" + "x" * 32)
        status, _, err = run(
            capsys, "import", str(state_file), "--database-url", empty_database_url
        )
        assert status == 2
        assert "sealed under another secret key" in err
        assert "another-secret-key" not in err
        assert counts(empty_database_url)["accounts"] == 0


class TestServeSeed:
    def test_serves_the_file_on_a_new_database(
        self,
        state_file: Path,
        empty_database_url: str,
        account: Account,
        app_id: str,
        furnished: str,
    ) -> None:
        seeded = ("--database-url", empty_database_url, "--seed", str(state_file))
        with ServeProcess(*seeded) as server:
            headers = {"Authorization": f"Bearer {account.token}"}
            meetings = f"/accounts/{account.id}/realtime/kit/{app_id}/meetings"
            listed = httpx.get(server.base_url + meetings, headers=headers).json()
            assert [meeting["id"] for meeting in listed["data"]] == [furnished]
        assert any("seeded from" in line for line in server.stdout)
        # Once there is something, a seed is refused, and the server does not start.
        again = ServeProcess(*seeded)
        assert again.process.wait(timeout=30) == 2
        again.close()
        assert any("seeded only into an empty database" in line for line in again.stderr)

    def test_a_file_without_tokens_gets_one(
        self,
        tmp_path: Path,
        document: dict[str, Any],
        empty_database_url: str,
        account: Account,
        app_id: str,
    ) -> None:
        document["api_tokens"] = []
        path = save(tmp_path, document)
        with ServeProcess("--database-url", empty_database_url, "--seed", str(path)) as server:
            printed = "".join(server.stdout)
            assert "the file has no API token" in printed
            token = printed.split("CLOUDFLARE_API_TOKEN=")[1].split()[0]
            apps = f"/accounts/{account.id}/realtime/kit/apps"
            answer = httpx.get(server.base_url + apps, headers={"Authorization": f"Bearer {token}"})
            assert [app["id"] for app in answer.json()["data"]] == [app_id]
