"""Report numbers (bot/store/reports.py) against a small province computed by hand."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update

from bot.core.jp import Targets
from bot.core.roster_file import RosterRow
from bot.core.siasn import CODES
from bot.store import reports, roster
from db.models import Certificate, Employee, JpLedgerEntry
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


async def test_unverified_and_deactivated_people_count_nowhere(db: Database) -> None:
    """An account waiting for verification records its minutes, but they are in no figure;
    neither is a deactivated employee's."""
    await seed_province(db)
    async with db.transaction() as s:
        await s.execute(update(Employee).where(Employee.name == "c1").values(verified_at=None))
        await s.execute(
            update(Employee).where(Employee.name == "c2").values(deactivated_at=datetime.now(UTC))
        )
        rows = {r.opd_code: r for r in await reports.opd_recap(s, 2026, TARGETS)}
        categories = await reports.category_totals(s, 2026, "C")
        listed = [r async for r in reports.employee_rows(s, 2026, TARGETS, "C")]
        siasn = [r async for r in reports.course_records(s, 2026, "C")]
    c = rows["C"]
    assert (c.employees, c.registered, c.verified, c.at_target, c.total_minutes) == (0, 1, 0, 0, 0)
    assert categories == {} and listed == [] and siasn == []


async def test_with_a_roster_each_opd_counts_its_roster_employees(db: Database) -> None:
    """A roster of 10 per OPD: the share is over the 10, whether they registered or not; the
    registered-but-unverified and the unregistered are listed with their state."""
    await seed_province(db)
    async with db.transaction() as s:
        nips = {e.name: e.nip for e in (await s.scalars(select(Employee))).all()}
        await s.execute(update(Employee).where(Employee.name == "a3").values(verified_at=None))
    rows = []
    for opd, members in (("A", ["a1", "a2", "a3"]), ("C", ["c1"])):
        listed = [nips[m] for m in members]
        listed += [f"1991020320150{ord(opd):03d}{n:02d}"[:18] for n in range(10 - len(members))]
        for n, nip in enumerate(listed):
            kind = "PPPK" if nip == nips.get("a2") else "PNS"
            rows.append(RosterRow(nip, f"Pegawai {opd}{n}", opd, None, None, None, kind))
    await roster.upsert(db, rows, datetime(2026, 11, 1, tzinfo=UTC))
    async with db.transaction() as s:
        recap = {r.opd_code: r for r in await reports.opd_recap(s, 2026, TARGETS)}
        listed_a = [r async for r in reports.employee_rows(s, 2026, TARGETS, "A")]
    a = recap["A"]
    # a4 is verified but not on the roster: counted too (10 + 1); a3 is not verified.
    assert (a.employees, a.registered, a.verified, a.at_target) == (11, 4, 3, 2)
    assert a.share == 2 / 11
    c = recap["C"]
    assert (c.employees, c.registered, c.verified, c.at_target) == (11, 2, 2, 2)
    states = sorted(str(r["state"]) for r in listed_a)
    assert states == ["missing", "pending", "reached", "reached"] + ["unregistered"] * 7
    pending = next(r for r in listed_a if r["state"] == "pending")
    assert pending["total_minutes"] == 0  # recorded, but not counted before verification
    # The roster's record wins: the verified people now carry the roster's names.
    assert {r["name"] for r in listed_a if r["state"] == "reached"} == {"Pegawai A0", "Pegawai A1"}


async def test_siasn_records_carry_issued_certificate_numbers_and_coded_kinds(
    db: Database,
) -> None:
    """``nomorSertipikat`` is filled wherever a certificate exists (the outside training's, or
    the one the bot issued for a module), and ``jenisKursus`` is one coded vocabulary."""
    await seed_province(db)
    async with db.transaction() as s:
        a1 = await s.scalar(select(Employee).where(Employee.name == "a1"))
        assert a1 is not None
        entry = await s.scalar(
            select(JpLedgerEntry).where(
                JpLedgerEntry.employee_id == a1.id, JpLedgerEntry.source_kind == "module"
            )
        )
        assert entry is not None
        s.add(
            Certificate(
                employee_id=a1.id, ledger_entry_id=entry.id, certificate_no="SB-2026-000042",
                code="ABCDEFGHIJKL", nip=a1.nip, name=a1.name, module_id="s0",
                module_title="Kursus 0", category="teknis", fields_version=2, minutes=675,
                completed_on=entry.ended_on,
            )
        )  # fmt: skip
    async with db.transaction() as s:
        records = [r async for r in reports.course_records(s, 2026, "A")]
    by_source = {(r["nip"], r["source_kind"]): r for r in records if r["nip"] == a1.nip}
    assert by_source[(a1.nip, "module")]["certificate_no"] == "SB-2026-000042"
    assert by_source[(a1.nip, "external")]["certificate_no"] == "C-1"
    assert {r["activity_kind"] for r in records} == {"e_learning", "webinar"}
    assert all(r["activity_kind"] in CODES for r in records)
