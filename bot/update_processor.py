"""Concurrent update handling that keeps each user's updates in order, with backpressure.

python-telegram-bot handles updates one at a time by default, so the bot waits on every HTTP
round trip and database commit in turn. Its ``concurrent_updates=True`` removes that wait but
may reorder two taps of the same user (a "next" overtaking the previous "next"). This processor
runs different users' updates concurrently and one user's updates strictly in arrival order.

``AdmissionQueue`` bounds how many updates are fetched but not yet handled (see there).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def _key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


class AdmissionQueue(asyncio.Queue[object]):
    """PTB's update queue, bounded by the updates in flight rather than by those queued.

    PTB's fetcher moves every update from its queue into a task of its own at once, so a bounded
    ``asyncio.Queue`` never fills: under a burst the bot fetched thousands of updates ahead of
    its handlers, each waiting as a parsed object in a task, and the memory stayed with the
    process. Here ``put`` (which PTB's Updater awaits for each update) waits while ``limit``
    updates are between fetched and handled, so the Updater stops polling and the rest wait at
    Telegram, unconfirmed and therefore safe. The processor calls ``release`` when one is done.
    """

    def __init__(self, limit: int) -> None:
        super().__init__()
        self._slots = asyncio.Semaphore(limit)

    async def put(self, item: object) -> None:
        if isinstance(item, Update):  # PTB's own stop signal must never wait
            await self._slots.acquire()
        await super().put(item)

    def release(self) -> None:
        self._slots.release()


class PerUserUpdateProcessor(BaseUpdateProcessor):
    def __init__(
        self, max_concurrent_updates: int = 128, admission: AdmissionQueue | None = None
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._admission = admission
        # user id -> [lock, number of updates holding or waiting for it]; dropped when idle,
        # so memory follows the users active right now, not all users ever seen.
        self._locks: dict[int, list[Any]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await self._in_user_order(update, coroutine)
        finally:
            if self._admission is not None and isinstance(update, Update):
                self._admission.release()

    async def _in_user_order(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _key(update)
        if key is None:
            await coroutine
            return
        entry = self._locks.get(key)
        if entry is None:
            entry = self._locks[key] = [asyncio.Lock(), 0]
        entry[1] += 1
        try:
            async with entry[0]:
                await coroutine
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down: in-flight updates are awaited by the Application."""
