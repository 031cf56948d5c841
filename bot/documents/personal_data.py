"""Everything stored about one person, as a readable PDF and as JSON (``/dataku``).

Both are made from the same rows, table by table, every column included: the JSON keeps the
schema's names (for another system), the PDF puts each row under Indonesian labels (for the
person). Rows with many short columns and many entries (quiz answers, messages, the audit log) are
printed as tables; the others as one labelled block per row.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any

from fpdf import FPDF, FontFace
from fpdf.enums import WrapMode, XPos, YPos

from bot.documents.pdfbase import FONT, display_nip, new_pdf, pdf_bytes
from bot.texts import documents as doc_labels
from bot.texts import privacy as t

NAVY = (31, 58, 104)
HEAD_FILL = (226, 232, 243)
GREY = (90, 90, 90)
TEXT_WIDTH = 176  # mm: A4 portrait with 17 mm margins
LABEL_WIDTH = 58
# Sections printed as one table (every column) rather than a block per row.
TABLE_SECTIONS = frozenset({"quiz_answers", "quiz_polls", "outbound_messages", "audit_log"})
WIDE_TABLE = 9  # columns: more go on landscape pages
FORMAT_VERSION = 1

Rows = Mapping[str, Sequence[Mapping[str, Any]]]


@dataclass(frozen=True, slots=True)
class PersonalDocument:
    """The rows, and what the document says about itself."""

    sections: Rows
    name: str
    nip: str
    generated_at: datetime
    tz: tzinfo
    controller: str
    contact: str
    notice_version: str


def jsonable(value: Any) -> Any:
    """A column value as JSON holds it: times and dates in ISO 8601, decimals as text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def render_json(document: PersonalDocument) -> bytes:
    keys = sorted({key for rows in document.sections.values() for row in rows for key in row})
    body = {
        "document": t.EXPORT_TITLE,
        "format_version": FORMAT_VERSION,
        "generated_at": document.generated_at.isoformat(),
        "controller": document.controller,
        "contact": document.contact,
        "privacy_notice_version": document.notice_version,
        "tables": {
            name: [jsonable(dict(row)) for row in rows] for name, rows in document.sections.items()
        },
        "labels": {key: t.FIELD_LABELS[key] for key in keys if key in t.FIELD_LABELS},
    }
    return json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")


def text_of(value: Any, tz: tzinfo, key: str = "") -> str:
    """A value as the PDF prints it (``key``, its column, for the few read better otherwise)."""
    if key == "minute_of_day" and isinstance(value, int):
        return f"{value // 60:02d}.{value % 60:02d}"
    if key == "card_shown_ts" and isinstance(value, int):
        value = datetime.fromtimestamp(value, tz)
    if key == "actor" and isinstance(value, str):
        return t.ACTORS.get(value, value)
    if key == "action" and isinstance(value, str) and value in t.ACTIONS:
        return f"{t.ACTIONS[value]} ({value})"
    if value is None or value == "":
        return t.NONE
    if isinstance(value, bool):
        return t.YES if value else t.NO
    if isinstance(value, datetime):
        local = value.astimezone(tz)
        zone = local.tzname() or ""
        return f"{doc_labels.short_date(local.date())} {local:%H.%M} {zone}".strip()
    if isinstance(value, date):
        return doc_labels.short_date(value)
    if isinstance(value, Mapping | list | tuple):
        if not value:
            return t.NONE
        return json.dumps(jsonable(value), ensure_ascii=False, separators=(", ", ": "))
    return str(value)


def label_of(key: str) -> str:
    return t.FIELD_LABELS.get(key, key)


class _Pdf(FPDF):
    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 6, t.EXPORT_PAGE.format(page=self.page_no(), pages="{nb}"), align="R")


