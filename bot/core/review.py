"""Spaced review: the rules, pure (no I/O). FSRS schedules; this module decides what it is fed.

- **Entering.** When a module's quiz is passed, each question the learner answered in any
  attempt of that content version enters their schedule, rated once at that moment: ``Again``
  if it was ever answered wrong (so it comes back the next day), ``Good`` otherwise.
- **Reviewing.** A right answer rates ``Good``, a wrong one ``Again`` (FSRS-6, the ``fsrs``
  library, at the configured desired retention). There are no same-day learning steps: the
  review is daily, so every rating moves the question at least a whole day on, and intervals are
  not fuzzed (the daily cap spreads the load instead, and tests stay exact).
- **Due by the day.** FSRS gives an instant; a question is due from the start of that local day,
  so the evening reminder sees every question due "today" whatever the hour it was last seen.
- **Content changes.** Each scheduled question keeps the content version and a fingerprint of
  what it asks (scenario, question, options, right options). A new module version keeps a
  question whose fingerprint is unchanged (a typo fixed on a card does not wipe the schedule)
  and drops one that changed or was removed: the learner never learned the new one.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from fsrs import Card, Rating, Scheduler

from bot.core.content import Module, Question

MAXIMUM_INTERVAL_DAYS = 365  # modules are reviewed against the regulations yearly


def fingerprint(question: Question) -> str:
    """What a question asks, as 16 hex digits: equal fingerprints mean the same question.

    The options count in their order: a session stores its shuffle as option indexes.
    """
    payload = json.dumps(
        [question.scenario or "", question.question, question.options, sorted(question.correct)],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def day_start(day: date, tz: tzinfo) -> datetime:
    """The UTC instant local ``day`` begins."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Scheduled:
    """A question's card state after a rating: what the schedule row stores."""

    card: dict[str, Any]  # fsrs ``Card.to_dict()``
    due_at: datetime  # the start of the local day the card is due
    due: datetime  # FSRS's own due instant


class ReviewScheduler:
    """FSRS with the bot's choices (see the module's docstring)."""

    def __init__(self, retention: float, tz: tzinfo) -> None:
        self.tz = tz
        self._fsrs = Scheduler(
            desired_retention=retention,
            learning_steps=(),
            relearning_steps=(),
            maximum_interval=MAXIMUM_INTERVAL_DAYS,
            enable_fuzzing=False,
        )

    def enter(self, missed: bool, now: datetime) -> Scheduled:
        """A question entering the schedule at ``now`` (a pass), rated by its quiz history."""
        card = Card(card_id=0, due=now.astimezone(UTC))
        return self._rate(card, Rating.Again if missed else Rating.Good, now)

    def review(self, state: Mapping[str, Any], right: bool, now: datetime) -> Scheduled:
        """A review answered at ``now``: right rates Good, wrong rates Again."""
        card = Card.from_dict(dict(state))  # type: ignore[arg-type]
        return self._rate(card, Rating.Good if right else Rating.Again, now)

    def _rate(self, card: Card, rating: Rating, now: datetime) -> Scheduled:
        reviewed, _log = self._fsrs.review_card(card, rating, now.astimezone(UTC))
        due = reviewed.due
        local_day = due.astimezone(self.tz).date()
        return Scheduled(dict(reviewed.to_dict()), day_start(local_day, self.tz), due)


# --- Drawing a session ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DueQuestion:
    module_id: str
    question_id: str
    content_version: int
    fingerprint: str
    due_at: datetime


class Standing:
    """How a scheduled question stands against the loaded content."""

    CURRENT = "current"  # same version
    CARRIED = "carried"  # a newer version asks the same question: keep it, bump the version
    GONE = "gone"  # the module or the question was removed, or the question changed


def standing(row: DueQuestion, modules: Mapping[str, Module]) -> str:
    module = modules.get(row.module_id)
    if module is None:
        return Standing.GONE
    if module.version == row.content_version:
        return Standing.CURRENT
    question = module.question(row.question_id)
    if question is None or fingerprint(question) != row.fingerprint:
        return Standing.GONE
    return Standing.CARRIED


def draw(due: Sequence[DueQuestion], count: int) -> list[DueQuestion]:
    """Up to ``count`` of the due questions, most overdue first, taking modules in turn so a
    session mixes subjects rather than repeating one module."""
    by_module: dict[str, list[DueQuestion]] = {}
    for row in sorted(due, key=lambda r: (r.due_at, r.module_id, r.question_id)):
        by_module.setdefault(row.module_id, []).append(row)
    queues = list(by_module.values())
    chosen: list[DueQuestion] = []
    while len(chosen) < count and queues:
        for queue in list(queues):
            if len(chosen) == count:
                break
            chosen.append(queue.pop(0))
            if not queue:
                queues.remove(queue)
    return chosen


def plan_step(module: Module, question_id: str, rng: random.Random) -> dict[str, Any]:
    """One question of a session: ``{"m", "q", "v", "perm"}``, options shuffled as in a quiz
    (``perm[shown slot] = original option index``)."""
    question = module.question(question_id)
    if question is None:
        raise ValueError(f"{module.id} has no question {question_id}")
    perm = list(range(len(question.options)))
    rng.shuffle(perm)
    return {"m": module.id, "q": question_id, "v": module.version, "perm": perm}


def reviewed_minutes(reviewed_today: int, minutes_per_question: int, max_per_day: int) -> int:
    """The minutes a day of review credits: per question reviewed, capped by the daily maximum."""
    return min(reviewed_today, max_per_day) * minutes_per_question


def next_review_day(due_at: datetime | None, tz: tzinfo) -> date | None:
    return due_at.astimezone(tz).date() if due_at is not None else None


def local_midnight(now: datetime, tz: tzinfo) -> datetime:
    return day_start(now.astimezone(tz).date(), tz)


def tomorrow(now: datetime, tz: tzinfo) -> datetime:
    return day_start(now.astimezone(tz).date() + timedelta(days=1), tz)
