"""Indonesian texts of the training-hours features: /lapor, verification, certificates,
the complete /jp, /laporan and roster confirmation at registration (HTML, escaped by callers)."""

from __future__ import annotations

# --- /lapor: reporting an outside training ------------------------------------------------
KIND_NAMES = {
    "diklat": "Diklat / pelatihan",
    "webinar": "Webinar",
    "kursus": "Kursus daring (platform lain)",
    "seminar": "Seminar / workshop",
    "lainnya": "Lainnya",
}
LAPOR_INTRO = (
    "<b>Lapor pelatihan eksternal</b>\n"
    "Laporkan diklat, webinar, atau kursus yang Bapak/Ibu ikuti di luar Sinau Bareng. Setelah "
    "diverifikasi admin OPD, JP-nya tercatat. Ketik /batal untuk membatalkan."
)
LAPOR_MINE_TITLE = "<b>Laporan Bapak/Ibu</b>"
LAPOR_MINE_ITEM = "• #{id} {title} — {jp} JP — {status}"
LAPOR_STATUS = {
    "pending": "⏳ menunggu verifikasi",
    "approved": "✅ disetujui",
    "rejected": "❌ ditolak",
    "withdrawn": "↩️ ditarik",
}
ASK_TITLE = (
    "1/8 — Ketik <b>nama pelatihan</b> sesuai sertifikat, contoh: "
    "<code>Webinar Literasi Digital ASN</code>."
)
ASK_ORGANISER = (
    "2/8 — Ketik <b>nama penyelenggara</b> (instansi/lembaga), contoh: "
    "<code>BPSDMD Provinsi Jawa Tengah</code>."
)
ASK_KIND = "3/8 — Pilih <b>jenis</b> kegiatan:"
ASK_START = "4/8 — Ketik <b>tanggal mulai</b>, contoh <code>{example}</code>."
ASK_END = "5/8 — Ketik <b>tanggal selesai</b>, contoh <code>{example}</code>."
ASK_JP = (
    "6/8 — Ketik <b>jumlah JP</b> yang tertera pada sertifikat (mis. <code>8</code> atau "
    "<code>2,5</code>). Paling banyak {max} JP untuk {days} hari."
)
ASK_CERT = (
    "7/8 — Ketik <b>nomor sertifikat</b>, contoh: <code>SRT/2026/001</code>. Bila sertifikatnya "
    "tidak bernomor, ketuk <b>Tidak ada nomor</b>."
)
ASK_FILE = (
    "8/8 — Kirim <b>foto atau PDF sertifikat</b> (JPG, PNG atau PDF, maksimal {mb} MB): ketuk 📎 "
    "lalu pilih foto dari galeri, atau berkas PDF."
)
KIND_CHOSEN = "3/8 — Jenis kegiatan: <b>{kind}</b> ✅"
BTN_NO_CERT_NO = "Tidak ada nomor"
NO_CERT_NO = "(tanpa nomor)"
BTN_CANCEL_REPORT = "✖️ Batalkan laporan"
FILE_KEPT = (
    "📎 Berkas sertifikat disimpan dan akan dilampirkan: langkah berkas nanti tidak ditanyakan "
    "lagi."
)
FILE_PHOTO = "📷 foto"
FILE_DOCUMENT = "📄 {name}"
CONFIRM = (
    "<b>Periksa laporan sebelum dikirim</b>\n\n{summary}\nBerkas: {file}\n\n"
    "Ketuk <b>✅ Kirim</b> bila sudah benar, atau <b>✏️ Ubah</b> untuk memperbaiki satu isian."
)
CONFIRM_CORRECTS = "✏️ Perbaikan laporan #{id}: ubah yang perlu, lalu kirim.\n\n"
CONFIRM_USE_BUTTONS = "Laporan siap dikirim: ketuk ✅ Kirim, atau ✏️ Ubah untuk memperbaiki."
BTN_SEND = "✅ Kirim"
BTN_EDIT_FIELD = {
    "title": "✏️ Ubah nama",
    "organiser": "✏️ Ubah penyelenggara",
    "kind": "✏️ Ubah jenis",
    "dates": "✏️ Ubah tanggal",
    "jp": "✏️ Ubah JP",
    "cert": "✏️ Ubah nomor",
    "file": "✏️ Ubah berkas",
}
DRAFT_OPEN = (
    "Laporan pelatihan Bapak/Ibu belum selesai ({where}). Lanjutkan laporannya, atau buang "
    "isiannya dan buka menu?"
)
DRAFT_AT_STEP = "langkah {step}/8"
DRAFT_AT_SUMMARY = "tinggal dikirim"
BTN_KEEP_DRAFT = "▶️ Lanjutkan laporan"
BTN_DROP_DRAFT = "🗑 Buang, buka menu"
DRAFT_DISCARDED = "Laporan dibuang."
DRAFT_RESUMED = "Laporan yang belum selesai dilanjutkan."
BTN_WITHDRAW = "↩️ Tarik laporan"
BTN_CORRECT = "✏️ Perbaiki dan kirim ulang"
BTN_CORRECT_ONE = "✏️ Perbaiki #{id}"
BTN_WITHDRAW_ONE = "↩️ Tarik #{id}"
BTN_NEW_REPORT = "➕ Laporan baru"
LAPOR_LIST_HINT = "Ketuk <b>➕ Laporan baru</b> untuk melaporkan pelatihan lain."
LAPOR_DRAFT_HINT = (
    "Ada laporan yang belum selesai: ketuk <b>▶️ Lanjutkan laporan</b> untuk meneruskannya."
)
DRAFT_FIRST = "Selesaikan atau batalkan dulu laporan yang sedang diisi."
WITHDRAWN = (
    "↩️ Laporan <b>#{id}</b> ditarik: admin tidak akan memprosesnya. Bapak/Ibu dapat "
    "memperbaikinya dan mengirim lagi.\n\n{summary}"
)
WITHDRAW_TOO_LATE = "Laporan #{id} sudah tidak menunggu: {status}."
NOT_CORRECTABLE = "Hanya laporan yang ditolak atau ditarik yang dapat diperbaiki."
REVIEW_WITHDRAWN = "Laporan #{id} sudah ditarik oleh pegawai: tidak ada yang diputuskan."
PROBLEMS = {
    "empty": "Isian tidak boleh kosong.",
    "too_long": "Terlalu panjang: maksimal {limit} karakter.",
    "bad_date": "Tanggal tidak dikenali. Gunakan format <code>HH-BB-TTTT</code>, mis. 27-11-2026.",
    "future": "Tanggal tidak boleh di masa depan.",
    "too_old": "Tanggal terlalu lama (sebelum tahun {limit}).",
    "end_before_start": "Tanggal selesai tidak boleh sebelum tanggal mulai.",
    "bad_jp": "JP harus berupa angka lebih dari 0, mis. <code>8</code> atau <code>2,5</code>.",
    "jp_too_high": "JP terlalu besar: paling banyak {limit} JP untuk tanggal tersebut.",
    "bad_kind": "Jenis kegiatan tidak dikenal.",
    "file_type": "Jenis berkas tidak diterima. Kirim foto atau dokumen PDF/JPG/PNG.",
    "file_name": (
        "Nama berkas harus berakhiran .pdf, .jpg, .jpeg, atau .png, sesuai jenis berkasnya "
        "(mis. <code>sertifikat.pdf</code>). Berkas dengan akhiran lain, seperti .apk atau "
        ".exe, tidak diterima."
    ),
    "file_content": (
        "Isi berkas tidak sesuai jenisnya: PDF harus berupa dokumen PDF yang sah, dan gambar "
        "harus dapat dibuka. Kirim ulang berkas sertifikat yang asli."
    ),
    "file_too_large": "Berkas terlalu besar: maksimal {limit} MB.",
    "not_registered": "Bapak/Ibu belum terdaftar. Ketik /start untuk mendaftar.",
    "not_correctable": "Hanya laporan yang ditolak atau ditarik yang dapat diperbaiki.",
    "stale": "Langkah ini sudah lewat. Ketik /lapor untuk memulai lagi.",
}
LAPOR_WAIT_FILE = "Silakan kirim foto atau PDF sertifikat, atau /batal."
LAPOR_WAIT_BUTTON = "Silakan pilih dengan mengetuk salah satu tombol di bawah."
LAPOR_SUBMITTED = "✅ Laporan <b>#{id}</b> terkirim dan menunggu verifikasi admin.\n\n{summary}"
LAPOR_NO_REVIEWER = (
    "ℹ️ Belum ada admin lain yang dapat memverifikasi laporan ini: tidak ada yang memutuskan "
    "laporannya sendiri. Laporan tetap menunggu sampai ada admin OPD lain atau superadmin."
)
LAPOR_BY_SUPERADMINS = (
    "ℹ️ Belum ada admin OPD {opd} yang dapat memverifikasi laporan ini, jadi laporan ini "
    "diverifikasi oleh superadmin Sinau Bareng di {sender}. Bapak/Ibu akan diberi tahu hasilnya."
)
LAPOR_DUPLICATE = (
    "⚠️ Nomor sertifikat ini sudah pernah dilaporkan (laporan #{other}). Admin akan memeriksanya."
)
SUMMARY = (
    "<b>{title}</b>\n"
    "Penyelenggara: {organiser}\n"
    "Jenis: {kind}\n"
    "Tanggal: {start} s.d. {end}\n"
    "JP: <b>{jp}</b>\n"
    "No. sertifikat: {cert}"
)

