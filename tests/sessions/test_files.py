"""A session's files (contract A7): the chat CSV, the transcript in each format, the summary,
and the signed download URLs they are fetched at, without an API token."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient

from tests.sessions.support import (
    MESSAGES,
    SPEECHES,
    URL_LIFETIME,
    Activity,
    Ended,
    end_a_meeting,
    millis_between,
    path_of,
)
from tests.support import Account, at

CHAT_HEADER = (
    "id,participantId,sessionId,meetingId,displayName,pinned,isEdited,payloadType,payload,createdAt"
)
DAY = 86_400


def download(client: TestClient, url: str) -> Any:
    """A download URL fetched as anyone holding it would: no API token."""
    response = client.get(path_of(url))
    assert response.status_code == 200, response.text
    assert "authorization" not in {name.lower() for name in response.request.headers}
    return response


def transcript(activity: Activity, client: TestClient, ended: Ended, format: str) -> Any:
    link = activity.get(f"/sessions/{ended.session_id}/transcript", format=format)
    return download(client, link["transcript_download_url"])


def summary(activity: Activity, client: TestClient, session_id: str) -> Any:
    link = activity.get(f"/sessions/{session_id}/summary")
    return download(client, link["summaryDownloadUrl"])


class Lines:
    """What was said, as the transcript should carry it: times from the session's start."""

    def __init__(self, ended: Ended) -> None:
        started = ended.alice_joined["joined_at"]  # the first join started the session
        alice = (ended.alice_peer, ended.alice, "alice-1", "Alice", ended.alice_joined)
        bob = (ended.bob_peer, ended.bob, "bob-1", "Bob", ended.bob_joined)
        left = {ended.alice_peer: ended.alice_left, ended.bob_peer: ended.bob_left}
        self.lines = []
        for (peer, user, custom_id, name, joined), said, text in zip(
            (alice, bob), ended.speeches, SPEECHES, strict=True
        ):
            start = millis_between(started, said["started_at"])
            self.lines.append(
                {
                    "start": start,
                    "end": start + said["duration_ms"],
                    "text": text,
                    "peer": peer,
                    "user": user,
                    "cpi": custom_id,
                    "name": name,
                    "joined_at": joined["joined_at"],
                    "left_at": left[peer]["left_at"],
                }
            )


