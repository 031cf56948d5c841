"""Learning paths in /belajar, and a locked module that refuses a forged card button."""

from __future__ import annotations

from sqlalchemy import func, select
from telegram.ext import Application

from bot.app.application import services_of
from bot.core.callbacks import CardButton, QuizButton
from bot.core.content import Catalog
from bot.emulator import FakeBotApi
from db.models import ModuleProgress
from tests.e2e.helpers import pop_up, register, say, tap


async def test_a_locked_module_refuses_a_forged_card_button(
    fake: FakeBotApi, bot_app: Application, catalog: Catalog
) -> None:
    user = fake.user(1001, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    menu = await say(user, "/belajar", "Jalur belajar")
    assert menu.text is not None and "Orientasi PPPK: 0/5 modul" in menu.text
    page = await tap(user, "Orientasi PPPK", "Kemajuan: 0/5 modul")
    assert page.text is not None and "🔒 selesaikan Nilai Dasar ASN BerAKHLAK" in page.text
    locked = catalog.modules["kode-etik-asn"]
    module_page = await tap(user, locked.title[:20], "🔒 selesaikan")
    assert not any(label.startswith("▶️ Mulai") for label in module_page.button_texts)

    forged = CardButton(locked.id, locked.version, 0).pack()
    qid = user.press(module_page.message_id, forged)
    await fake.wait_for(lambda: fake.callback_queries[qid].answered)
    answer = str((fake.callback_queries[qid].answer or {}).get("text") or "")
    assert "terkunci" in answer and "BerAKHLAK" in answer
    qid = user.press(module_page.message_id, QuizButton(locked.id, locked.version).pack())
    await fake.wait_for(lambda: fake.callback_queries[qid].answered)
    assert "terkunci" in str((fake.callback_queries[qid].answer or {}).get("text"))

    async with services_of(bot_app).db.transaction() as s:
        rows = await s.scalar(select(func.count()).select_from(ModuleProgress))
    assert rows == 0
    assert await pop_up(fake, user, "Katalog") == ""
    assert not fake.violations
