"""The privacy notice (``/privasi``) and the texts of the data-subject rights (``/dataku``,
``/hapus``, withdrawal), under UU 27/2022 (Pelindungan Data Pribadi).

The notice is versioned: ``NOTICE_VERSION`` is stored with each employee who acknowledged it.
Any change to the wording of ``NOTICE_PAGES`` must bump the version (a test pins the digest of
the pages to the version, so an edit without a bump fails). The controller, the contact and the
retention periods come from the settings and are filled in when the notice is shown.
"""

from __future__ import annotations

# --- The notice ------------------------------------------------------------------------------
NOTICE_VERSION = "1"

NOTICE_TITLE = "🔒 <b>Pemberitahuan Privasi Sinau Bareng</b>"
NOTICE_HEADER = NOTICE_TITLE + "\nVersi {version} · Halaman {page} dari {pages}\n\n"

NOTICE_PAGES = (
    # 1. Summary
    "<b>Ringkasan</b>\n"
    "Pengendali data pribadi: <b>{controller}</b>.\n\n"
    "• Kami mencatat pengembangan kompetensi Bapak/Ibu (modul, kuis, waktu belajar, JP) karena "
    "instansi <b>wajib</b> mencatatnya (UU 20/2023 Pasal 49; PP 11/2017). Untuk itu kami tidak "
    "meminta persetujuan: dasarnya kewajiban hukum dan tugas pelayanan publik (UU 27/2022 "
    "Pasal 20 ayat (2) huruf c dan e).\n"
    "• Pengingat belajar dan pengumuman umum bersifat <b>pilihan</b>: dikirim hanya dengan "
    "persetujuan Bapak/Ibu, dan dapat dihentikan kapan saja dengan satu ketukan.\n"
    "• Pesan dan berkas melewati server Telegram di luar Indonesia.\n"
    "• Bapak/Ibu berhak melihat (/dataku), memperbaiki (/profil) dan menghapus (/hapus) data "
    "Bapak/Ibu, serta menarik persetujuan (/privasi).\n\n"
    "Ketuk tombol halaman untuk membaca rinciannya.",
    # 2. What is stored
    "<b>Data yang kami simpan</b>\n"
    "• <b>Identitas kepegawaian:</b> NIP atau NI PPPK, nama, instansi (OPD), unit kerja, jabatan, "
    "golongan, dan jenis pegawai (PNS/PPPK).\n"
    "• <b>Akun Telegram:</b> ID Telegram Bapak/Ibu, agar pesan hanya terkirim ke akun ini.\n"
    "• <b>Kegiatan belajar:</b> kemajuan membaca tiap modul, waktu belajar (time on task), "
    "percobaan dan jawaban kuis, serta nilainya.\n"
    "• <b>Riwayat JP:</b> setiap kegiatan yang tercatat beserta buktinya (waktu belajar, nilai, "
    "versi materi, pemverifikasi).\n"
    "• <b>Pelatihan di luar bot</b> (/lapor): nama pelatihan, penyelenggara, tanggal, JP, nomor "
    "sertifikat, dan ID berkas Telegram dari foto/PDF sertifikatnya (berkasnya tetap di Telegram, "
    "tidak kami salin). <b>Sertifikat modul:</b> nomor dan kode verifikasinya.\n"
    "• <b>Pengaturan dan kebiasaan:</b> jam dan hari pengingat, jeda, pilihan pengumuman, "
    "rangkaian hari belajar (streak), waktu aktivitas terakhir.\n"
    "• <b>Catatan pengiriman:</b> waktu dan status pengingat, pengumuman, dan pemberitahuan "
    "yang dikirim kepada Bapak/Ibu.\n"
    "• <b>Catatan audit:</b> tindakan admin, dan siapa yang membuka data Bapak/Ibu.\n"
    "• <b>Langkah yang belum selesai</b> (pendaftaran, /lapor): disimpan sementara, dihapus "
    "otomatis setelah {ttl_hours} jam tidak dilanjutkan.",
    # 3. Purposes and their legal basis
    "<b>Tujuan dan dasar hukumnya</b>\n"
    "1. <b>Mencatat pengembangan kompetensi:</b> riwayat JP, kuis, pelatihan yang diverifikasi, "
    "sertifikat, laporan JP instansi, dan riwayat kursus untuk SIASN. Dasar: kewajiban hukum "
    "instansi dan tugas pelayanan publik (UU 20/2023 Pasal 49; PP 11/2017 Pasal 203; UU 27/2022 "
    "Pasal 20 ayat (2) huruf c dan e). Tidak bergantung pada persetujuan.\n"
    "2. <b>Menjalankan dan mengamankan layanan:</b> akun Telegram, langkah pendaftaran, "
    "pemberitahuan hasil verifikasi /lapor, log audit. Dasar: sama dengan nomor 1.\n"
    "3. <b>Pengingat belajar harian</b> dan <b>pengumuman umum</b> dari admin. Dasar: "
    "persetujuan Bapak/Ibu (UU 27/2022 Pasal 20 ayat (2) huruf a). Dapat ditarik kapan saja "
    "di /privasi atau /pengingat, berlaku seketika.\n"
    "4. <b>Pengumuman kedinasan wajib</b> (ditandai admin sebagai wajib): dasar tugas pelayanan "
    "publik, tetap dikirim walaupun pengumuman umum dihentikan.\n\n"
    "Data tidak dijual, tidak dipakai untuk iklan, dan tidak dipakai untuk tujuan lain.",
    # 4. Who sees it; Telegram
    "<b>Siapa yang dapat melihat data</b>\n"
    "• Bapak/Ibu sendiri (/profil, /jp, /dataku).\n"
    "• Admin OPD Bapak/Ibu: rekap JP pegawai OPD-nya dan laporan pelatihan yang perlu "
    "diverifikasi.\n"
    "• Superadmin pengendali: rekap seluruh provinsi dan log audit.\n"
    "• Operator server bot, untuk pemeliharaan dan cadangan data.\n"
    "• BKPSDM/BKD dan BKN (SIASN): hanya riwayat kursus yang diekspor admin untuk pencatatan "
    "resmi.\n"
    "Setiap kali admin membuka data pegawai tertentu atau mengekspor daftar bernama, hal itu "
    "dicatat di log audit; Bapak/Ibu dapat melihatnya di /dataku.\n\n"
    "<b>Telegram, di luar Indonesia</b>\n"
    "Bot ini bekerja lewat Telegram. Pesan, tombol, foto dan berkas yang Bapak/Ibu kirim diproses "
    "dan disimpan oleh Telegram sebagai pemroses, di server di luar wilayah hukum Indonesia "
    "(transfer data pribadi, UU 27/2022 Pasal 56). Riwayat obrolan di Telegram tidak ikut "
    "terhapus oleh /hapus; Bapak/Ibu dapat menghapusnya sendiri di aplikasi Telegram. Untuk akun "
    "Telegram Bapak/Ibu berlaku juga kebijakan privasi Telegram.",
    # 5. Retention
    "<b>Berapa lama data disimpan</b>\n"
    "• <b>Selama akun terdaftar:</b> profil, kemajuan belajar, jawaban kuis, riwayat JP, "
    "laporan pelatihan, sertifikat, dan pengaturan.\n"
    "• <b>Langkah yang tidak diselesaikan</b> (pendaftaran, /lapor): dihapus otomatis setelah "
    "{ttl_hours} jam tidak dilanjutkan.\n"
    "• <b>Setelah /hapus:</b> semua data akun dihapus saat itu juga. Yang tersisa hanya riwayat "
    "JP, karena catatan pengembangan kompetensi wajib disimpan instansi: disimpan dengan NIP, "
    "tanpa nama, ID Telegram, atau ID berkas, selama <b>{years} tahun</b>, lalu dihapus "
    "otomatis. Sertifikat yang pernah diunduh tidak lagi dapat diperiksa dengan /verifikasi.\n"
    "• <b>Log audit:</b> {years} tahun, lalu dihapus otomatis.",
    # 6. Rights and contact
    "<b>Hak Bapak/Ibu dan cara menggunakannya</b> (UU 27/2022 Pasal 5-13)\n"
    "• <b>Informasi:</b> halaman ini, kapan saja lewat /privasi.\n"
    "• <b>Akses dan salinan:</b> /dataku mengirim semua data Bapak/Ibu sebagai PDF dan JSON.\n"
    "• <b>Perbaikan:</b> /profil (nama, instansi, unit kerja, jabatan, golongan). NIP yang "
    "keliru: hubungi kontak di bawah.\n"
    "• <b>Penghapusan dan mengakhiri pemrosesan:</b> /hapus, setelah konfirmasi.\n"
    "• <b>Menarik persetujuan:</b> tombol di bawah halaman ini atau /pengingat, berlaku "
    "seketika.\n"
    "• <b>Keberatan dan pengaduan:</b> sampaikan kepada kontak di bawah.\n\n"
    "<b>Pengendali:</b> {controller}\n"
    "<b>Kontak:</b> {contact}",
)

