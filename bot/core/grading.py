"""Quiz grading: pure functions of the module, the plan and the answers (no I/O)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from bot.core.content import Module, Question


def draw(pool_size: int, ask: int, previous: Sequence[int], rng: random.Random) -> list[int]:
    """``ask`` question indexes from a pool of ``pool_size``, in random order.

    Telegram shows the right option after each vote, so the same questions again would test
    memory of the last attempt, not the subject: the questions of the previous attempt are drawn
    only when the rest of the pool cannot fill an attempt.
    """
    last = set(previous)
    fresh = [i for i in range(pool_size) if i not in last]
    if len(fresh) >= ask:
        chosen = rng.sample(fresh, ask)
    else:
        chosen = fresh + rng.sample(sorted(last & set(range(pool_size))), ask - len(fresh))
    rng.shuffle(chosen)
    return chosen


def make_plan(
    module: Module, rng: random.Random, previous: Sequence[int] = ()
) -> list[dict[str, Any]]:
    """One attempt: the drawn questions, each with its options shuffled.

    A step is ``{"q": index in the pool, "id": question id, "perm": [...]}``, where
    ``perm[shown slot] = original option index``.
    """
    plan = []
    for q_index in draw(len(module.quiz), module.ask, previous, rng):
        question = module.quiz[q_index]
        perm = list(range(len(question.options)))
        rng.shuffle(perm)
        plan.append({"q": q_index, "id": question.id, "perm": perm})
    return plan


def unshuffle(perm: Sequence[int], shown: Sequence[int]) -> list[int] | None:
    """The original indexes of the options chosen among those shown in the order ``perm``
    (sorted), or None when a chosen index is not an option shown (a forged or stale vote)."""
    if any(not 0 <= i < len(perm) for i in shown):
        return None
    return sorted(perm[i] for i in shown)


def is_correct(question: Question, chosen_original: Sequence[int]) -> bool:
    """Right only when exactly the correct options were chosen."""
    return set(chosen_original) == set(question.correct)


def score_percent(correct: int, total: int) -> int:
    """Whole percent, rounded down, so a score never reads higher than it is."""
    return (correct * 100) // total if total else 0


def passed(score: int, pass_percent: int) -> bool:
    return score >= pass_percent


# --- results -----------------------------------------------------------------------------------
