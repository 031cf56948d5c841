"""Indonesian texts of the admin side: roles, the audit log, announcements."""

from __future__ import annotations

# --- Roles (/admin) ----------------------------------------------------------------------------
ROLE_NAMES = {"superadmin": "Superadmin", "opd_admin": "Admin OPD", None: "Pegawai (tanpa peran)"}
ADMIN_USAGE = (
    "<b>Kelola peran admin</b>\nKetik <code>/admin NIP</code>, misalnya "
    "<code>/admin 198609262015051001</code>, lalu pilih peran untuk pegawai tersebut."
)
ADMIN_BAD_NIP = "NIP tidak valid: {reason}"
ADMIN_UNKNOWN = "Tidak ada pegawai terdaftar dengan NIP <code>{nip}</code>."
ADMIN_TARGET = (
    "<b>{name}</b>\nNIP <code>{nip}</code>\nInstansi: {opd}\nPeran saat ini: <b>{role}</b>\n\n"
    "Pilih peran baru:"
)
ADMIN_TARGET_CONFIGURED = (
    "<b>{name}</b>\nNIP <code>{nip}</code>\nInstansi: {opd}\n"
    "Peran saat ini: <b>Superadmin</b> (dari konfigurasi server)\n\n"
    "Peran ini ditetapkan oleh operator server (<code>SINAU_ADMIN_IDS</code>), jadi tidak "
    "dapat diubah lewat /admin."
)
BTN_MAKE_SUPERADMIN = "⭐ Jadikan superadmin"
BTN_MAKE_OPD_ADMIN = "🏢 Jadikan admin OPD"
BTN_REVOKE = "🚫 Cabut peran"
BTN_CANCEL = "Batal"
ROLE_SAVED = "Peran <b>{name}</b> sekarang: <b>{role}</b> ✅"
ROLE_SELF = "Bapak/Ibu tidak dapat mencabut peran superadmin sendiri."
ROLE_UNVERIFIED = (
    "Peran admin hanya diberikan kepada pegawai yang akunnya sudah terverifikasi. "
    "Verifikasi dulu lewat /pegawai."
)
ROLE_SCHEDULES_CANCELLED = "Pengumuman terjadwalnya ({ids}) dibatalkan."
SCHEDULES_CANCELLED_ROLE = (
    "🛑 Pengumuman terjadwal {ids} dari <b>{name}</b> dibatalkan karena perannya sebagai admin "
    "dicabut atau diubah. Pengumuman itu tidak akan terkirim."
)
APPOINTED = (
    "🎖 Bapak/Ibu sekarang <b>{role}</b>{scope}.\n\nPerintah yang kini dapat Bapak/Ibu "
    "gunakan:\n{commands}\n\nMenu perintah Telegram Bapak/Ibu sudah diperbarui."
)
APPOINTED_SCOPE = " untuk {opd}"
REVOKED = (
    "Peran admin Bapak/Ibu dicabut. Bapak/Ibu tetap dapat belajar dan memakai perintah "
    "pegawai:\n{commands}"
)
ROLE_CANCELLED = "Tidak ada perubahan peran."

