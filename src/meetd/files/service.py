"""Download URLs (contract A7): absolute URLs of meetd itself that anyone holding one may
fetch without an API token until it expires, like a pre-signed S3 URL. The path names the
app, the session and the file; the query carries the expiry (seconds since 1970 on the app's
clock) and an HMAC-SHA256 of both, keyed from the secret key. An altered URL, an expired one,
or one moved to another app is refused with a 403. A file's folder is its session, or its
recording (contract A11)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from sqlalchemy.engine import Connection

from meetd.clock import clock
from meetd.errors import Forbidden, NotFound
from meetd.files import store
from meetd.schemas import iso_millis

# The real service keeps these files 7 days; each answer issues a URL valid that long.
URL_LIFETIME = timedelta(days=7)
PATH = "/files/{app_id}/{folder_id}/{name}"


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    expires_at: datetime

    @property
    def expiry(self) -> str:
        return iso_millis(self.expires_at)


@dataclass(frozen=True, slots=True)
class File:
    name: str
    media_type: str
    content: bytes


class Downloads:
    def __init__(self, key: bytes, public_url: str) -> None:
        self._key = key
        self.public_url = public_url

    def link(self, *, app_id: uuid.UUID, folder_id: uuid.UUID, name: str, now: datetime) -> Link:
        """A fresh URL of a session's or a recording's file, valid URL_LIFETIME from `now`
        (the app's time)."""
        expires_at = now + URL_LIFETIME
        expires = int(expires_at.timestamp())
        path = PATH.format(app_id=app_id, folder_id=folder_id, name=quote(name))
        query = f"expires={expires}&signature={self._sign(path, expires)}"
        return Link(f"{self.public_url}{path}?{query}", expires_at.replace(microsecond=0))

    def _sign(self, path: str, expires: int) -> str:
        mac = hmac.new(self._key, f"{path}\n{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()

    def open_file(
        self,
        connection: Connection,
        *,
        app_id: str,
        folder_id: str,
        name: str,
        expires: str,
        signature: str,
    ) -> File:
        """The file a URL names, if its signature holds and it has not expired."""
        path = PATH.format(app_id=app_id, folder_id=folder_id, name=quote(name))
        # As signed: ASCII digits, no leading zero (int() also reads other scripts' digits).
        if not (expires.isascii() and expires.isdigit()) or expires[0] == "0" or len(expires) > 12:
            raise _refused("its expiry is not a time")
        expected = self._sign(path, int(expires))
        if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
            raise _refused("its signature does not match: the URL was altered")
        app_key, folder_key = uuid.UUID(app_id), uuid.UUID(folder_id)  # signed, so ours
        if int(expires) <= clock.app_now(connection, app_key).timestamp():
            raise _refused("it has expired; ask the API for a fresh one")
        row = store.get_file(connection, folder_id=folder_key, name=name)
        if row is None:
            raise NotFound("No such file")
        return File(name, row["media_type"], row["content"])


def _refused(why: str) -> Forbidden:
    return Forbidden(f"This download URL is not valid: {why}", code=403)


def describe(link: Link, url_key: str, expiry_key: str) -> dict[str, Any]:
    return {url_key: link.url, expiry_key: link.expiry}
