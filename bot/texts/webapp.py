"""Indonesian texts of the Mini App dashboard (``/app/``): its buttons in the chat, the API's
error messages, and every label the page shows (the page reads them from the server; its
JavaScript holds no user-facing text). Plain text: the page escapes everything it shows."""

from __future__ import annotations

# --- Buttons in the chat ----------------------------------------------------------------------
BTN_DASHBOARD = "📊 Buka dasbor"
BTN_MY_DASHBOARD = "📊 Buka dasbor JP saya"
MENU_BUTTON = "Dasbor"

# --- API errors (shown by the page as they are) ----------------------------------------------
ERRORS = {
    "unauthorized": (
        "Sesi dasbor tidak sah atau sudah kedaluwarsa. Mohon Bapak/Ibu tutup dasbor lalu buka "
        "kembali dari tombol di chat bot."
    ),
    "not_registered": (
        "Bapak/Ibu belum terdaftar di Sinau Bareng. Silakan daftar dulu dengan /start di chat bot."
    ),
    "bad_request": "Permintaan tidak valid. Mohon muat ulang dasbor.",
    "not_found": "Data yang Bapak/Ibu cari tidak ditemukan.",
    "rate_limited": "Terlalu banyak permintaan. Mohon tunggu sebentar lalu coba lagi.",
    "unavailable": (
        "Layanan sedang terganggu (basis data tidak dapat dihubungi). Mohon coba lagi beberapa "
        "menit lagi."
    ),
}

ALREADY_DECIDED = "Laporan ini sudah diputuskan oleh {name}."
ALREADY_DECIDED_ACCOUNT = "Permintaan verifikasi ini sudah diputuskan oleh {name}."
STALE_ACCOUNT = "Permintaan ini sudah tidak berlaku: akun NIP tersebut berubah sejak diajukan."

# --- Labels of the page -------------------------------------------------------------------------
LABELS = {
    "title": "Dasbor Sinau Bareng",
    "loading": "Memuat…",
    "retry": "Coba lagi",
    "back": "‹ Kembali",
    "province": "Provinsi Jawa Tengah",
    "year": "Tahun",
    "search_opd": "Cari nama instansi…",
    "search_employee": "Cari nama atau NIP…",
    "all_statuses": "Semua status",
    "col_opd": "Instansi",
    "col_employees": "Pegawai",
    "col_registered": "Terdaftar",
    "col_verified": "Terverifikasi",
    "col_at_target": "Capai target",
    "col_share": "% capai",
    "col_jp": "Total JP",
    "col_name": "Nama",
    "col_nip": "NIP",
    "col_status": "Status",
    "distribution": "Sebaran % pegawai mencapai target",
    "as_of": "Angka per {time} (diperbarui tiap menit).",
    "summary_employees": "Pegawai",
    "summary_at_target": "Mencapai target",
    "summary_behind": "Belum mencapai",
    "summary_jp": "Total JP",
    "missed": "Soal paling sering salah (30 hari)",
    "missed_none": "Belum ada soal yang salah dijawab dalam 30 hari terakhir.",
    "shown_of": "Menampilkan {shown} dari {total}",
    "more": "Tampilkan lebih banyak",
    "empty": "Belum ada data.",
    "my_jp": "JP saya tahun {year}",
    "jp_year": "JP tahun {year}",
    "target": "Target {target}",
    "reached": "Target tercapai. Terima kasih, Bapak/Ibu!",
    "reached_other": "Target tahun ini tercapai.",
    "remaining": "Kurang {missing}",
    "by_month": "Per bulan",
    "by_source": "Per sumber",
    "source_module": "Modul Sinau Bareng",
    "source_external": "Pelatihan eksternal terverifikasi",
    "activities": "Kegiatan yang tercatat",
    "no_activities": "Belum ada kegiatan yang tercatat tahun ini.",
    "pending_note": (
        "Akun Bapak/Ibu menunggu verifikasi: menit tercatat, tetapi belum masuk rekap resmi."
    ),
    "ledger": "Riwayat JP dan buktinya",
    "evidence_score": "skor {score}",
    "evidence_attempts": "{attempts} percobaan",
    "evidence_time": "{minutes} menit membaca",
    "certificate": "Sertifikat",
    "certificates": "Sertifikat saya",
    "no_certificates": "Belum ada sertifikat. Sertifikat modul dapat diminta dengan /sertifikat.",
    "verify": "Periksa keaslian",
    "queue": "Antrean verifikasi",
    "queue_empty": "Tidak ada akun atau laporan pelatihan yang menunggu verifikasi.",
    "accounts": "Akun menunggu verifikasi",
    "reports": "Laporan pelatihan eksternal",
    "account_verify": "verifikasi akun baru",
    "account_transfer": "pindah akun Telegram",
    "account_approved": "Akun dikonfirmasi; pegawai diberi tahu.",
    "account_refused": "Ditolak; pegawai diberi tahu alasannya.",
    "approve": "Setujui",
    "reject": "Tolak",
    "reject_reason": "Alasan penolakan…",
    "approved": "Disetujui; JP tercatat.",
    "rejected": "Ditolak; pegawai diberi tahu alasannya.",
    "months": "Jan Feb Mar Apr Mei Jun Jul Agu Sep Okt Nov Des",
}
# The state of an employee in an agency's list, as the chat's export names it.
STATES = {
    "reached": "Mencapai target",
    "missing": "Belum mencapai",
    "pending": "Menunggu verifikasi",
    "unregistered": "Belum terdaftar",
}

