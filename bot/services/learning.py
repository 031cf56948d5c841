"""Reading modules card by card, with progress kept in the database.

What the progress means (module states, paths, locks, what to offer next) is in
``bot.services.learning_rules``; the card-move rule, its one implementation, is below.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import tzinfo
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Integer,
    Update,
    bindparam,
    case,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import Clock
from bot.core.content import Card, Catalog, Category, Module
from bot.services.activity import RecentActivity
from bot.services.learning_rules import (
    ModuleState,
    PathView,
    locks,
    passed,
    path_view,
    shortcut_for,
    suggest,
)
from bot.store import employees
from db.dialects import cast_table
from db.models import Employee, ModuleProgress
from db.session import Database


class CardOutcome(StrEnum):
    OK = "ok"
    NO_MODULE = "no_module"
    OUTDATED = "outdated"  # the button was made for an older version of the module
    OUT_OF_RANGE = "out_of_range"  # forged index, or skipping ahead of what was read
    NOT_REGISTERED = "not_registered"
    LOCKED = "locked"  # a prerequisite of a learning path is not passed yet


@dataclass(frozen=True, slots=True)
class CardView:
    outcome: CardOutcome
    module: Module | None = None
    index: int = 0
    card: Card | None = None
    locked_by: tuple[str, ...] = ()  # LOCKED: the modules to pass first


@dataclass(frozen=True, slots=True)
class CatalogView:
    counts: dict[Category, tuple[int, int]]  # per category: (passed, modules)
    done: int
    total: int
    paths: tuple[PathView, ...] = ()


async def passed_modules(s: AsyncSession, employee_id: int, module_ids: Iterable[str]) -> set[str]:
    ids = list(module_ids)
    if not ids:
        return set()
    rows = await s.scalars(
        select(ModuleProgress.module_id).where(
            ModuleProgress.employee_id == employee_id,
            ModuleProgress.module_id.in_(ids),
            ModuleProgress.completed_at.is_not(None),
        )
    )
    return set(rows)


class LearningService:
    def __init__(
        self,
        db: Database,
        catalog: Catalog,
        clock: Clock,
        tz: tzinfo,
        activity: RecentActivity | None = None,
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.clock = clock
        self.tz = tz
        self.activity = activity or RecentActivity(tz)

    async def employee(self, telegram_id: int) -> Employee | None:
        async with self.db.transaction() as s:
            return await employees.by_telegram_id(s, telegram_id)

    async def overview(self, telegram_id: int) -> CatalogView | None:
        """Modules passed per category; None for someone not registered."""
        progress = await self._progress(telegram_id)
        if progress is None:
            return None
        counts = {
            category: (sum(1 for m in modules if passed(progress.get(m.id))), len(modules))
            for category, modules in self.catalog.by_category.items()
        }
        paths = tuple(path_view(self.catalog, p, progress) for p in self.catalog.paths.values())
        done = sum(d for d, _ in counts.values())
        return CatalogView(counts, done, len(self.catalog.modules), paths)

    async def path(self, telegram_id: int, path_id: str) -> PathView | None:
        """One learning path with the learner's progress; None if unknown or not registered."""
        path = self.catalog.path(path_id)
        if path is None:
            return None
        progress = await self._progress(telegram_id)
        return None if progress is None else path_view(self.catalog, path, progress)

    async def in_category(self, telegram_id: int, category: Category) -> list[ModuleState] | None:
        """The modules of one category with the learner's progress; None if not registered."""
        progress = await self._progress(telegram_id)
        if progress is None:
            return None
        modules = self.catalog.by_category.get(category, [])
        return [
            ModuleState(m, progress.get(m.id), locks(self.catalog, m.id, progress)) for m in modules
        ]

    async def module_state(self, telegram_id: int, module: Module) -> ModuleState | None:
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return None
            progress = await progress_for(s, employee.id, module.id)
            locked: tuple[str, ...] = ()
            if progress is None and module.id in self.catalog.requires:
                passed = await passed_modules(s, employee.id, self.catalog.requires[module.id])
                locked = self.catalog.locked_by(module.id, passed)
        return ModuleState(module=module, progress=progress, locked_by=locked)

    async def shortcut(self, telegram_id: int) -> ModuleState | None:
        """The one module the menu offers (``shortcut_for``); None when not registered or when
        every module is passed."""
        progress = await self._progress(telegram_id)
        return shortcut_for(self.catalog, progress) if progress is not None else None

    async def suggestion(self, telegram_id: int) -> Module | None:
        """The module to offer next: the one in progress, else the next not started."""
        progress = await self._progress(telegram_id)
        return suggest(self.catalog, progress) if progress is not None else None

    async def _progress(self, telegram_id: int) -> dict[str, ModuleProgress] | None:
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return None
            rows = await s.scalars(
                select(ModuleProgress).where(ModuleProgress.employee_id == employee.id)
            )
            return {row.module_id: row for row in rows}

    async def open_card(
        self, telegram_id: int, module_id: str, version: int, index: int
    ) -> CardView:
        """Move the learner to card ``index`` and remember it; refuse forged or stale requests."""
        module = self.catalog.module(module_id)
        if module is None:
            return CardView(CardOutcome.NO_MODULE)
        if version != module.version:
            return CardView(CardOutcome.OUTDATED, module=module)
        in_module = 0 <= index < len(module.cards)
        # The hot path, "next card": one UPDATE of the learner's row, if it allows the move.
        params = self._move_params(telegram_id, module, index)
        if in_module and await self.db.run(_move, params, self.activity):
            return CardView(CardOutcome.OK, module=module, index=index, card=module.cards[index])
        # Otherwise: no row yet (the module's first card), a row for another version of the
        # module, an index beyond what was read, or no such employee. Set the row up and move
        # with the same statement, or explain what went wrong.
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return CardView(CardOutcome.NOT_REGISTERED, module=module)
            progress = await progress_for(s, employee.id, module.id)
            if progress is None and module.id in self.catalog.requires:
                passed = await passed_modules(s, employee.id, self.catalog.requires[module.id])
                locked = self.catalog.locked_by(module.id, passed)
                if locked:  # the hot path above found no row: a forged or stale card button
                    return CardView(CardOutcome.LOCKED, module=module, locked_by=locked)
            if progress is None:
                progress = ModuleProgress(
                    employee_id=employee.id,
                    module_id=module.id,
                    content_version=module.version,
                    current_card=0,
                    furthest_card=0,
                    started_at=params["now"],
                    attempts=0,
                )
                s.add(progress)
            elif progress.content_version != module.version:
                # The module changed: reading starts over, a pass and its credit stay.
                progress.content_version = module.version
                progress.current_card = 0
                progress.furthest_card = 0
                progress.reading_seconds = 0
                progress.card_shown_ts = None
                progress.reread_mask = 0
                progress.retry_at = None
            if in_module:
                await s.flush()
                connection = await s.connection()
                if await connection.run_sync(_move, params, self.activity):
                    return CardView(
                        CardOutcome.OK, module=module, index=index, card=module.cards[index]
                    )
            return CardView(
                CardOutcome.OUT_OF_RANGE,
                module=module,
                index=progress.current_card,
                card=module.cards[min(progress.current_card, len(module.cards) - 1)],
            )

    def _move_params(self, telegram_id: int, module: Module, index: int) -> dict[str, Any]:
        now = self.clock()
        return {
            "statement": move_statement(module),
            "telegram_id": telegram_id,
            "p_module": module.id,
            "version": module.version,
            "index": index,
            "now": now,
            "now_ts": int(now.timestamp()),
            "keep": _ALL_CARDS & ~(1 << index) if 0 <= index < 62 else _ALL_CARDS,
            "tz": self.tz,
        }


