"""The webhooks API over HTTP (contract A10, `beyond-core.md` 2d): the seven operations,
their shapes, every kind of bad input (nothing stored), duplicate URLs, unknown and malformed
ids, read tokens, the delivery log's operations and the public key."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from tests.sessions.support import TIMESTAMP, Activity
from tests.support import Account, Call, Server, at, together
from tests.webhooks.support import ALL_EVENTS, WEBHOOK_FIELDS, Receiver, Webhooks

MISSING = "00000000-0000-4000-8000-000000000000"
URL = "https://example.com/hooks/meetd"
BODY: dict[str, Any] = {"name": "Ops", "url": URL, "events": ["meeting.started"]}
EVENTS_RULE = "must be 'meeting.started', 'meeting.ended', 'meeting.participantJoined', "
Change = Callable[[dict[str, Any]], object]


def refused(response: Any, status: int, message: str, code: int | None = None) -> None:
    """The error body of contract A3, its message starting with `message`."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == body["errors"][0]["code"] == (code or status)
    assert body["error"]["message"].startswith(message), body["error"]["message"]


def created(account: Account, app_id: str, **changes: Any) -> dict[str, Any]:
    response = account.post(f"/{app_id}/webhooks", json=BODY | changes)
    assert response.status_code == 201, response.text
    webhook: dict[str, Any] = response.json()["data"]
    return webhook


def posting(url: str, body: dict[str, Any], headers: dict[str, str]) -> Call:
    return lambda client: client.post(url, json=body, headers=headers)


def listed(account: Account, app_id: str) -> list[dict[str, Any]]:
    response = account.get(f"/{app_id}/webhooks")
    assert response.status_code == 200, response.text
    webhooks: list[dict[str, Any]] = response.json()["data"]
    return webhooks


# Bodies that break a rule of a whole webhook (create and replace), and the message's start.
BAD_WHOLE: list[tuple[str, Change, str]] = [
    ("no name", lambda b: b.pop("name"), "name: is required"),
    ("empty name", lambda b: b.update(name=""), "name: must have at least 1 character"),
    ("null name", lambda b: b.update(name=None), "name: must be a valid string"),
    ("name not text", lambda b: b.update(name=5), "name: must be a valid string"),
    ("name with NUL", lambda b: b.update(name="a\x00b"), "name: must not contain NUL"),
    ("no url", lambda b: b.pop("url"), "url: is required"),
    ("ftp url", lambda b: b.update(url="ftp://example.com/hook"), "url: must be an http or"),
    ("ws url", lambda b: b.update(url="ws://example.com/hook"), "url: must be an http or"),
    ("not a url", lambda b: b.update(url="not a url"), "url: must be an absolute URI"),
    ("no host", lambda b: b.update(url="https://"), "url: must be an absolute URI"),
    ("a bare host", lambda b: b.update(url="example.com/hook"), "url: must be an absolute URI"),
    ("empty url", lambda b: b.update(url=""), "url: must be an absolute URI"),
    ("url not ASCII", lambda b: b.update(url="https://exämple.com/"), "url: must be printable"),
    ("url too long", lambda b: b.update(url=URL + "/" + "a" * 2048), "url: must have at most"),
    ("no events", lambda b: b.pop("events"), "events: is required"),
    ("empty events", lambda b: b.update(events=[]), "events: must have at least 1 item"),
    ("unknown event", lambda b: b.update(events=["meeting.nope"]), f"events[0]: {EVENTS_RULE}"),
    (
        "an unknown among known",
        lambda b: b.update(events=["meeting.started", "meeting.Started"]),
        f"events[1]: {EVENTS_RULE}",
    ),
    ("events not a list", lambda b: b.update(events="meeting.started"), "events: must be a valid"),
    ("enabled not a bool", lambda b: b.update(enabled="yes"), "enabled: must be a valid boolean"),
]
# What PATCH refuses: the same rules, for the fields sent.
BAD_PATCH: list[tuple[str, dict[str, Any], str]] = [
    ("empty name", {"name": ""}, "name: must have at least 1 character"),
    ("ftp url", {"url": "ftp://example.com/hook"}, "url: must be an http or https URL"),
    ("not a url", {"url": "not a url"}, "url: must be an absolute URI"),
    ("empty events", {"events": []}, "events: must have at least 1 item"),
    ("unknown event", {"events": ["meeting.nope"]}, f"events[0]: {EVENTS_RULE}"),
    ("enabled not a bool", {"enabled": 1}, "enabled: must be a valid boolean"),
]

