"""How the Mini App dashboard's answers are shaped: an assignment as one person stands in it,
the assignments' counts, a ledger entry with its evidence, an outside-training report, and an
employee's current certificates.

It exists so that the views of ``bot.services.dashboard`` read as decisions and queries, and
every field the page receives is named in one place.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.core.jp import claim_text
from bot.documents.verification import format_code
from bot.services.assignments import Counts, LearnerItem
from db.models import Certificate, ExternalTraining

# The ledger's evidence the page shows: the quiz's score and tries, the time on the cards and
# in the quiz, the content version; for an outside training, who verified it and when.
EVIDENCE = (
    "score",
    "correct",
    "questions",
    "attempts",
    "reading_seconds",
    "quiz_seconds",
    "content_version",
    "completed_at",
    "jp_on_certificate",
    "verified_at",
)


def assignment_json(item: LearnerItem) -> dict[str, Any]:
    """An assignment as one person stands in it (the assignments service decides the standing)."""
    return {
        "id": item.assignment_id,
        "title": item.title,
        "kind": item.target_kind,
        "standing": item.status.standing.value,
        "due_on": item.status.due.isoformat(),
        "completed_on": item.status.completed.isoformat() if item.status.completed else None,
        "recurring": item.recurring,
    }


def sum_counts(found: Any) -> Counts:
    items = list(found)
    return Counts(
        sum(c.members for c in items),
        sum(c.completed for c in items),
        sum(c.in_progress for c in items),
        sum(c.overdue for c in items),
    )


def counts_json(counts: Counts) -> dict[str, Any]:
    return {
        "members": counts.members,
        "completed": counts.completed,
        "in_progress": counts.in_progress,
        "overdue": counts.overdue,
        "share": round(counts.share(), 4) if counts.members else None,
    }


async def certificates_of(s: Any, employee_id: int) -> list[dict[str, Any]]:
    """An employee's current module certificates (the latest revision of each), newest first."""
    issued = await s.scalars(
        select(Certificate)
        .where(Certificate.employee_id == employee_id, Certificate.superseded_at.is_(None))
        .order_by(Certificate.completed_on.desc(), Certificate.id.desc())
    )
    return [
        {
            "certificate_no": c.certificate_no,
            "title": c.module_title,
            "completed_on": c.completed_on.isoformat(),
            "code": format_code(c.code),
        }
        for c in issued
    ]


def report_json(report: ExternalTraining) -> dict[str, Any]:
    """An outside-training report as its reviewers see it: pending, approved or rejected."""
    return {
        "id": report.id,
        "title": report.title,
        "organiser": report.organiser,
        "started_on": report.started_on.isoformat(),
        "ended_on": report.ended_on.isoformat(),
        "jp": claim_text(report.jp_centi),
        "certificate_no": report.certificate_no,
        "status": report.status,
        "reason": report.reason,
    }


def entry_json(entry: Any) -> dict[str, Any]:
    evidence = entry.evidence or {}
    return {
        "title": entry.title,
        "source": entry.source_kind,
        "minutes": entry.minutes,
        "started_on": entry.started_on.isoformat(),
        "ended_on": entry.ended_on.isoformat(),
        "organiser": entry.organiser,
        "certificate_no": entry.certificate_no,
        "evidence": {k: evidence[k] for k in EVIDENCE if k in evidence},
    }
