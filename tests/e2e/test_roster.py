"""Registration once a roster is imported: "Is this you?", and unknown NIPs by the setting."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from sqlalchemy import select
from telegram.ext import Application

from bot.app.application import build_application, polling, services_of
from bot.config import Settings
from bot.core.content import Catalog
from bot.core.roster_file import RosterRow
from bot.emulator import FakeBotApi
from bot.store import roster
from db.models import Employee
from tests.e2e.helpers import say, start_registration, tap
from tests.support import FakeClock

LISTED = "198609262015051001"
OTHER_LISTED = "199001012018012003"
UNLISTED = "19850505 201001 1 002"


def row(nip: str, name: str) -> RosterRow:
    return RosterRow(nip, name, "3374", "Bidang Diklat", "Analis SDM Aparatur", "III/b", "PNS")


def app_with_roster(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock, allow: bool
) -> Application:
    settings = settings.model_copy(
        update={"telegram_api_base_url": fake.base_url, "roster_allow_unknown": allow}
    )
    return build_application(settings, catalog=catalog, clock=clock, rng=random.Random(2))


async def test_a_listed_nip_confirms_the_roster_entry(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    app = app_with_roster(fake, settings, catalog, clock, allow=True)
    yes, no = fake.user(9401, first_name="Siti"), fake.user(9402, first_name="Joko")
    async with polling(app, poll_timeout=1):
        services = services_of(app)
        now = datetime(2026, 11, 1, tzinfo=UTC)
        await roster.upsert(
            services.db, [row(LISTED, "Siti Aminah"), row(OTHER_LISTED, "Rina Wati")], now
        )
        await start_registration(yes)
        asked = await say(yes, "19860926 201505 1 001", "Apakah ini Anda")
        assert asked.text is not None
        assert "Siti Aminah" in asked.text and "Kota Semarang" in asked.text
        await tap(yes, "Ya, benar", "Konfirmasi pendaftaran")
        await tap(yes, "Daftar, dengan pengingat", "Pendaftaran berhasil")

        # Someone whose NIP is listed under another name says "no": nothing is registered.
        await start_registration(no)
        await say(no, "19900101 201801 2 003", "Rina Wati")
        await tap(no, "Bukan", "hubungi admin OPD")
        # An unlisted NIP may still register, by the default setting.
        await start_registration(no)
        await say(no, UNLISTED, "nama lengkap")

        async with services.db.transaction() as s:
            people = (await s.scalars(select(Employee))).all()
    assert [(p.nip, p.name, p.opd_code, p.jabatan) for p in people] == [
        (LISTED, "Siti Aminah", "3374", "Analis SDM Aparatur")
    ]
    assert fake.violations == []


async def test_an_unlisted_nip_is_refused_when_the_roster_is_required(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> None:
    app = app_with_roster(fake, settings, catalog, clock, allow=False)
    user = fake.user(9403, first_name="Budi")
    async with polling(app, poll_timeout=1):
        services = services_of(app)
        await roster.upsert(services.db, [row(LISTED, "Siti Aminah")], datetime.now(UTC))
        await start_registration(user)
        refused = await say(user, UNLISTED, "admin")
        assert refused.text is not None and "Apakah ini Anda" not in refused.text
        await say(user, "halo", "/start")  # the registration ended: a hint, not a NIP prompt
    assert fake.violations == []
