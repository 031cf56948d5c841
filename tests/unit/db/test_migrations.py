"""Migrations (db/migrate.py and db/migrations) on whichever database the run uses: both ways, to
the models, and the head revision the code expects."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

from bot.services import Services
from db.migrate import (
    HEAD_REVISION,
    alembic_config,
    current_revision,
    ensure_schema,
    upgrade_to_head,
)
from db.models import Base
from db.session import Database


def _schema_drift(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _downgrade_to_base(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, "base")


async def test_migrations_go_down_and_up_and_match_the_models(db: Database) -> None:
    """Every migration must run both ways on this database and end where the models are."""
    async with db.engine.begin() as connection:
        assert await connection.run_sync(_schema_drift) == []
        await connection.run_sync(_downgrade_to_base)
        assert await connection.run_sync(_tables) == {"alembic_version"}
    await upgrade_to_head(db.engine)
    async with db.engine.connect() as connection:
        assert await connection.run_sync(_schema_drift) == []


async def test_foreign_keys_are_enforced_after_migrating_in_process(tmp_path: Path) -> None:
    """The bot migrates at start on its own engine: on SQLite its connections must enforce
    foreign keys afterwards (ON DELETE CASCADE is what erasing an account relies on)."""
    fresh = Database(f"sqlite+aiosqlite:///{tmp_path}/fk.db")
    try:
        await upgrade_to_head(fresh.engine)
        async with fresh.transaction() as s:
            assert (await s.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    finally:
        await fresh.dispose()


async def test_head_revision_constant_is_alembics_head(db: Database) -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD_REVISION
    assert await current_revision(db.engine) == HEAD_REVISION  # the fixture migrated it
    await ensure_schema(db.engine)  # nothing to do, and no error


async def test_ensure_schema_migrates_a_new_database(tmp_path: Path) -> None:
    fresh = Database(f"sqlite+aiosqlite:///{tmp_path}/fresh.db")
    try:
        assert await current_revision(fresh.engine) is None
        await ensure_schema(fresh.engine)
        assert await current_revision(fresh.engine) == HEAD_REVISION
    finally:
        await fresh.dispose()


def _to(connection: Connection, revision: str, down: bool = False) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    (command.downgrade if down else command.upgrade)(config, revision)


async def test_credits_in_jp_become_the_same_jp_in_minutes(db: Database) -> None:
    """Revision 0006: a ledger row of J JP (hundredths) becomes J x 45 minutes, half up, so every
    credit given before reads as the same JP; certificates keep their JP and their code."""
    async with db.engine.begin() as connection:
        await connection.run_sync(_to, "0005", True)
    async with db.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO employees (id, telegram_id, nip, name, opd_code, kind, is_active, "
                "consent_at, streak_days, created_at, updated_at) VALUES (1, 11, "
                "'198609262015051001', 'Siti', '3328', 'PNS', TRUE, :t, 0, :t, :t)"
            ),
            {"t": datetime(2026, 1, 2)},
        )
        for number, centi in enumerate((100, 150, 33, 2000), start=1):
            await connection.execute(
                text(
                    "INSERT INTO jp_ledger (id, employee_id, year, jp_centi, source_kind, "
                    "source_id, title, activity_kind, organiser, started_on, ended_on, evidence, "
                    "credited_at) VALUES (:id, 1, 2026, :c, 'module', :s, 'M', 'k', 'o', :d, :d, "
                    "'{}', :t)"
                ),
                {"id": number, "c": centi, "s": f"m{number}", "d": date(2026, 1, 2),
                 "t": datetime(2026, 1, 2)},
            )  # fmt: skip
        await connection.execute(
            text(
                "INSERT INTO certificates (id, employee_id, ledger_entry_id, certificate_no, code, "
                "nip, name, module_id, module_title, category, jp_centi, completed_on, issued_at) "
                "VALUES (1, 1, 1, 'SB-2026-000001', 'ABCDEFGHIJKL', '198609262015051001', 'Siti', "
                "'m1', 'M', 'teknis', 100, :d, :t)"
            ),
            {"d": date(2026, 1, 2), "t": datetime(2026, 1, 2)},
        )
        await connection.run_sync(_to, "0006")
        rows = (
            await connection.execute(text("SELECT id, minutes FROM jp_ledger ORDER BY id"))
        ).all()
        certificate = (
            await connection.execute(
                text("SELECT fields_version, minutes, jp_centi FROM certificates")
            )
        ).one()
    # 1 JP = 45, 1.5 JP = 67.5 -> 68, 0.33 JP = 14.85 -> 15, 20 JP = 900.
    assert [tuple(r) for r in rows] == [(1, 45), (2, 68), (3, 15), (4, 900)]
    assert tuple(certificate) == (1, None, 100)
    await upgrade_to_head(db.engine)  # the revisions after 0006 as well
    async with db.engine.connect() as connection:
        assert await connection.run_sync(_schema_drift) == []


async def test_accounts_from_before_the_notice_keep_their_data_and_no_version(
    db: Database,
) -> None:
    """Revision 0009: an employee registered before has no notice version (so /privasi asks for
    the current one) and still receives announcements; down again keeps the employee."""
    async with db.engine.begin() as connection:
        await connection.run_sync(_to, "0006", True)
        await connection.execute(
            text(
                "INSERT INTO employees (id, telegram_id, nip, name, opd_code, kind, is_active, "
                "consent_at, streak_days, created_at, updated_at) VALUES (1, 11, "
                "'198609262015051001', 'Siti', '3328', 'PNS', TRUE, :t, 0, :t, :t)"
            ),
            {"t": datetime(2026, 1, 2)},
        )
        await connection.run_sync(_to, "0009")
        row = (
            await connection.execute(
                text("SELECT privacy_version, announcements_opt_out, data_export_at FROM employees")
            )
        ).one()
        assert (row[0], bool(row[1]), row[2]) == (None, False, None)
        await connection.run_sync(_to, "0006", True)
        assert "retained_records" not in await connection.run_sync(_tables)
        names = (await connection.execute(text("SELECT name FROM employees"))).scalars().all()
        assert names == ["Siti"]
    await upgrade_to_head(db.engine)


async def test_accounts_bound_before_verification_wait_for_an_admin(db: Database) -> None:
    """Revision 0007: an account bound by a NIP alone proves nothing, so it starts unverified
    with a pending request in its OPD's queue; going down keeps an unbound employee's row."""
    async with db.engine.begin() as connection:
        await connection.run_sync(_to, "0006", True)
        await connection.execute(
            text(
                "INSERT INTO employees (id, telegram_id, nip, name, opd_code, kind, is_active, "
                "consent_at, streak_days, created_at, updated_at) VALUES (1, 11, "
                "'198609262015051001', 'Siti', '3328', 'PNS', TRUE, :t, 0, :t, :t)"
            ),
            {"t": datetime(2026, 1, 2)},
        )
        await connection.run_sync(_to, "0007")
        employee = (
            await connection.execute(text("SELECT verified_at, telegram_id FROM employees"))
        ).one()
        request = (
            await connection.execute(
                text(
                    "SELECT kind, employee_id, telegram_id, opd_code, status FROM identity_requests"
                )
            )
        ).one()
        assert tuple(employee) == (None, 11)
        assert tuple(request) == ("verify", 1, 11, "3328", "pending")
        await connection.execute(text("UPDATE employees SET telegram_id = NULL"))
        await connection.run_sync(_to, "0006", True)
        kept = (await connection.execute(text("SELECT id, telegram_id FROM employees"))).one()
        assert tuple(kept) == (1, -1)
    await upgrade_to_head(db.engine)


async def test_members_from_before_0014_get_their_completions_and_starts(
    db: Database, svc: Services
) -> None:
    """Revision 0014: members assigned before it are pending once, so the first refresh stores
    their completion (made before the migration), whether it was on time, and their start; the
    module starts already recorded are behind the mark."""
    async with db.engine.begin() as connection:
        await connection.run_sync(_to, "0013", True)
    t = datetime(2026, 3, 4, 3)
    async with db.engine.begin() as connection:
        for sql in (
            "INSERT INTO employees (id, telegram_id, nip, name, opd_code, kind, is_active, "
            "consent_at, verified_at, streak_days, announcements_opt_out, created_at, "
            "updated_at) VALUES (1, 11, '198609262015051001', 'Siti', '3328', 'PNS', TRUE, :t, "
            ":t, 0, FALSE, :t, :t)",
            "INSERT INTO jp_ledger (employee_id, year, minutes, source_kind, source_id, title, "
            "category, activity_kind, organiser, started_on, ended_on, evidence, credited_at) "
            "VALUES (1, 2026, 20, 'module', 'gratifikasi', 'M', 'teknis', 'k', 'o', :d, :d, "
            "'{}', :t)",
            "INSERT INTO module_progress (employee_id, module_id, content_version, current_card, "
            "furthest_card, started_at, attempts, reading_seconds, reread_mask, updated_at) "
            "VALUES (1, 'gratifikasi', 1, 0, 0, :t, 1, 0, 0, :t)",
            "INSERT INTO assignments (id, created_by, target_kind, target_id, title, audience, "
            "due_on, join_days, status, created_at) VALUES (1, 1, 'module', 'gratifikasi', 'G', "
            "'{}', :due, 30, 'active', :t)",
            "INSERT INTO assignment_members (assignment_id, employee_id, due_on, joined_at, "
            "next_remind_on) VALUES (1, 1, :due, :t, :due)",
        ):
            await connection.execute(
                text(sql), {"t": t, "d": date(2026, 3, 4), "due": date(2026, 12, 31)}
            )
    await upgrade_to_head(db.engine)
    async with db.transaction() as s:
        pending = (await s.execute(text("SELECT employee_id FROM assignment_pending"))).all()
        mark = (await s.execute(text("SELECT value FROM assignment_marks"))).scalar_one()
        assert [tuple(p) for p in pending] == [(1,)] and mark == 1
        assert await svc.assignments.refresh(s) == 2  # the start (read again), the completion
        row = (
            await s.execute(
                text("SELECT completed_at IS NOT NULL, on_time, started FROM assignment_members")
            )
        ).one()
        assert tuple(bool(v) for v in row) == (True, True, True)
