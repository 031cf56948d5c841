"""``/jp`` in detail: the year's minutes per month, per category and per source, and the chart
and transcript rendered from the same ledger rows (in worker threads, off the event loop)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import date
from typing import Any

from bot.documents.charts import JpProgress, render_progress_chart
from bot.services.hours import HoursView
from bot.texts import hours as t


def by_month(view: HoursView) -> dict[int, int]:
    """Minutes per month number, months without credit left out; by the end date, which is when
    a credit counts."""
    months: dict[int, int] = defaultdict(int)
    for entry in view.entries:
        months[entry.ended_on.month] += entry.minutes
    return dict(sorted(months.items()))


def by_category(view: HoursView) -> dict[str | None, int]:
    """Minutes per competency category; ``None`` holds outside trainings, which carry none."""
    categories: dict[str | None, int] = defaultdict(int)
    for entry in view.entries:
        categories[entry.category] += entry.minutes
    return dict(categories)


def by_source(view: HoursView) -> tuple[int, int]:
    """(module minutes, verified outside minutes)."""
    module = sum(e.minutes for e in view.entries if e.source_kind == "module")
    return module, sum(e.minutes for e in view.entries) - module


def fingerprint(view: HoursView, kind: str, opd_name: str, today: date) -> str:
    """A digest of all the chart or transcript shows: the credits, the person's printed
    fields, the target, the scale, and the day (the chart runs "until today", the transcript
    is dated). Another credit, an edited name or a new day: a new file."""
    from bot.services.files import fingerprint as digest

    e = view.employee
    entries = tuple(
        (x.id, x.ended_on, x.title, x.source_kind, x.category, x.minutes) for x in view.entries
    )
    person = (e.name, e.nip, e.jabatan, e.unit_kerja, opd_name)
    scale = view.scale.minutes_per_jp
    return digest(kind, view.year, entries, person, view.target_minutes, scale, today)


async def chart_png(view: HoursView, today: date) -> bytes:
    """Cumulative JP against the target line over the year, as a PNG."""
    progress = JpProgress(
        year=view.year,
        credits=[(e.ended_on, e.minutes) for e in view.entries],
        target_minutes=view.target_minutes,
        until=today if view.year == today.year else None,
        minutes_per_jp=view.scale.minutes_per_jp,
    )
    return await asyncio.to_thread(render_progress_chart, progress)


def transcript_fields(view: HoursView, opd_name: str, today: date) -> dict[str, Any]:
    """What a transcript states, JSON-ready: its verification code covers exactly this."""
    employee = view.employee
    entries = sorted(view.entries, key=lambda e: (e.ended_on, e.id))
    return {
        "name": employee.name,
        "nip": employee.nip,
        "opd": opd_name,
        "jabatan": employee.jabatan,
        "unit_kerja": employee.unit_kerja,
        "year": view.year,
        "printed_on": today.isoformat(),
        "total_minutes": sum(e.minutes for e in entries),
        "entries": [
            [
                e.ended_on.isoformat(),
                e.title,
                e.source_kind,
                e.category,
                e.minutes,
                e.organiser if e.source_kind == "external" else None,
                e.certificate_no if e.source_kind == "external" else None,
            ]
            for e in entries
        ],
    }


async def transcript_pdf(
    view: HoursView, opd_name: str, today: date, *, code: str = "", bot_username: str = ""
) -> bytes:
    employee = view.employee
    extra = tuple(
        (label, value)
        for label, value in (
            (t.TRANSCRIPT_JABATAN, employee.jabatan),
            (t.TRANSCRIPT_UNIT, employee.unit_kerja),
        )
        if value
    )
    # fpdf2 is imported when a PDF is made, not at start-up (it is most of a process's memory).
    from bot.documents.transcript import Transcript, TranscriptEntry, render_transcript

    transcript = Transcript(
        name=employee.name,
        nip=employee.nip,
        opd=opd_name,
        year=view.year,
        entries=[
            TranscriptEntry(
                e.ended_on,
                e.title,
                e.source_kind,
                e.category,
                e.minutes,
                organiser=e.organiser,
                certificate_no=e.certificate_no,
            )
            for e in sorted(view.entries, key=lambda e: (e.ended_on, e.id))
        ],
        printed_on=today,
        target_minutes=view.target_minutes,
        minutes_per_jp=view.scale.minutes_per_jp,
        extra=extra,
        code=code,
        bot_username=bot_username,
    )
    return await asyncio.to_thread(render_transcript, transcript)
