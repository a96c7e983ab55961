"""Cases: the list with search and filters, the new-case form, the case page and its action form.

The forms follow the case's SOP: which SOP a new case runs on, and for the step in progress its
kelengkapan, its output's label, whom it may name and where it may return, all read from the
step's properties.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from wtforms import Form, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from models import Account, AuditEvent, Case, Instruction, LogEntry, Report, Role, db
from models.db import begin_snapshot, side_unit
from models.services import cases as svc
from models.services.export import ExportKind
from models.services.sop_library import longest_sop, runnable_versions
from models.services.timing import case_timing
from models.services.visibility import visible_cases
from rules.enums import Action, CaseStatus
from rules.errors import RuleError
from rules.sop import SopDefinition, StepDef
from rules.transitions import allowed_actions, may_report
from rules.visibility import output_shown, sees_internal_work

from .. import clock, labels
from ..exports import CsvExportMixin
from ..formatting import local_time
from ..forms import AppForm
from ..i18n import error_message
from ..permissions import Perm, Screen
from .base import SecureModelView
from .filters import (
    ChoiceFilter,
    LocalDateBetweenFilter,
    OverStandardFilter,
    PerformerFilter,
    SopFilter,
    step_choices,
)


def _select(table: dict) -> list[SelectChoice]:
    return [SelectChoice(value, text) for value, text in labels.choices(table)]


class NewCaseForm(AppForm, Form):
    """The first step: which SOP, what is wrong, where, how it was reported and by whom."""

    # Choices are the published SOPs, filled in per request (one SOP: the field is hidden).
    sop = SelectField(_l("SOP"), choices=[], validate_choice=True)
    title = StringField(_l("Judul masalah"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("Uraian masalah"), validators=[DataRequired(), Length(max=10_000)]
    )
    # Not `url`: Flask-Admin reads a request value of that name as its return address.
    page_url = StringField(
        _l("Alamat terkait (URL, opsional)"),
        validators=[Optional(), Length(max=2000), URL(message=_l("Alamat URL tidak sah."))],
    )
    channel = SelectField(_l("Saluran laporan"), choices=_select(labels.CHANNEL), default="web")
    priority = SelectField(_l("Prioritas"), choices=_select(labels.PRIORITY), default="sedang")
    reporter_name = StringField(
        _l("Nama pelapor (jika mencatat untuk orang lain)"),
        validators=[Optional(), Length(max=200)],
    )
    reporter_contact = StringField(
        _l("Kontak pelapor (telepon/email)"), validators=[Optional(), Length(max=200)]
    )
    # The first step's kelengkapan, noted when ticked (the SOPs' own items, set per request).
    kelengkapan = SelectMultipleField(
        _l("Kelengkapan yang ada"),
        choices=[],
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


def _fmt(view: Any, context: Any, model: Case, name: str) -> Any:
    value = getattr(model, name)
    tables = {
        "status": labels.STATUS,
        "priority": labels.PRIORITY,
        "channel": labels.CHANNEL,
    }
    if name in tables:
        return labels.label(tables[name], value)
    if name == "waiting_role":
        return labels.position(value)
    if name == "created_at":
        return local_time(value)
    if name == "sop_version":
        return labels.sop_name(model.sop_version.sop)
    if name == "title":
        return Markup('<a href="{}">{}</a>').format(
            url_for("case.details_view", id=model.id), value
        )
    return value


class CaseView(CsvExportMixin, SecureModelView):
    """Every case the user may see; one form for the step the user may take now."""

    screen = Screen.CASES
    export_kind = ExportKind.CASES
    form = NewCaseForm
    column_list = (
        "id",
        "title",
        "sop_version",
        "status",
        "current_step",
        "waiting_role",
        "priority",
        "channel",
        "reporter_name",
        "created_at",
    )
    column_labels = {
        "id": _l("No"),
        "title": _l("Judul"),
        "sop_version": _l("SOP"),
        "status": _l("Status"),
        "current_step": _l("Langkah"),
        "waiting_role": _l("Menunggu"),
        "priority": _l("Prioritas"),
        "channel": _l("Saluran"),
        "reporter_name": _l("Pelapor"),
        "created_at": _l("Dilaporkan"),
    }
    column_formatters = {
        name: _fmt
        for name in (
            "title",
            "sop_version",
            "status",
            "priority",
            "channel",
            "waiting_role",
            "created_at",
        )
    }
    column_sortable_list = ("id", "title", "status", "current_step", "priority", "created_at")
    column_default_sort = ("created_at", True)
    column_searchable_list = ("title", "reporter_name")
    # The names' msgids make the filters' URL keys (flt0_status_adalah): keep them.
    column_filters = (
        SopFilter(Case.sop_version_id, _l("SOP")),
        ChoiceFilter(Case.status, _l("Status"), options=labels.choices(labels.STATUS)),
        ChoiceFilter(Case.current_step, _l("Langkah"), options=step_choices),
        ChoiceFilter(Case.priority, _l("Prioritas"), options=labels.choices(labels.PRIORITY)),
        PerformerFilter(Case.id, _l("Pelaksana")),
        OverStandardFilter(Case.id, _l("Melebihi standar")),
        LocalDateBetweenFilter(Case.created_at, _l("Tanggal lapor")),
    )
    details_template = "admin/case_page.html"
    create_template = "admin/case_new.html"

    def scope(self, query: Any) -> Any:
        return query.filter(visible_cases(current_user))

    def export_arguments(self, view_args: Any) -> dict[str, Any]:
        """Step columns for the longest SOP exported: the filtered SOP's, else any SOP's."""
        keys = [
            value
            for index, _name, value in view_args.filters or []
            if isinstance(self._filters[index], SopFilter)
        ]
        return {"steps": longest_sop(db.session, keys[0] if keys else None)}

    def get_save_return_url(self, model: Any, is_created: bool = False) -> str:
        return url_for(".details_view", id=model.id)

    def create_form(self, obj: Any = None) -> Form:
        """The form with the published SOPs this user may open a case under, default first."""
        form = super().create_form(obj)
        versions = _runnable_for_user()
        if len(versions) > 1:
            form.sop.choices = [SelectChoice(v.key, labels.sop_name(v.sop)) for v in versions]
            form.sop.data = form.sop.data or versions[0].key
        else:  # one SOP (or none): nothing to ask
            del form.sop
        items = sorted(
            {item for v in versions for item in v.sop.step(v.sop.first_step).kelengkapan}
        )
        if items:
            form.kelengkapan.choices = [
                SelectChoice(item, labels.word(labels.KELENGKAPAN, item)) for item in items
            ]
        else:
            del form.kelengkapan
        self._template_args["first_steps"] = {
            v.key: (labels.activity(v.sop.step(v.sop.first_step)), _records_for_others(v.sop))
            for v in versions
        }
        return form

    def create_model(self, form: Form) -> Case | bool:
        """Open the case through the service (the first step); a refusal keeps the form as typed."""
        payload = {name: field.data for name, field in form._fields.items()}
        payload["url"] = payload.pop("page_url")
        versions = _runnable_for_user()
        sop_key = payload.pop("sop", None) or (versions[0].key if versions else None)
        # The phone as kelengkapan of a first step that names one: noted when it was the channel.
        # Ticked items, and the channel when the first step lists it (the portal's "telepon").
        ticked = [*(payload.get("kelengkapan") or []), payload.get("channel")]
        payload["kelengkapan"] = [item for item in ticked if item]
        try:
            result = svc.report(
                db.session,
                current_user,
                payload,
                clock.now(),
                clock.calendar(),
                sop_key=sop_key,
            )
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            flash(error_message(err), "error")
            return False
        flash(_("Kasus #%(id)s dicatat.", id=result.case.id), "success")
        return result.case

    # -- the case page -------------------------------------------------------------------
    @expose("/details/")
    def details_view(self) -> Any:
        case = self.get_one(request.args.get("id", ""))
        if case.status is CaseStatus.OPEN:
            with side_unit(db.session) as side:
                svc.mark_opened(side, current_user, case.id, clock.now())
            begin_snapshot(db.session)  # the page reads one moment, after the mark
        return self._render_case(case)

    def _render_case(
        self, case: Case, form_data: dict[str, Any] | None = None, status: int = 200
    ) -> Any:
        sop = case.sop_version.sop
        timing = case_timing(case, clock.now(), clock.calendar())
        actions: tuple[Action, ...] = ()
        if self.may(Perm.ACT) and case.status is CaseStatus.OPEN:
            actions = allowed_actions(sop, svc.state_of(case), svc.actor_of(current_user))
        # A reporter sees progress, times and the outputs the SOP shares with them; staff all.
        internal = sees_internal_work(current_user.case_scopes)
        outputs = self._outputs(case, internal)
        audit = (
            db.session.scalars(
                sa.select(AuditEvent)
                .where(AuditEvent.case_id == case.id)
                .order_by(AuditEvent.id)
                .limit(200)
            ).all()
            if internal
            else None
        )
        step = sop.step(case.current_step) if case.current_step else None
        naming = sop.step(step.named_by) if step and step.named_by else None
        body = self.render(
            self.details_template,
            case=case,
            sop=sop,
            timing=timing,
            rows=list(zip(case.step_runs, timing.steps, strict=True)),
            outputs=outputs,
            audit=audit,
            internal=internal,
            actions=[a.value for a in actions],
            step=step,
            candidates=_candidates(sop, step if step and step.names_assignee else naming),
            form_data=form_data or {},
            priorities=labels.choices(labels.PRIORITY),
            close_reasons=labels.choices(labels.CLOSE_REASON),
        )
        return (body, status) if status != 200 else body

    @staticmethod
    def _outputs(case: Case, internal: bool) -> dict[int, list[Any]]:
        """The records each step run produced that this viewer may read, by step run id."""
        sop = case.sop_version.sop
        shown = {run.id for run in case.step_runs if output_shown(sop.step(run.step), internal)}
        by_run: dict[int, list[Any]] = {}
        for model in (Instruction, Report, LogEntry):
            for record in db.session.scalars(
                sa.select(model).where(model.case_id == case.id).order_by(model.id)
            ):
                if record.step_run_id in shown:
                    by_run.setdefault(record.step_run_id, []).append(record)
        return by_run

    @expose("/act/", methods=("POST",))
    def act_view(self) -> Any:
        """Take the action the form asks for; a refusal shows the rules' message, writes nothing."""
        case = self.get_one(request.args.get("id", ""))
        if not self.may(Perm.ACT):
            abort(403)
        form = request.form
        try:
            action = Action(form.get("action", ""))
        except ValueError:
            abort(400, description=_("Tindakan tidak dikenal."))
        if action is Action.REPORT:
            abort(400, description=_("Tindakan tidak dikenal."))
        payload: dict[str, Any] = {
            key: form.get(key)
            for key in ("step", "text", "priority", "assignee_id", "reason", "note")
            if form.get(key) not in (None, "")
        }
        payload["kelengkapan"] = form.getlist("kelengkapan")
        try:
            result = svc.act(
                db.session, current_user, case.id, action, payload, clock.now(), clock.calendar()
            )
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            flash(error_message(err), "error")
            return self._render_case(
                self.get_one(str(case.id)),
                form_data={**form.to_dict(), "kelengkapan": form.getlist("kelengkapan")},
                status=422,
            )
        flash(_done_message(result.outcome.action, result.outcome.step), "success")
        return redirect(url_for(".details_view", id=case.id))


