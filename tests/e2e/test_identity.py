"""Every hour belongs to a verified person, end to end: an admin confirms or refuses an account,
failed attempts are limited, a NIP moves to a new account only by a transfer an admin approves
(the old account loses access), nobody reviews their own report, a revoked admin's schedule
never goes out, and appointments are announced with the commands they bring."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from telegram.ext import Application

from bot.app.application import build_application, polling, services_of
from bot.config import Settings
from bot.core.content import Catalog
from bot.emulator import FakeBotApi, FakeUser
from bot.texts import hours as ht
from db.models import Broadcast, Employee
from tests.e2e.helpers import NIP, register, say, start_registration, tap
from tests.e2e.hours_helpers import NIP_ADMIN, add_employee, callback_answer, grant
from tests.support import FakeClock

SUPER = 9700


def app_for(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> Application:
    settings = settings.model_copy(
        update={"telegram_api_base_url": fake.base_url, "admin_ids": frozenset({SUPER})}
    )
    return build_application(
        settings, catalog=catalog, clock=clock, rng=random.Random(4), run_ticks=False
    )


async def review_of(admin: FakeUser, nip: str) -> int:
    """The review notice an admin got for ``nip``: its message id."""
    message = await admin.wait_for_reply(lambda m: nip in (m.text or "") and bool(m.buttons))
    return message.message_id


async def test_an_admin_confirms_or_refuses_an_account(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    app = app_for(fake, settings, catalog, clock)
    admin = fake.user(9701, first_name="Budi", last_name="Santoso", started=True)
    learner = fake.user(9702, first_name="Siti", last_name="Aminah", username="siti_a")
    impostor = fake.user(9703, first_name="Joko", username="joko")
    async with polling(app, poll_timeout=1):
        await add_employee(app, admin.id, NIP_ADMIN, "3328", "Budi Santoso")
        await grant(app, admin.id, "opd_admin", "3328")
        await register(fake, learner)
        profile = await say(learner, "/profil", "Profil Bapak/Ibu")
        assert "menunggu verifikasi" in (profile.text or "")
        hours = await say(learner, "/jp", "Rekap JP")
        assert "menunggu verifikasi" in (hours.text or "")
        # The OPD admin reads the NIP, the name typed, the Telegram name and username.
        review = await admin.wait_for_reply(lambda m: "Verifikasi akun" in (m.text or ""))
        assert review.text is not None
        for shown in ("198609262015051001", "Siti Aminah", "@siti_a", str(learner.id)):
            assert shown in review.text, shown
        confirm = review.buttons[0]["callback_data"]
        await tap(admin, "Konfirmasi", "dikonfirmasi", message_id=review.message_id)
        await learner.wait_for_reply(lambda m: "diverifikasi" in (m.text or ""))
        profile = await say(learner, "/profil", "Profil Bapak/Ibu")
        assert "terverifikasi" in (profile.text or "")
        # A second press of the decided request: told who decided.
        again = admin.press(review.message_id, confirm)
        assert "sudah diputuskan oleh Budi Santoso" in await callback_answer(fake, again)

        # An impostor claiming another NIP is refused with a reason, and loses the claim.
        await register(fake, impostor, "19850505 201001 1 002")
        claim = await admin.wait_for_reply(lambda m: "198505052010011002" in (m.text or ""))
        await tap(admin, "Tolak", "alasan penolakan", message_id=claim.message_id)
        await say(admin, "Tidak dikenal di OPD kami", "ditolak")
        told = await impostor.wait_for_reply(lambda m: "menolak" in (m.text or ""))
        assert "Tidak dikenal di OPD kami" in (told.text or "")
        await say(impostor, "/jp", "belum terdaftar")
    assert fake.violations == []


async def test_failed_attempts_are_limited(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    app = app_for(fake, settings, catalog, clock)
    stranger = fake.user(9711, first_name="Anon")
    async with polling(app, poll_timeout=1):
        for n in range(6):
            await add_employee(app, 9800 + n, f"1986092620150510{n + 1:02d}", "3328", f"P {n}")
        await start_registration(stranger)
        for n in range(5):
            await say(stranger, f"1986092620150510{n + 1:02d}", "sudah terhubung")
            await say(stranger, "/batal", "dibatalkan")
            await start_registration(stranger)
        local = clock().astimezone(services_of(app).settings.tz) + timedelta(hours=1)
        limited = await say(stranger, "198609262015051006", "Terlalu banyak percobaan")
        assert local.strftime("%H.%M") in (limited.text or "")
        clock.advance(hours=1, minutes=1)
        await say(stranger, "19900101 201801 2 003", "nama lengkap")  # an hour later: again
    assert fake.violations == []


async def test_a_nip_moves_to_a_new_account_only_by_an_approved_transfer(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    app = app_for(fake, settings, catalog, clock)
    admin = fake.user(9721, first_name="Budi", started=True)
    old = fake.user(9722, first_name="Siti")
    new = fake.user(9723, first_name="Siti", last_name="(HP baru)", username="siti_baru")
    async with polling(app, poll_timeout=1):
        await add_employee(app, admin.id, NIP_ADMIN, "3328", "Budi Santoso")
        await grant(app, admin.id, "opd_admin", "3328")
        await register(fake, old, app=app)
        await start_registration(new)
        await say(new, NIP, "sudah terhubung dengan akun Telegram lain")
        await tap(new, "Ajukan pemindahan", "nama lengkap")
        await say(new, "Siti Aminah", "Permintaan #")
        await say(new, "/jp", "belum terdaftar")  # nothing bound before the decision
        review = await admin.wait_for_reply(lambda m: "pindah akun" in (m.text or ""))
        assert "@siti_baru" in (review.text or "") and str(old.id) in (review.text or "")
        await tap(admin, "Konfirmasi", "dikonfirmasi", message_id=review.message_id)
        await new.wait_for_reply(lambda m: "Pemindahan disetujui" in (m.text or ""))
        await old.wait_for_reply(lambda m: "tidak lagi terhubung" in (m.text or ""))
        await say(old, "/jp", "belum terdaftar")  # the old account lost access
        await say(new, "/jp", "Rekap JP")
        async with services_of(app).db.transaction() as s:
            employee = await s.scalar(select(Employee).where(Employee.nip == NIP.replace(" ", "")))
        assert employee is not None and employee.telegram_id == new.id
    assert fake.violations == []


async def test_nobody_reviews_their_own_report(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    from tests.e2e.hours_helpers import report_training, send_report

    settings = settings.model_copy(update={"telegram_api_base_url": fake.base_url})
    app = build_application(settings, catalog=catalog, clock=clock, run_ticks=False)
    admin = fake.user(9731, first_name="Budi", started=True)
    async with polling(app, poll_timeout=1):
        await add_employee(app, admin.id, NIP_ADMIN, "3328", "Budi Santoso")
        await grant(app, admin.id, "opd_admin", "3328")
        await report_training(admin, jp="8")
        admin.send_document("sertifikat.pdf", b"%PDF-1.4", "application/pdf")
        done = await send_report(admin, "menunggu verifikasi")
        assert "Belum ada admin lain" in (done.text or "")
        await say(admin, "/antrian", "Tidak ada laporan")  # the old spelling of /antrean
        report_id = int((done.text or "").split("#")[1].split()[0])
        forged = admin.press(done.message_id, f"trv:ok:{report_id}")
        assert ht.REVIEW_OWN.format(id=report_id) in await callback_answer(fake, forged)
        await asyncio.sleep(0.3)
        await say(admin, "/jp", "Rekap JP")
        assert not any(c.method == "sendDocument" for c in fake.calls)  # no review sent
    assert fake.violations == []


async def test_a_revoked_admins_schedule_never_goes_out_and_roles_are_announced(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    app = app_for(fake, settings, catalog, clock)
    boss = fake.user(SUPER, first_name="Super", started=True)
    officer = fake.user(9741, first_name="Siti", last_name="Aminah")
    async with polling(app, poll_timeout=1):
        await register(fake, officer, app=app)
        await say(boss, "/admin 19860926 201505 1 001", "Pilih peran baru")
        await tap(boss, "Jadikan admin OPD", "sekarang: Admin OPD")
        told = await officer.wait_for_reply(lambda m: "Bapak/Ibu sekarang" in (m.text or ""))
        assert "/antrean" in (told.text or "") and "/pegawai" in (told.text or "")
        assert "/antrian" not in (told.text or "")  # the old spelling is an alias, shown nowhere
        assert "/audit" not in (told.text or "") and "/admin " not in (told.text or "")
        menus = [c for c in fake.calls_to("setMyCommands") if str(officer.id) in str(c.params)]
        names = str(menus[-1].params["commands"])
        assert "laporan" in names and "audit" not in names and "'admin'" not in names
        async with services_of(app).db.transaction() as s:
            s.add(
                Broadcast(
                    created_by=officer.id,
                    scope_opd="3328",
                    text="Jadwal rahasia",
                    audience={"opd": "3328"},
                    status="scheduled",
                    scheduled_at=datetime(2026, 11, 25, 6, tzinfo=UTC),
                    recipients=0,
                )
            )
        await say(boss, "/admin 19860926 201505 1 001", "Admin OPD")
        saved = await tap(boss, "Cabut peran", "Pegawai (tanpa peran)")
        assert "dibatalkan" in (saved.text or "")
        await boss.wait_for_reply(lambda m: "tidak akan terkirim" in (m.text or ""))
        await officer.wait_for_reply(lambda m: "Peran admin Bapak/Ibu dicabut" in (m.text or ""))
        clock.advance(hours=5)
        await asyncio.sleep(4)  # the announcement job runs every 3 seconds
        assert not any("Jadwal rahasia" in str(c.params.get("text")) for c in fake.calls)
    assert fake.violations == []
