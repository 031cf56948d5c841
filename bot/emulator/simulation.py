"""User simulation hooks and test-facing helpers of FakeBotApi."""

from __future__ import annotations

import asyncio
import copy
import itertools
import time
from typing import TYPE_CHECKING, Any, cast

from .base import FakeBase
from .state import BotMessage, Call, CallbackRecord, Chat
from .users import FakeUser

if TYPE_CHECKING:
    from collections.abc import Callable

    from .server import FakeBotApi


_ID_COUNTER = itertools.count(1)
_ID_BASE = {"poll": 5_000_000_000_000_000_000, "cbq": 4_000_000_000_000_000_000}


def short_params(params: dict, limit: int = 160) -> str:
    text = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class SimulationMixin(FakeBase):
    """Part of FakeBotApi (uses its ``users``, ``updates``, ``calls`` ...)."""

    # -------------------------------------------------------- simulation hooks
    def enqueue(self, update: dict) -> dict:
        return self.updates.push(update)

    def inject_raw_update(self, update: dict) -> dict:
        """Queue a raw Update dict as is (keeps its update_id if present, so the
        same update can be delivered twice)."""
        return self.updates.push(dict(update))

    def record_event(self, chat: Chat, msg: BotMessage) -> None:
        self.seq += 1
        chat.events.append((self.seq, msg))

    def _next_id(self, kind: str) -> str:
        # process-wide counters: like Telegram's, ids never repeat across fakes/tests
        return str(_ID_BASE[kind] + next(_ID_COUNTER))

    def new_poll_id(self) -> str:
        return self._next_id("poll")

    def register_poll(self, poll: dict, msg: BotMessage) -> None:
        self.polls[poll["id"]] = msg
        self.poll_votes[poll["id"]] = {}

    def new_callback_query(self, user: FakeUser, msg: BotMessage, data: str) -> str:
        qid = self._next_id("cbq")
        self.callback_queries[qid] = CallbackRecord(
            qid, user.id, msg.chat_id, msg.message_id, data, time.time()
        )
        self.enqueue(
            {
                "callback_query": {
                    "id": qid,
                    "from": user.json(),
                    "message": copy.deepcopy(msg.to_api()),
                    "chat_instance": str(user.id * 7919 + self.bot_id),
                    "data": data,
                }
            }
        )
        return qid

    def vote(self, user: FakeUser, poll_id: str, option_ids: list[int]) -> None:
        msg = self.polls.get(poll_id)
        assert msg is not None and not msg.deleted, f"unknown poll {poll_id}"
        poll = msg.poll
        assert poll is not None
        if not poll["is_closed"] and poll.get("close_date") and time.time() >= poll["close_date"]:
            poll["is_closed"] = True
        assert not poll["is_closed"], f"poll {poll_id} is closed; users can't vote"
        assert not poll["is_anonymous"], (
            "Telegram sends no poll_answer updates for anonymous polls: the bot must send the "
            "poll with is_anonymous=False to learn who answered"
        )
        n = len(poll["options"])
        assert all(0 <= o < n for o in option_ids), f"option ids out of range 0..{n - 1}"
        assert len(option_ids) <= 1 or poll["allows_multiple_answers"], "single-answer poll"
        votes = self.poll_votes[poll_id]
        previous = votes.get(user.id)
        if previous is not None:
            assert poll["allows_revoting"], "this poll doesn't allow changing the answer"
            for o in previous:
                poll["options"][o]["voter_count"] -= 1
        for o in option_ids:
            poll["options"][o]["voter_count"] += 1
        if option_ids:
            votes[user.id] = option_ids
        else:
            votes.pop(user.id, None)
        poll["total_voter_count"] = len(votes)
        self.enqueue(
            {
                "poll_answer": {
                    "poll_id": poll_id,
                    "user": user.json(),
                    "option_ids": option_ids,
                    "option_persistent_ids": [
                        poll["options"][o]["persistent_id"] for o in option_ids
                    ],
                }
            }
        )
        if self.poll_updates:
            self.enqueue({"poll": copy.deepcopy(poll)})

    def member_update(self, user: FakeUser, old: str, new: str) -> None:
        def member(status: str) -> dict[str, Any]:
            m: dict[str, Any] = {"status": status, "user": self.bot_user}
            if status == "kicked":
                m["until_date"] = 0
            return m

        self.enqueue(
            {
                "my_chat_member": {
                    "chat": user.chat.json(),
                    "from": user.json(),
                    "date": int(time.time()),
                    "old_chat_member": member(old),
                    "new_chat_member": member(new),
                }
            }
        )

    # ---------------------------------------------------------- test helpers
    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
        started: bool = False,
    ) -> FakeUser:
        """Get or create a simulated user (private chat id == user id).  The bot may
        message it once it has sent anything (or if ``started=True``)."""
        u = self.users.get(user_id)
        if u is None:
            u = self.users[user_id] = FakeUser(
                cast("FakeBotApi", self),
                user_id,
                first_name,
                last_name,
                username,
                language_code,
                started,
            )
        return u

    def chat(self, chat_id: int) -> Chat:
        assert chat_id in self.users, f"no fake user/chat {chat_id}"
        return self.users[chat_id].chat

    def last_poll(self, chat_id: int) -> dict | None:
        for m in reversed(self.chat(chat_id).messages):
            if m.poll is not None and not m.deleted:
                return m.poll
        return None

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def unanswered_callback_queries(self) -> list[CallbackRecord]:
        return [r for r in self.callback_queries.values() if not r.answered]

    @property
    def pending_update_count(self) -> int:
        return len(self.updates)

    async def wait_for(
        self,
        predicate: Callable[[], Any],
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> Any:
        """Poll ``predicate`` every 10 ms; return its first truthy value."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if loop.time() >= deadline:
                raise TimeoutError(f"condition not met within {timeout}s\n{self.dump()}")
            await asyncio.sleep(0.01)

    def dump(self, last: int = 12) -> str:
        lines = [f"--- last {min(last, len(self.calls))} of {len(self.calls)} calls ---"]
        for c in self.calls[-last:]:
            status = "ok " if c.response_ok else f"ERR {c.error_code} {c.description}"
            lines.append(f"  {c.method} {status} [{short_params(c.params, 120)}]")
        lines.append(f"--- violations ({len(self.violations)}) ---")
        lines += [f"  {v}" for v in self.violations[-last:]]
        lines.append(
            f"--- pending updates: {len(self.updates)}; webhook: "
            f"{self.webhook['url'] if self.webhook else None}"
        )
        return "\n".join(lines)
