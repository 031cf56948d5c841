"""Texts of learning paths, required learning (assignments) and /tugas, in Indonesian."""

from __future__ import annotations

# --- Learning paths and locks ----------------------------------------------------------------
LOCKED = "🔒 selesaikan {modules} dulu"
LOCKED_TOAST = "🔒 Modul ini terkunci: selesaikan {modules} dulu."
ICON_LOCKED = "🔒"
PATHS_HEADER = "\n\n<b>Jalur belajar</b>"
PATH_LINE = "🧭 {title}: {done}/{total} modul"
BTN_PATH = "🧭 {title} ({done}/{total})"
BTN_PATH_NEXT = "▶️ {module}"
PATH_PAGE = "<b>🧭 {title}</b>\n{summary}\n\nKemajuan: <b>{done}/{total} modul</b>\n\n{lines}"
PATH_STEP = "{icon} {number}. {title}{lock}"
PATH_DONE = "✅ Jalur ini sudah Bapak/Ibu selesaikan."
PATH_NOT_FOUND = "Jalur belajar itu tidak ditemukan. Mungkin sudah dihapus."
BTN_PATHS_BACK = "« Katalog"

# --- Required learning, as the learner sees it -----------------------------------------------
REQUIRED_HEADER = "<b>📌 Wajib</b>"
REQUIRED_LINE = "{icon} {title}: {when}"
REQUIRED_DONE = "selesai ✅"
REQUIRED_RENEW = "selesai, berlaku sampai {date}: ulangi sebelum itu ({days} hari lagi)"
REQUIRED_DUE_IN = "tenggat {date} ({days} hari lagi)"
REQUIRED_DUE_TODAY = "tenggat <b>hari ini</b>, {date} pukul 23.59 WIB"
REQUIRED_OVERDUE = "⚠️ <b>terlambat {days} hari</b> (tenggat {date})"
REQUIRED_MORE = "… dan {count} lainnya"
BTN_REQUIRED = "📌 {title}"

# --- Reminders -------------------------------------------------------------------------------
REMINDER_HEAD = (
    "📌 <b>Pengingat pembelajaran wajib</b>\n\n{salutation} {name}, berikut yang perlu "
    "diselesaikan:"
)
REMINDER_ITEM = "• <b>{title}</b>: {when}"
REMINDER_TAIL = "\nPembelajaran wajib ditugaskan oleh instansi Bapak/Ibu."
BTN_REMINDER_OPEN = "▶️ {title}"

# --- /tugas ----------------------------------------------------------------------------------
LIST_HEADER = "<b>📌 Penugasan</b> ({count})"
LIST_EMPTY = "Belum ada penugasan aktif. Buat dengan tombol di bawah."
LIST_LINE = (
    "<b>{number}. {title}</b> · {audience}\n"
    "   Tenggat {due}{recurrence} · {members} orang: ✅ {done} (⏱ {on_time} tepat waktu) · "
    "▶️ {progress} · 🆕 {not_started} · ⚠️ {overdue}{orphan}{read_only}"
)
LIST_ORPHAN = "\n   ⚠️ pembuatnya tidak lagi admin"
LIST_READ_ONLY = "\n   👁 dari admin provinsi (hanya lihat)"
LIST_MORE = "\n… dan {count} penugasan lain (lihat ekspor)."
RECURRENCE = " · berulang tiap {months} bulan"
BTN_NEW = "➕ Penugasan baru"
BTN_OPEN = "{number}. {title}"
DETAIL = (
    "<b>📌 {title}</b>\nSasaran: {audience}\nTenggat: {due} (23.59 WIB){recurrence}\n"
    "Pendatang baru: tenggat {join_days} hari setelah masuk sasaran\nDibuat oleh: {creator}\n\n"
    "Peserta: <b>{members}</b>\n✅ Selesai: {done} (⏱ tepat waktu {on_time}, "
    "lewat tenggat {late})\n▶️ Sedang berjalan: {progress}\n"
    "🆕 Belum mulai: {not_started}\n⚠️ Terlambat: {overdue}"
)
DETAIL_READ_ONLY = (
    "\n\n👁 Penugasan ini dibuat admin provinsi: Bapak/Ibu dapat melihat dan mengekspornya, "
    "tetapi tidak dapat membatalkan atau memperpanjangnya."
)
READ_ONLY = "Penugasan ini dibuat admin provinsi; Bapak/Ibu hanya dapat melihatnya."
ASK_CANCEL = (
    "Batalkan penugasan <b>{title}</b> untuk {members} peserta?\n\n"
    "Pengingatnya berhenti saat itu juga; yang sudah selesai tetap tercatat. "
    "Pembatalan tidak bisa diurungkan."
)
BTN_CANCEL_YES = "🛑 Ya, batalkan"
BTN_CANCEL_NO = "« Tidak, kembali"
BTN_CANCEL = "🛑 Batalkan penugasan"
BTN_EXTEND = "📅 Perpanjang tenggat"
BTN_EXPORT_XLSX = "⬇️ Terlambat (XLSX)"
BTN_EXPORT_CSV = "⬇️ Terlambat (CSV)"
BTN_BACK_LIST = "« Daftar penugasan"
CANCELLED = (
    "Penugasan <b>{title}</b> dibatalkan. Pengingatnya berhenti; yang sudah selesai tetap tercatat."
)
ALREADY_CANCELLED = "Penugasan itu sudah dibatalkan sebelumnya."
ASK_EXTEND = "Ketik tenggat baru (format <code>31/12/2026</code>, WIB), setelah {due}."
EXTENDED = "Tenggat <b>{title}</b> diperpanjang sampai {due} (23.59 WIB)."
EXTEND_NOT_LATER = "Tenggat baru harus setelah tenggat sekarang ({due})."
NOT_FOUND = "Penugasan itu tidak ditemukan."
EXPORT_CAPTION = "Daftar terlambat: {title} ({count} orang)."
EXPORT_EMPTY = "Tidak ada yang terlambat untuk penugasan ini. 🎉"

