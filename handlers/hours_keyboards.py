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
    TrainingDraftButton,
    TrainingKindButton,
    TrainingReportButton,
)
from bot.core.content import Opd
from bot.delivery.renderers.notices import review_buttons
from bot.services.trainings import KINDS
from bot.store.reports import OpdRecap
from bot.texts import hours as t
from db.models import Employee, ExternalTraining, JpLedgerEntry
from handlers.keyboards import button, home, markup

ALL = "all"
_button = button


def kinds(token: str) -> InlineKeyboardMarkup:
    """The kinds of training, for the /lapor draft whose ``token`` the buttons carry."""
    rows = [[_button(t.KIND_NAMES[k], TrainingKindButton(token, k))] for k in KINDS]
    return markup([*rows, [cancel_report(token)]])


def cancel_report(token: str) -> InlineKeyboardButton:
    return _button(t.BTN_CANCEL_REPORT, TrainingDraftButton(token, "x"))


def step(token: str, *, cert: bool = False) -> InlineKeyboardMarkup:
    """Under a typed step of the draft: "Tidak ada nomor" at the certificate number, and the
    way out (the draft thrown away, the menu shown)."""
    rows = [[_button(t.BTN_NO_CERT_NO, TrainingDraftButton(token, "nocert"))]] if cert else []
    return markup([*rows, [cancel_report(token)]])


def confirm(token: str) -> InlineKeyboardMarkup:
    """The summary: send, or change one field."""
    edits = [
        _button(label, TrainingDraftButton(token, "edit", field))  # type: ignore[arg-type]
        for field, label in t.BTN_EDIT_FIELD.items()
    ]
    return markup(
        [
            [_button(t.BTN_SEND, TrainingDraftButton(token, "send"))],
            *[edits[i : i + 2] for i in range(0, len(edits), 2)],
            [cancel_report(token)],
        ]
    )


def draft_open(token: str) -> InlineKeyboardMarkup:
    """``/start`` with a draft open: keep it, or throw it away and see the menu."""
    return markup(
        [
            [_button(t.BTN_KEEP_DRAFT, TrainingDraftButton(token, "keep"))],
            [_button(t.BTN_DROP_DRAFT, TrainingDraftButton(token, "x"))],
        ]
    )


def submitted(report_id: int) -> InlineKeyboardMarkup:
    return markup([[_button(t.BTN_WITHDRAW, TrainingReportButton("wd", report_id))], home()])


def withdrawn(report_id: int) -> InlineKeyboardMarkup:
    return markup([[_button(t.BTN_CORRECT, TrainingReportButton("fix", report_id))], home()])


def my_reports(
    reports: Sequence[ExternalTraining], *, draft_open: bool = False
) -> InlineKeyboardMarkup:
    """The /lapor list: withdraw what is pending, correct what was rejected or withdrawn,
    or start a new report."""
    actions = []
    for r in reports:
        if r.status == "pending":
            actions.append(
                _button(t.BTN_WITHDRAW_ONE.format(id=r.id), TrainingReportButton("wd", r.id))
            )
        elif r.status in ("rejected", "withdrawn"):
            actions.append(
                _button(t.BTN_CORRECT_ONE.format(id=r.id), TrainingReportButton("fix", r.id))
            )
    return markup(
        [
            [
                _button(
                    t.BTN_KEEP_DRAFT if draft_open else t.BTN_NEW_REPORT,
                    TrainingReportButton("new"),
                )
            ],
            *[actions[i : i + 2] for i in range(0, len(actions), 2)],
            home(),
        ]
    )


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


# One button per passed module, newest first: a screenful on a phone, far below Telegram's 100.
CERTIFICATE_BUTTONS = 30


def certificates(entries: Sequence[JpLedgerEntry]) -> InlineKeyboardMarkup:
    rows = [
        [_button(f"🎓 {e.title}", CertificateButton(e.source_id))]
        for e in entries[:CERTIFICATE_BUTTONS]
    ]
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
