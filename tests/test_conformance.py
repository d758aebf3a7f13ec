"""Conformance fuzzing: schemathesis, run as its users run it, against a real `meetd serve`.

Two documents drive it: meetd's own OpenAPI document, with every check schemathesis has, and
Cloudflare's reference document cut down to the operations meetd implements, with the checks
that hold for a server the reference describes only in part: no 5xx, every response body of
the reference's shape, every request that breaks the reference's schema refused with a 4xx.
What the reference gets wrong is in docs/compatibility.md.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conformance_hooks import PINNED, SCRATCH_APP
from tests.support import Account, ServeProcess

ROOT = Path(__file__).parents[1]
# Cloudflare's RealtimeKit OpenAPI document; docs/compatibility.md says where it comes from.
REFERENCE = ROOT / "tests" / "reference" / "realtimekit-openapi.json"
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
EXAMPLES = 15  # per operation and phase
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def seeded(account: Account, app_id: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Identifiers of an app, a meeting, and a session of it with a peer (none can be
    deleted), so that schemathesis reaches past the 404s. Participants and presets it
    creates itself, following the links of the document: any it were given here, it might
    delete early on."""
    meeting_id = account.post(f"/{app_id}/meetings", json={"title": "fuzzed"}).json()["data"]["id"]
    simulate = f"/{app_id}/meetings/{meeting_id}/simulate"
    account.post(
        f"/{app_id}/meetings/{meeting_id}/participants",
        json={"custom_participant_id": "seed", "preset_name": "group_call_host", "name": "Seed"},
    )
    joined = account.post(f"{simulate}/join", json={"custom_participant_id": "seed"})
    peer_id = joined.json()["data"]["peer_id"]
    account.post(f"{simulate}/chat", json={"peer_id": peer_id, "message": "hello"})
    # Fault rules and resets act on an app of their own (tests/conformance_hooks.py): a rule
    # would fault, and a reset delete, what the rest of the run works on.
    monkeypatch.setenv(SCRATCH_APP, account.create_app("scratch"))
    return {
        "path.account_id": account.id,
        "path.app_id": app_id,
        "path.meeting_id": meeting_id,
        "path.session_id": joined.json()["data"]["session_id"],
        "path.peer_id": peer_id,
    }


@pytest.fixture
def meetd(database_url: str, seeded: dict[str, str]) -> Any:
    with ServeProcess("--database-url", database_url) as server:
        yield server


def fuzz(
    location: str, base_url: str, token: str, config: str, tmp_path: Path
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    config_file = tmp_path / "schemathesis.toml"
    config_file.write_text(f'hooks = "tests.conformance_hooks"\n{config}')
    report = tmp_path / "report.json"
    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(config_file),
            "run",
            location,
            "--url",
            base_url,
            "--header",
            f"Authorization: Bearer {token}",
            "--max-examples",
            str(EXAMPLES),
            "--report",
            "json",
            "--report-json-path",
            str(report),
            "--no-color",
        ],
        cwd=tmp_path,  # where its caches go
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return run, json.loads(report.read_text()) if report.exists() else {}


def parameters(seeded: dict[str, str]) -> str:
    assert {name.removeprefix("path.") for name in seeded} == PINNED
    lines = "\n".join(f'"{name}" = "{value}"' for name, value in seeded.items())
    return f"[parameters]\n{lines}\n"


def summary(run: subprocess.CompletedProcess[str]) -> str:
    """Schemathesis's own account of the run: its findings with how to reproduce them."""
    return run.stdout[-20000:] + run.stderr[-2000:]


class TestOwnDocument:
    def test_every_check_holds(
        self, meetd: ServeProcess, account: Account, seeded: dict[str, str], tmp_path: Path
    ) -> None:
        config = f"""
{parameters(seeded)}
[checks]
enabled = true

# A PATCH merges into the stored meeting, and the result must hold whole: a storage type
# sent alone is refused when the stored meeting lacks the credentials that type needs. No
# schema of the body alone can say that, so a schema-valid PATCH may rightly get a 400.
[[operations]]
include-method = "PATCH"
include-path-regex = "/meetings/"
checks.positive_data_acceptance.enabled = false

# An analytics range whose start is after its end is refused with a 400 naming the start
# (contract A11): no schema of the query alone can say that.
[[operations]]
include-path-regex = "/analytics/"
checks.positive_data_acceptance.enabled = false

# A meeting's active session, recording and livestream, and a livestream's active session,
# exist only while something is under way: a 404 after a create is not "created, then gone".
[[operations]]
include-path-regex = "/active-"
checks.ensure_resource_availability.enabled = false

# A fault rule's path is a shell-style pattern whose brackets must close and whose ranges
# must run forwards (docs/testing.md): no JSON Schema pattern can say that.
[[operations]]
include-method = "POST"
include-path-regex = "/simulate/faults$"
checks.positive_data_acceptance.enabled = false

# Adding a participant with a preset_name the app does not have is a 404 naming the preset
# (contract A5), which this check reads as "the meeting just created is gone".
[[operations]]
include-method = "POST"
include-path-regex = "/participants$"
checks.ensure_resource_availability.enabled = false
"""
        run, report = fuzz(
            f"{meetd.origin}/openapi.json",
            meetd.base_url,
            account.token,
            config,
            tmp_path,
        )

        assert_clean(run, report, len(own_operations(meetd)))
        assert_no_server_errors(meetd)


