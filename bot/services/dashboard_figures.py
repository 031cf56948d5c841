"""The dashboard's figures that are too costly to read on every request: the province's recap
(with its monthly trend and each OPD's assignment counts) and the assignments' compliance
report, kept per process and refreshed in the background once they are older than
``PROVINCE_FRESH_SECONDS``.

It exists so that the cache, its locks and its background refreshes have one home apart from
the views (``bot.services.dashboard``), which still check the role on every request.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.clock import Clock
from bot.core.jp import Targets
from bot.services.assignments import AssignmentService, Counts
from bot.services.dashboard_json import sum_counts
from bot.store import reports
from db.models import Assignment
from db.session import Database

log = logging.getLogger("bot.services.dashboard")  # the dashboard's one logger, as before the split
# The province's recap sums every credit of the year (seconds at 300,000 employees on SQLite):
# it is kept this long per process and refreshed in the background after that, so a superadmin
# gets it at once, at most this old (the answer says when it was computed). The role is checked
# on every request all the same; an agency's figures are always read fresh.
PROVINCE_FRESH_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class ProvinceFigures:
    """The province's answer as computed (kept ``PROVINCE_FRESH_SECONDS``): the recap, the
    year's monthly trend, and each OPD's members of the active assignments."""

    started: float
    as_of: str
    rows: list[reports.OpdRecap]
    months: dict[int, int]
    assignments: dict[str, Counts]


class KeptFigures:
    """The province's recap per year and the compliance report, computed on first use, then
    served at once and refreshed in the background."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        targets: Targets,
        assignments: AssignmentService | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.targets = targets
        self.assignments = assignments
        self.monotonic: Callable[[], float] = time.monotonic
        self._province: dict[int, ProvinceFigures] = {}
        self._province_locks: dict[int, asyncio.Lock] = {}
        self._refreshing: dict[int, asyncio.Task[None]] = {}
        # The assignments service's compliance report (every active assignment's counts per
        # OPD): kept and refreshed as the province's recap is, for the province and the agencies.
        self._compliance: tuple[float, str, list[tuple[Assignment, dict[str | None, Counts]]]]
        self._compliance = (0.0, "", [])
        self._compliance_kept = False
        self._compliance_lock = asyncio.Lock()
        self._compliance_task: asyncio.Task[None] | None = None

    async def province(self, year: int) -> ProvinceFigures:
        """The year's figures: computed now if none are kept, else the kept ones (refreshed in
        the background once older than ``PROVINCE_FRESH_SECONDS``). The caller checks the role."""
        cached = self._province.get(year)
        if cached is None:
            async with self._province_locks.setdefault(year, asyncio.Lock()):
                cached = self._province.get(year) or await self._compute_province(year)
        elif self.monotonic() - cached.started > PROVINCE_FRESH_SECONDS:
            self._refresh_province(year)
        return cached

    async def _compute_province(self, year: int) -> ProvinceFigures:
        started = self.monotonic()
        async with self.db.transaction() as s:
            rows = await reports.opd_recap(s, year, self.targets)
            months = await reports.monthly_totals(s, year)
        assigned: dict[str, list[Counts]] = {}
        for _assignment, per_opd in (await self.compliance())[1]:
            for opd, counts in per_opd.items():
                if opd is not None:
                    assigned.setdefault(opd, []).append(counts)
        entry = ProvinceFigures(
            started,
            self.clock().isoformat(timespec="seconds"),
            rows,
            months,
            {opd: sum_counts(found) for opd, found in assigned.items()},
        )
        self._province[year] = entry
        return entry

    def _refresh_province(self, year: int) -> None:
        if year in self._refreshing:
            return  # one refresh at a time
        lock = self._province_locks.setdefault(year, asyncio.Lock())

        async def refresh() -> None:
            try:
                async with lock:
                    await self._compute_province(year)
            except Exception:  # the stale figures stay; a later request tries again
                log.exception("dashboard: the province recap of %s was not refreshed", year)
            finally:
                self._refreshing.pop(year, None)

        self._refreshing[year] = asyncio.get_running_loop().create_task(refresh())

    async def settle(self) -> None:
        """Wait for the background refreshes under way (tests, shutdown)."""
        tasks = [*self._refreshing.values(), *filter(None, [self._compliance_task])]
        await asyncio.gather(*tasks, return_exceptions=True)

    async def compliance(
        self,
    ) -> tuple[str, list[tuple[Assignment, dict[str | None, Counts]]]]:
        """(when it was computed, ``AssignmentService.compliance()``): computed on first use,
        then served at once and refreshed in the background once older than
        ``PROVINCE_FRESH_SECONDS`` (it counts every active assignment's members)."""
        if self.assignments is None:
            return "", []
        if not self._compliance_kept:
            async with self._compliance_lock:
                if not self._compliance_kept:
                    await self._compute_compliance()
        elif (
            self.monotonic() - self._compliance[0] > PROVINCE_FRESH_SECONDS
            and self._compliance_task is None
        ):

            async def refresh() -> None:
                try:
                    async with self._compliance_lock:
                        await self._compute_compliance()
                except Exception:  # the kept figures stay; a later request tries again
                    log.exception("dashboard: the assignments' compliance was not refreshed")
                finally:
                    self._compliance_task = None

            self._compliance_task = asyncio.get_running_loop().create_task(refresh())
        return self._compliance[1], self._compliance[2]

    async def _compute_compliance(self) -> None:
        assert self.assignments is not None
        started = self.monotonic()
        found = await self.assignments.compliance()
        self._compliance = (started, self.clock().isoformat(timespec="seconds"), found)
        self._compliance_kept = True
