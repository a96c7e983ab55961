"""Bulk demo data for `seed-demo --cases N --logs M`: two years of realistic cases, fast.

Everything is planned and written by PostgreSQL itself (INSERT ... SELECT over generate_series,
random() seeded with setseed(), so a run is repeatable); Python only builds the working-time
table and the word lists. COPY FROM STDIN from a Python generator was measured against
INSERT ... SELECT for the 915,000 routine log entries of a full-size run: both took 15-20 s,
because index and foreign-key upkeep on the server, not parsing, is the cost; COPY is kept for
the one table whose rows come from Python (the calendar's working periods).

How the instants stay on the working calendar:

    The calendar (week, holidays, time zone: the app's own WorkingCalendar) is unrolled into
    one row per working minute, numbered 0, 1, 2, ... over the window. A case's timeline is
    then plain integer arithmetic on "working seconds": a step that takes 600 working seconds
    starts at position p and ends at p + 600, and position p is the instant
    minute[(p - 1) // 60] + ((p - 1) % 60 + 1) seconds, which is always inside a working
    period or at its very end (12:00, never 13:00 — as WorkingCalendar.add places it).
    So working_minutes, due_at (actionable + standard) and every instant agree with the
    calendar to the second, with no working-time code in SQL.

The whole load is one transaction: a failure writes nothing. A marker audit event
(entity 'seed', action 'seed.bulk') makes a second run refuse politely.
"""

from __future__ import annotations

import io
import json
import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Account, AuditEvent
from models.services.sop_library import version_for_new_case
from rules.calendar import WorkingCalendar
from rules.enums import Role
from rules.sop import SopDefinition

Echo = Callable[[str], None]

SEED = 0.2026
"""setseed() value: the same options give the same distributions (the instants follow `now`)."""

WINDOW_DAYS = 730
"""Cases start over the last ~2 years of working time."""

HORIZON_DAYS = 30
"""The working-minute table runs this far past now, so a step in progress has a due_at."""

OPEN_SHARE = 0.10
"""Share of cases still open; the newer a case, the likelier (a ramp over the newest 20%)."""

EARLY_SHARE = 0.05
"""Share of cases closed early (duplikat, bukan_portal, ditarik)."""

REWORK_SHARES = (0.08, 0.015)
"""Share of closed or open cases with one, and with two, rework rounds (8 → 7)."""

# The step at which an early closure happens, for steps 2..9: duplicates and non-portal
# problems are mostly spotted at the policy and analysis steps.
EARLY_STEP_WEIGHTS = (0.30, 0.15, 0.25, 0.15, 0.05, 0.05, 0.03, 0.02)
CLOSE_REASONS = (("duplikat", 0.45), ("bukan_portal", 0.35), ("ditarik", 0.20))
CHANNELS = (("web", 0.40), ("telepon", 0.30), ("email", 0.20), ("langsung", 0.10))
PRIORITIES = (("rendah", 0.20), ("sedang", 0.55), ("tinggi", 0.20), ("kritis", 0.05))
REPRIORITISE_SHARE = 0.15
"""Share of cases whose priority the Direktur changes at step 2."""

FRESH_SHARE = 0.05
FRESH_WAIT = 1.2
"""Share of open cases handed to their current step moments ago: within up to 1.2 × its standard
(so some within, some at risk, some just over); the rest wait longer, as a backlog does."""

ON_BEHALF_SHARE = 0.6
"""Of the phone, e-mail and walk-in reports, the share a Kasi records for an outside reporter."""

OVER_SHARES = {1: 0.10, 3: 0.15, 4: 0.25, 5: 0.20, 6: 0.15, 7: 0.35, 8: 0.20, 9: 0.20}
"""Per timed step, the share of runs over the standard (about 20% overall)."""

UNTIMED_SECONDS = (5 * 60, 240 * 60)
"""An untimed step (2, the Direktur's policy) takes 5 minutes to 4 working hours, log-uniform."""

BULK_ACCOUNTS = ((Role.KASUBDIT, 1), (Role.KASI, 3), (Role.JFU, 8), (Role.PENGGUNA, 200))
BULK_ROLES = (Role.PENGGUNA, Role.DIREKTUR, Role.KASUBDIT, Role.KASI, Role.JFU)
"""The positions the bulk data has people for: those of the shipped SOP, which it imitates."""
"""Accounts added beside the demo ones: username `<role>.<nn>`, all with one password."""

MARKER_ENTITY = "seed"
MARKER_ACTION = "seed.bulk"

FIRST_NAMES = (
    "Adi", "Agus", "Andi", "Ayu", "Bambang", "Budi", "Citra", "Dedi", "Dewi", "Dian", "Eko",
    "Endah", "Fajar", "Fitri", "Gita", "Hadi", "Hendra", "Indah", "Intan", "Joko", "Kadek",
    "Lestari", "Made", "Maya", "Nur", "Putu", "Rani", "Rizky", "Sari", "Siti", "Teguh",
    "Wahyu", "Wulan", "Yusuf", "Ni Luh", "Ma'ruf",
)  # fmt: skip
LAST_NAMES = (
    "Pratama", "Saputra", "Wijaya", "Santoso", "Hidayat", "Kurniawan", "Rahmawati", "Siregar",
    "Nasution", "Harahap", "Simanjuntak", "Wibowo", "Setiawan", "Susanto", "Purnomo",
    "Nugroho", "Halim", "Gunawan", "Rahman", "Sinaga", "Putri", "Utami", "Permana", "Sekar",
)  # fmt: skip

