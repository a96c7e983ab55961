"""The dashboard's figures, aggregated by PostgreSQL; the rules suggest standards and give reasons.

Every figure is about one SOP (the default SOP unless another is chosen) and, where it says so,
a period [start, end) of aware instants. Medians and 90th percentiles interpolate linearly
between the closest ranks: PostgreSQL's percentile_cont for lead times and fixes, rules.stats'
percentiles_of_counts over PostgreSQL's counts per value for the steps (same method). Which runs
count where:

- a step's figures count the passes finished in the period as `completed` or `returned`; the
  pass in which a case was closed early is not a performance of its step and is left out;
- the lead time of a case is the sum of the working minutes of its timed steps (rework rounds
  included); it, the share within the SOP total and the rework rate are over the cases
  *completed* (status `closed`) in the period;
- conformance is over every case closed in the period, completed or closed early: a case closed
  early did not follow the SOP through its last step.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.enums import CaseStatus, CloseReason
from rules.sop import SopDefinition, sop_from_dict
from rules.stats import (
    OUTCOME_CLOSED_EARLY,
    OUTCOME_COMPLETED,
    ConformanceRun,
    Nonconformity,
    accepted_roles,
    conformance_reasons,
    percentiles_of_counts,
    suggested_standard,
)

from ..errors import ServiceError
from ..sop_versions import Sop, SopVersion, VersionState

NONCONFORMING_PAGE = 25
"""Non-conforming cases listed per page."""

Cursor = tuple[datetime, int]
"""(closed_at, id) of the last case a page showed; the next page starts after it."""


@dataclass(frozen=True)
class OpenStep:
    """Open cases whose current step is `step`, and how many of them are over standard now."""

    step: int
    open_cases: int
    live_over: int
    earlier_over: int
    over_now: int


@dataclass(frozen=True)
class StepFigures:
    """One step's passes finished in the period against its standard, with the review's advice."""

    step: int
    standard: int | None
    runs: int
    within: int
    share_within: float | None
    median: float | None
    p90: float | None
    suggested: int | None


@dataclass(frozen=True)
class Week:
    """One ISO week (from Monday, in the app's time zone) of the trend."""

    week: date
    reported: int
    completed: int
    closed_early: int
    completed_within: int

    @property
    def label(self) -> str:
        """ISO week label, e.g. 2026-W05."""
        year, number, _ = self.week.isocalendar()
        return f"{year}-W{number:02d}"

    @property
    def share_within(self) -> float | None:
        """Share of the week's completed cases within the SOP total."""
        return self.completed_within / self.completed if self.completed else None


@dataclass(frozen=True)
class ClosedFigures:
    """The cases closed in the period: lead time, rework and conformance."""

    standard_total: int
    closed: int
    completed: int
    closed_early: int
    lead_median: float | None
    lead_p90: float | None
    completed_within: int
    reworked: int
    conforming: int

    @property
    def share_within(self) -> float | None:
        """Share of completed cases whose lead time is within the SOP total."""
        return self.completed_within / self.completed if self.completed else None

    @property
    def rework_rate(self) -> float | None:
        """Share of completed cases with at least one rework round."""
        return self.reworked / self.completed if self.completed else None

    @property
    def conformance(self) -> float | None:
        """Share of closed cases that followed the SOP exactly."""
        return self.conforming / self.closed if self.closed else None

    @property
    def nonconforming(self) -> int:
        """Closed cases that did not follow the SOP exactly."""
        return self.closed - self.conforming


@dataclass(frozen=True)
class NamedLoad:
    """One named performer's work: open cases naming them, passes finished in the period."""

    account_id: int
    name: str
    username: str
    open_directed: int
    waiting_fix: int
    fixes: int
    median_fix: float | None


@dataclass(frozen=True)
class NonconformingCase:
    """A closed case that did not follow the SOP, with the rules' reasons."""

    case_id: int
    title: str
    status: CaseStatus
    close_reason: CloseReason | None
    closed_at: datetime
    reasons: tuple[Nonconformity, ...]


@dataclass(frozen=True)
class NonconformingPage:
    """Up to a page of non-conforming cases, and the cursor of the next page (None: no more)."""

    cases: list[NonconformingCase]
    next_cursor: Cursor | None


@dataclass(frozen=True)
class Scope:
    """The SOP the figures are about: its newest definition and all its stored versions."""

    sop: SopDefinition
    versions: dict[int, SopDefinition]
    only_sop: bool
    """True when no other SOP is stored: cases need no filtering by version."""

    @property
    def version_ids(self) -> list[int]:
        """Ids of the stored versions of this SOP."""
        return sorted(self.versions)


def scope(session: Session, key: str | None = None) -> Scope:
    """The newest non-draft definition and every such version of the SOP `key` (the default
    SOP when None); reads, never writes."""
    rows = session.execute(
        sa.select(SopVersion.id, SopVersion.key, SopVersion.version, SopVersion.definition).where(
            SopVersion.state != VersionState.DRAFT
        )
    ).all()
    if key is None:
        key = session.scalar(sa.select(Sop.key).where(Sop.is_default))
    mine = sorted((row for row in rows if row.key == key), key=lambda row: row.version)
    if not mine:
        raise ServiceError("sop_unknown", key=key)
    versions = {
        row.id: sop_from_dict(row.definition, source=f"{row.key} v{row.version}") for row in mine
    }
    sop = versions[mine[-1].id]
    return Scope(sop=sop, versions=versions, only_sop=all(row.key == key for row in rows))


def _version_filter(where: Scope) -> str:
    # Only when other SOPs exist: for step-run figures the filter costs a join to cases.
    return "" if where.only_sop else " AND c.sop_version_id = ANY(:versions)"


def _cases_join(where: Scope) -> str:
    return "" if where.only_sop else " JOIN cases c ON c.id = sr.case_id"


def tune(session: Session) -> None:
    """Settings for this transaction's aggregate queries (SET LOCAL: they end with it).

    Sorting a year of step runs for percentiles needs more than the default 4 MB of work_mem
    (else the sort spills to disk), and compiling these queries with JIT costs more (20-40 ms)
    than it saves at this size.
    """
    session.execute(sa.text("SET LOCAL work_mem = '64MB'"))
    session.execute(sa.text("SET LOCAL jit = off"))


OPEN_BY_STEP = """
SELECT c.current_step AS step,
       count(*) AS open_cases,
       count(*) FILTER (WHERE runs.live_over) AS live_over,
       count(*) FILTER (WHERE runs.earlier_over) AS earlier_over,
       count(*) FILTER (WHERE runs.live_over OR runs.earlier_over) AS over_now
FROM cases c
CROSS JOIN LATERAL (
    SELECT coalesce(bool_or(r.completed_at IS NULL AND r.due_at < :now), false) AS live_over,
           coalesce(bool_or(r.completed_at IS NOT NULL
                            AND r.working_minutes > r.standard_minutes), false) AS earlier_over
    FROM step_runs r
    WHERE r.case_id = c.id
) runs
WHERE c.status = 'open'{versions}
GROUP BY c.current_step
"""


def open_by_step(session: Session, where: Scope, now: datetime) -> list[OpenStep]:
    """Open cases by current step, every step after the first listed (zeros included).

    Over standard now: the step in progress is past its due instant, or an earlier finished
    step ran over its standard.
    """
    sql = OPEN_BY_STEP.format(versions=_version_filter(where))
    params = {"now": now, "versions": where.version_ids}
    rows = {row.step: row for row in session.execute(sa.text(sql), params)}
    result = []
    for step in where.sop.steps[1:]:  # the first step (the report) is never current
        row = rows.get(step.number)
        result.append(
            OpenStep(
                step=step.number,
                open_cases=row.open_cases if row else 0,
                live_over=row.live_over if row else 0,
                earlier_over=row.earlier_over if row else 0,
                over_now=row.over_now if row else 0,
            )
        )
    return result


# Per step, how many runs took each distinct number of working minutes: one lateral subquery per
# step reads one range of ix_step_runs_step_completed (an index-only scan) and counts by value.
# Minutes are kept to the hundredth, so a year of runs has a few thousand distinct values per
# step; reading the percentiles from those counts (rules.stats.percentiles_of_counts, the same
# interpolation as percentile_cont) costs half as much as sorting every run.
STEP_FIGURES = """
SELECT s.step, f.*
FROM unnest(CAST(:steps AS int[])) AS s(step)
CROSS JOIN LATERAL (
    SELECT array_agg(h.minutes ORDER BY h.minutes) AS minutes,
           array_agg(h.runs ORDER BY h.minutes) AS counts,
           CAST(coalesce(sum(h.within), 0) AS bigint) AS within,
           CAST(coalesce(sum(h.timed), 0) AS bigint) AS timed
    FROM (
        SELECT CAST(sr.working_minutes AS float8) AS minutes,
               count(*) AS runs,
               count(*) FILTER (WHERE sr.working_minutes <= sr.standard_minutes) AS within,
               count(*) FILTER (WHERE sr.standard_minutes IS NOT NULL) AS timed
        FROM step_runs sr{join}
        WHERE sr.step = s.step AND sr.completed_at >= :start AND sr.completed_at < :end
          AND sr.outcome <> 'closed_early'{versions}
        GROUP BY sr.working_minutes
    ) h
) f
"""


def step_figures(
    session: Session, where: Scope, start: datetime, end: datetime
) -> list[StepFigures]:
    """Per step: passes finished in [start, end), the share within their standard, the median
    and p90 of their working minutes, and the standard-time review's suggestion."""
    sql = STEP_FIGURES.format(join=_cases_join(where), versions=_version_filter(where))
    params = {
        "start": start,
        "end": end,
        "versions": where.version_ids,
        "steps": [step.number for step in where.sop.steps],
    }
    rows = {row.step: row for row in session.execute(sa.text(sql), params)}
    result = []
    for step in where.sop.steps:
        row = rows[step.number]
        counts = zip(row.minutes or (), row.counts or (), strict=True)
        runs = sum(row.counts or ())
        med, high = percentiles_of_counts(counts, (0.5, 0.9))
        result.append(
            StepFigures(
                step=step.number,
                standard=step.standard_minutes,
                runs=runs,
                within=row.within,
                share_within=row.within / row.timed if row.timed else None,
                median=med,
                p90=high,
                suggested=suggested_standard(step.standard_minutes, runs, med, high),
            )
        )
    return result


# Which accounts may finish which passes: the rules decide the roles for each (version, step,
# early closure), PostgreSQL pairs them with the accounts holding those roles. A pass whose
# performer is not in `fit` was done by a role the SOP does not name for it.
FIT = """
accepted AS (
    SELECT * FROM unnest(CAST(:fit_version AS int[]), CAST(:fit_step AS int[]),
                         CAST(:fit_closing AS boolean[]), CAST(:fit_role AS text[]))
        AS a(version_id, step, closing, role)
),
fit AS (
    SELECT DISTINCT ar.account_id, a.version_id, a.step, a.closing
    FROM account_roles ar
    JOIN roles r ON r.id = ar.role_id
    JOIN accepted a ON a.role = CAST(r.code AS text)
),
last_steps AS (
    SELECT * FROM unnest(CAST(:last_version AS int[]), CAST(:last_step AS int[]))
        AS l(version_id, last_step)
)"""

# Per case, over its step runs: the lead time, and what conformance needs. A case conforms when
# every pass fits, every pass was completed (none returned or closed early, none still open) in
# round 0, and there are as many passes as steps: then steps 1..N were each done once. That is the
# SQL reading of rules.stats.conformance_reasons; a test holds the two to the same verdict.
PER_CASE = """
    SELECT {columns},
           CAST(sum(sr.working_minutes) FILTER (WHERE sr.standard_minutes IS NOT NULL) AS float8)
               AS lead,
           count(*) FILTER (WHERE fit.account_id IS NULL) AS misfits,
           count(*) FILTER (WHERE sr.outcome IS DISTINCT FROM 'completed' OR sr.round > 0)
               AS departures,
           count(*) AS passes
    FROM {cases} c
    JOIN step_runs sr ON sr.case_id = c.id
    LEFT JOIN fit ON fit.account_id = sr.performer_id AND fit.version_id = c.sop_version_id
                 AND fit.step = sr.step AND fit.closing = (sr.outcome = 'closed_early')
    {where}
    GROUP BY {columns}"""
CONFORMS = "(p.misfits = 0 AND p.departures = 0 AND p.passes = l.last_step)"

# Only the columns the figures need: narrow rows are cheaper to hash and to gather.
CLOSED_PER_CASE = PER_CASE.format(
    columns="c.id, c.status, c.closed_at, c.rework_rounds, c.sop_version_id",
    cases="cases",
    where="WHERE c.closed_at >= :start AND c.closed_at < :end{versions}",
)
CLOSED_FIGURES = f"""
WITH {FIT},
per_case AS ({CLOSED_PER_CASE}
),
closed AS (
    SELECT p.status, p.rework_rounds, p.lead, {CONFORMS} AS conforms,
           date_trunc('week', p.closed_at AT TIME ZONE :tz) AS week
    FROM per_case p
    JOIN last_steps l ON l.version_id = p.sop_version_id
)
SELECT GROUPING(week) = 1 AS total, week,
       count(*) AS closed,
       count(*) FILTER (WHERE status = 'closed') AS completed,
       count(*) FILTER (WHERE status = 'closed_early') AS closed_early,
       count(*) FILTER (WHERE status = 'closed' AND lead <= :standard_total) AS completed_within,
       count(*) FILTER (WHERE status = 'closed' AND rework_rounds > 0) AS reworked,
       count(*) FILTER (WHERE conforms) AS conforming,
       percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY lead)
           FILTER (WHERE status = 'closed') AS lead_percentiles
FROM closed
GROUP BY GROUPING SETS ((), (week))
"""

REPORTED_BY_WEEK = """
SELECT date_trunc('week', c.created_at AT TIME ZONE :tz) AS week, count(*) AS reported
FROM cases c
WHERE c.created_at >= :start AND c.created_at < :end{versions}
GROUP BY 1
"""


def _fit_params(where: Scope) -> dict[str, list[Any]]:
    """The rules' accepted roles and last steps of every version, as arrays for FIT."""
    names = ("fit_version", "fit_step", "fit_closing", "fit_role", "last_version", "last_step")
    params: dict[str, list[Any]] = {name: [] for name in names}
    for version_id, sop in where.versions.items():
        params["last_version"].append(version_id)
        params["last_step"].append(sop.last_step)
        for step in sop.steps:
            for closing in (False, True):
                outcome = OUTCOME_CLOSED_EARLY if closing else OUTCOME_COMPLETED
                for role in sorted(accepted_roles(sop, step.number, outcome)):
                    params["fit_version"].append(version_id)
                    params["fit_step"].append(step.number)
                    params["fit_closing"].append(closing)
                    params["fit_role"].append(role)
    return params


def closed_figures(
    session: Session, where: Scope, start: datetime, end: datetime, tz: str
) -> tuple[ClosedFigures, list[Week]]:
    """Cases closed in [start, end): lead time against the SOP total, rework and conformance,
    in total and per ISO week of `tz` (with the cases reported that week)."""
    params = {
        "start": start,
        "end": end,
        "tz": tz,
        "standard_total": where.sop.total_standard_minutes,
        "versions": where.version_ids,
        **_fit_params(where),
    }
    sql = CLOSED_FIGURES.format(versions=_version_filter(where))
    rows = session.execute(sa.text(sql), params).all()
    total = next(row for row in rows if row.total)
    lead = total.lead_percentiles or (None, None)
    figures = ClosedFigures(
        standard_total=where.sop.total_standard_minutes,
        closed=total.closed,
        completed=total.completed,
        closed_early=total.closed_early,
        lead_median=lead[0],
        lead_p90=lead[1],
        completed_within=total.completed_within,
        reworked=total.reworked,
        conforming=total.conforming,
    )
    reported_sql = REPORTED_BY_WEEK.format(versions=_version_filter(where))
    reported = {
        row.week.date(): row.reported for row in session.execute(sa.text(reported_sql), params)
    }
    closed = {row.week.date(): row for row in rows if not row.total}
    weeks = []
    for monday in _mondays(start, end, tz):
        row = closed.get(monday)
        weeks.append(
            Week(
                week=monday,
                reported=reported.get(monday, 0),
                completed=row.completed if row else 0,
                closed_early=row.closed_early if row else 0,
                completed_within=row.completed_within if row else 0,
            )
        )
    return figures, weeks


def _mondays(start: datetime, end: datetime, tz: str) -> list[date]:
    """The Monday of every ISO week that [start, end) touches, in the time zone `tz`."""
    zone = ZoneInfo(tz)
    first = start.astimezone(zone).date()
    last = (end - timedelta(microseconds=1)).astimezone(zone).date()
    monday = first - timedelta(days=first.weekday())
    result = []
    while monday <= last:
        result.append(monday)
        monday += timedelta(days=7)
    return result


NAMED_LOAD = """
WITH named AS (
    SELECT a.id, a.full_name, a.username, a.active
    FROM accounts a
    JOIN account_roles ar ON ar.account_id = a.id
    JOIN roles r ON r.id = ar.role_id AND r.code = :position
),
directed AS (
    SELECT c.assignee_id, count(*) AS open_directed,
           count(*) FILTER (WHERE c.current_step = :fix_step) AS waiting_fix
    FROM cases c
    WHERE c.status = 'open' AND c.assignee_id IS NOT NULL{versions}
    GROUP BY c.assignee_id
),
fixes AS (
    SELECT sr.performer_id, count(*) AS fixes,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY CAST(sr.working_minutes AS float8))
               AS median_fix
    FROM step_runs sr{join}
    WHERE sr.step = :fix_step AND sr.completed_at >= :start AND sr.completed_at < :end
      AND sr.outcome <> 'closed_early'{versions}
    GROUP BY sr.performer_id
)
SELECT named.id, named.full_name, named.username,
       coalesce(d.open_directed, 0) AS open_directed, coalesce(d.waiting_fix, 0) AS waiting_fix,
       coalesce(f.fixes, 0) AS fixes, f.median_fix
FROM named
LEFT JOIN directed d ON d.assignee_id = named.id
LEFT JOIN fixes f ON f.performer_id = named.id
WHERE named.active OR d.open_directed > 0 OR f.fixes > 0
ORDER BY named.full_name, named.id
"""


def named_load(session: Session, where: Scope, start: datetime, end: datetime) -> list[NamedLoad]:
    """Per account of the position whose performer is named case by case (the portal SOP's JFU;
    active, or with figures): open cases naming them and those waiting for them now; passes at
    the first named step finished in [start, end) and their median working minutes. Empty for
    an SOP that names no performer."""
    named_steps = where.sop.named_steps
    if not named_steps:
        return []
    step = where.sop.step(named_steps[0])
    sql = NAMED_LOAD.format(versions=_version_filter(where), join=_cases_join(where))
    params = {
        "start": start,
        "end": end,
        "fix_step": step.number,
        "position": step.role,
        "versions": where.version_ids,
    }
    return [
        NamedLoad(
            account_id=row.id,
            name=row.full_name,
            username=row.username,
            open_directed=row.open_directed,
            waiting_fix=row.waiting_fix,
            fixes=row.fixes,
            median_fix=row.median_fix,
        )
        for row in session.execute(sa.text(sql), params)
    ]


# The next batch of cases closed in the period, newest first from a cursor, each with the SQL
# verdict: a page of non-conforming cases costs a few small batches, however deep the page.
BATCH_PER_CASE = PER_CASE.format(
    columns="c.id, c.title, c.status, c.close_reason, c.closed_at, c.sop_version_id",
    cases="batch",
    where="",
)
CLOSED_BATCH = f"""
WITH {FIT},
batch AS (
    SELECT c.*
    FROM cases c
    WHERE c.closed_at >= :start AND c.closed_at < :end
      AND (c.closed_at, c.id) < (:before_at, :before_id){{versions}}
    ORDER BY c.closed_at DESC, c.id DESC
    LIMIT :batch
),
per_case AS ({BATCH_PER_CASE}
)
SELECT p.id, p.title, p.status, p.close_reason, p.closed_at, p.sop_version_id,
       {CONFORMS} AS conforms
FROM per_case p
JOIN last_steps l ON l.version_id = p.sop_version_id
ORDER BY p.closed_at DESC, p.id DESC
"""

RUNS_WITH_ROLES = """
SELECT sr.case_id, sr.step, sr.round, sr.outcome,
       coalesce(array_agg(CAST(r.code AS text)) FILTER (WHERE r.code IS NOT NULL), '{}') AS roles
FROM step_runs sr
LEFT JOIN account_roles ar ON ar.account_id = sr.performer_id
LEFT JOIN roles r ON r.id = ar.role_id
WHERE sr.case_id = ANY(:ids) AND sr.completed_at IS NOT NULL
GROUP BY sr.id
ORDER BY sr.case_id, sr.completed_at, sr.id
"""


def nonconforming(
    session: Session,
    where: Scope,
    start: datetime,
    end: datetime,
    *,
    after: Cursor | None = None,
    per_page: int = NONCONFORMING_PAGE,
) -> NonconformingPage:
    """A page of the cases closed in [start, end) that did not follow the SOP, newest first
    after the cursor, each with the reasons the rules give."""
    sql = CLOSED_BATCH.format(versions=_version_filter(where))
    batch_size = max(per_page * 8, 200)
    params: dict[str, Any] = {
        "start": start,
        "end": end,
        "versions": where.version_ids,
        "batch": batch_size,
        **_fit_params(where),
    }
    # No cursor: every case closed before `end` comes after (end, any id).
    cursor: Cursor = after or (end, 0)
    found: list[Any] = []
    while len(found) <= per_page:
        batch = session.execute(
            sa.text(sql), {**params, "before_at": cursor[0], "before_id": cursor[1]}
        ).all()
        found.extend(row for row in batch if not row.conforms)
        if len(batch) < batch_size:
            break
        cursor = (batch[-1].closed_at, batch[-1].id)
    page = found[:per_page]
    more = len(found) > per_page
    return NonconformingPage(
        cases=_with_reasons(session, where, page),
        next_cursor=(page[-1].closed_at, page[-1].id) if more else None,
    )


def _with_reasons(session: Session, where: Scope, cases: list[Any]) -> list[NonconformingCase]:
    """The rules' reasons for each case, from its finished runs and its performers' roles."""
    runs: dict[int, list[ConformanceRun]] = defaultdict(list)
    ids = [row.id for row in cases]
    for row in session.execute(sa.text(RUNS_WITH_ROLES), {"ids": ids}) if ids else ():
        runs[row.case_id].append(
            ConformanceRun(
                step=row.step,
                round=row.round,
                performer_roles=frozenset(row.roles),
                outcome=row.outcome,
            )
        )
    return [
        NonconformingCase(
            case_id=row.id,
            title=row.title,
            status=CaseStatus(row.status),
            close_reason=CloseReason(row.close_reason) if row.close_reason else None,
            closed_at=row.closed_at,
            reasons=tuple(conformance_reasons(where.versions[row.sop_version_id], runs[row.id])),
        )
        for row in cases
    ]


@dataclass(frozen=True)
class Dashboard:
    """Every figure of the dashboard for one period."""

    sop: SopDefinition
    start: datetime
    end: datetime
    open_steps: list[OpenStep]
    steps: list[StepFigures]
    closed: ClosedFigures
    weeks: list[Week]
    named: list[NamedLoad]
    nonconforming: NonconformingPage


def dashboard(
    session: Session,
    start: datetime,
    end: datetime,
    now: datetime,
    tz: str,
    *,
    after: Cursor | None = None,
    key: str | None = None,
) -> Dashboard:
    """Every figure for the period [start, end), the open cases as they stand at `now`."""
    where = scope(session, key)
    tune(session)
    closed, weeks = closed_figures(session, where, start, end, tz)
    return Dashboard(
        sop=where.sop,
        start=start,
        end=end,
        open_steps=open_by_step(session, where, now),
        steps=step_figures(session, where, start, end),
        closed=closed,
        weeks=weeks,
        named=named_load(session, where, start, end),
        nonconforming=nonconforming(session, where, start, end, after=after),
    )
