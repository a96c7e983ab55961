"""Every refusal message, in Bahasa Indonesia and English, keyed by the error code."""

MESSAGES: dict[str, dict[str, str]] = {
    # Refusals decided by the rules.
    "unknown_step": {
        "id": "Langkah {step} tidak ada dalam SOP ini.",
        "en": "Step {step} does not exist in this SOP.",
    },
    "case_closed": {
        "id": "Kasus sudah ditutup; tidak ada tindakan lagi.",
        "en": "The case is already closed; no further action is possible.",
    },
    "action_not_allowed": {
        "id": "Tindakan {action} tidak dapat dilakukan pada kasus ini.",
        "en": "The action {action} cannot be taken on this case.",
    },
    "wrong_role": {
        "id": "Tindakan ini pada langkah {step} hanya untuk peran: {role}.",
        "en": "This action at step {step} is only for the role: {role}.",
    },
    "not_assigned_jfu": {
        "id": "Langkah {step} hanya dapat dikerjakan oleh JFU yang ditugaskan.",
        "en": "Step {step} can only be done by the JFU assigned to it.",
    },
    "step_not_current": {
        "id": "Langkah {step} bukan langkah saat ini (langkah saat ini: {current}).",
        "en": "Step {step} is not the current step (the current step is {current}).",
    },
    "return_not_allowed": {
        "id": "Langkah {step} tidak dapat mengembalikan kasus untuk diperbaiki ulang.",
        "en": "Step {step} cannot send the case back for rework.",
    },
    "output_missing": {
        "id": "Langkah {step} memerlukan isian {field}.",
        "en": "Step {step} requires the field {field}.",
    },
    "reason_required": {
        "id": "Alasan wajib diisi.",
        "en": "A reason is required.",
    },
    "kelengkapan_incomplete": {
        "id": "Kelengkapan langkah {step} belum lengkap: {missing}.",
        "en": "The required inputs of step {step} are not all confirmed: {missing}.",
    },
    "text_too_long": {
        "id": "Isian {field} terlalu panjang (paling banyak {limit} karakter).",
        "en": "The field {field} is too long (at most {limit} characters).",
    },
    "text_invalid": {
        "id": "Isian {field} mengandung karakter yang tidak diizinkan.",
        "en": "The field {field} contains characters that are not allowed.",
    },
    "invalid_choice": {
        "id": "Nilai {value} tidak valid untuk {field}; pilihan: {choices}.",
        "en": "{value} is not a valid {field}; choices: {choices}.",
    },
    "field_required": {
        "id": "Isian {field} wajib diisi.",
        "en": "The field {field} is required.",
    },
    "field_invalid": {
        "id": "Isian {field} tidak valid.",
        "en": "The field {field} is not valid.",
    },
    "assignee_required": {
        "id": "Langkah {step} memerlukan JFU yang ditugaskan.",
        "en": "Step {step} requires naming the assigned JFU.",
    },
    "reporter_required": {
        "id": "Nama dan kontak pelapor wajib diisi bila laporan dicatat atas nama orang lain.",
        "en": "The reporter's name and contact are required when recording on someone's behalf.",
    },
    # Malformed SOP definitions and imports.
    "sop_invalid": {
        "id": "Definisi SOP {source} tidak valid: {reason}",
        "en": "The SOP definition {source} is invalid: {reason}",
    },
    "sop_step_invalid": {
        "id": "Definisi SOP {source}, langkah {step}, tidak valid: {reason}",
        "en": "The SOP definition {source}, step {step}, is invalid: {reason}",
    },
    "sop_import_invalid": {
        "id": "Tabel SOP tidak dapat diimpor, baris {line}: {reason}",
        "en": "The SOP table cannot be imported, line {line}: {reason}",
    },
    # Why a closed case did not follow the SOP exactly (rules.stats.conformance_reasons).
    "conformance_wrong_performer": {
        "id": "Langkah {step} dikerjakan oleh peran di luar SOP (seharusnya: {role}).",
        "en": "Step {step} was done by a role the SOP does not name (expected: {role}).",
    },
    "conformance_skipped_step": {
        "id": "Langkah {step} dilewati.",
        "en": "Step {step} was skipped.",
    },
    "conformance_rework": {
        "id": "Perbaikan dikembalikan untuk dikerjakan ulang ({rounds} putaran).",
        "en": "The fix was sent back for rework ({rounds} rounds).",
    },
    "conformance_closed_early": {
        "id": "Ditutup lebih awal pada langkah {step}.",
        "en": "Closed early at step {step}.",
    },
    "conformance_incomplete": {
        "id": "Tidak diselesaikan sampai langkah terakhir ({step}).",
        "en": "Not completed through the last step ({step}).",
    },
    # Refusals decided by the services around the rules.
    "already_done": {
        "id": "Langkah {step} sudah diselesaikan oleh {by}.",
        "en": "Step {step} has already been completed by {by}.",
    },
    "stale_case": {
        "id": "Kasus telah berubah sejak halaman dibuka; muat ulang lalu coba lagi.",
        "en": "The case changed since the page was opened; reload and try again.",
    },
    "not_found": {
        "id": "Data tidak ditemukan.",
        "en": "Not found.",
    },
    "forbidden": {
        "id": "Anda tidak berhak melakukan tindakan ini.",
        "en": "You are not allowed to do this.",
    },
}
