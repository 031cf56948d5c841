"""Buttons and callback grammar of the training-hours features (kept apart from
``keyboards.py`` so the features merge without conflicts). Callback data is re-checked in the
services on every press; a button proves nothing about who may use it.

    lpk:<kind>                          /lapor: the kind of training
    trv:<ok|no|open>:<report id>        verification of a report by an admin
    cert:<module id>                    the e-certificate of a passed module
    jpx:<chart|pdf>:<year>              /jp: chart image, transcript PDF
    lap:<xlsx|csv|siasn>:<opd>:<year>   /laporan: files of one OPD
    lap:<recap|chart>:all:<year>        /laporan: province-wide files (superadmins)
    ros:<yes|no>                        registration: "is this you?" from the roster
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.delivery.notices import review_buttons
from bot.services.trainings import KINDS
from bot.texts import hours as t
from db.models import Employee, ExternalTraining, JpLedgerEntry
from handlers.keyboards import _button, markup

PATTERN_LAPOR_KIND = r"^lpk:([a-z]{1,12})$"
PATTERN_REVIEW = r"^trv:(ok|no|open):(\d{1,9})$"
PATTERN_CERT = r"^cert:([a-z0-9-]{1,24})$"
PATTERN_JP_FILES = r"^jpx:(chart|pdf):(\d{4})$"
PATTERN_REPORT = r"^lap:(xlsx|csv|siasn|recap|chart):([a-z0-9-]{1,24}):(\d{4})$"
PATTERN_ROSTER = r"^ros:(yes|no)$"
ALL = "all"


def kinds() -> InlineKeyboardMarkup:
    return markup([[_button(t.KIND_NAMES[k], f"lpk:{k}")] for k in KINDS])


def review(report_id: int) -> InlineKeyboardMarkup:
    """The buttons under a report to review, as queued notices carry them too."""
    return markup(
        [
            [_button(b.label, b.callback_data or "") for b in row]
            for row in review_buttons(report_id)
        ]
    )


def queue(items: Sequence[tuple[ExternalTraining, Employee]]) -> InlineKeyboardMarkup:
    return markup(
        [
            [_button(t.BTN_OPEN.format(id=r.id, name=e.name, title=r.title), f"trv:open:{r.id}")]
            for r, e in items
        ]
    )


def certificates(entries: Sequence[JpLedgerEntry]) -> InlineKeyboardMarkup:
    return markup([[_button(f"🎓 {e.title}", f"cert:{e.source_id}")] for e in entries[:30]])


def jp_files(year: int) -> list[InlineKeyboardButton]:
    return [_button(t.BTN_CHART, f"jpx:chart:{year}"), _button(t.BTN_TRANSCRIPT, f"jpx:pdf:{year}")]


def opd_report(opd_code: str, year: int, *, province: bool) -> InlineKeyboardMarkup:
    rows = [
        [
            _button(t.BTN_XLSX, f"lap:xlsx:{opd_code}:{year}"),
            _button(t.BTN_CSV, f"lap:csv:{opd_code}:{year}"),
        ],
        [_button(t.BTN_SIASN, f"lap:siasn:{opd_code}:{year}")],
    ]
    if province:
        rows.append(
            [
                _button(t.BTN_RECAP_XLSX, f"lap:recap:{ALL}:{year}"),
                _button(t.BTN_COMPLIANCE, f"lap:chart:{ALL}:{year}"),
            ]
        )
    return markup(rows)


def province_report(year: int) -> InlineKeyboardMarkup:
    return markup(
        [
            [
                _button(t.BTN_RECAP_XLSX, f"lap:recap:{ALL}:{year}"),
                _button(t.BTN_COMPLIANCE, f"lap:chart:{ALL}:{year}"),
            ],
            [_button(t.BTN_SIASN, f"lap:siasn:{ALL}:{year}")],
        ]
    )


def roster_confirm() -> InlineKeyboardMarkup:
    return markup([[_button(t.BTN_ROSTER_YES, "ros:yes"), _button(t.BTN_ROSTER_NO, "ros:no")]])
