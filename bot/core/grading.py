"""Quiz grading: pure functions of the module, the plan and the answers (no I/O)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from bot.core.content import Module, Question


def make_plan(module: Module, rng: random.Random) -> list[dict[str, Any]]:
    """Question order as written, options shuffled: ``perm[shown slot] = original index``."""
    plan = []
    for q_index, question in enumerate(module.quiz):
        perm = list(range(len(question.options)))
        rng.shuffle(perm)
        plan.append({"q": q_index, "perm": perm})
    return plan


def is_correct(question: Question, chosen_original: Sequence[int]) -> bool:
    """Right only when exactly the correct options were chosen."""
    return set(chosen_original) == set(question.correct)


def score_percent(correct: int, total: int) -> int:
    """Whole percent, rounded down, so a score never reads higher than it is."""
    return (correct * 100) // total if total else 0


def passed(score: int, pass_percent: int) -> bool:
    return score >= pass_percent


# --- results -----------------------------------------------------------------------------------