BTN_PAGE = "{page}"
BTN_PAGE_CURRENT = "· {page} ·"
BTN_ACK_REGISTER = "✅ Saya sudah membaca, lanjut daftar"
BTN_ACK = "✅ Saya sudah membaca versi ini"
BTN_REMINDERS_ON = "🔔 Pengingat: aktif (ketuk untuk berhenti)"
BTN_REMINDERS_OFF = "🔕 Pengingat: berhenti (ketuk untuk aktifkan)"
BTN_ANNOUNCEMENTS_ON = "📢 Pengumuman umum: diterima (ketuk untuk berhenti)"
BTN_ANNOUNCEMENTS_OFF = "🔇 Pengumuman umum: berhenti (ketuk untuk terima)"

NOTICE_STATUS_CURRENT = "\n\n<i>Bapak/Ibu telah membaca versi {version} pada {when}.</i>"
NOTICE_STATUS_OUTDATED = (
    "\n\n<i>Pemberitahuan ini diperbarui (versi {version}). Mohon baca, lalu ketuk tombol "
    "konfirmasi di bawah.</i>"
)
NOTICE_ACKNOWLEDGED = "Terima kasih. Versi {version} tercatat."
NOTICE_MENU_HINT = "\n\n🔒 Pemberitahuan privasi diperbarui: /privasi"

