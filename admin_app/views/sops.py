"""Pustaka SOP: every SOP with its versions and state, each shown as its SOP table; superusers
publish drafts, retire SOPs, choose the default, and start a new version."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user

from models import SopVersion, VersionState, db
from models.services import sop_import, sop_library
from rules.importer import table_rows
from rules.sop import SopDefinition

from .. import clock, labels, sop_form
from ..permissions import Perm, Screen
from .base import SecureView
from .service_call import commit_or_refuse


def step_behaviours(sop: SopDefinition) -> dict[int, list[str]]:
    """What each step does beyond its output, in the reader's language."""
    shown: dict[int, list[str]] = {}
    for step in sop.steps:
        words = []
        if step.number == sop.first_step:
            words.append(_("membuka kasus"))
        if step.sets_priority:
            words.append(_("menetapkan prioritas"))
        if step.names_performer_for:
            steps = ", ".join(map(str, step.names_performer_for))
            words.append(_("menunjuk pelaksana langkah %(steps)s", steps=steps))
        if step.named_by:
            words.append(_("oleh pelaksana yang ditunjuk di langkah %(step)s", step=step.named_by))
        if step.may_return_to:
            words.append(_("dapat mengembalikan ke langkah %(step)s", step=step.may_return_to))
        if step.output_kind.value == "log_entry":
            words.append(_("mencatat log kegiatan harian"))
        if step.shared_with_reporter:
            words.append(_("keluarannya terlihat oleh pelapor"))
        if step.separate_from:
            steps = ", ".join(map(str, step.separate_from))
            words.append(_("bukan oleh pelaksana langkah %(steps)s", steps=steps))
        shown[step.number] = words
    return shown


class SopLibraryView(SecureView):
    """The SOP library (superusers manage it; managers read it)."""

    screen = Screen.SOPS

    @expose("/")
    def index(self) -> str:
        rows = []
        for sop in sop_library.library(db.session):
            published = next((v for v in sop.versions if v.state is VersionState.PUBLISHED), None)
            draft = next((v for v in sop.versions if v.state is VersionState.DRAFT), None)
            shown = published or draft or sop.versions[-1]
            rows.append({"sop": sop, "shown": shown, "published": published, "draft": draft})
        return self.render("admin/sop_library.html", rows=rows, can_create=self.may(Perm.CREATE))

    def _version(self) -> SopVersion:
        return self.requested(SopVersion)

    @expose("/version/")
    def version_view(self) -> str:
        """One version as the SOP table: step, activity, performer, kelengkapan, time, output."""
        version = self._version()
        sop = version.sop
        return self.render(
            "admin/sop_version.html",
            version=version,
            library_sop=version.library_sop,
            sop=sop,
            behaviours=step_behaviours(sop),
            idle=sop_library.positions_without_accounts(db.session, sop),
            can_edit=self.may(Perm.EDIT),
            can_create=self.may(Perm.CREATE),
        )

    def _editable(self) -> SopVersion:
        """The version asked for, once the user may change the library."""
        if not self.may(Perm.EDIT):
            abort(403)
        return self._version()

    def _act(self, work: Any, done: str, version: SopVersion) -> Any:
        ok, _result = commit_or_refuse(self, work)
        if ok:
            flash(done, "success")
        return redirect(url_for(".version_view", id=version.id))

    @expose("/publish/", methods=("POST",))
    def publish_view(self) -> Any:
        """Publish a draft: new cases run on it; the version it replaces is retired."""
        version = self._editable()
        return self._act(
            lambda: sop_library.publish(db.session, current_user.id, version, clock.now()),
            _(
                "Versi %(version)s diterbitkan; kasus baru memakai versi ini.",
                version=version.version,
            ),
            version,
        )

    @expose("/retire/", methods=("POST",))
    def retire_view(self) -> Any:
        """Withdraw the SOP: no new case runs on it; running cases finish on their version."""
        version = self._editable()
        return self._act(
            lambda: sop_library.retire(
                db.session, current_user.id, version.library_sop, clock.now()
            ),
            _("SOP ditarik; kasus yang berjalan tetap memakai versinya."),
            version,
        )

    @expose("/default/", methods=("POST",))
    def default_view(self) -> Any:
        """Make this SOP the one a new case preselects."""
        version = self._editable()
        return self._act(
            lambda: sop_library.make_default(db.session, current_user.id, version.library_sop),
            _("%(name)s menjadi SOP bawaan.", name=labels.sop_name(version.sop)),
            version,
        )

    @expose("/discard/", methods=("POST",))
    def discard_view(self) -> Any:
        """Throw a draft away."""
        version = self._editable()
        ok, _result = commit_or_refuse(
            self, lambda: sop_library.discard_draft(db.session, current_user.id, version)
        )
        if not ok:
            return redirect(url_for(".version_view", id=version.id))
        flash(_("Draf dibuang."), "success")
        return redirect(url_for(".index"))

    @expose("/revise/", methods=("POST",))
    def revise_view(self) -> Any:
        """Start a new version from this one: its own table, its choices, on the import form."""
        if not self.may(Perm.CREATE):
            abort(403)
        version = self._version()
        sop = version.sop
        ok, upload = commit_or_refuse(self, lambda: _revision(version, sop))
        if not ok or upload is None:
            return redirect(url_for(".version_view", id=version.id))
        return redirect(url_for("sop_import.mapping_view", id=upload.id))


def _revision(version: SopVersion, sop: SopDefinition) -> Any:
    rows = [[number, cells] for number, cells in table_rows(sop)]
    upload = sop_import.start_rows(
        db.session, current_user.id, f"{version.key}-v{version.version}", rows
    )
    sop_import.remember(upload, sop_form.of_definition(sop, sop_import.table_of(upload)))
    return upload