# --- Creating an assignment (the guided flow) ------------------------------------------------
STEP_WHAT = (
    "<b>Penugasan baru · 1/6 Apa</b>\nPilih jalur belajar atau modul yang wajib diselesaikan, "
    "atau ketik id modul (mis. <code>gratifikasi</code>)."
)
BTN_WHAT_PATH = "🧭 {title}"
BTN_WHAT_MODULE = "📘 {title}"
BTN_WHAT_PAGE = "Modul lain »"
STEP_WHO = (
    "<b>Penugasan baru · 2/6 Siapa</b>\n{what}\n\nSasaran: {audience}\n"
    "Jumlah pegawai saat ini: <b>{count}</b>\n\nPilih filter, atau ketik "
    "<code>unit: …</code>, <code>jabatan: …</code>, <code>golongan: …</code> untuk menyaring."
)
BTN_WHO_OPD = "🏢 OPD: {opd}"
BTN_WHO_ALL_OPD = "🏢 Semua OPD"
BTN_WHO_KIND = "👥 Jenis: {kind}"
BTN_WHO_CLEAR = "♻️ Hapus filter teks"
BTN_WHO_NEXT = "Lanjut: tenggat »"
ALL_KINDS = "PNS dan PPPK"
STEP_DUE = (
    "<b>Penugasan baru · 3/6 Tenggat</b>\nKetik tanggal tenggat (WIB), format "
    "<code>31/12/2026</code>. Tenggat berarti paling lambat pukul 23.59 WIB hari itu."
)
STEP_RECURRENCE = (
    "<b>Penugasan baru · 4/6 Pengulangan</b>\nApakah penyelesaian kedaluwarsa dan harus "
    "diulang? Pilih, atau ketik jumlah bulan (1-60)."
)
BTN_RECUR_NONE = "Sekali saja"
BTN_RECUR_MONTHS = "Tiap {months} bulan"
STEP_JOIN = (
    "<b>Penugasan baru · 5/6 Pendatang baru</b>\nPegawai yang masuk sasaran kemudian (baru "
    "mendaftar, pindah OPD) ditugaskan otomatis. Berapa hari setelah masuk tenggat mereka? "
    "Pilih, atau ketik jumlah hari (1-365)."
)
BTN_JOIN_DAYS = "{days} hari"
BTN_JOIN_DEFAULT = "{days} hari (bawaan)"
PREVIEW = (
    "<b>Penugasan baru · 6/6 Pratinjau</b>\n\nApa: {what}\nSasaran: {audience}\n"
    "Jumlah pegawai: <b>{count}</b>\nTenggat: {due} (23.59 WIB){recurrence}\n"
    "Pendatang baru: tenggat {join_days} hari setelah masuk sasaran\n\n"
    "Pengingat: 7 hari dan 1 hari sebelum tenggat, pada hari tenggat, lalu tiap minggu "
    "selama terlambat."
)
BTN_CONFIRM = "✅ Tugaskan"
BTN_DISCARD = "✖️ Batal"
CREATED = "✅ Penugasan <b>{title}</b> dibuat untuk {count} pegawai, tenggat {due}."
DISCARDED = "Draf penugasan dibuang."
AUD_ALL = "seluruh pegawai"
AUD_OPD = "OPD {opd}"
AUD_UNIT = "unit kerja “{value}”"
AUD_JABATAN = "jabatan “{value}”"
AUD_GOLONGAN = "golongan {value}"
AUD_KIND = "{value}"
WHAT_PATH = "jalur {title} ({count} modul)"
WHAT_MODULE = "modul {title}"

# --- Bad input (each changes nothing) --------------------------------------------------------
BAD_DATE = "Tanggal tidak dikenali. Contoh: <code>31/12/2026</code>."
DATE_PAST = "Tenggat tidak boleh di masa lalu. Ketik tanggal hari ini atau sesudahnya."
DATE_TOO_FAR = "Tenggat paling lambat 2 tahun dari sekarang. Ketik tanggal yang lebih dekat."
NO_SUCH_MODULE = (
    "Modul atau jalur “{value}” tidak ada. Pilih dari tombol, atau ketik id yang benar."
)
EMPTY_AUDIENCE = "Sasaran ini berisi 0 pegawai. Ubah filternya dulu."
BAD_RECURRENCE = (
    "Pengulangan harus 1 sampai 60 bulan (0 bulan tidak bisa). Atau pilih “Sekali saja”."
)
BAD_FILTER = (
    "Filter tidak dikenali. Contoh: <code>unit: Bidang Anggaran</code> atau "
    "<code>golongan: III/a</code>."
)
BAD_JOIN_DAYS = (
    "Tenggat pendatang baru harus 1 sampai 365 hari setelah masuk sasaran. Ketik angkanya, "
    "mis. <code>30</code>."
)
STALE = "Tombol ini dari draf lama. Buka /tugas lagi."

# --- Reports ---------------------------------------------------------------------------------
REPORT_HEADER = "\n\n<b>Kepatuhan pembelajaran wajib</b>"
REPORT_LINE = (
    "• {title}: {done}/{members} selesai ({share}) · tepat waktu {on_time} ({on_time_share}) · "
    "terlambat {overdue}"
)
REPORT_MORE = "… dan {count} penugasan lain (lihat <code>report assignments</code>)."
