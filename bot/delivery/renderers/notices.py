"""Messages about reported trainings, delivered through the outbox like every bulk message.

A new report is shown to its reviewers (the certificate file, then the report with its
buttons), and a decision is told to the employee. The rows are queued (``bot.store.outbox``) in
the transaction that stores the report or the decision, so a crash, a 5xx or a 429 loses none of
them: the sender retries, keeps the limits and marks a blocked chat. They are rendered here, at
send time, from the report as it is then: a report another admin decided meanwhile is no longer
offered for review.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from bot.core.callbacks import ReviewButton, TrainingReportButton
from bot.core.content import Catalog
from bot.core.jp import claim_text
from bot.core.outgoing import Button, NoticePart, Outgoing, Skip
from bot.core.telegram_html import escape
from bot.texts import hours as t
from db.models import Employee, ExternalTraining, OutboundMessage
from db.session import Database


def day(value: date) -> str:
    return value.strftime("%d-%m-%Y")


def summary(report: ExternalTraining) -> str:
    return t.SUMMARY.format(
        title=escape(report.title),
        organiser=escape(report.organiser),
        kind=escape(t.KIND_NAMES.get(report.activity_kind, report.activity_kind)),
        start=day(report.started_on),
        end=day(report.ended_on),
        jp=claim_text(report.jp_centi),
        cert=escape(report.certificate_no),
    )


def review_text(catalog: Catalog, report: ExternalTraining, owner: Employee) -> str:
    opd = catalog.opds.get(owner.opd_code)
    text = t.REVIEW_NEW.format(
        id=report.id,
        name=escape(owner.name),
        nip=owner.nip,
        opd=escape(opd.name if opd else owner.opd_code),
        summary=summary(report),
    )
    if report.duplicate_of is not None:
        text += t.REVIEW_DUPLICATE.format(other=report.duplicate_of)
    return text


def file_caption(report: ExternalTraining, owner: Employee) -> str:
    """The caption of the certificate file sent to reviewers: whose, which training, which
    report (the file may be read apart from the report under it)."""
    return t.REVIEW_FILE_CAPTION.format(
        id=report.id, title=escape(report.title[:200]), name=escape(owner.name), nip=owner.nip
    )


def review_buttons(report_id: int) -> tuple[tuple[Button, ...], ...]:
    """Approve or reject."""
    return (
        (
            Button(t.BTN_APPROVE, ReviewButton("ok", report_id).pack()),
            Button(t.BTN_REJECT, ReviewButton("no", report_id).pack()),
        ),
    )


def decision_buttons(report: ExternalTraining) -> tuple[tuple[Button, ...], ...]:
    """Under a rejection: correct the report from its own data and send it again."""
    if report.status != "rejected":
        return ()
    return ((Button(t.BTN_CORRECT, TrainingReportButton("fix", report.id).pack()),),)


def decision_text(report: ExternalTraining) -> str:
    if report.status == "approved":
        return t.NOTIFY_APPROVED.format(
            title=escape(report.title), id=report.id, jp=claim_text(report.jp_centi)
        )
    return t.NOTIFY_REJECTED.format(
        title=escape(report.title), id=report.id, reason=escape(report.reason or "")
    )


class NoticeRenderer:
    """Renders queued notices at send time (the sender's renderer for ``MessageKind.NOTICE``)."""

    def __init__(self, db: Database, catalog: Catalog) -> None:
        self.db = db
        self.catalog = catalog

    async def render(self, rows: Sequence[OutboundMessage]) -> dict[int, Outgoing | Skip]:
        ids = {int(row.payload["report"]) for row in rows}
        async with self.db.transaction() as s:
            found = await s.execute(
                select(ExternalTraining, Employee)
                .join(Employee, Employee.id == ExternalTraining.employee_id)
                .where(ExternalTraining.id.in_(ids))
            )
            reports = {report.id: (report, owner) for report, owner in found}
        messages: dict[int, Outgoing | Skip] = {}
        for row in rows:
            pair = reports.get(int(row.payload["report"]))
            if pair is None:
                messages[row.id] = Skip("report deleted")
                continue
            messages[row.id] = self._message(row.payload["part"], *pair)
        return messages

    def _message(self, part: str, report: ExternalTraining, owner: Employee) -> Outgoing | Skip:
        if part == NoticePart.DECIDED:
            return Outgoing(decision_text(report), buttons=decision_buttons(report))
        if report.status != "pending":
            return Skip("already reviewed")
        if part == NoticePart.FILE:
            return Outgoing(
                file_caption(report, owner),
                media_kind=report.file_kind,
                media_file_id=report.file_id,
            )
        return Outgoing(review_text(self.catalog, report, owner), buttons=review_buttons(report.id))
