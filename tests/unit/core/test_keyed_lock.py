"""The keyed lock behind per-user update order and per-chat send order."""

from __future__ import annotations

import asyncio

import pytest

from bot.core.keyed_lock import KeyedLock


async def test_one_holder_per_key_in_arrival_order_other_keys_alongside() -> None:
    locks: KeyedLock[int] = KeyedLock()
    log: list[str] = []
    gate = asyncio.Event()

    async def hold(key: int, name: str) -> None:
        async with locks(key):
            log.append(f"{name} in")
            if name == "a1":
                await gate.wait()
            await asyncio.sleep(0)
            log.append(f"{name} out")

    tasks = [asyncio.create_task(hold(k, n)) for k, n in [(1, "a1"), (1, "a2"), (1, "a3")]]
    other = asyncio.create_task(hold(2, "b1"))
    await other  # another key is not held up by key 1
    assert log == ["a1 in", "b1 in", "b1 out"]
    assert len(locks) == 1  # key 2 is forgotten once idle
    gate.set()
    await asyncio.gather(*tasks)
    assert log[3:] == ["a1 out", "a2 in", "a2 out", "a3 in", "a3 out"]
    assert len(locks) == 0


async def test_a_waiter_cancelled_or_a_holder_failing_leaves_nothing_behind() -> None:
    locks: KeyedLock[str] = KeyedLock()
    async with locks("chat"):
        waiter = asyncio.create_task(locks("chat").__aenter__())
        await asyncio.sleep(0)
        assert len(locks) == 1
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
    assert len(locks) == 0
    with pytest.raises(RuntimeError):
        async with locks("chat"):
            raise RuntimeError("handler failed")
    assert len(locks) == 0
    async with locks("chat"):  # and the key is usable again
        pass
