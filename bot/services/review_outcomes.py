"""What a spaced-review or practice session shows and what its calls answer: the poll of one
position (``poll_spec``), and the outcomes of starting, answering and the menu's status line.

It exists so that the service that opens and ends sessions (``bot.services.review``) and the
recording of an answer (``bot.services.review_answers``) share one definition of each, and the
handlers read them without the service's machinery.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from bot.core.content import Catalog, Module, Question
from bot.store import review as store

REVIEW, PRACTICE = store.REVIEW, store.PRACTICE


@dataclass(frozen=True, slots=True)
class ReviewPollSpec:
    """One question of a session as it is shown (the shape ``handlers.quiz.send_poll`` sends)."""

    session_id: int
    kind: str
    position: int
    count: int
    module: Module
    question: str
    options: list[str]
    correct_option_ids: list[int]
    explanation: str
    scenario: str | None = None


class StartOutcome(StrEnum):
    STARTED = "started"
    RESUMED = "resumed"  # a session of this kind is open: its poll is waiting (or is re-sent)
    ALREADY_STARTED = "already"  # a parallel tap started it a moment ago: that one sends
    NOTHING_DUE = "nothing_due"
    DONE_TODAY = "done_today"  # the day's maximum is reviewed
    OTHER_OPEN = "other_open"  # a session of the other kind is open
    NOT_FOUND = "not_found"  # practice: not the caller's failed attempt, or nothing missed
    OUTDATED = "outdated"  # practice: the module changed since the attempt
    NOT_REGISTERED = "not_registered"


@dataclass(frozen=True, slots=True)
class StartResult:
    outcome: StartOutcome
    poll: ReviewPollSpec | None = None
    open_poll: int | None = None  # RESUMED: the message of the poll waiting for an answer
    next_day: date | None = None  # NOTHING_DUE / DONE_TODAY: when the next review is due
    kind: str = REVIEW


class AnswerOutcome(StrEnum):
    UNKNOWN = "unknown"  # not a review poll
    IGNORED = "ignored"  # a retracted vote, a repeat, someone else's poll
    STALE = "stale"  # a vote on a poll of an ended session
    NEXT = "next"
    FINISHED = "finished"


@dataclass(frozen=True, slots=True)
class Missed:
    module: Module
    question: Question


@dataclass(frozen=True, slots=True)
class SessionResult:
    kind: str
    correct: int
    count: int
    missed: tuple[Missed, ...]
    next_day: date | None  # review: the next question due
    credited_minutes: int = 0  # review with minutes: the day's credit now
    attempt_module: Module | None = None  # practice: the module of the attempt


@dataclass(frozen=True, slots=True)
class AnswerResult:
    outcome: AnswerOutcome
    chat_id: int = 0
    poll: ReviewPollSpec | None = None
    result: SessionResult | None = None
    stale_message: int | None = None
    changed: bool = False  # the question changed since it was scheduled: it left the schedule


@dataclass(frozen=True, slots=True)
class ReviewStatus:
    """The main menu's line: today's goal and the streak."""

    due: int  # questions due now
    goal: int  # what /ulas would ask today (due, within the day's remaining maximum)
    reviewed_today: int
    streak: int
    next_day: date | None = None


def poll_spec(
    catalog: Catalog, session_id: int, kind: str, plan: list[dict[str, Any]], position: int
) -> ReviewPollSpec | None:
    """The poll of ``position``; None if its question left the content (or changed)."""
    step = plan[position]
    module = catalog.module(step["m"])
    if module is None:
        return None
    question = module.question(step["q"])
    if question is None:
        return None
    perm: list[int] = step["perm"]
    if sorted(perm) != list(range(len(question.options))):
        return None  # the options changed under the stored shuffle
    return ReviewPollSpec(
        session_id=session_id,
        kind=kind,
        position=position,
        count=len(plan),
        module=module,
        question=question.question,
        options=[question.options[i] for i in perm],
        correct_option_ids=sorted(perm.index(i) for i in question.correct),
        explanation=question.explanation,
        scenario=question.scenario,
    )