# --- "Send to my chat" and the certificates in the queue -----------------------------------------
EXPORT_QUEUED = (
    "File sedang disiapkan dan akan dikirim bot ke chat Bapak/Ibu sebagai dokumen. Untuk data "
    "besar, file dikirim dalam beberapa bagian."
)
EXPORT_FAILED = "Maaf, file laporan gagal dibuat. Mohon coba lagi beberapa menit lagi."
ERRORS["no_sender"] = (
    "Pengiriman file ke chat sedang tidak tersedia. Mohon gunakan tombol unduhan di /laporan."
)
ERRORS["file_unavailable"] = (
    "File sertifikat tidak dapat diambil dari Telegram saat ini. Mohon buka laporan ini di chat "
    "bot atau coba lagi nanti."
)
LABELS.update(
    {
        "exports": "Kirim ke chat saya",
        "export_xlsx": "📄 Pegawai (XLSX)",
        "export_csv": "📄 Pegawai (CSV)",
        "export_siasn": "📄 Riwayat kursus SIASN (XLSX)",
        "export_recap": "📄 Rekap OPD (XLSX)",
        "show_certificate": "Lihat sertifikat",
        "hide_certificate": "Tutup sertifikat",
        "certificate_file": "Sertifikat yang diunggah",
        "download_file": "Unduh file",
    }
)

# --- The trend, required learning and paths ----------------------------------------------
LABELS.update(
    {
        "trend": "JP per bulan tahun {year}",
        "col_compliance": "% tugas",
        "compliance_of": "{done} dari {members} selesai, {overdue} lewat tenggat",
        "compliance_total": (
            "Tugas belajar wajib: {share} selesai ({done} dari {members}), {overdue} lewat tenggat."
        ),
        "assignments": "Tugas belajar wajib",
        "my_assignments": "Tugas belajar saya",
        "no_assignments": "Belum ada tugas belajar wajib.",
        "overdue_list": "Lewat tenggat: {titles}",
        "due_on": "Tenggat {date}",
        "completed_on": "Selesai {date}",
        "standing_completed": "Selesai",
        "standing_in_progress": "Sedang dikerjakan",
        "standing_not_started": "Belum dimulai",
        "standing_overdue": "Lewat tenggat",
        "paths": "Jalur belajar saya",
        "no_paths": "Belum ada jalur belajar.",
        "path_next": "Berikutnya: {module}",
        "path_done": "Semua modul jalur ini sudah lulus.",
    }
)

# --- An employee's reports and certificates (their admins' view) -------------------------------
LABELS.update(
    {
        "reports_of": "Laporan pelatihan eksternal",
        "no_reports": "Belum ada laporan pelatihan eksternal.",
        "report_pending": "Menunggu verifikasi",
        "report_approved": "Disetujui",
        "report_rejected": "Ditolak",
        "report_reason": "Alasan: {reason}",
        "certificates_of": "Sertifikat modul",
        "no_certificates_of": "Belum ada sertifikat modul.",
    }
)