WHOLE_CASES = [pytest.param(change, message, id=name) for name, change, message in BAD_WHOLE]
PATCH_CASES = [pytest.param(change, message, id=name) for name, change, message in BAD_PATCH]


class TestCreateWebhook:
    def test_answers_the_whole_webhook(self, account: Account, app_id: str) -> None:
        response = account.post(f"/{app_id}/webhooks", json=BODY)

        assert response.status_code == 201, response.text
        webhook = response.json()["data"]
        assert set(webhook) == WEBHOOK_FIELDS
        assert uuid.UUID(webhook["id"]).version == 4
        assert {k: webhook[k] for k in BODY} == BODY
        assert webhook["enabled"] is True  # the default
        assert TIMESTAMP.fullmatch(webhook["created_at"])
        assert webhook["updated_at"] == webhook["created_at"]
        assert account.get(f"/{app_id}/webhooks/{webhook['id']}").json()["data"] == webhook

    def test_times_are_on_the_app_clock(
        self, account: Account, app_id: str, activity: Activity
    ) -> None:
        now = activity.advance(86_400)

        webhook = created(account, app_id)

        assert 0 <= (at(webhook["created_at"]) - at(now)).total_seconds() < 5

    def test_may_be_created_disabled(self, account: Account, app_id: str) -> None:
        assert created(account, app_id, enabled=False)["enabled"] is False

    def test_every_event_may_be_taken(self, account: Account, app_id: str) -> None:
        assert created(account, app_id, events=ALL_EVENTS)["events"] == ALL_EVENTS

    def test_events_named_twice_are_kept_once_in_the_order_sent(
        self, account: Account, app_id: str
    ) -> None:
        events = ["meeting.ended", "meeting.started", "meeting.ended"]

        assert created(account, app_id, events=events)["events"] == [
            "meeting.ended",
            "meeting.started",
        ]

    def test_unknown_fields_are_ignored(self, account: Account, app_id: str) -> None:
        webhook = created(account, app_id, secret="s3cret", organization_id="x")

        assert set(webhook) == WEBHOOK_FIELDS

    @pytest.mark.parametrize(("change", "message"), WHOLE_CASES)
    def test_bad_input_is_refused_and_nothing_stored(
        self, account: Account, app_id: str, change: Change, message: str
    ) -> None:
        body = dict(BODY)
        change(body)

        response = account.post(f"/{app_id}/webhooks", json=body)

        refused(response, 400, message)
        assert listed(account, app_id) == []

    def test_a_second_webhook_to_the_same_url_is_409_naming_the_first(
        self, account: Account, app_id: str
    ) -> None:
        first = created(account, app_id)

        response = account.post(f"/{app_id}/webhooks", json=BODY | {"name": "again"})

        refused(response, 409, f"url: webhook {first['id']} of this app already sends to this URL")
        assert response.headers["x-should-retry"] == "false"
        assert listed(account, app_id) == [first]

    def test_another_app_may_use_the_same_url(self, account: Account, app_id: str) -> None:
        created(account, app_id)

        created(account, account.create_app("other"))

    def test_at_once_one_is_created_and_the_others_name_it(
        self, server: Server, account: Account, app_id: str
    ) -> None:
        url = f"{server.base_url}/accounts/{account.id}/realtime/kit/{app_id}/webhooks"
        headers = {"Authorization": f"Bearer {account.token}"}
        bodies = [BODY | {"name": f"hook {n}"} for n in range(8)]

        responses = together([posting(url, body, headers) for body in bodies])

        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] + [409] * 7, [r.text for r in responses]
        [webhook] = listed(account, app_id)
        for response in responses:
            if response.status_code == 409:
                assert response.json()["error"]["message"] == (
                    f"url: webhook {webhook['id']} of this app already sends to this URL"
                )

    def test_a_read_token_may_not(self, account: Account, app_id: str) -> None:
        response = account.post(f"/{app_id}/webhooks", json=BODY, token=account.read_token)

        refused(response, 403, "Authentication error", code=10000)
        assert listed(account, app_id) == []