SERVICES = (
    "merek", "paten", "hak cipta", "desain industri", "indikasi geografis", "DTLST",
    "rahasia dagang", "PDKI",
)  # fmt: skip
SERVICE_PROBLEMS = (
    "Formulir pendaftaran {} tidak bisa dikirim",
    "Tautan unduhan panduan {} rusak (404)",
    "Halaman pencarian {} menampilkan error 500",
    "Pencarian {} sangat lambat pada jam kerja",
    "Status permohonan {} tidak diperbarui",
    "Tombol unggah dokumen {} tidak berfungsi",
    "Pembayaran PNBP {} gagal diverifikasi",
    "Kode billing {} tidak muncul setelah pengajuan",
    "Halaman {} tampil berantakan di ponsel",
    "Sertifikat elektronik {} (PDF) tidak bisa dibuka",
    "Captcha pada formulir {} tidak muncul",
    "Notifikasi email permohonan {} tidak terkirim",
    "Tabel statistik {} kosong",
    "Menu {} hilang dari navigasi utama",
    "Tautan FAQ {} mengarah ke halaman lama",
    "Login akun pemohon {} gagal terus",
    "Sesi habis saat mengisi formulir {}",
    "Tanggal penerimaan {} tampil salah",
)
GENERAL_PROBLEMS = (
    "Sertifikat SSL subdomain paten hampir kedaluwarsa",
    "Banner beranda terpotong di layar lebar",
    "Halaman kontak menampilkan nomor telepon lama",
    "Peta lokasi kantor wilayah tidak muncul",
    "Versi bahasa Inggris portal tidak lengkap",
    "Portal tidak bisa diakses dari jaringan kantor wilayah",
    "Pengumuman hari libur belum diperbarui",
    "Video tutorial di beranda tidak bisa diputar",
    "Formulir pengaduan tidak mengirim lampiran",
    "Halaman arsip berita terkena defacement",
    "Berita terbaru tidak muncul di beranda",
    "Ikon media sosial di kaki halaman mengarah ke akun lama",
)
# Titles a CSV export must neutralise (leading =, +, -, @) and non-ASCII text.
SPECIAL_TITLES = (
    '=HYPERLINK("https://contoh.invalid/login","Klik di sini") muncul di kolom komentar',
    "=1+1 tampil sebagai judul berita",
    "+62 812-3456-7890 tidak menerima kode OTP",
    "+ tombol tambah lampiran hilang",
    "-1 hasil: pencarian merek menampilkan jumlah negatif",
    "- (strip) tampil sebagai nama pemohon",
    "@admin mohon cek halaman login pemohon",
    'Nama merek "Café Señor" — tampil rusak di hasil pencarian',
    "Emoji 🙏 pada formulir pengaduan memicu galat 500",
    "Aksara Jawa ꦲꦏ꧀ꦱꦫ tidak tampil di halaman kekayaan budaya",
    "Tanda pisah — dan kutip “ganda” berubah menjadi â€”",
)
SPECIAL_SHARE = 0.02
"""Share of case titles and routine log entries taken from the special lists."""
DETAILS = (
    "Terjadi sejak pagi ini; beberapa pemohon mengeluhkan hal yang sama.",
    "Muncul pesan galat setelah menekan tombol Kirim.",
    "Terjadi di Chrome dan Firefox; di Safari belum dicoba.",
    "Pemohon sudah mencoba ulang tiga kali dengan hasil yang sama.",
    "Hanya terjadi di jaringan seluler; di Wi-Fi kantor normal.",
    "Terlihat sejak pembaruan portal minggu lalu.",
    "Menghambat pengajuan yang tenggatnya hari ini.",
    "Tangkapan layar dikirim lewat email ke helpdesk.",
    "Pemohon dari luar negeri — tampilan bahasa Inggris juga bermasalah.",
    "Konsultan KI melaporkan untuk 12 kliennya sekaligus.",
)
URLS = (
    "https://dgip.go.id/",
    "https://dgip.go.id/artikel",
    "https://dgip.go.id/unduhan",
    "https://dgip.go.id/kontak",
    "https://dgip.go.id/en/",
    "https://merek.dgip.go.id/",
    "https://paten.dgip.go.id/",
    "https://e-hakcipta.dgip.go.id/",
    "https://pdki-indonesia.dgip.go.id/",
    "https://dgip.go.id/menu-utama/merek/pengenalan",
)
URL_MISSING_SHARE = 0.25

# The text of each output kind (record kind), and of the step-9 and routine daily-log entries.
TEXTS: dict[str, tuple[str, ...]] = {
    "kebijakan": (
        "Tangani sesuai prioritas; utamakan layanan permohonan daring.",
        "Perbaiki tanpa menghentikan layanan; jadwalkan di luar jam sibuk bila perlu.",
        "Ikuti kebijakan pemeliharaan portal: perubahan diuji di staging lebih dulu.",
        "Koordinasikan dengan Pusat Data bila menyangkut server.",
        "Segera tangani; dampaknya ke pemohon tinggi.",
    ),
    "perintah": (
        "Kasi Portal Web agar segera menganalisa dan memperbaiki masalah ini.",
        "Mohon ditindaklanjuti hari ini dan dilaporkan hasilnya.",
        "Lakukan pemeliharaan sesuai kebijakan Direktur; laporkan bila ada kendala.",
    ),
    "analisa": (
        "Penyebab: cache CDN menyimpan versi lama halaman.",
        "Penyebab: sertifikat perantara tidak terpasang di load balancer.",
        "Penyebab: kueri pencarian tanpa indeks pada tabel permohonan.",
        "Penyebab: plugin formulir tidak kompatibel setelah pembaruan CMS.",
        "Penyebab: batas unggah berkas di server web hanya 2 MB.",
        "Penyebab: tautan mengarah ke struktur URL lama.",
        "Penyebab: server SMTP menolak alamat pengirim.",
        "Tidak dapat direproduksi di staging; log menunjukkan timeout ke API billing.",
    ),
    "solusi": (
        "Bersihkan cache CDN dan pasang header cache yang benar.",
        "Pasang ulang rantai sertifikat lengkap lalu uji dari luar jaringan.",
        "Tambahkan indeks dan batasi hasil per halaman.",
        "Kembalikan plugin ke versi sebelumnya, lalu uji formulir.",
        "Naikkan batas unggah menjadi 10 MB dan perjelas pesan galat.",
        "Pasang pengalihan 301 dari URL lama.",
        "Perbarui kredensial SMTP serta rekaman SPF/DKIM.",
    ),
    "pengarahan": (
        "Lakukan perbaikan sesuai solusi; uji di staging sebelum produksi.",
        "Kerjakan hari ini; laporkan hasil beserta tangkapan layar.",
        "Perbaiki lalu pantau log selama satu jam setelah rilis.",
    ),
    "perbaikan": (
        "Sudah diperbaiki dan diuji di Chrome, Firefox dan ponsel.",
        "Cache dibersihkan; halaman tampil normal.",
        "Indeks ditambahkan; pencarian kini di bawah satu detik.",
        "Plugin dikembalikan ke versi stabil; formulir bisa dikirim.",
        "Pengalihan 301 dipasang; tautan lama berfungsi lagi.",
    ),
    "penerimaan": (
        "Laporan diterima; perbaikan sudah diverifikasi.",
        "Diterima. Pemohon sudah dikabari.",
        "Diterima dengan catatan: pantau sampai besok.",
    ),
    "pengembalian": (
        "Perbaikan belum berlaku di peramban seluler.",
        "Masih muncul galat 500 pada jam sibuk.",
        "Tangkapan layar hasil uji belum dilampirkan.",
    ),
    "log": (
        "selesai ditangani dan dicatat.",
        "perbaikan diverifikasi, kasus ditutup.",
        "selesai; pemohon sudah dikonfirmasi.",
    ),
    "routine": (
        "Pemeriksaan cadangan harian basis data portal: berhasil.",
        "Pembaruan plugin CMS dan uji regresi halaman utama.",
        "Pemantauan ketersediaan portal: 99,9% dalam 24 jam terakhir.",
        "Pemeriksaan log akses untuk lalu lintas mencurigakan.",
        "Pembaruan konten berita dan pengumuman.",
        "Rotasi log server web dan pembersihan berkas sementara.",
        "Uji tautan rusak otomatis: 3 tautan diperbaiki.",
        "Pemeriksaan masa berlaku sertifikat SSL semua subdomain.",
        "Pembaruan sistem operasi server staging.",
        "Sinkronisasi statistik permohonan ke halaman publik.",
    ),
    # Routine entries a CSV export must neutralise, and non-ASCII ones (SPECIAL_SHARE of them).
    "routine_special": (
        "=SUM(A1:A9) ditemukan di kolom komentar; sudah dibersihkan.",
        "+ pembaruan sertifikat SSL wildcard *.dgip.go.id",
        "-- pemeriksaan rutin tanpa temuan --",
        "@jfu mohon cek antrean email keluar ✅",
        "Halaman “Tentang Kami” — ejaan diperbaiki (é → e)",
        "Uji formulir dengan emoji 😀 dan aksara ꦲꦏ꧀ꦱꦫ: lolos",
    ),
}

