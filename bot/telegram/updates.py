"""Concurrent update handling that keeps each user's updates in order, with backpressure.

python-telegram-bot handles updates one at a time by default, so the bot waits on every HTTP
round trip and database commit in turn. Its ``concurrent_updates=True`` removes that wait but
may reorder two taps of the same user (a "next" overtaking the previous "next"). This processor
runs different users' updates concurrently and one user's updates strictly in arrival order.

``AdmissionQueue`` bounds how many updates are fetched but not yet handled (see there).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.core.keyed_lock import KeyedLock
from bot.observability.logs import update_context
from bot.observability.metrics import observe_update, update_type

log = logging.getLogger(__name__)


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

    async def admit(self) -> None:
        """Take a slot for an update that arrives another way (a webhook POST)."""
        await self._slots.acquire()

    def release(self) -> None:
        self._slots.release()


async def _handle(update: object, coroutine: Awaitable[Any]) -> None:
    """Run one update's handling tagged with its id (for every log line) and timed (metrics).

    The coroutine runs in this task, so the context variable reaches all it does; the time
    excludes the wait for the user's lock, which says nothing about the handlers' cost.
    """
    update_id = update.update_id if isinstance(update, Update) else None
    with update_context(update_id):
        started = time.perf_counter()
        try:
            await coroutine
        finally:
            seconds = time.perf_counter() - started
            observe_update(update, seconds)
            log.debug("handled %s in %.1f ms", update_type(update), seconds * 1000)


class PerUserUpdateProcessor(BaseUpdateProcessor):
    def __init__(
        self, max_concurrent_updates: int = 128, admission: AdmissionQueue | None = None
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._admission = admission
        self._users: KeyedLock[int] = KeyedLock()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await self._in_user_order(update, coroutine)
        finally:
            if self._admission is not None and isinstance(update, Update):
                self._admission.release()

    async def _in_user_order(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _key(update)
        if key is None:
            await _handle(update, coroutine)
            return
        async with self._users(key):
            await _handle(update, coroutine)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down: in-flight updates are awaited by the Application."""
