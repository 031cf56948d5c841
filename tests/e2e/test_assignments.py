"""Required learning end to end: /tugas assigns a path to one OPD, learners see "📌 Wajib",
reminders come 7 and 1 days before, on the day and weekly while overdue (each once, also
across a restart), completing stops them, a recurrence assigns again, and an OPD admin's
forged audience stays in their OPD."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from telegram.ext import Application

from bot.app.application import build_application, polling, services_of, worker_of
from bot.config import Settings
from bot.core.callbacks import AssignDraftButton, AssignmentButton
from bot.core.content import Catalog
from bot.emulator import BotMessage, FakeBotApi, FakeUser
from bot.services.assignments import Spec
from bot.store.audience import Audience
from db.models import Assignment, AuditEntry
from tests.e2e.helpers import NIP, register, say, tap
from tests.e2e.hours_helpers import NIP_OTHER, add_employee, callback_answer, credit_module, grant
from tests.support import FakeClock

WIB = ZoneInfo("Asia/Jakarta")
ADMIN = 9600
HEAD = "Pengingat pembelajaran wajib"


def at_wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB).astimezone(UTC)


def app_for(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> Application:
    settings = settings.model_copy(
        update={"telegram_api_base_url": fake.base_url, "admin_ids": frozenset({ADMIN})}
    )
    return build_application(
        settings, catalog=catalog, clock=clock, rng=random.Random(3), run_ticks=False
    )


async def tick(app: Application) -> None:
    await services_of(app).assignments.tick()
    worker_of(app).sender.wake()


def reminders_to(fake: FakeBotApi, user: FakeUser) -> list[str]:
    return [
        c.params["text"]
        for c in fake.calls_to("sendMessage")
        if c.response_ok
        and str(c.params.get("chat_id")) == str(user.id)
        and HEAD in c.params["text"]
    ]


async def superadmin(fake: FakeBotApi) -> FakeUser:
    """The superadmin (SINAU_ADMIN_IDS), with a chat open: verification requests reach it."""
    admin = fake.user(ADMIN, first_name="Admin", last_name="BPSDMD")
    await say(admin, "/bantuan", "Sinau Bareng")
    return admin


def sent_count(fake: FakeBotApi, user: FakeUser, count: int) -> Callable[[], bool]:
    return lambda: len(reminders_to(fake, user)) == count


async def settle(fake: FakeBotApi) -> None:
    await asyncio.sleep(0.4)


async def test_a_superadmin_assigns_a_path_to_one_opd_and_only_its_learners_see_it(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    app = app_for(fake, settings, catalog, clock)
    async with polling(app, poll_timeout=1):
        admin = await superadmin(fake)
        learner = fake.user(8301, first_name="Siti", last_name="Aminah")
        await register(fake, learner, app=app)  # Kabupaten Tegal, 3328
        await add_employee(app, 8302, NIP_OTHER, "3374", "Rina Lestari")
        other = fake.user(8302, first_name="Rina", last_name="Lestari")

        await say(admin, "/tugas", "Penugasan")
        await tap(admin, "Penugasan baru", "1/6 Apa")
        who = await tap(admin, "Orientasi PPPK", "2/6 Siapa")
        assert who.text is not None and "Jumlah pegawai saat ini: 2" in who.text
        await say(admin, "opd: 9999", "Filter tidak dikenali")
        who = await say(admin, "opd: 3328", "Jumlah pegawai saat ini: 1")
        await tap(admin, "Lanjut: tenggat", "3/6 Tenggat")
        await say(admin, "01/01/2020", "tidak boleh di masa lalu")
        await say(admin, "31/12/2030", "paling lambat 2 tahun")
        await say(admin, "15/12/2026", "4/6 Pengulangan")
        await say(admin, "0", "0 bulan tidak bisa")
        await tap(admin, "Sekali saja", "5/6 Pendatang baru")
        preview = await tap(admin, "30 hari (bawaan)", "6/6 Pratinjau")
        assert preview.text is not None and "Jumlah pegawai: 1" in preview.text
        assert "jalur Orientasi PPPK (5 modul)" in preview.text
        # A button of an earlier step of this draft is stale now.
        stale = admin.press(who.message_id, AssignDraftButton("00000000", "who").pack())
        assert "draf lama" in await callback_answer(fake, stale)
        await tap(admin, "Tugaskan", "dibuat untuk 1 pegawai")

        mine = await say(learner, "/belajar", "Katalog modul")
        assert mine.text is not None and "📌 Wajib" in mine.text
        assert "Orientasi PPPK" in mine.text and "15-12-2026 (20 hari lagi)" in mine.text
        assert any(label.startswith("📌 Orientasi PPPK") for label in mine.button_texts)
        theirs = await say(other, "/belajar", "Katalog modul")
        assert theirs.text is not None and "📌 Wajib" not in theirs.text

        listing = await say(admin, "/tugas", "Penugasan")
        assert listing.text is not None and "Orientasi PPPK" in listing.text
        assert "1 orang" in listing.text
        report = await say(admin, "/laporan", "Kepatuhan pembelajaran wajib")
        assert report.text is not None and "Orientasi PPPK: 0/1 selesai (0,0%)" in report.text
        detail = await tap(admin, "1. Orientasi PPPK", "Peserta: 1", listing.message_id)
        assert detail.text is not None and "tepat waktu 0" in detail.text
        asked = await tap(admin, "Batalkan penugasan", "tidak bisa diurungkan", detail.message_id)
        back = await tap(admin, "Tidak, kembali", "Peserta: 1", asked.message_id)
        asked = await tap(admin, "Batalkan penugasan", "tidak bisa diurungkan", back.message_id)
        confirm = next(
            b["callback_data"] for b in asked.buttons if "Ya, batalkan" in b.get("text", "")
        )
        await tap(admin, "Ya, batalkan", "dibatalkan", asked.message_id)
        repeat = admin.press(asked.message_id, confirm)  # the same confirmation once more
        assert "sudah dibatalkan" in await callback_answer(fake, repeat)
        async with services_of(app).db.transaction() as s:
            cancels = await s.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "assignment.cancel")
            )
        assert cancels == 1
        again = await say(learner, "/belajar", "Katalog modul")
        assert again.text is not None and "📌 Wajib" not in again.text
        assert fake.violations == []


async def _assign(app: Application, due: date, months: int | None = None) -> int:
    created = await services_of(app).assignments.create(
        ADMIN, Spec("module", "gratifikasi", Audience(opd="3328"), due, months)
    )
    assert created.assignment is not None
    return created.assignment.id


async def test_reminders_before_on_and_after_the_due_date_each_once_across_a_restart(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    learner = fake.user(8311, first_name="Siti", last_name="Aminah")
    first = app_for(fake, settings, catalog, clock)
    async with polling(first, poll_timeout=1):
        await superadmin(fake)
        await register(fake, learner, app=first)
        await _assign(first, date(2026, 12, 10))
        for day in (25, 26, 30):  # not a reminder day yet
            clock.now = at_wib(2026, 11, day, 10)
            await tick(first)
        clock.now = at_wib(2026, 12, 3, 9, 0)  # 7 days before
        await tick(first)
        sent = await learner.wait_for_reply(lambda m: HEAD in (m.text or ""))
        assert sent.text is not None and "7 hari lagi" in sent.text
        assert sent.button_texts and "Gratifikasi" in sent.button_texts[0]
    second = app_for(fake, settings, catalog, clock)  # a deploy: the same day once more
    async with polling(second, poll_timeout=1):
        await tick(second)
        await settle(fake)
        assert len(reminders_to(fake, learner)) == 1
        expected = {date(2026, 12, 9): 2, date(2026, 12, 10): 3, date(2026, 12, 17): 4}
        expected |= {date(2026, 12, 24): 5}
        when = date(2026, 12, 4)
        while when <= date(2026, 12, 24):
            clock.now = datetime(when.year, when.month, when.day, 10, tzinfo=WIB).astimezone(UTC)
            await tick(second)
            if when in expected:
                await fake.wait_for(sent_count(fake, learner, expected[when]))
            when = date.fromordinal(when.toordinal() + 1)
        await settle(fake)
        texts_sent = reminders_to(fake, learner)
        assert len(texts_sent) == 5
        assert "1 hari lagi" in texts_sent[1] and "hari ini" in texts_sent[2]
        assert "terlambat 7 hari" in texts_sent[3] and "terlambat 14 hari" in texts_sent[4]
        assert fake.violations == []


async def test_completing_stops_the_reminders_and_a_recurrence_assigns_again(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    learner = fake.user(8321, first_name="Siti", last_name="Aminah")
    app = app_for(fake, settings, catalog, clock)
    async with polling(app, poll_timeout=1):
        await superadmin(fake)
        await register(fake, learner, app=app)
        once = await _assign(app, date(2026, 12, 10))
        clock.now = at_wib(2026, 12, 3, 10)
        await tick(app)
        await fake.wait_for(lambda: len(reminders_to(fake, learner)) == 1)
        # The learner passes the module (the ledger's credit, in minutes).
        await credit_module(app, learner.id, "gratifikasi", 20)
        async with services_of(app).db.transaction() as s:
            from sqlalchemy import update

            from db.models import JpLedgerEntry

            await s.execute(update(JpLedgerEntry).values(credited_at=at_wib(2026, 12, 4, 8)))
        for day in (9, 10, 17):
            clock.now = at_wib(2026, 12, day, 10)
            await tick(app)
        await settle(fake)
        assert len(reminders_to(fake, learner)) == 1  # completing stopped them
        page = await say(learner, "/belajar", "Katalog modul")
        assert page.text is not None and "selesai ✅" in page.text

        await services_of(app).assignments.cancel(ADMIN, once)
        yearly = await _assign(app, date(2026, 12, 20), months=12)
        async with services_of(app).db.transaction() as s:
            assignment = await s.get(Assignment, yearly)
            assert assignment is not None and assignment.status == "active"
        clock.now = at_wib(2026, 12, 19, 10)  # its first reminder day
        await tick(app)  # completed within the window: nothing to remind, next cycle set
        await settle(fake)
        assert len(reminders_to(fake, learner)) == 1
        # A year later the completion expires on 4 December 2027: reminded 7 days before.
        clock.now = at_wib(2027, 11, 27, 10)
        await tick(app)
        await fake.wait_for(lambda: len(reminders_to(fake, learner)) == 2)
        assert "04-12-2027" in reminders_to(fake, learner)[-1]
        clock.now = at_wib(2027, 12, 5, 10)
        page = await say(learner, "/belajar", "Katalog modul")
        assert page.text is not None and "terlambat 1 hari" in page.text
        assert fake.violations == []


async def test_an_opd_admins_forged_audience_stays_in_their_opd(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    app = app_for(fake, settings, catalog, clock)
    async with polling(app, poll_timeout=1):
        await superadmin(fake)
        officer = fake.user(8331, first_name="Budi", last_name="Santoso")
        await register(fake, officer, app=app)
        await grant(app, officer.id, "opd_admin", "3328")
        await add_employee(app, 8332, NIP_OTHER, "3374", "Rina Lestari")
        await say(officer, "/tugas", "Penugasan")
        await tap(officer, "Penugasan baru", "1/6 Apa")
        who: BotMessage = await say(officer, "gratifikasi", "2/6 Siapa")
        assert who.text is not None and "Kabupaten Tegal" in who.text
        token = next(
            b["callback_data"].split(":")[1]
            for b in who.buttons
            if b.get("callback_data", "").startswith("tgd:")
        )
        forged = officer.press(who.message_id, AssignDraftButton(token, "opd", "3374").pack())
        assert "instansinya sendiri" in await callback_answer(fake, forged)
        everyone = officer.press(who.message_id, AssignDraftButton(token, "opd").pack())
        assert "instansinya sendiri" in await callback_answer(fake, everyone)
        await say(officer, "opd: 3374", "instansinya sendiri")
        await tap(officer, "Lanjut: tenggat", "3/6 Tenggat")
        await say(officer, "20/12/2026", "4/6 Pengulangan")
        await tap(officer, "Tiap 12 bulan", "5/6 Pendatang baru")
        await say(officer, "0", "1 sampai 365 hari")
        await say(officer, "400 hari", "1 sampai 365 hari")
        preview = await say(officer, "45 hari", "6/6 Pratinjau")
        assert preview.text is not None and "tenggat 45 hari setelah masuk" in preview.text
        await tap(officer, "Tugaskan", "dibuat untuk 1 pegawai")
        async with services_of(app).db.transaction() as s:
            rows = list(await s.scalars(select(Assignment)))
        assert [(a.audience, a.scope_opd, a.recurrence_months, a.join_days) for a in rows] == [
            ({"opd": "3328"}, "3328", 12, 45)
        ]
        assert NIP  # the officer's own NIP registered in 3328
        assert fake.violations == []


async def test_bad_input_in_the_creation_flow_gets_a_reply_and_changes_nothing(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    app = app_for(fake, settings, catalog, clock)
    async with polling(app, poll_timeout=1):
        admin = await superadmin(fake)
        learner = fake.user(8341, first_name="Siti", last_name="Aminah")
        await register(fake, learner, app=app)
        await say(admin, "/tugas", "Penugasan")
        first = await tap(admin, "Penugasan baru", "1/6 Apa")
        old_token = next(
            b["callback_data"].split(":")[1]
            for b in first.buttons
            if b.get("callback_data", "").startswith("tgd:")
        )
        await say(admin, "tidak-ada", "“tidak-ada” tidak ada")  # a module id that does not exist
        await say(admin, "gratifikasi", "2/6 Siapa")
        # A button of the older step (the same draft, before the module was chosen).
        older = admin.press(
            first.message_id, AssignDraftButton(old_token, "what", "kearsipan", "m").pack()
        )
        assert "draf lama" in await callback_answer(fake, older)
        nobody = await say(admin, "jabatan: Tidak Ada Jabatan Ini", "Jumlah pegawai saat ini: 0")
        empty = admin.press_button("Lanjut: tenggat", message_id=nobody.message_id)
        assert "berisi 0 pegawai" in await callback_answer(fake, empty)
        await tap(admin, "Hapus filter teks", "Jumlah pegawai saat ini: 1")
        await tap(admin, "Lanjut: tenggat", "3/6 Tenggat")
        await say(admin, "kemarin", "Tanggal tidak dikenali")
        await say(admin, "24/11/2026", "tidak boleh di masa lalu")
        await say(admin, "26/11/2028", "paling lambat 2 tahun")
        await say(admin, "10/12/2026", "4/6 Pengulangan")
        await say(admin, "0 bulan", "0 bulan tidak bisa")
        await tap(admin, "Sekali saja", "5/6 Pendatang baru")
        await say(admin, "tiga puluh", "1 sampai 365 hari")
        # A new draft: every button of the previous one is stale, its confirmation included.
        preview = await tap(admin, "14 hari", "6/6 Pratinjau")
        await say(admin, "/tugas", "Penugasan")
        await tap(admin, "Penugasan baru", "1/6 Apa")
        confirm = next(
            b["callback_data"] for b in preview.buttons if "Tugaskan" in b.get("text", "")
        )
        stale = admin.press(preview.message_id, confirm)
        assert "draf lama" in await callback_answer(fake, stale)
        forged = admin.press(preview.message_id, "tgd:zz:ok:garbage")
        assert await callback_answer(fake, forged)
        async with services_of(app).db.transaction() as s:
            assert list(await s.scalars(select(Assignment))) == []
            audits = await s.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action.like("assignment.%"))
            )
            assert audits == 0
        assert fake.violations == []


async def test_an_opd_admin_sees_a_superadmins_assignment_to_their_opd_read_only(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    app = app_for(fake, settings, catalog, clock)
    async with polling(app, poll_timeout=1):
        await superadmin(fake)
        officer = fake.user(8351, first_name="Budi", last_name="Santoso")
        await register(fake, officer, app=app)
        await grant(app, officer.id, "opd_admin", "3328")
        await add_employee(app, 8352, NIP_OTHER, "3374", "Rina Lestari")
        theirs = await _assign(app, date(2026, 12, 10))  # the superadmin's, for 3328
        created = await services_of(app).assignments.create(
            ADMIN, Spec("module", "kearsipan", Audience(opd="3374"), date(2026, 12, 10))
        )
        assert created.assignment is not None
        listing = await say(officer, "/tugas", "Penugasan")
        assert listing.text is not None and "hanya lihat" in listing.text
        assert "Kearsipan" not in listing.text  # another OPD's is not listed
        detail = await tap(officer, "1. ", "Peserta: 1", listing.message_id)
        assert detail.text is not None and "tidak dapat membatalkan" in detail.text
        assert not any("Batalkan" in label for label in detail.button_texts)
        assert any("XLSX" in label for label in detail.button_texts)
        for action in ("cancel", "cancelok", "extend"):
            forged = officer.press(detail.message_id, AssignmentButton(action, theirs).pack())
            answer = await callback_answer(fake, forged)
            assert "hanya dapat melihat" in answer or "instansinya sendiri" in answer, action
        other = officer.press(
            detail.message_id, AssignmentButton("open", created.assignment.id).pack()
        )
        assert "instansinya sendiri" in await callback_answer(fake, other)
        async with services_of(app).db.transaction() as s:
            statuses = set(await s.scalars(select(Assignment.status)))
        assert statuses == {"active"}
        assert fake.violations == []