# --- Verification by admins ------------------------------------------------------------------
REVIEW_NEW = "📝 <b>Laporan pelatihan #{id}</b>\nDari: {name} (NIP {nip}), {opd}\n\n{summary}"
REVIEW_DUPLICATE = "\n\n⚠️ Nomor sertifikat sama dengan laporan #{other}."
BTN_APPROVE = "✅ Setujui"
BTN_REJECT = "❌ Tolak"
BTN_OPEN = "#{id} {name}: {title}"
ASK_REASON = "Ketik <b>alasan penolakan</b> laporan #{id} (akan dikirim ke pegawai)."
REVIEW_APPROVED = "✅ Laporan #{id} disetujui; {jp} JP dicatat."
REVIEW_REJECTED = "❌ Laporan #{id} ditolak. Alasan: {reason}"
# The review message keeps the report (who, what, JP) and says what became of it.
REVIEW_WAITING_REASON = (
    "\n\n✍️ Ketik <b>alasan penolakan</b> laporan #{id} (akan dikirim ke pegawai), "
    "atau /batal. Tombol di bawah tetap dapat dipakai."
)
REVIEW_DECIDED_APPROVED = "\n\n✅ <b>Disetujui</b>: {jp} JP dicatat untuk {name}."
REVIEW_DECIDED_REJECTED = "\n\n❌ <b>Ditolak</b>. Alasan: {reason}"
REVIEW_REJECTED_CONTEXT = (
    "❌ Laporan #{id} ditolak: <b>{title}</b> ({jp} JP) dari {name}.\nAlasan: {reason}"
)
REVIEW_FILE_CAPTION = "📎 Sertifikat laporan #{id}: {title}\nDari: {name} (NIP {nip})"
REVIEW_FORBIDDEN = "Bapak/Ibu tidak berwenang memverifikasi laporan ini."
REVIEW_NOT_FOUND = "Laporan tidak ditemukan."
REVIEW_ALREADY = "Laporan #{id} sudah diputuskan oleh {admin}: {status}."
REVIEW_OWN = "Laporan #{id} adalah laporan Bapak/Ibu sendiri: yang memutuskan admin lain."
REVIEW_SOMEONE = "admin lain"
NOTIFY_APPROVED = (
    "✅ Laporan #{id} (<b>{title}</b>) telah <b>disetujui</b>. {jp} JP tercatat. Lihat /jp."
)
NOTIFY_REJECTED = (
    "❌ Laporan #{id} (<b>{title}</b>) <b>ditolak</b>.\nAlasan: {reason}\n"
    "Bapak/Ibu dapat memperbaikinya dari isian yang sama: ketuk tombol di bawah, atau buka "
    "/lapor."
)
QUEUE_TITLE = "<b>Antrean verifikasi</b> ({count} laporan menunggu).{more} Pilih untuk memeriksa:"
QUEUE_EMPTY = "Tidak ada laporan yang menunggu verifikasi."
QUEUE_MORE = " Ditampilkan {shown} laporan terlama; sisanya muncul setelah ini diputuskan."

