"""``/lapor`` (report an outside training) and its verification by admins (``/antrian``).

Thin: the wizard state and every rule live in :mod:`bot.services.trainings` and
:mod:`bot.services.training_review`; this module turns updates into calls and results into
messages. Notices to the reviewers and to the employee are queued by the services with the
report or the decision, and delivered by the outbound sender (``bot.delivery.renderers.notices``).
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal

from telegram import Message, Update
from telegram.error import TelegramError

from bot.core.callbacks import ReviewButton, TrainingKindButton
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
    max_jp,
)
from bot.store.sessions import FlowState
from bot.telegram.context import BotContext
from bot.texts import hours as t
from db.models import Employee, ExternalTraining
from handlers import hours_keyboards as kb
from handlers.commands import CommandScope, command
from handlers.common import answer_query, reply, show, toast, user_id
from handlers.identity import send_queue


def problem_text(result: StepResult | TrainingProblem, limit: Decimal | int | None = None) -> str:
    problem = result if isinstance(result, TrainingProblem) else result.problem
    if isinstance(result, StepResult):
        limit = result.limit
    assert problem is not None
    shown = decimal_text(limit) if isinstance(limit, Decimal) else limit
    return t.PROBLEMS[problem.value].format(limit=shown)


async def prompt(update: Update, context: BotContext, state: FlowState) -> None:
    """Ask what the current step needs."""
    svc = context.services
    example = day(svc.trainings.today())
    step = TrainingStep(state.step)
    if step is TrainingStep.TITLE:
        await reply(update, t.ASK_TITLE)
    elif step is TrainingStep.ORGANISER:
        await reply(update, t.ASK_ORGANISER)
    elif step is TrainingStep.KIND:
        await reply(update, t.ASK_KIND, kb.kinds(state.token))
    elif step is TrainingStep.START:
        await show(update, t.ASK_START.format(example=example))
    elif step is TrainingStep.END:
        await reply(update, t.ASK_END.format(example=example))
    elif step is TrainingStep.JP:
        start = date.fromisoformat(state.data["started_on"])
        end = date.fromisoformat(state.data["ended_on"])
        limit = max_jp(start, end, svc.trainings.per_day)
        days = (end - start).days + 1
        await reply(update, t.ASK_JP.format(max=decimal_text(limit), days=days))
    elif step is TrainingStep.CERT:
        await reply(update, t.ASK_CERT)
    else:
        mb = svc.settings.external_max_file_mb
        await reply(update, t.ASK_FILE.format(mb=decimal_text(Decimal(str(mb)))))


log = logging.getLogger(__name__)


@command("lapor", rank=60)
async def lapor(update: Update, context: BotContext) -> None:
    svc = context.services
    uid = user_id(update)
    mine = await svc.trainings.mine(uid, limit=5)
    if mine is None:
        await reply(update, t.PROBLEMS["not_registered"])
        return
    text = t.LAPOR_INTRO
    if mine:
        items = [
            t.LAPOR_MINE_ITEM.format(
                id=r.id,
                title=escape(r.title),
                jp=claim_text(r.jp_centi),
                status=t.LAPOR_STATUS[r.status],
            )
            for r in mine
        ]
        text += "\n\n" + t.LAPOR_MINE_TITLE + "\n" + "\n".join(items)
    await reply(update, text)
    state = await svc.trainings.begin(uid)
    if state is not None:
        await prompt(update, context, state)


async def on_text(update: Update, context: BotContext, state: FlowState) -> None:
    """A typed answer to the wizard (routed here by ``handlers.help.on_text``)."""
    text = (update.effective_message.text if update.effective_message else "") or ""
    if state.step == TrainingStep.FILE:
        await reply(update, t.LAPOR_WAIT_FILE)
        return
    if state.step == TrainingStep.KIND:
        await reply(update, t.ASK_KIND, kb.kinds(state.token))
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
    await answer_query(update)
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
    """A photo or document sent while the wizard is open (routed by ``help.on_non_text``)."""
    message = update.effective_message
    upload = uploaded(message) if message else None
    if state.step != TrainingStep.FILE:
        await reply(update, t.PROBLEMS["file_type"] if upload is None else t.LAPOR_WAIT_FILE)
        await prompt(update, context, state)
        return
    if upload is None:
        await reply(update, t.PROBLEMS["file_type"])
        return
    svc = context.services
    problem = svc.trainings.check_file(upload)
    if problem is not None:  # refused by its name, type or size before any download
        await reply(update, problem_text(problem, svc.trainings.max_bytes // (1024 * 1024)))
        return
    content = await _download(context, upload) if upload.kind == "document" else None
    result = await svc.trainings.submit(user_id(update), upload, content)
    if result.problem is not None or result.report is None or result.employee is None:
        await reply(update, problem_text(result.problem or TrainingProblem.STALE, result.limit))
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
    await reply(update, "\n\n".join(lines))
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


@command("antrian", rank=110, scope=CommandScope.ADMIN)
async def queue(update: Update, context: BotContext) -> None:
    """``/antrian``: pending reports in the caller's scope (their OPD, or all for superadmins)."""
    people = await send_queue(update, context)  # accounts to confirm, first
    items = await context.services.reviews.pending(user_id(update))
    if not items:
        if not people:
            await reply(update, t.QUEUE_EMPTY)
        return
    await reply(update, t.QUEUE_TITLE.format(count=len(items)), kb.queue(items))


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
    if outcome is Review.ALREADY and report is not None:
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