# --- SQL, in the order it runs -------------------------------------------------------------

SESSION_SETTINGS = "SET LOCAL work_mem = '256MB'"

RESERVE_IDS = """
SELECT setval(pg_get_serial_sequence(:table, 'id'), nextval(pg_get_serial_sequence(:table, 'id'))
              + :count - 1) - :count + 1
"""
# With a LOCK on the table nobody else takes ids meanwhile; the range is ours.
LOCK_TABLES = "LOCK TABLE cases, step_runs IN SHARE ROW EXCLUSIVE MODE"

INSERT_ACCOUNTS = """
INSERT INTO accounts (username, full_name, email, active, password_hash, created_at)
SELECT a.username, a.full_name, a.email, true, :password_hash, :created_at
FROM unnest(CAST(:usernames AS text[]), CAST(:full_names AS text[]), CAST(:emails AS text[]))
     AS a(username, full_name, email)
"""

INSERT_ACCOUNT_ROLES = """
INSERT INTO account_roles (account_id, role_id)
SELECT a.id, r.id
FROM unnest(CAST(:usernames AS text[]), CAST(:roles AS text[])) AS x(username, role)
JOIN accounts a ON a.username = x.username
JOIN roles r ON r.code = x.role
"""

AUDIT_ACCOUNTS = """
INSERT INTO audit_events (occurred_at, actor_id, action, entity, entity_id, before, after)
SELECT :created_at, NULL, 'account.create', 'account', a.id, NULL,
       jsonb_build_object('username', a.username, 'full_name', a.full_name,
                          'roles', jsonb_build_array(x.role))
FROM unnest(CAST(:usernames AS text[]), CAST(:roles AS text[])) AS x(username, role)
JOIN accounts a ON a.username = x.username
ORDER BY a.id
"""

SELECT_PEOPLE = """
SELECT r.code, a.id, a.full_name
FROM accounts a
JOIN account_roles ar ON ar.account_id = a.id
JOIN roles r ON r.id = ar.role_id
WHERE a.username = ANY(CAST(:usernames AS text[])) AND a.active
ORDER BY r.code, a.id
"""

CREATE_PERIODS = """
CREATE TEMP TABLE seed_period (first_n int, start_at timestamptz, minutes int, day date)
ON COMMIT DROP
"""
COPY_PERIODS = "COPY seed_period (first_n, start_at, minutes, day) FROM STDIN"

# One row per working minute of the window: the whole working-time calendar as a lookup.
CREATE_MINUTES = """
CREATE TEMP TABLE seed_minute ON COMMIT DROP AS
SELECT p.first_n + g AS n, p.start_at + g * interval '1 minute' AS at, p.day
FROM seed_period p, generate_series(0, p.minutes - 1) AS g;
ALTER TABLE seed_minute ADD PRIMARY KEY (n)
"""

# Which (step, round) runs a case walks, by its number of rework rounds: j is the position.
CREATE_TEMPLATE = """
CREATE TEMP TABLE seed_template ON COMMIT DROP AS
SELECT t.rework, t.j, t.step, t.round, t.returns
FROM unnest(CAST(:rework AS int[]), CAST(:j AS int[]), CAST(:step AS int[]),
            CAST(:round AS int[]), CAST(:returns AS bool[])) AS t(rework, j, step, round, returns)
"""

SET_SEED = "SELECT setseed(:seed)"

# Picking from a list by a uniform draw u in [0, 1): evenly, or by bucket weights (edges are the
# buckets' lower bounds, from `bounds()`). Plain SQL functions, inlined by the planner.
CREATE_HELPERS = """
CREATE OR REPLACE FUNCTION pg_temp.pick(items anyarray, u float8) RETURNS anyelement
LANGUAGE sql IMMUTABLE AS $$ SELECT items[1 + floor(u * cardinality(items))::int] $$;
CREATE OR REPLACE FUNCTION pg_temp.pick_weighted(items anyarray, edges float8[], u float8)
RETURNS anyelement LANGUAGE sql IMMUTABLE AS $$ SELECT items[width_bucket(u, edges)] $$
"""
DROP_HELPERS = """
DROP FUNCTION IF EXISTS pg_temp.pick(anyarray, float8);
DROP FUNCTION IF EXISTS pg_temp.pick_weighted(anyarray, float8[], float8)
"""

