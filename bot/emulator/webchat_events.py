"""The web chat's live feed: a server-sent event stream per open page, fed by the fake's call
observer (a message sent, edited or deleted, a chat action, a callback answer's toast, the
command menu, the menu button) and by the developer notices of rejected calls.

It exists so that the stream, its queues and the observer have one home apart from the chat's
routes (``webchat``); ``WebChat`` inherits it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .state import Call
from .webchat_http import as_int
from .webchat_render import MessageRendering, Persona

if TYPE_CHECKING:
    from .users import FakeUser

HEARTBEAT_SECONDS = 15.0
QUEUE_MAX = 10_000  # events a slow page may lag behind before it is dropped (it reconnects)
_MESSAGE_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendPoll",
        "stopPoll",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "deleteMessage",
        "deleteMessages",
    }
)
_QUIET_ERRORS = frozenset({403, 429})  # a blocked user or a rate limit is not the author's bug


@dataclass
class _Client:
    queue: asyncio.Queue[dict[str, Any]] = field(
        default_factory=lambda: asyncio.Queue(maxsize=QUEUE_MAX)
    )


class EventFeed(MessageRendering):
    """The event half of ``WebChat`` (which sets these attributes)."""

    personas: dict[int, Persona]
    notices: list[dict[str, Any]]
    _clients: list[_Client]
    _actions: dict[int, tuple[str, float]]

    async def _events(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-store",
                "X-Accel-Buffering": "no",
            }
        )
        await response.prepare(request)
        client = _Client()
        self._clients.append(client)
        try:
            await response.write(b": connected\n\n")
            while True:
                try:
                    event = await asyncio.wait_for(client.queue.get(), HEARTBEAT_SECONDS)
                except TimeoutError:
                    await response.write(b": heartbeat\n\n")
                    continue
                data = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
                await response.write(f"data: {data}\n\n".encode())
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            with contextlib.suppress(ValueError):
                self._clients.remove(client)
        return response

    def _broadcast(self, event: dict[str, Any]) -> None:
        for client in list(self._clients):
            try:
                client.queue.put_nowait(event)
            except asyncio.QueueFull:
                self._clients.remove(client)

    def _push_user_message(self, user: FakeUser, message_id: int) -> None:
        msg = user.chat.get(message_id)
        if msg is not None:
            self._broadcast(
                {
                    "type": "message",
                    "chat": user.id,
                    "message": self.message_json(msg),
                    "reply_keyboard": user.chat.reply_keyboard,
                }
            )

    def notify(self, source: str, description: str) -> None:
        """A developer notice in every chat (e.g. the content's problems)."""
        notice = {
            "type": "notice",
            "chat": None,
            "method": source,
            "error_code": None,
            "description": description,
            "ts": time.time(),
        }
        self.notices.append(notice)
        self._broadcast(notice)

    def _observe(self, call: Call) -> None:
        """What a Bot API call changed, as events for the pages."""
        params = call.params if isinstance(call.params, dict) else {}
        chat_id = as_int(params.get("chat_id"))
        if not call.response_ok:
            if call.error_code in _QUIET_ERRORS or call.method == "getUpdates":
                return
            notice = {
                "type": "notice",
                "chat": chat_id if chat_id in self.fake.users else None,
                "method": call.method,
                "error_code": call.error_code,
                "description": call.description or "",
                "ts": call.ts,
            }
            self.notices.append(notice)
            self._broadcast(notice)
            return
        if call.method in _MESSAGE_METHODS:
            self._message_changed(chat_id, params, call.result)
        elif call.method == "sendChatAction" and chat_id is not None:
            self._actions[chat_id] = (str(params.get("action")), time.time())
            self._broadcast({"type": "action", "chat": chat_id, "action": params.get("action")})
        elif call.method == "answerCallbackQuery":
            record = self.fake.callback_queries.get(str(params.get("callback_query_id")))
            if record is not None and params.get("text"):
                self._broadcast(
                    {
                        "type": "toast",
                        "chat": record.chat_id,
                        "text": params["text"],
                        "alert": bool(params.get("show_alert")),
                    }
                )
        elif call.method == "setChatMenuButton" and chat_id in self.personas:
            menu = self.menu_button(chat_id)
            self._broadcast({"type": "menu_button", "chat": chat_id, "menu_button": menu})
        elif call.method in ("setMyCommands", "deleteMyCommands"):
            for uid in self.personas:
                self._broadcast({"type": "commands", "chat": uid, "commands": self.commands(uid)})

    def _message_changed(self, chat_id: int | None, params: dict, result: Any) -> None:
        if chat_id is None or chat_id not in self.fake.users:
            return
        chat = self.fake.chat(chat_id)
        ids: list[int] = []
        if isinstance(result, dict) and "message_id" in result:
            ids.append(int(result["message_id"]))
        if "message_id" in params:
            ids.append(as_int(params["message_id"]) or 0)
        ids.extend(as_int(i) or 0 for i in params.get("message_ids") or [])
        self._actions.pop(chat_id, None)  # a message ends the chat action, as in Telegram
        for mid in dict.fromkeys(ids):
            msg = chat.get(mid)
            if msg is not None:
                self._broadcast(
                    {
                        "type": "message",
                        "chat": chat_id,
                        "message": self.message_json(msg),
                        "reply_keyboard": chat.reply_keyboard,
                    }
                )
