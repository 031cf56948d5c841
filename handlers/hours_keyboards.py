"""Buttons of the training-hours features: /lapor, reviews, certificates, /jp files, /laporan.
Callback data is re-checked in the services on every press; a button proves nothing about who
may use it.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.callbacks import (
    CertificateButton,
    HoursFileButton,
    ReportFileButton,
    ReviewButton,
    TrainingKindButton,
)
from bot.delivery.renderers.notices import review_buttons
from bot.services.trainings import KINDS
from bot.texts import hours as t
from db.models import Employee, ExternalTraining, JpLedgerEntry
from handlers.keyboards import button, home, markup

ALL = "all"
_button = button


def kinds(token: str) -> InlineKeyboardMarkup:
    """The kinds of training, for the /lapor draft whose ``token`` the buttons carry."""
    return markup([[_button(t.KIND_NAMES[k], TrainingKindButton(token, k))] for k in KINDS])


def review(report_id: int) -> InlineKeyboardMarkup:
    """The buttons under a report to review, as queued notices carry them too."""
    return markup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.callback_data) for b in row]
            for row in review_buttons(report_id)
        ]
    )


def queue(items: Sequence[tuple[ExternalTraining, Employee]]) -> InlineKeyboardMarkup:
    return markup(
        [
            [
                _button(
                    t.BTN_OPEN.format(id=r.id, name=e.name, title=r.title),
                    ReviewButton("open", r.id),
                )
            ]
            for r, e in items
        ]
    )


def certificates(entries: Sequence[JpLedgerEntry]) -> InlineKeyboardMarkup:
    rows = [[_button(f"🎓 {e.title}", CertificateButton(e.source_id))] for e in entries[:30]]
    return markup([*rows, home()])


def jp_files(year: int) -> list[InlineKeyboardButton]:
    return [
        _button(t.BTN_CHART, HoursFileButton("chart", year)),
        _button(t.BTN_TRANSCRIPT, HoursFileButton("pdf", year)),
    ]


def opd_report(opd_code: str, year: int, *, province: bool) -> InlineKeyboardMarkup:
    rows = [
        [
            _button(t.BTN_XLSX, ReportFileButton("xlsx", opd_code, year)),
            _button(t.BTN_CSV, ReportFileButton("csv", opd_code, year)),
        ],
        [_button(t.BTN_SIASN, ReportFileButton("siasn", opd_code, year))],
    ]
    if province:
        rows.append(
            [
                _button(t.BTN_RECAP_XLSX, ReportFileButton("recap", ALL, year)),
                _button(t.BTN_COMPLIANCE, ReportFileButton("chart", ALL, year)),
            ]
        )
    return markup(rows)


def province_report(year: int) -> InlineKeyboardMarkup:
    return markup(
        [
            [
                _button(t.BTN_RECAP_XLSX, ReportFileButton("recap", ALL, year)),
                _button(t.BTN_COMPLIANCE, ReportFileButton("chart", ALL, year)),
            ],
            [_button(t.BTN_SIASN, ReportFileButton("siasn", ALL, year))],
        ]
    )
