"""The reminder text rendered at send time (bot/delivery/renderers/reminders.py)."""

from __future__ import annotations

from bot.core.content import Catalog
from bot.core.outgoing import Outgoing, Skip
from bot.services import Services
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
    # 20 one-JP modules from late November end next year: the pace line says so.
    assert "0 dari 20 JP" in message.text and "belum tercapai tahun ini" in message.text
    assert message.buttons[0][0].callback_data == f"card:{module.id}:{module.version}:3"
    # Another day, another opening line.
    clock.advance(days=1)
    other = (await nudges(svc).render([employee_id]))[employee_id]
    assert isinstance(other, Outgoing)
    assert other.text.splitlines()[0] != message.text.splitlines()[0]
    assert "Mulai runtun belajar" in other.text  # the streak broke yesterday


async def test_year_end_pacing_lists_the_quickest_modules(
    svc: Services, catalog: Catalog, clock: FakeClock
) -> None:
    await register(svc, 1, nip(1))
    employee_id = (await reminder_of(svc.db, 1)).employee_id
    clock.now = at_wib(2026, 11, 30, 19, 30)  # a Monday after 1 October
    message = (await nudges(svc).render([employee_id]))[employee_id]
    assert isinstance(message, Outgoing)
    assert "Tahun 2026 tinggal 31 hari" in message.text
    assert "kurang <b>20 JP</b>" in message.text
    quickest = min(catalog.modules.values(), key=lambda m: (m.minutes / m.jp, m.minutes))
    first_listed = message.text.split("• ")[1]
    assert first_listed.startswith(quickest.title)
