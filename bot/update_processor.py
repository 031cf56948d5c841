"""Concurrent update handling that keeps each user's updates in order.

python-telegram-bot handles updates one at a time by default, so the bot waits on every HTTP
round trip and database commit in turn. Its ``concurrent_updates=True`` removes that wait but
may reorder two taps of the same user (a "next" overtaking the previous "next"). This processor
runs different users' updates concurrently and one user's updates strictly in arrival order.
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


class PerUserUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 128) -> None:
        super().__init__(max_concurrent_updates)
        # user id -> [lock, number of updates holding or waiting for it]; dropped when idle,
        # so memory follows the users active right now, not all users ever seen.
        self._locks: dict[int, list[Any]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
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
