"""Files in the fake: getFile for what a user sent, the download URL with the bot's token only,
and Telegram's 20 MB limit on what a bot may download."""

from __future__ import annotations

import aiohttp
import pytest
from telegram import Bot
from telegram.error import BadRequest

from bot.emulator import FakeBotApi, FakeUser
from tests.emulator.helpers import TOKEN, tg


async def test_get_file_and_download_what_a_user_sent(
    fake: FakeBotApi, bot: Bot, user: FakeUser
) -> None:
    sent = user.send_document("sertifikat.pdf", b"%PDF-1.4 certificate", "application/pdf")
    photo = user.send_photo(data=b"\xff\xd8photo")
    document = await bot.get_file(sent["document"]["file_id"])
    assert document.file_path is not None and document.file_path.endswith(".pdf")
    assert document.file_size == len(b"%PDF-1.4 certificate")
    assert (await document.download_as_bytearray()) == b"%PDF-1.4 certificate"
    biggest = await bot.get_file(photo["photo"][-1]["file_id"])
    assert (await biggest.download_as_bytearray()) == b"\xff\xd8photo"
    path = document.file_path.rsplit("/file/bot" + TOKEN + "/", 1)[1]
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{fake.base_file_url}{TOKEN}/{path}") as r:
            assert r.status == 200 and await r.read() == b"%PDF-1.4 certificate"
        async with http.get(f"{fake.base_file_url}123:WRONG/{path}") as r:
            assert r.status == 404  # another token gets nothing
        async with http.get(f"{fake.base_file_url}{TOKEN}/documents/nothing.pdf") as r:
            assert r.status == 404


async def test_get_file_refuses_unknown_ids_and_files_over_20_mb(
    fake: FakeBotApi, bot: Bot, user: FakeUser
) -> None:
    with pytest.raises(BadRequest, match=tg("invalid file_id")):
        await bot.get_file("BQACAgUAAxkNOPE")
    big = user.send_document("scan.pdf", b"x" * (20 * 1024 * 1024 + 1), "application/pdf")
    with pytest.raises(BadRequest, match=tg("file is too big")):
        await bot.get_file(big["document"]["file_id"])
