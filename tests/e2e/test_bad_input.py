"""Bad input at every step gets a clear Indonesian reply and never corrupts state."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from telegram.ext import Application

from bot import texts
from bot.app.application import build_application, polling, services_of
from bot.config import Settings
from bot.core.content import Catalog
from bot.emulator import FakeBotApi, FakeUser
from bot.texts import privacy as privacy_texts
from db.models import ChatSession, Employee, JpLedgerEntry, ModuleProgress
from handlers import commands
from tests.e2e.helpers import NIP, register, say, start_registration, tap
from tests.support import FakeClock


async def toast_for(fake: FakeBotApi, user: FakeUser, data: str) -> str:
    """Press a forged button on the user's latest bot message; return the pop-up text."""
    message = user.chat.last_message()
    assert message is not None
    qid = user.press(message.message_id, data)
    await fake.wait_for(lambda: fake.callback_queries[qid].answered)
    answer = fake.callback_queries[qid].answer or {}
    return str(answer.get("text") or "")


async def test_bad_input_during_registration(fake: FakeBotApi, bot_app: Application) -> None:
    user = fake.user(2001, first_name="🙂")
    await say(user, "halo", texts.HINT_UNREGISTERED[:20])
    await say(user, "/start", "Pemberitahuan Privasi")
    # Nothing personal is taken before the notice is acknowledged: a NIP typed now is not kept.
    await say(user, NIP, privacy_texts.READ_NOTICE_FIRST[:30])
    services = services_of(bot_app)
    async with services.db.transaction() as s:
        session = await s.get(ChatSession, user.id)
    assert session is not None and session.data == {}
    await tap(user, "Saya sudah membaca", "Kirimkan NIP")
    bad_nips = {
        "1986O926 201505 1 001": "hanya boleh berisi angka",
        "19860926 20150 1 001": texts.NIP_WRONG_LENGTH.format(count=17),
        "19860926 2015051 1 001": texts.NIP_WRONG_LENGTH.format(count=19),
        "19860231 201505 1 001": "bukan tanggal lahir yang valid",
        "19860926 198001 1 001": "tidak boleh sebelum tanggal lahir",
        "19860926 201505 3 001": "harus 1 atau 2, bukan 3",
        "19860926 201505 1 000": "tidak boleh 000",
        "🙂🙂🙂": "hanya boleh berisi angka",
    }
    for nip, reason in bad_nips.items():
        reply = await say(user, nip, "Silakan kirim ulang NIP")
        assert reason in (reply.text or ""), (nip, reply.text)
    await say(user, "x" * 4096, "Pesan terlalu panjang")

    # /start again mid-registration resumes instead of starting over.
    await say(user, "/start", texts.REG_RESUME[:30])
    user.send_sticker()
    await user.wait_for_reply(lambda m: "hanya dapat membaca pesan teks" in (m.text or ""))
    user.send_photo()
    await user.wait_for_reply(lambda m: "hanya dapat membaca pesan teks" in (m.text or ""))

    await say(user, NIP, "nama lengkap")
    # An emoji-only Telegram name gives no suggestion button; an emoji name is refused.
    await say(user, "🙂🙂", "Nama harus 2-120 karakter")
    await say(user, "Budi Santoso, S.Kom.", "instansi")
    await say(user, "zzzz tidak ada", "Tidak ada instansi yang cocok")
    assert texts.BTN_ALL_OPD in user.chat.last_message().button_texts  # type: ignore[union-attr]
    picker = user.chat.last_message()
    assert picker is not None and picker.reply_markup is not None
    token = picker.reply_markup["inline_keyboard"][-1][0]["callback_data"].split(":")[1]
    assert "Berikutnya »" in await toast_or_edit(fake, user, f"opdp:{token}:0", "Halaman 1")
    assert await toast_for(fake, user, f"opd:{token}:bukan-kode") == texts.BUTTON_INVALID
    # A picker button of another (or an older) flow state acts on nothing.
    stale = texts.REFUSALS["stale_button"]
    assert await toast_for(fake, user, "opd:deadbeef:3328") == stale
    assert await toast_for(fake, user, "opdp:deadbeef:1") == stale
    await tap(user, "Berikutnya", "Halaman 2")
    user.press_button(user.chat.last_message().buttons[0]["text"])  # type: ignore[union-attr]
    consent = await user.wait_for_reply(lambda m: "Konfirmasi pendaftaran" in (m.text or ""))
    yes = consent.buttons[0]["callback_data"]
    # Free text where a button is expected.
    await say(user, "ya setuju", texts.HINT_USE_BUTTONS[:30])
    await tap(user, "Batalkan pendaftaran", "isian Bapak/Ibu sudah kami hapus")
    async with services.db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(Employee)) == 0
    # The consent button is stale now; without its token it is no button of ours at all.
    assert await toast_for(fake, user, yes) == texts.REFUSALS["stale_button"]
    assert await toast_for(fake, user, "reg:yes") == texts.BUTTON_INVALID


async def toast_or_edit(fake: FakeBotApi, user: FakeUser, data: str, expect: str) -> str:
    message = user.chat.last_message()
    assert message is not None
    user.press(message.message_id, data)
    reply = await user.wait_for_reply(lambda m: expect in (m.text or ""))
    return " ".join(reply.button_texts)


async def test_a_nip_bound_to_another_account_is_refused(
    fake: FakeBotApi, bot_app: Application
) -> None:
    await register(fake, fake.user(3001, first_name="Siti", last_name="Aminah"))
    other = fake.user(3002, first_name="Orang", last_name="Lain")
    await start_registration(other)
    await say(other, NIP, "sudah terhubung dengan akun Telegram lain")


