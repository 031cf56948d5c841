"""When a quiz may start: enough reading first, and no retry by trial and error (pure rules).

- **Reading first.** The quiz unlocks once the time spent on the cards reaches a share
  (``SINAU_MIN_READING_SHARE``, default half) of the module's estimated reading time. Each card
  counts at most its cap, so a phone left on one card does not unlock it.
- **After a failed attempt** the learner re-reads the cards of the questions missed, or waits
  ``SINAU_QUIZ_RETRY_MINUTES``; whichever comes first unlocks the retry.
- **At most ``SINAU_QUIZ_ATTEMPTS_PER_DAY`` attempts** of one module per local day.

Every refusal carries what the learner needs to hear: how much longer, which cards, or when.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from enum import StrEnum

from bot.core.content import Module


@dataclass(frozen=True, slots=True)
class QuizRules:
    min_reading_share: float = 0.5
    retry_minutes: int = 10
    attempts_per_day: int = 3


class Gate(StrEnum):
    OPEN = "open"
    READ_MORE = "read_more"  # not enough time on the cards yet
    REREAD = "reread"  # failed: re-read the missed cards, or wait
    DAILY_LIMIT = "daily_limit"


@dataclass(frozen=True, slots=True)
class GateResult:
    gate: Gate
    wait_seconds: int = 0  # READ_MORE: reading still needed; REREAD: until the retry opens
    cards: tuple[int, ...] = ()  # REREAD: the cards (0-based) still to re-read
    until: datetime | None = None  # REREAD and DAILY_LIMIT: when a retry is possible anyway


def reading_needed(module: Module, rules: QuizRules) -> int:
    """Seconds of reading the quiz needs, rounded up."""
    return math.ceil(module.reading_seconds * rules.min_reading_share)


def pending_reading(module: Module, card: int, shown_ts: int | None, now: datetime) -> int:
    """Seconds on the card still open, up to its cap: they count once the learner moves on."""
    if shown_ts is None or not 0 <= card < len(module.cards):
        return 0
    elapsed = int(now.timestamp()) - shown_ts
    return max(0, min(elapsed, module.card_cap_seconds(card)))


def missed_cards_mask(module: Module, missed_ids: tuple[str, ...] | list[str]) -> int:
    """Bit i set for each card (0-based) that teaches a missed question."""
    mask = 0
    for question_id in missed_ids:
        question = module.question(question_id)
        if question is not None:
            mask |= 1 << (question.card - 1)
    return mask


def cards_of(mask: int) -> tuple[int, ...]:
    return tuple(i for i in range(mask.bit_length()) if mask >> i & 1)


def next_local_midnight(now: datetime, tz: tzinfo) -> datetime:
    local = now.astimezone(tz)
    return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=tz)


@dataclass(frozen=True, slots=True)
class Standing:
    """What the gate reads about one learner and one module."""

    reading_seconds: int
    reread_mask: int = 0
    retry_at: datetime | None = None
    attempts_today: int = 0


def gate(
    module: Module, rules: QuizRules, standing: Standing, now: datetime, tz: tzinfo
) -> GateResult:
    """Whether a new attempt may start now, and if not, what to tell the learner."""
    if standing.attempts_today >= rules.attempts_per_day:
        return GateResult(Gate.DAILY_LIMIT, until=next_local_midnight(now, tz))
    needed = reading_needed(module, rules)
    if standing.reading_seconds < needed:
        return GateResult(Gate.READ_MORE, wait_seconds=needed - standing.reading_seconds)
    if standing.reread_mask and standing.retry_at is not None and now < standing.retry_at:
        wait = math.ceil((standing.retry_at - now).total_seconds())
        return GateResult(
            Gate.REREAD,
            wait_seconds=wait,
            cards=cards_of(standing.reread_mask),
            until=standing.retry_at,
        )
    return GateResult(Gate.OPEN)
