"""/jp end to end: the detail, the chart and the transcript."""

from __future__ import annotations

from telegram.ext import Application

from bot.emulator import FakeBotApi
from tests.e2e.helpers import register, say
from tests.e2e.hours_helpers import credit_module, uploaded


async def test_jp_shows_the_detail_and_sends_chart_and_transcript(
    fake: FakeBotApi, bot_app: Application
) -> None:
    learner = fake.user(8211, first_name="Siti", last_name="Aminah")
    await register(fake, learner, app=bot_app)
    await credit_module(bot_app, learner.id, "berakhlak", 113)  # 2,51 JP
    jp = await say(learner, "/jp", "Per bulan")
    assert jp.text is not None
    assert "Mar: 2,51 JP (113 menit)" in jp.text
    assert "Sosial Kultural: 2,51 JP (113 menit)" in jp.text
    assert "Modul: <b>2,51 JP (113 menit)</b>" in jp.html

    learner.press_button("Grafik", jp.message_id)
    photo = await learner.wait_for_reply(lambda m: m.kind == "photo")
    assert "kumulatif 2026" in (photo.text or "")
    learner.press_button("Transkrip", jp.message_id)
    doc = await learner.wait_for_reply(lambda m: m.kind == "document")
    assert uploaded(fake, doc).startswith(b"%PDF")
