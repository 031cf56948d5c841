"""Message text and its formatting: HTML and MarkdownV2 parsed like Telegram, lengths in UTF-16."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import BadRequest

from bot.emulator import SCHEMA, FakeBotApi, FakeUser
from tests.emulator.helpers import kb, present, raw_call, tg


async def test_valid_send_message(fake: FakeBotApi, bot: Bot, user: FakeUser) -> None:
    m = await bot.send_message(
        1001,
        "<b>Halo</b> Siti &amp; teman 😀",
        parse_mode="HTML",
        reply_markup=kb([("Lanjut", "next")]),
    )
    assert m.text == "Halo Siti & teman 😀"
    assert m.from_user is not None
    assert m.from_user.id == 123456 and m.from_user.is_bot
    assert m.chat.id == 1001 and m.message_id == 2  # the user's /start was #1
    last = present(fake.chat(1001).last_message())
    assert last.text == m.text and last.entities == [{"type": "bold", "offset": 0, "length": 4}]
    assert last.html == "<b>Halo</b> Siti &amp; teman 😀"
    assert last.button_texts == ["Lanjut"]
    assert fake.violations == [] and fake.unknown_params == set()
    assert SCHEMA.validate_result(fake.calls[-1].result, ("Message",)) is None


async def test_text_length_counted_after_html_parsing_in_utf16(
    fake: FakeBotApi, bot: Bot, user: FakeUser
) -> None:
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
async def test_broken_html_is_rejected(
    fake: FakeBotApi, user: FakeUser, text: str, error: str
) -> None:
    status, body = await raw_call(
        fake, "sendMessage", {"chat_id": "1001", "text": text, "parse_mode": "HTML"}
    )
    assert status == 400 and body["ok"] is False and body["error_code"] == 400
    assert body["description"] == f"Bad Request: can't parse entities: {error}" or (
        body["description"].startswith(f"Bad Request: can't parse entities: {error}")
    )
    assert len(fake.violations) == 1 and "sendMessage" in fake.violations[0]


async def test_supported_html_tags(fake: FakeBotApi, bot: Bot, user: FakeUser) -> None:
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


async def test_markdown_v2_requires_escaping(fake: FakeBotApi, bot: Bot, user: FakeUser) -> None:
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
