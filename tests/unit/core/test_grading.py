"""Grading rules and the shuffled quiz plan (bot/core/grading.py)."""

from __future__ import annotations

import random

from bot.core.content import Catalog
from bot.core.grading import is_correct, make_plan, passed, score_percent


def test_grading_rules() -> None:
    assert score_percent(4, 5) == 80
    assert score_percent(2, 3) == 66  # rounded down, never up
    assert score_percent(0, 0) == 0
    assert passed(70, 70) and not passed(69, 70)


def test_plan_shuffles_options_but_keeps_the_right_answer(catalog: Catalog) -> None:
    module = next(iter(catalog.modules.values()))
    plan = make_plan(module, random.Random(1))
    for step in plan:
        question = module.quiz[step["q"]]
        assert sorted(step["perm"]) == list(range(len(question.options)))
        shown_correct = [
            slot for slot, original in enumerate(step["perm"]) if original in question.correct
        ]
        assert is_correct(question, [step["perm"][s] for s in shown_correct])
