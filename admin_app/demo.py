"""`flask --app wsgi seed-demo`: demo accounts (one per role) and a few cases at different steps.

With `--cases N --logs M` it also loads two years of bulk data (admin_app/seed_bulk.py).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from models import Account, Case, db
from models.services import accounts
from models.services import cases as svc
from rules.calendar import WorkingCalendar
from rules.enums import Role
from rules.sop import portal_sop

from . import clock, seed_bulk

DEMO_ACCOUNTS = (
    ("pengguna", "Putri Pengguna", Role.PENGGUNA),
    ("direktur", "Dewi Direktur", Role.DIREKTUR),
    ("kasubdit", "Kurniawan Kasubdit", Role.KASUBDIT),
    ("kasi", "Kartika Kasi", Role.KASI),
    ("jfu", "Joko JFU", Role.JFU),
    ("jfu2", "Jihan JFU", Role.JFU),
)

# (title, the step the case should wait at; 10 = closed, 0 = closed early, 70 = rework round)
DEMO_CASES = (
    ("Formulir pendaftaran merek tidak bisa dikirim", 2),
    ("Tautan unduhan panduan paten rusak", 4),
    ("Halaman berita menampilkan tanggal salah", 6),
    ("Pencarian hak cipta lambat sekali", 7),
    ("Sertifikat SSL portal hampir kedaluwarsa", 70),
    ("Gambar banner beranda tidak tampil", 10),
    ("Laporan ganda: formulir merek", 0),
)


def _payload(step: int, **extra: object) -> dict[str, object]:
    text = f"Catatan demo untuk langkah {step}."
    return {"text": text, "kelengkapan": list(portal_sop().step(step).kelengkapan), **extra}


def _walk(
    people: dict[str, Account], title: str, target: int, start: datetime, calendar: WorkingCalendar
) -> None:
    """Report a case and take it to its target, a few working minutes per step."""
    report = {
        "title": title,
        "description": f"{title}. Dilaporkan untuk demo.",
        "channel": "web",
        "kelengkapan": ["telepon"],
    }
    case = svc.report(db.session, people["pengguna"], report, start, calendar).case
    now = start
    performers = {
        2: "direktur",
        3: "kasubdit",
        4: "kasi",
        5: "kasi",
        6: "kasi",
        7: "jfu",
        8: "kasi",
        9: "kasi",
    }
    if target == 0:
        svc.close_early(
            db.session,
            people["kasi"],
            case.id,
            {"reason": "duplikat"},
            now + timedelta(minutes=5),
            calendar,
        )
        return
    for step in range(2, 8 if target == 70 else target):
        now += timedelta(minutes=4 + step)
        extra = {"assignee_id": people["jfu"].id} if step == 6 else {}
        svc.complete_step(
            db.session,
            people[performers[step]],
            case.id,
            step,
            _payload(step, **extra),
            now,
            calendar,
        )
    if target == 70:
        svc.return_for_rework(
            db.session,
            people["kasi"],
            case.id,
            {"reason": "Perbaikan belum berlaku di peramban seluler."},
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
    if not has_cases:
        calendar = clock.calendar()
        start = calendar.add(clock.now() - timedelta(days=3), timedelta(0))
        for index, (title, target) in enumerate(DEMO_CASES):
            _walk(people, title, target, start + timedelta(minutes=7 * index), calendar)
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
    groups: dict[Role, list[seed_bulk.BulkAccount]] = {}
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
