"""Steps and look-ups the unit tests share: a registered learner, a module read, a quiz taken,
the outbox and a learner's reminder, Hypothesis settings for database properties."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, settings
from sqlalchemy import Connection, insert, select, update

from bot.core.content import Module, reading_seconds
from bot.delivery.renderers.reminders import NudgeRenderer
from bot.services import Services
from bot.services.learning import CardOutcome
from bot.services.quiz_outcomes import AnswerOutcome
from bot.services.registration import RegistrationOutcome, RegistrationService
from bot.store.quiz_grading import QuizResult
from bot.texts.privacy import NOTICE_VERSION
from db.models import Employee, IdentityRequest, OutboundMessage, Reminder
from db.session import Database
from tests.support import FakeClock

NIP = "19860926 201505 1 001"
USER = 1001


async def flow_token(reg: RegistrationService, uid: int) -> str:
    """The token of the caller's registration state: what its buttons carry."""
    state = await reg.state(uid)
    assert state is not None
    return state.token


async def register(
    svc: Services, uid: int = USER, nip: str = NIP, *, verified: bool = True, opd: str = "3328"
) -> None:
    """Register without a roster (name typed, agency picked): the account waits for an
    admin, unless ``verified``, when the operator confirms it at once."""
    await svc.registration.begin(uid)
    acknowledged = await svc.registration.acknowledge_privacy(uid, NOTICE_VERSION)
    assert acknowledged.outcome is RegistrationOutcome.OK
    assert (await svc.registration.submit_nip(uid, nip)).outcome is RegistrationOutcome.OK
    named = await svc.registration.submit_name(uid, "Siti Aminah")
    assert named.outcome is RegistrationOutcome.OK and named.state is not None
    chosen = await svc.registration.choose_opd(uid, named.state.token, opd)
    assert chosen.outcome is RegistrationOutcome.OK
    done = await svc.registration.consent(uid, await flow_token(svc.registration, uid), True)
    assert done.outcome is RegistrationOutcome.OK and done.employee is not None
    if verified:
        await verify(svc, done.employee.id)


async def verify(svc: Services, employee_id: int) -> None:
    """Mark the person confirmed, as an admin's decision does (written straight, so the
    outbox holds no notice the test did not ask for; deciding is tested in test_identity)."""
    async with svc.db.transaction() as s:
        await s.execute(
            update(Employee)
            .where(Employee.id == employee_id)
            .values(verified_at=svc.clock(), verified_via="admin", verified_by=0)
        )
        await s.execute(
            update(IdentityRequest)
            .where(IdentityRequest.employee_id == employee_id)
            .values(status="approved", decided_by=0)
        )


async def read_all(svc: Services, module: Module, uid: int = USER, *, pace: float = 1.0) -> None:
    """Open every card in turn, spending ``pace`` times its estimated reading time on each (the
    fake clock moves; 0 is a speed run). The last card's time counts when the quiz starts."""
    clock = svc.clock
    assert isinstance(clock, FakeClock)
    for index, card in enumerate(module.cards):
        view = await svc.learning.open_card(uid, module.id, module.version, index)
        assert view.outcome is CardOutcome.OK
        clock.advance(seconds=reading_seconds(card.words) * pace)


async def take_quiz(svc: Services, module: Module, right: int, uid: int = USER) -> QuizResult:
    """One whole attempt, the first ``right`` questions answered right (``module.ask`` is all)."""
    started = await svc.quiz.start(uid, module.id, module.version)
    assert started.poll is not None, started
    spec = started.poll
    result = None
    for position in range(spec.count):
        poll_id = f"poll-{spec.attempt_id}-{position}"
        await svc.quiz.register_poll(spec, poll_id, uid, 100 + position)
        wrong = [i for i in range(len(spec.options)) if i not in spec.correct_option_ids][:1]
        choice = spec.correct_option_ids if position < right else wrong
        result = await svc.quiz.answer(poll_id, uid, choice)
        if result.poll is not None:
            spec = result.poll
    assert result is not None and result.outcome is AnswerOutcome.FINISHED
    assert result.result is not None
    return result.result


WIB = ZoneInfo("Asia/Jakarta")


def nip(n: int) -> str:
    return f"198609262015051{n:03d}"


def at_wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB).astimezone(UTC)


def nudges(svc: Services) -> NudgeRenderer:
    return NudgeRenderer(svc.db, svc.catalog, svc.clock, svc.settings)


async def outbox(db: Database) -> list[OutboundMessage]:
    async with db.transaction() as s:
        return list((await s.scalars(select(OutboundMessage).order_by(OutboundMessage.id))).all())


def employee_of(row: OutboundMessage) -> int:
    """The employee a queued reminder is for (every reminder row names one)."""
    assert row.employee_id is not None
    return row.employee_id


async def reminder_of(db: Database, uid: int) -> Reminder:
    async with db.transaction() as s:
        row = await s.scalar(select(Reminder).join(Employee).where(Employee.telegram_id == uid))
    assert row is not None
    return row


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


DB_EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def add_learner(conn: Connection) -> int:
    """The test's employee (added by the first example), with no streak yet."""
    employee_id = conn.execute(select(Employee.id).where(Employee.telegram_id == 4242)).scalar()
    if employee_id is None:
        employee_id = conn.execute(
            insert(Employee)
            .values(
                telegram_id=4242,
                nip="198609262015051001",
                name="Siti Aminah",
                opd_code="3328",
                kind="PNS",
                consent_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
            .returning(Employee.id)
        ).scalar_one()
    conn.execute(
        update(Employee).where(Employee.id == employee_id).values(streak_days=0, streak_day=None)
    )
    return int(employee_id)
