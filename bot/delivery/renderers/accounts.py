"""Messages about accounts (verification, transfers, unbinding, cancelled announcements),
delivered through the outbox like every bulk message.

They are queued (``bot.store.outbox.queue_account_notice``) in the transaction that decides
what they tell, with their text. A request to review is checked again at send time: one an
admin decided meanwhile is no longer offered.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from bot.core.outgoing import Button, Outgoing, Skip
from db.models import IdentityRequest, OutboundMessage
from db.session import Database


class AccountNoticeRenderer:
    """Renders queued account notices (the sender's renderer for ``MessageKind.ACCOUNT``)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def render(self, rows: Sequence[OutboundMessage]) -> dict[int, Outgoing | Skip]:
        ids = {int(row.payload["request"]) for row in rows if row.payload.get("request")}
        pending: set[int] = set()
        if ids:
            async with self.db.transaction() as s:
                pending = set(
                    await s.scalars(
                        select(IdentityRequest.id).where(
                            IdentityRequest.id.in_(ids), IdentityRequest.status == "pending"
                        )
                    )
                )
        messages: dict[int, Outgoing | Skip] = {}
        for row in rows:
            request = row.payload.get("request")
            if request and int(request) not in pending:
                messages[row.id] = Skip("already decided")
                continue
            buttons = tuple(
                tuple(Button(str(label), callback_data=str(data)) for label, data in line)
                for line in row.payload.get("buttons") or ()
            )
            messages[row.id] = Outgoing(str(row.payload.get("text") or ""), buttons=buttons)
        return messages
