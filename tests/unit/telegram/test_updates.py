"""The admission queue between PTB's Updater and the handlers (bot/telegram/updates.py)."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.telegram.updates import AdmissionQueue


async def test_admission_queue_holds_the_updater_back_until_updates_are_handled() -> None:
    queue = AdmissionQueue(limit=2)
    await queue.put(Update(1))
    await queue.put(Update(2))
    third = asyncio.create_task(queue.put(Update(3)))
    await asyncio.sleep(0.01)
    assert not third.done()  # two updates in flight: the Updater waits
    await queue.put(object())  # PTB's stop signal never waits
    queue.release()  # one update handled
    await asyncio.wait_for(third, 1)
    assert queue.qsize() == 4
