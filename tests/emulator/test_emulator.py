"""Self-tests of the fake Bot API server (bot/emulator), driven by real PTB and raw HTTP."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import time

import aiohttp
import pytest
from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.emulator import SCHEMA, FakeBotApi
from bot.emulator.make_spec import DEFAULT_SOURCE, build
from bot.emulator.spec import SPEC_PATH

TOKEN = "123456:TEST-TOKEN"


def tg(text: str) -> re.Pattern:
    """Match an error text case-insensitively (PTB re-capitalizes descriptions)."""
    return re.compile(re.escape(text), re.IGNORECASE)


@pytest.fixture
async def fake():
    f = FakeBotApi(token=TOKEN)
    await f.start()
    yield f
    await f.stop()


@pytest.fixture
async def bot(fake):
    b = Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url)
    async with b:
        yield b


@pytest.fixture
async def user(fake):
    u = fake.user(1001, first_name="Siti", last_name="Aminah")
    u.send_text("/start")
    return u


async def raw_call(fake, method, data=None, *, json_body=None, query=None, token=TOKEN):
    url = f"{fake.base_url}{token}/{method}"
    async with (
        aiohttp.ClientSession() as s,
        s.post(url, data=data, json=json_body, params=query) as r,
    ):
        return r.status, await r.json(content_type=None)


def kb(*rows):
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t, callback_data=d) for t, d in row] for row in rows]
    )


# ----------------------------------------------------------------------- sending
async def test_valid_send_message(fake, bot, user):
    m = await bot.send_message(
        1001,
        "<b>Halo</b> Siti &amp; teman 😀",
        parse_mode="HTML",
        reply_markup=kb([("Lanjut", "next")]),
    )
    assert m.text == "Halo Siti & teman 😀"
    assert m.from_user.id == 123456 and m.from_user.is_bot
    assert m.chat.id == 1001 and m.message_id == 2  # the user's /start was #1
    last = fake.chat(1001).last_message()
    assert last.text == m.text and last.entities == [{"type": "bold", "offset": 0, "length": 4}]
    assert last.html == "<b>Halo</b> Siti &amp; teman 😀"
    assert last.button_texts == ["Lanjut"]
    assert fake.violations == [] and fake.unknown_params == set()
    assert SCHEMA.validate_result(fake.calls[-1].result, ("Message",)) is None


async def test_text_length_counted_after_html_parsing_in_utf16(fake, bot, user):
    await bot.send_message(1001, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    await bot.send_message(1001, "😀" * 2048)  # 4096 UTF-16 code units
    assert fake.violations == []
    with pytest.raises(BadRequest, match=tg("too long")):
        await bot.send_message(1001, "<i>" + "x" * 4097 + "</i>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=tg("too long")):
        await bot.send_message(1001, "😀" * 2049)
    with pytest.raises(BadRequest, match=tg("text is empty")):
        await bot.send_message(1001, "<b></b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=tg("must be non-empty")):
        await bot.send_message(1001, "   ")
    assert len(fake.violations) == 4
    with pytest.raises(BadRequest, match=tg("caption is too long")):
        await bot.send_photo(1001, b"\xff\xd8img", caption="y" * 1025)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<b>unclosed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("a<br>b", 'Unsupported start tag "br" at byte offset 1'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("Tom & Jerry", "Character '&' at byte offset 4"),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
    ],
)
async def test_broken_html_is_rejected(fake, user, text, error):
    status, body = await raw_call(
        fake, "sendMessage", {"chat_id": "1001", "text": text, "parse_mode": "HTML"}
    )
    assert status == 400 and body["ok"] is False and body["error_code"] == 400
    assert body["description"] == f"Bad Request: can't parse entities: {error}" or (
        body["description"].startswith(f"Bad Request: can't parse entities: {error}")
    )
    assert len(fake.violations) == 1 and "sendMessage" in fake.violations[0]


async def test_supported_html_tags(fake, bot, user):
    html = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
        '<strike>k</strike><del>d</del><a href="https://example.org">a</a><code>c</code>'
        '<pre><code class="language-python">p</code></pre><blockquote>q</blockquote>'
        "<blockquote expandable>x</blockquote><tg-spoiler>t</tg-spoiler>"
        '<span class="tg-spoiler">z</span><tg-emoji emoji-id="5368324170671202286">👍'
        "</tg-emoji> &lt;&gt;&quot;&#65;&#x42;"
    )
    m = await bot.send_message(1001, html, parse_mode="HTML")
    assert m.text == 'bsieunskdacpqxtz👍 <>"AB'
    types = [e.type for e in m.entities]
    assert "pre" in types and "expandable_blockquote" in types and "custom_emoji" in types
    assert next(e for e in m.entities if e.type == "pre").language == "python"
    assert fake.violations == []


async def test_markdown_v2_requires_escaping(fake, bot, user):
    m = await bot.send_message(
        1001, r"*Halo* _Siti_\. Nilai: 10\-5 \(ok\)", parse_mode="MarkdownV2"
    )
    assert m.text == "Halo Siti. Nilai: 10-5 (ok)"
    assert [e.type for e in m.entities] == ["bold", "italic"]
    await bot.send_message(
        1001, "[tautan](https://example.org/a\\)b) `a.b` ```py\nx = 1.0```", parse_mode="MarkdownV2"
    )
    assert fake.violations == []
    with pytest.raises(BadRequest, match=tg("Character '.' is reserved")):
        await bot.send_message(1001, "Halo Siti.", parse_mode="MarkdownV2")
    with pytest.raises(BadRequest, match=tg("Can't find end of Bold entity at byte offset 0")):
        await bot.send_message(1001, "*tebal", parse_mode="MarkdownV2")
    await bot.send_message(1001, "*legacy* _markdown_ ok.", parse_mode="Markdown")
    with pytest.raises(BadRequest, match=tg("unsupported parse_mode")):
        await bot.send_message(1001, "x", parse_mode="html5")
    assert len(fake.violations) == 3


# ----------------------------------------------------------------------- keyboards
async def test_callback_data_limit_is_64_bytes(fake, bot, user):
    await bot.send_message(1001, "ok", reply_markup=kb([("a", "x" * 64)]))
    with pytest.raises(BadRequest, match=tg("BUTTON_DATA_INVALID")):
        await bot.send_message(1001, "bad", reply_markup=kb([("a", "x" * 65)]))
    with pytest.raises(BadRequest, match=tg("BUTTON_DATA_INVALID")):  # 33 chars, 66 bytes
        await bot.send_message(1001, "bad", reply_markup=kb([("a", "é" * 33)]))
    assert len(fake.violations) == 2


async def test_keyboard_shape_limits(fake, bot, user):
    await bot.send_message(1001, "8 ok", reply_markup=kb([(str(i), str(i)) for i in range(8)]))
    with pytest.raises(BadRequest, match=tg("too many buttons")):
        await bot.send_message(1001, "9", reply_markup=kb([(str(i), str(i)) for i in range(9)]))
    rows = [[(f"{r}.{c}", f"{r}.{c}") for c in range(5)] for r in range(21)]
    with pytest.raises(BadRequest, match=tg("REPLY_MARKUP_TOO_LONG")):
        await bot.send_message(1001, "105", reply_markup=kb(*rows))
    bad_buttons = [
        ({"text": "t"}, "Text buttons are unallowed"),
        ({"text": "t", "callback_data": ""}, "Text buttons are unallowed"),
        ({"text": "t", "callback_data": "a", "url": "https://x.org"}, "exactly one"),
        ({"text": " ", "callback_data": "a"}, "Text must be non-empty"),
        ({"text": "t", "url": "ftp://x.org"}, "Unsupported URL protocol"),
        ({"text": "t", "url": "not-a-url"}, "Wrong HTTP URL"),
        ({"callback_data": "a"}, 'Can\'t find field "text"'),
    ]
    for button, error in bad_buttons:
        status, body = await raw_call(
            fake,
            "sendMessage",
            {
                "chat_id": "1001",
                "text": "x",
                "reply_markup": json.dumps({"inline_keyboard": [[button]]}),
            },
        )
        assert status == 400 and error in body["description"], (button, body)
    await bot.send_message(
        1001,
        "url",
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Web", url="https://example.org"),
                    InlineKeyboardButton("Bot", url="tg://resolve?domain=x"),
                ]
            ]
        ),
    )
    assert len(fake.violations) == 2 + len(bad_buttons)


# ------------------------------------------------------------------------- polls
async def test_poll_rules(fake, bot, user):
    m = await bot.send_poll(
        1001,
        "2+2?",
        ["3", "4", "5"],
        type="quiz",
        correct_option_ids=[1],
        is_anonymous=False,
        explanation="Dua tambah dua\nadalah\nempat",
    )
    assert m.poll.correct_option_ids == (1,) and fake.last_poll(1001)["id"] == m.poll.id
    assert fake.violations == []
    cases = [
        (dict(type="quiz"), "correct_option_ids must be specified"),
        (dict(type="quiz", correct_option_ids=[1], explanation="a\nb\nc\nd"), "line feeds"),
        (dict(type="quiz", correct_option_ids=[1], explanation="x" * 201), "0-200"),
        (dict(type="quiz", correct_option_ids=[5]), "wrong correct option"),
        (dict(type="quiz", correct_option_ids=[0, 1]), "allows_multiple_answers"),
        (
            dict(type="quiz", correct_option_ids=[1, 0], allows_multiple_answers=True),
            "monotonically",
        ),
        (dict(open_period=3), "open_period"),
    ]
    for kwargs, error in cases:
        with pytest.raises(BadRequest, match=tg(error)):
            await bot.send_poll(1001, "Q?", ["a", "b", "c"], **kwargs)
    with pytest.raises(BadRequest, match=tg("at least 2")):
        await bot.send_poll(1001, "Q?", ["a"])
    with pytest.raises(BadRequest, match=tg("more than 12")):
        await bot.send_poll(1001, "Q?", [str(i) for i in range(13)])
    with pytest.raises(BadRequest, match=tg("DUPLICATE")):
        await bot.send_poll(1001, "Q?", ["a", "a"])
    with pytest.raises(BadRequest, match=tg("question length")):
        await bot.send_poll(1001, "q" * 301, ["a", "b"])
    with pytest.raises(BadRequest, match=tg("option length")):
        await bot.send_poll(1001, "Q?", ["a", "b" * 101])
    assert len(fake.violations) == len(cases) + 5


async def test_poll_answer_and_stop(fake, bot, user):
    m = await bot.send_poll(1001, "Warna?", ["Merah", "Biru"], is_anonymous=False)
    user.answer_poll(m.poll.id, [1])
    updates = await bot.get_updates(timeout=0)
    answers = [u.poll_answer for u in updates if u.poll_answer]
    assert answers[0].option_ids == (1,) and answers[0].user.id == 1001
    assert next(u.poll for u in updates if u.poll).options[1].voter_count == 1
    stopped = await bot.stop_poll(1001, m.message_id)
    assert stopped.is_closed
    with pytest.raises(AssertionError, match=tg("closed")):
        user.answer_poll(m.poll.id, [0])
    anon = await bot.send_poll(1001, "Anonim?", ["Ya", "Tidak"])
    with pytest.raises(AssertionError, match=tg("anonymous")):
        user.answer_poll(anon.poll.id, [0])
    with pytest.raises(BadRequest, match=tg("already been closed")):
        await bot.stop_poll(1001, m.message_id)
    with pytest.raises(BadRequest, match=tg("no text in the message")):
        await bot.edit_message_text("x", chat_id=1001, message_id=anon.message_id)


# ------------------------------------------------------------------------- editing
async def test_edits(fake, bot, user):
    m = await bot.send_message(1001, "Soal 1", reply_markup=kb([("A", "a"), ("B", "b")]))
    e = await bot.edit_message_text(
        "Soal 1",
        chat_id=1001,
        message_id=m.message_id,
        reply_markup=kb([("A ✅", "a"), ("B", "b")]),
    )
    assert e.edit_date is not None and fake.chat(1001).get(m.message_id).edits == 1
    not_modified = tg(
        "message is not modified: specified new message content and reply "
        "markup are exactly the same"
    )
    with pytest.raises(BadRequest, match=not_modified):
        await bot.edit_message_reply_markup(
            1001, m.message_id, reply_markup=kb([("A ✅", "a"), ("B", "b")])
        )
    assert len(fake.violations) == 1
    # editing the text without reply_markup removes the keyboard, like Telegram
    await bot.edit_message_text("Soal 1 selesai", chat_id=1001, message_id=m.message_id)
    assert fake.chat(1001).get(m.message_id).reply_markup is None
    with pytest.raises(BadRequest, match=tg("message to edit not found")):
        await bot.edit_message_text("x", chat_id=1001, message_id=999)
    with pytest.raises(BadRequest, match=tg("message can't be edited")):
        await bot.edit_message_text("x", chat_id=1001, message_id=1)  # the user's /start
    photo = await bot.send_photo(1001, b"\xff\xd8img", caption="lama")
    await bot.edit_message_caption(1001, photo.message_id, caption="<i>baru</i>", parse_mode="HTML")
    assert fake.chat(1001).get(photo.message_id).html == "<i>baru</i>"
    with pytest.raises(BadRequest, match=tg("no caption")):
        await bot.edit_message_caption(1001, m.message_id, caption="x")
    assert await bot.delete_message(1001, m.message_id)
    assert fake.chat(1001).get(m.message_id).deleted
    with pytest.raises(BadRequest, match=tg("message to delete not found")):
        await bot.delete_message(1001, m.message_id)
    with pytest.raises(BadRequest, match=tg("message to edit not found")):
        await bot.edit_message_text("x", chat_id=1001, message_id=m.message_id)


# -------------------------------------------------------------- commands, misc
async def test_set_my_commands(fake, bot):
    await bot.set_my_commands([BotCommand("start", "Mulai"), BotCommand("kuis_1", "Kuis")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "kuis_1"]
    for bad in ["Start", "with-dash", "x" * 33, ""]:
        with pytest.raises(BadRequest, match=tg("BOT_COMMAND_INVALID")):
            await bot.set_my_commands([BotCommand(bad, "desc")])
    with pytest.raises(BadRequest, match=tg("DESCRIPTION_INVALID")):
        await bot.set_my_commands([BotCommand("ok", "x" * 257)])
    with pytest.raises(BadRequest, match=tg("TOO_MUCH")):
        await bot.set_my_commands([BotCommand(f"c{i}", "d") for i in range(101)])
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    assert await bot.set_my_description("Belajar bareng") and await bot.set_my_short_description(
        "Sinau"
    )
    assert (await bot.get_my_description()).description == "Belajar bareng"
    assert len(fake.violations) == 6


async def test_missing_required_and_wrong_types(fake, user):
    checks = [
        ("sendMessage", {"chat_id": "1001"}, "Bad Request: message text is empty"),
        ("sendMessage", {"text": "x"}, "Bad Request: chat_id is empty"),
        ("deleteMessage", {"chat_id": "1001"}, "message identifier is not specified"),
        (
            "deleteMessage",
            {"chat_id": "1001", "message_id": "abc"},
            'parameter "message_id" must be of type Integer',
        ),
        (
            "sendMessage",
            {"chat_id": "1001", "text": "x", "disable_notification": "maybe"},
            'parameter "disable_notification" must be of type Boolean',
        ),
        (
            "sendMessage",
            {"chat_id": "1001", "text": "x", "reply_markup": "{not json"},
            "can't parse reply keyboard markup JSON object",
        ),
        (
            "sendMessage",
            {"chat_id": "1001", "text": "x", "reply_markup": '{"inline_keyboard": "bad"}'},
            'field "inline_keyboard" must be of type Array',
        ),
        (
            "sendMessage",
            {"chat_id": "1001", "text": "x", "link_preview_options": '{"is_disabled": "yes"}'},
            'field "is_disabled" must be of type Boolean',
        ),
        ("setMyCommands", {"commands": '[{"command": "a"}]'}, 'Can\'t find field "description"'),
        (
            "setMyCommands",
            {"commands": "[]", "scope": '{"type": "galaxy"}'},
            'unsupported type "galaxy"',
        ),
        (
            "sendMessage",
            {
                "chat_id": "1001",
                "text": "x",
                "entities": '[{"type": "bold", "offset": 0, "length": 5}]',
            },
            "ends after the end",
        ),
        ("sendMessage", {"chat_id": "@nobody", "text": "x"}, "chat not found"),
        ("sendMessage", {"chat_id": "777", "text": "x"}, "chat not found"),
        ("sendChatAction", {"chat_id": "1001", "action": "dancing"}, "wrong parameter action"),
        ("getFile", {"file_id": "nope"}, "invalid file_id"),
    ]
    for method, data, error in checks:
        status, body = await raw_call(fake, method, data)
        assert status == 400 and error in body["description"], (method, data, body)
    assert len(fake.violations) == len(checks)


async def test_unknown_method_param_and_token(fake, user):
    status, body = await raw_call(fake, "sendTelepathy", {"chat_id": "1001"})
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    assert fake.violations == ["sendTelepathy: Not Found [chat_id='1001']"]
    status, body = await raw_call(
        fake, "sendMessage", {"chat_id": "1001", "text": "x", "colour": "red"}
    )
    assert status == 200 and "sendMessage:colour" in fake.unknown_params
    status, body = await raw_call(fake, "getMe", token="999:WRONG")
    assert status == 401 and body["description"] == "Unauthorized"


async def test_json_body_and_query_string(fake, user):
    status, body = await raw_call(
        fake,
        "sendMessage",
        json_body={
            "chat_id": 1001,
            "text": "json",
            "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
            "disable_notification": True,
        },
    )
    assert status == 200 and body["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "A"
    status, body = await raw_call(fake, "sendMessage", query={"chat_id": "1001", "text": "q"})
    assert status == 200 and body["result"]["text"] == "q"
    assert fake.violations == []


# ---------------------------------------------------------------- getUpdates
async def test_long_polling_returns_pressed_button_quickly(fake, bot, user):
    m = await bot.send_message(1001, "Pilih", reply_markup=kb([("Lanjut ▶", "next")]))
    first = await bot.get_updates(timeout=0)
    poll = asyncio.create_task(bot.get_updates(offset=first[-1].update_id + 1, timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    t0 = time.monotonic()
    qid = user.press_button("Lanjut")
    updates = await poll
    assert time.monotonic() - t0 < 0.5
    cq = updates[0].callback_query
    assert cq.id == qid and cq.data == "next" and cq.message.message_id == m.message_id
    assert cq.from_user.id == 1001 and cq.message.reply_markup.inline_keyboard[0][0].text
    assert fake.unanswered_callback_queries()[0].id == qid
    await bot.answer_callback_query(qid, text="Oke")
    assert fake.callback_queries[qid].answer == {"text": "Oke"}
    with pytest.raises(BadRequest, match=tg("query is too old")):
        await bot.answer_callback_query(qid)
    with pytest.raises(BadRequest, match=tg("query is too old")):
        await bot.answer_callback_query("12345")
    qid2 = user.press(m.message_id, "next")
    with pytest.raises(BadRequest, match=tg("MESSAGE_TOO_LONG")):
        await bot.answer_callback_query(qid2, text="x" * 201)
    with pytest.raises(AssertionError, match=tg("available buttons: ['Lanjut ▶']")):
        user.press_button("Kembali")


async def test_get_updates_offset_limit_and_allowed_updates(fake, bot, user):
    user.send_text("satu")
    user.send_text("dua")
    again = await bot.get_updates(timeout=0)
    assert [u.message.text for u in await bot.get_updates(timeout=0)] == [
        "/start",
        "satu",
        "dua",
    ]  # not confirmed: delivered again
    assert [u.message.text for u in await bot.get_updates(timeout=0, limit=1)] == ["/start"]
    rest = await bot.get_updates(offset=again[0].update_id + 1, timeout=0)
    assert [u.message.text for u in rest] == ["satu", "dua"]
    assert await bot.get_updates(offset=rest[-1].update_id + 1, timeout=0) == ()
    assert fake.pending_update_count == 0
    user.send_text("tiga")
    assert await bot.get_updates(timeout=0, allowed_updates=["callback_query"]) == ()
    assert len(await bot.get_updates(timeout=0, allowed_updates=[])) == 1
    # a duplicate update is delivered twice
    dup = {"update_id": 555, "message": user.send_text("asli")}
    fake.inject_raw_update(dup)
    fake.inject_raw_update(dup)
    ids = [u.update_id for u in await bot.get_updates(timeout=0)]
    assert ids.count(555) == 2
    assert fake.violations == []


async def test_entities_of_user_messages(fake, bot):
    u = fake.user(1002, first_name="Budi")
    msg = u.send_text("/kuis@sinau_bareng_bot mulai /bantuan")
    assert [(e["offset"], e["length"]) for e in msg["entities"]] == [(0, 22), (29, 8)]
    u.send_photo(caption="foto")
    u.send_sticker()
    sent = u.edit_text(msg["message_id"], "/start")
    updates = await bot.get_updates(timeout=0)
    assert updates[0].message.entities[0].type == "bot_command"
    assert updates[1].message.photo[-1].width == 800 and updates[1].message.caption == "foto"
    assert updates[2].message.sticker.emoji == "👍"
    assert updates[3].edited_message.text == "/start" == sent["text"]
    f = await bot.get_file(updates[1].message.photo[-1].file_id)
    assert bytes(await f.download_as_bytearray()) == b"\xff\xd8JPEG"
    for entry in fake.updates.pending.values():  # the raw JSON the fake produced
        assert SCHEMA.validate_result(entry.update, ("Update",)) is None


async def test_blocked_user(fake, bot, user):
    await bot.get_updates(offset=-1, timeout=0)
    user.block()
    with pytest.raises(Forbidden, match=tg("bot was blocked by the user")):
        await bot.send_message(1001, "Halo?")
    assert fake.violations == [] and fake.calls[-1].error_code == 403
    updates = await bot.get_updates(timeout=0, allowed_updates=["my_chat_member"])
    mcm = updates[-1].my_chat_member
    assert (mcm.old_chat_member.status, mcm.new_chat_member.status) == ("member", "kicked")
    assert mcm.new_chat_member.user.id == 123456
    user.unblock()
    await bot.send_message(1001, "Selamat datang kembali")
    assert (await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0))[
        -1
    ].my_chat_member.new_chat_member.status == "member"
    assert fake.violations == []


# ------------------------------------------------------------- faults, limits
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_fail_next_429_shape(fake, bot, user):
    fake.fail_next("sendMessage", status=429, retry_after=3)
    status, body = await raw_call(fake, "sendMessage", {"chat_id": "1001", "text": "x"})
    assert status == 429
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    fake.fail_next("sendMessage", count=2)
    for _ in range(2):
        with pytest.raises(RetryAfter):
            await bot.send_message(1001, "x")
    await bot.send_message(1001, "now it works")
    fake.fail_next("*", status=500)
    with pytest.raises(NetworkError, match=tg("Internal Server Error")):
        await bot.send_message(1001, "x")
    fake.fail_next("sendMessage", status=502)
    with pytest.raises(NetworkError, match=tg("Bad Gateway")):
        await bot.send_message(1001, "x")
    assert fake.violations == [] and fake.rate_limited == 0


async def test_delay_next_causes_client_timeout_but_call_is_processed(fake, bot, user):
    fake.delay_next("sendMessage", 0.5)
    with pytest.raises(TimedOut):
        await bot.send_message(1001, "lambat", read_timeout=0.1)
    await fake.wait_for(lambda: fake.chat(1001).last_message())
    assert fake.chat(1001).last_message().text == "lambat"


async def test_rate_limits():
    fake = FakeBotApi(TOKEN, rate_limit_per_second=5)
    fake.user(1001, started=True)
    await fake.start()
    try:
        codes = [
            (await raw_call(fake, "sendChatAction", {"chat_id": "1001", "action": "typing"}))[0]
            for _ in range(12)
        ]
        assert codes[:5] == [200] * 5 and 429 in codes
        assert fake.rate_limited == codes.count(429) and fake.violations == []
    finally:
        await fake.stop()
    fake = FakeBotApi(TOKEN, per_chat_per_second=1)
    await fake.start()
    try:
        a, b = fake.user(1, started=True), fake.user(2, started=True)
        codes = [
            (await raw_call(fake, "sendMessage", {"chat_id": str(u.id), "text": "x"}))[0]
            for u in (a, a, a, a, b)
        ]
        assert codes == [200, 200, 200, 429, 200]  # burst of 3 per chat
        _, body = await raw_call(fake, "sendMessage", {"chat_id": "1", "text": "x"})
        assert body["parameters"] == {"retry_after": 1} and fake.rate_limited == 2
    finally:
        await fake.stop()


# ------------------------------------------------------------------- webhook
async def test_webhook_delivery_and_conflict(fake, bot):
    received: list[tuple[dict, str | None]] = []

    async def hook(request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        if secret != "s3cret":
            return web.Response(status=403)
        received.append((await request.json(), secret))
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}/hook"
    try:
        with pytest.raises(BadRequest, match=tg("HTTPS URL must be provided")):
            await bot.set_webhook("http://example.org/hook")
        assert await bot.set_webhook(url, secret_token="s3cret")
        u = fake.user(1001)
        u.send_text("/start")
        u.send_text("halo")
        await fake.wait_for(lambda: len(received) == 2)
        assert [r[0]["message"]["text"] for r in received] == ["/start", "halo"]
        assert [d.status for d in fake.webhook_deliveries] == [200, 200]
        info = await bot.get_webhook_info()
        assert info.url == url and info.pending_update_count == 0
        with pytest.raises(Conflict, match=tg("webhook is active")):
            await bot.get_updates(timeout=0)
        assert await fake.post_update_to(url, {"update_id": 1}, "wrong") == 403
        assert await bot.delete_webhook()
        u.send_text("polling lagi")
        assert (await bot.get_updates(timeout=0))[-1].message.text == "polling lagi"
        assert len(fake.violations) == 2  # the http:// webhook URL and the 409
    finally:
        await runner.cleanup()


async def test_preconfigured_webhook_posts_updates():
    got: list[tuple[dict, str | None]] = []

    async def hook(request: web.Request) -> web.Response:
        got.append((await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return web.Response(status=200 if len(got) > 1 else 500)  # first attempt fails

    app = web.Application()
    app.router.add_post("/wh", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    fake = FakeBotApi(TOKEN, webhook_url=f"http://127.0.0.1:{port}/wh", webhook_secret="abc")
    await fake.start()
    try:
        fake.user(7).send_text("hai")
        await fake.wait_for(lambda: len(got) == 2)
        assert got[0] == got[1] and got[1][1] == "abc" and got[1][0]["message"]["text"] == "hai"
        assert [d.status for d in fake.webhook_deliveries] == [500, 200]
    finally:
        await fake.stop()
        await runner.cleanup()


async def test_ptb_webhook_mode_end_to_end(fake):
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(f"echo: {update.message.text}")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = Application.builder().token(TOKEN).base_url(fake.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.start()
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="tg",
            webhook_url=f"http://127.0.0.1:{port}/tg",
            secret_token="s3cret",
        )
        try:
            u = fake.user(1001)
            u.send_text("halo")
            assert (await u.wait_for_reply()).text == "echo: halo"
            assert fake.webhook_deliveries[-1].status == 200
            assert (
                await fake.post_update_to(f"http://127.0.0.1:{port}/tg", {"update_id": 1}, "wrong")
                == 403
            )
        finally:
            await app.updater.stop()
            await app.stop()
    assert fake.violations == []


# --------------------------------------------------------------- end to end
async def test_application_end_to_end(fake):
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_html(
            f"Halo <b>{update.effective_user.first_name}</b>!",
            reply_markup=kb([("Mulai kuis", "quiz")]),
        )

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text("Kuis dimulai")

    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(on_button))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0)
        try:
            u = fake.user(1001, first_name="Siti")
            u.send_text("/start")
            reply = await u.wait_for_reply()
            assert reply.html == "Halo <b>Siti</b>!" and reply.button_texts == ["Mulai kuis"]
            u.press_button("Mulai")
            edited = await u.wait_for_reply()
            assert edited is reply and edited.text == "Kuis dimulai" and edited.edits == 1
            with pytest.raises(TimeoutError, match=tg("no reply to user 1001")):
                await u.wait_for_reply(timeout=0.2)
        finally:
            await app.updater.stop()
            await app.stop()
    assert fake.violations == [] and fake.unanswered_callback_queries() == []


# ----------------------------------------------------------------- the spec
def test_spec_file_is_current():
    assert {"sendMessage", "editMessageText", "sendPoll", "getUpdates", "setWebhook"} <= {
        m.name for m in SCHEMA.methods.values()
    }
    assert (SPEC_PATH.parent / "LICENSE.telegram-bot-api-spec").exists()
    if not DEFAULT_SOURCE.exists():
        pytest.skip("upstream Bot API JSON not available")
    shipped = json.loads(SPEC_PATH.read_text())
    assert build(json.loads(DEFAULT_SOURCE.read_text())) == shipped