# --- /audit ------------------------------------------------------------------------------------
AUDIT_TITLE = "<b>Log audit</b> (terbaru dulu, waktu {zone})"
AUDIT_ITEM = "• <b>{when}</b> — <b>{who}</b> ({role}) {what}"
AUDIT_FILTERED = "Hanya: {what}"
AUDIT_NO_MATCH = "Tidak ada entri dengan filter ini."
BTN_AUDIT_BY_ADMIN = "👤 Saring per admin"
BTN_AUDIT_BY_KIND = "🗂 Saring per tindakan"
BTN_AUDIT_ALL = "✖️ Tanpa filter"
BTN_AUDIT_CSV = "📄 Seluruh log (CSV)"
AUDIT_PICK_ADMIN = "Tampilkan tindakan siapa? (yang paling sering tercatat)"
AUDIT_PICK_KIND = "Tampilkan tindakan apa?"
AUDIT_CSV_CAPTION = "Log audit lengkap Sinau Bareng, {count} entri (waktu {zone})."
AUDIT_CSV_HEADERS = {
    "when": "Waktu",
    "who": "Oleh",
    "role": "Peran",
    "what": "Tindakan",
    "action": "Kode tindakan",
    "params": "Data asli (JSON)",
}
AUDIT_KINDS = {
    "training": "Verifikasi laporan pelatihan",
    "role": "Peran admin",
    "broadcast": "Pengumuman",
    "identity": "Verifikasi dan pemindahan akun",
    "employee": "Data pegawai (/pegawai)",
    "privacy": "Data pribadi (/dataku, /hapus)",
    "registration": "Pendaftaran gagal",
    "view": "Data pribadi yang dibuka atau diekspor",
}
AUDIT_OPERATOR = "Operator server"
AUDIT_CONFIGURED = "Superadmin dari konfigurasi"
AUDIT_UNREGISTERED = "Pengguna belum terdaftar"
AUDIT_ERASED = "pegawai yang datanya telah dihapus"
AUDIT_ROLE_EMPLOYEE = "Pegawai"
AUDIT_ROLE_OPD_ADMIN = "Admin OPD {opd}"
AUDIT_ROLE_SYSTEM = "sistem"
AUDIT_ROLE_NONE = "tanpa akun"
AUDIT_PROVINCE = "seluruh instansi"
AUDIT_REPORT = "laporan pelatihan #{id} ({title}, {jp} JP) milik {owner}"
AUDIT_REPORT_GONE = "laporan pelatihan #{id} ({jp} JP)"
AUDIT_PERSON = "{name} (NIP {nip})"
AUDIT_REGISTRATION_REASONS = {
    "taken": "NIP sudah dipakai akun lain",
    "unknown": "NIP tidak ada dalam data kepegawaian",
    "phone": "nomor HP tidak cocok",
    "contact": "kontak bukan milik pengirim",
}
AUDIT_ERASED_BY = {"self": "atas permintaannya sendiri", "operator": "oleh operator server"}
# One Indonesian sentence per action: {who} did this. Fields are words already (names, JP,
# agencies, dates in WIB); an action without a sentence is told by its code and its details.
AUDIT_ACTIONS = {
    "training.approve": "menyetujui {report}",
    "training.reject": "menolak {report}",
    "role.grant": "menjadikan {employee} {role_name}",
    "role.revoke": "mencabut peran admin {employee}",
    "broadcast.send": "mengirim pengumuman #{broadcast_id} kepada {recipients} pegawai",
    "broadcast.schedule": "menjadwalkan pengumuman #{broadcast_id} pada {scheduled_at}",
    "broadcast.cancel": "membatalkan pengumuman terjadwal #{broadcast_id}",
    "broadcast.start": "memulai pengumuman terjadwal #{broadcast_id} kepada {recipients} pegawai",
    "broadcast.done": "menyelesaikan pengumuman #{broadcast_id}: {counts}",
    "broadcast.cancel_role": (
        "membatalkan pengumuman terjadwal {broadcasts} karena peran pembuatnya dicabut"
    ),
    "registration.failed": "gagal mendaftar dengan NIP {nip}: {reason}",
    "registration.limited": "dibatasi sementara setelah terlalu banyak percobaan (NIP {nip})",
    "identity.bind_phone": "terverifikasi lewat nomor HP sebagai {person}",
    "identity.request_verify": "meminta verifikasi akun sebagai {person}",
    "identity.request_transfer": "meminta pemindahan akun {person} ke Telegram-nya",
    "identity.verify_approved": "mengonfirmasi akun {person}",
    "identity.verify_refused": "menolak akun {person}",
    "identity.transfer_approved": "menyetujui pemindahan akun {person}",
    "identity.transfer_refused": "menolak pemindahan akun {person}",
    "employee.view": "membuka data {person} (/pegawai)",
    "employee.verified": "memverifikasi {person}",
    "employee.unbound": "melepas akun Telegram {person}",
    "employee.deactivated": "menonaktifkan {person}",
    "employee.reactivated": "mengaktifkan kembali {person}",
    "privacy.export": "mengunduh salinan datanya sendiri (/dataku)",
    "privacy.erase": (
        "menghapus data {employee} {by}; {retained_records} catatan JP disimpan sampai {keep_until}"
    ),
    "view.training_queue": "membuka antrean /lapor yang memuat {employee}",
    "view.training_report": "membuka {report} untuk diverifikasi",
    "view.export.xlsx": "mengekspor daftar pegawai {scope} (XLSX)",
    "view.export.csv": "mengekspor daftar pegawai {scope} (CSV)",
    "view.export.siasn": "mengekspor riwayat kursus {scope} untuk SIASN",
    "view.role_lookup": "mencari {employee} untuk pengaturan peran admin",
    "view.broadcast_failures": (
        "mengunduh daftar penerima gagal pengumuman #{broadcast_id} yang memuat {employee}"
    ),
    "view.audit_export": "mengekspor seluruh log audit (CSV)",
}
AUDIT_UNKNOWN_ACTION = "{action}: {details}"
AUDIT_COUNT_NAMES = {
    "sent": "terkirim",
    "failed": "gagal",
    "blocked": "diblokir",
    "unknown": "tidak pasti",
    "skipped": "dilewati",
    "waiting": "menunggu",
}
AUDIT_EMPTY = "Log audit masih kosong."
AUDIT_END = "Tidak ada entri yang lebih lama."
AUDIT_MORE = "… entri yang lebih lama: tombol di bawah."
BTN_AUDIT_OLDER = "« Lebih lama"
PAGE_OF = "(halaman {page} dari {pages})"

