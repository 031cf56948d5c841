"""Every text a user reads, in Indonesian, in one place.

Translating the bot means translating this file, not touching handlers. Texts are HTML for
``parse_mode=HTML``: placeholders filled with user data must be escaped by the caller
(``bot.core.telegram_html.escape``). Keep button labels short: they are read on small phones.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- General ---------------------------------------------------------------------------------
MOTTO = "Jateng Pinter Bareng, ASN Sinau Bareng"
ORGANISER = "BPSDMD Provinsi Jawa Tengah (Sinau Bareng)"
ACTIVITY_KIND_MODULE = "Pembelajaran mikro (e-learning)"
SORRY = (
    "Maaf, terjadi gangguan saat memproses permintaan Bapak/Ibu. Silakan coba lagi sebentar "
    "lagi. Kemajuan belajar Bapak/Ibu tetap aman."
)
BUSY = "Sistem sedang sibuk. Mohon coba lagi dalam beberapa detik."
UNKNOWN_COMMAND = "Perintah itu tidak dikenal. Ketik /bantuan untuk melihat daftar perintah."
HINT_REGISTERED = (
    "Saya belum memahami pesan itu. Pilih menu di bawah, atau ketik /bantuan untuk melihat "
    "daftar perintah."
)
HINT_UNREGISTERED = (
    "Selamat datang. Untuk mulai belajar, ketik /start dan daftarkan NIP atau NI PPPK Bapak/Ibu."
)
HINT_DURING_MODULE = (
    "Pertanyaan seperti itu belum dapat saya jawab lewat pesan. Jawabannya biasanya ada di "
    "kartu modul <b>{title}</b>; bila masih ragu, tanyakan kepada atasan atau admin OPD "
    "Bapak/Ibu."
)
BTN_BACK_TO_CARD = "📖 Kembali ke kartu {card}"
BTN_BACK_TO_MODULE = "📖 Kembali ke modul"
HINT_NON_TEXT = "Maaf, saya hanya dapat membaca pesan teks dan tombol."
HINT_USE_BUTTONS_OR_HELP = "Gunakan tombol atau ketik /bantuan."
HINT_EDITED = "Pesan yang diedit tidak diproses. Silakan kirim pesan baru."
HINT_USE_BUTTONS = "Silakan pilih dengan mengetuk salah satu tombol di atas."
HINT_QUIZ_OPEN = (
    "Kuis <b>{title}</b> sedang berjalan. Jawab dengan mengetuk salah satu pilihan pada "
    "polling kuis di atas, atau ketik /belajar untuk kembali ke katalog."
)
BUTTON_EXPIRED = "Tombol ini sudah kedaluwarsa. Silakan buka menu lagi."
BUTTON_INVALID = "Tombol ini tidak berlaku."
NEED_REGISTRATION = "Bapak/Ibu belum terdaftar. Ketik /start untuk mendaftar terlebih dahulu."
CANCELLED = "Baik, dibatalkan. Ketik /start atau /bantuan kapan saja."
NOTHING_TO_CANCEL = "Tidak ada proses yang sedang berjalan."
TOO_LONG = "Pesan terlalu panjang. Mohon kirim maksimal {limit} karakter."


# A sentence's full stop right after a dot that ends a filled-in value ("M.Si." + "."), maybe
# with closing tags between them; an ellipsis ("...") is left alone.
# --- Commands: the menu description (3-256 characters), the /bantuan line and its arguments ----
@dataclass(frozen=True, slots=True)
class CommandText:
    menu: str
    help: str
    args: str = ""


COMMANDS = {
    "start": CommandText("Mulai / menu utama", "mulai atau buka menu utama"),
    "belajar": CommandText("Katalog modul pembelajaran", "katalog modul"),
    "jp": CommandText(
        "Rekap jam pelajaran (JP) saya",
        "rekap JP tahun ini (tambahkan tahun, mis. <code>/jp 2025</code>)",
    ),
    "profil": CommandText("Lihat dan ubah profil", "lihat dan ubah profil"),
    "ulas": CommandText(
        "Ulas soal modul yang sudah lulus", "ulasan harian soal modul yang sudah lulus"
    ),
    "pengingat": CommandText(
        "Atur pengingat belajar harian", "atur jam dan hari pengingat belajar"
    ),
    "lapor": CommandText(
        "Lapor pelatihan eksternal",
        "laporkan pelatihan di luar bot (diklat, webinar) untuk diverifikasi",
    ),
    "sertifikat": CommandText(
        "Unduh e-sertifikat modul", "unduh e-sertifikat modul yang sudah lulus"
    ),
    "verifikasi": CommandText(
        "Periksa keaslian sertifikat", "periksa keaslian sertifikat", args="KODE"
    ),
    "batal": CommandText("Batalkan proses yang berjalan", "batalkan proses yang sedang berjalan"),
    "bantuan": CommandText("Bantuan dan daftar perintah", "pesan ini"),
    "antrean": CommandText(
        "Admin: verifikasi akun dan laporan", "verifikasi akun pegawai dan laporan pelatihan"
    ),
    "laporan": CommandText("Admin: laporan JP per OPD", "laporan JP dan kepatuhan per OPD"),
    "umumkan": CommandText("Admin: kirim pengumuman", "kirim pengumuman ke pegawai"),
    "terjadwal": CommandText(
        "Admin: pengumuman terjadwal", "lihat atau batalkan pengumuman terjadwal"
    ),
    "privasi": CommandText(
        "Pemberitahuan privasi dan persetujuan",
        "pemberitahuan privasi; hentikan pengingat atau pengumuman umum",
    ),
    "dataku": CommandText("Salinan semua data saya", "salinan semua data Bapak/Ibu (PDF dan JSON)"),
    "hapus": CommandText("Hapus data pribadi saya", "hapus data pribadi Bapak/Ibu"),
    "pegawai": CommandText(
        "Admin: data dan akun pegawai",
        "data pegawai: verifikasi, lepas akun, nonaktifkan",
        args="NIP",
    ),
    "admin": CommandText("Superadmin: kelola peran admin", "kelola peran (superadmin)", args="NIP"),
    "audit": CommandText("Superadmin: log audit", "log audit (superadmin)"),
    "tugas": CommandText(
        "Admin: pembelajaran wajib", "tugaskan modul atau jalur belajar, pantau yang terlambat"
    ),
}

HELP = (
    "<b>Sinau Bareng</b> — belajar mandiri ASN Jawa Tengah.\n"
    f"<i>{MOTTO}</i>\n\n"
    "Setiap ASN wajib terus mengembangkan kompetensinya (UU 20/2023 Pasal 49). Bagi PNS, hak "
    "dan kewajiban itu paling sedikit 20 JP per tahun (PP 11/2017 Pasal 203 ayat 4). Bagi PPPK, "
    "PP 49/2018 Pasal 40 ayat 1 mengatur pengembangan kompetensi paling lama 24 JP per tahun masa "
    "perjanjian; target PPPK di sini ({target_pppk} JP) adalah kebijakan instansi.\n\n"
    "Modul dibaca kartu demi kartu, lalu ditutup dengan kuis. Yang tercatat adalah waktu belajar "
    "modul itu, dalam menit (1 JP = {minutes} menit), setelah kartunya dibaca dan kuisnya "
    "lulus. Pelatihan di luar bot dicatat setelah diverifikasi admin.\n\n"
    "<b>Perintah</b>\n"
    "{commands}"
)

HELP_ADMIN = "\n\n<b>Perintah admin</b>\n{commands}"

# --- Address: "Bapak" or "Ibu" where the NIP tells the sex, else both ----------------------
SALUTATIONS = {1: "Bapak", 2: "Ibu", None: "Bapak/Ibu"}

# --- Main menu ---------------------------------------------------------------------------------
MENU = (
    "Selamat datang, <b>{salutation} {name}</b>.\nTahun {year}: <b>{time}</b> dari target "
    "{target} JP.\n\nApa yang ingin dikerjakan hari ini?"
)
BTN_LEARN = "📚 Belajar"
BTN_JP = "📊 JP Saya"
BTN_PROFILE = "👤 Profil"
BTN_HELP = "❓ Bantuan"
BTN_REMINDER = "⏰ Pengingat"
BTN_MENU = "🏠 Menu"
BTN_CERTIFICATES = "🎓 Sertifikat"
BTN_LAPOR = "📝 Lapor pelatihan"
# The one-tap shortcut to the module to learn now (menu, welcome, /belajar).
BTN_SHORTCUT_RESUME = "▶️ Lanjutkan: {title} (kartu {card}/{total})"
BTN_SHORTCUT_QUIZ = "📝 Kuis: {title}"
BTN_SHORTCUT_START = "▶️ Mulai: {title}"

# --- Registration ------------------------------------------------------------------------------
WELCOME = (
    "Selamat datang di <b>Sinau Bareng</b>! 🎓\n"
    f"<i>{MOTTO}</i>\n\n"
    "Di sini Bapak/Ibu dapat belajar modul singkat dan mengumpulkan JP pengembangan kompetensi.\n\n"
    "Sebelum mendaftar, mohon baca pemberitahuan privasi di bawah: apa yang kami simpan, untuk "
    "apa, dan hak Bapak/Ibu. Kami belum meminta data apa pun dari Bapak/Ibu.\n\n"
    "Ketik /batal untuk membatalkan."
)
REG_RESUME = "Pendaftaran Bapak/Ibu belum selesai. Mari lanjutkan."
ASK_NIP = (
    "Kirimkan NIP atau NI PPPK Bapak/Ibu (18 digit), misalnya <code>19860926 201505 1 001</code>."
)
NIP_EMPTY = "NIP atau NI PPPK belum diisi."
NIP_NOT_DIGITS = "NIP atau NI PPPK hanya boleh berisi angka (spasi, titik, dan tanda hubung boleh)."
NIP_WRONG_LENGTH = "NIP atau NI PPPK harus 18 digit, sedangkan yang dikirim {count} digit."
NIP_BAD_BIRTH_DATE = "Digit 1-8 ({value}) bukan tanggal lahir yang valid (format TTTTBBHH)."
NIP_FUTURE_BIRTH_DATE = "Tanggal lahir pada nomor itu (digit 1-8) berada di masa depan."
NIP_BAD_SEX_DIGIT = "Digit ke-15 adalah jenis kelamin dan harus 1 atau 2, bukan {digit}."
NIP_BAD_SEQUENCE = "Tiga digit terakhir (nomor urut) tidak boleh 000."
NIP_BAD_START = "Digit 9-14 NIP ({value}) bukan TMT CPNS yang valid (format TTTTBB)."
NIP_FUTURE_START = "Tanggal pengangkatan pada nomor itu (digit 9-14) berada di masa depan."
NIP_START_BEFORE_BIRTH = "TMT pada NIP (digit 9-14) tidak boleh sebelum tanggal lahir."
NIP_START_TOO_YOUNG = (
    "Aturan usia pengangkatan: menurut nomor itu, pemiliknya diangkat sebelum berusia {age} tahun. "
    "Mohon periksa lagi."
)
NIP_START_TOO_OLD = (
    "Aturan usia pengangkatan: menurut nomor itu, pemiliknya diangkat setelah berusia {age} "
    "tahun, padahal pengangkatan ASN paling tinggi pada usia {age}. Mohon periksa lagi."
)
NIP_TOO_OLD = (
    "Aturan usia pegawai aktif: menurut tanggal lahirnya, pemilik nomor itu sudah berusia {age} "
    "tahun atau lebih. Mohon periksa lagi."
)
NIP_PPPK_TOO_EARLY = (
    "Aturan tahun PPPK: PPPK baru ada sejak PP 49/2018 dan pertama diangkat tahun {year}, "
    "sedangkan NI PPPK itu menyebut tahun pengangkatan sebelumnya. Mohon periksa lagi."
)
NIP_RETRY = "❗ {reason}\n\nSilakan kirim ulang NIP atau NI PPPK Bapak/Ibu."
NIP_TAKEN = (
    "NIP ini sudah terhubung dengan akun Telegram lain. Bila akun itu bukan milik Bapak/Ibu, "
    "atau Bapak/Ibu berganti akun, silakan hubungi admin BPSDMD/BKD instansi."
)
ASK_NAME = (
    "NIP diterima ✅ ({kind}).\n\n"
    "Sekarang tuliskan <b>nama lengkap</b> Bapak/Ibu persis seperti pada SK atau MyASN, "
    "termasuk gelar bila ada. Nama ini dicetak pada e-sertifikat dan transkrip."
)
NAME_INVALID = (
    "Nama harus 2-120 karakter dan berisi huruf (boleh spasi, titik, koma, apostrof, tanda "
    "hubung). Silakan tulis ulang."
)
ASK_OPD = (
    "Pilih <b>instansi (OPD / kabupaten / kota)</b> Bapak/Ibu dari daftar, atau ketik sebagian "
    "namanya untuk mencari (mis. <i>kesehatan</i>, <i>Tegal</i>)."
)
OPD_PAGE = "Halaman {page} dari {pages}"
OPD_SEARCH_RESULT = 'Hasil pencarian "{query}": {count} instansi.'
OPD_NOT_FOUND = (
    'Tidak ada instansi yang cocok dengan "{query}". Coba kata lain, atau pilih dari daftar.'
)
BTN_PREV = "« Sebelumnya"
BTN_NEXT = "Berikutnya »"
BTN_ALL_OPD = "📋 Semua instansi"
CONSENT = (
    "<b>Konfirmasi pendaftaran</b>\n\n"
    "NIP: <code>{nip}</code>\nNama: {name}\nInstansi: {opd}\n\n"
    "Riwayat belajar dan JP Bapak/Ibu dicatat sebagai bagian dari kewajiban pengembangan "
    "kompetensi ASN (lihat /privasi); untuk itu tidak diperlukan persetujuan.\n\n"
    "<b>Pilihan, boleh tidak:</b> bolehkah kami mengirim <b>pengingat belajar</b> dan "
    "<b>pengumuman umum</b>? Bapak/Ibu dapat menghentikannya kapan saja di /privasi."
)
BTN_CONSENT_YES = "✅ Daftar, dengan pengingat"
BTN_CONSENT_QUIET = "✅ Daftar, tanpa pengingat"
BTN_CONSENT_NO = "❌ Batalkan pendaftaran"
CONSENT_DECLINED = (
    "Baik, pendaftaran dibatalkan dan isian Bapak/Ibu sudah kami hapus. Ketik /start bila "
    "ingin mendaftar lagi."
)
REGISTERED_QUIET = (
    "Pengingat belajar dan pengumuman umum tidak dikirim. Bapak/Ibu dapat mengaktifkannya kapan "
    "saja di /privasi atau /pengingat."
)
REGISTERED = "Pendaftaran berhasil! 🎉 Selamat belajar, <b>{salutation} {name}</b>."

# --- Profile ---------------------------------------------------------------------------------
PROFILE = (
    "<b>Profil Bapak/Ibu</b>\n\n"
    "{label}: <code>{nip}</code> ({kind})\n"
    "Nama: {name}\n"
    "Instansi: {opd}\n"
    "Unit kerja: {unit}\n"
    "Jabatan: {jabatan}\n"
    "Golongan: {golongan}\n"
    "Status akun: {status}\n"
    "Terdaftar sejak: {since}"
)
PROFILE_VERIFIED = "✅ terverifikasi"
PROFILE_EDIT_HINT = (
    "Ketuk tombol untuk mengubah data. Perubahan nama atau instansi dikonfirmasi ulang oleh "
    "admin OPD."
)
PROFILE_READONLY = (
    "Nama, instansi, unit kerja, jabatan, dan golongan berasal dari data kepegawaian instansi: "
    "hubungi admin OPD untuk perubahan."
)
PROFILE_LOCKED = "Data ini berasal dari data kepegawaian: hubungi admin OPD untuk perubahan."
NOT_SET = "—"
BTN_EDIT_NAME = "✏️ Nama"
BTN_EDIT_OPD = "✏️ Instansi"
BTN_EDIT_UNIT = "✏️ Unit kerja"
BTN_EDIT_JABATAN = "✏️ Jabatan"
BTN_EDIT_GOLONGAN = "✏️ Golongan"
ASK_EDIT_NAME = (
    "Tuliskan nama lengkap Bapak/Ibu persis seperti pada SK atau MyASN, termasuk gelar bila "
    "ada (nama ini dicetak pada e-sertifikat). Ketik /batal untuk batal."
)
ASK_EDIT_UNIT = "Tuliskan nama unit kerja Bapak/Ibu (2-120 karakter). Ketik /batal untuk batal."
ASK_EDIT_JABATAN = "Tuliskan jabatan Bapak/Ibu (2-120 karakter). Ketik /batal untuk batal."
ASK_EDIT_GOLONGAN = (
    "Tuliskan golongan/ruang Bapak/Ibu, misalnya <code>III/a</code> atau <code>IV/b</code> "
    "(PPPK: <code>IX</code>). Ketik /batal untuk batal."
)
FIELD_INVALID = "Isian harus 2-120 karakter teks. Silakan tulis ulang."
GOLONGAN_INVALID = (
    "Golongan tidak dikenali. Contoh yang benar: <code>II/c</code>, <code>III/a</code>, "
    "<code>IV/e</code>, atau untuk PPPK <code>I</code> sampai <code>XVII</code>."
)
PROFILE_SAVED = "Profil diperbarui ✅"
BTN_BACK_TO_PROFILE = "« Profil"

# --- Learning ----------------------------------------------------------------------------------
CATALOG = "<b>Katalog modul</b> 📚\nPilih kategori kompetensi. Selesai: {done} dari {total} modul."
CATEGORY_NAMES = {
    "teknis": "Teknis",
    "manajerial": "Manajerial",
    "sosial_kultural": "Sosial Kultural",
}
CATEGORY_PAGE = "<b>Kompetensi {category}</b>\nPilih modul:"
CATEGORY_EMPTY = "Belum ada modul dalam kategori ini."
BTN_CATALOG = "« Katalog"
STATUS_NEW = "Belum dimulai"
STATUS_IN_PROGRESS = "Sedang dipelajari (kartu {card} dari {total})"
STATUS_READY_FOR_QUIZ = "Siap kuis"
STATUS_DONE = "Lulus ✅"
ICON_NEW = "🆕"
ICON_IN_PROGRESS = "▶️"
ICON_DONE = "✅"
MODULE_PAGE = (
    "<b>{title}</b>\n"
    "Kompetensi {category} · ⏱ {minutes} menit belajar ({jp} JP)\n\n"
    "{summary}\n\n"
    "Status: {status}\n"
    "Nilai terbaik: {best}\n"
    "Kartu: {cards} · Kuis: {questions} soal per percobaan · Lulus minimal {pass_percent}%\n"
    "{gate}"
    "\n<b>Dasar hukum</b>\n{sources}\n<i>Ditinjau {reviewed}.</i>"
)
MODULE_SOURCE = "• {title}{ref}"
GATE_READ_MORE = "📖 Kuis terbuka setelah membaca kartu sekitar {minutes} menit lagi.\n"
GATE_REREAD = "🔁 Sebelum mencoba lagi, baca ulang kartu {cards}, atau tunggu sampai pukul {at}.\n"
GATE_DAILY = "⏳ Batas {limit} percobaan hari ini sudah tercapai; coba lagi besok.\n"
BTN_START = "▶️ Mulai belajar"
BTN_RESUME = "▶️ Lanjutkan (kartu {card})"
BTN_REREAD = "📖 Baca lagi"
BTN_QUIZ = "📝 Kerjakan kuis"
BTN_QUIZ_LOCKED = "🔒 Kuis (baca ±{minutes} menit lagi)"
BTN_RETAKE = "📝 Ulangi kuis"
CARD = "<b>{module}</b> · Kartu {number}/{total}\n\n{title}{text}"
BTN_BACK = "« Kembali"
BTN_FORWARD = "Lanjut »"
BTN_TO_QUIZ = "📝 Mulai kuis"
BTN_MODULE = "☰ Info modul"
MODULE_NOT_FOUND = "Modul tidak ditemukan. Mungkin sudah dihapus dari katalog."
MODULE_UPDATED = "Modul ini telah diperbarui. Silakan mulai lagi dari halaman modul."
CARD_OUT_OF_RANGE = "Kartu itu tidak ada. Saya tampilkan kartu terakhir yang Bapak/Ibu baca."
READ_CARDS_FIRST = "Selesaikan membaca semua kartu dulu sebelum mengerjakan kuis."
QUIZ_READ_MORE = (
    "Kuis terbuka setelah Bapak/Ibu membaca kartu-kartunya sekitar {minutes} menit lagi. "
    "Yang dicatat adalah waktu belajar yang sungguh dijalani."
)
QUIZ_REREAD = (
    "Sebelum mencoba lagi, baca ulang kartu {cards} (soal yang belum tepat ada di sana), atau "
    "tunggu sampai pukul {at}."
)
QUIZ_DAILY_LIMIT = (
    "Batas {limit} percobaan kuis modul ini untuk hari ini sudah tercapai. Silakan coba lagi "
    "besok, mulai pukul 00.00."
)

# --- Quiz --------------------------------------------------------------------------------------
QUIZ_INTRO = (
    "📝 <b>Kuis: {title}</b>\n"
    "{count} soal · lulus minimal {pass_percent}%.\n"
    "Ketuk satu pilihan pada tiap polling; soal berikutnya muncul setelah Bapak/Ibu menjawab."
)
QUIZ_WAITING = (
    "Kuis <b>{title}</b> sedang berjalan: soal {number} dari {count} menunggu jawaban "
    "Bapak/Ibu pada polling yang dikutip. Ketik /batal untuk menghentikan kuis."
)
QUIZ_QUESTION_PREFIX = "{number}/{count}. "
QUIZ_PASSED = (
    "🎉 <b>Selamat, Bapak/Ibu lulus!</b>\n"
    "Modul: {title}\n"
    "Nilai: <b>{score}</b> ({correct} dari {count} benar)\n"
    "{credit}\n"
    "Tahun {year}: <b>{total}</b> dari target {target} JP"
)
QUIZ_CREDITED = "🎯 <b>+{time}</b> waktu belajar dicatat ke riwayat pengembangan kompetensi."
QUIZ_ALREADY_CREDITED = "Waktu belajar modul ini sudah tercatat sebelumnya; nilai terbaik: {best}."
QUIZ_FAILED = (
    "Nilai <b>{score}</b> ({correct} dari {count} benar), belum mencapai batas lulus "
    "{pass_percent}%.\n\n<b>Yang perlu dipelajari lagi</b>\n{missed}\n\n"
    "Percobaan berikutnya terbuka setelah kartu di bawah dibaca ulang, atau pukul {at}. "
    "Soalnya akan berbeda."
)
QUIZ_MISSED = "❌ {question}\n💡 <i>{explanation}</i>"
QUIZ_MISSED_MORE = "… dan {count} soal lain."
QUIZ_STALE = (
    "Polling itu dari kuis yang sudah selesai atau dihentikan, jadi jawabannya tidak dihitung. "
    "Mulai lagi dari /belajar."
)
QUIZ_ABANDONED = "Kuis <b>{title}</b> dihentikan. Percobaan ini tidak dinilai."
BTN_REREAD_CARD = "📖 Kartu {card}: {title}"
BTN_CERTIFICATE = "🎓 Sertifikat"
BTN_NEXT_MODULE = "▶️ Berikutnya: {title}"
BTN_MY_JP = "📊 JP Saya"
BTN_OTHER_MODULES = "📚 Modul lain"

# --- Hours (JP) ----------------------------------------------------------------------------
JP_SUMMARY = (
    "<b>Rekap JP tahun {year}</b>\n"
    "{bar} {percent}%\n"
    "<b>{total}</b> dari target {target} JP\n"
    "<i>1 JP = {jp_minutes} menit belajar.</i>\n"
    "{remaining}\n\n"
    "<b>Kegiatan tercatat</b>\n{items}"
)
JP_REMAINING = "Kurang <b>{missing}</b> lagi · {days} hari tersisa di tahun ini."
JP_REMAINING_PAST_YEAR = "Kurang {missing} dari target tahun itu."
JP_REACHED = "🎉 Target tahunan sudah tercapai. Terus belajar!"
JP_ITEM = "• {date} — {title} — <b>{time}</b>"
JP_MORE_ITEMS = "… dan {count} kegiatan lainnya: semuanya ada di 📄 Transkrip PDF."
JP_NO_ITEMS = (
    "Belum ada kegiatan. Mulai dari /belajar: setiap modul menyebut lama belajarnya, dan "
    "pelatihan di luar bot dilaporkan dengan /lapor."
)
JP_YEAR_INVALID = "Tahun tidak valid. Contoh: <code>/jp 2025</code>."
BTN_YEAR = "📅 {year}"

MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Mei",
    "Jun",
    "Jul",
    "Agu",
    "Sep",
    "Okt",
    "Nov",
    "Des",
)
WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS_LONG = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

# --- Refusals (``bot.core.errors.Refusal``): answered by the error handler, one sentence each ---
REFUSALS = {
    "admin_only": "Maaf, perintah ini khusus admin. Rekap JP Bapak/Ibu sendiri: /jp.",
    "superadmin_only": "Maaf, perintah ini khusus superadmin.",
    "other_opd": "Admin OPD hanya dapat mengelola instansinya sendiri.",
    "not_reviewer": "Bapak/Ibu tidak berwenang memverifikasi laporan ini.",
    "unverified": (
        "E-sertifikat dan transkrip memuat nama dan NIP Bapak/Ibu, sehingga tersedia setelah "
        "akun Bapak/Ibu diverifikasi admin OPD. Waktu belajar Bapak/Ibu tetap tercatat."
    ),
    "opd_has_admin": (
        "OPD ini memiliki admin: merekalah yang mengonfirmasi pegawainya. Superadmin "
        "mengonfirmasi hanya bila OPD belum memiliki admin."
    ),
    "stale_button": (
        "Tombol ini dari draf lama, jadi tidak ada yang dikirim atau diubah. "
        "Gunakan tombol pada pesan terbaru."
    ),
}
