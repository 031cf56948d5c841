"""Outside trainings (``/lapor``): the report wizard, its validation, and verification by admins.

An employee reports a training done elsewhere (diklat, webinar, a course on another platform)
with its certificate. The report waits for an admin of the employee's OPD; approval credits the
ledger (source kind ``external``, source id = report id, so it is credited once however often the
button is pressed). Every review re-reads the admin's role through :mod:`bot.services.roles`,
because the report id in a button comes back from the client and proves nothing.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.clock import Clock
from bot.core.flows import Flow
from bot.core.jp import to_centi
from bot.documents.uploads import content_matches_type, name_matches_type
from bot.services.roles import reviewers_for, superadmin_chats
from bot.store import employees, outbox, sessions
from bot.store.sessions import FlowState
from db.models import Employee, ExternalTraining
from db.session import Database

KINDS = ("diklat", "webinar", "kursus", "seminar", "lainnya")
MAX_TITLE = 200
MAX_ORGANISER = 120
MAX_CERT_NO = 80
MAX_REASON = 300
MIN_YEAR = 2000
_DATE_FORMATS = (
    # ASCII digits only: \d also matches other scripts' digits, which int() then reads.
    re.compile(r"^([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})$"),  # 27-11-2026, the Indonesian way
    re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$"),  # 2026-11-27
)


_JP_NUMBER = re.compile(r"[0-9]{1,4}(?:[.,][0-9]{1,2})?")


class TrainingStep(StrEnum):
    TITLE = "title"
    ORGANISER = "organiser"
    KIND = "kind"
    START = "start"
    END = "end"
    JP = "jp"
    CERT = "cert"
    FILE = "file"
    CONFIRM = "confirm"  # the summary, with "Kirim" and "Ubah <field>"


# The wizard's steps in order, and the draft key each one fills: the next step is always the
# first whose key is missing (``next_step``), so an edit from the summary asks only what it
# cleared (and what the change made invalid) and comes back to the summary.
STEP_KEYS: tuple[tuple[TrainingStep, str], ...] = (
    (TrainingStep.TITLE, "title"),
    (TrainingStep.ORGANISER, "organiser"),
    (TrainingStep.KIND, "kind"),
    (TrainingStep.START, "started_on"),
    (TrainingStep.END, "ended_on"),
    (TrainingStep.JP, "jp_centi"),
    (TrainingStep.CERT, "certificate_no"),
    (TrainingStep.FILE, "file"),
)
# "Ubah <field>" on the summary: the keys each clears.
EDITABLE: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "organiser": ("organiser",),
    "kind": ("kind",),
    "dates": ("started_on", "ended_on"),
    "jp": ("jp_centi",),
    "cert": ("certificate_no",),
    "file": ("file",),
}
WITHDRAWABLE = ("pending",)
CORRECTABLE = ("rejected", "withdrawn")  # may be corrected and sent again from their data


def next_step(data: dict[str, object]) -> TrainingStep:
    for step, key in STEP_KEYS:
        if key not in data:
            return step
    return TrainingStep.CONFIRM


class Withdrawal(StrEnum):
    OK = "ok"
    NOT_FOUND = "not_found"  # no such report of the caller's
    ALREADY = "already"  # decided (or withdrawn) meanwhile: nothing changed


class TrainingProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    BAD_DATE = "bad_date"
    FUTURE = "future"
    TOO_OLD = "too_old"
    END_BEFORE_START = "end_before_start"
    BAD_JP = "bad_jp"
    JP_TOO_HIGH = "jp_too_high"
    BAD_KIND = "bad_kind"
    FILE_TYPE = "file_type"
    FILE_NAME = "file_name"  # the name does not end as its type does (x.pdf.apk)
    FILE_CONTENT = "file_content"  # the bytes are not the type claimed
    FILE_TOO_LARGE = "file_too_large"
    NOT_CORRECTABLE = "not_correctable"
    NOT_REGISTERED = "not_registered"
    STALE = "stale"


class Review(StrEnum):
    OK = "ok"
    NOT_FOUND = "not_found"
    ALREADY = "already"
    OWN = "own"  # one's own report: someone else decides it


@dataclass(frozen=True, slots=True)
class StepResult:
    """Where the wizard is after one answer; ``problem`` says why an answer was refused."""

    state: FlowState | None
    problem: TrainingProblem | None = None
    limit: Decimal | int | None = None  # the bound that was broken, for the message


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """What Telegram told us about the uploaded certificate; the file itself stays there."""

    kind: str  # "photo" | "document"
    file_id: str
    file_unique_id: str
    size: int | None
    file_name: str | None = None
    mime_type: str | None = None


@dataclass(frozen=True, slots=True)
class Submitted:
    problem: TrainingProblem | None
    report: ExternalTraining | None = None
    employee: Employee | None = None
    limit: Decimal | int | None = None
    no_reviewer: bool = False  # nobody but the submitter could decide it: it stays pending
    by_superadmins: bool = False  # no admin of the OPD reviews it, the superadmins do


@dataclass(frozen=True, slots=True)
class Reviewed:
    outcome: Review
    report: ExternalTraining | None = None
    credited: bool = False
    decided_by: str | None = None  # for ALREADY: the name of the admin who decided it
    owner: Employee | None = None  # for OK: whose report it is (the edited review names them)
    message_id: int | None = None  # for a rejection: the review message the reason was asked in


def parse_date(text: str) -> date | None:
    """``27-11-2026``, ``27/11/2026``, ``27.11.2026`` or ``2026-11-27``; None if not a day."""
    text = text.strip()
    for number, pattern in enumerate(_DATE_FORMATS):
        match = pattern.match(text)
        if match is None:
            continue
        a, b, c = (int(g) for g in match.groups())
        try:
            return date(c, b, a) if number == 0 else date(a, b, c)
        except ValueError:
            return None
    return None


def parse_jp(text: str) -> Decimal | None:
    """``2``, ``2,5`` or ``2.5`` JP, to hundredths; None if it is not a finite number."""
    text = text.strip()
    if _JP_NUMBER.fullmatch(text) is None:  # not "1e3", "NaN", "٢" or "²"
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return value


def certificate_key(number: str) -> str:
    """A certificate number reduced to letters and digits, so ``No. 12/A`` equals ``12a``."""
    cleaned = re.sub(r"^(no|nomor)[\s.:]*", "", number.strip().lower())
    return re.sub(r"[^0-9a-z]", "", cleaned)


def max_jp(started_on: date, ended_on: date, per_day: Decimal) -> Decimal:
    """The most JP a training of these dates may claim: the per-day cap times its days."""
    return per_day * ((ended_on - started_on).days + 1)


class TrainingService:
    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self.db = db
        self.clock = clock
        self.tz: ZoneInfo = settings.tz
        self.per_day = settings.external_max_jp_per_day
        self.max_bytes = int(settings.external_max_file_mb * 1024 * 1024)
        self.admin_ids = settings.admin_ids

    def today(self) -> date:
        return self.clock().astimezone(self.tz).date()

    async def begin(self, telegram_id: int) -> FlowState | None:
        """Start a report; None for someone who is not registered."""
        async with self.db.transaction() as s:
            if await employees.by_telegram_id(s, telegram_id) is None:
                return None
            state = FlowState(Flow.TRAINING, TrainingStep.TITLE.value, {})
            await sessions.set_state(s, telegram_id, state)
            return state

    async def answer(self, telegram_id: int, text: str) -> StepResult:
        """Take the typed answer to the current step, or say what is wrong with it."""
        async with self.db.transaction() as s:
            state = await sessions.get_state(s, telegram_id)
            if state is None or state.flow != Flow.TRAINING:
                return StepResult(None, TrainingProblem.STALE)
            result = self._apply(state, text.strip())
            if result.problem is None and result.state is not None:
                await sessions.set_state(s, telegram_id, result.state)
            return result

    def _moved(self, data: dict[str, object]) -> StepResult:
        """The draft after a change: what the change made invalid is asked again (an end
        before a new start, JP above the new dates' cap), then the first step still open."""
        if "started_on" in data and "ended_on" in data:
            start = date.fromisoformat(str(data["started_on"]))
            end = date.fromisoformat(str(data["ended_on"]))
            if end < start:
                data.pop("ended_on")
            elif "jp_centi" in data and int(str(data["jp_centi"])) > to_centi(
                max_jp(start, end, self.per_day)
            ):
                data.pop("jp_centi")
        return StepResult(FlowState(Flow.TRAINING, next_step(data).value, data))

    def _apply(self, state: FlowState, text: str) -> StepResult:
        data = dict(state.data)
        step = TrainingStep(state.step)
        if step in (TrainingStep.KIND, TrainingStep.FILE, TrainingStep.CONFIRM):
            return StepResult(state, TrainingProblem.STALE)  # answered by a button / an upload
        if not text:
            return StepResult(state, TrainingProblem.EMPTY)
        if step is TrainingStep.TITLE:
            if len(text) > MAX_TITLE:
                return StepResult(state, TrainingProblem.TOO_LONG, MAX_TITLE)
            data["title"] = text
            return self._moved(data)
        if step is TrainingStep.ORGANISER:
            if len(text) > MAX_ORGANISER:
                return StepResult(state, TrainingProblem.TOO_LONG, MAX_ORGANISER)
            data["organiser"] = text
            return self._moved(data)
        if step in (TrainingStep.START, TrainingStep.END):
            return self._apply_date(state, step, data, text)
        if step is TrainingStep.JP:
            value = parse_jp(text)
            if value is None or value <= 0:
                return StepResult(state, TrainingProblem.BAD_JP)
            limit = max_jp(
                date.fromisoformat(data["started_on"]),
                date.fromisoformat(data["ended_on"]),
                self.per_day,
            )
            if value > limit:
                return StepResult(state, TrainingProblem.JP_TOO_HIGH, limit)
            data["jp_centi"] = to_centi(value)
            if data["jp_centi"] <= 0:
                return StepResult(state, TrainingProblem.BAD_JP)
            return self._moved(data)
        # TrainingStep.CERT
        if len(text) > MAX_CERT_NO:
            return StepResult(state, TrainingProblem.TOO_LONG, MAX_CERT_NO)
        if not certificate_key(text):
            return StepResult(state, TrainingProblem.EMPTY)
        data["certificate_no"] = text
        return self._moved(data)

    def _apply_date(
        self, state: FlowState, step: TrainingStep, data: dict[str, object], text: str
    ) -> StepResult:
        day = parse_date(text)
        if day is None:
            return StepResult(state, TrainingProblem.BAD_DATE)
        if day > self.today():
            return StepResult(state, TrainingProblem.FUTURE)
        if day.year < MIN_YEAR:
            return StepResult(state, TrainingProblem.TOO_OLD, MIN_YEAR)
        if step is TrainingStep.START:
            data["started_on"] = day.isoformat()
            return self._moved(data)
        if day < date.fromisoformat(str(data["started_on"])):
            return StepResult(state, TrainingProblem.END_BEFORE_START)
        data["ended_on"] = day.isoformat()
        return self._moved(data)

    async def _set(self, s: AsyncSession, telegram_id: int, result: StepResult) -> StepResult:
        if result.problem is None and result.state is not None:
            await sessions.set_state(s, telegram_id, result.state)
        return result

    async def no_certificate_number(self, telegram_id: int, token: str) -> StepResult:
        """ "Tidak ada nomor": a certificate printed without a number (the button of that step)."""
        async with self.db.transaction() as s:
            state = await sessions.expect(
                s, telegram_id, token, Flow.TRAINING, (TrainingStep.CERT,)
            )
            return await self._set(
                s, telegram_id, self._moved({**state.data, "certificate_no": ""})
            )

    async def edit(self, telegram_id: int, token: str, field: str) -> StepResult:
        """ "Ubah <field>" on the summary: clear that field and ask it again."""
        async with self.db.transaction() as s:
            state = await sessions.expect(
                s, telegram_id, token, Flow.TRAINING, (TrainingStep.CONFIRM,)
            )
            data = {k: v for k, v in state.data.items() if k not in EDITABLE.get(field, ())}
            return await self._set(s, telegram_id, self._moved(data))

    async def resume(self, telegram_id: int, token: str) -> FlowState:
        """The draft a button was drawn for, as it stands (``/start``'s "continue")."""
        async with self.db.transaction() as s:
            return await sessions.expect(s, telegram_id, token, Flow.TRAINING)

    async def draft(self, telegram_id: int) -> FlowState | None:
        """The caller's open /lapor draft, if any."""
        async with self.db.transaction() as s:
            state = await sessions.get_state(s, telegram_id)
            return state if state is not None and state.flow == Flow.TRAINING else None

    async def discard(self, telegram_id: int, token: str) -> None:
        """Throw the draft away (its cancel button, or ``/start``'s "discard")."""
        async with self.db.transaction() as s:
            await sessions.expect(s, telegram_id, token, Flow.TRAINING)
            await sessions.clear_state(s, telegram_id)

    async def attach(
        self, telegram_id: int, upload: UploadedFile, content: bytes | None = None
    ) -> StepResult:
        """The certificate file, at whatever step it comes: kept in the draft for the file
        step (which is then skipped); at the file step or the summary, on to the summary."""
        problem = self.check_file(upload) or self.check_content(upload, content)
        async with self.db.transaction() as s:
            state = await sessions.get_state(s, telegram_id)
            if state is None or state.flow != Flow.TRAINING:
                return StepResult(None, TrainingProblem.STALE)
            if problem is not None:
                return StepResult(state, problem, self.max_bytes // (1024 * 1024))
            data = {**state.data, "file": asdict(upload)}
            if state.step in (TrainingStep.FILE, TrainingStep.CONFIRM):
                return await self._set(s, telegram_id, self._moved(data))
            # Early: kept, and the step the draft is at is still the one asked.
            return await self._set(
                s, telegram_id, StepResult(FlowState(Flow.TRAINING, state.step, data))
            )

    async def choose_kind(self, telegram_id: int, token: str, kind: str) -> StepResult:
        """The kind button of the report and step it was drawn for (``sessions.expect``)."""
        async with self.db.transaction() as s:
            state = await sessions.expect(
                s, telegram_id, token, Flow.TRAINING, (TrainingStep.KIND,)
            )
            if kind not in KINDS:
                return StepResult(state, TrainingProblem.BAD_KIND)
            return await self._set(s, telegram_id, self._moved({**state.data, "kind": kind}))

    def check_file(self, upload: UploadedFile) -> TrainingProblem | None:
        """Photos, or PDF/JPEG/PNG documents whose name ends as their type, up to the configured
        size. A document's bytes are checked too, once downloaded (``check_content``)."""
        if upload.kind not in ("photo", "document"):
            return TrainingProblem.FILE_TYPE
        if upload.kind == "document":
            if upload.mime_type not in ("application/pdf", "image/jpeg", "image/png"):
                return TrainingProblem.FILE_TYPE
            if not name_matches_type(upload.file_name, upload.mime_type):
                return TrainingProblem.FILE_NAME
        if upload.size is not None and upload.size > self.max_bytes:
            return TrainingProblem.FILE_TOO_LARGE
        return None

    def check_content(self, upload: UploadedFile, data: bytes | None) -> TrainingProblem | None:
        """A document's downloaded bytes are the type it claims (photos are Telegram's own
        re-encoding, so they are always an image)."""
        if upload.kind != "document":
            return None
        if data is None or not content_matches_type(data, upload.mime_type):
            return TrainingProblem.FILE_CONTENT
        return None

    async def send(self, telegram_id: int, token: str) -> Submitted:
        """ "Kirim" on the summary: store the report (pending) and queue it for its reviewers."""
        async with self.db.transaction() as s:
            state = await sessions.expect(
                s, telegram_id, token, Flow.TRAINING, (TrainingStep.CONFIRM,)
            )
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return Submitted(TrainingProblem.NOT_REGISTERED)
            data = state.data
            upload = UploadedFile(**data["file"])
            number = str(data["certificate_no"])
            key = certificate_key(number)
            earlier = None
            if key:  # a certificate without a number is a duplicate of nothing
                earlier = await s.scalar(
                    select(func.min(ExternalTraining.id)).where(
                        ExternalTraining.certificate_key == key,
                        ExternalTraining.status.not_in(CORRECTABLE),
                    )
                )
            report = ExternalTraining(
                employee_id=employee.id,
                opd_code=employee.opd_code,
                title=data["title"],
                organiser=data["organiser"],
                activity_kind=data["kind"],
                started_on=date.fromisoformat(data["started_on"]),
                ended_on=date.fromisoformat(data["ended_on"]),
                jp_centi=int(data["jp_centi"]),
                certificate_no=number,
                certificate_key=key,
                duplicate_of=earlier,
                file_id=upload.file_id,
                file_unique_id=upload.file_unique_id,
                file_kind=upload.kind,
                file_name=(upload.file_name or "")[:120] or None,
                file_size=upload.size,
                status="pending",
                submitted_at=self.clock(),
            )
            s.add(report)
            await sessions.clear_state(s, telegram_id)
            await s.flush()
            reviewers = await reviewers_for(s, employee.opd_code, self.admin_ids, telegram_id)
            await outbox.queue_training_review(s, report, reviewers, self.clock())
            # Nobody of the OPD decides it: its employee is told the superadmins review.
            by_superadmins = bool(reviewers) and set(reviewers) <= set(
                await superadmin_chats(s, self.admin_ids)
            )
            return Submitted(
                None,
                report,
                employee,
                no_reviewer=not reviewers,
                by_superadmins=by_superadmins and telegram_id not in reviewers,
            )

    async def withdraw(
        self, telegram_id: int, report_id: int
    ) -> tuple[Withdrawal, ExternalTraining | None]:
        """Take back one's own report while it is pending: a conditional UPDATE, so a report an
        admin decided meanwhile stays decided (and an admin's later decision is refused)."""
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            report = await s.get(ExternalTraining, report_id)
            if employee is None or report is None or report.employee_id != employee.id:
                return Withdrawal.NOT_FOUND, None
            changed = await s.execute(
                update(ExternalTraining)
                .where(
                    ExternalTraining.id == report_id,
                    ExternalTraining.employee_id == employee.id,
                    ExternalTraining.status.in_(WITHDRAWABLE),
                )
                .values(status="withdrawn", reviewed_at=self.clock())
                .execution_options(synchronize_session=False)
            )
            await s.refresh(report)
            if changed.rowcount != 1:  # type: ignore[attr-defined]
                return Withdrawal.ALREADY, report
            return Withdrawal.OK, report

    async def correct(self, telegram_id: int, report_id: int) -> StepResult:
        """A rejected (or withdrawn) report of one's own, as a new draft at its summary: every
        field and the file kept, to change what was wrong and send it again."""
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            report = await s.get(ExternalTraining, report_id)
            if employee is None or report is None or report.employee_id != employee.id:
                return StepResult(None, TrainingProblem.NOT_CORRECTABLE)
            if report.status not in CORRECTABLE:
                return StepResult(None, TrainingProblem.NOT_CORRECTABLE)
            upload = UploadedFile(
                report.file_kind,
                report.file_id,
                report.file_unique_id,
                report.file_size,
                report.file_name,
            )
            data = {
                "title": report.title,
                "organiser": report.organiser,
                "kind": report.activity_kind,
                "started_on": report.started_on.isoformat(),
                "ended_on": report.ended_on.isoformat(),
                "jp_centi": report.jp_centi,
                "certificate_no": report.certificate_no,
                "file": asdict(upload),
                "corrects": report.id,
            }
            return await self._set(s, telegram_id, self._moved(data))

    async def mine(self, telegram_id: int, limit: int = 10) -> list[ExternalTraining] | None:
        """The caller's own latest reports (None if not registered); never anyone else's."""
        async with self.db.transaction() as s:
            employee = await employees.by_telegram_id(s, telegram_id)
            if employee is None:
                return None
            rows = await s.scalars(
                select(ExternalTraining)
                .where(ExternalTraining.employee_id == employee.id)
                .order_by(ExternalTraining.id.desc())
                .limit(limit)
            )
            return list(rows)
