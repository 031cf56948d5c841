"""Polls and quizzes: the rules of sendPoll, answers and stopping."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Bot
from telegram.error import BadRequest

from bot.emulator import FakeBotApi, FakeUser
from tests.emulator.helpers import present, tg


async def test_poll_rules(fake: FakeBotApi, bot: Bot, user: FakeUser) -> None:
    m = await bot.send_poll(
        1001,
        "2+2?",
        ["3", "4", "5"],
        type="quiz",
        correct_option_ids=[1],
        is_anonymous=False,
        explanation="Dua tambah dua\nadalah\nempat",
    )
    assert m.poll is not None
    assert m.poll.correct_option_ids == (1,) and present(fake.last_poll(1001))["id"] == m.poll.id
    assert fake.violations == []
    cases: list[tuple[dict[str, Any], str]] = [
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


async def test_poll_answer_and_stop(fake: FakeBotApi, bot: Bot, user: FakeUser) -> None:
    m = await bot.send_poll(1001, "Warna?", ["Merah", "Biru"], is_anonymous=False)
    assert m.poll is not None
    user.answer_poll(m.poll.id, [1])
    updates = await bot.get_updates(timeout=0)
    answers = [u.poll_answer for u in updates if u.poll_answer]
    assert answers[0].option_ids == (1,) and present(answers[0].user).id == 1001
    assert next(u.poll for u in updates if u.poll).options[1].voter_count == 1
    stopped = await bot.stop_poll(1001, m.message_id)
    assert stopped.is_closed
    with pytest.raises(AssertionError, match=tg("closed")):
        user.answer_poll(m.poll.id, [0])
    anon = await bot.send_poll(1001, "Anonim?", ["Ya", "Tidak"])
    assert anon.poll is not None
    with pytest.raises(AssertionError, match=tg("anonymous")):
        user.answer_poll(anon.poll.id, [0])
    with pytest.raises(BadRequest, match=tg("already been closed")):
        await bot.stop_poll(1001, m.message_id)
    with pytest.raises(BadRequest, match=tg("no text in the message")):
        await bot.edit_message_text("x", chat_id=1001, message_id=anon.message_id)
