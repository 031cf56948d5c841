"""Buttons of the training-hours features: /lapor, reviews, certificates, /jp files, /laporan.
Callback data is re-checked in the services on every press; a button proves nothing about who
may use it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.agencies import short_name
from bot.core.callbacks import (
    CertificateButton,
    HoursFileButton,
    ReportFileButton,
    ReportOpdButton,
    ReviewButton,
    TrainingKindButton,
)
from bot.core.content import Opd
from bot.delivery.renderers.notices import review_buttons
from bot.services.trainings import KINDS
from bot.store.reports import OpdRecap
from bot.texts import hours as t
from db.models import Employee, ExternalTraining, JpLedgerEntry
from handlers.keyboards import button, markup

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
    return markup(
        [[_button(f"🎓 {e.title}", CertificateButton(e.source_id))] for e in entries[:30]]
    )


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


def report_choices(found: Sequence[Opd], year: int) -> InlineKeyboardMarkup:
    """Agencies a /laporan search found (or suggests), one button each."""
    return markup([[_button(o.name, ReportOpdButton(o.code, year))] for o in found])


def province_report(
    year: int, ranked: Sequence[OpdRecap] = (), names: Mapping[str, str] | None = None
) -> InlineKeyboardMarkup:
    """The province's exports, then a button per ranked agency (two a row) to its report."""
    names = names or {}
    agencies = [
        _button(
            f"{rank}. {short_name(names.get(r.opd_code, r.opd_code), 28)}",
            ReportOpdButton(r.opd_code, year),
        )
        for rank, r in enumerate(ranked, start=1)
    ]
    return markup(
        [
            [
                _button(t.BTN_RECAP_XLSX, ReportFileButton("recap", ALL, year)),
                _button(t.BTN_COMPLIANCE, ReportFileButton("chart", ALL, year)),
            ],
            [_button(t.BTN_SIASN, ReportFileButton("siasn", ALL, year))],
            *(agencies[i : i + 2] for i in range(0, len(agencies), 2)),
        ]
    )
