"""Multi-step flows persisted per user (registration, profile edits, /lapor, announcements,
/admin, reminders), so a restart loses nothing; and the one check every flow button passes.

Every change of a flow's state draws a new random ``token``, and every button drawn for that
state carries it (typed callback data, ``bot.core.callbacks``). ``expect`` is the only way a
button reaches a flow's state: it returns the state only when the flow, the step and the token
all match, and otherwise raises ``NotAllowed(Refusal.STALE_BUTTON)`` ("tombol ini dari draf
lama"), inside the caller's transaction, so nothing is sent, scheduled or changed. A button of
an older draft, of an earlier step of the same draft, or a second tap of a button whose first
tap already moved the draft on, is refused the same way. Typed text needs no token: it always
answers the step the flow is at.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.errors import NotAllowed, Refusal
from db.models import ChatSession

TOKEN_BYTES = 4  # 8 hex digits: ``bot.core.callbacks.Token``


def new_token() -> str:
    return secrets.token_hex(TOKEN_BYTES)


@dataclass(slots=True)
class FlowState:
    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
    token: str = ""  # set by ``set_state``; the buttons of this state repeat it


async def get_state(session: AsyncSession, telegram_id: int) -> FlowState | None:
    row = await session.get(ChatSession, telegram_id)
    if row is None:
        return None
    return FlowState(flow=row.flow, step=row.step, data=dict(row.data or {}), token=row.token or "")


async def set_state(session: AsyncSession, telegram_id: int, state: FlowState) -> FlowState:
    """Store ``state`` with a new token (written into ``state`` too): the buttons of every
    earlier state of this chat are stale from now on."""
    state.token = new_token()
    row = await session.get(ChatSession, telegram_id)
    if row is None:
        session.add(
            ChatSession(
                telegram_id=telegram_id,
                flow=state.flow,
                step=state.step,
                data=state.data,
                token=state.token,
            )
        )
    else:
        row.flow = state.flow
        row.step = state.step
        row.data = dict(state.data)
        row.token = state.token
    return state


async def expect(
    session: AsyncSession,
    telegram_id: int,
    token: str | None,
    flows: str | Collection[str],
    steps: Collection[str] = (),
) -> FlowState:
    """The state a button was drawn for, or ``NotAllowed(Refusal.STALE_BUTTON)``.

    ``flows``: the flow (or flows) the button belongs to; ``steps``: the steps at which it may
    act (empty: any step of that flow). The token must be the state's current one.
    """
    allowed = {flows} if isinstance(flows, str) else set(flows)
    state = await get_state(session, telegram_id)
    if (
        state is None
        or state.flow not in allowed
        or not token
        or not state.token
        or not secrets.compare_digest(state.token, token)
        or (steps and state.step not in steps)
    ):
        raise NotAllowed(Refusal.STALE_BUTTON)
    return state


async def take(session: AsyncSession, telegram_id: int, state: FlowState) -> None:
    """End ``state`` (read by ``expect``) as the one press that acts on it: a conditional delete
    of that very state, so of two presses at once only one goes on (the other is refused as
    stale, also on PostgreSQL, where both may have read the state)."""
    result = await session.execute(
        delete(ChatSession).where(
            ChatSession.telegram_id == telegram_id, ChatSession.token == state.token
        )
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise NotAllowed(Refusal.STALE_BUTTON)


async def clear_state(session: AsyncSession, telegram_id: int) -> bool:
    result = await session.execute(
        delete(ChatSession).where(ChatSession.telegram_id == telegram_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