# One row per case: its fate (closed, closed early at a step, open at a run), the people on it,
# what was reported, and a raw start position (working seconds) spread evenly over the window.
# The newer the case, the likelier it is still open (a ramp over the newest 2 * OPEN_SHARE).
PLAN_CASES = """
CREATE TEMP TABLE seed_case ON COMMIT DROP AS
WITH draw AS MATERIALIZED (
    SELECT i, random() AS u_kind, random() AS u_early, random() AS u_rework, random() AS u_pos,
           random() AS u_reason, random() AS u_channel, random() AS u_behalf,
           random() AS u_priority, random() AS u_reprioritise, random() AS u_title,
           random() AS u_detail, random() AS u_url, random() AS u_reporter,
           random() AS u_outsider, random() AS u_kasi, random() AS u_kasubdit,
           random() AS u_direktur, random() AS u_jfu, random() AS u_start,
           random() AS u_fresh, random() AS u_wait
    FROM generate_series(1, :n) AS i
), fate AS (
    SELECT d.*,
           CASE WHEN d.u_kind < greatest(0, ((d.i - 0.5) / :n - :open_from) / (1 - :open_from))
                THEN 'open'
                WHEN d.u_early < :early_share THEN 'early'
                ELSE 'closed' END AS kind,
           pg_temp.pick_weighted(CAST(:channels AS text[]), :channel_bounds, d.u_channel)
               AS channel
    FROM draw d
), shaped AS (
    SELECT f.*,
           CASE WHEN f.kind = 'early' THEN 0
                ELSE pg_temp.pick_weighted(CAST(:rework_values AS int[]), :rework_bounds,
                                           f.u_rework) END AS rework,
           f.channel <> 'web' AND f.u_behalf < :on_behalf_share AS on_behalf,
           pg_temp.pick_weighted(CAST(:priorities AS text[]), :priority_bounds, f.u_priority)
               AS priority_reported
    FROM fate f
), placed AS (
    SELECT s.*,
           CASE s.kind
               WHEN 'closed' THEN (CAST(:run_counts AS int[]))[s.rework + 1]
               WHEN 'early'
               THEN pg_temp.pick_weighted(CAST(:early_runs AS int[]), :early_bounds, s.u_pos)
               ELSE 2 + floor(s.u_pos * ((CAST(:run_counts AS int[]))[s.rework + 1] - 1))::int
           END AS n_runs
    FROM shaped s
)
SELECT :first_case_id + p.i - 1 AS id, p.kind, p.rework, p.n_runs, p.channel, p.priority_reported,
       CASE WHEN p.u_reprioritise < :reprioritise_share
            THEN pg_temp.pick_weighted(CAST(:priorities AS text[]), :priority_bounds,
                                       p.u_reprioritise / :reprioritise_share)
            ELSE p.priority_reported END AS priority,
       CASE WHEN p.kind = 'early'
            THEN pg_temp.pick_weighted(CAST(:reasons AS text[]), :reason_bounds, p.u_reason)
       END AS close_reason,
       CASE WHEN p.u_title < :special_share
            THEN pg_temp.pick(CAST(:special_titles AS text[]), p.u_title / :special_share)
            ELSE pg_temp.pick(CAST(:titles AS text[]),
                              (p.u_title - :special_share) / (1 - :special_share))
       END AS title,
       pg_temp.pick(CAST(:details AS text[]), p.u_detail) AS detail,
       CASE WHEN p.u_url >= :url_missing_share
            THEN pg_temp.pick(CAST(:urls AS text[]),
                              (p.u_url - :url_missing_share) / (1 - :url_missing_share))
       END AS url,
       -- A few reporters report a lot: the square skews the pick towards the first accounts.
       CASE WHEN NOT p.on_behalf
            THEN pg_temp.pick(CAST(:pengguna AS int[]), p.u_reporter ^ 2) END AS reporter_id,
       CASE WHEN p.on_behalf THEN pg_temp.pick(CAST(:outsiders AS text[]), p.u_outsider)
            ELSE pg_temp.pick(CAST(:pengguna_names AS text[]), p.u_reporter ^ 2)
       END AS reporter_name,
       CASE WHEN p.on_behalf THEN pg_temp.pick(CAST(:contacts AS text[]), p.u_outsider)
       END AS reporter_contact,
       CASE WHEN p.on_behalf THEN pg_temp.pick(CAST(:kasi AS int[]), p.u_kasi)
            ELSE pg_temp.pick(CAST(:pengguna AS int[]), p.u_reporter ^ 2) END AS recorded_by_id,
       pg_temp.pick(CAST(:direktur AS int[]), p.u_direktur) AS direktur_id,
       pg_temp.pick(CAST(:kasubdit AS int[]), p.u_kasubdit) AS kasubdit_id,
       pg_temp.pick(CAST(:kasi AS int[]), p.u_kasi) AS kasi_id,
       pg_temp.pick(CAST(:jfu AS int[]), p.u_jfu) AS jfu_id,
       p.n_runs > :assign_position + 1 AS has_assignee,
       p.n_runs > :priority_position + 1 AS priority_set,
       1 + floor((p.i - 1 + p.u_start) / :n * (:now_pos - 1))::bigint AS raw_start,
       p.kind = 'open' AND p.u_fresh < :fresh_share AS fresh, p.u_wait
FROM placed p
ORDER BY p.i
"""

# One row per step run: its outcome, how many working seconds it took (most within the
# standard, some over), its position on the working timeline and so its instants, its performer.
# A case whose work would end after now is moved back so that it ends by now; a "fresh" open
# case is moved so that its step in progress became actionable moments ago.
PLAN_STEPS = """
CREATE TEMP TABLE seed_step ON COMMIT DROP AS
WITH ordered AS (
    SELECT c.id AS case_id, c.kind, c.n_runs, c.raw_start, c.fresh, c.u_wait,
           t.j, t.step, t.round, t.returns
    FROM seed_case c JOIN seed_template t ON t.rework = c.rework AND t.j < c.n_runs
    ORDER BY c.id, t.j
), drawn AS MATERIALIZED (
    SELECT o.*, random() AS u_over, random() AS u_length, random() AS u_open, random() AS u_text,
           (CAST(:standards AS int[]))[o.step] AS standard_minutes,
           CASE WHEN o.j < o.n_runs - 1
                THEN CASE WHEN o.returns THEN 'returned' ELSE 'completed' END
                WHEN o.kind = 'closed' THEN 'completed'
                WHEN o.kind = 'early' THEN 'closed_early' END AS outcome
    FROM ordered o
), measured AS (
    SELECT d.*,
           CASE WHEN d.outcome IS NULL THEN NULL
                WHEN d.standard_minutes IS NULL
                THEN round(:untimed_low * power(:untimed_ratio, d.u_length))::bigint
                WHEN d.u_over < (CAST(:over_shares AS float8[]))[d.step]
                THEN ceil(d.standard_minutes * 60 * (1.02 + 2 * d.u_length * d.u_length))::bigint
                ELSE greatest(1, round(d.standard_minutes * 60 * (0.25 + 0.75 * d.u_length)))
                         ::bigint
           END AS seconds
    FROM drawn d
), timeline AS (
    SELECT m.*,
           (greatest(1, CASE WHEN m.fresh
                             THEN :now_pos - sum(coalesce(m.seconds, 0)) OVER whole
                                  - floor(m.u_wait * :fresh_wait * 60 * max(CASE
                                        WHEN m.outcome IS NULL
                                        THEN coalesce(m.standard_minutes, 10) END) OVER whole)
                             ELSE least(m.raw_start,
                                        :now_pos - sum(coalesce(m.seconds, 0)) OVER whole) END)
            + sum(coalesce(m.seconds, 0)) OVER upto - coalesce(m.seconds, 0))::bigint AS start_pos,
           lead(m.step) OVER upto AS next_step,
           lead(m.round) OVER upto AS next_round
    FROM measured m
    WINDOW whole AS (PARTITION BY m.case_id), upto AS (PARTITION BY m.case_id ORDER BY m.j)
), opened AS (
    SELECT t.*,
           CASE WHEN t.j = 0 THEN t.start_pos
                WHEN t.outcome IS NOT NULL
                THEN t.start_pos + floor(t.seconds * 0.7 * t.u_open)::bigint
                WHEN t.u_open >= 0.5
                THEN t.start_pos + floor((:now_pos - t.start_pos) * (t.u_open - 0.5))::bigint
           END AS open_pos
    FROM timeline t
)
SELECT :first_run_id - 1 + row_number() OVER (ORDER BY o.case_id, o.j) AS id,
       o.case_id, o.j, o.step, o.round, (CAST(:roles AS text[]))[o.step] AS role,
       o.standard_minutes, o.outcome, o.seconds, o.u_text, o.next_step, o.next_round,
       a.at + ((o.start_pos - 1) % 60 + 1) * interval '1 second' AS actionable_at,
       op.at + ((o.open_pos - 1) % 60 + 1) * interval '1 second' AS opened_at,
       d.at + ((o.start_pos + o.seconds - 1) % 60 + 1) * interval '1 second' AS completed_at,
       du.at + ((o.start_pos + o.standard_minutes * 60 - 1) % 60 + 1) * interval '1 second'
           AS due_at,
       CASE WHEN o.outcome IS NULL THEN NULL
            WHEN o.j = 0 THEN c.recorded_by_id
            WHEN (CAST(:roles AS text[]))[o.step] = 'direktur' THEN c.direktur_id
            WHEN (CAST(:roles AS text[]))[o.step] = 'kasubdit' THEN c.kasubdit_id
            WHEN (CAST(:roles AS text[]))[o.step] = 'jfu' AND o.outcome <> 'closed_early'
            THEN c.jfu_id
            ELSE c.kasi_id END AS performer_id
FROM opened o
JOIN seed_case c ON c.id = o.case_id
JOIN seed_minute a ON a.n = (o.start_pos - 1) / 60
LEFT JOIN seed_minute op ON op.n = (o.open_pos - 1) / 60
LEFT JOIN seed_minute d ON d.n = (o.start_pos + o.seconds - 1) / 60
LEFT JOIN seed_minute du ON du.n = (o.start_pos + o.standard_minutes * 60 - 1) / 60
ORDER BY o.case_id, o.j
"""

