"""Report numbers (bot/store/reports.py) against a small province computed by hand."""

from __future__ import annotations

from bot.core.jp import Targets
from bot.store import reports
from db.session import Database
from tests.unit.seeds import seed_province

TARGETS = Targets(pns=900, pppk=900)  # 20 JP of 45 minutes, for both kinds


async def test_opd_recap_matches_the_hand_computed_numbers(db: Database) -> None:
    await seed_province(db)
    async with db.transaction() as s:
        rows = await reports.opd_recap(s, 2026, TARGETS)
        only_a = await reports.opd_recap(s, 2026, TARGETS, "A")
        categories = await reports.category_totals(s, 2026, "A")
        province = await reports.category_totals(s, 2026)
    # Ranked by share reached: C 100%, A 50%, B 0%.
    assert [(r.opd_code, r.employees, r.at_target, r.total_minutes) for r in rows] == [
        ("C", 2, 2, 2250),
        ("A", 4, 2, 2722),
        ("B", 1, 0, 225),
    ]
    assert rows[1].average_minutes == 681  # 2722 / 4 = 680.5 -> 681 (half up)
    assert rows[1].share == 0.5
    assert only_a == [rows[1]]
    assert categories == {"teknis": 1552, "manajerial": 900, None: 270}
    assert province == {"teknis": 3802, "manajerial": 900, "sosial_kultural": 225, None: 270}


async def test_each_kind_is_measured_against_its_own_target(db: Database) -> None:
    """a2 is a PPPK with 900 minutes: at target when the PPPK target is 20 JP, not at 24."""
    await seed_province(db)
    async with db.transaction() as s:
        at_20 = await reports.opd_recap(s, 2026, Targets(pns=900, pppk=900), "A")
        at_24 = await reports.opd_recap(s, 2026, Targets(pns=900, pppk=1080), "A")
        pns_higher = await reports.opd_recap(s, 2026, Targets(pns=1000, pppk=900), "A")
    assert at_20[0].at_target == 2  # a1 (PNS, 945) and a2 (PPPK, 900)
    assert at_24[0].at_target == 1  # a1 only
    assert pns_higher[0].at_target == 1  # a2 only: a1's 945 is below a PNS target of 1000
