"""The values of required learning (what an admin asks for, what a learner sees, the counts
of compliance, the outcomes): their own module so the service's parts, its callers (handlers,
renderers, the dashboards, the CLI) and the tests share them without the service itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bot.core.assignments import MemberStatus, days_left
from bot.store.audience import Audience
from db.models import Assignment

SOON_DAYS = 7  # the learner's reminder lists items due within this many days, or overdue


class CreateOutcome(StrEnum):
    OK = "ok"
    NO_TARGET = "no_target"
    PAST = "past"
    TOO_FAR = "too_far"
    BAD_RECURRENCE = "bad_recurrence"
    EMPTY = "empty"
    BAD_JOIN_DAYS = "bad_join_days"


@dataclass(frozen=True, slots=True)
class Spec:
    """What an admin asks for: the target, the audience, the due date, the recurrence."""

    target_kind: str  # "module" | "path"
    target_id: str
    audience: Audience
    due_on: date
    recurrence_months: int | None = None
    join_days: int | None = None


@dataclass(frozen=True, slots=True)
class Created:
    outcome: CreateOutcome
    assignment: Assignment | None = None
    members: int = 0


@dataclass(frozen=True, slots=True)
class LearnerItem:
    assignment_id: int
    title: str
    target_kind: str
    target_id: str
    status: MemberStatus
    next_module: str | None  # the module to open next (a path's first not passed)
    recurring: bool = False

    def days_left(self, today: date) -> int:
        return days_left(self.status.due, today)


@dataclass(slots=True)
class TickReport:
    members_added: int = 0
    enqueued: int = 0
    rows_written: int = 0
    assignments_due: int = 0
    ran: bool = False


@dataclass(frozen=True, slots=True)
class Counts:
    members: int = 0
    completed: int = 0
    in_progress: int = 0
    overdue: int = 0
    on_time: int = 0  # of the completed, those who completed by their due date

    @property
    def late(self) -> int:
        """Completed, but after the due date."""
        return self.completed - self.on_time

    @property
    def not_started(self) -> int:
        return self.members - self.completed - self.in_progress - self.overdue

    def share(self) -> float:
        return self.completed / self.members if self.members else 0.0

    def on_time_share(self) -> float:
        """The share of those assigned who completed by the due date (the compliance)."""
        return self.on_time / self.members if self.members else 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.members + other.members,
            self.completed + other.completed,
            self.in_progress + other.in_progress,
            self.overdue + other.overdue,
            self.on_time + other.on_time,
        )


@dataclass(frozen=True, slots=True)
class Summary:
    assignment: Assignment
    counts: Counts
    creator_is_admin: bool = True
    by_opd: dict[str, Counts] = field(default_factory=dict)
    editable: bool = True  # the caller may cancel or extend it (an OPD admin: their own only)


@dataclass(frozen=True, slots=True)
class OverdueRow:
    nip: str
    name: str
    opd_code: str
    opd_name: str
    unit_kerja: str
    due_on: date
    days_late: int


class ChangeOutcome(StrEnum):
    OK = "ok"
    NOT_FOUND = "not_found"
    ALREADY_CANCELLED = "already_cancelled"
    NOT_LATER = "not_later"
    PAST = "past"
    TOO_FAR = "too_far"
