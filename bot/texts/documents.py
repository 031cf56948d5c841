"""Every Indonesian word printed on a certificate, transcript, chart or spreadsheet.

Documents are not Telegram messages, so these strings are plain text, never HTML. Names shared
with the chat (organiser, motto, category names) are taken from the chat texts, so the two never
drift apart.
"""

from __future__ import annotations

from datetime import date

from bot import texts

# --- Shared ------------------------------------------------------------------------------------
APP_NAME = "Sinau Bareng"
ALL_AGENCIES = "Seluruh instansi"  # the province-wide exports, in file names and captions
ORGANISER = texts.ORGANISER
MOTTO = texts.MOTTO
CATEGORY_NAMES: dict[str, str] = dict(texts.CATEGORY_NAMES)
NO_CATEGORY = "-"
SOURCE_KINDS = {
    "module": "Modul",
    "external": "Eksternal",
}
MONTHS = texts.MONTHS_LONG
MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
JP_UNIT = "JP"
TOTAL = "Jumlah"

# --- Certificate -------------------------------------------------------------------------------
CERT_TITLE = "SERTIFIKAT"
CERT_SUBTITLE = "Pengembangan Kompetensi ASN - Pembelajaran Mandiri"
CERT_NUMBER = "Nomor: {number}"
CERT_GIVEN_TO = "diberikan kepada"
CERT_NIP = "NIP {nip}"
CERT_NI_PPPK = "NI PPPK {nip}"
CERT_REVISION = "  ·  Revisi {revision}"
CERT_COMPLETED = "atas keberhasilannya menyelesaikan modul pembelajaran"
CERT_DETAILS = "Kompetensi {category}  ·  waktu belajar {time}  ·  lulus pada {date}"
CERT_CODE = "Kode verifikasi"
CERT_VERIFY = (
    "Keaslian sertifikat ini dapat diperiksa dengan mengirim perintah /verifikasi {code} "
    "kepada bot Telegram {bot}."
)
CERT_BOT_DEFAULT = "Sinau Bareng"
CERT_SCAN = "Atau pindai kode QR di samping."
CERT_PLACE_DATE = "{city}, {date}"
CERT_SIGNER_BLANK = "(nama pejabat penanda tangan)"
CERT_SIGNER_NIP = "NIP {nip}"
CERT_DOC_TITLE = "Sertifikat {number}"

# --- Transcript --------------------------------------------------------------------------------
TRANSCRIPT_TITLE = "TRANSKRIP PENGEMBANGAN KOMPETENSI"
TRANSCRIPT_YEAR = "Tahun {year}"
TRANSCRIPT_NAME = "Nama"
TRANSCRIPT_NIP = "NIP"
TRANSCRIPT_OPD = "OPD"
TRANSCRIPT_YEAR_LABEL = "Tahun"
TRANSCRIPT_COLUMNS = ("No", "Tanggal", "Kegiatan", "Sumber", "Kategori", "Menit", "JP")
TRANSCRIPT_TOTAL = "Jumlah"
TRANSCRIPT_TARGET = "Target tahunan"
TRANSCRIPT_REACHED = "Target tercapai"
TRANSCRIPT_MISSING = "Kurang {missing} dari target"
TRANSCRIPT_SUMMARY = "Jumlah: {total} JP ({minutes} menit) dari target {target} JP"
TRANSCRIPT_EMPTY = "Belum ada kegiatan yang tercatat pada tahun ini."
TRANSCRIPT_PRINTED = "Dicetak pada {date} dari {app}."
TRANSCRIPT_PAGE = "Halaman {page} dari {pages}"
TRANSCRIPT_DOC_TITLE = "Transkrip JP {year} - {name}"
TRANSCRIPT_EXTERNAL = "Penyelenggara: {organiser} · No. sertifikat: {number}"
TRANSCRIPT_VERIFY = (
    "Keaslian transkrip ini dapat diperiksa dengan mengirim perintah /verifikasi {code} "
    "kepada bot Telegram {bot}, atau dengan memindai kode QR."
)

# --- Charts ------------------------------------------------------------------------------------
CHART_PROGRESS_TITLE = "JP kumulatif tahun {year}"
CHART_PROGRESS_YLABEL = "JP"
CHART_PROGRESS_LINE = "JP tercatat"
CHART_TARGET_LINE = "Target {target} JP"
CHART_COMPLIANCE_TITLE = "ASN mencapai {target} JP per OPD, {year}"
CHART_COMPLIANCE_PAGE = "bagian {page} dari {pages}: peringkat {first}-{last}"
CHART_COMPLIANCE_XLABEL = "% ASN yang mencapai target"
CHART_COMPLIANCE_BAR = "{percent}% ({at_target}/{employees})"
CHART_NO_DATA = "Belum ada data"


def long_date(day: date) -> str:
    """``date(2026, 11, 27)`` -> ``"27 November 2026"``, the way dates are written on Indonesian
    official documents; locale-independent so it does not depend on the server's settings."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    """``date(2026, 11, 27)`` -> ``"27-11-2026"``: compact for table cells."""
    return f"{day.day:02d}-{day.month:02d}-{day.year}"


def category_name(key: str | None) -> str:
    """The display name of a competency category key; unknown keys are shown as stored."""
    if not key:
        return NO_CATEGORY
    return CATEGORY_NAMES.get(key, key)


def source_kind_name(kind: str) -> str:
    """The display name of a ledger ``source_kind`` ("module" or "external")."""
    return SOURCE_KINDS.get(kind, kind)


# The status column of an OPD's employee export, by ``bot.store.reports.employee_rows`` state.
EMPLOYEE_STATUSES = {
    "reached": "Tercapai",
    "missing": "Belum",
    "pending": "Menunggu verifikasi",
    "unregistered": "Belum terdaftar",
}
