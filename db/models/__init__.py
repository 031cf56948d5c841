"""The database schema, one module per area. Alembic migrations in ``db/migrations`` create and
evolve it; everything is re-exported here, so ``from db.models import Employee`` works."""

from db.models.base import Base, UtcDateTime, utcnow
from db.models.hours import AppSecret, Certificate, ExternalTraining, JpLedgerEntry
from db.models.learning import ModuleProgress, QuizAnswer, QuizAttempt, QuizPoll
from db.models.messaging import Broadcast, OutboundMessage, Reminder
from db.models.people import AdminRole, AuditEntry, ChatSession, Employee, RosterEntry
from db.models.system import Cooldown, Lease, ProcessedUpdate, SentFile

__all__ = [
    "AdminRole",
    "AppSecret",
    "AuditEntry",
    "Base",
    "Broadcast",
    "Certificate",
    "ChatSession",
    "Cooldown",
    "Employee",
    "ExternalTraining",
    "JpLedgerEntry",
    "Lease",
    "ModuleProgress",
    "OutboundMessage",
    "ProcessedUpdate",
    "QuizAnswer",
    "QuizAttempt",
    "QuizPoll",
    "Reminder",
    "RosterEntry",
    "SentFile",
    "UtcDateTime",
    "utcnow",
]
