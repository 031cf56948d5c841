"""Steps a test user takes, reused by the end-to-end tests."""

from __future__ import annotations

from bot import texts
from bot.core.content import Module, reading_seconds
from bot.emulator import BotMessage, FakeBotApi, FakeUser
from tests.support import FakeClock

NIP = "19860926 201505 1 001"


async def say(user: FakeUser, text: str, expect: str) -> BotMessage:
    """Send ``text`` and wait for a reply containing ``expect``."""
    user.send_text(text)
    return await user.wait_for_reply(lambda m: expect in (m.text or ""))


async def tap(user: FakeUser, label: str, expect: str, message_id: int | None = None) -> BotMessage:
    """Press a button and wait for a reply (new or edited) containing ``expect``."""
    user.press_button(label, message_id=message_id)
    return await user.wait_for_reply(lambda m: expect in (m.text or ""))


async def register(fake: FakeBotApi, user: FakeUser, nip: str = NIP) -> None:
    await say(user, "/start", "NIP")
    await say(user, nip, "nama lengkap")
    await tap(user, "Gunakan:", "instansi")
    await say(user, "tegal", "Hasil pencarian")
    await tap(user, "Kabupaten Tegal", "Persetujuan")
    await tap(user, "Saya setuju", "Pendaftaran berhasil")
    await user.wait_for_reply(lambda m: "Apa yang ingin dikerjakan hari ini?" in (m.text or ""))


async def read_module(
    user: FakeUser, module: Module, clock: FakeClock, *, pace: float = 1.0, start: str = "Mulai"
) -> BotMessage:
    """Press ``start`` on the module page and read every card, spending ``pace`` times each
    card's estimated reading time on it (the app's clock moves; 0 taps straight through)."""
    total = len(module.cards)
    card = await tap(user, start, f"Kartu 1/{total}")
    for number in range(2, total + 1):
        clock.advance(seconds=reading_seconds(module.cards[number - 2].words) * pace)
        card = await tap(user, "Lanjut", f"Kartu {number}/{total}")
    clock.advance(seconds=reading_seconds(module.cards[-1].words) * pace)
    return card


async def open_module(user: FakeUser, module: Module, expect: str) -> BotMessage:
    """From /belajar through the module's category to its page, which must contain ``expect``."""
    await say(user, "/belajar", "Katalog modul")
    await tap(user, texts.CATEGORY_NAMES[module.category.value], "Pilih modul")
    return await tap(user, module.title[:20], expect)


async def pop_up(
    fake: FakeBotApi, user: FakeUser, label: str, message_id: int | None = None
) -> str:
    """Press the button labelled ``label`` and return the pop-up answer's text ("" for none)."""
    qid = user.press_button(label, message_id=message_id)
    await fake.wait_for(lambda: fake.callback_queries[qid].answered)
    return str((fake.callback_queries[qid].answer or {}).get("text") or "")
