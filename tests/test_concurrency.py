"""The concurrency guarantees, proven on real servers over real HTTP, on every database:
requests fired together through a barrier, then the stored state checked."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy import func, select

from meetd.config import Settings
from meetd.db.tables import accounts, apps, meetings, signing_keys
from meetd.deployment import Deployment, open_deployment
from tests.support import SECRET_KEY, Account, Call, ServeProcess, Server, together


class Api:
    """Requests of an account against a real server."""

    def __init__(self, base_url: str, account_id: str, token: str) -> None:
        self.account = f"{base_url}/accounts/{account_id}"
        self.kit = f"{self.account}/realtime/kit"
        self.legacy = f"{self.account}/realtimekit"
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, url: str, body: Any = None) -> Call:
        return lambda client: client.request(method, url, json=body, headers=self.headers)

    def send(self, method: str, url: str, body: Any = None) -> Any:
        with httpx.Client(timeout=60) as client:
            response = self.call(method, url, body)(client)
        assert response.status_code < 300, response.text
        return response.json()


@pytest.fixture
def api(server: Server, account: Account) -> Api:
    return Api(server.base_url, account.id, account.token)


@pytest.fixture
def meeting_url(api: Api, app_id: str) -> str:
    meeting = api.send("POST", f"{api.kit}/{app_id}/meetings", {})["data"]
    return f"{api.kit}/{app_id}/meetings/{meeting['id']}"


def assert_no_server_errors(responses: list[httpx.Response]) -> None:
    assert [r.status_code for r in responses if r.status_code >= 500] == []


class TestParticipants:
    def test_fifty_adds_of_one_custom_id_make_one_participant(
        self, api: Api, meeting_url: str
    ) -> None:
        body = {"custom_participant_id": "same", "preset_name": "group_call_participant"}

        responses = together([api.call("POST", f"{meeting_url}/participants", body)] * 50)

        assert [r.status_code for r in responses] == [201] * 50
        assert len({r.json()["data"]["id"] for r in responses}) == 1
        assert api.send("GET", f"{meeting_url}/participants")["paging"]["total_count"] == 1

    def test_deleting_a_preset_while_participants_are_added_to_it(
        self, api: Api, app_id: str, meeting_url: str
    ) -> None:
        presets = f"{api.kit}/{app_id}/presets"
        host = api.send("GET", f"{presets}?search=group_call_host")["data"][0]["id"]
        body = api.send("GET", f"{presets}/{host}")["data"]
        preset = api.send("POST", presets, {**body, "name": "contested"})["data"]["id"]
        adds = [
            api.call(
                "POST",
                f"{meeting_url}/participants",
                {"custom_participant_id": f"p{n}", "preset_name": "contested"},
            )
            for n in range(10)
        ]

        responses = together([*adds, api.call("DELETE", f"{presets}/{preset}")])

        assert_no_server_errors(responses)
        *added, deleted = responses
        stored = api.send("GET", f"{meeting_url}/participants")["paging"]["total_count"]
        assert stored == sum(r.status_code == 201 for r in added)
        if deleted.status_code == 200:
            assert all(r.status_code in (201, 404) for r in added)
        else:
            assert deleted.status_code == 409
            assert stored > 0


# Every field a PATCH can set on its own, with a value unlike the meeting's to start with.
FIELDS: list[dict[str, Any]] = [
    {"title": "patched"},
    {"record_on_start": True},
    {"live_stream_on_start": True},
    {"persist_chat": True},
    {"summarize_on_end": True},
    {"transcribe_on_end": True},
    {"session_keep_alive_time_in_secs": 300},
    {"preferred_region": "us-east-1"},
    {"status": "INACTIVE"},
    {"ai_config": {"transcription": {"keywords": ["k"]}}},
    {"ai_config": {"transcription": {"language": "fr"}}},
    {"ai_config": {"transcription": {"profanity_filter": True}}},
    {"ai_config": {"summarization": {"summary_type": "lecture"}}},
    {"ai_config": {"summarization": {"text_format": "plain_text"}}},
    {"ai_config": {"summarization": {"word_limit": 900}}},
    {"recording_config": {"file_name_prefix": "rec"}},
    {"recording_config": {"max_seconds": 7200}},
    {"recording_config": {"audio_config": {"codec": "MP3"}}},
    {"recording_config": {"audio_config": {"channel": "mono"}}},
    {"recording_config": {"audio_config": {"export_file": False}}},
    {"recording_config": {"video_config": {"codec": "VP9"}}},
    {"recording_config": {"video_config": {"width": 640}}},
    {"recording_config": {"video_config": {"height": 480}}},
    {"recording_config": {"video_config": {"export_file": False}}},
    {"recording_config": {"video_config": {"watermark": {"url": "https://x.example/w.png"}}}},
    {"recording_config": {"video_config": {"watermark": {"position": "right top"}}}},
    {"recording_config": {"video_config": {"watermark": {"size": {"width": 10}}}}},
    {"recording_config": {"video_config": {"watermark": {"size": {"height": 20}}}}},
    {"recording_config": {"live_streaming_config": {"rtmp_url": "rtmp://x.example/live"}}},
    {"recording_config": {"realtimekit_bucket_config": {"enabled": False}}},
    {"recording_config": {"storage_config": {"bucket": "b"}}},
    {"recording_config": {"storage_config": {"region": "r"}}},
    {"recording_config": {"storage_config": {"path": "p"}}},
    {"recording_config": {"storage_config": {"host": "h.example"}}},
    {"recording_config": {"storage_config": {"port": 2222}}},
    {"recording_config": {"storage_config": {"username": "u"}}},
    {"recording_config": {"storage_config": {"access_key": "ak"}}},
    {"recording_config": {"storage_config": {"secret": "sk"}}},
    {"recording_config": {"storage_config": {"password": "pw"}}},
    {"recording_config": {"storage_config": {"private_key": "pk"}}},
]
START = {
    "ai_config": {"transcription": {}, "summarization": {}},
    "recording_config": {
        "audio_config": {},
        "video_config": {"watermark": {"size": {}}},
        "live_streaming_config": {},
        "realtimekit_bucket_config": {"enabled": True},
        "storage_config": {"type": "gcs"},
    },
}
SECRETS = ("access_key", "secret", "password", "private_key")


def leaves(document: dict[str, Any], path: tuple[str, ...] = ()) -> Iterator[tuple[Any, ...]]:
    for key, value in document.items():
        if isinstance(value, dict):
            yield from leaves(value, (*path, key))
        else:
            yield (*path, key, value)


class TestMeetings:
    def test_fifty_patches_of_different_fields_are_all_applied(
        self, api: Api, app_id: str, deployment: Deployment
    ) -> None:
        # A meeting has 40 fields a PATCH can set; the ten first are sent twice, alike.
        meeting = api.send("POST", f"{api.kit}/{app_id}/meetings", START)["data"]
        url = f"{api.kit}/{app_id}/meetings/{meeting['id']}"
        patches = (FIELDS * 2)[:50]

        responses = together([api.call("PATCH", url, patch) for patch in patches])

        assert [r.status_code for r in responses] == [200] * 50
        stored = api.send("GET", url)["data"]
        credentials = stored_credentials(deployment, meeting["id"])
        for *path, value in (leaf for patch in FIELDS for leaf in leaves(patch)):
            if path[-1] in SECRETS:
                assert credentials[path[-1]] == value
                continue
            found = stored
            for key in path:
                found = found[key]
            assert found == value, path

    def test_concurrent_first_use_of_a_legacy_path_makes_one_default_app(self, api: Api) -> None:
        calls = [api.call("GET", f"{api.legacy}/meetings")] * 10
        calls += [api.call("POST", f"{api.legacy}/meetings", {"title": "t"})] * 10

        responses = together(calls)

        assert [r.status_code for r in responses] == [200] * 10 + [201] * 10
        apps = api.send("GET", f"{api.kit}/apps")["data"]
        assert [a["name"] for a in apps] == ["default"]
        meetings = api.send("GET", f"{api.kit}/{apps[0]['id']}/meetings")
        assert meetings["paging"]["total_count"] == 10


class TestApps:
    def test_concurrent_apps_each_get_exactly_the_six_default_presets(self, api: Api) -> None:
        responses = together(
            [api.call("POST", f"{api.kit}/apps", {"name": f"app-{n}"}) for n in range(20)]
        )

        assert [r.status_code for r in responses] == [201] * 20
        for response in responses:
            app_id = response.json()["data"]["app"]["id"]
            presets = api.send("GET", f"{api.kit}/{app_id}/presets?per_page=100")["data"]
            assert sorted(p["name"] for p in presets) == sorted(
                [
                    "group_call_host",
                    "group_call_participant",
                    "livestream_host",
                    "livestream_viewer",
                    "webinar_presenter",
                    "webinar_viewer",
                ]
            )


def stored_credentials(deployment: Deployment, meeting_id: str) -> dict[str, str]:
    key = uuid.UUID(meeting_id)
    with deployment.database.reading() as connection:
        sealed = connection.scalars(
            select(meetings.c.storage_credentials).where(meetings.c.id == key)
        ).one()
    assert sealed is not None
    credentials: dict[str, str] = json.loads(deployment.storage_box.open(sealed, context=key.bytes))
    return credentials


class TestProcesses:
    def test_processes_starting_at_once_on_an_empty_database_migrate_it_once(
        self, empty_database_url: str
    ) -> None:
        servers = [ServeProcess("--database-url", empty_database_url) for _ in range(4)]
        try:
            for server in servers:
                server.wait_ready()
        finally:
            for server in servers:
                server.close()

        # Every one served (wait_ready above), and none logged an error on the way.
        for server in servers:
            assert not [line for line in server.stderr if "Traceback" in line or "ERROR" in line]
        first_starts = [s for s in servers if any(line.startswith("export ") for line in s.stdout)]
        assert len(first_starts) == 1
        deployment = open_deployment(
            Settings(database_url=empty_database_url, secret_key=SECRET_KEY)
        )
        with deployment.database.reading() as connection:
            assert connection.scalar(select(func.count()).select_from(accounts)) == 1
            assert connection.scalar(select(func.count()).select_from(signing_keys)) == 1
            assert connection.scalar(select(func.count()).select_from(apps)) == 0
        deployment.database.dispose()

    def test_workers_serve_from_several_processes(self, database_url: str) -> None:
        serving = ("--database-url", database_url, "--workers", "2", "--log-level", "debug")
        with ServeProcess(*serving) as server:
            env = server.exported()
            api = Api(server.base_url, env["CLOUDFLARE_ACCOUNT_ID"], env["CLOUDFLARE_API_TOKEN"])
            responses = together(
                [api.call("POST", f"{api.kit}/apps", {"name": f"a{n}"}) for n in range(10)]
            )
            children = subprocess.run(
                ["pgrep", "-P", str(server.process.pid)],
                capture_output=True,
                text=True,
                check=False,
            ).stdout.split()
            # uvicorn's workers are spawned processes (beside them: multiprocessing's tracker)
            workers = [
                pid
                for pid in children
                if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
            ]

        assert [r.status_code for r in responses] == [201] * 10
        assert len(workers) == 2
        # every worker applies the log level: SQL statements of the creates are logged
        assert len([line for line in server.stderr if "INSERT INTO apps" in line]) == 10

    def test_two_servers_on_one_database_act_as_one(self, database_url: str) -> None:
        with (
            ServeProcess("--database-url", database_url) as first,
            ServeProcess("--database-url", database_url) as second,
        ):
            env = first.exported()
            one = Api(first.base_url, env["CLOUDFLARE_ACCOUNT_ID"], env["CLOUDFLARE_API_TOKEN"])
            two = Api(second.base_url, env["CLOUDFLARE_ACCOUNT_ID"], env["CLOUDFLARE_API_TOKEN"])

            app = one.send("POST", f"{one.kit}/apps", {"name": "shared"})["data"]["app"]["id"]
            meeting = one.send("POST", f"{one.kit}/{app}/meetings", {"title": "t"})["data"]
            path = f"/{app}/meetings/{meeting['id']}"

            assert two.send("GET", f"{two.kit}{path}")["data"] == meeting
            patched = two.send("PATCH", f"{two.kit}{path}", {"persist_chat": True})["data"]
            assert one.send("GET", f"{one.kit}{path}")["data"] == patched
            added = two.send(
                "POST",
                f"{two.kit}{path}/participants",
                {"custom_participant_id": "ann", "preset_name": "group_call_host"},
            )["data"]
            for server in (one, two):
                verdict = server.send(
                    "POST", f"{server.kit}/{app}/tokens/verify", {"token": added["token"]}
                )["data"]
                assert verdict["valid"] is True
            one.send(
                "PATCH",
                f"{one.kit}{path}/participants/{added['id']}",
                {"preset_name": "webinar_viewer"},
            )
            verdict = two.send("POST", f"{two.kit}/{app}/tokens/verify", {"token": added["token"]})[
                "data"
            ]
            assert verdict["reason"] == "token_revoked"
            with httpx.Client() as client:
                jwks = [
                    client.get(
                        s.base_url.removesuffix("/client/v4") + "/.well-known/jwks.json"
                    ).json()
                    for s in (first, second)
                ]
            assert jwks[0] == jwks[1]
            kid = jwt.get_unverified_header(added["token"])["kid"]
            assert [k["kid"] for k in jwks[0]["keys"]] == [kid]


class TestConstraints:
    """Every constraint a client can trip answers its 4xx under any interleaving: within one
    server (on SQLite, in one group commit), and across two processes."""

    def test_a_taken_name_fails_alone_among_concurrent_creates(
        self, api: Api, app_id: str, server: Server
    ) -> None:
        # On SQLite these are committed in groups; tests/db/test_writer.py shows the batches.
        presets = f"{api.kit}/{app_id}/presets"
        host = api.send("GET", f"{presets}?search=group_call_host")["data"][0]["id"]
        body = api.send("GET", f"{presets}/{host}")["data"]
        names = ["taken"] * 10 + [f"free-{n}" for n in range(20)]

        responses = together([api.call("POST", presets, {**body, "name": n}) for n in names])

        taken, free = responses[:10], responses[10:]
        assert sorted(r.status_code for r in taken) == [201] + [409] * 9
        for response in taken:
            if response.status_code == 409:
                assert response.headers["x-should-retry"] == "false"
                message = response.json()["error"]["message"]
                assert message == "name: a preset named 'taken' already exists in this app"
        assert [r.status_code for r in free] == [201] * 20
        listed = [p["name"] for p in api.send("GET", f"{presets}?per_page=100")["data"]]
        assert len(listed) == 6 + 21
        assert set(names) <= set(listed)

    def test_across_two_processes(self, database_url: str) -> None:
        with (
            ServeProcess("--database-url", database_url) as first,
            ServeProcess("--database-url", database_url) as second,
        ):
            env = first.exported()
            account, token = env["CLOUDFLARE_ACCOUNT_ID"], env["CLOUDFLARE_API_TOKEN"]
            one, two = Api(first.base_url, account, token), Api(second.base_url, account, token)

            def both(method: str, path: str, body: Any = None) -> list[httpx.Response]:
                """Ten requests at once, five to each process; `path` below the account."""
                calls = [api.call(method, api.account + path, body) for api in (one, two)] * 5
                responses = together(calls)
                assert_no_server_errors(responses)
                return responses

            # the legacy paths' default app, made on first use
            legacy = both("GET", "/realtimekit/meetings")
            assert [r.status_code for r in legacy] == [200] * 10
            apps = one.send("GET", f"{one.kit}/apps")["data"]
            assert [a["name"] for a in apps] == ["default"]
            # apps
            created = both("POST", "/realtime/kit/apps", {"name": "same name"})
            assert [r.status_code for r in created] == [201] * 10
            app = created[0].json()["data"]["app"]["id"]
            # preset names
            presets = f"/realtime/kit/{app}/presets"
            host = one.send("GET", f"{one.account}{presets}?search=group_call_host")["data"][0]
            preset = one.send("GET", f"{one.account}{presets}/{host['id']}")["data"]
            named = both("POST", presets, {**preset, "name": "x"})
            assert sorted(r.status_code for r in named) == [201] + [409] * 9
            # re-adds of one custom_participant_id
            meeting = one.send("POST", f"{one.kit}/{app}/meetings", {})["data"]["id"]
            add = {"custom_participant_id": "same", "preset_name": "group_call_host"}
            added = both("POST", f"/realtime/kit/{app}/meetings/{meeting}/participants", add)
            assert [r.status_code for r in added] == [201] * 10
            assert len({r.json()["data"]["id"] for r in added}) == 1
