"""Indonesian texts of reminders and of /pengingat (see ``bot.texts`` for the conventions)."""

from __future__ import annotations

from bot.texts import MONTHS_LONG, WEEKDAYS  # noqa: F401 - re-exported for reminders

# --- /pengingat --------------------------------------------------------------------------------
SETTINGS = (
    "<b>Pengingat belajar</b> ⏰\n\n"
    "{state}\n\n"
    "{how} Pengingat tidak dikirim pada jam tenang {quiet_start}–{quiet_end}: pengingat yang "
    "jatuh pada jam tenang dilewati, lalu berlanjut pada jadwal berikutnya."
)
# The panel takes a typed time only when no other step (e.g. /lapor) is waiting for text.
HOW_TYPE = "Pilih jam di bawah atau ketik jam lain (mis. <code>07:15</code>)."
HOW_BUTTON = "Pilih jam di bawah, atau ketuk ⌨️ Jam lain untuk mengetik jam sendiri."
STATE_QUIET = (
    "Jam pilihan Bapak/Ibu, pukul <b>{at} {zone}</b>, kini termasuk jam tenang, jadi pengingat "
    "<b>tidak dikirim</b>. Silakan pilih jam lain."
)
STATE_ON = "Aktif setiap <b>{days}</b> pukul <b>{at} {zone}</b>.\nBerikutnya: {next}."
STATE_PAUSED = (
    "Dijeda sampai <b>{until}</b>. Setelah itu aktif lagi setiap {days} pukul {at} {zone}.\n"
    "Berikutnya: {next}."
)
STATE_OFF = "Pengingat <b>mati</b>. Bapak/Ibu tidak akan menerima pengingat belajar."
DAYS_WEEKDAYS = "hari kerja (Senin–Jumat)"
DAYS_EVERY = "hari"
DATE_TIME = "{weekday}, {day} {month} {year} pukul {time} {zone}"
BTN_DAYS_WEEKDAYS = "Hanya hari kerja"
BTN_DAYS_EVERY = "Setiap hari"
BTN_PAUSE = "Jeda {days} hari"
BTN_OFF = "🔕 Matikan"
BTN_ON = "🔔 Nyalakan"
BTN_RESUME = "▶️ Lanjutkan sekarang"
BTN_OTHER_TIME = "⌨️ Jam lain"
ASK_TIME = (
    "Ketik jam pengingat dalam format JJ:MM, misalnya <code>07:15</code> atau <code>20.00</code>. "
    "Ketik /batal untuk batal."
)
TIME_INVALID = (
    "“{text}” bukan jam yang valid. Gunakan format JJ:MM antara 00:00 dan 23:59, "
    "misalnya <code>07:15</code>. Silakan ketik ulang, atau /batal."
)
TIME_NOT_TEXT = "Ketik jam sebagai teks, misalnya <code>07:15</code>, atau /batal."
TIME_QUIET = (
    "Pukul {at} termasuk jam tenang ({quiet_start}–{quiet_end}); pengingat tidak dikirim "
    "pada jam itu. Silakan pilih jam lain."
)
SAVED_TIME = "Pengingat diatur ke pukul {at} {zone} ✅"
SAVED = "Disimpan ✅"
DEFAULT_SET = (
    "⏰ Pengingat belajar harian aktif pukul <b>{at} {zone}</b> (Senin–Jumat). "
    "Ubah jam, hari, atau matikan lewat /pengingat."
)

# --- Reminder messages -------------------------------------------------------------------------
GREETINGS = (
    "Selamat {part_of_day}, {salutation}. Saatnya belajar sebentar ☕",
    "Selamat {part_of_day}, {salutation}. Sudah siap menambah kompetensi hari ini? 📚",
    "{salutation}, belajar sedikit setiap hari lebih ringan daripada mengejar di akhir tahun. "
    "Mari lanjutkan 💪",
    "Sinau Bareng mengingatkan {salutation}: satu kartu lagi mendekatkan ke target 🎯",
    "Kompetensi tumbuh dari kebiasaan kecil, {salutation}. Mari belajar hari ini 🌱",
)
PARTS_OF_DAY = ((11, "pagi"), (15, "siang"), (18, "sore"), (24, "malam"))
NEXT_RESUME = "▶️ Lanjutkan <b>{title}</b> — kartu {card} dari {total}."
NEXT_QUIZ = "📝 Kuis <b>{title}</b> menunggu Bapak/Ibu."
NEXT_NEW = "📖 Modul berikutnya: <b>{title}</b> ({minutes} menit belajar)."
PACE_FORECAST = (
    "Tahun ini tercatat <b>{have}</b> dari target {target} JP. Dengan satu modul per minggu, "
    "target tercapai sekitar <b>{month} {year}</b>."
)
PACE_LATE = (
    "Tahun ini tercatat <b>{have}</b> dari target {target} JP. Dengan satu modul per minggu, "
    "target belum tercapai tahun ini: lengkapi dengan pelatihan lain dan laporkan lewat /lapor."
)
PACE_SHORT = (
    "Tahun ini tercatat <b>{have}</b> dari target {target} JP. Sisa modul di sini bernilai "
    "{catalog}, belum cukup untuk kekurangan {gap}: lengkapi dengan pelatihan lain dan "
    "laporkan lewat /lapor."
)
PACE_DONE = "🎉 Target {target} JP tahun ini sudah tercapai. Terus asah kompetensi!"
STREAK = "🔥 Runtun belajar: <b>{days} hari</b> berturut-turut."
STREAK_NONE = "Mulai runtun belajar hari ini."
FOOTER = "<i>Atur pengingat: /pengingat</i>"
BTN_OPEN_CARD = "▶️ Buka kartu {card}"
BTN_OPEN_QUIZ = "📝 Mulai kuis"
BTN_OPEN_MODULE = "📖 Buka modul"
REVIEW_DUE = "🔁 <b>{count} soal</b> dari modul yang sudah lulus menunggu diulas hari ini."
BTN_OPEN_REVIEW = "🔁 Ulas {count} soal"

YEAR_END = (
    "⏳ <b>Tahun {year} tinggal {days} hari.</b>\n"
    "Tercatat <b>{have}</b> dari target {target} JP: kurang <b>{gap}</b>.\n\n"
    "Modul berikutnya untuk Bapak/Ibu:\n{modules}"
)
YEAR_END_MODULE = "• {title} ({minutes} menit)"
YEAR_END_ENOUGH = "\nSisa modul ({catalog}) cukup untuk menutup kekurangan itu."
YEAR_END_SHORT = (
    "\nSisa modul di sini bernilai {catalog}, belum cukup untuk kekurangan itu: lengkapi dengan "
    "pelatihan lain (diklat, webinar resmi) dan laporkan lewat /lapor."
)
