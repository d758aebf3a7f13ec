"""The sessions' and the active session's bodies and answers (contract A7, A9)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from meetd.schemas import Clean, Schema
from meetd.web.replies import Paging

SessionStatus = Literal["LIVE", "ENDED"]
SessionSort = Literal["createdAt", "minutesConsumed"]
ParticipantSort = Literal["joinedAt", "duration"]
SortOrder = Literal["ASC", "DESC"]
View = Literal["raw", "consolidated"]
TranscriptFormat = Literal["CSV", "JSON", "SRT", "VTT"]
ReportFilter = Literal[
    "device_info", "ip_information", "precall_network_information", "events", "quality_stats"
]


class SessionRead(BaseModel):
    id: uuid.UUID
    associated_id: uuid.UUID
    meeting_display_name: str
    type: Literal["meeting"]
    status: SessionStatus
    live_participants: int
    max_concurrent_participants: int
    minutes_consumed: float
    organization_id: uuid.UUID
    started_at: str
    ended_at: str | None = None
    created_at: str
    updated_at: str
    breakout_rooms: list[object] | None = None


class SessionDetail(SessionRead):
    session: SessionRead


class SessionList(BaseModel):
    sessions: list[SessionRead]


class SessionPage(BaseModel):
    success: bool = True
    data: SessionList
    paging: Paging


class PeerEventRead(BaseModel):
    id: uuid.UUID
    peer_id: uuid.UUID
    participant_id: uuid.UUID
    session_id: uuid.UUID
    event_name: str
    created_at: str
    updated_at: str


class SessionParticipantRead(BaseModel):
    id: uuid.UUID
    user_id: uuid.UUID
    custom_participant_id: str
    display_name: str | None
    preset_name: str
    joined_at: str
    left_at: str | None = None
    duration: float
    created_at: str
    updated_at: str
    peer_events: list[PeerEventRead] | None = None


class SessionParticipantList(BaseModel):
    participants: list[SessionParticipantRead]


class SessionParticipantPage(BaseModel):
    success: bool = True
    data: SessionParticipantList
    paging: Paging


class SessionParticipantOne(BaseModel):
    participant: SessionParticipantRead


class PeerReport(SessionParticipantRead):
    role: str
    session_id: uuid.UUID
    peer_report: dict[str, object]


class PeerReportOne(BaseModel):
    participant: PeerReport


class ChatRead(BaseModel):
    chat_download_url: str
    chat_download_url_expiry: str


class TranscriptRead(BaseModel):
    sessionId: uuid.UUID  # noqa: N815 (the reference's name)
    transcript_download_url: str
    transcript_download_url_expiry: str


class SummaryRead(BaseModel):
    sessionId: uuid.UUID  # noqa: N815
    summaryDownloadUrl: str  # noqa: N815
    summaryDownloadUrlExpiry: str  # noqa: N815


class SummaryStarted(BaseModel):
    session_id: uuid.UUID
    status: str


# -- the active session ------------------------------------------------------------------

PollText = Annotated[str, StringConstraints(min_length=1, max_length=1024), Clean]
PollOption = Annotated[str, StringConstraints(min_length=1, max_length=256), Clean]
IdList = Annotated[list[uuid.UUID], Field(max_length=1000)]
CustomIdList = Annotated[
    list[Annotated[str, StringConstraints(min_length=1, max_length=255), Clean]],
    Field(max_length=1000),
]


class ParticipantsChosen(Schema):
    """Kick or mute: participants by id, by custom id, or both."""

    participant_ids: IdList | None = None
    custom_participant_ids: CustomIdList | None = None


class MuteAll(Schema):
    allow_unmute: bool = True


class PollCreate(Schema):
    question: PollText
    options: Annotated[list[PollOption], Field(min_length=2, max_length=10)]
    anonymous: bool = False
    hide_votes: bool = False


class KickedParticipant(BaseModel):
    id: uuid.UUID
    name: str | None = None
    picture: str | None = None
    created_at: str
    updated_at: str


class ParticipantsActed(BaseModel):
    action: Literal["kick", "mute"]
    participants: list[KickedParticipant]


class KickedAll(BaseModel):
    action: Literal["kick_all"]
    kicked_participants_count: int


class MutedAll(BaseModel):
    action: Literal["mute_all"]
    muted_participants_count: int


class PollOptionRead(BaseModel):
    text: str
    count: int
    votes: list[object]


class PollRead(BaseModel):
    id: uuid.UUID
    question: str
    options: list[PollOptionRead]
    anonymous: bool
    hide_votes: bool
    created_by: str
    voted: list[str]


class PollCreated(BaseModel):
    action: Literal["create_poll"]
    poll: PollRead