# --- Certificates -------------------------------------------------------------------------------
CERT_LIST = "<b>Sertifikat</b>\nPilih modul yang sudah lulus untuk mengunduh e-sertifikat:"
CERT_NONE = "Belum ada modul yang lulus. Mulai dari /belajar."
CERT_MORE = (
    "Ditampilkan {shown} sertifikat terbaru dari {total}. Semua modul yang lulus tercantum di "
    "transkrip JP (/jp)."
)
CERT_NOT_PASSED = "Sertifikat hanya tersedia untuk modul yang sudah Bapak/Ibu lulusi."
CERT_CAPTION = "E-sertifikat {number}\nKode verifikasi: <code>{code}</code>"
VERIFY_USAGE = "Ketik kode pada sertifikat, contoh: <code>/verifikasi ABCD-EFGH-JKLM</code>."
VERIFY_GENUINE = (
    "✅ <b>Sertifikat asli</b>\n"
    "Nomor: {number}\nNama: {name}\nNIP: {nip}\nModul: {title}\nKategori: {category}\n"
    "Waktu belajar: {time}\nLulus: {date}"
)
VERIFY_REFUSED = "❌ Kode tidak valid: tidak ada sertifikat atau transkrip asli dengan kode ini."
VERIFY_SUPERSEDED = (
    "⚠️ Sertifikat {number} dengan kode ini <b>digantikan oleh revisi terbaru</b> (revisi "
    "{revision}), yang diterbitkan setelah perbaikan data. Mintalah sertifikat revisi terbaru."
)
VERIFY_REVISION = " (revisi {revision})"
VERIFY_SIGNED = "\nDitandatangani: {name}, {title}"
VERIFY_TRANSCRIPT = (
    "✅ <b>Transkrip asli</b>\n"
    "Nama: {name}\nNIP: {nip}\nTahun: {year}\nKegiatan: {count}\nJumlah: {time}\n"
    "Dicetak: {date}"
)
VERIFY_MALFORMED = "❌ Format kode salah. Kode terdiri dari 12 huruf/angka, mis. ABCD-EFGH-JKLM."

