"""Wiring of the training-hours handlers, called once from ``handlers.register`` (kept apart
so features developed in parallel do not edit the same lines)."""

from __future__ import annotations

from telegram.ext import Application, BaseHandler, CallbackQueryHandler, CommandHandler

from handlers import certificates, hours, reports, roster_confirm, trainings
from handlers import hours_keyboards as kb


def register_hours(application: Application, message_filter: object) -> None:  # type: ignore[type-arg]
    """Commands, then button handlers; both before the catch-all handlers of ``register``."""
    commands = [
        ("lapor", trainings.lapor),
        ("antrian", trainings.queue),
        ("sertifikat", certificates.certificates),
        ("verifikasi", certificates.verify),
        ("laporan", reports.report),
    ]
    handlers: list[BaseHandler] = [  # type: ignore[type-arg]
        CommandHandler(name, callback, filters=message_filter)  # type: ignore[arg-type]
        for name, callback in commands
    ]
    callbacks = [
        (kb.PATTERN_LAPOR_KIND, trainings.on_kind),
        (kb.PATTERN_REVIEW, trainings.on_review),
        (kb.PATTERN_CERT, certificates.on_certificate),
        (kb.PATTERN_JP_FILES, hours.on_files),
        (kb.PATTERN_REPORT, reports.on_button),
        (kb.PATTERN_ROSTER, roster_confirm.on_answer),
    ]
    handlers += [CallbackQueryHandler(callback, pattern=p) for p, callback in callbacks]
    for handler in handlers:
        application.add_handler(handler)
