"""Verification of outside trainings by admins: the queue, approve, reject with a reason.

Every call re-reads the caller's role with :func:`bot.services.roles.actor_in` inside its own
transaction, because the report id in a button comes back from the client and proves nothing:
an OPD admin who forges ``trv:ok:<id>`` for another OPD's report is refused here, not in the UI.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import Clock
from bot.core.errors import Refusal
from bot.core.flows import Flow
from bot.core.jp import JpScale, claim_text
from bot.services.audit import audit_view
from bot.services.roles import actor_in, decider_name, record, require_admin, require_scope
from bot.services.trainings import MAX_REASON, Review, Reviewed
from bot.store import ledger, outbox, sessions
from bot.store.sessions import FlowState
from db.models import Employee, ExternalTraining
from db.session import Database


@dataclass(frozen=True, slots=True)
class PendingReports:
    """A page of the review queue: the first reports, and how many wait in all."""

    items: list[tuple[ExternalTraining, Employee]]
    total: int


class ReviewService:
    def __init__(
        self, db: Database, clock: Clock, admin_ids: frozenset[int], scale: JpScale
    ) -> None:
        self.db = db
        self.clock = clock
        self.admin_ids = admin_ids
        self.scale = scale

    async def pending(
        self, actor_id: int, limit: int = 20
    ) -> list[tuple[ExternalTraining, Employee]]:
        """Pending reports the caller may review: their OPD's, or all for a superadmin."""
        return (await self.queue(actor_id, limit)).items

    async def queue(self, actor_id: int, limit: int = 20) -> PendingReports:
        """The first ``limit`` pending reports the caller may review, and how many there are."""
        async with self.db.transaction() as s:
            actor = await require_admin(s, actor_id, self.admin_ids)
            conditions = [ExternalTraining.status == "pending"]
            if not actor.is_superadmin:
                conditions.append(ExternalTraining.opd_code == actor.opd_code)
            if actor.employee_id is not None:  # nobody reviews their own report
                conditions.append(ExternalTraining.employee_id != actor.employee_id)
            query = (
                select(ExternalTraining, Employee)
                .join(Employee, Employee.id == ExternalTraining.employee_id)
                .where(*conditions)
                .order_by(ExternalTraining.id)
                .limit(limit)
            )
            items = [(r, e) for r, e in (await s.execute(query)).all()]
            total = len(items)
            if total == limit:  # there may be more than were listed
                counted = select(func.count()).select_from(ExternalTraining).where(*conditions)
                total = int(await s.scalar(counted) or 0)
            await audit_view(s, self.clock, actor, [e.id for _, e in items], "training_queue")
            return PendingReports(items, total)

    async def report_for_review(
        self, actor_id: int, report_id: int
    ) -> tuple[Review, ExternalTraining | None, Employee | None]:
        """One report, if the caller may review it."""
        async with self.db.transaction() as s:
            outcome, report = await self._reviewable(s, actor_id, report_id)
            employee = await s.get(Employee, report.employee_id) if report else None
            if outcome is Review.OK and report is not None:
                await audit_view(
                    s,
                    self.clock,
                    actor_id,
                    report.employee_id,
                    "training_report",
                    report_id=report.id,
                )
            return outcome, report, employee

    async def _reviewable(
        self, s: AsyncSession, actor_id: int, report_id: int
    ) -> tuple[Review, ExternalTraining | None]:
        actor = await require_admin(s, actor_id, self.admin_ids)
        report = await s.get(ExternalTraining, report_id)
        if report is None:
            return Review.NOT_FOUND, None
        require_scope(actor, report.opd_code, Refusal.NOT_REVIEWER)
        owner = await s.get(Employee, report.employee_id)
        if owner is not None and (owner.id == actor.employee_id or owner.telegram_id == actor_id):
            return Review.OWN, report
        if not actor.is_superadmin and owner is not None and owner.telegram_id is not None:
            submitter = await actor_in(s, owner.telegram_id, self.admin_ids)
            if submitter is not None and submitter.is_superadmin:  # a superadmin's report
                require_scope(actor, None, Refusal.NOT_REVIEWER)
        if report.status != "pending":
            return Review.ALREADY, report
        return Review.OK, report

    async def decider(self, report: ExternalTraining | None) -> str | None:
        """The name of the admin who decided ``report`` (None while pending or unknown)."""
        if report is None or report.reviewed_by is None:
            return None
        async with self.db.transaction() as s:
            return await decider_name(s, report.reviewed_by)

    async def begin_reject(
        self, actor_id: int, report_id: int, message_id: int | None = None
    ) -> Review:
        """Ask for a reason: the admin's next text message is it (state in chat_sessions, with
        the review message, ``message_id``, that the decision is written into)."""
        async with self.db.transaction() as s:
            outcome, _ = await self._reviewable(s, actor_id, report_id)
            if outcome is Review.OK:
                data: dict[str, int] = {"report_id": report_id}
                if message_id is not None:
                    data["message_id"] = message_id
                await sessions.set_state(s, actor_id, FlowState(Flow.REJECT, "reason", data))
            return outcome

    async def reject_with_reason(self, actor_id: int, reason: str) -> Reviewed:
        async with self.db.transaction() as s:
            state = await sessions.get_state(s, actor_id)
            if state is None or state.flow != Flow.REJECT:
                return Reviewed(Review.NOT_FOUND)
            report_id = int(state.data["report_id"])
            message_id = state.data.get("message_id")
            await sessions.clear_state(s, actor_id)
            result = await self._decide(s, actor_id, report_id, None, reason[:MAX_REASON])
            if isinstance(message_id, int):
                result = replace(result, message_id=message_id)
            return result

    async def reject(self, actor_id: int, report_id: int, reason: str) -> Reviewed:
        """Reject with the reason given at once (the dashboard asks for it on the same
        screen); the same decision as ``reject_with_reason``."""
        async with self.db.transaction() as s:
            return await self._decide(s, actor_id, report_id, None, reason[:MAX_REASON])

    async def approve(self, actor_id: int, report_id: int) -> Reviewed:
        async with self.db.transaction() as s:
            return await self._decide(s, actor_id, report_id, True, None)

    async def _decide(
        self,
        s: AsyncSession,
        actor_id: int,
        report_id: int,
        approve: bool | None,
        reason: str | None,
    ) -> Reviewed:
        outcome, report = await self._reviewable(s, actor_id, report_id)
        if outcome is not Review.OK or report is None:
            return await self._refusal(s, outcome, report)
        now = self.clock()
        status = "approved" if approve else "rejected"
        # The decision itself: only a report still pending changes, so of two admins deciding
        # at once one wins and the other is told who did; nothing is credited twice, nor for a
        # report someone else rejected.
        decided = await s.execute(
            update(ExternalTraining)
            .where(ExternalTraining.id == report_id, ExternalTraining.status == "pending")
            .values(status=status, reason=reason, reviewed_by=actor_id, reviewed_at=now)
            .execution_options(synchronize_session=False)
        )
        await s.refresh(report)
        if decided.rowcount != 1:  # type: ignore[attr-defined]
            return await self._refusal(s, Review.ALREADY, report)
        credited = False
        if approve:
            credited = await ledger.credit(s, external_credit(report, actor_id, now, self.scale))
        await record(
            s,
            self.clock,
            actor_id,
            "training.approve" if approve else "training.reject",
            {"report_id": report.id, "opd": report.opd_code, "jp_centi": report.jp_centi},
        )
        owner = await s.get(Employee, report.employee_id)
        if owner is not None:
            await outbox.queue_training_decision(s, report, owner, now)
        return Reviewed(Review.OK, report, credited, owner=owner)

    async def _refusal(
        self, s: AsyncSession, outcome: Review, report: ExternalTraining | None
    ) -> Reviewed:
        if outcome is Review.ALREADY and report is not None:
            return Reviewed(outcome, report, decided_by=await decider_name(s, report.reviewed_by))
        return Reviewed(outcome, report)


def external_credit(
    report: ExternalTraining, reviewer: int, now: datetime, scale: JpScale
) -> ledger.Credit:
    """The ledger credit of an approved report, with every SIASN course-record field: the JP
    printed on the certificate, in minutes at this deployment's minutes per JP."""
    return ledger.Credit(
        employee_id=report.employee_id,
        year=report.ended_on.year,
        minutes=scale.minutes_of_centi(report.jp_centi),
        source_kind="external",
        source_id=str(report.id),
        title=report.title,
        category=None,
        activity_kind=report.activity_kind,
        organiser=report.organiser,
        started_on=report.started_on,
        ended_on=report.ended_on,
        certificate_no=report.certificate_no or None,  # "Tidak ada nomor"
        evidence={
            "report_id": report.id,
            "file_id": report.file_id,
            "file_kind": report.file_kind,
            "jp_on_certificate": claim_text(report.jp_centi),
            "minutes_per_jp": scale.minutes_per_jp,
            "verified_by": reviewer,
            "verified_at": now.isoformat(),
        },
        credited_at=now,
    )