class TestListWebhooks:
    def test_every_webhook_of_the_app_oldest_first_without_paging(
        self, account: Account, app_id: str
    ) -> None:
        made = [created(account, app_id, url=f"{URL}/{n}", name=f"h{n}") for n in range(3)]
        created(account, account.create_app("other"))

        response = account.get(f"/{app_id}/webhooks", token=account.read_token)

        assert response.status_code == 200
        assert response.json() == {"success": True, "data": made}

    def test_none_is_an_empty_list(self, account: Account, app_id: str) -> None:
        assert listed(account, app_id) == []


class TestListWebhookEvents:
    def test_answers_the_nine_event_names(self, account: Account, app_id: str) -> None:
        response = account.get(f"/{app_id}/webhooks/all", token=account.read_token)

        assert response.status_code == 200
        assert response.json() == {
            "success": True,
            "data": [
                "meeting.started",
                "meeting.ended",
                "meeting.participantJoined",
                "meeting.participantLeft",
                "meeting.chatSynced",
                "recording.statusUpdate",
                "livestreaming.statusUpdate",
                "meeting.transcript",
                "meeting.summary",
            ],
        }

    @pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "POST"])
    def test_only_get_serves_them(self, account: Account, app_id: str, method: str) -> None:
        response = account.request(method, f"/{app_id}/webhooks/all", json=BODY)

        assert response.status_code == 405, response.text
        assert listed(account, app_id) == []


class TestGetWebhook:
    def test_with_a_read_token(self, account: Account, app_id: str) -> None:
        webhook = created(account, app_id)

        response = account.get(f"/{app_id}/webhooks/{webhook['id']}", token=account.read_token)

        assert response.status_code == 200
        assert response.json() == {"success": True, "data": webhook}

    def test_one_of_another_app_is_not_found(self, account: Account, app_id: str) -> None:
        webhook = created(account, account.create_app("other"))

        response = account.get(f"/{app_id}/webhooks/{webhook['id']}")

        refused(response, 404, f"No webhook with id {webhook['id']}")


# Every operation on one webhook: the method, the path below it, and a valid body.
ON_ONE: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "", None),
    ("PATCH", "", {"name": "x"}),
    ("PUT", "", BODY),
    ("DELETE", "", None),
    ("GET", "/deliveries", None),
    ("POST", f"/deliveries/{MISSING}/redeliver", None),
]


class TestWhichWebhook:
    @pytest.mark.parametrize(("method", "below", "body"), ON_ONE)
    def test_an_unknown_id_is_not_found(
        self, account: Account, app_id: str, method: str, below: str, body: Any
    ) -> None:
        response = account.request(method, f"/{app_id}/webhooks/{MISSING}{below}", json=body)

        refused(response, 404, f"No webhook with id {MISSING}")

    @pytest.mark.parametrize(("method", "below", "body"), ON_ONE)
    @pytest.mark.parametrize("malformed", ["not-a-uuid", "1234", MISSING[:-1]])
    def test_a_malformed_id_is_400_naming_it(
        self, account: Account, app_id: str, method: str, below: str, body: Any, malformed: str
    ) -> None:
        response = account.request(method, f"/{app_id}/webhooks/{malformed}{below}", json=body)

        refused(response, 400, "webhook_id: must be a valid UUID")

    @pytest.mark.parametrize(
        ("method", "below", "body"), [(m, b, j) for m, b, j in ON_ONE if m != "GET"]
    )
    def test_a_read_token_may_not_change_anything(
        self, account: Account, app_id: str, method: str, below: str, body: Any
    ) -> None:
        webhook = created(account, app_id)
        path = f"/{app_id}/webhooks/{webhook['id']}{below}"

        response = account.request(method, path, json=body, token=account.read_token)

        refused(response, 403, "Authentication error", code=10000)
        assert listed(account, app_id) == [webhook]