COUNT_MINUTES = "SELECT count(*) FROM seed_minute"
COUNT_CLOSED = "SELECT count(*) FROM seed_case WHERE kind = 'closed'"
COUNT_RUNS = "SELECT coalesce(sum(n_runs), 0) FROM seed_case"

INSERT_CASES = """
INSERT INTO cases (id, sop_version_id, title, description, url, channel, priority, status,
                   current_step, waiting_role, waiting_account_id, reporter_id, reporter_name,
                   reporter_contact, recorded_by_id, assignee_id, rework_rounds, close_reason,
                   created_at, closed_at, version)
SELECT c.id, :sop_version_id, c.title, c.title || '. ' || c.detail, c.url, c.channel,
       CASE WHEN c.priority_set THEN c.priority ELSE c.priority_reported END,
       CASE c.kind WHEN 'open' THEN 'open' WHEN 'early' THEN 'closed_early' ELSE 'closed' END,
       CASE WHEN c.kind = 'open' THEN l.step END,
       CASE WHEN c.kind = 'open' THEN l.role END,
       CASE WHEN c.kind = 'open' AND l.step = ANY(CAST(:named_steps AS int[])) THEN c.jfu_id END,
       c.reporter_id, c.reporter_name, c.reporter_contact, c.recorded_by_id,
       CASE WHEN c.has_assignee THEN c.jfu_id END,
       l.round, c.close_reason, f.completed_at,
       CASE WHEN c.kind <> 'open' THEN l.completed_at END,
       CASE WHEN c.kind = 'open' THEN c.n_runs - 1 ELSE c.n_runs END
FROM seed_case c
JOIN seed_step f ON f.case_id = c.id AND f.j = 0
JOIN seed_step l ON l.case_id = c.id AND l.j = c.n_runs - 1
ORDER BY c.id
"""

INSERT_STEP_RUNS = """
INSERT INTO step_runs (id, case_id, step, round, role, standard_minutes, actionable_at,
                       opened_at, completed_at, due_at, performer_id, working_minutes, outcome)
SELECT s.id, s.case_id, s.step, s.round, s.role, s.standard_minutes, s.actionable_at,
       s.opened_at, s.completed_at, s.due_at, s.performer_id, round(s.seconds / 60.0, 2),
       s.outcome
FROM seed_step s
ORDER BY s.id
"""

# A text of the record kind's list, picked by the run's own draw.
_PICK_TEXT = """((CAST(:texts AS jsonb) -> {kind}) ->> floor(s.u_text
                  * jsonb_array_length(CAST(:texts AS jsonb) -> {kind}))::int)"""
_INSTRUCTION_TEXT = _PICK_TEXT.format(kind="(CAST(:record_kinds AS text[]))[s.step]")
_REPORT_TEXT = _PICK_TEXT.format(kind="k.kind")
_STEP_LOG_TEXT = _PICK_TEXT.format(kind="'log'")
_ROUTINE_TEXT = _PICK_TEXT.format(kind="s.kind")

INSERT_INSTRUCTIONS = f"""
INSERT INTO instructions (kind, addressee_id, priority, text, created_at, case_id, step_run_id,
                          author_id)
SELECT (CAST(:record_kinds AS text[]))[s.step],
       CASE WHEN s.step = :assign_step THEN c.jfu_id END,
       CASE WHEN s.step = :priority_step AND c.priority <> c.priority_reported THEN c.priority END,
       {_INSTRUCTION_TEXT},
       s.completed_at, s.case_id, s.id, s.performer_id
FROM seed_step s
JOIN seed_case c ON c.id = s.case_id
WHERE s.outcome = 'completed' AND (CAST(:output_kinds AS text[]))[s.step] = 'instruction'
ORDER BY s.id
"""

INSERT_REPORTS = f"""
INSERT INTO reports (kind, text, created_at, case_id, step_run_id, author_id)
SELECT k.kind, {_REPORT_TEXT}, s.completed_at, s.case_id, s.id,
       s.performer_id
FROM seed_step s
CROSS JOIN LATERAL (
    SELECT CASE WHEN s.outcome = 'returned' THEN 'pengembalian'
                ELSE (CAST(:record_kinds AS text[]))[s.step] END AS kind
) k
WHERE s.outcome = 'returned'
   OR (s.outcome = 'completed' AND (CAST(:output_kinds AS text[]))[s.step] = 'report')
ORDER BY s.id
"""

INSERT_STEP_LOG = f"""
INSERT INTO log_entries (case_id, log_date, text, created_at, step_run_id, author_id)
SELECT s.case_id, (s.completed_at AT TIME ZONE :tz)::date,
       'Pemeliharaan portal: ' || c.title || ' — ' || {_STEP_LOG_TEXT},
       s.completed_at, s.id, s.performer_id
FROM seed_step s
JOIN seed_case c ON c.id = s.case_id
WHERE s.outcome = 'completed' AND (CAST(:output_kinds AS text[]))[s.step] = 'log_entry'
ORDER BY s.id
"""

