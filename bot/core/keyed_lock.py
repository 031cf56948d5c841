"""One asyncio lock per key, kept only while in use.

For "one at a time per key, in arrival order" with any number of keys: a user's updates
(``bot/telegram/updates.py``) and the messages to one chat (``bot/delivery/sender.py``). A key's
lock exists only while someone holds or waits for it, so memory follows the keys in use right
now, not every user or chat ever seen.
"""

from __future__ import annotations

import asyncio
from typing import Generic, TypeVar

K = TypeVar("K")


class KeyedLock(Generic[K]):
    """``async with locks(key):`` admits one holder per key at a time, the others in order."""

    __slots__ = ("_entries",)

    def __init__(self) -> None:
        self._entries: dict[K, _Entry] = {}

    def __call__(self, key: K) -> _Held[K]:
        return _Held(self._entries, key)

    def __len__(self) -> int:
        """How many keys are held or waited for right now."""
        return len(self._entries)


class _Entry:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0  # holding or waiting


class _Held(Generic[K]):
    __slots__ = ("_entries", "_entry", "_key")

    def __init__(self, entries: dict[K, _Entry], key: K) -> None:
        self._entries = entries
        self._key = key

    async def __aenter__(self) -> None:
        entry = self._entries.get(self._key)
        if entry is None:
            entry = self._entries[self._key] = _Entry()
        entry.users += 1
        self._entry = entry
        try:
            await entry.lock.acquire()
        except BaseException:  # cancelled while waiting: no longer a user
            self._leave()
            raise

    async def __aexit__(self, *exc_info: object) -> None:
        self._entry.lock.release()
        self._leave()

    def _leave(self) -> None:
        self._entry.users -= 1
        if self._entry.users == 0:
            del self._entries[self._key]