REMINDERS_STOPPED = "Pengingat belajar dihentikan."
REMINDERS_STARTED = "Pengingat belajar diaktifkan."
ANNOUNCEMENTS_STOPPED = "Pengumuman umum dihentikan. Pengumuman kedinasan wajib tetap dikirim."
ANNOUNCEMENTS_STARTED = "Pengumuman umum akan dikirim lagi."

# --- Registration: the notice comes first, then the NIP ---------------------------------------
READ_NOTICE_FIRST = "Mohon baca pemberitahuan privasi di atas, lalu ketuk tombol di bawahnya."
NOTICE_ACCEPTED_REGISTER = "✅ Pemberitahuan privasi versi {version} telah Bapak/Ibu baca."

# --- /dataku ---------------------------------------------------------------------------------
EXPORT_INTRO = (
    "📦 Berikut semua data yang tersimpan tentang Bapak/Ibu: PDF untuk dibaca, JSON untuk "
    "disalin ke sistem lain. Simpan berkas ini dengan aman."
)
EXPORT_PDF_CAPTION = "Data pribadi Bapak/Ibu (PDF)"
EXPORT_JSON_CAPTION = "Data pribadi Bapak/Ibu (JSON)"
EXPORT_COOLDOWN = (
    "Salinan data baru saja dikirim. Permintaan berikutnya dapat dilakukan sekitar {minutes} "
    "menit lagi."
)
EXPORT_FILENAME = "data-pribadi-sinau-bareng-{day}.{ext}"

