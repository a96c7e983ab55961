"""`flask --app wsgi seed-demo`: demo accounts (one per role) and a few cases at different steps."""

from __future__ import annotations

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

from . import clock

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


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Create demo accounts and cases; running it again changes nothing."""
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