def _runnable_for_user() -> list[Any]:
    """The published SOP versions the signed-in user may open a case under, default first."""
    actor = svc.actor_of(current_user)
    return [v for v in runnable_versions(db.session) if may_report(v.sop, actor)]


def _records_for_others(sop: SopDefinition) -> bool:
    """True when the signed-in user would record a report for someone else under this SOP."""
    return sop.step(sop.first_step).role not in current_user.role_codes


def _candidates(sop: SopDefinition, naming: StepDef | None) -> list[Account]:
    """The active accounts a naming step may name: holders of every position it names for."""
    if naming is None:
        return []
    positions = {sop.step(number).role for number in naming.names_performer_for}
    stmt = sa.select(Account).where(Account.active.is_(True)).order_by(Account.full_name)
    for code in positions:
        stmt = stmt.where(Account.roles.any(Role.code == code))
    return list(db.session.scalars(stmt))


def _done_message(action: Action, step: int) -> str:
    if action is Action.COMPLETE:
        return _("Langkah %(step)s selesai dicatat.", step=step)
    if action is Action.RETURN_FOR_REWORK:
        return _("Kasus dikembalikan untuk dikerjakan ulang.")
    if action is Action.REASSIGN:
        return _("Pelaksana lain ditunjuk untuk langkah %(step)s.", step=step)
    return _("Kasus ditutup lebih awal.")
