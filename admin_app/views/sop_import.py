"""Importing an SOP table: upload (text, .docx, .xlsx), preview every row as read, map the
performer columns to positions, set the steps' behaviours, save as a draft."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user

from models import Sop, SopImport, SopVersion, VersionState, db
from models.errors import ServiceError
from models.services import positions, sop_import, sop_library
from models.sop_files import FORMATS, MAX_BYTES
from rules.enums import Visibility

from .. import labels, sop_form
from ..i18n import error_message
from ..permissions import NEW_POSITION_GRANTS, Perm, Screen
from ..request_guard import accepts_files
from .base import SecureView
from .filters import sop_choices
from .service_call import commit_or_refuse
from .sops import step_behaviours


class SopImportView(SecureView):
    """Upload and map an SOP table (superusers); reached from the SOP library, not the menu."""

    screen = Screen.SOPS
    guard = Perm.CREATE
    in_menu = False

    @expose("/", methods=("GET", "POST"))
    @accepts_files("file")
    def index(self) -> Any:
        """The upload form; a file that is not an SOP table is refused with the reason."""
        sops = sop_library.library(db.session)
        if request.method == "GET":
            return self._form()
        # The file and the form around it (a body over MAX_CONTENT_LENGTH never gets here).
        if (request.content_length or 0) > MAX_BYTES + 64 * 1024:
            flash(error_message(ServiceError("sop_file_too_large", name="", limit="2 MB")), "error")
            return self._form(), 413
        upload = request.files.get("file")
        chosen = request.form.get("new_version_of", "")
        if upload is None or not upload.filename:
            flash(_("Pilih berkas tabel SOP untuk diunggah."), "error")
            return self._form(), 400
        data = upload.read(MAX_BYTES + 1)
        ok, stored = commit_or_refuse(
            self, lambda: _start(upload.filename or "", data, chosen, sops)
        )
        if not ok or stored is None:
            return self._form(), 422
        return redirect(url_for(".mapping_view", id=stored.id))

    def _form(self) -> str:
        return self.render("admin/sop_upload.html", sops=sop_choices(), kinds=sorted(FORMATS))

    @expose("/mapping/", methods=("GET", "POST"))
    def mapping_view(self) -> Any:
        """Every row as read with its problems; the mapping and behaviours; check or save."""
        upload = self.requested(SopImport)
        table = sop_import.table_of(upload)
        roles = positions.all_positions(db.session)
        choices = upload.choices or sop_form.initial(table, roles)
        status = 200
        if request.method == "POST":
            choices = sop_form.from_request(request.form, table, upload.choices)
            sop_import.remember(upload, choices)
            db.session.commit()
        built, problems, refusal = _build(upload, table, choices)
        pending = dict(sop_form.new_positions(choices, table))
        idle = sop_library.positions_without_accounts(db.session, built) if built else []
        if request.method == "POST" and request.form.get("action") == "save":
            if built is not None and refusal is None:
                ok, draft = commit_or_refuse(self, lambda: _save(upload, table, choices, built))
                if ok and draft is not None:
                    flash(_("Draf tersimpan. Periksa lalu terbitkan."), "success")
                    return redirect(url_for("sop.version_view", id=draft.id))
            status = 422
        elif problems or refusal:
            status = 422 if request.method == "POST" else 200
        body = self.render(
            "admin/sop_mapping.html",
            upload=upload,
            table=table,
            choices=choices,
            roles=roles,
            sops=sop_choices(),
            built=built,
            behaviours=step_behaviours(built) if built else {},
            problems=problems,
            refusal=refusal,
            idle=[pending.get(code) or labels.position(code) for code in idle],
            new_positions=sop_form.new_positions(choices, table),
            pending=pending,
            suggestions=[sop_form.NEW + positions.suggested_code(c) for c in table.performers],
            step_kinds=sop_form.STEP_KINDS,
        )
        return (body, status) if status != 200 else body


def _start(filename: str, data: bytes, chosen: str, sops: list[Sop]) -> SopImport:
    upload = sop_import.start(db.session, current_user.id, filename, data)
    table = sop_import.table_of(upload)
    choices = sop_form.initial(table, positions.all_positions(db.session))
    if chosen in {sop.key for sop in sops}:
        choices["new_version_of"] = chosen
        choices["name"] = next(sop.name for sop in sops if sop.key == chosen)
    sop_import.remember(upload, choices)
    return upload


def _target(upload: SopImport, choices: dict[str, Any]) -> Sop | None:
    """The SOP a new version is for: the one chosen, or the one this upload's draft makes."""
    key = choices.get("new_version_of") or ""
    if key:
        return db.session.scalars(db.select(Sop).where(Sop.key == key)).one_or_none()
    draft = db.session.scalars(
        db.select(SopVersion).where(
            SopVersion.import_id == upload.id, SopVersion.state == VersionState.DRAFT
        )
    ).first()
    return draft.library_sop if draft is not None else None


def _build(upload: SopImport, table: Any, choices: dict[str, Any]) -> tuple[Any, Any, str | None]:
    """(definition or None, problems, a refusal of the whole: no name, a clash of names)."""
    target = _target(upload, choices)
    try:
        built, problems = sop_import.build(
            db.session,
            table,
            name=choices["name"],
            name_en=choices.get("name_en", ""),
            choices=sop_form.rules_choices(choices),
            new_version_of=target,
        )
        if built is not None:
            sop_library.check_name(db.session, built, target)
    except ServiceError as err:
        return None, (), error_message(err)
    return built, problems, None


def _save(upload: SopImport, table: Any, choices: dict[str, Any], built: Any) -> Any:
    """Create the positions the mapping asks for, then store the draft (one transaction).

    A new position sees the cases directed to it (the reporter's: the cases it reported);
    a superuser widens that on *Jabatan* where a position must see more.
    """
    reporter = built.step(built.first_step).role
    for code, name in sop_form.new_positions(choices, table):
        scope = Visibility.OWN_REPORTS if code == reporter else Visibility.ASSIGNED
        positions.create_position(
            db.session,
            current_user.id,
            code=code,
            name=name,
            case_scope=scope,
            grants=NEW_POSITION_GRANTS,
        )
    return sop_library.save_draft(
        db.session, current_user.id, built, new_version_of=_target(upload, choices), source=upload
    )