# --- /umumkan ----------------------------------------------------------------------------------
# The first line of every announcement: who sends it (official), then a blank line.
SENDER_LINE = "📣 <i>Dari {role} · {agency}</i>\n\n"
SENDER_OPD_ROLE = "Admin OPD"
ASK_CONTENT = (
    "<b>Pengumuman baru</b> 📣\n"
    "Kirim teks pengumuman. Format Telegram (tebal, miring, tautan) ikut terkirim. "
    "Boleh juga kirim foto atau dokumen dengan keterangan (maks. 1024 karakter).\n"
    "Ketik /batal untuk batal."
)
CONTENT_EMPTY = "Pengumuman perlu teks. Kirim teks, atau foto/dokumen dengan keterangan."
CONTENT_TOO_LONG = "Teks terlalu panjang: maksimal {limit} karakter{media}. Silakan kirim ulang."
CONTENT_MEDIA_NOTE = " untuk keterangan foto/dokumen"
CONTENT_NOT_SUPPORTED = "Jenis pesan ini tidak didukung. Kirim teks, foto, atau dokumen."
CONTENT_FORMAT_UNSUPPORTED = (
    "Format pada pesan ini tidak dapat diteruskan ke penerima. Kirim ulang tanpa format "
    "tersebut (tebal, miring, tautan, spoiler, dan kutipan dapat dipakai)."
)
ASK_BUTTON = "Tambahkan tombol di bawah pengumuman?"
BTN_NO_BUTTON = "Tanpa tombol"
BTN_MODULE_BUTTON = "📚 Tombol buka modul"
BTN_URL_BUTTON = "🔗 Tombol tautan"
ASK_BUTTON_MODULE = "Pilih modul yang dibuka tombol:"
ASK_URL = (
    "Ketik label dan tautan dipisah tanda |, misalnya:\n"
    "<code>Daftar webinar | https://bpsdmd.jatengprov.go.id</code>"
)
URL_INVALID = (
    "Format tidak sesuai. Contoh: <code>Daftar webinar | https://contoh.go.id</code> "
    "(label maks. 40 karakter, tautan diawali https://)."
)
AUDIENCE = (
    "<b>Penerima</b>\n{summary}\n\nJumlah penerima saat ini: <b>{count}</b> pegawai aktif.\n"
    "Ketuk untuk mengubah filter (filter digabung: semua harus terpenuhi)."
)
AUDIENCE_EVERYONE = "Semua pegawai aktif"
AUDIENCE_OPD = "Instansi: {opd}"
AUDIENCE_ALL_OPD = "Semua instansi"
AUDIENCE_BELOW = "JP tahun ini di bawah target"
AUDIENCE_INACTIVE = "Tidak aktif belajar ≥ {days} hari"
AUDIENCE_NOT_DONE = "Belum menyelesaikan modul: {title}"
BTN_AUD_OPD = "🏢 Instansi"
BTN_AUD_BELOW = "{mark} Di bawah target JP"
BTN_AUD_INACTIVE = "{mark} Tidak aktif {days} hari"
BTN_AUD_MODULE = "📚 Belum selesai modul…"
BTN_AUD_REQUIRED = "{mark} Wajib (kedinasan)"
AUDIENCE_OPTIONAL = "Pengumuman umum: tidak dikirim kepada yang menghentikannya di /privasi"
AUDIENCE_REQUIRED = "Wajib (kedinasan): dikirim juga kepada yang menghentikan pengumuman umum"
BTN_PREVIEW = "👀 Pratinjau »"
ASK_OPD = "Pilih instansi penerima, atau ketik sebagian namanya (misalnya <code>dinkes</code>):"
AUDIENCE_TYPE_OPD = "Untuk satu instansi: ketik sebagian namanya, misalnya <code>kab tegal</code>."
OPD_FOUND = "Instansi yang cocok dengan <b>{query}</b> ({count}). Pilih penerima:"
OPD_NOT_FOUND = "Instansi <b>{query}</b> tidak ditemukan."
OPD_SUGGESTED = "Mungkin yang dimaksud:"
OPD_NOT_FOUND_HINT = (
    "Ketik sebagian nama instansi (misalnya <code>dinkes</code>), atau gunakan tombol di atas."
)
BTN_ALL_OPD = "Semua instansi"
ASK_MODULE_FILTER = "Kirim ke yang belum menyelesaikan modul:"
PREVIEW_FAILED = (
    "Pratinjau tidak dapat dikirim, jadi pengumuman ini juga akan gagal bagi penerima: {error}"
)
PREVIEW_NOBODY = "Tidak ada penerima dengan filter ini. Ubah filter penerima."
BTN_SEND_NOW = "✅ Kirim sekarang"
BTN_SEND_NOW_COUNT = "✅ Kirim sekarang ({count})"
BTN_SCHEDULE = "🗓 Jadwalkan"
BTN_EDIT_AUDIENCE = "« Ubah penerima"
BTN_DISCARD = "❌ Batalkan"
ASK_SCHEDULE = (
    "Ketik tanggal dan jam kirim ({zone}), format <code>HH/BB/TTTT JJ:MM</code>, "
    "misalnya <code>{example}</code>."
)
SCHEDULE_INVALID = "Format tanggal tidak dikenali. Contoh: <code>{example}</code>."
SCHEDULE_PAST = "Waktu itu sudah lewat. Pilih waktu di masa depan."
SCHEDULE_TOO_FAR = "Penjadwalan paling lama 90 hari ke depan."
DRAFT_STALE = "Draf pengumuman ini sudah tidak berlaku. Mulai lagi dengan /umumkan."
DRAFT_DISCARDED = "Draf pengumuman dibatalkan."
SCHEDULED = "🗓 Pengumuman #{id} dijadwalkan pada {when}. Lihat atau batalkan lewat /terjadwal."
STATUS = (
    "📣 <b>Pengumuman #{id}</b> — {state}\n{bar} {percent}%\n"
    "Terkirim: {sent} · Gagal: {failed} · Diblokir: {blocked} · Tidak pasti: {unknown} · "
    "Menunggu: {waiting} · Total: {total}"
)
STATE_SENDING = "sedang dikirim"
# The counts add up to the recipients; "tidak pasti": the request may have reached Telegram
# (the process stopped, or no answer came), so it is never sent again.
FINAL_REPORT = (
    "✅ <b>Laporan pengumuman #{id}</b>\nPenerima: {total}\nTerkirim: {sent}\nGagal: {failed}\n"
    "Diblokir: {blocked}\nTidak pasti (proses terhenti atau tanpa jawaban, mungkin terkirim): "
    "{unknown}"
)
FINAL_SKIPPED = "\nDilewati (penerima atau pengumuman tidak ada lagi): {skipped}"
BTN_FAILURES_CSV = "📄 CSV gagal, diblokir, dan tidak pasti"
NO_FAILURES = "Tidak ada penerima yang gagal, memblokir bot, atau tidak pasti."
FAILURES_CAPTION = "Penerima gagal/diblokir/tidak pasti, pengumuman #{id}"
DELIVERY_STATUS = {
    "failed": "gagal",
    "blocked": "diblokir",
    "unknown": "tidak pasti (mungkin terkirim)",
    "skipped": "dilewati",
}
SCHEDULED_LIST = "<b>Pengumuman terjadwal</b>"
SCHEDULED_ITEM = "#{id} — {when} — {preview}"
SCHEDULED_EMPTY = "Tidak ada pengumuman terjadwal."
BTN_CANCEL_SCHEDULED = "Batalkan #{id}"
SCHEDULED_CANCELLED = "Pengumuman #{id} dibatalkan."
SCHEDULED_GONE = "Pengumuman itu sudah tidak terjadwal."
