"""The reminder text rendered at send time (bot/delivery/renderers/reminders.py)."""

from __future__ import annotations

from decimal import Decimal

from bot.core.content import Catalog
from bot.core.outgoing import Outgoing, Skip
from bot.delivery.renderers.reminders import NudgeRenderer
from bot.services import Services
from bot.services.learning_rules import next_modules
from tests.support import FakeClock
from tests.unit.helpers import at_wib, nip, nudges, register, reminder_of


async def test_a_reminder_names_the_next_card_the_pace_and_the_streak(
    svc: Services, catalog: Catalog, clock: FakeClock
) -> None:
    await register(svc, 1, nip(1))
    module = next(iter(catalog.modules.values()))
    for index in range(3):
        await svc.learning.open_card(1, module.id, module.version, index)
    employee_id = (await reminder_of(svc.db, 1)).employee_id
    # Learned today: no nudge needed today.
    assert await nudges(svc).render([employee_id]) == {employee_id: Skip("learned today")}
    clock.advance(days=1)
    message = (await nudges(svc).render([employee_id]))[employee_id]
    assert isinstance(message, Outgoing)
    assert module.title in message.text
    assert f"kartu 4 dari {len(module.cards)}" in message.text
    assert "Runtun belajar: <b>1 hari</b>" in message.text
    assert "Bapak" in message.text.splitlines()[0]  # the NIP's sex digit is 1
    # The whole catalog is worth less than the 20 JP target: the reminder says so honestly,
    # with what the modules left can give, and points to /lapor.
    catalog_minutes = sum(m.minutes for m in catalog.modules.values())
    assert catalog_minutes < 900
    assert "0 JP (0 menit)" in message.text and "belum cukup" in message.text
    assert f"({catalog_minutes} menit)" in message.text and "/lapor" in message.text
    assert message.buttons[0][0].callback_data == f"card:{module.id}:{module.version}:3"
    # Another day, another opening line.
    clock.advance(days=1)
    other = (await nudges(svc).render([employee_id]))[employee_id]
    assert isinstance(other, Outgoing)
    assert other.text.splitlines()[0] != message.text.splitlines()[0]
    assert "Mulai runtun belajar" in other.text  # the streak broke yesterday


async def test_the_forecast_counts_the_modules_left_a_module_a_week(
    svc: Services, catalog: Catalog, clock: FakeClock
) -> None:
    await register(svc, 1, nip(1))
    employee_id = (await reminder_of(svc.db, 1)).employee_id
    clock.now = at_wib(2026, 11, 26, 19, 30)  # a Thursday: no year-end message
    order = next_modules(catalog, {})
    small = svc.settings.model_copy(update={"jp_target": Decimal("0.5")})  # 23 minutes
    renderer = NudgeRenderer(svc.db, catalog, svc.clock, small)
    message = (await renderer.render([employee_id]))[employee_id]
    assert isinstance(message, Outgoing)
    # Three of the next modules close 23 minutes: three weeks, in December.
    assert sum(m.minutes for m in order[:2]) < 23 <= sum(m.minutes for m in order[:3])
    assert "target tercapai sekitar <b>Desember 2026</b>" in message.text
    # A target the modules can reach only next year says so.
    medium = svc.settings.model_copy(update={"jp_target": Decimal(2)})  # 90 minutes
    later = (await NudgeRenderer(svc.db, catalog, svc.clock, medium).render([employee_id]))[
        employee_id
    ]
    assert isinstance(later, Outgoing) and "belum tercapai tahun ini" in later.text


async def test_year_end_pacing_lists_the_learners_next_modules(
    svc: Services, catalog: Catalog, clock: FakeClock
) -> None:
    await register(svc, 1, nip(1))
    employee_id = (await reminder_of(svc.db, 1)).employee_id
    clock.now = at_wib(2026, 11, 30, 19, 30)  # a Monday after 1 October
    message = (await nudges(svc).render([employee_id]))[employee_id]
    assert isinstance(message, Outgoing)
    assert "Tahun 2026 tinggal 31 hari" in message.text
    assert "kurang <b>20 JP (900 menit)</b>" in message.text
    # In the learner's order (none started: catalog order), not ranked by minutes per JP.
    first_listed = message.text.split("• ")[1]
    assert first_listed.startswith(next_modules(catalog, {})[0].title)
    assert "belum cukup" in message.text and "/lapor" in message.text


async def test_with_questions_due_the_reminder_opens_the_review(
    svc: Services, catalog: Catalog, clock: FakeClock
) -> None:
    from tests.unit.helpers import read_all, take_quiz

    await register(svc, 1, nip(1))
    module = catalog.modules["gratifikasi"]
    await read_all(svc, module, 1)
    assert (await take_quiz(svc, module, right=module.ask, uid=1)).passed
    employee_id = (await reminder_of(svc.db, 1)).employee_id
    clock.now = at_wib(2026, 11, 26, 19, 30)  # the next evening: nothing due yet
    before = (await nudges(svc).render([employee_id]))[employee_id]
    assert isinstance(before, Outgoing) and not before.buttons[0][0].callback_data == "ulas"
    clock.now = at_wib(2026, 11, 27, 19, 30)  # two days on: the six questions are due
    message = (await nudges(svc).render([employee_id]))[employee_id]
    assert isinstance(message, Outgoing)
    assert "<b>5 soal</b>" in message.text  # today's goal: the daily maximum
    assert message.buttons == ((message.buttons[0][0],),)  # still one button, one message
    assert message.buttons[0][0].callback_data == "ulas"
    assert "Ulas 5 soal" in message.buttons[0][0].label
