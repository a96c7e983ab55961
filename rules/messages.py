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
    "not_named_performer": {
        "id": "Langkah {step} hanya dapat dikerjakan oleh pelaksana yang ditunjuk untuknya.",
        "en": "Step {step} can only be done by the performer named for it.",
    },
    "separate_duty": {
        "id": "Langkah {step} tidak boleh dikerjakan oleh pelaksana langkah {other} kasus ini; "
        "minta rekan lain dengan jabatan yang sama.",
        "en": "Step {step} may not be done by whoever did step {other} of this case; ask a "
        "colleague in the same position.",
    },
    "separate_duty_named": {
        "id": "Pelaksana langkah {other} kasus ini tidak boleh ditunjuk untuk langkah {step}; "
        "tunjuk orang lain.",
        "en": "Whoever did step {other} of this case may not be named for step {step}; name "
        "someone else.",
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
        "id": "Langkah {step} memerlukan pelaksana yang ditunjuk untuk langkah {targets}.",
        "en": "Step {step} requires naming the performer of step {targets}.",
    },
    "reassign_not_allowed": {
        "id": "Pelaksana langkah {step} tidak ditunjuk per kasus; tidak ada yang dapat diganti.",
        "en": "The performer of step {step} is not named case by case; nothing to replace.",
    },
    "same_assignee": {
        "id": "Pelaksana yang dipilih sudah ditunjuk untuk langkah ini.",
        "en": "The chosen performer is already named for this step.",
    },
    "reporter_required": {
        "id": "Nama dan kontak pelapor wajib diisi bila laporan dicatat atas nama orang lain.",
        "en": "The reporter's name and contact are required when recording on someone's behalf.",
    },
    # Malformed SOP definitions and imports: the refusal, then the reason inside it.
    "sop_invalid": {
        "id": "Definisi SOP {source} tidak valid: {reason}",
        "en": "The SOP definition {source} is invalid: {reason}",
    },
    "sop_step_invalid": {
        "id": "Definisi SOP {source}, langkah {step}, tidak valid: {reason}",
        "en": "The SOP definition {source}, step {step}, is invalid: {reason}",
    },
    "sop_import_invalid": {
        "id": "Baris {line}: {reason}",
        "en": "Row {line}: {reason}",
    },
    "sop_not_a_table": {
        "id": "definisi harus berupa tabel kunci dan nilai.",
        "en": "the definition must be a table of keys.",
    },
    "sop_missing_key": {"id": "kunci {name!r} tidak ada.", "en": "the key {name!r} is missing."},
    "sop_unknown_key": {
        "id": "kunci {name!r} tidak dikenal.",
        "en": "the key {name!r} is not known.",
    },
    "sop_not_text": {"id": "{name} harus berupa teks.", "en": "{name} must be text."},
    "sop_empty_text": {"id": "{name} tidak boleh kosong.", "en": "{name} must not be empty."},
    "sop_not_a_code": {
        "id": "{name} {value!r} harus berupa kode huruf kecil, angka dan tanda hubung.",
        "en": "{name} {value!r} must be a code of lower-case letters, digits and hyphens.",
    },
    "sop_not_positive": {
        "id": "{name} harus bilangan bulat positif.",
        "en": "{name} must be a positive whole number.",
    },
    "sop_not_a_flag": {"id": "{name} harus ya atau tidak.", "en": "{name} must be true or false."},
    "sop_not_a_list": {"id": "{name} harus berupa daftar.", "en": "{name} must be a list."},
    "sop_bad_choice": {
        "id": "{name} harus salah satu dari: {choices}.",
        "en": "{name} must be one of: {choices}.",
    },
    "sop_name_too_long": {
        "id": "nama SOP terlalu panjang (paling banyak {limit} karakter).",
        "en": "the SOP's name is too long (at most {limit} characters).",
    },
    "sop_too_few_steps": {
        "id": "SOP memerlukan paling sedikit dua langkah.",
        "en": "an SOP needs at least two steps.",
    },
    "sop_step_order": {
        "id": "langkah harus bernomor 1..N berurutan: seharusnya {expected}, tertulis {found}.",
        "en": "steps must be numbered 1..N in order: expected {expected}, found {found}.",
    },
    "sop_first_not_case": {
        "id": "langkah pertama harus membuka kasus (laporan masalah).",
        "en": "the first step must open the case (the report).",
    },
    "sop_case_not_first": {
        "id": "hanya langkah pertama yang membuka kasus.",
        "en": "only the first step opens the case.",
    },
    "sop_first_behaviour": {
        "id": "langkah pertama membuka kasus; ia tidak menunjuk, mengembalikan atau menetapkan "
        "prioritas.",
        "en": "the first step opens the case; it cannot name, return or set the priority.",
    },
    "sop_names_missing": {
        "id": "menunjuk pelaksana langkah {target}, yang tidak ada dalam SOP.",
        "en": "names the performer of step {target}, which the SOP does not have.",
    },
    "sop_names_not_later": {
        "id": "hanya dapat menunjuk pelaksana langkah sesudahnya, bukan langkah {target}.",
        "en": "can only name the performer of a later step, not of step {target}.",
    },
    "sop_separate_target": {
        "id": "langkah {target} tidak dapat dipisahkan dari langkah ini: pisahkan hanya dari "
        "langkah sebelumnya, setelah laporan.",
        "en": "step {target} cannot be kept apart from this step: keep it apart only from an "
        "earlier step, after the report.",
    },
    "sop_two_naming_steps": {
        "id": "hanya satu langkah yang menunjuk pelaksana, dan langkah {first} sudah "
        "menunjuknya; tunjuk semua langkahnya dari langkah {first}.",
        "en": "only one step names the performer, and step {first} does already; name all "
        "its steps from step {first}.",
    },
    "sop_return_target": {
        "id": "hanya dapat mengembalikan ke langkah sebelumnya (bukan langkah pertama), "
        "bukan ke langkah {target}.",
        "en": "can only return to an earlier step after the first, not to step {target}.",
    },
    "sop_superuser_performs": {
        "id": "superuser mengelola akun dan SOP, bukan pelaksana langkah.",
        "en": "the superuser manages accounts and SOPs and performs no step.",
    },
    "sop_kelengkapan_twice": {
        "id": "kelengkapan {item!r} tercantum dua kali.",
        "en": "the required input {item!r} is listed twice.",
    },
    "sop_record_kind_unused": {
        "id": "record_kind hanya untuk langkah yang menghasilkan instruksi atau laporan.",
        "en": "record_kind is only for a step that outputs an instruction or a report.",
    },
    "sop_record_kind_reserved": {
        "id": "jenis catatan {value!r} dipakai untuk pengembalian.",
        "en": "the record kind {value!r} is kept for returns.",
    },
    "sop_unreadable": {"id": "tidak dapat dibaca: {reason}", "en": "cannot be read: {reason}"},
    "sop_not_toml": {"id": "bukan TOML yang sah: {reason}", "en": "is not valid TOML: {reason}"},
    "sop_import_no_header": {
        "id": "tidak ada baris judul kolom dengan Kelengkapan, Waktu, Output (MUTU BAKU).",
        "en": "no header row with Kelengkapan, Waktu, Output (MUTU BAKU).",
    },
    "sop_import_header_start": {
        "id": "baris judul kolom harus diawali No dan Kegiatan.",
        "en": "the header row must start with No and Kegiatan.",
    },
    "sop_import_no_steps": {
        "id": "tabel tidak memuat satu langkah pun di bawah baris judul.",
        "en": "the table holds no step below its header row.",
    },
    "sop_import_too_few_columns": {
        "id": "terlalu sedikit kolom: seharusnya paling sedikit {expected}, terbaca {found}.",
        "en": "too few columns: expected at least {expected}, found {found}.",
    },
    "sop_import_bad_number": {
        "id": "nomor langkah {value!r} bukan angka.",
        "en": "the step number {value!r} is not a number.",
    },
    "sop_import_duplicate_number": {
        "id": "nomor langkah {number} muncul dua kali.",
        "en": "the step number {number} appears twice.",
    },
    "sop_import_missing_number": {
        "id": "langkah {number} tidak ada: langkah harus bernomor 1..N tanpa celah.",
        "en": "step {number} is missing: steps must be numbered 1..N without gaps.",
    },
    "sop_import_bad_time": {
        "id": 'waktu {value!r} tidak terbaca; tulis misalnya "10 menit", "1 jam", '
        '"1,5 jam" atau "1 hari", atau kosongkan bila tanpa standar.',
        "en": 'the time {value!r} cannot be read; write e.g. "10 minutes", "1 hour", '
        '"1.5 hours" or "1 day", or leave it blank for no standard.',
    },
    "sop_import_no_activity": {
        "id": "kolom Kegiatan kosong.",
        "en": "the Kegiatan (activity) cell is empty.",
    },
    "sop_import_two_marks": {
        "id": "lebih dari satu pelaksana ditandai ({columns}); pilih satu.",
        "en": "more than one performer is marked ({columns}); choose one.",
    },
    "sop_import_no_performer": {
        "id": "pelaksana langkah {step} belum dipilih.",
        "en": "no performer is chosen for step {step}.",
    },
    "sop_import_column_unmapped": {
        "id": "kolom pelaksana {column!r} belum dipetakan ke jabatan.",
        "en": "the performer column {column!r} is not mapped to a position.",
    },
    "sop_import_mapping_unknown_step": {
        "id": "pemetaan pelaksana untuk langkah {step}, yang tidak ada dalam tabel.",
        "en": "a performer mapping for step {step}, which the table does not have.",
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
        "id": "Dikembalikan untuk dikerjakan ulang ({rounds} putaran).",
        "en": "Sent back for rework ({rounds} rounds).",
    },
    "conformance_closed_early": {
        "id": "Ditutup lebih awal pada langkah {step}.",
        "en": "Closed early at step {step}.",
    },
    "conformance_incomplete": {
        "id": "Tidak diselesaikan sampai langkah terakhir ({step}).",
        "en": "Not completed through the last step ({step}).",
    },
    # The audit keyring (rules/evidence.py).
    "audit_key_line": {
        "id": "Baris {line} berkas kunci audit tidak sah: tulis `<id> <rahasia base64>`, rahasia "
        "sedikitnya 32 bita.",
        "en": "Line {line} of the audit key file is not valid: write `<id> <base64 secret>`, a "
        "secret of at least 32 bytes.",
    },
    "audit_key_twice": {
        "id": "Kunci audit {key} tercatat dua kali.",
        "en": "The audit key {key} is listed twice.",
    },
    "audit_key_missing": {
        "id": "Berkas kunci audit tidak memuat kunci.",
        "en": "The audit key file holds no key.",
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