def _header(pdf: FPDF, document: PersonalDocument) -> None:
    pdf.set_font(FONT, "B", 15)
    pdf.set_text_color(*NAVY)
    pdf.cell(0, 8, t.EXPORT_TITLE, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 10)
    pdf.set_text_color(*GREY)
    pdf.cell(0, 6, t.EXPORT_SUBTITLE, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_text_color(0, 0, 0)
    for label, value in (
        (label_of("name"), document.name),
        (label_of("nip"), display_nip(document.nip)),
    ):
        pdf.set_font(FONT, "", 10.5)
        pdf.cell(32, 6, label)
        pdf.cell(4, 6, ":")
        pdf.set_font(FONT, "B", 10.5)
        pdf.multi_cell(0, 6, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*GREY)
    generated = t.EXPORT_GENERATED.format(
        when=text_of(document.generated_at, document.tz),
        controller=document.controller,
        version=document.notice_version,
    )
    pdf.multi_cell(0, 5, generated, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(3)


def _heading(pdf: FPDF, title: str, count: int) -> None:
    if pdf.will_page_break(24):
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(FONT, "B", 12)
    pdf.set_text_color(*NAVY)
    pdf.multi_cell(0, 7, f"{title} ({count})", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)


def _blocks(pdf: FPDF, title: str, rows: Sequence[Mapping[str, Any]], tz: tzinfo) -> None:
    """One labelled block per row."""
    labels = FontFace(color=GREY)
    for number, row in enumerate(rows, start=1):
        if len(rows) > 1:
            if pdf.will_page_break(16):
                pdf.add_page()
            pdf.set_font(FONT, "B", 9.5)
            caption = t.EXPORT_RECORD.format(title=title, number=number, count=len(rows))
            pdf.cell(0, 6, caption, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 9)
        with pdf.table(
            col_widths=(LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH),
            width=TEXT_WIDTH,
            first_row_as_headings=False,
            text_align=("LEFT", "LEFT"),
            line_height=4.8,
            padding=1,
            wrapmode=WrapMode.WORD,
        ) as table:
            for key, value in row.items():
                line = table.row()
                line.cell(label_of(key), style=labels)
                line.cell(text_of(value, tz, key))
        pdf.ln(2)


def columns_of(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    return list(dict.fromkeys(key for row in rows for key in row))


def _table(pdf: FPDF, rows: Sequence[Mapping[str, Any]], tz: tzinfo) -> None:
    """Every row as a line of one table with every column."""
    keys = columns_of(rows)
    pdf.set_font(FONT, "", 7)
    headings = FontFace(emphasis="BOLD", color=NAVY, fill_color=HEAD_FILL)
    with pdf.table(
        width=pdf.epw,
        headings_style=headings,
        text_align="LEFT",
        line_height=3.6,
        padding=0.8,
        wrapmode=WrapMode.WORD,
    ) as table:
        table.row([label_of(key) for key in keys])
        for row in rows:
            table.row([text_of(row.get(key), tz, key) for key in keys])
    pdf.ln(2)


def render_pdf(document: PersonalDocument) -> bytes:
    pdf = new_pdf(
        _Pdf(orientation="P", unit="mm", format="A4"),
        title=t.EXPORT_DOC_TITLE.format(name=document.name),
    )
    pdf.set_margins(17, 17, 17)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    _header(pdf, document)
    landscape = False
    for name, rows in document.sections.items():
        title = t.SECTION_TITLES.get(name, name)
        as_table = bool(rows) and name in TABLE_SECTIONS
        wide = as_table and len(columns_of(rows)) > WIDE_TABLE
        if wide != landscape:  # a wide table gets landscape pages; what follows, portrait again
            pdf.add_page(orientation="L" if wide else "P")
            landscape = wide
        _heading(pdf, title, len(rows))
        if not rows:
            pdf.set_font(FONT, "", 9.5)
            pdf.cell(0, 6, t.EXPORT_EMPTY, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif as_table:
            _table(pdf, rows, document.tz)
        else:
            _blocks(pdf, title, rows, document.tz)
    return pdf_bytes(pdf)
