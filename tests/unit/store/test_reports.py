"""Report numbers (bot/store/reports.py) against a small province computed by hand."""

from __future__ import annotations

from bot.store import reports
from db.session import Database
from tests.unit.seeds import seed_province

TARGET = 2000  # 20 JP


async def test_opd_recap_matches_the_hand_computed_numbers(db: Database) -> None:
    await seed_province(db)
    async with db.transaction() as s:
        rows = await reports.opd_recap(s, 2026, TARGET)
        only_a = await reports.opd_recap(s, 2026, TARGET, "A")
        categories = await reports.category_totals(s, 2026, "A")
        province = await reports.category_totals(s, 2026)
    # Ranked by share reached: C 100%, A 50%, B 0%.
    assert [(r.opd_code, r.employees, r.at_target, r.total_centi) for r in rows] == [
        ("C", 2, 2, 5000),
        ("A", 4, 2, 6050),
        ("B", 1, 0, 500),
    ]
    assert rows[1].average_centi == 1513  # 60.5 JP / 4 = 15.125 -> 15.13 (half up)
    assert rows[1].share == 0.5
    assert only_a == [rows[1]]
    assert categories == {"teknis": 3450, "manajerial": 2000, None: 600}
    assert province == {"teknis": 8450, "manajerial": 2000, "sosial_kultural": 500, None: 600}