# --- /hapus ----------------------------------------------------------------------------------
ERASE_CONFIRM = (
    "🗑 <b>Hapus data pribadi</b>\n\n"
    "Bila Bapak/Ibu melanjutkan, saat itu juga kami <b>hapus</b>: akun dan ikatannya dengan "
    "Telegram ini, profil (nama, unit kerja, jabatan, golongan), kemajuan belajar, jawaban kuis, "
    "laporan pelatihan beserta ID berkasnya, sertifikat modul, pengaturan pengingat, pilihan "
    "pengumuman, streak, dan langkah yang sedang berjalan.\n\n"
    "<b>Yang tetap disimpan</b> karena kewajiban hukum instansi: {entries} catatan riwayat JP, "
    "dengan NIP tanpa nama, sampai {until}, lalu dihapus otomatis.\n\n"
    "Sertifikat yang pernah diunduh tidak lagi dapat diperiksa dengan /verifikasi. Penghapusan "
    "tidak dapat dibatalkan. Konfirmasi ini berlaku {minutes} menit."
)
BTN_ERASE_YES = "🗑 Ya, hapus data saya"
BTN_ERASE_NO = "Batal"
ERASE_DONE = (
    "Data pribadi Bapak/Ibu telah dihapus. {entries} catatan riwayat JP disimpan dengan NIP, "
    "tanpa nama, sampai {until}.\n\n"
    "Riwayat obrolan ini ada di Telegram; Bapak/Ibu dapat menghapusnya sendiri. Ketik /start "
    "bila ingin mendaftar lagi."
)
ERASE_CANCELLED = "Baik, tidak ada yang dihapus."
ERASE_STALE = "Konfirmasi ini sudah tidak berlaku. Ketik /hapus untuk memulai lagi."
ERASE_USE_BUTTONS = "Untuk menghapus data, ketuk tombol konfirmasi di atas, atau /batal."
NOT_REGISTERED = "Tidak ada data akun yang tersimpan untuk akun Telegram ini."

# --- Labels of the personal-data export (PDF; the JSON keeps the column names) ---------------
EXPORT_TITLE = "DATA PRIBADI SAYA"
EXPORT_SUBTITLE = "Semua data yang tersimpan di Sinau Bareng tentang pemilik akun ini"
EXPORT_DOC_TITLE = "Data pribadi - {name}"
EXPORT_GENERATED = (
    "Dibuat pada {when} atas permintaan pemilik data (/dataku), sesuai hak akses UU 27/2022. "
    "Pengendali: {controller}. Pemberitahuan privasi versi {version}."
)
EXPORT_EMPTY = "Tidak ada."
EXPORT_RECORD = "{title} {number} dari {count}"
EXPORT_PAGE = "Halaman {page} dari {pages}"
YES = "ya"
NO = "tidak"
NONE = "-"

SECTION_TITLES = {  # by table
    "employees": "Profil dan akun",
    "reminders": "Pengaturan pengingat",
    "module_progress": "Kemajuan belajar per modul",
    "quiz_attempts": "Percobaan kuis",
    "quiz_answers": "Jawaban kuis",
    "quiz_polls": "Polling kuis yang dikirim",
    "jp_ledger": "Riwayat JP",
    "external_trainings": "Pelatihan di luar bot (/lapor)",
    "certificates": "Sertifikat modul",
    "admin_roles": "Peran admin",
    "chat_sessions": "Langkah yang sedang berjalan",
    "outbound_messages": "Pesan massal (pengingat, pengumuman, pemberitahuan)",
    "roster": "Data dari daftar pegawai instansi",
    "retained_records": "Catatan JP dari akun yang pernah dihapus",
    "audit_log": "Log audit tentang Bapak/Ibu",
}

