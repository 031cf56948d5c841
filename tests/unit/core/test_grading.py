"""Grading rules and the shuffled quiz plan (bot/core/grading.py)."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from bot.core.content import Catalog
from bot.core.grading import draw, is_correct, make_plan, passed, score_percent, unshuffle


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


@given(
    pool=st.integers(min_value=1, max_value=30),
    ask=st.integers(min_value=1, max_value=15),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_draw_avoids_the_last_attempt_where_the_pool_allows(
    pool: int, ask: int, seed: int
) -> None:
    ask = min(ask, pool)
    rng = random.Random(seed)
    first = draw(pool, ask, (), rng)
    second = draw(pool, ask, first, rng)
    for chosen in (first, second):
        assert len(chosen) == ask and len(set(chosen)) == ask
        assert all(0 <= i < pool for i in chosen)
    fresh = pool - ask  # questions the first attempt did not ask
    if fresh >= ask:
        assert not set(first) & set(second)  # two attempts in a row share no question
    else:
        # Too small a pool: every fresh question is asked, the rest repeat.
        assert set(range(pool)) - set(first) <= set(second)
        assert len(set(first) & set(second)) == ask - fresh


def test_the_plan_draws_ask_questions_with_their_ids(catalog: Catalog) -> None:
    module = catalog.modules["gratifikasi"]
    plan = make_plan(module, random.Random(3))
    assert len(plan) == module.ask < len(module.quiz)
    assert [step["id"] for step in plan] == [module.quiz[step["q"]].id for step in plan]
    again = make_plan(module, random.Random(4), [step["q"] for step in plan])
    assert not {s["q"] for s in plan} & {s["q"] for s in again}


def test_unshuffle_maps_shown_options_back_and_refuses_an_option_not_shown() -> None:
    perm = [2, 0, 3, 1]  # shown option k is original option perm[k]
    assert unshuffle(perm, [1, 0]) == [0, 2]
    assert unshuffle(perm, [4]) is None and unshuffle(perm, [-1]) is None
