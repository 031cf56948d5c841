"""Learning paths: a module whose prerequisite is not passed is locked (its card and quiz
refuse, also when forged), and a path shows its progress and next module."""

from __future__ import annotations

from bot.services import Services
from bot.services.learning import CardOutcome
from bot.services.quiz_outcomes import StartOutcome
from tests.unit.helpers import USER, read_all, register, take_quiz


async def test_a_locked_module_refuses_its_card_and_quiz_until_the_prerequisite_passes(
    svc: Services,
) -> None:
    await register(svc)
    locked = svc.catalog.modules["kode-etik-asn"]
    state = await svc.learning.module_state(USER, locked)
    assert state is not None and state.locked_by == ("berakhlak",)

    card = await svc.learning.open_card(USER, locked.id, locked.version, 0)
    assert card.outcome is CardOutcome.LOCKED and card.locked_by == ("berakhlak",)
    quiz = await svc.quiz.start(USER, locked.id, locked.version)
    assert quiz.outcome is StartOutcome.LOCKED
    # Nothing was written: the module is still not started.
    state = await svc.learning.module_state(USER, locked)
    assert state is not None and state.progress is None

    berakhlak = svc.catalog.modules["berakhlak"]
    await read_all(svc, berakhlak)
    assert (await take_quiz(svc, berakhlak, berakhlak.ask)).passed
    card = await svc.learning.open_card(USER, locked.id, locked.version, 0)
    assert card.outcome is CardOutcome.OK


async def test_a_path_counts_its_modules_and_offers_the_next_open_one(svc: Services) -> None:
    await register(svc)
    view = await svc.learning.path(USER, "orientasi-pppk")
    assert view is not None and (view.done, view.total) == (0, 5) and not view.followed
    assert view.next is not None and view.next.id == "orientasi-pppk-cpns"
    first = svc.catalog.modules["orientasi-pppk-cpns"]
    await read_all(svc, first)
    assert (await take_quiz(svc, first, first.ask)).passed
    view = await svc.learning.path(USER, "orientasi-pppk")
    assert view is not None and view.done == 1 and view.followed
    assert view.next is not None and view.next.id == "berakhlak"
    overview = await svc.learning.overview(USER)
    assert overview is not None
    assert {p.path.id for p in overview.paths} >= {"orientasi-pppk", "integritas"}
    # The suggestion never offers a locked module.
    suggestion = await svc.learning.suggestion(USER)
    assert suggestion is not None and suggestion.id not in svc.catalog.requires