# The case's audited fields before and after each action, as the services record them.
INSERT_CASE_AUDIT = """
INSERT INTO audit_events (occurred_at, actor_id, action, entity, entity_id, case_id, before,
                          after)
SELECT e.completed_at, e.performer_id, e.action, 'case', e.case_id, e.case_id,
       CASE WHEN e.j > 0 THEN jsonb_build_object(
           'status', 'open', 'current_step', e.step,
           'waiting_role', (CAST(:roles AS text[]))[e.step],
           'waiting_account_id', CASE WHEN e.step = ANY(CAST(:named_steps AS int[]))
                                      THEN e.jfu_id END,
           'assignee_id', CASE WHEN e.j > :assign_position THEN e.jfu_id END,
           'rework_rounds', e.round,
           'priority', CASE WHEN e.j > :priority_position THEN e.priority
                            ELSE e.priority_reported END,
           'close_reason', NULL) END,
       jsonb_build_object(
           'status', CASE WHEN e.outcome = 'closed_early' THEN 'closed_early'
                          WHEN e.next_step IS NULL THEN 'closed' ELSE 'open' END,
           'current_step', e.next_step,
           'waiting_role', (CAST(:roles AS text[]))[e.next_step],
           'waiting_account_id', CASE WHEN e.next_step = ANY(CAST(:named_steps AS int[]))
                                      THEN e.jfu_id END,
           'assignee_id', CASE WHEN e.j > :assign_position
                                 OR (e.j = :assign_position AND e.outcome = 'completed')
                               THEN e.jfu_id END,
           'rework_rounds', coalesce(e.next_round, e.round),
           'priority', CASE WHEN e.j > :priority_position
                              OR (e.j = :priority_position AND e.outcome = 'completed')
                            THEN e.priority ELSE e.priority_reported END,
           'close_reason', CASE WHEN e.outcome = 'closed_early' THEN e.close_reason END)
       || CASE WHEN e.j = 0 THEN jsonb_build_object('title', e.title, 'channel', e.channel)
               ELSE jsonb_build_object('step', e.step, 'fields', e.fields) END
       || jsonb_build_object('run', jsonb_build_object(
           'id', e.run_id, 'step', e.step, 'round', e.round, 'performer_id', e.performer_id,
           'actionable_at', e.actionable_at, 'completed_at', e.completed_at,
           'working_minutes', round(e.seconds / 60.0, 2), 'outcome', e.outcome))
FROM (
    SELECT s.j, s.step, s.round, s.outcome, s.next_step, s.next_round, s.completed_at,
           s.id AS run_id, s.actionable_at, s.seconds, s.performer_id, s.case_id, c.jfu_id,
           c.priority, c.priority_reported,
           c.close_reason, c.title, c.channel,
           CASE WHEN s.j = 0 THEN 'case.report'
                WHEN s.outcome = 'returned' THEN 'case.return_for_rework'
                WHEN s.outcome = 'closed_early' THEN 'case.close_early'
                ELSE 'case.complete' END AS action,
           CASE WHEN s.outcome = 'returned'
                THEN jsonb_build_object('step', s.step, 'to_step', s.next_step)
                WHEN s.outcome = 'closed_early'
                THEN jsonb_build_object('step', s.step, 'reason', c.close_reason)
                WHEN s.j = :assign_position
                THEN jsonb_build_object('step', s.step, 'assignee_id', c.jfu_id)
                WHEN s.j = :priority_position
                THEN jsonb_build_object('step', s.step, 'priority',
                         CASE WHEN c.priority <> c.priority_reported THEN c.priority END)
                ELSE jsonb_build_object('step', s.step) END AS fields
    FROM seed_step s
    JOIN seed_case c ON c.id = s.case_id
    WHERE s.outcome IS NOT NULL
    ORDER BY s.completed_at, s.id
) e
"""

# Routine work outside any case, spread evenly over the working time of the window.
INSERT_ROUTINE_LOG = f"""
INSERT INTO log_entries (case_id, log_date, text, created_at, step_run_id, author_id)
SELECT NULL, m.day, {_ROUTINE_TEXT},
       m.at + ((s.pos - 1) % 60 + 1) * interval '1 second', NULL,
       pg_temp.pick(CAST(:authors AS int[]), s.u_author)
FROM (
    SELECT k, 1 + floor((k - 1 + random()) / :m * (:now_pos - 1))::bigint AS pos,
           random() AS u_text, random() AS u_author,
           CASE WHEN random() < :special_share THEN 'routine_special' ELSE 'routine' END AS kind
    FROM generate_series(1, :m) AS k
) s
JOIN seed_minute m ON m.n = (s.pos - 1) / 60
ORDER BY s.k
"""

DROP_TEMP = "DROP TABLE IF EXISTS seed_step, seed_case, seed_template, seed_minute, seed_period"


ANALYZE_TABLES = (
    "accounts",
    "account_roles",
    "cases",
    "step_runs",
    "instructions",
    "reports",
    "log_entries",
    "audit_events",
)

# --- Python: plans, word lists, phases -----------------------------------------------------


class BulkError(Exception):
    """The options cannot be honoured; nothing was written."""


@dataclass
class Phase:
    """One phase of the load; its rows are reported when it ends."""

    rows: int = 0


@dataclass
class Progress:
    """Prints one line per phase: rows written and seconds taken."""

    echo: Echo
    rows: dict[str, int] = field(default_factory=dict)

    @contextmanager
    def phase(self, label: str) -> Iterator[Phase]:
        """Time the block and print a line for it."""
        began, phase = time.perf_counter(), Phase()
        yield phase
        self.rows[label] = phase.rows
        self.echo(f"  {label:<34} {phase.rows:>10,} baris {time.perf_counter() - began:7.1f} dtk")

    def run(self, session: Session, label: str, sql: str, params: dict[str, Any]) -> int:
        """Execute one statement as a phase; its row count is the phase's."""
        with self.phase(label) as phase:
            phase.rows = int(session.execute(sa.text(sql), params).rowcount)
        return phase.rows


@dataclass(frozen=True)
class BulkAccount:
    """An account the bulk load adds."""

    username: str
    full_name: str
    email: str
    role: Role


def bulk_accounts(rng: random.Random) -> list[BulkAccount]:
    """Several JFUs, a few Kasi and Kasubdit, 200 pengguna: `jfu.01`, `pengguna.001`, ..."""
    names = _unique_names(rng, sum(count for _, count in BULK_ACCOUNTS))
    accounts = []
    for role, count in BULK_ACCOUNTS:
        width = max(2, len(str(count)))
        for number in range(1, count + 1):
            username = f"{role.value}.{number:0{width}d}"
            domain = "dgip.go.id" if role is not Role.PENGGUNA else rng.choice(_MAIL_DOMAINS)
            accounts.append(BulkAccount(username, names.pop(), f"{username}@{domain}", role))
    return accounts


_MAIL_DOMAINS = ("gmail.com", "yahoo.co.id", "konsultanki.co.id", "ui.ac.id", "dgip.go.id")


def _unique_names(rng: random.Random, count: int) -> list[str]:
    pairs = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(pairs)
    return pairs[:count]


def outside_reporters(rng: random.Random, count: int = 500) -> tuple[list[str], list[str]]:
    """Names and contacts of people who phone, e-mail or walk in (no account)."""
    names, contacts = [], []
    for _ in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        names.append(f"{first} {last}")
        if rng.random() < 0.7:
            contacts.append(
                f"+62 8{rng.randint(11, 59)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
            )
        else:
            handle = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
            contacts.append(f"{handle}@{rng.choice(_MAIL_DOMAINS)}")
    return names, contacts


def titles() -> list[str]:
    """Everyday portal problems, per service and general."""
    return [p.format(s) for p in SERVICE_PROBLEMS for s in SERVICES] + list(GENERAL_PROBLEMS)


def bounds(weights: Sequence[float]) -> list[float]:
    """Lower bounds of the buckets for width_bucket(): weights (a, b, c) → [0, a, a + b]."""
    total = sum(weights)
    edges, running = [], 0.0
    for weight in weights:
        edges.append(running / total)
        running += weight
    return edges


