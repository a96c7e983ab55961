"""Refusals raised by the services (beyond the SOP's own), with messages in both languages."""

from __future__ import annotations

from collections.abc import Mapping

from rules.errors import RuleError

SERVICE_MESSAGES: dict[str, dict[str, str]] = {
    "unknown_role": {
        "id": "Peran tidak dikenal: {role}. Pilihan: {choices}.",
        "en": "Unknown role: {role}. Choices: {choices}.",
    },
    "role_required": {
        "id": "Akun harus memiliki setidaknya satu peran.",
        "en": "An account needs at least one role.",
    },
    "duplicate_username": {
        "id": "Nama pengguna {username} sudah dipakai.",
        "en": "The username {username} is already taken.",
    },
    "invalid_username": {
        "id": "Nama pengguna harus 3–50 karakter: huruf kecil, angka, titik, garis bawah atau "
        "tanda hubung.",
        "en": "A username must be 3–50 characters: lower-case letters, digits, dot, underscore "
        "or hyphen.",
    },
    "full_name_required": {
        "id": "Nama lengkap wajib diisi.",
        "en": "The full name is required.",
    },
    "password_too_short": {
        "id": "Kata sandi terlalu pendek: minimal {min_length} karakter.",
        "en": "The password is too short: at least {min_length} characters.",
    },
    "password_too_long": {
        "id": "Kata sandi terlalu panjang: maksimal {max_length} karakter.",
        "en": "The password is too long: at most {max_length} characters.",
    },
    "password_contains_username": {
        "id": "Kata sandi tidak boleh memuat nama pengguna.",
        "en": "The password must not contain the username.",
    },
    "password_contains_name": {
        "id": "Kata sandi tidak boleh memuat nama pemilik akun.",
        "en": "The password must not contain the account holder's name.",
    },
    "cannot_grant_self": {
        "id": "Anda tidak dapat memberi diri sendiri jabatan {role}; superuser lain yang "
        "memberikannya.",
        "en": "You cannot give yourself the position {role}; another superuser must.",
    },
    "current_password_wrong": {
        "id": "Kata sandi saat ini salah; kata sandi tidak diubah.",
        "en": "The current password is wrong; the password was not changed.",
    },
    "password_unchanged": {
        "id": "Kata sandi baru sama dengan yang sekarang; pilih yang lain.",
        "en": "The new password is the same as the current one; choose another.",
    },
    "password_too_common": {
        "id": "Kata sandi terlalu umum atau mudah ditebak (kata umum, pola papan ketik, nama, "
        "tahun); pakai beberapa kata acak, mis. empat kata dengan tanda hubung.",
        "en": "The password is too common or too easy to guess (common words, keyboard "
        "patterns, names, years); use several random words, e.g. four words with hyphens.",
    },
    "account_inactive": {
        "id": "Akun ini tidak aktif.",
        "en": "This account is inactive.",
    },
    "assignee_not_eligible": {
        "id": "Pelaksana yang ditunjuk tidak ditemukan, tidak aktif, atau tidak memegang jabatan "
        "{role}.",
        "en": "The named performer does not exist, is inactive, or does not hold the position "
        "{role}.",
    },
    "invalid_email": {
        "id": "Alamat email tidak sah: {email}.",
        "en": "Not a valid email address: {email}.",
    },
    "cannot_deactivate_self": {
        "id": "Anda tidak dapat menonaktifkan akun Anda sendiri.",
        "en": "You cannot deactivate your own account.",
    },
    "last_superuser": {
        "id": "{username} adalah satu-satunya superuser aktif; peran superuser dan status aktifnya "
        "tidak dapat dicabut sebelum ada superuser aktif lain.",
        "en": "{username} is the only active superuser; the superuser role and active status "
        "cannot be removed until another superuser is active.",
    },
    "grant_protected": {
        "id": "Hak {perm} pada layar {screen} untuk {role} tidak dapat dicabut: tanpa hak itu "
        "tidak ada yang dapat mengelola akun dan hak akses.",
        "en": "The right to {perm} on {screen} for {role} cannot be removed: without it nobody "
        "could manage accounts and rights.",
    },
    "position_name_required": {
        "id": "Nama jabatan wajib diisi.",
        "en": "The position's name is required.",
    },
    "position_name_too_long": {
        "id": "Nama jabatan terlalu panjang (paling banyak {limit} karakter).",
        "en": "The position's name is too long (at most {limit} characters).",
    },
    "position_code_invalid": {
        "id": "Kode jabatan {code!r} harus huruf kecil, angka dan tanda hubung (paling banyak "
        "{limit} karakter), misalnya kasi-jaringan.",
        "en": "The position code {code!r} must be lower-case letters, digits and hyphens (at most "
        "{limit} characters), e.g. kasi-jaringan.",
    },
    "position_exists": {
        "id": "Sudah ada jabatan {code} ({name}).",
        "en": "The position {code} ({name}) exists already.",
    },
    "day_off_exists": {
        "id": "Tanggal {day} sudah tercatat sebagai hari libur.",
        "en": "{day} is already recorded as a day off.",
    },
    "sop_no_draft": {
        "id": "{name} tidak punya draf untuk diterbitkan.",
        "en": "{name} has no draft to publish.",
    },
    "sop_name_required": {
        "id": "Nama SOP wajib diisi.",
        "en": "The SOP's name is required.",
    },
    "sop_file_kind": {
        "id": "Berkas {name} tidak dapat dibaca sebagai tabel SOP; jenis yang diterima: {kinds}.",
        "en": "The file {name} cannot be read as an SOP table; accepted kinds: {kinds}.",
    },
    "sop_file_empty": {"id": "Berkas {name} kosong.", "en": "The file {name} is empty."},
    "sop_file_too_large": {
        "id": "Berkas {name} terlalu besar (paling besar {limit}).",
        "en": "The file {name} is too large (at most {limit}).",
    },
    "sop_file_too_big_table": {
        "id": "Tabel dalam {name} terlalu besar (paling banyak {rows} baris).",
        "en": "The table in {name} is too large (at most {rows} rows).",
    },
    "sop_file_binary": {
        "id": "Berkas {name} bukan teks; unggah teks bertab, .docx atau .xlsx.",
        "en": "The file {name} is not text; upload tab-separated text, .docx or .xlsx.",
    },
    "sop_file_not_table": {
        "id": "Berkas {name} tidak memuat tabel (teks harus dipisah tab antar-kolom).",
        "en": "The file {name} holds no table (text must separate its columns with tabs).",
    },
    "sop_file_unreadable": {
        "id": "Berkas {name} rusak atau bukan dokumen yang dinyatakan ekstensinya.",
        "en": "The file {name} is damaged or not the document its extension says.",
    },
    "sop_unknown": {
        "id": "SOP {key} belum ada.",
        "en": "There is no SOP {key}.",
    },
    "sop_not_published": {
        "id": "SOP {key} belum diterbitkan atau sudah ditarik; tidak ada kasus baru yang dapat "
        "dijalankan dengannya.",
        "en": "The SOP {key} is not published or has been retired; no new case can run on it.",
    },
    "sop_no_default": {
        "id": "Belum ada SOP bawaan; superuser perlu menerbitkan SOP lebih dulu.",
        "en": "There is no default SOP yet; a superuser must publish one first.",
    },
    "sop_unknown_positions": {
        "id": "Jabatan berikut belum ada: {positions}. Tambahkan di Administrasi → Jabatan.",
        "en": "These positions do not exist: {positions}. Add them under Administration → "
        "Positions.",
    },
    "sop_exists": {
        "id": "Sudah ada SOP dengan kunci atau nama ini ({key}: {name}); pilih nama lain atau "
        "jadikan versi baru SOP itu.",
        "en": "An SOP with this key or name exists already ({key}: {name}); choose another name "
        "or make it a new version of that SOP.",
    },
    "sop_key_mismatch": {
        "id": "Kunci SOP {key} bukan kunci SOP yang diperbarui ({expected}).",
        "en": "The SOP key {key} is not the key of the SOP being updated ({expected}).",
    },
    "sop_version_mismatch": {
        "id": "Nomor versi {version} tidak sesuai; versi berikutnya adalah {expected}.",
        "en": "Version number {version} does not fit; the next version is {expected}.",
    },
    "sop_not_draft": {
        "id": "SOP {key} versi {version} bukan draf; versi yang sudah diterbitkan tidak diubah.",
        "en": "SOP {key} version {version} is not a draft; a published version never changes.",
    },
    "sop_default_retire": {
        "id": "{name} adalah SOP bawaan; jadikan SOP lain bawaan sebelum menariknya.",
        "en": "{name} is the default SOP; make another SOP the default before retiring it.",
    },
}


class ServiceError(RuleError):
    """A refusal from a service; same shape as the SOP's RuleError, own message table."""

    def _templates(self) -> Mapping[str, str] | None:
        return SERVICE_MESSAGES.get(self.code) or super()._templates()
