"""`flask --app wsgi seed-demo`: demo accounts (one per role) and a few cases of the default SOP.

With `--cases N --logs M` it also loads two years of bulk data (admin_app/seed_bulk.py).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from models import Account, Case, db
from models.services import accounts, sop_library
from models.services import cases as svc
from rules.calendar import WorkingCalendar
from rules.enums import Action, Role

from . import clock, seed_bulk

DEMO_ACCOUNTS = (
    ("pengguna", "Putri Pengguna", Role.PENGGUNA),
    ("direktur", "Dewi Direktur", Role.DIREKTUR),
    ("kasubdit", "Kurniawan Kasubdit", Role.KASUBDIT),
    ("kasi", "Kartika Kasi", Role.KASI),
    ("jfu", "Joko JFU", Role.JFU),
    ("jfu2", "Jihan JFU", Role.JFU),
)

# (title, where the case is left): waiting at the n-th step (the last stands for closed, the
# first for closed early at the second step), or "rework" (returned once by the first step that
# may return). Steps beyond the default SOP's length are its last.
DEMO_CASES: tuple[tuple[str, int | str], ...] = (
    ("Formulir pendaftaran merek tidak bisa dikirim", 2),
    ("Tautan unduhan panduan paten rusak", 4),
    ("Halaman berita menampilkan tanggal salah", 6),
    ("Pencarian hak cipta lambat sekali", 7),
    ("Sertifikat SSL portal hampir kedaluwarsa", "rework"),
    ("Gambar banner beranda tidak tampil", "closed"),
    ("Laporan ganda: formulir merek", "early"),
)


def _holder(people: dict[str, Account], code: str) -> Account:
    """The first demo account holding a position."""
    return next(account for account in people.values() if account.has_role(code))


def _complete(
    people: dict[str, Account], case: Case, now: datetime, calendar: WorkingCalendar
) -> None:
    """Complete the case's step in progress as its performer would, from the step's properties."""
    sop = case.sop_version.sop
    step = sop.step(case.current_step or sop.first_step)
    payload: dict[str, object] = {
        "step": step.number,
        "text": f"Catatan demo untuk langkah {step.number}.",
        "kelengkapan": list(step.kelengkapan),
    }
    if step.names_assignee:
        payload["assignee_id"] = _holder(people, sop.step(step.names_performer_for[0]).role).id
    actor = case.assignee if step.by_assignee and case.assignee else _holder(people, step.role)
    svc.act(db.session, actor, case.id, Action.COMPLETE, payload, now, calendar)


def _walk(
    people: dict[str, Account],
    title: str,
    fate: int | str,
    start: datetime,
    calendar: WorkingCalendar,
) -> None:
    """Report a case and take it to its fate, a few working minutes per step."""
    report = {
        "title": title,
        "description": f"{title}. Dilaporkan untuk demo.",
        "channel": "web",
    }
    case = svc.report(db.session, people["pengguna"], report, start, calendar).case
    sop = case.sop_version.sop
    now = start + timedelta(minutes=5)
    if fate == "early":
        closer = _holder(people, sorted(sop.close_early_by)[0])
        svc.act(
            db.session, closer, case.id, Action.CLOSE_EARLY, {"reason": "duplikat"}, now, calendar
        )
        return
    returning = next((s for s in sop.steps if s.may_return_to), None)
    if fate == "rework" and returning is None:
        fate = "closed"
    if fate == "closed":
        target = sop.last_step + 1
    elif fate == "rework":
        target = returning.number if returning else 0
    else:
        target = min(int(fate), sop.last_step)
    while case.current_step is not None and case.current_step < target:
        now += timedelta(minutes=4 + case.current_step)
        _complete(people, case, now, calendar)
    if fate == "rework" and returning is not None:
        reason = {"reason": "Perbaikan belum berlaku di peramban seluler."}
        svc.act(
            db.session,
            _holder(people, returning.role),
            case.id,
            Action.RETURN_FOR_REWORK,
            reason,
            now + timedelta(minutes=3),
            calendar,
        )


def _seed_small() -> None:
    """Demo accounts (one per role) and a few cases walked by the services; idempotent."""
    created = []
    for username, full_name, role in DEMO_ACCOUNTS:
        if accounts.username_taken(db.session, username):
            continue
        password = accounts.generate_password()
        accounts.create_account(
            db.session, username=username, full_name=full_name, roles=[role], password=password
        )
        created.append((username, role, password))
    people = {
        account.username: account
        for account in db.session.scalars(
            sa.select(Account).where(Account.username.in_([u for u, _, _ in DEMO_ACCOUNTS]))
        )
    }
    has_cases = db.session.scalar(
        sa.select(sa.func.count(Case.id)).where(Case.recorded_by_id == people["pengguna"].id)
    )
    default = sop_library.version_for_new_case(db.session, None).sop
    missing = sorted(
        code
        for code in default.positions
        if not any(account.has_role(code) for account in people.values())
    )
    if not has_cases and missing:
        click.echo(
            f"SOP bawaan memerlukan jabatan tanpa akun demo ({', '.join(missing)}); "
            "kasus demo tidak dibuat."
        )
        has_cases = 1
    elif not has_cases:
        calendar = clock.calendar()
        start = calendar.add(clock.now() - timedelta(days=3), timedelta(0))
        for index, (title, fate) in enumerate(DEMO_CASES):
            _walk(people, title, fate, start + timedelta(minutes=7 * index), calendar)
    db.session.commit()
    if not created and has_cases:
        click.echo("Data demo sudah ada; tidak ada yang diubah.")
    for username, role, password in created:
        click.echo(f"{role.value:10} {username:10} kata sandi: {password}")
    if not has_cases:
        click.echo(f"{len(DEMO_CASES)} kasus demo dibuat.")


def _seed_bulk(cases: int, logs: int | None, started: float) -> None:
    """The bulk load, once: a second run says so and writes nothing."""
    marker = seed_bulk.already_loaded(db.session)
    if marker is not None:
        when = marker.occurred_at.astimezone(clock.calendar().tz)
        click.echo(f"Data massal sudah dimuat ({when:%Y-%m-%d %H:%M}); tidak ada yang diubah.")
        return
    entries = "langkah 9 saja" if logs is None else f"{logs:,} entri"
    click.echo(f"Memuat data massal: {cases:,} kasus, log kegiatan {entries} ...")
    try:
        result = seed_bulk.load(
            db.session,
            cases=cases,
            logs=logs,
            now=clock.now(),
            calendar=clock.calendar(),
            demo_usernames=[username for username, _, _ in DEMO_ACCOUNTS],
            password=accounts.generate_password(),
            echo=click.echo,
        )
        began = time.perf_counter()
        db.session.commit()
    except seed_bulk.BulkError as err:
        db.session.rollback()
        raise click.ClickException(str(err)) from None
    click.echo(f"  {'COMMIT':<34} {'':>10}       {time.perf_counter() - began:7.1f} dtk")
    seed_bulk.analyze(db.session, click.echo)
    db.session.commit()
    names = ", ".join(
        group[0].username + (f"..{group[-1].username}" if len(group) > 1 else "")
        for group in _by_role(result.accounts)
    )
    click.echo(
        f"{len(result.accounts)} akun massal ({names}) memakai satu kata sandi: {result.password}"
    )
    click.echo(f"Selesai dalam {time.perf_counter() - started:.1f} dtk.")


def _by_role(bulk: list[seed_bulk.BulkAccount]) -> list[list[seed_bulk.BulkAccount]]:
    groups: dict[str, list[seed_bulk.BulkAccount]] = {}
    for account in bulk:
        groups.setdefault(account.role, []).append(account)
    return list(groups.values())


@click.command("seed-demo")
@click.option(
    "--cases",
    type=click.IntRange(min=0),
    default=None,
    help="Also load this many cases in bulk, spread over two years of working time.",
)
@click.option(
    "--logs",
    type=click.IntRange(min=0),
    default=None,
    help="Daily-log entries the bulk load writes in all: step 9's plus routine ones.",
)
@with_appcontext
def seed_demo(cases: int | None, logs: int | None) -> None:
    """Create demo accounts and cases; running it again changes nothing.

    With --cases or --logs, also load bulk data once (a second run says so, changes nothing).
    """
    started = time.perf_counter()
    _seed_small()
    if cases is not None or logs is not None:
        _seed_bulk(cases or 0, logs, started)