@dataclass(frozen=True)
class Template:
    """The runs a case walks for 0, 1 and 2 rework rounds, as parallel columns."""

    rework: list[int]
    j: list[int]
    step: list[int]
    round: list[int]
    returns: list[bool]
    run_counts: list[int]

    def columns(self) -> dict[str, list[Any]]:
        """The parameters of CREATE_TEMPLATE."""
        return {
            "rework": self.rework,
            "j": self.j,
            "step": self.step,
            "round": self.round,
            "returns": self.returns,
        }


def run_template(sop: SopDefinition, max_rework: int = 2) -> Template:
    """Steps in order; each rework round repeats the returned-to steps up to the returning one."""
    back = next(step for step in sop.steps if step.may_return_to)
    to = back.may_return_to or back.number
    columns: dict[str, list[Any]] = {k: [] for k in ("rework", "j", "step", "round", "returns")}
    counts = []
    for rework in range(max_rework + 1):
        runs: list[tuple[int, int, bool]] = [
            (n, 0, n == back.number and rework > 0) for n in range(1, back.number + 1)
        ]
        for round_ in range(1, rework + 1):
            runs += [
                (n, round_, n == back.number and round_ < rework)
                for n in range(to, back.number + 1)
            ]
        runs += [(n, rework, False) for n in range(back.number + 1, sop.last_step + 1)]
        for j, (step, round_, returns) in enumerate(runs):
            for key, value in zip(columns, (rework, j, step, round_, returns), strict=True):
                columns[key].append(value)
        counts.append(len(runs))
    return Template(**columns, run_counts=counts)


def working_periods(
    calendar: WorkingCalendar, first: date, last: date
) -> Iterator[tuple[datetime, int, date]]:
    """Each working period of the calendar from `first` to `last`: start, minutes, local day."""
    for ordinal in range(first.toordinal(), last.toordinal() + 1):
        day = date.fromordinal(ordinal)
        if day in calendar.holidays:
            continue
        for start, end in calendar.week[day.weekday()]:
            begin = datetime.combine(day, start, calendar.tz)
            minutes = (datetime.combine(day, end) - datetime.combine(day, start)) // timedelta(
                minutes=1
            )
            yield begin, minutes, day


def load_minutes(session: Session, calendar: WorkingCalendar, now: datetime) -> int:
    """Copy the calendar's working periods in and unroll them; return now's position (seconds)."""
    today = now.astimezone(calendar.tz).date()
    first, last = today - timedelta(days=WINDOW_DAYS), today + timedelta(days=HORIZON_DAYS)
    buffer, number, past = io.StringIO(), 0, 0
    for begin, minutes, day in working_periods(calendar, first, last):
        buffer.write(f"{number}\t{begin.isoformat()}\t{minutes}\t{day.isoformat()}\n")
        # Minutes that have fully passed: every position up to now lies in them.
        done = int((now - begin) // timedelta(minutes=1))
        past += max(0, min(minutes, done))
        number += minutes
    session.execute(sa.text(CREATE_PERIODS))
    buffer.seek(0)
    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    with raw.cursor() as cursor:
        cursor.copy_expert(COPY_PERIODS, buffer)
    session.execute(sa.text(CREATE_MINUTES))
    if past < 2:
        raise BulkError("Kalender kerja tidak punya waktu kerja dalam dua tahun terakhir.")
    return past * 60


def already_loaded(session: Session) -> AuditEvent | None:
    """The marker of an earlier bulk load, if any."""
    return session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.entity == MARKER_ENTITY, AuditEvent.action == MARKER_ACTION)
        .limit(1)
    ).first()


def _reserve(session: Session, table: str, count: int) -> int:
    """The first of `count` ids taken from the table's sequence for explicit use."""
    if count == 0:
        return 1
    return int(session.execute(sa.text(RESERVE_IDS), {"table": table, "count": count}).scalar())


def create_accounts(
    session: Session, accounts: list[BulkAccount], password_hash: str, created_at: datetime
) -> int:
    """Insert the bulk accounts with one password hash, their roles and audit events."""
    params = {
        "usernames": [a.username for a in accounts],
        "full_names": [a.full_name for a in accounts],
        "emails": [a.email for a in accounts],
        "roles": [a.role.value for a in accounts],
        "password_hash": password_hash,
        "created_at": created_at,
    }
    count = int(session.execute(sa.text(INSERT_ACCOUNTS), params).rowcount)
    session.execute(sa.text(INSERT_ACCOUNT_ROLES), params)
    session.execute(sa.text(AUDIT_ACCOUNTS), params)
    return count


def people_by_role(session: Session, usernames: list[str]) -> dict[str, list[tuple[int, str]]]:
    """(id, full name) of the demo and bulk accounts, per role code."""
    people: dict[str, list[tuple[int, str]]] = {}
    for code, account_id, full_name in session.execute(
        sa.text(SELECT_PEOPLE), {"usernames": usernames}
    ):
        people.setdefault(str(code), []).append((account_id, full_name))
    missing = [r.value for r in Role if r is not Role.SUPERUSER and not people.get(r.value)]
    if missing:
        raise BulkError(f"Tidak ada akun aktif untuk peran: {', '.join(missing)}.")
    return people


def _sql_params(sop: SopDefinition, template: Template) -> dict[str, Any]:
    """The SOP facts the statements read, indexed by step number."""
    assign_step = next(s.number for s in sop.steps if s.names_assignee)
    priority_step = next(s.number for s in sop.steps if s.sets_priority)
    return {
        "roles": [s.role for s in sop.steps],
        "named_steps": list(sop.named_steps),
        "standards": [s.standard_minutes for s in sop.steps],
        "record_kinds": [s.record_kind for s in sop.steps],
        "output_kinds": [s.output_kind.value for s in sop.steps],
        "over_shares": [OVER_SHARES.get(s.number, 0.0) for s in sop.steps],
        "assign_step": assign_step,
        "priority_step": priority_step,
        # The position (j) of those steps in every walk: before any rework round.
        "assign_position": assign_step - 1,
        "priority_position": priority_step - 1,
        "run_counts": template.run_counts,
        "texts": json.dumps(TEXTS, ensure_ascii=False),
    }


