"""Pending-update queue (getUpdates long polling / webhook delivery) and rate buckets."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

# Telegram delivers every update type except these unless allowed_updates asks for them.
EXCLUDED_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def update_type(update: dict) -> str:
    return next((k for k in update if k != "update_id"), "")


def update_chat_key(update: dict) -> int | None:
    """The chat an update belongs to (webhook delivery keeps per-chat order)."""
    body = update.get(update_type(update))
    if not isinstance(body, dict):
        return None
    for path in (("chat", "id"), ("message", "chat", "id"), ("from", "id"), ("user", "id")):
        v: Any = body
        for k in path:
            v = v.get(k) if isinstance(v, dict) else None
        if isinstance(v, int):
            return v
    return None


class Entry:
    __slots__ = ("delivered", "in_flight", "key", "update", "update_id")

    def __init__(self, key: int, update: dict) -> None:
        self.key = key
        self.update = update
        self.update_id: int = update["update_id"]
        self.delivered = False
        self.in_flight = False


class UpdateQueue:
    """Updates the bot has not confirmed yet, in arrival order."""

    def __init__(self, first_update_id: int = 10_000) -> None:
        self.pending: dict[int, Entry] = {}
        self.next_update_id = first_update_id
        self.allowed: frozenset[str] | None = None  # None = Telegram's default set
        self.poll_gen = 0
        self._keys = itertools.count()
        self._event = asyncio.Event()

    def push(self, update: dict) -> dict:
        if "update_id" not in update:
            update = {"update_id": self.next_update_id, **update}
            self.next_update_id += 1
        else:
            self.next_update_id = max(self.next_update_id, update["update_id"] + 1)
        key = next(self._keys)
        self.pending[key] = Entry(key, update)
        self.wake()
        return update

    def wake(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._event.wait(), seconds)
        except TimeoutError:
            pass

    def is_allowed(self, update: dict) -> bool:
        t = update_type(update)
        return t not in EXCLUDED_BY_DEFAULT if self.allowed is None else t in self.allowed

    def confirm(self, offset: int) -> None:
        """getUpdates(offset): forget delivered updates with update_id < offset
        (a negative offset keeps only the last -offset updates)."""
        if offset < 0:
            keep = list(self.pending)[offset:]
            self.pending = {k: self.pending[k] for k in keep}
            return
        if offset == 0:
            return
        for k in [k for k, e in self.pending.items() if e.delivered and e.update_id < offset]:
            del self.pending[k]

    def select(self, limit: int) -> list[dict]:
        out = []
        for e in self.pending.values():
            if self.is_allowed(e.update):
                e.delivered = True
                out.append(e.update)
                if len(out) >= limit:
                    break
        return out

    def take_for_webhook(self, limit: int) -> list[Entry]:
        out = []
        for k in list(self.pending):
            e = self.pending[k]
            if e.in_flight:
                continue
            if not self.is_allowed(e.update):
                del self.pending[k]
                continue
            e.in_flight = True
            out.append(e)
            if len(out) >= limit:
                break
        return out

    def remove(self, entry: Entry) -> None:
        self.pending.pop(entry.key, None)

    def clear(self) -> None:
        self.pending.clear()

    def __len__(self) -> int:
        return len(self.pending)


class Bucket:
    """Token bucket: ``rate`` tokens per second, at most ``burst`` stored."""

    __slots__ = ("burst", "last", "rate", "tokens")

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate, self.burst, self.tokens, self.last = rate, burst, burst, now

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False
