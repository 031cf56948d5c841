"""Indonesian texts of spaced review (/ulas) and of "latihan kesalahan" (see ``bot.texts``)."""

from __future__ import annotations

from datetime import date

from bot.texts import MONTHS_LONG as MONTHS
from bot.texts import WEEKDAYS

ACTIVITY_KIND_REVIEW = "Ulasan berkala (e-learning)"
REVIEW_CREDIT_TITLE = "Ulasan berkala materi Sinau Bareng, {day}"

# --- The main menu's line ------------------------------------------------------------------------
MENU_GOAL = "🔁 Ulas {goal} soal · 🔥 {streak} hari"
MENU_DONE = "✅ Ulasan hari ini selesai · 🔥 {streak} hari"
MENU_NOTHING = "🔁 Tidak ada ulasan hari ini; berikutnya {day} · 🔥 {streak} hari"
MENU_STREAK_ONLY = "🔥 Runtun belajar: {streak} hari"
BTN_REVIEW = "🔁 Ulas {goal} soal"

# --- /ulas -------------------------------------------------------------------------------------
INTRO = (
    "🔁 <b>Ulasan hari ini</b>: {count} soal dari modul yang sudah Bapak/Ibu lulusi.\n"
    "Mengingat kembali secara berkala membuat materi bertahan lama. Ketuk satu pilihan pada "
    "tiap polling; soal berikutnya muncul setelah Bapak/Ibu menjawab."
)
NOTHING_DUE = "Tidak ada ulasan hari ini; berikutnya {day}."
NOTHING_SCHEDULED = (
    "Belum ada soal untuk diulas. Soal masuk ke jadwal ulasan setelah Bapak/Ibu lulus kuis "
    "sebuah modul: mulai dari /belajar."
)
DONE_TODAY = "Ulasan hari ini sudah selesai ({limit} soal). Terima kasih! Ulasan berikutnya {day}."
WAITING = (
    "Ulasan sedang berjalan: soal {number} dari {count} menunggu jawaban Bapak/Ibu pada "
    "polling yang dikutip. Ketik /batal untuk menghentikan."
)
ALREADY_STARTED = "Ulasan sudah dimulai; soal pertamanya sedang dikirim."
OTHER_OPEN_REVIEW = (
    "Ulasan Bapak/Ibu masih berjalan. Selesaikan dulu, atau ketik /batal untuk menghentikannya."
)
OTHER_OPEN_PRACTICE = (
    "Latihan kesalahan Bapak/Ibu masih berjalan. Selesaikan dulu, atau ketik /batal untuk "
    "menghentikannya."
)
CHANGED = (
    "Soal ini sudah diperbarui sejak dijadwalkan, jadi jawabannya tidak dihitung dan soal itu "
    "keluar dari jadwal ulasan."
)
STALE = (
    "Polling itu dari ulasan atau latihan yang sudah selesai atau dihentikan, jadi jawabannya "
    "tidak dihitung. Ketik /ulas untuk ulasan hari ini."
)
ABANDONED = "Ulasan dihentikan. Soal yang belum dijawab tetap menunggu di jadwal."
PRACTICE_ABANDONED = "Latihan kesalahan dihentikan."
RESULT = "🔁 <b>Ulasan selesai</b>: {correct} dari {count} benar.\n{next}"
RESULT_NEXT = "Ulasan berikutnya: <b>{day}</b>."
RESULT_NEXT_NONE = "Belum ada ulasan berikutnya yang terjadwal."
RESULT_MISSED = "\n\n<b>Perlu diingat lagi</b> (soal ini kembali lebih cepat):\n{missed}"
RESULT_CREDIT = "\n\n🎯 Waktu ulasan hari ini tercatat: <b>{time}</b>."
RESULT_ALL_RIGHT = "\n\nSemua benar. Soal-soal ini akan kembali dengan jarak lebih panjang. 👏"
PRACTICE_MISSED = "\n\n<b>Masih perlu dibaca ulang</b>:\n{missed}"
MISSED_LINE = "❌ {question} <i>({module})</i>\n💡 <i>{explanation}</i>"

# --- Latihan kesalahan --------------------------------------------------------------------------
BTN_PRACTICE = "🎯 Latihan kesalahan"
PRACTICE_INTRO = (
    "🎯 <b>Latihan kesalahan: {title}</b>\n"
    "{count} soal yang tadi belum tepat. Ini latihan: tidak dinilai dan tidak menambah JP. "
    "Percobaan kuis berikutnya tetap mengikuti aturannya."
)
PRACTICE_RESULT = (
    "🎯 <b>Latihan selesai</b>: {correct} dari {count} benar.\n"
    "Latihan tidak dinilai dan tidak menambah JP. Saat siap, kerjakan lagi kuisnya."
)
PRACTICE_NOT_FOUND = "Tidak ada kesalahan untuk dilatih dari percobaan itu."
PRACTICE_OUTDATED = "Modul ini telah diperbarui sejak percobaan itu, jadi soalnya tidak dilatih."


def day_text(day: date, today: date) -> str:
    """ "besok (Kamis, 3 Desember)", "hari ini", or the weekday and date."""
    named = f"{WEEKDAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]}"
    if day <= today:
        return "hari ini"
    if (day - today).days == 1:
        return f"besok ({named})"
    return named if day.year == today.year else f"{named} {day.year}"
