"""Indonesian texts of identity binding: verification by phone or by an admin, the attempt
limit, transfers to another account, /pegawai (HTML, escaped by callers)."""

from __future__ import annotations

# --- Registration: verification -----------------------------------------------------------
ASK_CONTACT = (
    "NIP diterima ✅.\n\n"
    "Untuk memastikan nomor ini milik Bapak/Ibu, ketuk tombol <b>📱 Bagikan nomor HP saya</b> "
    "di bawah. Telegram akan mengirim nomor HP akun ini, dan kami mencocokkannya dengan nomor di "
    "data kepegawaian. Data kepegawaian baru ditampilkan setelah cocok."
)
BTN_SHARE_CONTACT = "📱 Bagikan nomor HP saya"
BTN_ADMIN_ROUTE = "🧑‍💼 Verifikasi oleh admin OPD"
CONTACT_NOT_OWN = (
    "Itu bukan kontak Bapak/Ibu sendiri (kontak yang diteruskan atau milik orang lain tidak "
    "diterima). Ketuk tombol <b>📱 Bagikan nomor HP saya</b> di bawah."
)
CONTACT_MISMATCH = (
    "❌ Nomor HP akun Telegram ini tidak cocok dengan nomor di data kepegawaian untuk NIP itu."
)
CONTACT_MISMATCH_ADMIN = (
    " Bila nomor Bapak/Ibu sudah berganti, ketuk <b>Verifikasi oleh admin OPD</b>: admin akan "
    "memeriksa dan mengonfirmasi akun Bapak/Ibu."
)
CONTACT_MISMATCH_END = " Hubungi admin OPD untuk memperbarui nomor HP di data kepegawaian."
CONTACT_VERIFIED = "✅ Nomor HP cocok. Akun Bapak/Ibu terverifikasi."
CONTACT_WAIT = "Ketuk tombol <b>📱 Bagikan nomor HP saya</b> di bawah, atau /batal."
NO_PHONE = (
    "NIP ini belum memiliki nomor HP di data kepegawaian, sehingga belum dapat diverifikasi. "
    "Hubungi admin OPD atau BKPSDM/BKD instansi Bapak/Ibu."
)
DEACTIVATED = "NIP ini dinonaktifkan oleh admin. Bila Bapak/Ibu masih bertugas, hubungi admin OPD."
LIMITED = (
    "Terlalu banyak percobaan NIP yang tidak dikenal atau milik orang lain. Demi keamanan, "
    "silakan coba lagi setelah pukul {at}."
)
PENDING_NOTE = (
    "⏳ Akun Bapak/Ibu <b>menunggu verifikasi</b> admin OPD. Bapak/Ibu sudah dapat belajar dan "
    "waktu belajarnya tercatat; JP dihitung dalam laporan resmi setelah diverifikasi."
)
REGISTERED_PENDING = "Pendaftaran tercatat 🎉, <b>{salutation} {name}</b>.\n\n" + PENDING_NOTE
PENDING_SHORT = "⏳ menunggu verifikasi"
INSTANSI_HIDDEN = "sesuai data kepegawaian (ditampilkan setelah verifikasi)"

# --- Transfers (a NIP bound to another account) ---------------------------------------------
TAKEN = (
    "NIP ini sudah terhubung dengan akun Telegram lain. Bila itu memang NIP Bapak/Ibu (misalnya "
    "karena berganti HP atau akun), ajukan pemindahan: admin OPD akan memeriksanya. Jam "
    "pelajaran tetap milik pegawai, bukan milik akun."
)
BTN_TRANSFER = "🔁 Ajukan pemindahan akun"
ASK_TRANSFER_NAME = (
    "Tuliskan <b>nama lengkap</b> Bapak/Ibu persis seperti pada SK atau MyASN untuk permintaan "
    "pemindahan (admin akan mencocokkannya)."
)
REQUEST_FILED = (
    "📨 Permintaan #{id} terkirim ke admin OPD. Bapak/Ibu akan diberi tahu hasilnya. Sampai "
    "disetujui, akun ini belum terhubung dengan NIP tersebut."
)
REQUEST_FILED_NO_REVIEWER = (
    "📨 Permintaan #{id} tercatat, tetapi belum ada admin yang dapat memeriksanya. Hubungi "
    "BKPSDM/BKD instansi Bapak/Ibu."
)
REQUEST_WAITING = (
    "⏳ Permintaan #{id} masih menunggu keputusan admin OPD. Bapak/Ibu akan diberi tahu hasilnya."
)

