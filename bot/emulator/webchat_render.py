"""How the web chat shows the fake's chats to the page: the personas it plays, a message (text,
buttons, photo, document, poll, contact, sticker) as JSON, a poll with the user's vote, the
command menu and the Web App menu button a chat shows.

It exists so that what the page receives has one home, shared by the chat's reads
(``webchat``) and its event feed (``webchat_events``); ``WebChat`` inherits it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .state import BotMessage
from .webchat_http import as_int, sniff

if TYPE_CHECKING:
    from .server import FakeBotApi

INLINE_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/webp", "text/plain")


@dataclass(frozen=True)
class Persona:
    """A user the page can play: their Telegram account and the phone the contact shares."""

    id: int
    first_name: str
    last_name: str | None = None
    phone: str | None = None
    title: str = ""  # the role in one line ("PNS baru", "Admin OPD")
    description: str = ""
    started: bool = False  # has talked to the bot before (so the bot may write first)

    def json(self) -> dict[str, Any]:
        name = f"{self.first_name} {self.last_name or ''}".strip()
        return {
            "id": self.id,
            "name": name,
            "initials": "".join(w[0] for w in name.split()[:2]).upper(),
            "title": self.title,
            "description": self.description,
            "phone": self.phone,
        }


class MessageRendering:
    """The rendering half of ``WebChat`` (which sets these attributes)."""

    fake: FakeBotApi
    now: Callable[[], float] | None
    _dates: dict[tuple[int, int], int]
    _files: dict[str, tuple[str | None, str | None]]

    def menu_button(self, chat_id: int) -> dict[str, Any] | None:
        """The chat's Web App menu button (``setChatMenuButton``), if the bot set one."""
        button = self.fake.menu_buttons.get(chat_id)
        if isinstance(button, dict) and button.get("type") == "web_app":
            return {"text": button.get("text", "")}
        return None

    def commands(self, chat_id: int | None = None) -> list[dict]:
        """The command menu a private chat shows: the most specific scope that is set."""
        scopes: dict[str, list[dict]] = {}
        for (scope_json, lang), commands in self.fake.commands.items():
            scope = json.loads(scope_json)
            if scope.get("type") == "chat":
                if as_int(scope.get("chat_id")) != chat_id:
                    continue
                key = "chat"
            else:
                key = str(scope.get("type"))
            if key not in scopes or not lang:
                scopes[key] = commands
        for key in ("chat", "all_private_chats", "default"):
            if key in scopes:
                return scopes[key]
        return []

    def message_json(self, m: BotMessage) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": m.message_id,
            "from_bot": m.from_bot,
            "kind": m.kind,
            "text": m.text or "",
            "entities": m.entities,
            "date": self._date(m),
            "edited": bool(m.edits or m.edit_date),
            "deleted": m.deleted,
        }
        if m.reply_markup and "inline_keyboard" in m.reply_markup:
            out["inline_keyboard"] = [
                [
                    {k: b[k] for k in ("text", "callback_data", "url", "web_app") if k in b}
                    for b in row
                ]
                for row in m.reply_markup["inline_keyboard"]
            ]
        if m.photo:
            largest = max(m.photo, key=lambda s: s.get("width", 0) * s.get("height", 0))
            out["photo"] = f"/files/{largest['file_id']}"
        if m.document:
            doc = m.document
            mime = self._mime(doc["file_id"], doc.get("mime_type"))
            self._files[doc["file_id"]] = (doc.get("file_name"), mime)
            out["document"] = {
                "name": doc.get("file_name") or "file",
                "mime": mime,
                "size": doc.get("file_size", 0),
                "url": f"/files/{doc['file_id']}",
                "inline": mime in INLINE_TYPES,
            }
        if m.poll:
            out["poll"] = self._poll_json(m)
        if m.contact:
            out["contact"] = m.contact
        if m.sticker:
            out["sticker"] = m.sticker.get("emoji", "")
        return out

    def _date(self, m: BotMessage) -> int:
        """The message's time on the bot's clock, as it was when the message was first seen."""
        if self.now is None:
            return m.date
        key = (m.chat_id, m.message_id)
        if key not in self._dates:
            self._dates[key] = m.date + round(self.now() - time.time())
        return self._dates[key]

    def _mime(self, file_id: str, declared: str | None) -> str:
        """The declared type, or what the bytes are when none (or a generic one) was given."""
        if declared and declared != "application/octet-stream":
            return declared
        stored = self.fake.files.get(file_id)
        return sniff(stored.data) if stored is not None else "application/octet-stream"

    def _poll_json(self, m: BotMessage) -> dict[str, Any]:
        poll = m.poll or {}
        votes = self.fake.poll_votes.get(poll.get("id", ""), {})
        return {
            "id": poll.get("id"),
            "question": poll.get("question", ""),
            "question_entities": poll.get("question_entities", []),
            "description": poll.get("description", ""),
            "description_entities": poll.get("description_entities", []),
            "options": [o["text"] for o in poll.get("options", [])],
            "counts": [o.get("voter_count", 0) for o in poll.get("options", [])],
            "type": poll.get("type"),
            "correct": poll.get("correct_option_ids", []),
            "explanation": poll.get("explanation", ""),
            "explanation_entities": poll.get("explanation_entities", []),
            "closed": bool(poll.get("is_closed")),
            "anonymous": bool(poll.get("is_anonymous")),
            "multiple": bool(poll.get("allows_multiple_answers")),
            "my_vote": votes.get(m.chat_id),
        }
