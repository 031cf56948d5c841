"""Claiming outbox batches (bot/delivery/outbox_store.py)."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import insert

from bot.delivery.outbox_store import OutboxStore
from bot.services import Services
from db.models import Broadcast, OutboundMessage
from tests.support import FakeClock


async def test_the_sender_shares_each_batch_between_reminders_and_announcements(
    svc: Services, clock: FakeClock
) -> None:
    """Two big announcements and a few reminders: every lane is served from the first batch."""
    now = clock.now
    async with svc.db.transaction() as s:
        for number in (1, 2):
            s.add(
                Broadcast(
                    id=number,
                    created_by=1,
                    text=f"B{number}",
                    audience={},
                    status="sending",
                    created_at=now,
                    recipients=300,
                )
            )
        await s.flush()
        rows: list[dict[str, object]] = [
            {
                "kind": "broadcast",
                "dedup_key": f"b:{b}:{i}",
                "broadcast_id": b,
                "chat_id": 10_000 * b + i,
                "payload": {},
                "status": "pending",
                "attempts": 0,
                "not_before": now,
                "created_at": now,
            }
            for b in (1, 2)
            for i in range(300)
        ]
        rows += [
            {
                "kind": "reminder",
                "dedup_key": f"r:{i}",
                "broadcast_id": None,
                "chat_id": 50 + i,
                "payload": {},
                "status": "pending",
                "attempts": 0,
                "not_before": now,
                "created_at": now.astimezone(UTC),
            }
            for i in range(5)
        ]
        await s.execute(insert(OutboundMessage), rows)
    batch = await OutboxStore(svc.db, clock, "worker-a").claim(60)
    lanes = [row.broadcast_id for row in batch]
    assert len(batch) == 60
    assert lanes.count(None) == 5  # every waiting reminder, though queued last
    assert abs(lanes.count(1) - lanes.count(2)) <= 1  # the two announcements share the rest
    assert lanes[:3] == [None, 1, 2]  # and the lanes are interleaved from the start