# --- /jp, complete ------------------------------------------------------------------------------
JP_SOURCES = "Modul: <b>{module}</b>\nPelatihan eksternal terverifikasi: <b>{external}</b>"
JP_BY_MONTH = "<b>Per bulan</b>\n{lines}"
JP_BY_CATEGORY = "<b>Per kategori kompetensi</b>\n{lines}"
JP_LINE = "• {label}: {time}"
JP_EXTERNAL_CATEGORY = "Pelatihan eksternal"
BTN_CHART = "📈 Grafik"
BTN_TRANSCRIPT = "📄 Transkrip PDF"
CHART_CAPTION = "JP kumulatif {year} terhadap target {target} JP."
TRANSCRIPT_CAPTION = "Transkrip pengembangan kompetensi {year}."

# --- /laporan -----------------------------------------------------------------------------------
REPORT_OPD = (
    "<b>Laporan {opd}</b> — {year}\n"
    "Pegawai: <b>{employees}</b> · terdaftar {registered} · terverifikasi {verified}\n"
    "Mencapai target: <b>{at_target}</b> ({percent}%)\n"
    "Rata-rata: <b>{average}</b>\n\n{categories}"
)
REPORT_RANKING = "<b>Peringkat OPD {year}</b> (% ASN mencapai target)\n{lines}"
REPORT_RANK_LINE = "{rank}. {opd} — {percent}% ({at_target}/{employees}), rata-rata {average} JP"
REPORT_EMPTY = "Belum ada pegawai terdaftar."
REPORT_REVIEW_DAYS = 30
REPORT_REVIEWERS = (
    "\n\n🔁 <b>Ulasan berkala</b> ({days} hari terakhir): <b>{reviewers}</b> dari {employees} "
    "pegawai mengulas ({percent}%)."
)
REPORT_MISSED = (
    "\n<b>Soal paling sering salah</b> ({days} hari terakhir, kuis dan ulasan):\n{lines}"
)
REPORT_MISSED_LINE = "{rank}. {question} — <i>{module}</i>: {misses} dari {answers} jawaban salah"
REPORT_MISSED_NONE = "\nBelum ada soal yang dijawab salah dalam {days} hari terakhir."
REPORT_COUNTING = (
    "<i>Dihitung: pegawai terverifikasi; akun yang menunggu verifikasi belum masuk hitungan. "
    "Bila data kepegawaian sudah diimpor, pegawai yang belum mendaftar ikut dihitung.</i>"
)
REPORT_RANK_MORE = "… dan {count} OPD lainnya: semuanya ada di 📊 Rekap OPD (XLSX)."
BTN_XLSX = "📊 Pegawai (XLSX)"
BTN_CSV = "📄 Pegawai (CSV)"
BTN_RECAP_XLSX = "📊 Rekap OPD (XLSX)"
BTN_COMPLIANCE = "📈 Grafik kepatuhan"
BTN_SIASN = "🗂 Riwayat kursus (SIASN)"
REPORT_FILE_CAPTION = "{kind}: {what} — {year}"
REPORT_SPLIT_CAPTION = (
    "{kind}: {what} — {year}: {rows} baris, melebihi batas satu lembar Excel (1.048.576 baris) "
    "atau batas satu file Telegram (50 MB), jadi dikirim sebagai CSV dalam ZIP, {parts} bagian. "
    "Ini bagian {part} dari {parts}."
)
REPORT_CHART_PART = "{kind}: {what} — {year}, bagian {part} dari {parts}"
REPORT_BUILDING = "Laporan sedang disiapkan, mohon tunggu…"
REPORT_UNKNOWN_OPD = (
    "Instansi <b>{query}</b> tidak ditemukan. Ketik nama instansi atau sebagian namanya, "
    "misalnya <code>/laporan dinas kesehatan</code> atau "
    "<code>/laporan kabupaten tegal 2026</code>."
)
REPORT_SUGGESTIONS = "Mungkin yang Bapak/Ibu maksud:"
REPORT_CHOOSE_OPD = "Ada {count} instansi yang cocok dengan <b>{query}</b>. Pilih salah satu:"
REPORT_EMPTY_OPD = (
    "<b>Laporan {opd}</b> — {year}\nBelum ada pegawai {opd} yang terdaftar di Sinau Bareng "
    "atau tercantum dalam data kepegawaian, jadi belum ada yang dapat diekspor."
)
REPORT_ALL_NAME = "Seluruh instansi Jawa Tengah"
REPORT_FILE_KINDS = {
    "xlsx": "Pegawai",
    "csv": "Pegawai",
    "siasn": "Riwayat kursus (SIASN)",
    "recap": "Rekap OPD",
    "chart": "Grafik kepatuhan",
}
FILE_COOLDOWN = "Mohon tunggu {seconds} detik sebelum meminta file ini lagi."

# --- Roster at registration -----------------------------------------------------------------
ROSTER_UNKNOWN_REFUSED = (
    "NIP ini tidak terdapat dalam data kepegawaian. Hubungi BKPSDM/BKD atau admin OPD."
)

# --- Transcript header lines (plain text, printed in the PDF) -------------------------------
TRANSCRIPT_JABATAN = "Jabatan"
TRANSCRIPT_UNIT = "Unit kerja"
