"""A webhook receiver for the benchmark (bench/webhooks.py), run in a process of its own so
that it takes nothing from the server's event loop: it verifies every delivery's
`rtk-signature` (RSASSA-PKCS1-v1_5 with SHA-256 over the raw body, with the public key of
meetd's /.well-known/webhooks.json, fetched once at start) and records when each arrived, by
`rtk-uuid`. A delivery that does not verify is answered 400 (meetd does not retry that) and
recorded as such.

    python bench/receiver.py --port PORT --key-url http://127.0.0.1:8787/.well-known/webhooks.json

A POST to any other path is a delivery; these three are the receiver's own:

    GET  /_stats    {"received", "verified", "unverified", "distinct"}
    GET  /_records  [[rtk-uuid, arrived (time.monotonic(), shared by every process on Linux),
                      verified, rtk-webhook-id, event, meeting id, session id, peer id], ...]
    POST /_reset    forgets every record
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any, cast

import httpx
import uvicorn
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class Receiver:
    def __init__(self, public_key: rsa.RSAPublicKey) -> None:
        self._key = public_key
        self._records: list[list[Any]] = []
        self._verified = 0
        self._distinct: set[str] = set()

    def stats(self) -> dict[str, int]:
        received = len(self._records)
        return {
            "received": received,
            "verified": self._verified,
            "unverified": received - self._verified,
            "distinct": len(self._distinct),
        }

    def verify(self, body: bytes, signature: str | None) -> bool:
        if signature is None:
            return False
        try:
            raw = base64.b64decode(signature, validate=True)
            self._key.verify(raw, body, padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, binascii.Error, ValueError):
            return False
        return True

    def deliver(self, headers: dict[str, str], body: bytes) -> bool:
        verified = self.verify(body, headers.get("rtk-signature"))
        arrived = time.monotonic()
        delivery = headers.get("rtk-uuid", "")
        event = meeting = session = peer = None
        if verified:
            self._verified += 1
            payload = json.loads(body)
            event = payload.get("event")
            about = payload.get("meeting") or {}
            meeting, session = about.get("id"), about.get("sessionId")
            peer = (payload.get("participant") or {}).get("peerId")
        self._distinct.add(delivery)
        self._records.append(
            [
                delivery,
                arrived,
                verified,
                headers.get("rtk-webhook-id"),
                event,
                meeting,
                session,
                peer,
            ]
        )
        return verified

    def reset(self) -> None:
        self._records.clear()
        self._distinct.clear()
        self._verified = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        path, method = scope["path"], scope["method"]
        answer: Any = None
        if path == "/_stats":
            answer = self.stats()
        elif path == "/_records":
            answer = self._records
        elif path == "/_reset" and method == "POST":
            self.reset()
            answer = {}
        elif method == "POST":
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            status = 200 if self.deliver(headers, body) else 400
            await _respond(send, status, b"{}")
            return
        else:  # a GET of the root, say: whether the receiver is up
            answer = {}
        await _respond(send, 200, json.dumps(answer).encode())


async def _respond(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--key-url", required=True, help="meetd's /.well-known/webhooks.json")
    args = parser.parse_args()
    pem = httpx.get(args.key_url, timeout=30).json()["data"]["publicKey"]
    key = cast(rsa.RSAPublicKey, serialization.load_pem_public_key(pem.encode()))
    uvicorn.run(
        Receiver(key),
        host=args.host,
        port=args.port,
        loop="asyncio",
        http="httptools",
        access_log=False,
        log_level="warning",
        lifespan="off",
        backlog=2048,
    )


if __name__ == "__main__":
    main()
