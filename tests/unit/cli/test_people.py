"""The operator's employee commands (bot/cli/people.py): the same operations as /pegawai,
audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.__main__ import main
from bot.config import Settings
from bot.services import Services
from db.models import AuditEntry, Employee
from tests.unit.helpers import USER, register

NIP = "198609262015051001"


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SINAU_CONTENT_DIR", str(settings.content_dir))


async def _employee(svc: Services) -> Employee:
    async with svc.db.transaction() as s:
        employee = await s.scalar(select(Employee).where(Employee.nip == NIP))
    assert employee is not None
    return employee


async def test_employee_commands_verify_unbind_and_deactivate(
    svc: Services, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    await register(svc, verified=False)
    assert await asyncio_main(["employee", "show", NIP]) == 0
    assert "waiting for verification" in capsys.readouterr().out
    assert await asyncio_main(["employee", "verify", NIP]) == 0
    assert (await _employee(svc)).verified_via == "operator"
    assert await asyncio_main(["employee", "verify", NIP]) == 1  # nothing to do any more
    assert await asyncio_main(["employee", "unbind", NIP]) == 0
    assert (await _employee(svc)).telegram_id is None
    assert await svc.learning.employee(USER) is None
    assert await asyncio_main(["employee", "deactivate", NIP]) == 0
    assert await asyncio_main(["employee", "reactivate", NIP]) == 0
    assert await asyncio_main(["employee", "show", "199001012018012003"]) == 1
    async with svc.db.transaction() as s:
        actions = list(
            await s.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.actor_telegram_id == 0, AuditEntry.action != "employee.view")
                .order_by(AuditEntry.id)
            )
        )
    assert actions == [
        "employee.verified",
        "employee.unbound",
        "employee.deactivated",
        "employee.reactivated",
    ]


async def asyncio_main(argv: list[str]) -> int:
    """``main`` runs its own event loop: run it in a thread, off the test's loop."""
    import asyncio

    return await asyncio.to_thread(main, argv)
