"""A message to send in bulk, described without Telegram types so services stay testable."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class MessageKind(StrEnum):
    """What an outbox row is; the sender renders each kind with its own renderer."""

    REMINDER = "reminder"
    BROADCAST = "broadcast"
    NOTICE = "notice"  # about a reported outside training: to its reviewers or its owner
    ACCOUNT = "account"  # about an account: verification, transfer, unbinding, roles
    ASSIGNMENT = "assignment"  # required learning due soon or overdue (one a person a day)


class NoticePart(StrEnum):
    FILE = "file"  # the certificate file, to a reviewer
    REVIEW = "review"  # the report with its buttons, to a reviewer
    DECIDED = "decided"  # the decision, to the employee


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Outgoing:
    """HTML text plus rows of inline buttons, optionally with a photo or a document."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = field(default_factory=tuple)
    media_kind: str | None = None  # "photo" | "document": the text is then its caption
    media_file_id: str | None = None


@dataclass(frozen=True, slots=True)
class Skip:
    """The renderer decided, at send time, that this message is no longer worth sending."""

    reason: str
