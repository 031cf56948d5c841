"""The JP transcript PDF (bot/documents/transcript.py)."""

from __future__ import annotations

from datetime import date, timedelta

from bot.documents.transcript import Transcript, TranscriptEntry, render_transcript
from bot.texts import documents as labels
from tests.unit.documents.helpers import pdf_text


def _entry(day: date, title: str, kind: str = "module", minutes: int = 90) -> TranscriptEntry:
    return TranscriptEntry(
        day=day, title=title, source_kind=kind, category="teknis", minutes=minutes
    )


def _transcript(entries: list[TranscriptEntry]) -> Transcript:
    return Transcript(
        name="Bambang Sudaryanto",
        nip="198609262015051001",
        opd="Dinas Kominfo Kabupaten Tegal",
        year=2026,
        entries=entries,
        printed_on=date(2026, 11, 27),
        extra=(("Jabatan", "Analis SDM Aparatur"),),
    )


def test_transcript_lists_activities_in_date_order_with_total_and_shortfall() -> None:
    entries = [
        _entry(date(2026, 9, 2), "Pelatihan SPBE", kind="external", minutes=450),
        _entry(date(2026, 3, 14), "Anti gratifikasi", minutes=15),
    ]
    data = render_transcript(_transcript(entries))
    assert data.startswith(b"%PDF")
    _, text = pdf_text(data)
    for expected in (
        "Bambang Sudaryanto",
        "19860926 201505 1 001",
        "Dinas Kominfo Kabupaten Tegal",
        "Jabatan : Analis SDM Aparatur",
        "2026",
        "14-03-2026",
        "Eksternal",
        "Teknis",
        "0,33",  # 15 minutes, as JP
        "Jumlah: 10,33 JP (465 menit) dari target 20 JP",
        "Kurang 9,67 JP (435 menit) dari target",
    ):
        assert expected in text, expected
    assert text.index("Anti gratifikasi") < text.index("Pelatihan SPBE")


def test_transcript_reached_target_and_empty_year() -> None:
    _, reached = pdf_text(
        render_transcript(_transcript([_entry(date(2026, 1, 2), "A", minutes=900)]))
    )
    assert labels.TRANSCRIPT_REACHED in reached
    _, empty = pdf_text(render_transcript(_transcript([])))
    assert labels.TRANSCRIPT_EMPTY in empty
    assert "Kurang 20 JP (900 menit) dari target" in empty


def test_long_transcript_flows_onto_numbered_pages() -> None:
    entries = [_entry(date(2026, 1, 1) + timedelta(days=i), f"Modul nomor {i}") for i in range(60)]
    pages, text = pdf_text(render_transcript(_transcript(entries)))
    assert pages > 1
    assert f"Halaman 1 dari {pages}" in text
    assert "Modul nomor 59" in text
    assert "120" in text  # 60 x 2 JP