class TestEditWebhook:
    def test_changes_only_what_is_sent(
        self, account: Account, app_id: str, activity: Activity
    ) -> None:
        webhook = created(account, app_id)
        activity.advance(60)

        response = account.patch(f"/{app_id}/webhooks/{webhook['id']}", json={"name": "Renamed"})

        assert response.status_code == 200, response.text
        edited = response.json()["data"]
        assert edited == webhook | {"name": "Renamed", "updated_at": edited["updated_at"]}
        assert (at(edited["updated_at"]) - at(webhook["updated_at"])).total_seconds() >= 60
        assert account.get(f"/{app_id}/webhooks/{webhook['id']}").json()["data"] == edited

    def test_every_field(self, account: Account, app_id: str) -> None:
        webhook = created(account, app_id)
        change = {
            "name": "New",
            "url": "http://hooks.example.org/x",
            "events": ["meeting.ended", "meeting.summary"],
            "enabled": False,
        }

        edited = account.patch(f"/{app_id}/webhooks/{webhook['id']}", json=change).json()["data"]

        assert {k: edited[k] for k in change} == change
        assert edited["id"] == webhook["id"]
        assert edited["created_at"] == webhook["created_at"]

    def test_disables_and_enables(self, account: Account, app_id: str) -> None:
        webhook = created(account, app_id)
        path = f"/{app_id}/webhooks/{webhook['id']}"

        disabled = account.patch(path, json={"enabled": False})
        enabled = account.patch(path, json={"enabled": True})

        assert disabled.status_code == 200, disabled.text
        assert disabled.json()["data"]["enabled"] is False
        assert enabled.status_code == 200, enabled.text
        assert enabled.json()["data"]["enabled"] is True

    def test_an_empty_body_changes_nothing_but_the_time(
        self, account: Account, app_id: str
    ) -> None:
        webhook = created(account, app_id)

        edited = account.patch(f"/{app_id}/webhooks/{webhook['id']}", json={}).json()["data"]

        assert {k: v for k, v in edited.items() if k != "updated_at"} == {
            k: v for k, v in webhook.items() if k != "updated_at"
        }

    def test_its_own_url_is_no_conflict(self, account: Account, app_id: str) -> None:
        webhook = created(account, app_id)

        response = account.patch(f"/{app_id}/webhooks/{webhook['id']}", json={"url": URL})

        assert response.status_code == 200, response.text

    def test_the_url_of_another_is_409_naming_it(self, account: Account, app_id: str) -> None:
        first = created(account, app_id)
        second = created(account, app_id, url=f"{URL}/2")

        response = account.patch(f"/{app_id}/webhooks/{second['id']}", json={"url": URL})

        refused(response, 409, f"url: webhook {first['id']} of this app already sends to this URL")
        assert response.headers["x-should-retry"] == "false"
        assert listed(account, app_id) == [first, second]

    @pytest.mark.parametrize(("change", "message"), PATCH_CASES)
    def test_bad_input_is_refused_and_nothing_changed(
        self, account: Account, app_id: str, change: dict[str, Any], message: str
    ) -> None:
        webhook = created(account, app_id)

        response = account.patch(f"/{app_id}/webhooks/{webhook['id']}", json=change)

        refused(response, 400, message)
        assert listed(account, app_id) == [webhook]


class TestReplaceWebhook:
    def test_the_webhook_becomes_the_body(
        self, account: Account, app_id: str, activity: Activity
    ) -> None:
        webhook = created(account, app_id, enabled=False, events=ALL_EVENTS)
        activity.advance(60)
        body = {"name": "New", "url": "http://hooks.example.org/y", "events": ["meeting.ended"]}

        response = account.put(f"/{app_id}/webhooks/{webhook['id']}", json=body)

        assert response.status_code == 200, response.text
        replaced = response.json()["data"]
        assert {k: replaced[k] for k in body} == body
        assert replaced["enabled"] is True  # the default, as on create
        assert replaced["id"] == webhook["id"]
        assert replaced["created_at"] == webhook["created_at"]
        assert (at(replaced["updated_at"]) - at(webhook["updated_at"])).total_seconds() >= 60
        assert listed(account, app_id) == [replaced]

    def test_may_disable(self, account: Account, app_id: str) -> None:
        webhook = created(account, app_id)

        body = BODY | {"enabled": False}

        response = account.put(f"/{app_id}/webhooks/{webhook['id']}", json=body)

        assert response.status_code == 200, response.text
        assert response.json()["data"]["enabled"] is False
        assert listed(account, app_id)[0]["enabled"] is False

    def test_the_url_of_another_is_409_naming_it(self, account: Account, app_id: str) -> None:
        first = created(account, app_id)
        second = created(account, app_id, url=f"{URL}/2")

        response = account.put(f"/{app_id}/webhooks/{second['id']}", json=BODY)

        refused(response, 409, f"url: webhook {first['id']} of this app already sends to this URL")
        assert listed(account, app_id) == [first, second]

    @pytest.mark.parametrize(("change", "message"), WHOLE_CASES)
    def test_bad_input_is_refused_and_nothing_changed(
        self, account: Account, app_id: str, change: Change, message: str
    ) -> None:
        webhook = created(account, app_id)
        body = BODY | {"name": "Replaced", "url": f"{URL}/replaced"}
        change(body)

        response = account.put(f"/{app_id}/webhooks/{webhook['id']}", json=body)

        refused(response, 400, message)
        assert listed(account, app_id) == [webhook]


