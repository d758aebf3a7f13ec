"""The plugin as a user gets it: meetd's wheel installed in a new virtual environment, whose
pytest finds the fixtures by the entry point alone, with no conftest and no checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

USER_TEST = """
from pathlib import Path

import meetd


def test_the_installed_plugin(meetd_client, meetd_server, meetd_app, meetd_webhooks):
    assert "site-packages" in Path(meetd.__file__).parts  # the wheel, not a checkout
    kit, account = meetd_client.realtime_kit, {"account_id": meetd_server.account_id}
    meeting = kit.meetings.create(meetd_app.id, title="From the wheel", **account).data
    kit.meetings.add_participant(
        meeting.id, app_id=meetd_app.id, custom_participant_id="alice",
        preset_name="group_call_host", **account,
    )
    alice = meetd_app.join(meeting.id, custom_participant_id="alice")
    meetd_webhooks.wait_for("meeting.started")
    meetd_app.leave(alice["peer_id"])
    meetd_app.advance_clock(61)
    assert meetd_webhooks.wait_for("meeting.ended")["meeting"]["id"] == meeting.id
"""


def _run(*command: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, f"{command[:4]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.sqlite_only  # about packaging: once is enough
def test_the_wheel_brings_the_fixtures_to_a_new_environment(tmp_path: Path) -> None:
    wheels, venv, project = tmp_path / "wheels", tmp_path / "venv", tmp_path / "project"
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", wheels, ROOT)
    (wheel,) = wheels.glob("meetd-*.whl")
    # No pip of its own in the new environment: this one installs into it, in one call.
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "-c",
        ROOT / "constraints.txt",
        wheel,
        "pytest",
        "cloudflare==5.9.0",
    )
    project.mkdir()
    (project / "test_user.py").write_text(USER_TEST)
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("MEETD_", "PYTEST_", "PYTHON"))
    }

    output = _run(python, "-m", "pytest", "-p", "no:cacheprovider", cwd=project, env=env)

    assert "1 passed" in output, output
    plugins = next(line for line in output.splitlines() if line.startswith("plugins: "))
    assert "meetd-0.1.0" in plugins, output
