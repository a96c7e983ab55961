"""Kotak kerja (the landing page): the cases waiting for this user, oldest first, timed live."""

from __future__ import annotations

from datetime import datetime

from flask import abort, request
from flask_admin import AdminIndexView, expose
from flask_babel import gettext as _
from flask_login import current_user

from models import db
from models.db import begin_snapshot, side_unit
from models.services.notices import notify_overdue
from models.services.queue import own_open_reports, work_queue
from models.services.timing import open_case_timings
from rules.timing import case_badge

from .. import clock
from ..permissions import Screen
from .base import SecureMixin

PAGE_SIZE = 50


def _cursor() -> tuple[datetime, int] | None:
    """The keyset cursor `after=<iso instant>_<id>`; a malformed one is a bad request."""
    raw = request.args.get("after")
    if not raw:
        return None
    instant, _sep, case_id = raw.rpartition("_")
    try:
        return datetime.fromisoformat(instant), int(case_id)
    except ValueError:
        abort(400, description=_("Penanda halaman tidak sah."))


class WorkQueueView(SecureMixin, AdminIndexView):
    """The cases whose current step is the user's, with time used against the standard."""

    screen = Screen.QUEUE

    @expose("/")
    def index(self) -> str:
        after = _cursor()
        # The steps of this queue that ran over become notices (once), in a unit of work of
        # their own; then the page reads one snapshot, so a case closed meanwhile is simply
        # not on it (or shown as it was), never half of each.
        with side_unit(db.session) as side:
            notify_overdue(side, clock.now(), account=current_user, limit=PAGE_SIZE)
        begin_snapshot(db.session)
        cases = work_queue(db.session, current_user, after=after, limit=PAGE_SIZE + 1)
        more = len(cases) > PAGE_SIZE
        cases = cases[:PAGE_SIZE]
        case_ids = [c.id for c in cases]
        timings = open_case_timings(db.session, clock.now(), clock.calendar(), case_ids=case_ids)
        rows = [
            {
                "case": case,
                "step": case.sop_version.sop.step(case.current_step),
                "timing": timings.get(case.id),
                "badge": case_badge(timings[case.id]) if case.id in timings else None,
            }
            for case in cases
        ]
        last = cases[-1] if more else None
        return self.render(
            "admin/queue.html",
            rows=rows,
            next_cursor=f"{last.created_at.isoformat()}_{last.id}" if last else None,
            own_reports=own_open_reports(db.session, current_user),
        )
