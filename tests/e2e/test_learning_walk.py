"""A new civil servant, in one sitting: register, read a module, pass its quiz, see the JP."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from telegram.ext import Application

from bot.app.application import services_of
from bot.config import Settings
from bot.core.content import Catalog
from bot.emulator import FakeBotApi
from db.models import Employee, JpLedgerEntry
from tests.e2e.helpers import read_module, register, say, tap
from tests.support import FakeClock


async def test_register_learn_pass_and_see_jp(
    fake: FakeBotApi, bot_app: Application, catalog: Catalog, clock: FakeClock, settings: Settings
) -> None:
    user = fake.user(1001, first_name="Siti", last_name="Aminah")
    await register(fake, user)

    # setMyCommands ran at start-up with the Indonesian command list.
    commands = fake.calls_to("setMyCommands")
    assert commands and {"start", "belajar", "jp"} <= {
        c["command"] for c in commands[-1].params["commands"]
    }

    module = catalog.modules["berakhlak"]
    await tap(user, "Belajar", "Katalog modul")
    await tap(user, "Sosial Kultural", "Pilih modul")
    page = await tap(user, module.title[:20], "Belum dimulai")
    assert page.text is not None
    assert f"{module.minutes} menit belajar" in page.text and "Dasar hukum" in page.text
    card = await read_module(user, module, clock, start="Mulai belajar")
    assert card.text is not None and f"Kartu {len(module.cards)}/" in card.text
    # Reading edits the same message instead of flooding the chat; back and forth works.
    await tap(user, "Kembali", f"Kartu {len(module.cards) - 1}/")
    edited = await tap(user, "Lanjut", f"Kartu {len(module.cards)}/")
    assert edited.message_id == card.message_id

    await tap(user, "Mulai kuis", "Kuis:")
    for number in range(1, module.ask + 1):
        await fake.wait_for(_polls_answered_at_least(fake, number))
        poll = fake.last_poll(user.id)
        assert poll is not None
        assert poll["type"] == "quiz" and poll["is_anonymous"] is False
        assert poll["question"].startswith(f"{number}/{module.ask}. ")
        user.answer_poll(poll["id"], poll["correct_option_ids"])
    result = await user.wait_for_reply(lambda m: "lulus" in (m.text or ""))
    assert result.text is not None
    assert "Selamat, Bapak/Ibu lulus" in result.text
    time = settings.scale.text(module.minutes)
    assert f"+{time}" in result.text and f"{time}</b> dari target 20 JP" in result.html
    assert "Sertifikat" in result.button_texts[0]
    assert any(b.startswith("▶️ Berikutnya") for b in result.button_texts)

    hours = await say(user, "/jp", "Rekap JP tahun 2026")
    assert hours.text is not None
    assert f"{time} dari target 20 JP" in hours.text
    assert module.title in hours.text
    assert f"Kurang {settings.scale.text(900 - module.minutes)} lagi" in hours.text

    services = services_of(bot_app)
    async with services.db.transaction() as s:
        employee = await s.scalar(select(Employee))
        entries = (await s.scalars(select(JpLedgerEntry))).all()
    assert employee is not None
    assert employee.nip == "198609262015051001" and employee.opd_code == "3328"
    assert employee.name == "Siti Aminah" and employee.consent_at is not None
    assert [(e.source_id, e.minutes) for e in entries] == [("berakhlak", module.minutes)]
    assert entries[0].evidence["reading_seconds"] >= module.reading_seconds // 2


def _poll_count(fake: FakeBotApi) -> int:
    return len([c for c in fake.calls_to("sendPoll") if c.response_ok])


def _polls_answered_at_least(fake: FakeBotApi, count: int) -> Callable[[], bool]:
    """Whether Telegram accepted ``count`` polls by now (a condition to wait for)."""
    return lambda: _poll_count(fake) >= count
