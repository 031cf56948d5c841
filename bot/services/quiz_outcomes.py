"""What the quiz service answers: the shown question, and the outcomes of starting, answering
and abandoning an attempt.

Apart from ``bot.services.quiz`` so that the handlers (which switch on these outcomes) and the
service share them without the handlers reading the service's SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.content import Module
from bot.core.quiz_rules import GateResult
from bot.store.quiz_grading import Finished, QuizResult

__all__ = [
    "Abandoned",
    "AnswerOutcome",
    "AnswerResult",
    "PollSpec",
    "QuizResult",
    "StartOutcome",
    "StartResult",
]


@dataclass(frozen=True, slots=True)
class PollSpec:
    """One question as it is shown: options in the attempt's shuffled order."""

    attempt_id: int
    position: int
    count: int
    question: str
    options: list[str]
    correct_option_ids: list[int]
    explanation: str
    scenario: str | None = None


class StartOutcome(StrEnum):
    STARTED = "started"
    RESUMED = "resumed"
    NO_MODULE = "no_module"
    OUTDATED = "outdated"
    NOT_READY = "not_ready"  # not every card was opened
    GATED = "gated"  # the rules say not yet (``gate`` says why)
    NOT_REGISTERED = "not_registered"
    LOCKED = "locked"  # a learning path's prerequisite is not passed (``locked_by``)


@dataclass(frozen=True, slots=True)
class StartResult:
    outcome: StartOutcome
    module: Module | None = None
    poll: PollSpec | None = None
    gate: GateResult | None = None
    open_poll: int | None = None  # RESUMED: the message of the poll waiting for an answer
    locked_by: tuple[str, ...] = ()


class AnswerOutcome(StrEnum):
    UNKNOWN = "unknown"  # not a quiz poll (a review poll, or none of ours)
    IGNORED = "ignored"  # a retracted vote, or a repeat that lost a race
    STALE = "stale"  # a vote on a poll of an ended attempt, or a poll not ours
    NEXT = "next"
    FINISHED = "finished"


@dataclass(frozen=True, slots=True)
class AnswerResult:
    outcome: AnswerOutcome
    chat_id: int = 0
    poll: PollSpec | None = None
    result: QuizResult | None = None
    finished: Finished | None = None  # what grading needs, from ``_record``
    stale_message: int | None = None  # STALE: the poll's message, to close it
    attempt_id: int | None = None  # FINISHED: the attempt graded (a fail offers its practice)
    following: Module | None = None  # FINISHED and passed: the module to offer next


@dataclass(frozen=True, slots=True)
class Abandoned:
    module: Module | None
    polls: list[tuple[int, int]]  # (chat id, message id) of the polls left open, to close