def plan_cases(
    session: Session,
    n: int,
    first_case_id: int,
    now_pos: int,
    people: dict[str, list[tuple[int, str]]],
    rng: random.Random,
    common: dict[str, Any],
) -> None:
    """The per-case plan (seed_case)."""
    outsiders, contacts = outside_reporters(rng)
    ids = {role: [account_id for account_id, _ in rows] for role, rows in people.items()}
    session.execute(
        sa.text(PLAN_CASES),
        {
            **common,
            "n": n,
            "first_case_id": first_case_id,
            "now_pos": now_pos,
            "open_from": 1 - 2 * OPEN_SHARE,
            "early_share": EARLY_SHARE / (1 - OPEN_SHARE),
            "rework_values": list(range(len(REWORK_SHARES) + 1)),
            "rework_bounds": bounds([1 - sum(REWORK_SHARES), *REWORK_SHARES]),
            # Closed early at the run in position j = 1..8 (steps 2..9): j + 1 runs.
            "early_runs": list(range(2, len(EARLY_STEP_WEIGHTS) + 2)),
            "early_bounds": bounds(EARLY_STEP_WEIGHTS),
            "reasons": [r for r, _ in CLOSE_REASONS],
            "reason_bounds": bounds([w for _, w in CLOSE_REASONS]),
            "channels": [c for c, _ in CHANNELS],
            "channel_bounds": bounds([w for _, w in CHANNELS]),
            "priorities": [p for p, _ in PRIORITIES],
            "priority_bounds": bounds([w for _, w in PRIORITIES]),
            "reprioritise_share": REPRIORITISE_SHARE,
            "on_behalf_share": ON_BEHALF_SHARE,
            "fresh_share": FRESH_SHARE,
            "special_share": SPECIAL_SHARE,
            "special_titles": list(SPECIAL_TITLES),
            "titles": titles(),
            "details": list(DETAILS),
            "url_missing_share": URL_MISSING_SHARE,
            "urls": list(URLS),
            "outsiders": outsiders,
            "contacts": contacts,
            "pengguna": ids[Role.PENGGUNA.value],
            "pengguna_names": [name for _, name in people[Role.PENGGUNA.value]],
            "direktur": ids[Role.DIREKTUR.value],
            "kasubdit": ids[Role.KASUBDIT.value],
            "kasi": ids[Role.KASI.value],
            "jfu": ids[Role.JFU.value],
        },
    )


def plan_steps(session: Session, first_run_id: int, now_pos: int, common: dict[str, Any]) -> None:
    """The per-run plan with instants and performers (seed_step)."""
    low, high = UNTIMED_SECONDS
    session.execute(
        sa.text(PLAN_STEPS),
        {
            **common,
            "first_run_id": first_run_id,
            "now_pos": now_pos,
            "untimed_low": low,
            "untimed_ratio": high / low,
            "fresh_wait": FRESH_WAIT,
        },
    )


def _count(session: Session, sql: str) -> int:
    return int(session.execute(sa.text(sql)).scalar() or 0)


@dataclass(frozen=True)
class BulkResult:
    """What a bulk load wrote: the accounts (sharing `password`) and the rows per phase."""

    password: str
    accounts: list[BulkAccount]
    rows: dict[str, int]


def load(
    session: Session,
    *,
    cases: int,
    logs: int | None,
    now: datetime,
    calendar: WorkingCalendar,
    demo_usernames: Sequence[str],
    password: str,
    echo: Echo,
) -> BulkResult:
    """Write the bulk data in the session's transaction; the caller commits, then analyses.

    `logs` is the number of daily-log entries to write in all (step 9's plus routine ones);
    None writes step 9's only. Raises BulkError, having written nothing it keeps, when the
    options cannot be honoured.
    """
    progress = Progress(echo)
    rng = random.Random(SEED)
    version = version_for_new_case(session, None)
    sop = version.sop
    if sop.positions - set(BULK_ROLES):
        raise BulkError(
            f"SOP bawaan {sop.name} memakai jabatan yang tidak dikenal data massal "
            f"({', '.join(sorted(sop.positions - set(BULK_ROLES)))}); tidak ada yang diubah."
        )
    template = run_template(sop)
    common = _sql_params(sop, template)
    session.execute(sa.text(SESSION_SETTINGS))
    session.execute(sa.text(LOCK_TABLES))

    accounts = bulk_accounts(rng)
    probe = Account()
    probe.set_password(password)  # one argon2 hash for all: hashing is slow on purpose
    with progress.phase("akun (satu kata sandi)") as phase:
        created_at = now - timedelta(days=WINDOW_DAYS + 1)
        phase.rows = create_accounts(session, accounts, probe.password_hash, created_at)
    people = people_by_role(session, [*demo_usernames, *(a.username for a in accounts)])

    with progress.phase("kalender menit kerja (COPY)") as phase:
        now_pos = load_minutes(session, calendar, now)
        phase.rows = _count(session, COUNT_MINUTES)
    session.execute(sa.text(CREATE_TEMPLATE), template.columns())
    session.execute(sa.text(CREATE_HELPERS))
    session.execute(sa.text(SET_SEED), {"seed": SEED})

    with progress.phase("rencana kasus") as phase:
        plan_cases(session, cases, _reserve(session, "cases", cases), now_pos, people, rng, common)
        phase.rows = cases
    step_logs = _count(session, COUNT_CLOSED)
    if logs is not None and logs < step_logs:
        raise BulkError(
            f"--logs {logs:,} lebih kecil dari jumlah entri log langkah 9 ({step_logs:,}) "
            f"untuk --cases {cases:,}; tidak ada yang diubah."
        )
    with progress.phase("rencana langkah (waktu kerja)") as phase:
        phase.rows = _count(session, COUNT_RUNS)
        plan_steps(session, _reserve(session, "step_runs", phase.rows), now_pos, common)

    params = {**common, "sop_version_id": version.id, "tz": str(calendar.tz), "now_pos": now_pos}
    progress.run(session, "cases", INSERT_CASES, params)
    progress.run(session, "step_runs", INSERT_STEP_RUNS, params)
    progress.run(session, "instructions", INSERT_INSTRUCTIONS, params)
    progress.run(session, "reports", INSERT_REPORTS, params)
    progress.run(session, "log_entries (langkah 9)", INSERT_STEP_LOG, params)
    progress.run(session, "audit_events (kasus)", INSERT_CASE_AUDIT, params)
    routine = 0 if logs is None else logs - step_logs
    if routine:
        authors = [i for role in (Role.KASI, Role.JFU) for i, _ in people[role.value]]
        progress.run(
            session,
            "log_entries (rutin, tanpa kasus)",
            INSERT_ROUTINE_LOG,
            {**params, "m": routine, "authors": authors, "special_share": SPECIAL_SHARE},
        )
    session.execute(sa.text(DROP_TEMP))
    session.execute(sa.text(DROP_HELPERS))
    session.add(
        AuditEvent(
            actor_id=None,
            action=MARKER_ACTION,
            entity=MARKER_ENTITY,
            occurred_at=now,
            after={
                "cases": cases,
                "log_entries": step_logs + routine,
                "accounts": [a.username for a in accounts],
                "seed": SEED,
            },
        )
    )
    session.flush()
    return BulkResult(password, accounts, progress.rows)


def analyze(session: Session, echo: Echo) -> None:
    """Fresh planner statistics and visibility maps for the tables the load filled.

    VACUUM as well as ANALYZE: index-only scans need the visibility map, and a server may run
    with autovacuum off (this machine's does). Inside an outer transaction (the tests) VACUUM
    cannot run, so ANALYZE alone.
    """
    began = time.perf_counter()
    bind = session.get_bind()
    if isinstance(bind, sa.Engine):
        with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in ANALYZE_TABLES:
                conn.execute(sa.text(f"VACUUM (ANALYZE) {table}"))
        label = "VACUUM (ANALYZE)"
    else:
        for table in ANALYZE_TABLES:
            session.execute(sa.text(f"ANALYZE {table}"))
        label = "ANALYZE"
    echo(f"  {label:<34} {'':>10}       {time.perf_counter() - began:7.1f} dtk")
