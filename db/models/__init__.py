"""The database schema, one module per area. Alembic migrations in ``db/migrations`` create and
evolve it; everything is re-exported here, so ``from db.models import Employee`` works."""

from db.models.assignments import (
    Assignment,
    AssignmentMark,
    AssignmentMember,
    AssignmentPending,
)
from db.models.base import Base, UtcDateTime, utcnow
from db.models.hours import (
    AppSecret,
    Certificate,
    ExternalTraining,
    JpLedgerEntry,
    Transcript,
)
from db.models.learning import ModuleProgress, QuizAnswer, QuizAttempt, QuizPoll
from db.models.messaging import Broadcast, OutboundMessage, Reminder
from db.models.people import (
    AdminRole,
    AuditEntry,
    ChatSession,
    Employee,
    IdentityRequest,
    RosterEntry,
)
from db.models.privacy import RetainedRecord
from db.models.review import ReviewAnswer, ReviewCard, ReviewPoll, ReviewSession
from db.models.system import Cooldown, Lease, ProcessedUpdate, SentFile, UploadedFile

__all__ = [
    "AdminRole",
    "AppSecret",
    "Assignment",
    "AssignmentMark",
    "AssignmentMember",
    "AssignmentPending",
    "AuditEntry",
    "Base",
    "Broadcast",
    "Certificate",
    "ChatSession",
    "Cooldown",
    "Employee",
    "ExternalTraining",
    "IdentityRequest",
    "JpLedgerEntry",
    "Lease",
    "ModuleProgress",
    "OutboundMessage",
    "ProcessedUpdate",
    "QuizAnswer",
    "QuizAttempt",
    "QuizPoll",
    "Reminder",
    "RetainedRecord",
    "ReviewAnswer",
    "ReviewCard",
    "ReviewPoll",
    "ReviewSession",
    "RosterEntry",
    "SentFile",
    "Transcript",
    "UploadedFile",
    "UtcDateTime",
    "utcnow",
]
