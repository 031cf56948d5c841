"""The columns of the report tables (the OPD recap, an OPD's employees, the SIASN course
records): one definition for the bot's files, the export child process and the command line."""

from __future__ import annotations

from bot.documents.spreadsheets import Column, ColumnKind

RECAP_COLUMNS = (
    Column("rank", "Peringkat", ColumnKind.INTEGER),
    Column("opd_code", "Kode OPD"),
    Column("opd_name", "Nama OPD", width=45),
    Column("employees", "Pegawai", ColumnKind.INTEGER, total=True),
    Column("registered", "Terdaftar", ColumnKind.INTEGER, total=True),
    Column("verified", "Terverifikasi", ColumnKind.INTEGER, total=True),
    Column("at_target", "Mencapai target", ColumnKind.INTEGER, total=True),
    Column("share", "% mencapai target", ColumnKind.PERCENT),
    Column("average_minutes", "Rata-rata JP", ColumnKind.JP),
    Column("total_minutes", "Total menit", ColumnKind.MINUTES, total=True),
    Column("total_jp", "Total JP", ColumnKind.JP, total=True),
    Column("reviewers", "Mengulas (30 hari)", ColumnKind.INTEGER, total=True),
)
EMPLOYEE_COLUMNS = (
    Column("nip", "NIP", ColumnKind.CODE, width=20),
    Column("name", "Nama", width=32),
    Column("unit_kerja", "Unit kerja", width=28),
    Column("jabatan", "Jabatan", width=28),
    Column("golongan", "Golongan"),
    Column("kind", "Jenis"),
    Column("module_minutes", "Menit modul", ColumnKind.MINUTES, total=True),
    Column("external_minutes", "Menit eksternal", ColumnKind.MINUTES, total=True),
    Column("total_minutes", "Menit total", ColumnKind.MINUTES, total=True),
    Column("total_jp", "JP total", ColumnKind.JP, total=True),
    Column("status", "Status"),
)
# The SIASN "riwayat kursus" fields (namaKursus, institusiPenyelenggara, jenisKursus, jumlahJam,
# tanggalKursus, tanggalSelesaiKursus, tahunKursus, nomorSertipikat), named as SIASN names them.
SIASN_COLUMNS = (
    Column("nip", "nip", ColumnKind.CODE, width=20),
    Column("name", "nama", width=30),
    Column("title", "namaKursus", width=40),
    Column("organiser", "institusiPenyelenggara", width=30),
    Column("activity_kind", "jenisKursus", width=20),
    Column("jp", "jumlahJam", ColumnKind.JP),
    Column("minutes", "jumlahMenit", ColumnKind.MINUTES),
    Column("started_on", "tanggalKursus", ColumnKind.DATE),
    Column("ended_on", "tanggalSelesaiKursus", ColumnKind.DATE),
    Column("year", "tahunKursus", ColumnKind.INTEGER),
    Column("certificate_no", "nomorSertipikat", ColumnKind.CODE, width=24),
)
