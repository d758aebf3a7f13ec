"""MEETD_WEBHOOK_DESTINATIONS=public (contract A10): loopback, private, link-local, metadata
and other addresses that are not public are refused when a webhook is saved, whether the
URL names the address or a name resolves to it, and again when a delivery is sent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import httpx
import pytest
from fastapi import FastAPI

from meetd.config import Settings
from tests.sessions.support import Activity
from tests.support import Server
from tests.webhooks.support import Receiver, Webhooks

PUBLIC = "http://93.184.216.34/hook"  # a public address, named without a name to resolve
NOT_PUBLIC = [
    "http://127.0.0.1/",
    "http://10.0.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://localhost/",  # a name that resolves to loopback
    "http://localhost:8787/hook",
    "https://127.0.0.1:8443/hook",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
    "http://[::]/",
    "http://[fd00::1]/",
    "http://[fe80::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://224.0.0.1/",
    "http://2130706433/",  # 127.0.0.1 written as a number
    "http://0x7f000001/",
    "http://127.1/",
    "http://public.example@127.0.0.1/",
    "http://nothing.invalid/",  # resolves to nothing
]


@pytest.fixture(scope="class")
def destinations() -> str:
    return "public"


def refused_url(response: httpx.Response) -> str:
    assert response.status_code == 400, response.text
    message: str = response.json()["error"]["message"]
    assert message.startswith("url: not allowed: "), message
    return message


class TestSavingAWebhook:
    def test_a_public_address_is_allowed(self, webhooks: Webhooks) -> None:
        webhook = webhooks.create(PUBLIC)

        assert webhooks.get(webhook)["url"] == PUBLIC

    @pytest.mark.parametrize("url", NOT_PUBLIC)
    def test_create_refuses_an_address_that_is_not_public(
        self, webhooks: Webhooks, url: str
    ) -> None:
        body = {"name": "hook", "url": url, "events": ["meeting.started"]}

        response = webhooks.account.post(webhooks.path, json=body)

        refused_url(response)
        assert webhooks.account.get(webhooks.path).json()["data"] == []

    @pytest.mark.parametrize("url", NOT_PUBLIC)
    @pytest.mark.parametrize("method", ["PATCH", "PUT"])
    def test_edit_and_replace_refuse_it_too(
        self, webhooks: Webhooks, url: str, method: str
    ) -> None:
        webhook = webhooks.create(PUBLIC)
        before = webhooks.get(webhook)
        body = {"name": "hook", "url": url, "events": ["meeting.started"]}

        response = webhooks.account.request(method, f"{webhooks.path}/{webhook}", json=body)

        refused_url(response)
        assert webhooks.get(webhook) == before

    def test_the_refusal_says_why(self, webhooks: Webhooks) -> None:
        body = {"name": "hook", "url": "http://localhost/", "events": ["meeting.started"]}

        message = refused_url(webhooks.account.post(webhooks.path, json=body))

        assert "localhost" in message
        assert "not a public address" in message
        assert "MEETD_WEBHOOK_DESTINATIONS=public" in message


class TestSendingADelivery:
    """Webhooks saved by a process whose policy was `any`, sent by one whose is `public`."""

    @pytest.fixture
    def saved_under_any(
        self, webhooks: Webhooks, settings: Settings, shared_apps: tuple[FastAPI, FastAPI]
    ) -> Callable[[str], str]:
        """Saves a webhook to `url` through a server whose policy is `any`, stopped when
        it answers: only the test's `public` application runs afterwards."""

        def save(url: str) -> str:
            lenient = shared_apps[1]
            lenient.state.settings = replace(settings, webhook_destinations="any")
            with Server(lenient) as server:
                origin = server.base_url.removesuffix("/client/v4")
                response = httpx.post(
                    f"{origin}{webhooks.account.kit}{webhooks.path}",
                    json={"name": "local", "url": url, "events": ["meeting.started"]},
                    headers={"Authorization": f"Bearer {webhooks.account.token}"},
                )
            assert response.status_code == 201, response.text
            webhook: str = response.json()["data"]["id"]
            return webhook

        return save

    def test_one_to_a_local_address_fails_saying_why(
        self, webhooks: Webhooks, activity: Activity, saved_under_any: Callable[[str], str]
    ) -> None:
        with Receiver() as receiver:
            webhook = saved_under_any(receiver.url())
            meeting = activity.meeting()
            activity.join(meeting, activity.participant(meeting, "alice"))

            [delivery] = webhooks.settled(webhook, 1)

            assert receiver.received() == []
        assert delivery["status"] == "FAILED"
        assert delivery["attempts"] == 1  # not retried: the address will not change its kind
        assert delivery["status_code"] is None
        assert delivery["error"] == (
            "127.0.0.1 is 127.0.0.1, not a public address (MEETD_WEBHOOK_DESTINATIONS=public)"
        )

    def test_one_to_a_name_that_does_not_resolve_is_retried_then_fails(
        self, webhooks: Webhooks, activity: Activity, saved_under_any: Callable[[str], str]
    ) -> None:
        webhook = saved_under_any("http://nothing.invalid/hook")
        meeting = activity.meeting()
        activity.join(meeting, activity.participant(meeting, "alice"))

        [delivery] = webhooks.settled(webhook, 1)

        assert delivery["status"] == "FAILED"
        assert delivery["attempts"] == 4  # perhaps it resolves a moment later
        assert delivery["error"] == "nothing.invalid does not resolve; no retries left"
