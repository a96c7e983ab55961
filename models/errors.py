"""Refusals raised by the services (beyond the SOP's own), with messages in both languages."""

from __future__ import annotations

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
    "password_too_common": {
        "id": "Kata sandi terlalu umum atau mudah ditebak.",
        "en": "The password is too common or too easy to guess.",
    },
    "account_inactive": {
        "id": "Akun ini tidak aktif.",
        "en": "This account is inactive.",
    },
    "assignee_not_jfu": {
        "id": "JFU yang ditunjuk tidak ditemukan, tidak aktif, atau bukan JFU.",
        "en": "The named JFU does not exist, is inactive, or is not a JFU.",
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
    "day_off_exists": {
        "id": "Tanggal {day} sudah tercatat sebagai hari libur.",
        "en": "{day} is already recorded as a day off.",
    },
    "sop_unknown": {
        "id": "SOP {key} belum ada.",
        "en": "There is no SOP {key}.",
    },
}


class ServiceError(RuleError):
    """A refusal from a service; same shape as the SOP's RuleError, own message table."""

    def message(self, lang: str = "id") -> str:
        templates = SERVICE_MESSAGES.get(self.code)
        if templates is None:
            return super().message(lang)
        return templates.get(lang, templates["id"]).format(**self.params)