async def test_forged_and_stale_buttons_after_registration(
    fake: FakeBotApi, bot_app: Application, catalog: Catalog
) -> None:
    user = fake.user(4001, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    module = catalog.modules["berakhlak"]
    v = module.version
    assert await toast_for(fake, user, "mod:tidak-ada") == texts.MODULE_NOT_FOUND
    assert await toast_for(fake, user, "card:tidak-ada:1:0") == texts.MODULE_NOT_FOUND
    assert await toast_for(fake, user, "totally-unknown") == texts.BUTTON_INVALID
    assert await toast_for(fake, user, f"quiz:{module.id}:{v}") == texts.READ_CARDS_FIRST
    assert await toast_for(fake, user, "cat:keuangan") == texts.BUTTON_INVALID
    assert await toast_for(fake, user, "jp:1999") == texts.BUTTON_INVALID
    assert await toast_for(fake, user, "opd:3301") == texts.BUTTON_INVALID  # an old format
    assert await toast_for(fake, user, "opd:0badf00d:3301") == texts.REFUSALS["stale_button"]
    # Skipping ahead (a forged index) shows the card the learner is really at.
    assert await toast_for(fake, user, f"card:{module.id}:{v}:99") == texts.CARD_OUT_OF_RANGE
    assert await toast_for(fake, user, f"card:{module.id}:{v + 1}:0") == texts.MODULE_UPDATED

    services = services_of(bot_app)
    async with services.db.transaction() as s:
        progress = (await s.scalars(select(ModuleProgress))).all()
        credits = await s.scalar(select(func.count()).select_from(JpLedgerEntry))
    assert [(p.module_id, p.current_card, p.furthest_card) for p in progress] == [(module.id, 0, 0)]
    assert credits == 0

    # A stale poll answer (unknown poll) is ignored without a reply or an error.
    sent_before = len(fake.calls)
    fake.inject_raw_update(
        {
            "poll_answer": {
                "poll_id": "999999",
                "user": user.json(),
                "option_ids": [0],
                "option_persistent_ids": ["1"],
            }
        }
    )
    await say(user, "/bantuan", "Perintah")
    assert not [c for c in fake.calls[sent_before:] if c.method == "sendPoll"]


async def test_duplicate_update_is_handled_once(fake: FakeBotApi, bot_app: Application) -> None:
    user = fake.user(5001, first_name="Siti")
    update = {
        "update_id": 777001,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": user.id, "type": "private", "first_name": "Siti"},
            "from": user.json(),
            "text": "/bantuan",
            "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
        },
    }
    fake.inject_raw_update(update)
    fake.inject_raw_update(update)
    await say(user, "/start", "Pemberitahuan Privasi")
    helps = [m for m in user.chat.messages if "Perintah" in (m.text or "")]
    assert len(helps) == 1


async def test_unknown_command_edited_message_and_free_text(
    fake: FakeBotApi, bot_app: Application
) -> None:
    user = fake.user(6001, first_name="Siti", last_name="Aminah")
    await register(fake, user)
    await say(user, "/entahlah", "Perintah itu tidak dikenal")
    sent = user.send_text("halo")
    await user.wait_for_reply(lambda m: "belum memahami" in (m.text or ""))
    user.edit_text(sent["message_id"], "halo lagi")
    await user.wait_for_reply(lambda m: "diedit tidak diproses" in (m.text or ""))
    await say(user, "🎉🎉🎉", "belum memahami")
    await say(user, "y" * 4096, "belum memahami")


# Arguments people (and fuzzers) type: superscript and other scripts' digits, which
# str.isdigit accepts and int refuses or misreads, signs, long words, markup, emoji.
ARGUMENTS = st.one_of(
    st.sampled_from(["²⁰²⁶", "٢٠٢٦", "2026", "-1", "0", "99999999999999999999", "ṡ" * 24]),
    st.text(min_size=1, max_size=80).filter(lambda s: s.strip() and "\x00" not in s),
    st.text(alphabet="0123456789²³¹⁰٠١٢٣٤٥٦٧٨٩.,:-/ ", min_size=1, max_size=30),
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(command=st.sampled_from(sorted(name for name, _ in commands.handlers())), args=ARGUMENTS)
async def test_every_command_argument_gets_a_reply_never_the_apology(
    fake: FakeBotApi, superadmin_app: Application, command: str, args: str
) -> None:
    """The same property for every command: whatever follows it, a clear reply, no crash."""
    user = fake.user(SUPERADMIN, first_name="Siti", last_name="Aminah")
    if not any("Apa yang ingin dikerjakan" in (m.text or "") for m in user.chat.messages):
        await register(fake, user)
    before = len(user.chat.messages)
    await say(user, f"/{command} {args}", "")
    await say(user, "/batal", "")  # leave any flow the command started
    replies = [m.text or "" for m in user.chat.messages[before:] if m.from_bot]
    assert texts.SORRY not in replies, (command, args)
    assert fake.violations == []


SUPERADMIN = 4901


@pytest.fixture
async def superadmin_app(
    fake: FakeBotApi, settings: Settings, catalog: Catalog, clock: FakeClock
) -> AsyncIterator[Application]:
    settings = settings.model_copy(
        update={"telegram_api_base_url": fake.base_url, "admin_ids": frozenset({SUPERADMIN})}
    )
    application = build_application(settings, catalog=catalog, clock=clock, run_ticks=False)
    async with polling(application, poll_timeout=1):
        yield application
