"""Announcements at send time: the announcement as recipients see it, read when it is sent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from bot.config import Settings
from bot.core.callbacks import ModuleButton
from bot.core.content import Catalog
from bot.core.outgoing import Button, Outgoing, Skip
from bot.core.telegram_html import escape
from bot.services.broadcast_drafts import Draft
from bot.store.audience import Audience
from bot.texts import admin as t
from db.models import Broadcast, Employee, OutboundMessage
from db.session import Database


@dataclass(frozen=True, slots=True)
class Sender:
    """Who an announcement is from, on its first line, so recipients know it is official: a
    superadmin's names the deployment's agency and role (``SINAU_SENDER_NAME``,
    ``SINAU_SENDER_ROLE``), an OPD admin's (``scope_opd`` set) "Admin OPD" and their agency."""

    agency: str
    role: str
    opds: Mapping[str, str] = field(default_factory=dict)  # code -> name

    def line(self, scope_opd: str | None) -> str:
        if scope_opd is None:
            agency, role = self.agency, self.role
        else:
            agency, role = self.opds.get(scope_opd, self.agency), t.SENDER_OPD_ROLE
        text = t.SENDER_LINE.format(role=escape(role[:40]), agency=escape(agency[:100]))
        return text


def sender_of(settings: Settings, catalog: Catalog) -> Sender:
    names = {code: opd.name for code, opd in catalog.opds.items()}
    return Sender(settings.sender_name, settings.sender_role, names)


class BroadcastRenderer:
    """The sender's renderer for ``MessageKind.BROADCAST``."""

    def __init__(self, db: Database, sender: Sender | None = None) -> None:
        self.db = db
        self.sender = sender

    async def render(self, rows: Sequence[OutboundMessage]) -> dict[int, Outgoing | Skip]:
        ids = {row.broadcast_id for row in rows if row.broadcast_id is not None}
        people = {row.employee_id for row in rows if row.employee_id is not None}
        async with self.db.transaction() as s:
            found = (await s.scalars(select(Broadcast).where(Broadcast.id.in_(ids)))).all()
            # Withdrawn since it was queued: respected at once, not from the next announcement.
            withdrawn = set(
                (
                    await s.scalars(
                        select(Employee.id).where(
                            Employee.id.in_(people), Employee.announcements_opt_out.is_(True)
                        )
                    )
                ).all()
            )
        # An announcement without content is never queued (the draft service refuses it); one
        # that got into the table anyway is skipped, never sent as an empty message.
        messages = {
            b.id: message_of(b, self.sender.line(b.scope_opd) if self.sender else "")
            for b in found
            if Draft.from_json({"text": b.text}).has_content
        }
        required = {b.id for b in found if Audience.from_json(b.audience).required}
        result: dict[int, Outgoing | Skip] = {}
        for row in rows:
            if row.employee_id in withdrawn and row.broadcast_id not in required:
                result[row.id] = Skip("announcements withdrawn")
            else:
                result[row.id] = messages.get(row.broadcast_id or 0) or Skip(
                    "announcement gone or empty"
                )
        return result


def message_of(broadcast: Broadcast | Draft, sender_line: str = "") -> Outgoing:
    """The announcement exactly as recipients see it, under its sender line (the admin's
    preview uses it too)."""
    buttons: tuple[tuple[Button, ...], ...] = ()
    button = broadcast.button or {}
    label = str(button.get("label", ""))[:60]
    if "module" in button:
        buttons = ((Button(label, callback_data=ModuleButton(button["module"]).pack()),),)
    elif "url" in button:
        buttons = ((Button(label, url=button["url"]),),)
    text = sender_line + broadcast.text
    return Outgoing(text, buttons, broadcast.media_kind, broadcast.media_file_id)
