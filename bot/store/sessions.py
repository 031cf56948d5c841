"""Multi-step flows (registration, profile edits) persisted per user, so a restart loses nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ChatSession


@dataclass(slots=True)
class FlowState:
    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)


async def get_state(session: AsyncSession, telegram_id: int) -> FlowState | None:
    row = await session.get(ChatSession, telegram_id)
    if row is None:
        return None
    return FlowState(flow=row.flow, step=row.step, data=dict(row.data or {}))


async def set_state(session: AsyncSession, telegram_id: int, state: FlowState) -> None:
    row = await session.get(ChatSession, telegram_id)
    if row is None:
        session.add(
            ChatSession(telegram_id=telegram_id, flow=state.flow, step=state.step, data=state.data)
        )
    else:
        row.flow = state.flow
        row.step = state.step
        row.data = dict(state.data)


async def clear_state(session: AsyncSession, telegram_id: int) -> bool:
    result = await session.execute(
        delete(ChatSession).where(ChatSession.telegram_id == telegram_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
