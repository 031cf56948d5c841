"""Texts of the demo (``python -m bot demo``): the web chat's own labels and the personas.

The web chat plays Telegram's app, so its labels are what a Telegram client would show; the
personas tell a visitor who they are playing and what to type.
"""

from __future__ import annotations

from datetime import datetime

from bot.texts import MONTHS_LONG, WEEKDAYS

WEBCHAT_LABELS = {
    "title": "Sinau Bareng: coba tanpa Telegram",
    "pick_persona": "Pilih pengguna",
    "placeholder": "Tulis pesan…",
    "menu": "Menu",
    "close_app": "Tutup",
    "bot_status": "bot",
    "empty": "Belum ada pesan. Ketuk Menu atau ketik /start untuk memulai.",
    "edited": "diedit",
    "quiz": "Kuis",
    "poll": "Jajak pendapat",
    "correct": "Benar!",
    "wrong": "Kurang tepat.",
    "open_file": "buka",
    "download": "unduh",
    "notice": "Telegram menolak panggilan ini",
    "disconnected": "Sambungan ke server demo terputus; menyambung lagi…",
    "clock_title": "Jam demo",
    "clock_hour": "Maju 1 jam",
    "clock_day": "Maju 1 hari",
    "clock_to": "Maju ke",
    "clock_hour_short": "+1 jam",
    "clock_day_short": "+1 hari",
    "action_typing": "mengetik…",
    "action_upload_document": "mengirim dokumen…",
    "action_upload_photo": "mengirim foto…",
    "action_choose_sticker": "memilih stiker…",
}

PERSONA_LEARNER = "PNS baru"
PERSONA_LEARNER_ABOUT = (
    "Belum terdaftar. Ketik /start, lalu NIP {nip} saat diminta, dan bagikan nomor HP "
    "dengan tombol di bawah kolom pesan."
)
PERSONA_OPD_ADMIN = "Admin OPD"
PERSONA_OPD_ADMIN_ABOUT = (
    "Admin OPD {opd}: mengirim pengumuman (/umumkan), memverifikasi akun dan laporan."
)
PERSONA_SUPERADMIN = "Superadmin"
PERSONA_SUPERADMIN_ABOUT = "Superadmin BPSDMD: semua OPD, peran admin (/admin), rekap (/laporan)."
PERSONA_COLLEAGUE = "PPPK terdaftar"
PERSONA_COLLEAGUE_ABOUT = "Sudah terdaftar di {opd}: menerima pengumuman admin OPD-nya."


def clock_text(moment: datetime) -> str:
    """``Senin, 7 Desember 2026 19:30`` (the demo clock, local time)."""
    return (
        f"{WEEKDAYS[moment.weekday()]}, {moment.day} {MONTHS_LONG[moment.month - 1]} "
        f"{moment.year} {moment:%H:%M}"
    )
