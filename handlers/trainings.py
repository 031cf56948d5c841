"""``/lapor`` (report an outside training) and its verification by admins (``/antrean``).

Thin: the wizard state and every rule live in :mod:`bot.services.trainings` and
:mod:`bot.services.training_review`; this module turns updates into calls and results into
messages. Notices to the reviewers and to the employee are queued by the services with the
report or the decision, and delivered by the outbound sender (``bot.delivery.renderers.notices``).
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError

from bot import texts
from bot.core.callbacks import (
    ReviewButton,
    TrainingDraftButton,
    TrainingKindButton,
    TrainingReportButton,
)
from bot.core.jp import claim_text, decimal_text
from bot.core.telegram_html import escape
from bot.delivery.renderers.notices import day, file_caption, review_text, summary
from bot.services.trainings import (
    Review,
    Reviewed,
    StepResult,
    TrainingProblem,
    TrainingStep,
    UploadedFile,
    Withdrawal,
    max_jp,
)
from bot.store.sessions import FlowState
from bot.telegram.context import BotContext
from bot.texts import hours as t
from db.models import Employee, ExternalTraining
from handlers import hours_keyboards as kb
from handlers.commands import CommandScope, alias, command
from handlers.common import answer_query, reply, show, toast, user_id
from handlers.identity import send_queue
from handlers.start import send_menu


def problem_text(result: StepResult | TrainingProblem, limit: Decimal | int | None = None) -> str:
    problem = result if isinstance(result, TrainingProblem) else result.problem
    if isinstance(result, StepResult):
        limit = result.limit
    assert problem is not None
    shown = decimal_text(limit) if isinstance(limit, Decimal) else limit
    return t.PROBLEMS[problem.value].format(limit=shown)


def draft_summary(data: dict[str, Any]) -> str:
    """The summary of a draft, as the report will read."""
    file = data.get("file") or {}
    if file.get("kind") == "photo":
        shown_file = t.FILE_PHOTO
    else:
        shown_file = t.FILE_DOCUMENT.format(name=escape(file.get("file_name") or "PDF"))
    text = t.CONFIRM.format(
        summary=t.SUMMARY.format(
            title=escape(data["title"]),
            organiser=escape(data["organiser"]),
            kind=escape(t.KIND_NAMES.get(data["kind"], data["kind"])),
            start=day(date.fromisoformat(data["started_on"])),
            end=day(date.fromisoformat(data["ended_on"])),
            jp=claim_text(int(data["jp_centi"])),
            cert=escape(data["certificate_no"]) or t.NO_CERT_NO,
        ),
        file=shown_file,
    )
    if data.get("corrects"):
        text = t.CONFIRM_CORRECTS.format(id=data["corrects"]) + text
    return text


def step_page(context: BotContext, state: FlowState) -> tuple[str, InlineKeyboardMarkup]:
    """What the current step asks, with its buttons (each carries the draft's token)."""
    svc = context.services
    example = day(svc.trainings.today())
    step = TrainingStep(state.step)
    token = state.token
    if step is TrainingStep.TITLE:
        return t.ASK_TITLE, kb.step(token)
    if step is TrainingStep.ORGANISER:
        return t.ASK_ORGANISER, kb.step(token)
    if step is TrainingStep.KIND:
        return t.ASK_KIND, kb.kinds(token)
    if step is TrainingStep.START:
        return t.ASK_START.format(example=example), kb.step(token)
    if step is TrainingStep.END:
        return t.ASK_END.format(example=example), kb.step(token)
    if step is TrainingStep.JP:
        start = date.fromisoformat(state.data["started_on"])
        end = date.fromisoformat(state.data["ended_on"])
        limit = max_jp(start, end, svc.trainings.per_day)
        days = (end - start).days + 1
        return t.ASK_JP.format(max=decimal_text(limit), days=days), kb.step(token)
    if step is TrainingStep.CERT:
        return t.ASK_CERT, kb.step(token, cert=True)
    if step is TrainingStep.FILE:
        mb = svc.settings.external_max_file_mb
        return t.ASK_FILE.format(mb=decimal_text(Decimal(str(mb)))), kb.step(token)
    return draft_summary(state.data), kb.confirm(token)


async def prompt(
    update: Update, context: BotContext, state: FlowState, *, edit: bool = False
) -> None:
    """Ask what the current step needs; ``edit``: in the message of the button pressed."""
    text, markup = step_page(context, state)
    if edit:
        await show(update, text, markup)
    else:
        await answer_query(update)
        await reply(update, text, markup)


def mine_text(mine: list[ExternalTraining]) -> str:
    items = [
        t.LAPOR_MINE_ITEM.format(
            id=r.id,
            title=escape(r.title),
            jp=claim_text(r.jp_centi),
            status=t.LAPOR_STATUS.get(r.status, r.status),
        )
        for r in mine
    ]
    return "\n".join([t.LAPOR_MINE_TITLE, *items])


log = logging.getLogger(__name__)


@command("lapor", rank=60)
async def lapor(update: Update, context: BotContext) -> None:
    """The list of one's reports (with withdraw / correct / new buttons); with none yet, the
    wizard starts at once."""
    svc = context.services
    uid = user_id(update)
    mine = await svc.trainings.mine(uid, limit=5)
    if mine is None:
        await show(update, t.PROBLEMS["not_registered"])
        return
    if mine:
        draft = await svc.trainings.draft(uid)
        hint = t.LAPOR_DRAFT_HINT if draft is not None and draft.data else t.LAPOR_LIST_HINT
        text = "\n\n".join([t.LAPOR_INTRO, mine_text(mine), hint])
        await show(update, text, kb.my_reports(mine, draft_open=hint is t.LAPOR_DRAFT_HINT))
        return
    await answer_query(update)
    await reply(update, t.LAPOR_INTRO)
    state = await svc.trainings.begin(uid)
    if state is not None:
        await prompt(update, context, state)


async def on_report_button(update: Update, context: BotContext, data: TrainingReportButton) -> None:
    """New report, withdraw, correct: the service checks whose report it is and its status."""
    svc = context.services
    uid = user_id(update)
    if data.action == "new":
        draft = await svc.trainings.draft(uid)
        if draft is not None:  # never thrown away by a tap: continued
            await toast(update, t.DRAFT_RESUMED)
            await prompt(update, context, draft)
            return
        state = await svc.trainings.begin(uid)
        if state is None:
            await toast(update, t.PROBLEMS["not_registered"])
            return
        await prompt(update, context, state)
        return
    if data.report is None:
        await toast(update, texts.BUTTON_INVALID)
        return
    if data.action == "wd":
        outcome, report = await svc.trainings.withdraw(uid, data.report)
        if outcome is Withdrawal.NOT_FOUND or report is None:
            await toast(update, t.REVIEW_NOT_FOUND)
        elif outcome is Withdrawal.ALREADY:
            status = t.LAPOR_STATUS.get(report.status, report.status)
            await toast(update, t.WITHDRAW_TOO_LATE.format(id=report.id, status=status))
        else:
            text = t.WITHDRAWN.format(id=report.id, summary=summary(report))
            await show(update, text, kb.withdrawn(report.id))
        return
    draft = await svc.trainings.draft(uid)
    if draft is not None and draft.data:  # a draft being written is never overwritten by a tap
        if draft.data.get("corrects") != data.report:
            await toast(update, t.DRAFT_FIRST)
        await prompt(update, context, draft)
        return
    result = await svc.trainings.correct(uid, data.report)
    if result.state is None:
        await toast(update, t.NOT_CORRECTABLE)
        return
    await prompt(update, context, result.state)


async def on_draft_button(update: Update, context: BotContext, data: TrainingDraftButton) -> None:
    """The draft's own buttons; each is refused once its draft or step moved on."""
    svc = context.services
    uid = user_id(update)
    if data.action == "x":
        await svc.trainings.discard(uid, data.token)
        employee = await svc.learning.employee(uid)
        await answer_query(update, t.DRAFT_DISCARDED)
        if employee is not None:
            await send_menu(update, context, employee)
        return
    if data.action == "keep":
        await prompt(update, context, await svc.trainings.resume(uid, data.token), edit=True)
        return
    if data.action == "send":
        await send_report(update, context, data.token)
        return
    if data.action == "nocert":
        result = await svc.trainings.no_certificate_number(uid, data.token)
    else:
        result = await svc.trainings.edit(uid, data.token, data.field or "")
    if result.state is not None:
        await prompt(update, context, result.state, edit=True)


async def on_text(update: Update, context: BotContext, state: FlowState) -> None:
    """A typed answer to the wizard (routed here by ``handlers.help.on_text``)."""
    text = (update.effective_message.text if update.effective_message else "") or ""
    if state.step == TrainingStep.FILE:
        await reply(update, t.LAPOR_WAIT_FILE)
        return
    if state.step == TrainingStep.KIND:
        await reply(update, t.LAPOR_WAIT_BUTTON)
        await prompt(update, context, state)
        return
    if state.step == TrainingStep.CONFIRM:
        await reply(update, t.CONFIRM_USE_BUTTONS)
        await prompt(update, context, state)
        return
    result = await context.services.trainings.answer(user_id(update), text)
    if result.problem is not None:
        await reply(update, problem_text(result))
        if result.problem is TrainingProblem.STALE:
            return
    if result.state is not None:
        await prompt(update, context, result.state)


async def on_kind(update: Update, context: BotContext, data: TrainingKindButton) -> None:
    result = await context.services.trainings.choose_kind(user_id(update), data.token, data.kind)
    if result.problem is not None or result.state is None:
        await toast(update, problem_text(result) if result.problem else t.PROBLEMS["stale"])
        return
    # The choice stays on screen (the buttons give way to it); the next step is a new message.
    kind = t.KIND_NAMES.get(data.kind, data.kind)
    await show(update, t.KIND_CHOSEN.format(kind=escape(kind)))
    await prompt(update, context, result.state)


def uploaded(message: Message) -> UploadedFile | None:
    if message.photo:
        photo = message.photo[-1]  # the largest size
        return UploadedFile("photo", photo.file_id, photo.file_unique_id, photo.file_size)
    if message.document:
        doc = message.document
        return UploadedFile(
            "document", doc.file_id, doc.file_unique_id, doc.file_size, doc.file_name, doc.mime_type
        )
    return None


async def on_file(update: Update, context: BotContext, state: FlowState) -> None:
    """A photo or document sent while the wizard is open (routed by ``help.on_non_text``): at
    the file step or the summary it is the certificate; earlier it is kept for the file step."""
    message = update.effective_message
    upload = uploaded(message) if message else None
    if upload is None:
        await reply(update, t.PROBLEMS["file_type"])
        return
    svc = context.services
    problem = svc.trainings.check_file(upload)
    if problem is not None:  # refused by its name, type or size before any download
        await reply(update, problem_text(problem, svc.trainings.max_bytes // (1024 * 1024)))
        return
    content = await _download(context, upload) if upload.kind == "document" else None
    result = await svc.trainings.attach(user_id(update), upload, content)
    if result.problem is not None or result.state is None:
        await reply(update, problem_text(result.problem or TrainingProblem.STALE, result.limit))
        return
    if state.step not in (TrainingStep.FILE, TrainingStep.CONFIRM):
        await reply(update, t.FILE_KEPT)
    await prompt(update, context, result.state)


async def send_report(update: Update, context: BotContext, token: str) -> None:
    """ "Kirim": the report is stored and queued for its reviewers; the summary message
    becomes the receipt, with the way to withdraw it while it waits."""
    svc = context.services
    result = await svc.trainings.send(user_id(update), token)
    if result.problem is not None or result.report is None or result.employee is None:
        await toast(update, problem_text(result.problem or TrainingProblem.STALE, result.limit))
        return
    report = result.report
    lines = [t.LAPOR_SUBMITTED.format(id=report.id, summary=summary(report))]
    if report.duplicate_of is not None:
        lines.append(t.LAPOR_DUPLICATE.format(other=report.duplicate_of))
    if result.no_reviewer:
        lines.append(t.LAPOR_NO_REVIEWER)
    elif result.by_superadmins:  # who reviews instead of the OPD's admin
        opd = svc.catalog.opds.get(report.opd_code)
        lines.append(
            t.LAPOR_BY_SUPERADMINS.format(
                opd=escape(opd.name if opd else report.opd_code),
                sender=escape(svc.settings.sender_name),
            )
        )
    await show(update, "\n\n".join(lines), kb.submitted(report.id))
    context.sender.wake()  # the reviewers' copies were queued with the report


async def _download(context: BotContext, upload: UploadedFile) -> bytes | None:
    """The document's bytes, to check they are what the file claims; kept in memory only."""
    try:
        file = await context.bot.get_file(upload.file_id)
        return bytes(await file.download_as_bytearray())
    except TelegramError:
        return None


async def send_for_review(
    context: BotContext, chat_id: int, report: ExternalTraining, owner: Employee
) -> None:
    """The certificate file (by its Telegram file_id), then the report with its buttons."""
    caption = file_caption(report, owner)
    if report.file_kind == "photo":
        await context.bot.send_photo(chat_id, report.file_id, caption=caption)
    else:
        await context.bot.send_document(chat_id, report.file_id, caption=caption)
    text = review_text(context.services.catalog, report, owner)
    await context.bot.send_message(chat_id, text, reply_markup=kb.review(report.id))


@command("antrean", rank=110, scope=CommandScope.ADMIN)
async def queue(update: Update, context: BotContext) -> None:
    """``/antrean``: pending reports in the caller's scope (their OPD, or all for superadmins)."""
    people = await send_queue(update, context)  # accounts to confirm, first
    pending = await context.services.reviews.queue(user_id(update))
    if not pending.items:
        if not people:
            await reply(update, t.QUEUE_EMPTY)
        return
    shown = len(pending.items)  # the oldest first; the rest once these are decided
    more = t.QUEUE_MORE.format(shown=shown) if pending.total > shown else ""
    title = t.QUEUE_TITLE.format(count=pending.total, more=more)
    await reply(update, title, kb.queue(pending.items))


alias("antrian", of="antrean")  # the old spelling keeps working, shown nowhere


async def on_review(update: Update, context: BotContext, data: ReviewButton) -> None:
    action, report_id = data.action, data.report
    svc = context.services
    uid = user_id(update)
    if action == "open":
        outcome, report, owner = await svc.reviews.report_for_review(uid, report_id)
        if outcome is Review.OK and report is not None and owner is not None:
            await answer_query(update)
            await send_for_review(context, uid, report, owner)
            return
        await _refused(
            update, Reviewed(outcome, report, decided_by=await svc.reviews.decider(report))
        )
        return
    query_message = update.callback_query.message if update.callback_query else None
    if action == "no":
        message_id = query_message.message_id if query_message else None
        outcome = await svc.reviews.begin_reject(uid, report_id, message_id)
        _, report, owner = await svc.reviews.report_for_review(uid, report_id)
        if outcome is not Review.OK:
            decider = await svc.reviews.decider(report)
            await _refused(update, Reviewed(outcome, report, decided_by=decider))
            return
        if report is None or owner is None:
            await answer_query(update)
            await reply(update, t.ASK_REASON.format(id=report_id))
            return
        # The report stays in view (who, what, JP), with the question under it.
        text = review_text(svc.catalog, report, owner) + t.REVIEW_WAITING_REASON.format(
            id=report.id
        )
        await show(update, text, kb.review(report.id))
        return
    result = await svc.reviews.approve(uid, report_id)
    if result.outcome is not Review.OK or result.report is None:
        await _refused(update, result)
        return
    report = result.report
    jp = claim_text(report.jp_centi)
    if result.owner is None:
        await show(update, t.REVIEW_APPROVED.format(id=report.id, jp=jp))
    else:
        decided = t.REVIEW_DECIDED_APPROVED.format(jp=jp, name=escape(result.owner.name))
        await show(update, review_text(svc.catalog, report, result.owner) + decided)
    context.sender.wake()  # the employee's notice was queued with the decision


async def on_reason(update: Update, context: BotContext, state: FlowState) -> None:
    """The admin's typed reason for a rejection (routed by ``help.on_text``)."""
    text = ((update.effective_message.text if update.effective_message else "") or "").strip()
    if not text:
        await reply(update, t.PROBLEMS["empty"])
        return
    result = await context.services.reviews.reject_with_reason(user_id(update), text)
    if result.outcome is not Review.OK or result.report is None:
        await _refused(update, result)
        return
    report, owner = result.report, result.owner
    if owner is None:
        await reply(update, t.REVIEW_REJECTED.format(id=report.id, reason=escape(text)))
    else:
        catalog = context.services.catalog
        decided = t.REVIEW_DECIDED_REJECTED.format(reason=escape(text))
        if result.message_id is not None:  # the review message keeps the report and the outcome
            try:
                await context.bot.edit_message_text(
                    review_text(catalog, report, owner) + decided,
                    chat_id=user_id(update),
                    message_id=result.message_id,
                )
            except TelegramError as exc:  # deleted meanwhile: the reply below says it all
                log.info("review message %s not edited: %s", result.message_id, exc)
        await reply(
            update,
            t.REVIEW_REJECTED_CONTEXT.format(
                id=report.id,
                title=escape(report.title),
                jp=claim_text(report.jp_centi),
                name=escape(owner.name),
                reason=escape(text),
            ),
        )
    context.sender.wake()  # the employee's notice was queued with the decision


async def _refused(update: Update, result: Reviewed) -> None:
    outcome, report = result.outcome, result.report
    if outcome is Review.ALREADY and report is not None and report.status == "withdrawn":
        text = t.REVIEW_WITHDRAWN.format(id=report.id)
    elif outcome is Review.ALREADY and report is not None:
        text = t.REVIEW_ALREADY.format(
            id=report.id,
            admin=escape(result.decided_by or t.REVIEW_SOMEONE),
            status=t.LAPOR_STATUS[report.status],
        )
    elif outcome is Review.OWN and report is not None:
        text = t.REVIEW_OWN.format(id=report.id)
    elif outcome is Review.NOT_FOUND:
        text = t.REVIEW_NOT_FOUND
    else:
        text = t.REVIEW_FORBIDDEN
    if update.callback_query is not None:
        await toast(update, text)
    else:
        await reply(update, text)