# --- Notices -------------------------------------------------------------------------------
REVIEW_VERIFY = (
    "🪪 <b>Verifikasi akun #{id}</b>\n"
    "NIP: <code>{nip}</code> ({kind})\n"
    "Nama yang diketik: <b>{typed}</b>\n"
    "Akun Telegram: {tg_name}{tg_username} (id <code>{tg_id}</code>)\n"
    "Data kepegawaian: {roster}\n\n"
    "Apakah akun ini benar pegawai tersebut?"
)
REVIEW_TRANSFER = (
    "🔁 <b>Permintaan pindah akun #{id}</b>\n"
    "NIP: <code>{nip}</code> ({kind})\n"
    "Nama yang diketik: <b>{typed}</b>\n"
    "Akun Telegram baru: {tg_name}{tg_username} (id <code>{tg_id}</code>)\n"
    "Terhubung sekarang dengan akun: {old}\n"
    "Data kepegawaian: {roster}\n\n"
    "Jam pelajaran tetap milik pegawai. Setujui pemindahan?"
)
ROSTER_LINE = "{name}, {opd}"
ROSTER_NONE = "NIP tidak ada dalam data kepegawaian"
OLD_NONE = "tidak ada (sudah dilepas)"
BTN_CONFIRM = "✅ Konfirmasi"
BTN_REFUSE = "❌ Tolak"
NOTIFY_VERIFIED = (
    "✅ Akun Bapak/Ibu telah <b>diverifikasi</b> oleh admin OPD. JP Bapak/Ibu kini dihitung "
    "dalam laporan resmi. Lihat /profil."
)
NOTIFY_VERIFY_REFUSED = (
    "❌ Admin OPD <b>menolak</b> verifikasi akun Bapak/Ibu untuk NIP <code>{nip}</code>.\n"
    "Alasan: {reason}\n"
    "Akun ini tidak lagi terhubung dengan NIP tersebut. Bila ini keliru, hubungi admin OPD."
)
NOTIFY_TRANSFER_APPROVED = (
    "✅ Pemindahan disetujui: akun ini kini terhubung dengan NIP <code>{nip}</code>. Riwayat "
    "belajar dan JP Bapak/Ibu tetap utuh. Ketik /start."
)
NOTIFY_TRANSFER_REFUSED = (
    "❌ Permintaan pemindahan akun untuk NIP <code>{nip}</code> <b>ditolak</b>.\nAlasan: {reason}"
)
NOTIFY_UNBOUND = (
    "⚠️ Akun Telegram ini <b>tidak lagi terhubung</b> dengan NIP <code>{nip}</code> ({why}). "
    "Riwayat belajarnya tetap tersimpan pada pegawai tersebut. Bila ini keliru, hubungi admin "
    "OPD."
)
WHY_TRANSFER = "dipindahkan ke akun lain atas persetujuan admin"
WHY_UNBIND = "dilepas oleh admin"
WHY_DEACTIVATED = "pegawai dinonaktifkan oleh admin"

# --- Deciding (admins) ----------------------------------------------------------------------
ASK_REFUSE_REASON = "Ketik <b>alasan penolakan</b> permintaan #{id} (akan dikirim ke pemohon)."
DECIDED_APPROVED = "✅ Permintaan #{id} dikonfirmasi: {name}."
DECIDED_REFUSED = "❌ Permintaan #{id} ditolak. Alasan: {reason}"
ALREADY = "Permintaan #{id} sudah diputuskan oleh {admin}."
SOMEONE = "admin lain"
STALE = "Permintaan #{id} tidak berlaku lagi: akunnya berubah sementara itu."
NOT_FOUND = "Permintaan tidak ditemukan."
OWN = "Permintaan #{id} adalah permintaan Bapak/Ibu sendiri: yang memutuskan admin lain."
QUEUE_TITLE = "<b>Verifikasi akun</b> ({count} menunggu). Pilih untuk memeriksa:"
BTN_OPEN = "#{id} {name} ({kind})"
KIND_NAMES = {"verify": "verifikasi", "transfer": "pindah akun"}

# --- /pegawai -------------------------------------------------------------------------------
PEGAWAI_USAGE = (
    "<b>Data pegawai</b>\nKetik <code>/pegawai NIP</code>, misalnya "
    "<code>/pegawai 198609262015051001</code>."
)
PEGAWAI_BAD_NIP = "NIP atau NI PPPK tidak valid: {reason}"
PEGAWAI_UNKNOWN = "Tidak ada pegawai dengan NIP <code>{nip}</code> di bot ini."
PEGAWAI_CARD = (
    "<b>{name}</b>\n"
    "NIP: <code>{nip}</code> ({kind})\n"
    "Instansi: {opd}\n"
    "Status: {status}\n"
    "Akun Telegram: {account}\n"
    "Terdaftar sejak: {since}"
)
STATUS_VERIFIED = "✅ terverifikasi ({via}, {when})"
STATUS_PENDING = "⏳ menunggu verifikasi"
STATUS_UNBOUND = "tidak terhubung dengan akun Telegram"
STATUS_DEACTIVATED = "⛔ dinonaktifkan ({when})"
VIA = {"phone": "nomor HP", "admin": "admin", "operator": "operator"}
ACCOUNT_NONE = "—"
BTN_VERIFY = "✅ Verifikasi"
BTN_UNBIND = "🔓 Lepas akun"
BTN_DEACTIVATE = "⛔ Nonaktifkan"
BTN_REACTIVATE = "♻️ Aktifkan kembali"
PEGAWAI_DONE = {
    "verified": "✅ {name} terverifikasi.",
    "unbound": "🔓 Akun Telegram {name} dilepas. Jam pelajarannya tetap pada pegawai.",
    "deactivated": "⛔ {name} dinonaktifkan; akunnya dilepas dan tidak dihitung dalam laporan.",
    "reactivated": "♻️ {name} aktif kembali; ia dapat mendaftar lagi dengan NIP-nya.",
}
PEGAWAI_STALE = "Data pegawai itu sudah berubah. Ketik /pegawai NIP lagi."
MENU_PENDING = "⏳ Akun Bapak/Ibu <b>menunggu verifikasi</b> admin OPD (lihat /profil)."
