"""Registration once a roster is imported: the roster's phone verifies a shared contact, and
nothing from the roster is shown before; unknown NIPs by the setting."""

from __future__ import annotations

import random

from sqlalchemy import select
from telegram.ext import Application

from bot.app.application import build_application, polling, services_of
from bot.config import Settings
from bot.core.content import Catalog
from bot.core.roster_file import RosterRow
from bot.emulator import FakeBotApi, FakeUser
from bot.store import roster
from bot.texts import identity as it
from db.models import Employee
from tests.e2e.helpers import say, start_registration, tap
from tests.support import FakeClock

LISTED = "198609262015051001"
OTHER_LISTED = "199001012018012003"
UNLISTED = "19850505 201001 1 002"
PHONE = "+62 812-3456-7890"


def row(nip: str, name: str, phone: str | None = "+6281234567890") -> RosterRow:
    return RosterRow(
        nip, name, "3374", "Bidang Diklat", "Analis SDM Aparatur", "III/b", "PNS", phone
    )


def app_with_roster(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock, allow: bool
) -> Application:
    settings = settings.model_copy(
        update={"telegram_api_base_url": fake.base_url, "roster_allow_unknown": allow}
    )
    return build_application(settings, catalog=catalog, clock=clock, rng=random.Random(2))


def seen(user: FakeUser) -> str:
    """Everything the bot showed this user."""
    return "\n".join(m.text or "" for m in user.chat.messages)


async def test_a_matching_phone_binds_and_only_then_shows_the_roster(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    app = app_with_roster(fake, settings, catalog, clock, allow=True)
    owner, stranger = fake.user(9401, first_name="Siti"), fake.user(9402, first_name="Joko")
    owner.phone_number, stranger.phone_number = "6281234567890", "6281299990000"
    async with polling(app, poll_timeout=1):
        services = services_of(app)
        await roster.upsert(
            services.db,
            [row(LISTED, "Siti Aminah"), row(OTHER_LISTED, "Rina Wati", "+6281211112222")],
            clock(),
        )
        await start_registration(owner)
        asked = await say(owner, "19860926 201505 1 001", "Bagikan nomor HP saya")
        assert "request_contact" in str(fake.chat(owner.id).reply_keyboard)
        assert "Siti Aminah" not in seen(owner) and "Kota Semarang" not in seen(owner)
        assert asked.text is not None
        owner.share_contact()
        await owner.wait_for_reply(lambda m: "Nomor HP cocok" in (m.text or ""))
        consent = await owner.wait_for_reply(lambda m: "Konfirmasi pendaftaran" in (m.text or ""))
        assert "Siti Aminah" in (consent.text or "") and "Kota Semarang" in (consent.text or "")
        await tap(owner, "Daftar, dengan pengingat", "Pendaftaran berhasil")

        # A stranger with Rina's NIP: their own phone does not match, and nothing shows.
        await start_registration(stranger)
        await say(stranger, "19900101 201801 2 003", "Bagikan nomor HP saya")
        # A contact of someone else, and a forwarded one, are refused.
        stranger.send_contact("+6281211112222", "Rina", user_id=4242)
        await stranger.wait_for_reply(lambda m: it.CONTACT_NOT_OWN[:30] in (m.text or ""))
        stranger.send_contact(
            "+6281211112222", "Rina", user_id=stranger.id, forwarded_from=fake.user(4242, "Rina")
        )
        await stranger.wait_for_reply(lambda m: it.CONTACT_NOT_OWN[:30] in (m.text or ""))
        stranger.share_contact()
        await stranger.wait_for_reply(lambda m: "tidak cocok" in (m.text or ""))
        assert "Rina Wati" not in seen(stranger)
        # An unlisted NIP may still register, by the default setting (an admin verifies).
        await say(stranger, "/batal", "dibatalkan")
        assert fake.chat(stranger.id).reply_keyboard is None  # the phone button is gone
        await start_registration(stranger)
        await say(stranger, UNLISTED, "nama lengkap")

        async with services.db.transaction() as s:
            people = (await s.scalars(select(Employee))).all()
    assert [(p.nip, p.name, p.opd_code, p.jabatan, p.verified_via) for p in people] == [
        (LISTED, "Siti Aminah", "3374", "Analis SDM Aparatur", "phone")
    ]
    assert fake.violations == []


async def test_an_unlisted_nip_is_refused_when_the_roster_is_required(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    app = app_with_roster(fake, settings, catalog, clock, allow=False)
    user = fake.user(9403, first_name="Budi")
    async with polling(app, poll_timeout=1):
        services = services_of(app)
        await roster.upsert(services.db, [row(LISTED, "Siti Aminah")], clock())
        await start_registration(user)
        refused = await say(user, UNLISTED, "admin")
        assert refused.text is not None and "Siti" not in refused.text
        await say(user, "halo", "/start")  # the registration ended: a hint, not a NIP prompt
    assert fake.violations == []


async def test_roster_fields_are_read_only_in_profil(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    app = app_with_roster(fake, settings, catalog, clock, allow=True)
    user = fake.user(9404, first_name="Siti")
    user.phone_number = "+6281234567890"
    async with polling(app, poll_timeout=1):
        await roster.upsert(services_of(app).db, [row(LISTED, "Siti Aminah")], clock())
        await start_registration(user)
        await say(user, "19860926 201505 1 001", "Bagikan nomor HP saya")
        user.share_contact()
        await user.wait_for_reply(lambda m: "Konfirmasi pendaftaran" in (m.text or ""))
        await tap(user, "Daftar, dengan pengingat", "Pendaftaran berhasil")
        profile = await say(user, "/profil", "Profil Bapak/Ibu")
        assert "hubungi admin OPD untuk perubahan" in (profile.text or "")
        assert not any("✏️" in label for label in profile.button_texts)
        # A forged edit button changes nothing either.
        pressed = user.press(profile.message_id, "prof:name")
        await fake.wait_for(lambda: fake.callback_queries[pressed].answered)
        answer = fake.callback_queries[pressed].answer or {}
        assert "data kepegawaian" in str(answer.get("text"))
    assert fake.violations == []