class TestDeleteWebhook:
    def test_answers_the_deleted_webhook_and_it_is_gone(
        self, account: Account, app_id: str
    ) -> None:
        webhook = created(account, app_id)

        response = account.delete(f"/{app_id}/webhooks/{webhook['id']}")

        assert response.status_code == 200, response.text
        assert response.json() == {"success": True, "data": webhook}
        assert listed(account, app_id) == []
        refused(account.get(f"/{app_id}/webhooks/{webhook['id']}"), 404, "No webhook with id")
        refused(account.delete(f"/{app_id}/webhooks/{webhook['id']}"), 404, "No webhook with id")

    def test_its_url_is_free_again(self, account: Account, app_id: str) -> None:
        webhook = created(account, app_id)
        account.delete(f"/{app_id}/webhooks/{webhook['id']}")

        assert created(account, app_id)["id"] != webhook["id"]


class TestDeliveryLog:
    def test_a_new_webhook_has_none(self, webhooks: Webhooks) -> None:
        webhook = webhooks.create(URL)

        response = webhooks.account.get(f"{webhooks.path}/{webhook}/deliveries")

        assert response.status_code == 200
        assert response.json() == {
            "success": True,
            "data": [],
            "paging": {"total_count": 0, "start_offset": 1, "end_offset": 0},
        }

    def test_pages_newest_first(
        self, webhooks: Webhooks, activity: Activity, receiver: Receiver
    ) -> None:
        webhook = webhooks.create(receiver.url())
        meeting = activity.meeting()
        for n in range(3):
            participant = activity.participant(meeting, f"p{n}")
            activity.join(meeting, participant)
            activity.advance(1)
        everything = webhooks.settled(webhook, 4)[::-1]  # started, then three joins

        response = webhooks.account.get(
            f"{webhooks.path}/{webhook}/deliveries", params={"per_page": 2, "page_no": 2}
        )

        assert response.status_code == 200, response.text
        page = response.json()
        assert [d["event"] for d in everything] == [
            "meeting.participantJoined",
            "meeting.participantJoined",
            "meeting.participantJoined",
            "meeting.started",
        ]
        assert [at(d["timestamp"]) for d in everything] == sorted(
            (at(d["timestamp"]) for d in everything), reverse=True
        )
        assert page["data"] == everything[2:]
        assert page["paging"] == {"total_count": 4, "start_offset": 3, "end_offset": 4}

    def test_of_another_app_is_not_found(self, account: Account, app_id: str) -> None:
        other = Webhooks(account, account.create_app("other"))
        webhook = other.create(URL)

        response = account.get(f"/{app_id}/webhooks/{webhook}/deliveries")

        refused(response, 404, f"No webhook with id {webhook}")


class TestRedeliver:
    def test_an_unknown_delivery_is_not_found(self, webhooks: Webhooks) -> None:
        webhook = webhooks.create(URL)

        response = webhooks.redeliver(webhook, MISSING)

        refused(response, 404, f"No delivery with id {MISSING} of this webhook")

    def test_a_malformed_delivery_id_is_400_naming_it(self, webhooks: Webhooks) -> None:
        webhook = webhooks.create(URL)

        response = webhooks.redeliver(webhook, "not-a-uuid")

        refused(response, 400, "delivery_id: must be a valid UUID")


class TestPublicKey:
    def test_anyone_may_fetch_it(self, client: TestClient) -> None:
        response = client.get("/.well-known/webhooks.json")

        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        pem = body["data"]["publicKey"]
        assert body == {"success": True, "data": {"publicKey": pem}, "message": ""}
        assert pem.startswith("-----BEGIN PUBLIC KEY-----\n")
        assert pem.endswith("-----END PUBLIC KEY-----\n")
        key = serialization.load_pem_public_key(pem.encode())
        assert isinstance(key, rsa.RSAPublicKey)
        assert key.key_size >= 2048

    def test_the_same_for_every_process_on_the_database(
        self, client: TestClient, server: Server
    ) -> None:
        origin = server.base_url.removesuffix("/client/v4")
        here = client.get("/.well-known/webhooks.json").json()
        there = httpx.get(f"{origin}/.well-known/webhooks.json").json()

        assert here == there
