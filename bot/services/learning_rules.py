"""What a learner's progress means: a module's state, a path's progress, what locks a module,
and the order in which modules are offered.

Pure rules over progress rows (``ModuleProgress``, or Core rows of its columns: see
``bot.store.progress``). The learning service, the quiz's last answer, the keyboards and the
reminders all read them, so they live apart from the service that moves through the cards.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.content import Catalog, LearningPath, Module
from bot.store.progress import Progress
from db.models import ModuleProgress


@dataclass(frozen=True, slots=True)
class ModuleState:
    """A learner's standing in one module."""

    module: Module
    progress: ModuleProgress | None
    # The prerequisites (module ids) still to pass; a module already started is never locked.
    locked_by: tuple[str, ...] = ()

    @property
    def locked(self) -> bool:
        return bool(self.locked_by)

    @property
    def completed(self) -> bool:
        return self.progress is not None and self.progress.completed_at is not None

    @property
    def started(self) -> bool:
        return self.progress is not None

    @property
    def resume_card(self) -> int:
        if self.progress is None or self.progress.content_version != self.module.version:
            return 0
        return min(self.progress.current_card, len(self.module.cards) - 1)

    @property
    def read_all_cards(self) -> bool:
        if self.completed:
            return True
        p = self.progress
        return (
            p is not None
            and p.content_version == self.module.version
            and p.furthest_card >= len(self.module.cards) - 1
        )


@dataclass(frozen=True, slots=True)
class PathView:
    """A learning path with the learner's progress: its modules' states in path order."""

    path: LearningPath
    steps: tuple[ModuleState, ...]

    @property
    def done(self) -> int:
        return sum(1 for step in self.steps if step.completed)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def followed(self) -> bool:
        """The learner started a module of it: the path's next module is offered directly."""
        return any(step.started for step in self.steps)

    @property
    def next(self) -> Module | None:
        """The first module of the path not passed and open to the learner."""
        for step in self.steps:
            if not step.completed and not step.locked:
                return step.module
        return None


def path_view(
    catalog: Catalog, path: LearningPath, progress: Mapping[str, ModuleProgress]
) -> PathView:
    steps = tuple(
        ModuleState(catalog.modules[m], progress.get(m), locks(catalog, m, progress))
        for m in path.module_ids
        if m in catalog.modules
    )
    return PathView(path, steps)


def passed(progress: ModuleProgress | None) -> bool:
    """The learner passed the module (its progress row has a completion)."""
    return progress is not None and progress.completed_at is not None


def locks(catalog: Catalog, module_id: str, progress: Mapping[str, Progress]) -> tuple[str, ...]:
    """What still locks ``module_id`` for a learner with ``progress``: the prerequisites not
    passed, unless the learner has started the module already (a lock added later never takes
    away a module in progress)."""
    if module_id in progress or module_id not in catalog.requires:
        return ()
    passed = {m for m, p in progress.items() if p.completed_at is not None}
    return catalog.locked_by(module_id, passed)


def suggest(catalog: Catalog, progress: Mapping[str, Progress]) -> Module | None:
    """The module to offer next: the one in progress, else the next not started and open."""
    open_ = (m for m in next_modules(catalog, progress) if not locks(catalog, m.id, progress))
    return next(open_, None)


def next_modules(catalog: Catalog, progress: Mapping[str, Progress]) -> list[Module]:
    """The modules a learner has yet to pass, in the order to suggest them: those in progress
    (the most recently read first), then those not started, in catalog order."""
    started = sorted(
        (p for p in progress.values() if p.completed_at is None and p.module_id in catalog.modules),
        key=lambda p: p.updated_at,
        reverse=True,
    )
    order = [catalog.modules[p.module_id] for p in started]
    fresh = [m for m in catalog.ordered() if m.id not in progress]
    # Modules a learning path still locks come last: they count for what is left to learn,
    # but are offered only once open.
    order += [m for m in fresh if not locks(catalog, m.id, progress)]
    order += [m for m in fresh if locks(catalog, m.id, progress)]
    return order


def shortcut_for(catalog: Catalog, progress: Mapping[str, ModuleProgress]) -> ModuleState | None:
    """The module the menu, the welcome and ``/belajar`` offer with one button.

    The rule: the module in progress (started, not passed) read most recently; otherwise a
    module to start: in the category where the learner's passed modules add up to the fewest
    minutes (ties: catalog order of the categories), the first module of that category, in
    catalog order, not started yet. None once every module is passed.
    """
    started = [
        p for p in progress.values() if p.completed_at is None and p.module_id in catalog.modules
    ]
    if started:
        latest = max(started, key=lambda p: (p.updated_at, p.id))
        return ModuleState(catalog.modules[latest.module_id], latest)
    best: tuple[int, Module] | None = None
    for modules in catalog.by_category.values():
        fresh = [m for m in modules if m.id not in progress]
        if not fresh:
            continue
        minutes = sum(m.minutes for m in modules if passed(progress.get(m.id)))
        if best is None or minutes < best[0]:
            best = (minutes, fresh[0])
    return ModuleState(best[1], None) if best is not None else None
