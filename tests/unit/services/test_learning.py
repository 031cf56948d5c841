"""Reading a module's cards (bot/services/learning.py): no skipping or forging, and the card move,
checked on random presses against the rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Connection, delete, select, update

from bot.core.content import Catalog
from bot.services import Services
from bot.services.learning import CardOutcome, LearningService
from bot.services.quiz_outcomes import StartOutcome
from db.models import ModuleProgress
from db.session import Database
from tests.support import FakeClock
from tests.unit.helpers import DB_EXAMPLES, USER, add_learner, register


async def test_cards_cannot_be_skipped_or_forged(svc: Services, catalog: Catalog) -> None:
    await register(svc)
    module = catalog.modules["berakhlak"]
    assert (await svc.learning.open_card(USER, module.id, module.version, 3)).outcome is (
        CardOutcome.OUT_OF_RANGE
    )
    assert (
        await svc.learning.open_card(USER, module.id, module.version, 0)
    ).outcome is CardOutcome.OK
    assert (await svc.learning.open_card(USER, module.id, module.version + 1, 1)).outcome is (
        CardOutcome.OUTDATED
    )
    assert (await svc.learning.open_card(USER, "tidak-ada", 1, 0)).outcome is CardOutcome.NO_MODULE
    assert (await svc.learning.open_card(9999, module.id, module.version, 0)).outcome is (
        CardOutcome.NOT_REGISTERED
    )
    # The quiz opens only after the last card.
    assert (await svc.quiz.start(USER, module.id, module.version)).outcome is StartOutcome.NOT_READY


@dataclass
class _Reading:
    """What the learner's progress row should say."""

    version: int
    current: int = 0
    furthest: int = 0
    passed: bool = False


def _progress(conn: Connection, employee_id: int) -> tuple[int, int, int] | None:
    row = conn.execute(
        select(
            ModuleProgress.content_version,
            ModuleProgress.current_card,
            ModuleProgress.furthest_card,
        ).where(ModuleProgress.employee_id == employee_id)
    ).first()
    return None if row is None else (row[0], row[1], row[2])


def _forget_progress(conn: Connection, employee_id: int) -> None:
    conn.execute(delete(ModuleProgress).where(ModuleProgress.employee_id == employee_id))


def _pass(conn: Connection, employee_id: int, now: datetime) -> None:
    conn.execute(
        update(ModuleProgress)
        .where(ModuleProgress.employee_id == employee_id)
        .values(completed_at=now)
    )


@DB_EXAMPLES
@given(data=st.data())
async def test_cards_go_back_anywhere_forward_one_at_a_time_and_all_once_passed(
    db: Database, catalog: Catalog, clock: FakeClock, data: st.DataObject
) -> None:
    """Random card presses, passes and content changes, through both paths of ``open_card``
    (the prepared UPDATE, and the path that sets the row up first), against what the rule says.
    """
    employee_id = await db.run(add_learner)
    await db.run(_forget_progress, employee_id)
    module = catalog.modules["berakhlak"]
    cards = len(module.cards)
    learning = LearningService(db, catalog, clock, ZoneInfo("Asia/Jakarta"))
    version, reading = module.version, None
    for _ in range(data.draw(st.integers(1, 25), label="presses")):
        event = data.draw(st.sampled_from(["open"] * 6 + ["stale", "pass", "new version"]))
        if event == "pass":
            await db.run(_pass, employee_id, clock.now)
            if reading is not None:
                reading.passed = True
            continue
        if event == "new version":
            version += 1
            changed = module.model_copy(update={"version": version})
            learning.catalog = Catalog.build([changed], catalog.opds.values())
            continue
        index = data.draw(st.integers(-1, cards), label="index")
        asked = version - 1 if event == "stale" else version
        view = await learning.open_card(4242, module.id, asked, index)
        if event == "stale":
            assert view.outcome is CardOutcome.OUTDATED
            continue
        if reading is None:
            reading = _Reading(version)
        elif reading.version != version:  # a new version: reading starts over, a pass stays
            reading = _Reading(version, passed=reading.passed)
        reachable = cards - 1 if reading.passed else min(cards - 1, reading.furthest + 1)
        if 0 <= index <= reachable:
            assert (view.outcome, view.index) == (CardOutcome.OK, index)
            reading.current, reading.furthest = index, max(reading.furthest, index)
        else:
            assert (view.outcome, view.index) == (CardOutcome.OUT_OF_RANGE, reading.current)
        stored = await db.run(_progress, employee_id)
        assert stored == (reading.version, reading.current, reading.furthest)