async def progress_for(s: AsyncSession, employee_id: int, module_id: str) -> ModuleProgress | None:
    return await s.scalar(
        select(ModuleProgress).where(
            ModuleProgress.employee_id == employee_id, ModuleProgress.module_id == module_id
        )
    )


def _move(conn: Connection, params: dict[str, Any], activity: RecentActivity) -> bool:
    """Move to card ``params["index"]`` if the learner's row allows it, as learning activity."""
    moved = conn.execute(params["statement"], params).scalar_one_or_none()
    if moved is None:
        return False
    now = params["now"]
    if activity.due(moved, now):
        conn.execute(employees.TOUCH, employees.touch_params(moved, now, params["tz"]))
        # Noted before the commit: if the transaction fails after all, the activity is
        # written by a later tap, at most RecentActivity.window late.
        activity.written(moved, now)
    return True


# The card-move rule, as one prepared UPDATE per module (built once: each press skips SQL
# construction and finds the compiled form in the cache), and its only implementation: every path
# moves with it. One may go back anywhere and forward one card at a time; finished modules are
# open throughout. It moves only within the row's version of the module (``open_card`` starts a
# row over for a new version) and trusts the caller that ``index`` is a card of the module.
#
# The same UPDATE keeps the time on task: the seconds since the card being left was shown, up to
# that card's cap (``Module.card_cap_seconds``), are added to ``reading_seconds``, and the new card
# is stamped as shown now; the card is also struck from the cards to re-read after a failed quiz.
# So the timing adds no statement to the hot path.
_progress = cast_table(ModuleProgress)
_MOVES: dict[tuple[str, int], Update] = {}
_ALL_CARDS = (1 << 62) - 1


def _read_time(module: Module) -> ColumnElement[int]:
    """Seconds on the card being left, capped by that card's cap (0 if no card was open)."""
    caps = {index: module.card_cap_seconds(index) for index in range(len(module.cards))}
    cap = case(caps, value=_progress.c.current_card, else_=0)
    elapsed = bindparam("now_ts", type_=Integer) - _progress.c.card_shown_ts
    return case(
        (_progress.c.card_shown_ts.is_(None), 0),
        (elapsed < 0, 0),
        (elapsed > cap, cap),
        else_=elapsed,
    )


def move_statement(module: Module) -> Update:
    key = (module.id, module.version)
    statement = _MOVES.get(key)
    if statement is None:
        statement = (
            update(_progress)
            .where(
                _progress.c.employee_id
                == select(Employee.id)
                .where(Employee.telegram_id == bindparam("telegram_id"))
                .scalar_subquery(),
                _progress.c.module_id == bindparam("p_module"),
                _progress.c.content_version == bindparam("version"),
                or_(
                    _progress.c.completed_at.is_not(None),
                    _progress.c.furthest_card + 1 >= bindparam("index"),
                ),
            )
            .values(
                current_card=bindparam("index"),
                furthest_card=case(
                    (_progress.c.furthest_card < bindparam("index"), bindparam("index")),
                    else_=_progress.c.furthest_card,
                ),
                reading_seconds=_progress.c.reading_seconds + _read_time(module),
                card_shown_ts=bindparam("now_ts", type_=Integer),
                reread_mask=_progress.c.reread_mask.op("&")(bindparam("keep", type_=BigInteger)),
                updated_at=bindparam("now"),
            )
            .returning(_progress.c.employee_id)
        )
        _MOVES[key] = statement
    return statement