FIELD_LABELS = {
    "id": "ID",
    "telegram_id": "ID Telegram",
    "nip": "NIP",
    "name": "Nama",
    "opd_code": "Kode instansi",
    "unit_kerja": "Unit kerja",
    "jabatan": "Jabatan",
    "golongan": "Golongan",
    "kind": "Jenis",
    "is_active": "Aktif",
    "consent_at": "Pendaftaran dikonfirmasi",
    "privacy_version": "Versi pemberitahuan privasi",
    "privacy_at": "Pemberitahuan privasi dibaca",
    "announcements_opt_out": "Pengumuman umum dihentikan",
    "data_export_at": "Salinan data terakhir",
    "last_activity_at": "Aktivitas terakhir",
    "streak_days": "Streak (hari)",
    "streak_day": "Hari streak terakhir",
    "created_at": "Dibuat",
    "updated_at": "Diubah",
    "employee_id": "ID pegawai",
    "enabled": "Aktif",
    "minute_of_day": "Menit dalam hari (jam pengingat)",
    "weekdays_only": "Hanya hari kerja",
    "paused_until": "Jeda sampai",
    "next_due_at": "Pengingat berikutnya",
    "last_sent_at": "Pengingat terakhir",
    "module_id": "Modul",
    "content_version": "Versi materi",
    "current_card": "Kartu terakhir dibuka",
    "furthest_card": "Kartu terjauh",
    "started_at": "Mulai",
    "completed_at": "Selesai",
    "best_score": "Nilai terbaik (%)",
    "attempts": "Percobaan",
    "card_shown_ts": "Kartu dibuka (detik Unix)",
    "reading_seconds": "Waktu membaca (detik)",
    "reread_mask": "Kartu yang perlu dibaca ulang (bit)",
    "retry_at": "Boleh mencoba lagi",
    "plan": "Soal dan urutan pilihan",
    "current_index": "Soal ke-",
    "correct_count": "Jawaban benar",
    "score": "Nilai (%)",
    "passed": "Lulus",
    "finished_at": "Berakhir",
    "attempt_id": "ID percobaan",
    "question_index": "Urutan soal",
    "question_ref": "Nomor soal di modul",
    "question_id": "ID soal",
    "poll_id": "ID polling",
    "chosen": "Pilihan",
    "is_correct": "Benar",
    "answered_at": "Dijawab",
    "chat_id": "ID obrolan",
    "message_id": "ID pesan",
    "sent_at": "Dikirim",
    "closed_at": "Ditutup",
    "year": "Tahun",
    "minutes": "Menit",
    "source_kind": "Sumber",
    "source_id": "ID sumber",
    "title": "Kegiatan",
    "category": "Kategori",
    "activity_kind": "Jenis kegiatan",
    "organiser": "Penyelenggara",
    "started_on": "Tanggal mulai",
    "ended_on": "Tanggal selesai",
    "certificate_no": "Nomor sertifikat",
    "evidence": "Bukti",
    "credited_at": "Dicatat",
    "jp_centi": "JP x 100",
    "certificate_key": "Kunci nomor sertifikat",
    "duplicate_of": "Sama dengan laporan",
    "file_id": "ID berkas Telegram",
    "file_unique_id": "ID unik berkas Telegram",
    "file_kind": "Jenis berkas",
    "file_name": "Nama berkas",
    "file_size": "Ukuran berkas (byte)",
    "status": "Status",
    "reason": "Alasan",
    "reviewed_by": "Diverifikasi oleh (ID Telegram)",
    "reviewed_at": "Diverifikasi",
    "submitted_at": "Dikirim",
    "ledger_entry_id": "ID riwayat JP",
    "code": "Kode verifikasi",
    "module_title": "Judul modul",
    "fields_version": "Versi isian",
    "completed_on": "Lulus pada",
    "issued_at": "Diterbitkan",
    "role": "Peran",
    "granted_by": "Diberikan oleh (ID Telegram)",
    "granted_at": "Diberikan",
    "flow": "Alur",
    "step": "Langkah",
    "data": "Isian",
    "dedup_key": "Kunci",
    "broadcast_id": "ID pengumuman",
    "payload": "Muatan",
    "not_before": "Tidak sebelum",
    "claimed_at": "Diambil pengirim",
    "telegram_message_id": "ID pesan Telegram",
    "error": "Keterangan",
    "imported_at": "Diimpor",
    "erased_at": "Dihapus",
    "keep_until": "Disimpan sampai",
    "actor": "Oleh",
    "action": "Tindakan",
    "params": "Rincian",
}

# Who did it and what, in the audit section of the PDF (the JSON keeps the codes).
ACTORS = {"self": "Bapak/Ibu sendiri", "operator": "Operator server", "admin": "Admin"}
ACTIONS = {
    "view.training_queue": "Antrean verifikasi /lapor dibuka (nama Bapak/Ibu tercantum)",
    "view.training_report": "Laporan pelatihan Bapak/Ibu dibuka untuk diverifikasi",
    "view.export.xlsx": "Daftar pegawai OPD diekspor (XLSX)",
    "view.export.csv": "Daftar pegawai OPD diekspor (CSV)",
    "view.export.siasn": "Riwayat kursus diekspor untuk SIASN",
    "view.role_lookup": "Data Bapak/Ibu dicari untuk pengaturan peran admin",
    "view.broadcast_failures": "Daftar penerima pengumuman yang gagal diunduh",
    "view.audit_export": "Log audit (yang dapat memuat nama Bapak/Ibu) diekspor",
    "privacy.export": "Salinan data dikirim (/dataku)",
    "privacy.erase": "Data akun dihapus",
    "role.grant": "Peran admin diberikan",
    "role.revoke": "Peran admin dicabut",
}
