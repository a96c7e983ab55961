"""The SOP walk harness: report a case and take its steps through the services.

Walks of the shipped portal SOP (its Team of one account per position) and the actions by
name; a test of another SOP takes its steps from that SOP's definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from models import Account
from models.services import cases as svc
from rules.calendar import WorkingCalendar, calendar_from_settings
from rules.enums import Action
from rules.sop import SopDefinition
from tests.support.sops import portal_sop

JAKARTA = ZoneInfo("Asia/Jakarta")
MONDAY_0800 = datetime(2026, 11, 23, 8, 0, tzinfo=JAKARTA)
CALENDAR: WorkingCalendar = calendar_from_settings(None, "Asia/Jakarta", ())


def kelengkapan(step: int) -> list[str]:
    """Every item the step needs, confirmed."""
    return list(portal_sop().step(step).kelengkapan)


def report_payload(**overrides: object) -> dict[str, object]:
    """A valid report (step 1) by a pengguna."""
    return {
        "title": "Halaman pencarian merek error 500",
        "description": "Setiap pencarian merek menampilkan galat 500 sejak pagi.",
        "url": "https://dgip.go.id/pencarian",
        "channel": "telepon",
        "kelengkapan": kelengkapan(1),
        **overrides,
    }


def step_payload(step: int, **overrides: object) -> dict[str, object]:
    """A valid output for a step."""
    return {"text": f"Keluaran langkah {step}", "kelengkapan": kelengkapan(step), **overrides}


@dataclass
class Team:
    """One account per SOP role, plus a second JFU."""

    pengguna: Account
    direktur: Account
    kasubdit: Account
    kasi: Account
    jfu: Account
    jfu2: Account

    def performer(self, step: int) -> Account:
        """Who performs a step of the portal SOP in this team."""
        return {
            2: self.direktur,
            3: self.kasubdit,
            4: self.kasi,
            5: self.kasi,
            6: self.kasi,
            7: self.jfu,
            8: self.kasi,
            9: self.kasi,
        }[step]

    @classmethod
    def create(cls, session: Any, prefix: str, password: str) -> Team:
        """A team of new accounts named `<prefix>-<position>`, flushed."""
        from models.services.accounts import create_account

        roles = {"pengguna": "pengguna", "direktur": "direktur", "kasubdit": "kasubdit"}
        roles |= {"kasi": "kasi", "jfu": "jfu", "jfu2": "jfu"}
        return cls(
            **{
                key: create_account(
                    session,
                    username=f"{prefix}-{key}",
                    full_name=f"Uji {key}",
                    roles=[role],
                    password=password,
                )
                for key, role in roles.items()
            }
        )


def walk_to(
    session, team: Team, target_step: int, start: datetime = MONDAY_0800, minutes_per_step: int = 2
) -> int:
    """Report a case and complete steps until `target_step` is current; return the case id."""
    now = start
    case = svc.report(session, team.pengguna, report_payload(), now, CALENDAR).case
    for step in range(2, target_step):
        now += timedelta(minutes=minutes_per_step)
        extra = {"assignee_id": team.jfu.id} if step == 6 else {}
        complete_step(
            session, team.performer(step), case.id, step, step_payload(step, **extra), now, CALENDAR
        )
    return case.id


def complete_step(
    session: Any,
    actor: Account,
    case_id: int,
    step: int,
    payload: dict[str, object],
    now: datetime,
    calendar: WorkingCalendar = CALENDAR,
) -> svc.ActionResult:
    """Complete `step` (the step the actor saw) with its output."""
    return svc.act(
        session, actor, case_id, Action.COMPLETE, {**payload, "step": step}, now, calendar
    )


def return_for_rework(
    session: Any,
    actor: Account,
    case_id: int,
    payload: dict[str, object],
    now: datetime,
    calendar: WorkingCalendar = CALENDAR,
    *,
    step: int,
) -> svc.ActionResult:
    """Send the case back from `step` to the earlier step it may return to, with a reason."""
    return svc.act(
        session, actor, case_id, Action.RETURN_FOR_REWORK, {**payload, "step": step}, now, calendar
    )


def close_early(
    session: Any,
    actor: Account,
    case_id: int,
    payload: dict[str, object],
    now: datetime,
    calendar: WorkingCalendar = CALENDAR,
) -> svc.ActionResult:
    """Close a case before its last step with a reason."""
    return svc.act(session, actor, case_id, Action.CLOSE_EARLY, payload, now, calendar)


def payload_for(sop: SopDefinition, number: int, **extra: object) -> dict[str, object]:
    """A valid output for a step of any SOP, from the step's own properties."""
    step = sop.step(number)
    return {"text": f"Keluaran langkah {number}", "kelengkapan": list(step.kelengkapan), **extra}


def walk_sop(
    session: Any,
    case_id: int,
    people: dict[str, list[Account]],
    *,
    return_once_at: frozenset[int] = frozenset(),
    start: datetime = MONDAY_0800,
    minutes_per_step: int = 2,
    until: int | None = None,
) -> datetime:
    """Take a case of any SOP step by step as its performers would, reading what each step
    does from the case's SOP version: the first holder of a step's position acts (the named
    one where the performer is named), a naming step names the first holder of the position
    it names for, and each step in `return_once_at` sends the case back once. Stops when the
    case closes, or when step `until` is current; returns the time reached."""
    now = start
    returned: set[int] = set()
    while True:
        case = svc.lock_case(session, case_id)
        sop = case.sop_version.sop
        if case.current_step is None or case.current_step == until:
            return now
        step = sop.step(case.current_step)
        now += timedelta(minutes=minutes_per_step)
        actor = case.assignee if step.by_assignee else people[step.role][0]
        if step.number in return_once_at and step.number not in returned:
            returned.add(step.number)
            return_for_rework(session, actor, case_id, {"reason": "ulang"}, now, step=step.number)
            continue
        extra: dict[str, object] = {}
        if step.names_assignee:
            extra["assignee_id"] = people[sop.step(step.names_performer_for[0]).role][0].id
        complete_step(
            session, actor, case_id, step.number, payload_for(sop, step.number, **extra), now
        )