class TestReferenceDocument:
    def test_implemented_operations_conform(
        self, meetd: ServeProcess, account: Account, seeded: dict[str, str], tmp_path: Path
    ) -> None:
        document = implemented_part_of_reference(own_operations(meetd))
        location = tmp_path / "reference.json"
        location.write_text(json.dumps(document))
        config = f"""
{parameters(seeded)}
[checks]
enabled = false
not_a_server_error.enabled = true
response_schema_conformance.enabled = true
negative_data_rejection.enabled = true

# Links fill the path parameters of a sequence with real ids, over any invalid id generated
# for them, so a 2xx to such a "negative" case proves nothing. The coverage and fuzzing
# phases check that invalid data is refused; sequences check the answers to valid requests.
[phases.stateful]
checks.negative_data_rejection.enabled = false
"""
        run, report = fuzz(str(location), meetd.base_url, account.token, config, tmp_path)

        # 3 of apps, 5 of meetings, 7 of participants, 6 of presets, 9 of sessions, 6 of the
        # active session, 7 of webhooks, 6 of recordings, 10 of livestreams, 3 of analytics
        assert_clean(run, report, 62, examples="success")
        assert_no_server_errors(meetd)


def own_operations(server: ServeProcess) -> set[tuple[str, str]]:
    document = httpx.get(f"{server.origin}/openapi.json").json()
    return {
        (method, template(path))
        for path, item in document["paths"].items()
        for method in item
        if method in METHODS
    }


def template(path: str) -> str:
    """A path with its parameters unnamed: the reference names some of them differently."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def implemented_part_of_reference(implemented: set[tuple[str, str]]) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(REFERENCE.read_text())
    take_sides(document)
    paths = {}
    for path, item in document["paths"].items():
        kept = {
            key: value
            for key, value in item.items()
            if key not in METHODS or (key, template(path)) in implemented
        }
        if METHODS & kept.keys():
            paths[path] = kept
    document["paths"] = paths
    return document


def take_sides(document: dict[str, Any]) -> None:
    """Where the reference disagrees with itself, its schema is set to the side meetd takes
    (docs/compatibility.md, "Where the reference disagrees with itself"): the livestream
    list is a list, as its example shows, not the object its schema describes; `disabled` is
    a boolean, as every example and two of the schemas have it, not a string; a livestream
    session's seconds are numbers, not strings; a meeting's livestream `sessions` are a
    list, as its example shows."""
    kit = "/accounts/{account_id}/realtime/kit/{app_id}"

    def data(path: str) -> dict[str, Any]:
        answer = document["paths"][kit + path]["get"]["responses"]["200"]
        schema: dict[str, Any] = answer["content"]["application/json"]["schema"]
        return schema

    listed = data("/livestreams")
    item = listed["properties"]["data"]
    del item["properties"]["paging"]
    listed["properties"]["data"] = {"type": "array", "items": item}
    for livestream in (
        item,
        data("/livestreams/{livestream_id}")["properties"]["data"]["properties"]["livestream"],
        data("/livestreams/{livestream_id}/active-livestream-session")["properties"]["data"][
            "properties"
        ]["livestream"],
        data("/meetings/{meeting_id}/active-livestream")["properties"]["data"],
    ):
        livestream["properties"]["disabled"] = {"type": "boolean"}
    active = data("/livestreams/{livestream_id}/active-livestream-session")
    of_meeting = data("/meetings/{meeting_id}/livestream")["properties"]["data"]["properties"]
    of_meeting["sessions"] = {"type": "array", "items": of_meeting["sessions"]}
    for session in (
        active["properties"]["data"]["properties"]["session"],
        of_meeting["sessions"]["items"],
    ):
        for name in ("ingest_seconds", "viewer_seconds"):
            session["properties"][name] = {"type": "number"}


def assert_clean(
    run: subprocess.CompletedProcess[str],
    report: dict[str, Any],
    operations: int,
    *,
    examples: str = "skip",
) -> None:
    assert run.returncode == 0, summary(run)
    assert report["operations"]["tested"] == operations, report["operations"]
    assert report["test_cases"]["errored"] == 0
    phases = {name: phase["status"] for name, phase in report["phases"].items()}
    assert phases == {
        "examples": examples,  # meetd's document has none; the reference's sessions have
        "coverage": "success",
        "fuzzing": "success",
        "stateful": "success",
    }
    print(f"{operations} operations, {report['test_cases']['generated']} cases: clean")


def assert_no_server_errors(server: ServeProcess) -> None:
    assert server.process.poll() is None, "meetd exited under the fuzzing"
    assert not [line for line in server.stderr if "unhandled error" in line]
