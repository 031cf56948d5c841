"""Thin python-telegram-bot handlers, one module per feature. ``register`` wires them all: the
one routing table of commands (declared with ``@command``), buttons (typed callback data) and
the free text and files a flow waits for (``handlers.flows``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    PollAnswerHandler,
    TypeHandler,
    filters,
)

from bot.core import callbacks as cb
from bot.telegram.context import BotContext
from handlers import (
    admin,
    assignment_drafts,
    assignments,
    broadcast,
    certificates,
    commands,
    flows,
    hours,
    identity,
    learning,
    opd_picker,
    privacy,
    profile,
    quiz,
    reminders,
    reports,
    spaced_review,
    start,
    system,
    trainings,
)
from handlers import help as help_
from handlers.common import answer_query, invalid_button

DEDUP_GROUP = -1
AFTER_GROUP = 1

D = TypeVar("D", bound=cb.CallbackData)
ButtonHandler = Callable[[Update, BotContext, Any], Awaitable[None]]

# Every button kind and the handler of its presses.
BUTTONS: list[tuple[type[cb.CallbackData], ButtonHandler]] = [
    (cb.MenuButton, help_.on_menu),
    (cb.RegisterButton, start.on_register_button),
    (cb.OpdButton, start.on_opd),
    (cb.OpdPageButton, opd_picker.on_opd_page),
    (cb.ProfileButton, profile.on_edit),
    (cb.CatalogButton, learning.on_catalog),
    (cb.ModuleButton, learning.on_module),
    (cb.CardButton, learning.on_card),
    (cb.QuizButton, quiz.on_quiz),
    (cb.RecallButton, spaced_review.on_recall),
    (cb.PracticeButton, spaced_review.on_practice),
    (cb.YearButton, hours.on_year),
    (cb.HoursFileButton, hours.on_files),
    (cb.CertificateButton, certificates.on_certificate),
    (cb.ReminderButton, reminders.on_button),
    (cb.TrainingKindButton, trainings.on_kind),
    (cb.TrainingDraftButton, trainings.on_draft_button),
    (cb.TrainingReportButton, trainings.on_report_button),
    (cb.ReviewButton, trainings.on_review),
    (cb.ReportFileButton, reports.on_button),
    (cb.ReportOpdButton, reports.on_opd),
    (cb.RoleButton, admin.on_role_button),
    (cb.IdentityButton, identity.on_identity),
    (cb.PersonButton, identity.on_person),
    (cb.DraftButton, broadcast.on_draft_button),
    (cb.BroadcastButton, broadcast.on_broadcast_button),
    (cb.PrivacyButton, privacy.on_button),
    (cb.EraseButton, privacy.on_erase_button),
    (cb.ScheduledPageButton, broadcast.on_scheduled_page),
    (cb.AuditPageButton, admin.on_audit_page),
    (cb.AuditMenuButton, admin.on_audit_menu),
    (cb.PathButton, learning.on_path),
    (cb.AssignmentButton, assignments.on_button),
    (cb.AssignDraftButton, assignment_drafts.on_draft_button),
]


def button_handler(kind: type[D], callback: ButtonHandler) -> CallbackQueryHandler[Any, Any]:
    """Route presses by the kind's prefix, parse the data, and refuse what does not parse."""

    async def handle(update: Update, context: BotContext) -> None:
        query = update.callback_query
        data = kind.unpack(query.data if query else None)
        if data is None:
            await invalid_button(update)
            return
        await callback(update, context, data)

    return CallbackQueryHandler(handle, pattern=kind.pattern())


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(TypeHandler(Update, system.drop_duplicates), group=DEDUP_GROUP)

    private = filters.ChatType.PRIVATE
    for name, callback in commands.handlers():
        application.add_handler(
            CommandHandler(name, callback, filters=private & filters.UpdateType.MESSAGE)
        )
    for kind, on_press in BUTTONS:
        application.add_handler(button_handler(kind, on_press))
    application.add_handler(CallbackQueryHandler(help_.on_unknown_button))
    # Safety net, after the handler above ran: a button press left unanswered spins on the phone.
    application.add_handler(CallbackQueryHandler(_answer_if_unanswered), group=AFTER_GROUP)

    application.add_handler(PollAnswerHandler(spaced_review.on_poll_answer))
    application.add_handler(
        ChatMemberHandler(system.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
    )

    application.add_handler(MessageHandler(filters.UpdateType.EDITED & private, help_.on_edited))
    application.add_handler(
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, flows.on_text)
    )
    application.add_handler(MessageHandler(private & filters.COMMAND, help_.on_unknown_command))
    application.add_handler(MessageHandler(private & ~filters.TEXT, flows.on_media))

    application.add_error_handler(system.on_error)


async def _answer_if_unanswered(update: Update, context: object) -> None:
    await answer_query(update)
