"""Personal data (UU 27/2022): the notice before the NIP and its version, withdrawal respected at
once, /dataku (everything, rate-limited), /hapus (the retention policy, nothing else left), the
operator's erasure and the audited views of personal data."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bot.config import Settings
from bot.core.content import Catalog
from bot.core.flows import Flow
from bot.core.outgoing import Outgoing, Skip
from bot.delivery.renderers.broadcasts import BroadcastRenderer
from bot.delivery.sender import Renderer
from bot.services import Services
from bot.services.privacy import EraseOutcome, ExportOutcome, render_export
from bot.services.registration import RegistrationOutcome, RegistrationStep
from bot.store import sessions
from bot.store.audience import Audience
from bot.store.privacy import personal_tables
from bot.texts.privacy import NOTICE_VERSION
from db.models import (
    AuditEntry,
    Base,
    Broadcast,
    ChatSession,
    Cooldown,
    Employee,
    JpLedgerEntry,
    OutboundMessage,
    Reminder,
    RetainedRecord,
    SentFile,
)
from db.session import Database
from tests.support import FakeClock
from tests.unit.helpers import NIP, USER, flow_token, nudges, read_all, register, take_quiz
from tests.unit.services.test_audit import (
    ADMIN,
    ADMIN_NIP,
    FILE_ID,
    OTHER,
    OTHER_NIP,
    employee_of,
    report_training,
    with_admin,
)


@pytest.fixture
def svc(settings: Settings, db: Database, catalog: Catalog, clock: FakeClock) -> Services:
    return with_admin(settings, db, catalog, clock)


async def a_full_learner(svc: Services, catalog: Catalog) -> None:
    """A learner with a module passed and its certificate, an approved /lapor report, and a
    reminder: a row in (nearly) every table that holds personal data."""
    await register(svc)
    module = catalog.modules["berakhlak"]
    await read_all(svc, module)
    await take_quiz(svc, module, right=module.ask)
    assert await svc.certificates.issue(USER, module.id) is not None
    report_id = await report_training(svc)
    await register(svc, ADMIN, ADMIN_NIP)
    assert (await svc.reviews.report_for_review(ADMIN, report_id))[1] is not None
    assert (await svc.reviews.approve(ADMIN, report_id)).credited


# --- the notice comes first, and its version is kept ----------------------------------------
async def test_the_notice_comes_before_the_nip_and_its_version_is_stored(
    svc: Services, clock: FakeClock
) -> None:
    state = await svc.registration.begin(USER)
    assert state.step == RegistrationStep.PRIVACY
    # A NIP sent before the notice was acknowledged is not taken, nor kept.
    assert (await svc.registration.submit_nip(USER, NIP)).outcome is RegistrationOutcome.STALE
    kept = await svc.registration.state(USER)
    assert kept is not None and kept.data == {}
    acknowledged_at = clock()
    result = await svc.registration.acknowledge_privacy(USER, NOTICE_VERSION)
    assert result.state is not None and result.state.step == RegistrationStep.NIP
    clock.advance(minutes=3)
    assert (await svc.registration.submit_nip(USER, NIP)).outcome is RegistrationOutcome.OK
    named = await svc.registration.submit_name(USER, "Siti Aminah")
    assert named.outcome.value == "ok" and named.state is not None
    assert (
        await svc.registration.choose_opd(USER, named.state.token, "3328")
    ).outcome.value == "ok"
    assert (
        await svc.registration.consent(USER, await flow_token(svc.registration, USER), True)
    ).outcome is RegistrationOutcome.OK
    employee = await employee_of(svc.db, USER)
    assert employee is not None
    assert (employee.privacy_version, employee.privacy_at) == (NOTICE_VERSION, acknowledged_at)
    # An acknowledgement is not repeatable on a registration that moved on.
    again = await svc.registration.acknowledge_privacy(USER, NOTICE_VERSION)
    assert again.outcome is RegistrationOutcome.STALE


async def test_registering_without_the_optional_messages_sends_none(
    svc: Services, clock: FakeClock
) -> None:
    """Reminders and announcements that are not required rest on consent: "tanpa pengingat"
    means neither is sent, while the ledger is kept all the same (a legal duty)."""
    await svc.registration.begin(USER)
    await svc.registration.acknowledge_privacy(USER, NOTICE_VERSION)
    await svc.registration.submit_nip(USER, NIP)
    named = await svc.registration.submit_name(USER, "Siti Aminah")
    assert named.state is not None
    await svc.registration.choose_opd(USER, named.state.token, "3328")
    result = await svc.registration.consent(
        USER, await flow_token(svc.registration, USER), True, optional=False
    )
    assert result.outcome is RegistrationOutcome.OK
    status = await svc.privacy.status(USER)
    assert status is not None and not status.reminders_on and not status.announcements_on
    clock.advance(days=2)
    assert (await svc.reminders.tick()).enqueued == 0
    assert await svc.broadcasts.count(Audience()) == 0
    assert await svc.broadcasts.count(Audience(required=True)) == 1


async def test_an_account_from_before_the_notice_acknowledges_the_current_version(
    svc: Services, clock: FakeClock
) -> None:
    await register(svc)
    async with svc.db.transaction() as s:
        await s.execute(update(Employee).values(privacy_version=None, privacy_at=None))
    status = await svc.privacy.status(USER)
    assert status is not None and not status.current
    acknowledged = await svc.privacy.acknowledge(USER)
    assert acknowledged is not None and acknowledged.current
    assert acknowledged.acknowledged_at == clock()
    clock.advance(days=1)
    again = await svc.privacy.acknowledge(USER)  # nothing changes on a second tap
    assert again is not None and again.acknowledged_at == clock() - timedelta(days=1)


# --- withdrawal, respected at once ----------------------------------------------------------
async def test_withdrawing_from_announcements_is_respected_at_once(svc: Services) -> None:
    await register(svc)
    await register(svc, OTHER, OTHER_NIP)
    await register(svc, ADMIN, ADMIN_NIP)
    assert await svc.broadcasts.count(Audience()) == 3
    queued = await announce(svc, Audience())
    # Withdrawn after it was queued: the renderer skips it when the sender gets to it.
    assert await svc.privacy.set_announcements(USER, False) is not None
    assert await svc.broadcasts.count(Audience()) == 2
    rendered = await broadcast_renderer(svc)(queued)
    by_chat = {row.chat_id: rendered[row.id] for row in queued}
    assert isinstance(by_chat[USER], Skip)
    assert isinstance(by_chat[OTHER], Outgoing)
    # A new announcement leaves them out; a required (official) one still reaches them.
    assert {r.chat_id for r in await announce(svc, Audience())} == {OTHER, ADMIN}
    required = await announce(svc, Audience(required=True))
    assert {r.chat_id for r in required} == {USER, OTHER, ADMIN}
    rendered = await broadcast_renderer(svc)(required)
    assert all(isinstance(m, Outgoing) for m in rendered.values())
    # And back in, with one tap.
    assert await svc.privacy.set_announcements(USER, True) is not None
    assert await svc.broadcasts.count(Audience()) == 3


async def test_withdrawing_from_reminders_skips_one_already_queued(
    svc: Services, clock: FakeClock
) -> None:
    await register(svc)
    clock.advance(hours=9, minutes=31)  # 19:31 WIB: the default reminder is due
    assert (await svc.reminders.tick()).enqueued == 1
    async with svc.db.transaction() as s:
        employee_id = await s.scalar(select(Employee.id).where(Employee.telegram_id == USER))
    assert employee_id is not None
    status = await svc.privacy.set_reminders(USER, False)
    assert status is not None and not status.reminders_on
    rendered = await nudges(svc).render([employee_id])
    assert isinstance(rendered[employee_id], Skip)
    clock.advance(days=1)
    assert (await svc.reminders.tick()).enqueued == 0


async def announce(svc: Services, audience: Audience) -> list[OutboundMessage]:
    """Queue an announcement to ``audience`` as the superadmin; its outbox rows."""
    await svc.drafts.begin(ADMIN)
    # Every step draws a new token (``sessions.expect``): each next button carries the latest.
    view = await svc.drafts.submit_content(ADMIN, "Info <b>penting</b>", None, None)
    assert view.draft is not None
    view = await svc.drafts.set_button(ADMIN, view.draft.token, "none")
    assert view.draft is not None
    if audience.required:
        view = await svc.drafts.change_audience(ADMIN, view.draft.token, "req", "x")
    assert view.draft is not None
    outcome, broadcast = await svc.broadcasts.confirm(ADMIN, view.draft.token, None, ADMIN)
    assert broadcast is not None, outcome
    async with svc.db.transaction() as s:
        rows = await s.scalars(
            select(OutboundMessage).where(OutboundMessage.broadcast_id == broadcast.id)
        )
        return list(rows.all())


def broadcast_renderer(svc: Services) -> Renderer:
    return BroadcastRenderer(svc.db).render


# --- /dataku ---------------------------------------------------------------------------------
async def test_the_export_holds_every_stored_row_and_column(
    svc: Services, catalog: Catalog
) -> None:
    await a_full_learner(svc, catalog)
    export = await svc.privacy.export(USER)
    assert export.outcome is ExportOutcome.OK and export.data is not None
    sections = export.data.sections
    employee = sections["employees"][0]
    assert (employee["nip"], employee["name"], employee["telegram_id"]) == (
        NIP.replace(" ", ""),
        "Siti Aminah",
        USER,
    )
    # Every table that refers to the employee is there, with every column of the table.
    for table in personal_tables():
        assert table.name in sections, table.name
        for row in sections[table.name]:
            assert set(row) == {c.key for c in table.columns}, table.name
    for name in ("jp_ledger", "module_progress", "quiz_attempts", "quiz_answers", "certificates"):
        assert sections[name], name
    assert [r["file_id"] for r in sections["external_trainings"]] == [FILE_ID]
    assert sections["certificates"][0]["certificate_no"].startswith("SB-2026-")
    assert sections["reminders"][0]["minute_of_day"] == 19 * 60 + 30
    # The admin who opened the report is named in the audit section, by name, not by id.
    views = [a for a in sections["audit_log"] if a["action"] == "view.training_report"]
    assert [v["actor"] for v in views] == ["Siti Aminah"]  # the admin registered under that name
    pdf, raw = await render_export(export, svc.settings)
    assert pdf.startswith(b"%PDF")
    document = json.loads(raw)
    assert document["privacy_notice_version"] == NOTICE_VERSION
    assert document["tables"]["external_trainings"][0]["file_id"] == FILE_ID
    assert document["tables"]["employees"][0]["nip"] == NIP.replace(" ", "")
    assert document["labels"]["nip"] == "NIP"


async def test_the_export_is_rate_limited_per_user(svc: Services, clock: FakeClock) -> None:
    await register(svc)
    await register(svc, OTHER, OTHER_NIP)
    assert (await svc.privacy.export(USER)).outcome is ExportOutcome.OK
    clock.advance(minutes=20)
    refused = await svc.privacy.export(USER)
    assert refused.outcome is ExportOutcome.COOLDOWN and refused.wait_minutes == 40
    assert (await svc.privacy.export(OTHER)).outcome is ExportOutcome.OK  # per user
    clock.advance(minutes=40)
    assert (await svc.privacy.export(USER)).outcome is ExportOutcome.OK
    assert (await svc.privacy.export(4242)).outcome is ExportOutcome.NOT_REGISTERED


async def test_two_exports_at_once_make_one(svc: Services, db: Database) -> None:
    """The limit is a conditional update: on PostgreSQL the two really run at once."""
    await register(svc)
    if not db.is_sqlite:
        connections = [await db.engine.connect() for _ in range(3)]
        for connection in connections:
            await connection.close()
    results = await asyncio.gather(*(svc.privacy.export(USER) for _ in range(3)))
    outcomes = sorted(r.outcome.value for r in results)
    assert outcomes == ["cooldown", "cooldown", "ok"]


# --- /hapus ----------------------------------------------------------------------------------
async def rows_about(db: Database, employee_id: int, telegram_id: int) -> dict[str, int]:
    """How many rows of each personal table still refer to the employee (or their chat)."""
    counts: dict[str, int] = {}
    async with db.transaction() as s:
        counts["employees"] = int(
            await s.scalar(select(func.count()).where(Employee.id == employee_id)) or 0
        )
        for table in personal_tables():
            if "employee_id" in table.c:
                query = select(func.count()).where(table.c.employee_id == employee_id)
                counts[table.name] = int(await s.scalar(query) or 0)
        counts["chat_sessions"] = int(
            await s.scalar(select(func.count()).where(ChatSession.telegram_id == telegram_id)) or 0
        )
        counts["outbound_messages_chat"] = int(
            await s.scalar(select(func.count()).where(OutboundMessage.chat_id == telegram_id)) or 0
        )
        counts["sent_files"] = int(
            await s.scalar(select(func.count()).where(SentFile.owner == telegram_id)) or 0
        )
        counts["cooldowns"] = int(
            await s.scalar(select(func.count()).where(Cooldown.telegram_id == telegram_id)) or 0
        )
    return counts


async def test_erasure_keeps_only_the_retained_ledger_and_an_audit_entry_without_the_data(
    svc: Services, catalog: Catalog, clock: FakeClock
) -> None:
    await a_full_learner(svc, catalog)
    await register(svc, OTHER, OTHER_NIP)
    employee = await employee_of(svc.db, USER)
    assert employee is not None
    async with svc.db.transaction() as s:
        mine = select(JpLedgerEntry).where(JpLedgerEntry.employee_id == employee.id)
        ledger = list((await s.scalars(mine)).all())
    assert len(ledger) == 2  # the module and the approved outside training
    other = await employee_of(svc.db, OTHER)
    assert other is not None
    for person in (USER, OTHER):  # a file sent to each, and a cooldown each
        await svc.files.remember(person, "transcript", "digest", "document", f"file-{person}")
        async with svc.db.transaction() as s:
            s.add(Cooldown(telegram_id=person, action="transcript", until=clock()))
    before_other = await rows_about(svc.db, other.id, OTHER)
    assert before_other["sent_files"] == 1 and before_other["cooldowns"] == 1

    plan = await svc.privacy.begin_erase(USER)
    assert plan is not None and plan.entries == 2
    # A button of another confirmation (a forged or older token) erases nothing.
    assert (await svc.privacy.confirm_erase(USER, "00000000")).outcome is EraseOutcome.STALE
    assert await employee_of(svc.db, USER) is not None
    erased = await svc.privacy.confirm_erase(USER, plan.token)
    assert erased.outcome is EraseOutcome.OK and erased.retained == 2
    assert erased.keep_until == clock().replace(year=clock().year + 5)
    # The same button again: that confirmation is used up.
    assert (await svc.privacy.confirm_erase(USER, plan.token)).outcome is EraseOutcome.STALE

    left = await rows_about(svc.db, employee.id, USER)
    assert set(left.values()) == {0}, left
    assert await rows_about(svc.db, other.id, OTHER) == before_other
    async with svc.db.transaction() as s:
        retained = list((await s.scalars(select(RetainedRecord).order_by(RetainedRecord.id))).all())
        erasures = select(AuditEntry).where(AuditEntry.action == "privacy.erase")
        audit = list((await s.scalars(erasures)).all())
    assert [(r.nip, r.source_kind, r.minutes) for r in retained] == [
        (employee.nip, e.source_kind, e.minutes) for e in ledger
    ]
    module_row = next(r for r in retained if r.source_kind == "module")
    assert module_row.certificate_no is not None and module_row.certificate_no.startswith("SB-")
    for record in retained:
        text = json.dumps(record.evidence)
        assert FILE_ID not in text and "file_id" not in text
        assert record.keep_until == erased.keep_until
    assert len(audit) == 1
    params = json.dumps(audit[0].params) + str(audit[0].actor_telegram_id)
    for erased_value in (employee.nip, employee.name, str(USER)):
        assert erased_value not in params
    assert audit[0].params["by"] == "self" and audit[0].params["retained_records"] == 2
    # The certificate no longer verifies; the person can register again, from the notice.
    assert (await svc.registration.begin(USER)).step == RegistrationStep.PRIVACY


async def test_an_expired_confirmation_and_cancel_erase_nothing(
    svc: Services, clock: FakeClock
) -> None:
    await register(svc)
    plan = await svc.privacy.begin_erase(USER)
    assert plan is not None
    clock.advance(minutes=plan.minutes + 1)
    assert (await svc.privacy.confirm_erase(USER, plan.token)).outcome is EraseOutcome.STALE
    plan = await svc.privacy.begin_erase(USER)  # a new one replaces it
    assert plan is not None
    assert await svc.privacy.cancel_erase(USER, plan.token)
    assert not await svc.privacy.cancel_erase(USER, plan.token)
    assert (await svc.privacy.confirm_erase(USER, plan.token)).outcome is EraseOutcome.STALE
    assert await employee_of(svc.db, USER) is not None
    assert await svc.privacy.begin_erase(4242) is None


async def test_erasure_leaves_an_announcements_counts_whole(svc: Services) -> None:
    """The person's rows of an announcement stay, detached (nobody's chat), so recipients still
    add up; one still waiting is not sent."""
    await register(svc)
    await register(svc, OTHER, OTHER_NIP)
    await register(svc, ADMIN, ADMIN_NIP)
    queued = await announce(svc, Audience())
    broadcast_id = queued[0].broadcast_id
    plan = await svc.privacy.begin_erase(USER)
    assert plan is not None
    assert (await svc.privacy.confirm_erase(USER, plan.token)).outcome is EraseOutcome.OK
    async with svc.db.transaction() as s:
        query = select(OutboundMessage).where(OutboundMessage.broadcast_id == broadcast_id)
        rows = (await s.scalars(query)).all()
        broadcast = await s.get(Broadcast, broadcast_id)
    assert broadcast is not None and len(rows) == broadcast.recipients == 3
    detached = [r for r in rows if r.employee_id is None]
    assert [(r.chat_id, r.status, r.error) for r in detached] == [(0, "skipped", "erased")]
    assert sorted(r.chat_id for r in rows if r.employee_id is not None) == [OTHER, ADMIN]


async def test_two_confirmations_at_once_erase_once(svc: Services, db: Database) -> None:
    await register(svc)
    plan = await svc.privacy.begin_erase(USER)
    assert plan is not None
    if not db.is_sqlite:
        connections = [await db.engine.connect() for _ in range(2)]
        for connection in connections:
            await connection.close()
    results = await asyncio.gather(*(svc.privacy.confirm_erase(USER, plan.token) for _ in range(2)))
    assert sorted(r.outcome.value for r in results) == ["ok", "stale"]
    async with db.transaction() as s:
        erasures = select(func.count()).where(AuditEntry.action == "privacy.erase")
        assert await s.scalar(erasures) == 1


async def test_the_operator_erases_by_nip(svc: Services) -> None:
    await register(svc)
    target = await svc.privacy.find_for_operator(NIP)
    assert target is not None and target.name == "Siti Aminah" and target.entries == 0
    erased = await svc.privacy.erase_by_operator(NIP)
    assert erased.outcome is EraseOutcome.OK and erased.telegram_id == USER
    assert await employee_of(svc.db, USER) is None
    assert (await svc.privacy.erase_by_operator(NIP)).outcome is EraseOutcome.NOT_REGISTERED
    async with svc.db.transaction() as s:
        entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.erase"))
    assert entry is not None and entry.actor_telegram_id == 0 and entry.params["by"] == "operator"


def test_every_personal_table_goes_with_the_employee() -> None:
    """Erasure deletes the employee row and relies on the database for the rest: every foreign
    key into a personal table must cascade (or a new table would keep data, or block /hapus)."""
    personal = {t.name for t in personal_tables()} | {Employee.__tablename__}
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name in personal:
                assert fk.ondelete in ("CASCADE", "SET NULL"), (table.name, fk.parent.name)


# --- abandoned flows, retention, audited views -------------------------------------------------
async def backdate(db: Database, telegram_id: int, hours: float, clock: FakeClock) -> None:
    async with db.transaction() as s:
        await s.execute(
            update(ChatSession)
            .where(ChatSession.telegram_id == telegram_id)
            .values(updated_at=clock() - timedelta(hours=hours))
        )


async def test_abandoned_flows_are_purged_after_the_ttl(svc: Services, clock: FakeClock) -> None:
    await svc.registration.begin(USER)  # abandoned with a NIP in it
    await svc.registration.acknowledge_privacy(USER, NOTICE_VERSION)
    await svc.registration.submit_nip(USER, NIP)
    await register(svc, OTHER, OTHER_NIP)
    assert await svc.trainings.begin(OTHER) is not None  # an abandoned /lapor
    await svc.trainings.answer(OTHER, "Webinar Literasi Digital")
    await svc.registration.begin(3003)  # fresh: stays
    await backdate(svc.db, USER, 49, clock)
    await backdate(svc.db, OTHER, 48.5, clock)
    await backdate(svc.db, 3003, 47, clock)
    cleaned = await svc.housekeeping.run()
    assert cleaned.sessions == 2
    async with svc.db.transaction() as s:
        assert await sessions.get_state(s, USER) is None
        assert await sessions.get_state(s, OTHER) is None
        kept = await sessions.get_state(s, 3003)
    assert kept is not None and kept.flow == Flow.REGISTER


async def test_the_retained_ledger_and_old_audit_entries_expire(
    svc: Services, catalog: Catalog, clock: FakeClock
) -> None:
    await register(svc)
    module = catalog.modules["berakhlak"]
    await read_all(svc, module)
    await take_quiz(svc, module, right=module.ask)
    assert (await svc.privacy.erase_by_operator(NIP)).retained == 1
    clock.advance(days=365 * 5 - 2)
    assert (await svc.housekeeping.run()).retained == 0
    clock.advance(days=4)  # five years (one with 29 February) and a day
    cleaned = await svc.housekeeping.run()
    assert cleaned.retained == 1 and cleaned.audit >= 1  # the erasure's entry is 5 years old
    async with svc.db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(RetainedRecord)) == 0


async def test_admins_views_of_personal_data_are_audited_and_shown_to_the_person(
    svc: Services, catalog: Catalog
) -> None:
    await register(svc)  # OPD 3328
    await register(svc, ADMIN, ADMIN_NIP)
    await register(svc, OTHER, OTHER_NIP)
    async with svc.db.transaction() as s:
        await s.execute(
            update(Employee).where(Employee.telegram_id == OTHER).values(opd_code="3301")
        )
    report_id = await report_training(svc)
    employee = await employee_of(svc.db, USER)
    assert employee is not None
    names = {code: opd.name for code, opd in catalog.opds.items()}

    assert await svc.reviews.pending(ADMIN)  # the queue names the employee
    await svc.reviews.report_for_review(ADMIN, report_id)  # the report and its certificate
    assert await svc.reports.file(ADMIN, "xlsx", "3328", 2026, names) is not None
    assert await svc.reports.file(ADMIN, "siasn", None, 2026, names) is not None
    assert await svc.reports.file(ADMIN, "recap", None, 2026, names) is not None  # no names
    await svc.roles.find(ADMIN, NIP)

    async with svc.db.transaction() as s:
        query = select(AuditEntry).where(AuditEntry.action.like("view.%")).order_by(AuditEntry.id)
        views = list((await s.scalars(query)).all())
    assert [(v.action, v.actor_telegram_id) for v in views] == [
        ("view.training_queue", ADMIN),
        ("view.training_report", ADMIN),
        ("view.export.xlsx", ADMIN),
        ("view.export.siasn", ADMIN),
        ("view.role_lookup", ADMIN),
    ]
    assert views[1].params == {"employee_id": employee.id, "report_id": report_id}
    assert views[2].params == {"opd": "3328"}
    assert views[3].params == {"scope": "province"}

    mine = await svc.privacy.export(USER)
    theirs = await svc.privacy.export(OTHER)
    assert mine.data is not None and theirs.data is not None
    seen = [a["action"] for a in mine.data.sections["audit_log"] if a["action"].startswith("view.")]
    assert seen == [v.action for v in views]
    # Another OPD's employee sees the province export, not the views of somebody else.
    other_seen = [
        a["action"] for a in theirs.data.sections["audit_log"] if a["action"].startswith("view.")
    ]
    assert other_seen == ["view.export.siasn"]


async def test_reminders_of_an_erased_learner_are_not_recreated(svc: Services) -> None:
    await register(svc)
    assert (await svc.privacy.erase_by_operator(NIP)).outcome is EraseOutcome.OK
    await svc.reminders.schedule_missing()
    async with svc.db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(Reminder)) == 0
