"""Thin python-telegram-bot handlers, one module per feature. ``register`` wires them all."""

from __future__ import annotations

from datetime import timedelta

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

from handlers import (
    admin,
    admin_keyboards,
    broadcast,
    broadcast_status,
    certificates,
    hours,
    hours_keyboards,
    keyboards,
    learning,
    profile,
    quiz,
    reminders,
    reports,
    roster_confirm,
    start,
    system,
    trainings,
)
from handlers import help as help_
from handlers.common import answer_query

DEDUP_GROUP = -1

AFTER_GROUP = 1


def register(application: Application) -> None:
    application.add_handler(TypeHandler(Update, system.drop_duplicates), group=DEDUP_GROUP)

    private = filters.ChatType.PRIVATE
    commands = [
        ("start", start.start),
        ("batal", start.cancel),
        ("belajar", learning.catalog),
        ("jp", hours.hours),
        ("profil", profile.profile),
        ("pengingat", reminders.reminders),
        ("umumkan", broadcast.announce),
        ("terjadwal", broadcast.scheduled_command),
        ("admin", admin.admin_command),
        ("audit", admin.audit_command),
        ("lapor", trainings.lapor),
        ("antrian", trainings.queue),
        ("sertifikat", certificates.certificates),
        ("verifikasi", certificates.verify),
        ("laporan", reports.report),
        ("bantuan", help_.help_command),
        ("help", help_.help_command),
    ]
    for name, callback in commands:
        application.add_handler(
            CommandHandler(name, callback, filters=private & filters.UpdateType.MESSAGE)
        )

    callbacks = [
        (keyboards.PATTERN_MENU, help_.on_menu),
        (keyboards.PATTERN_REG, _reg_dispatch),
        (keyboards.PATTERN_OPD, start.on_opd),
        (keyboards.PATTERN_OPD_PAGE, start.on_opd_page),
        (keyboards.PATTERN_PROFILE, profile.on_edit),
        (keyboards.PATTERN_CATALOG, learning.on_catalog),
        (keyboards.PATTERN_MODULE, learning.on_module),
        (keyboards.PATTERN_CARD, learning.on_card),
        (keyboards.PATTERN_QUIZ, quiz.on_quiz),
        (keyboards.PATTERN_JP, hours.on_year),
        (keyboards.PATTERN_REMINDER, reminders.on_button),
        (admin_keyboards.PATTERN_ROLE, admin.on_role_button),
        (admin_keyboards.PATTERN_DRAFT, broadcast.on_draft_button),
        (admin_keyboards.PATTERN_REPORT, broadcast_status.on_report_button),
        (hours_keyboards.PATTERN_LAPOR_KIND, trainings.on_kind),
        (hours_keyboards.PATTERN_REVIEW, trainings.on_review),
        (hours_keyboards.PATTERN_CERT, certificates.on_certificate),
        (hours_keyboards.PATTERN_JP_FILES, hours.on_files),
        (hours_keyboards.PATTERN_REPORT, reports.on_button),
        (hours_keyboards.PATTERN_ROSTER, roster_confirm.on_answer),
    ]
    for pattern, callback in callbacks:
        application.add_handler(CallbackQueryHandler(callback, pattern=pattern))
    application.add_handler(CallbackQueryHandler(help_.on_unknown_button))
    # Safety net, after the handler above ran: a button press left unanswered spins on the phone.
    application.add_handler(CallbackQueryHandler(_answer_if_unanswered), group=AFTER_GROUP)

    application.add_handler(PollAnswerHandler(quiz.on_poll_answer))
    application.add_handler(
        ChatMemberHandler(system.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
    )

    application.add_handler(MessageHandler(filters.UpdateType.EDITED & private, help_.on_edited))
    application.add_handler(
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, help_.on_text)
    )
    application.add_handler(MessageHandler(private & filters.COMMAND, help_.on_unknown_command))
    application.add_handler(MessageHandler(private & ~filters.TEXT, help_.on_non_text))

    application.add_error_handler(system.on_error)
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            system.forget_old_updates, interval=timedelta(hours=6), first=timedelta(minutes=5)
        )


async def _reg_dispatch(update: Update, context) -> None:
    assert context.matches is not None
    if context.matches[0].group(1) == "name":
        await start.on_use_name(update, context)
    else:
        await start.on_consent(update, context)


async def _answer_if_unanswered(update: Update, context: object) -> None:
    await answer_query(update)