def cue(ms: int, separator: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


class TestChatFile:
    def test_a_csv_row_per_message(
        self, activity: Activity, client: TestClient, ended: Ended
    ) -> None:
        link = activity.get(f"/sessions/{ended.session_id}/chat")

        response = download(client, link["chat_download_url"])

        assert response.headers["content-type"].startswith("text/csv")
        assert 'filename="chat.csv"' in response.headers["content-disposition"]
        assert response.text.splitlines()[0] == CHAT_HEADER
        rows = list(csv.reader(io.StringIO(response.text)))
        peers = [(ended.alice, "Alice"), (ended.bob, "Bob")]
        assert rows[1:] == [
            [
                sent["id"],
                participant,
                ended.session_id,
                ended.meeting_id,
                name,
                "false",
                "false",
                "TEXT_MESSAGE",
                message,
                sent["created_at"],
            ]
            for sent, message, (participant, name) in zip(
                ended.messages, MESSAGES, peers, strict=True
            )
        ]


class TestTranscriptFiles:
    def test_csv(self, activity: Activity, client: TestClient, ended: Ended) -> None:
        response = transcript(activity, client, ended, "CSV")

        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows == [
            [
                str(line["start"]),
                line["peer"],
                line["user"],
                line["cpi"],
                line["name"],
                line["text"],
            ]
            for line in Lines(ended).lines
        ]
        assert response.text.startswith('"')  # every field quoted, as the reference shows
        alice, bob = Lines(ended).lines
        # Alice spoke 10 s after she started the session, Bob 10 s later, 5 words
        assert 10_000 <= alice["start"] < 12_000
        assert alice["end"] - alice["start"] == 2500
        assert 20_000 <= bob["start"] < 22_000
        assert bob["end"] - bob["start"] == 2000  # at 150 words a minute

    def test_json(self, activity: Activity, client: TestClient, ended: Ended) -> None:
        response = transcript(activity, client, ended, "JSON")

        assert response.headers["content-type"].startswith("application/json")
        assert json.loads(response.content) == [
            {
                "startTime": line["start"],
                "endTime": line["end"],
                "sentence": line["text"],
                "peerData": {
                    "id": line["peer"],
                    "userId": line["user"],
                    "displayName": line["name"],
                    "cpi": line["cpi"],
                    "joinedAt": line["joined_at"],
                    "leftAt": line["left_at"],
                },
            }
            for line in Lines(ended).lines
        ]

    def test_srt_and_vtt(self, activity: Activity, client: TestClient, ended: Ended) -> None:
        srt = transcript(activity, client, ended, "SRT")
        vtt = transcript(activity, client, ended, "VTT")

        lines = Lines(ended).lines
        assert srt.headers["content-type"].startswith("application/x-subrip")
        assert srt.text == "\n".join(
            f"{n}\n{cue(line['start'], ',')} --> {cue(line['end'], ',')}\n"
            f"{line['name']}: {line['text']}\n"
            for n, line in enumerate(lines, 1)
        )
        assert vtt.headers["content-type"].startswith("text/vtt")
        cues = [
            f"{cue(line['start'], '.')} --> {cue(line['end'], '.')}\n"
            f"<v {line['name']}>{line['text']}\n"
            for line in lines
        ]
        assert vtt.text == "\n".join(["WEBVTT\n", *cues])


class TestSummaryFile:
    def test_markdown_by_default(
        self, activity: Activity, client: TestClient, ended: Ended
    ) -> None:
        response = summary(activity, client, ended.session_id)

        assert response.headers["content-type"].startswith("text/markdown")
        text = response.text
        assert text.startswith("# Summary of Weekly sync\n")
        assert "simulated summary" in text
        assert "- Alice spoke once, for 2.5 seconds." in text
        assert "- Bob spoke once, for 2 seconds." in text
        assert f"> Alice: {SPEECHES[0]}" in text
        assert text.index(SPEECHES[0]) < text.index(SPEECHES[1])

    def test_plain_text_when_the_meeting_asks(self, activity: Activity, client: TestClient) -> None:
        ended = end_a_meeting(
            activity,
            title="Plain",
            summarize_on_end=True,
            ai_config={"summarization": {"text_format": "plain_text"}},
        )

        response = summary(activity, client, ended.session_id)

        assert response.headers["content-type"].startswith("text/plain")
        assert 'filename="summary.txt"' in response.headers["content-disposition"]
        text = response.text
        assert text.startswith("Summary of Plain\n")
        assert "simulated summary" in text
        assert f"Alice: {SPEECHES[0]}" in text
        assert not any(line.startswith(("#", "- ", "> ", "*")) for line in text.splitlines())

    def test_stays_within_the_word_limit(self, activity: Activity, client: TestClient) -> None:
        meeting = activity.meeting(
            title="Long talk",
            summarize_on_end=True,
            ai_config={"summarization": {"word_limit": 150}},
        )
        joined = activity.join(meeting, activity.participant(meeting, "a", "Alice"))
        activity.speak(meeting, joined["peer_id"], " ".join(f"word{n}" for n in range(300)))
        activity.leave(meeting, joined["peer_id"])
        activity.advance(61)

        text = summary(activity, client, joined["session_id"]).text

        assert "word0 word1" in text
        assert len(text.split()) <= 150  # words as `wc -w` counts them


class TestDownloadUrls:
    def test_an_altered_url_is_refused(
        self, account: Account, activity: Activity, client: TestClient, ended: Ended
    ) -> None:
        url = path_of(activity.get(f"/sessions/{ended.session_id}/chat")["chat_download_url"])
        path, _, query = url.partition("?")
        expires, signature = (part.split("=", 1)[1] for part in query.split("&"))
        flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
        other_app = account.create_app("other")
        altered = {
            "signature": f"{path}?expires={expires}&signature={flipped}",
            "session": url.replace(ended.session_id, str(uuid.uuid4())),
            "app": url.replace(activity.app_id, other_app),
            "file": url.replace("/chat.csv", "/transcript.csv"),
            "expiry": f"{path}?expires={int(expires) + DAY}&signature={signature}",
            "no signature": f"{path}?expires={expires}",
            "no query": path,
        }

        for what, bad in altered.items():
            response = client.get(bad)
            assert response.status_code == 403, what
            error = response.json()["error"]
            assert error["code"] == 403
            assert error["message"].startswith("This download URL is not valid"), what
        for prefix in ("", "/client/v4"):  # as it was issued, with no API token
            response = client.get(prefix + url)
            assert response.status_code == 200, prefix
            assert response.text.startswith(CHAT_HEADER)

    def test_an_expiry_written_otherwise_is_refused(
        self, activity: Activity, client: TestClient, ended: Ended
    ) -> None:
        url = path_of(activity.get(f"/sessions/{ended.session_id}/chat")["chat_download_url"])
        path, _, query = url.partition("?")
        expires, signature = (part.split("=", 1)[1] for part in query.split("&"))
        written = {
            "a leading zero": f"0{expires}",
            "Arabic-Indic digits": "".join(chr(0x0660 + int(digit)) for digit in expires),
            "a superscript two": "\u00b2",
        }

        statuses = {
            what: client.get(f"{path}?expires={quote(text)}&signature={signature}").status_code
            for what, text in written.items()
        }

        # an altered URL is refused (contract A7), and never with a 500
        assert statuses == dict.fromkeys(written, 403)

    def test_valid_seven_days_on_the_app_clock(
        self, activity: Activity, client: TestClient, ended: Ended
    ) -> None:
        url = path_of(activity.get(f"/sessions/{ended.session_id}/summary")["summaryDownloadUrl"])

        activity.advance(7 * DAY - 5)
        assert client.get(url).status_code == 200

        activity.advance(10)
        response = client.get(url)
        assert response.status_code == 403
        assert "expired" in response.json()["error"]["message"]

    def test_refused_after_eight_days_until_asked_again(
        self, activity: Activity, client: TestClient, ended: Ended
    ) -> None:
        path = f"/sessions/{ended.session_id}/transcript"
        old = activity.get(path, format="VTT")["transcript_download_url"]

        activity.advance(8 * DAY)
        refused = client.get(path_of(old))
        fresh = activity.get(path, format="VTT")

        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == 403
        assert fresh["transcript_download_url"] != old
        assert download(client, fresh["transcript_download_url"]).text.startswith("WEBVTT")

    def test_each_answer_issues_a_fresh_url_valid_seven_days(
        self, activity: Activity, client: TestClient, ended: Ended
    ) -> None:
        first = activity.get(f"/sessions/{ended.session_id}/chat")
        now = activity.advance(DAY)

        second = activity.get(f"/sessions/{ended.session_id}/chat")

        assert second["chat_download_url"] != first["chat_download_url"]
        expiry = at(second["chat_download_url_expiry"])
        moved = expiry - at(first["chat_download_url_expiry"])
        assert timedelta(days=1) <= moved <= timedelta(days=1, seconds=1)
        after = activity.now()
        assert at(now).replace(microsecond=0) + URL_LIFETIME <= expiry <= at(after) + URL_LIFETIME
        assert second["chat_download_url_expiry"].endswith(".000Z")  # to the second
        for link in (first, second):
            assert download(client, link["chat_download_url"]).text.startswith("id,")
