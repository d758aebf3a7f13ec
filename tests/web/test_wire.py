"""Hostile input over a real socket, against a real `meetd serve`: what an HTTP client library
would never send. Each gets a clear 4xx, nothing is stored, the server stays up, and its
memory stays bounded."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import httpx
import pytest

from meetd.web.protocol import MAX_HEAD_BYTES
from tests.support import KIT, Databases, ServeProcess

TEN_MB = 10 * 1024 * 1024


class Reply:
    def __init__(self, data: bytes) -> None:
        head, _, self.body = data.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        self.status = int(status_line.split()[1])
        self.headers = [(name, value) for name, _, value in (x.partition(": ") for x in lines)]
        self.header_names = {name.lower() for name, _ in self.headers}
        # what came after this reply's body on the same connection
        length = dict(self.headers).get("content-length")
        if length is not None:
            self.body, self.after = self.body[: int(length)], self.body[int(length) :]
        else:
            self.after = b""

    def replies(self) -> list[Reply]:
        """This reply and those that followed it on the connection."""
        return [self, *(Reply(self.after).replies() if self.after else [])]

    def json(self) -> dict[str, object]:
        body: dict[str, object] = json.loads(self.body)
        return body

    @property
    def message(self) -> str:
        error = self.json()["error"]
        assert isinstance(error, dict)
        message: str = error["message"]
        return message


class Wire:
    """A meetd server, its account's token and an app, and a way to send it raw bytes."""

    def __init__(self, server: ServeProcess) -> None:
        self.server = server
        exported = server.exported()
        self.token = exported["CLOUDFLARE_API_TOKEN"]
        self.kit = KIT.format(account_id=exported["CLOUDFLARE_ACCOUNT_ID"])
        self.http = httpx.Client(
            base_url=f"{server.origin}{self.kit}",
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=30,
        )
        self.app_id = self.http.post("/apps", json={"name": "wire"}).json()["data"]["app"]["id"]

    def send(self, head: str | bytes, body: Iterable[bytes] = ()) -> Reply:
        """Writes a request head and then its body from a thread, while reading the answer:
        a server that answers before reading everything may close the connection under a
        writer, and the answer must still be read."""
        if isinstance(head, str):
            head = head.encode("latin-1")
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=30) as sock:

            def write() -> None:
                try:
                    sock.sendall(head)
                    for chunk in body:
                        sock.sendall(chunk)
                except OSError:
                    pass  # the server answered and hung up; the answer is what counts

            writer = threading.Thread(target=write)
            writer.start()
            data = b""
            try:
                while chunk := sock.recv(65536):
                    data += chunk
            except ConnectionResetError:
                pass
            writer.join()
        return Reply(data)

    def request(self, method: str, target: str, headers: str = "", body: bytes = b"") -> Reply:
        head = (
            f"{method} {target} HTTP/1.1\r\nHost: meetd\r\nConnection: close\r\n"
            f"Authorization: Bearer {self.token}\r\n{headers}"
        )
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        return self.send(head + "\r\n", [body])

    def meetings(self) -> int:
        page = self.http.get(f"/{self.app_id}/meetings").json()
        total: int = page["paging"]["total_count"]
        return total

    def memory_kib(self, kind: str) -> int:
        """VmRSS (resident now) or VmHWM (the peak of resident so far) of the server."""
        status = Path(f"/proc/{self.server.process.pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith(f"{kind}:"))
        return int(line.split()[1])


@pytest.fixture(scope="module")
def wire(databases: Databases) -> Iterator[Wire]:
    url = databases.empty()
    with ServeProcess("--database-url", url, "--no-access-log") as server:
        wire = Wire(server)
        yield wire
        wire.http.close()
    databases.release(url)
    assert not [line for line in server.stderr if "Traceback" in line or "ERROR" in line]


def meetings_path(wire: Wire) -> str:
    return f"{wire.kit}/{wire.app_id}/meetings"


def ten_mb_declared(wire: Wire, *, send_it: bool = True) -> Reply:
    head = (
        f"POST {meetings_path(wire)} HTTP/1.1\r\nHost: meetd\r\n"
        f"Authorization: Bearer {wire.token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {TEN_MB}\r\n\r\n"
    )
    return wire.send(head, [b"x" * 65536] * (TEN_MB // 65536) if send_it else [])


def ten_mb_streamed(wire: Wire) -> Reply:
    head = (
        f"POST {meetings_path(wire)} HTTP/1.1\r\nHost: meetd\r\n"
        f"Authorization: Bearer {wire.token}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"10000\r\n" + b" " * 65536 + b"\r\n"  # 64 KiB of JSON whitespace a chunk
    return wire.send(head, [chunk] * (TEN_MB // 65536) + [b"0\r\n\r\n"])


class TestBodies:
    def test_a_10_mb_body_is_refused_by_its_length_alone(self, wire: Wire) -> None:
        # Only the head is sent: an answer at all shows the server did not wait for the body.
        reply = ten_mb_declared(wire, send_it=False)

        assert reply.status == 413
        assert reply.message == "Request body is larger than the 1 MiB limit"
        assert ("connection", "close") in reply.headers
        assert wire.meetings() == 0

    def test_a_10_mb_body_streamed_without_a_length_is_cut_off_at_the_limit(
        self, wire: Wire
    ) -> None:
        reply = ten_mb_streamed(wire)

        assert reply.status == 413
        assert reply.message == "Request body is larger than the 1 MiB limit"
        assert ("connection", "close") in reply.headers  # it reads no more of it
        assert wire.meetings() == 0

    def test_deep_nesting_within_the_size_limit(self, wire: Wire) -> None:
        body = b'{"title": ' + b"[" * 400_000 + b"]" * 400_000 + b"}"

        reply = wire.request("POST", meetings_path(wire), body=body)

        assert reply.status == 400
        assert reply.message.startswith("body: is not valid JSON")
        assert wire.meetings() == 0

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            (
                {"ai_config": {"transcription": {"keywords": ["k"] * 100_000}}},
                "ai_config.transcription.keywords: must have at most 100 items",
            ),
            ({"title": "t" * 900_000}, "title: must have at most 1024 characters"),
        ],
        ids=["100,000 keywords", "a 900,000-character title"],
    )
    def test_huge_values_are_refused_by_name(
        self, wire: Wire, body: dict[str, object], message: str
    ) -> None:
        reply = wire.request("POST", meetings_path(wire), body=json.dumps(body).encode())

        assert reply.status == 400
        assert reply.message == message
        assert wire.meetings() == 0

    def test_invalid_utf8_in_a_body(self, wire: Wire) -> None:
        reply = wire.request("POST", meetings_path(wire), body=b'{"title": "\xff\xfe"}')

        assert reply.status == 400
        assert reply.message.startswith("body: is not valid JSON")
        assert wire.meetings() == 0


class TestTargets:
    def test_ids_ten_thousand_characters_long(self, wire: Wire) -> None:
        long = "a" * 10_000
        meeting = wire.request("GET", f"{meetings_path(wire)}/{long}")
        app = wire.request("GET", f"{wire.kit}/{long}/meetings")
        preset = wire.request("GET", f"{wire.kit}/{wire.app_id}/presets/{long}")

        assert (meeting.status, meeting.message) == (400, "meeting_id: must be a valid UUID")
        assert (app.status, app.message) == (404, "app_id: no such id")
        assert (preset.status, preset.message) == (400, "preset_id: must be a valid UUID")

    @pytest.mark.parametrize(
        "path",
        ["/../../apps", "/..%2F..%2Fapps", "/%2e%2e/%2e%2e/apps", "/..\\..\\apps"],
        ids=["raw", "escaped slashes", "escaped dots", "backslashes"],
    )
    def test_path_traversal_in_an_id_reaches_nothing_else(self, wire: Wire, path: str) -> None:
        reply = wire.request("GET", meetings_path(wire) + path)

        assert reply.status in (400, 404)
        assert wire.app_id.encode() not in reply.body  # the app list was not answered

    @pytest.mark.parametrize(
        ("target", "message"),
        [
            ("/{meetings}/%ff%fe", "path: percent-escapes must decode to valid UTF-8"),
            ("/{meetings}?search=%ff", "query: percent-escapes must decode to valid UTF-8"),
            ("/{meetings}?search=%C3%28", "query: percent-escapes must decode to valid UTF-8"),
        ],
    )
    def test_escapes_that_are_not_utf8(self, wire: Wire, target: str, message: str) -> None:
        reply = wire.request("GET", target.format(meetings=meetings_path(wire)[1:]))

        assert (reply.status, reply.message) == (400, message)

    def test_raw_bytes_that_are_not_ascii_are_refused_by_the_parser(self, wire: Wire) -> None:
        reply = wire.request("GET", meetings_path(wire) + "/\xff")

        assert reply.status == 400


class TestHeaders:
    @pytest.mark.parametrize(
        "header",
        ["X-Note: a\rb\r\n", "X-Note: a\x00b\r\n", "X-Note: a\r\n folded\r\n", "Bad Name: 1\r\n"],
        ids=["bare CR", "NUL", "obsolete line folding", "space in a name"],
    )
    def test_malformed_headers_are_refused_by_the_parser(self, wire: Wire, header: str) -> None:
        reply = wire.request("GET", f"{wire.kit}/apps", headers=header)

        assert reply.status == 400

    def test_crlf_in_the_path_or_query_injects_no_header(self, wire: Wire) -> None:
        injected = "%0d%0aSet-Cookie:%20session=stolen"
        in_path = wire.request("GET", f"{meetings_path(wire)}/{injected}")
        in_query = wire.request("GET", f"{meetings_path(wire)}?search={injected}")

        assert in_path.status == 400
        assert in_query.status == 200
        for reply in (in_path, in_query):
            assert "set-cookie" not in reply.header_names

    @pytest.mark.parametrize(
        "headers",
        [
            "X-Big: " + "a" * (4 * MAX_HEAD_BYTES) + "\r\n",
            "".join(f"X-{n}: a\r\n" for n in range(MAX_HEAD_BYTES // 4)),
            "X-Huge: " + "a" * (20 * 1024 * 1024) + "\r\n",
        ],
        ids=["256 KiB header", "16,384 headers", "20 MiB header"],
    )
    def test_an_oversized_head_is_refused(self, wire: Wire, headers: str) -> None:
        reply = wire.request("GET", f"{wire.kit}/apps", headers=headers)

        assert reply.status == 431
        assert reply.message == "Request line and headers are larger than the 64 KiB limit"

    @pytest.mark.parametrize(("size", "status"), [(MAX_HEAD_BYTES, 200), (MAX_HEAD_BYTES + 1, 431)])
    def test_the_limit_is_exact(self, wire: Wire, size: int, status: int) -> None:
        reply = wire.send(head_of(wire, size, close=True))

        assert reply.status == status

    def test_on_a_kept_alive_connection_too(self, wire: Wire) -> None:
        with socket.create_connection(("127.0.0.1", wire.server.port), timeout=30) as sock:
            sock.sendall(head_of(wire, 200, close=False))
            first = b""
            while b"\r\n\r\n" not in first or len(Reply(first).body) < int(
                dict(Reply(first).headers)["content-length"]
            ):
                first += sock.recv(65536)
            sock.sendall(head_of(wire, 70 * 1024, close=True))
            second = b""
            while chunk := sock.recv(65536):
                second += chunk

        assert (Reply(first).status, Reply(second).status) == (200, 431)

    def test_requests_before_an_oversized_head_get_their_own_answers(self, wire: Wire) -> None:
        before = wire.meetings()
        create = (
            f"POST {meetings_path(wire)} HTTP/1.1\r\nHost: meetd\r\n"
            f"Authorization: Bearer {wire.token}\r\n"
            "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
        ).encode()

        replies = wire.send(create + head_of(wire, 300 * 1024, close=True)).replies()

        assert [reply.status for reply in replies] == [201, 431]
        assert wire.meetings() == before + 1


def head_of(wire: Wire, size: int, *, close: bool) -> bytes:
    """A GET of the app list whose request line and headers are exactly `size` bytes."""
    head = (
        f"GET {wire.kit}/apps HTTP/1.1\r\nHost: meetd\r\nAuthorization: Bearer {wire.token}\r\n"
        + ("Connection: close\r\n" if close else "")
        + "X-Pad: "
    )
    padding = size - len(head) - len("\r\n\r\n")
    return f"{head}{'p' * padding}\r\n\r\n".encode()


class TestTheServer:
    def test_stays_up_and_bounded_through_repeated_barrages(self, wire: Wire) -> None:
        def barrage() -> None:
            for _ in range(3):
                ten_mb_declared(wire)
                ten_mb_streamed(wire)
                wire.request("GET", f"{wire.kit}/apps", headers="X-H: " + "a" * 5 * TEN_MB + "\r\n")
                wire.request("POST", meetings_path(wire), body=b"[" * 500_000)

        peak_before = wire.memory_kib("VmHWM")
        barrage()  # the first one warms every path up
        resident = wire.memory_kib("VmRSS")
        for _ in range(3):
            barrage()
        growth = wire.memory_kib("VmRSS") - resident
        peak_growth = wire.memory_kib("VmHWM") - peak_before
        print(f"resident memory grew by {growth} KiB; its peak by {peak_growth} KiB")

        assert peak_growth < 24 * 1024  # not one of the 50 MiB heads was held
        assert growth < 16 * 1024  # and nothing leaks from one barrage to the next
        assert wire.http.get("/apps").status_code == 200
        assert wire.server.process.poll() is None
