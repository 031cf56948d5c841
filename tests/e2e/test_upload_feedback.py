"""Feedback while files are made (issue 16): "sending a photo/file…" (sendChatAction) comes
before every chart, PDF or spreadsheet the bot builds for a learner (the admin's exports are
checked in test_reports)."""

from __future__ import annotations

from telegram.ext import Application

from bot.emulator import FakeBotApi
from tests.e2e.helpers import register, say
from tests.e2e.hours_helpers import credit_module


def _before(fake: FakeBotApi, chat_id: int, action: str, method: str) -> bool:
    """Each ``method`` call to the chat comes right after a chat action ``action``."""
    mine = [
        c
        for c in fake.calls
        if str(c.params.get("chat_id")) == str(chat_id)
        and c.method in ("sendChatAction", "sendPhoto", "sendDocument")
    ]
    sent = [i for i, c in enumerate(mine) if c.method == method]
    return bool(sent) and all(
        i > 0 and mine[i - 1].method == "sendChatAction" and mine[i - 1].params["action"] == action
        for i in sent
    )


async def test_the_chart_the_transcript_the_certificate_and_my_data_announce_themselves(
    fake: FakeBotApi, bot_app: Application
) -> None:
    user = fake.user(16201, first_name="Siti", last_name="Aminah")
    await register(fake, user, app=bot_app)
    await credit_module(bot_app, user.id, "berakhlak", 90)
    jp = await say(user, "/jp", "Rekap JP")
    user.press_button("Grafik", jp.message_id)
    await user.wait_for_reply(lambda m: m.kind == "photo")
    assert _before(fake, user.id, "upload_photo", "sendPhoto")
    user.press_button("Transkrip", jp.message_id)
    await user.wait_for_reply(lambda m: m.kind == "document")
    await say(user, "/sertifikat", "Pilih modul")
    user.press_button("BerAKHLAK")
    await user.wait_for_reply(lambda m: m.kind == "document" and "E-sertifikat" in (m.text or ""))
    user.send_text("/dataku")
    await user.wait_for_reply(lambda m: m.kind == "document" and ".json" in str(m.document))
    assert _before(fake, user.id, "upload_photo", "sendPhoto")
    documents = [c for c in fake.calls if c.method == "sendDocument"]
    assert len(documents) == 4  # transcript, certificate, my data as PDF and JSON
    actions = [c for c in fake.calls if c.method == "sendChatAction"]
    assert [c.params["action"] for c in actions] == [
        "upload_photo",
        "upload_document",
        "upload_document",
        "upload_document",
    ]
    # Each action precedes the file (or pair of files) it announces.
    order = [
        c.method for c in fake.calls if c.method in ("sendChatAction", "sendPhoto", "sendDocument")
    ]
    assert order == [
        "sendChatAction",
        "sendPhoto",
        "sendChatAction",
        "sendDocument",
        "sendChatAction",
        "sendDocument",
        "sendChatAction",
        "sendDocument",
        "sendDocument",
    ]
    assert fake.violations == []
