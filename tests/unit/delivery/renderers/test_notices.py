"""Training-review notices rendered at send time (bot/delivery/renderers/notices.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.core.content import Catalog
from bot.core.outgoing import Outgoing, Skip
from bot.delivery.renderers import notices as training_notices
from bot.services import Services
from bot.store import outbox
from db.models import Employee, ExternalTraining, OutboundMessage
from db.session import Database
from tests.support import FakeClock
from tests.unit.helpers import register


async def test_queued_training_notices_render_from_the_report_as_it_is_when_sent(
    svc: Services, catalog: Catalog, db: Database, clock: FakeClock
) -> None:
    """Reviewers get the file and the report while it waits; once decided, their copies are
    skipped, and the employee's notice says the decision."""
    await register(svc)
    async with db.transaction() as s:
        owner = await s.scalar(select(Employee))
        assert owner is not None
        report = ExternalTraining(
            employee_id=owner.id,
            opd_code=owner.opd_code,
            title="Webinar <Literasi> Digital",
            organiser="Kominfo",
            activity_kind="webinar",
            started_on=date(2026, 11, 20),
            ended_on=date(2026, 11, 21),
            jp_centi=400,
            certificate_no="SRT/1",
            certificate_key="srt1",
            file_id="file-1",
            file_unique_id="u1",
            file_kind="document",
            status="pending",
            submitted_at=clock.now,
        )
        s.add(report)
        await s.flush()
        await outbox.queue_training_review(s, report, [501, 502], clock.now)
        await outbox.queue_training_review(s, report, [501], clock.now)  # queued once only
    renderer = training_notices.NoticeRenderer(db, catalog)

    async def rendered() -> dict[tuple[int, str], Outgoing | Skip]:
        async with db.transaction() as s:
            rows = list(await s.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))
        out = await renderer.render(rows)
        return {(row.chat_id, row.payload["part"]): out[row.id] for row in rows}

    pending = await rendered()
    assert len(pending) == 4
    file = pending[(501, "file")]
    assert isinstance(file, Outgoing) and file.media_kind == "document"
    assert file.media_file_id == "file-1"
    review = pending[(502, "review")]
    assert isinstance(review, Outgoing) and "Webinar &lt;Literasi&gt; Digital" in review.text
    assert [b.callback_data for b in review.buttons[0]] == [
        f"trv:ok:{report.id}",
        f"trv:no:{report.id}",
    ]

    async with db.transaction() as s:
        row = await s.get(ExternalTraining, report.id)
        assert row is not None and owner is not None
        row.status, row.reason = "rejected", "Sertifikat <buram>"
        await outbox.queue_training_decision(s, row, owner, clock.now)
    decided = await rendered()
    assert all(
        isinstance(decided[(chat, part)], Skip)
        for chat in (501, 502)
        for part in ("file", "review")
    )
    notice = decided[(owner.telegram_id, "decided")]
    assert isinstance(notice, Outgoing) and "Sertifikat &lt;buram&gt;" in notice.text
