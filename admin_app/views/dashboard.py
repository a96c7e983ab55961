"""Dasbor: how the SOP is doing, as server-side SVG charts, the same numbers as tables and CSV.

The charts are drawn by pygal on the server and put inline in the page: no JavaScript and no
URL outside the app, so the dashboard works on an intranet without internet. Every string a
user sees is in LABELS (or in the template), as lazy translations; CSV headers are codes in the
reader's language (Indonesian or English).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pygal
from flask import Response, abort, current_app, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from pygal.etree import etree as pygal_etree
from pygal.style import Style

from models import db
from models.services import stats
from models.services.days import day_start
from models.services.export import FORMULA_STARTS
from rules import is_plausible_day
from rules.errors import RuleError
from rules.sop import SopDefinition

from .. import clock
from ..formatting import minutes as format_minutes
from ..forms import day_range_message
from ..i18n import error_message, get_locale_language
from ..labels import activity
from ..permissions import Perm, Screen
from .base import SecureView
from .filters import sop_choices

DEFAULT_DAYS = 90
"""The period shown when none is chosen: the last 90 days, today included."""

MAX_DAYS = 731
"""The longest period one request may ask for (two years)."""

LABELS: dict[str, Any] = {
    "no_data": _l("Tidak ada data"),
    "series": {
        "within": _l("Sesuai standar"),
        "over": _l("Melebihi standar"),
        "share_within": _l("Sesuai standar (%)"),
        "standard": _l("Standar SOP"),
        "median": _l("Median"),
        "p90": _l("Persentil ke-90"),
        "reworked": _l("Dengan pengulangan"),
        "not_reworked": _l("Tanpa pengulangan"),
        "conforming": _l("Sesuai SOP"),
        "nonconforming": _l("Tidak sesuai SOP"),
        "open_directed": _l("Kasus terbuka yang menunjuknya"),
        "fixes": _l("Langkah selesai dalam periode"),
        "reported": _l("Dilaporkan"),
        "completed": _l("Selesai"),
        "week_within": _l("Selesai dalam total SOP (%, sumbu kanan)"),
        "standard_total": _l("Total standar SOP"),
    },
    "axis": {"step": _l("Langkah"), "cases": _l("Kasus"), "minutes": _l("Menit kerja")},
    "charts": {
        "open": _l("Kasus berjalan per langkah saat ini"),
        "steps": _l("Ketepatan waktu per langkah"),
        "times": _l("Tinjauan waktu standar: median dan p90 terhadap standar"),
        "lead": _l("Waktu penyelesaian kasus terhadap total SOP"),
        "rework": _l("Tingkat pengulangan perbaikan"),
        "conformance": _l("Kepatuhan terhadap SOP"),
        "named": _l("Beban kerja pelaksana yang ditunjuk"),
        "weekly": _l("Tren mingguan"),
    },
    # key: (heading on the page, CSV header in Indonesian, CSV header in English)
    "columns": {
        "step": (_l("Langkah"), "langkah", "step"),
        "activity": (_l("Kegiatan"), "kegiatan", "activity"),
        "open_cases": (_l("Berjalan"), "kasus_berjalan", "open_cases"),
        "within_now": (_l("Sesuai standar"), "sesuai_standar", "within_standard"),
        "over_now": (_l("Melebihi standar"), "melebihi_standar_sekarang", "over_standard_now"),
        "live_over": (
            _l("di langkah ini"),
            "melebihi_di_langkah_berjalan",
            "over_at_current_step",
        ),
        "earlier_over": (
            _l("di langkah sebelumnya"),
            "melebihi_di_langkah_sebelumnya",
            "over_at_earlier_step",
        ),
        "standard": (_l("Standar (menit)"), "standar_menit", "standard_minutes"),
        "runs": (_l("Pelaksanaan"), "pelaksanaan", "runs"),
        "within": (_l("Sesuai standar"), "sesuai_standar", "within_standard"),
        "share_within": (
            _l("Sesuai standar (%)"),
            "persen_sesuai_standar",
            "percent_within_standard",
        ),
        "median": (_l("Median (menit)"), "median_menit", "median_minutes"),
        "p90": (_l("P90 (menit)"), "p90_menit", "p90_minutes"),
        "suggested": (
            _l("Usulan standar (menit)"),
            "usulan_standar_menit",
            "suggested_standard_minutes",
        ),
        "measure": (_l("Ukuran"), "ukuran", "measure"),
        "value": (_l("Nilai"), "nilai", "value"),
        "named": (_l("Pelaksana"), "pelaksana", "performer"),
        "username": (_l("Nama pengguna"), "nama_pengguna", "username"),
        "open_directed": (
            _l("Kasus terbuka ditugaskan"),
            "kasus_terbuka_ditugaskan",
            "open_cases_assigned",
        ),
        "waiting_fix": (_l("Menunggunya sekarang"), "menunggu_sekarang", "waiting_now"),
        "fixes": (_l("Langkah selesai"), "langkah_selesai", "steps_completed"),
        "median_fix": (
            _l("Median langkah (menit)"),
            "median_langkah_menit",
            "median_step_minutes",
        ),
        "week": (_l("Minggu"), "minggu", "week"),
        "monday": (_l("Mulai (Senin)"), "mulai_senin", "starts_monday"),
        "reported": (_l("Dilaporkan"), "dilaporkan", "reported"),
        "completed": (_l("Selesai"), "selesai", "completed"),
        "closed_early": (_l("Ditutup lebih awal"), "ditutup_lebih_awal", "closed_early"),
        "completed_within": (
            _l("Selesai ≤ total SOP"),
            "selesai_dalam_total_sop",
            "completed_within_sop_total",
        ),
        "week_share": (
            _l("Selesai ≤ total SOP (%)"),
            "persen_selesai_dalam_total_sop",
            "percent_completed_within_sop_total",
        ),
    },
    # key: (name on the page, code in the CSV in Indonesian, in English)
    "measures": {
        "completed": (_l("Kasus selesai dalam periode"), "kasus_selesai", "completed_cases"),
        "lead_median": (
            _l("Median waktu penyelesaian (menit kerja)"),
            "median_menit",
            "median_minutes",
        ),
        "lead_p90": (
            _l("Persentil ke-90 waktu penyelesaian (menit kerja)"),
            "p90_menit",
            "p90_minutes",
        ),
        "standard_total": (
            _l("Total standar SOP (menit)"),
            "total_standar_sop_menit",
            "sop_standard_total_minutes",
        ),
        "completed_within": (
            _l("Selesai dalam total SOP"),
            "selesai_dalam_total_sop",
            "completed_within_sop_total",
        ),
        "share_within": (
            _l("Selesai dalam total SOP (%)"),
            "persen_selesai_dalam_total_sop",
            "percent_completed_within_sop_total",
        ),
        "reworked": (
            _l("Kasus selesai dengan pengulangan"),
            "kasus_dengan_pengulangan",
            "cases_with_rework",
        ),
        "rework_rate": (_l("Tingkat pengulangan (%)"), "persen_pengulangan", "percent_rework"),
        "closed": (_l("Kasus ditutup dalam periode"), "kasus_ditutup", "closed_cases"),
        "conforming": (_l("Sesuai SOP"), "sesuai_sop", "conforming"),
        "nonconforming": (_l("Tidak sesuai SOP"), "tidak_sesuai_sop", "nonconforming"),
        "conformance": (_l("Kepatuhan (%)"), "persen_kepatuhan", "percent_conformance"),
    },
    "file": {
        "id": "dasbor-{chart}-{first}-{last}.csv",
        "en": "dashboard-{chart}-{first}-{last}.csv",
    },
}
"""Every word of the dashboard outside its template; CSV headers are plain codes per language."""

CSV_LANGUAGES = ("id", "en")


def _csv_index() -> int:
    """Which CSV header of a column to use: 1 for Indonesian, 2 for English."""
    return 1 + CSV_LANGUAGES.index(get_locale_language())


COLORS = {
    "green": "#28a745",
    "red": "#dc3545",
    "blue": "#007bff",
    "navy": "#17395c",
    "orange": "#fd7e14",
    "gray": "#6c757d",
    "teal": "#20c997",
}
# Drawn at the size they are shown at on a 1366-pixel screen, so text keeps its font size: beside
# a table, across the page, in half of it, in a third.
NARROW, WIDE, HALF, THIRD = 590, 1060, 480, 330
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
# The standard library's ElementTree, even where lxml is installed (python-docx brings it): the
# same SVG whatever is installed, with no namespace beyond SVG's own.
pygal_etree.to_etree()
# pygal signs its SVG with comments holding URLs, and always embeds a script with its config
# for the tooltips it would load from a CDN: neither belongs on an intranet page.
_UNWANTED = re.compile(r"<!--.*?-->|<script\b[^>]*>.*?</script>", re.DOTALL)


@dataclass(frozen=True)
class Period:
    """The days chosen, first and last included, in the app's time zone."""

    first: date
    last: date
    sop: str | None = None
    """The key of the SOP the figures are about; None: the default SOP."""

    def bounds(self, tz: str) -> tuple[datetime, datetime]:
        """The period as instants [start, end): midnight of the first day to after the last."""
        return day_start(self.first, tz), day_start(self.last + timedelta(days=1), tz)

    @property
    def args(self) -> dict[str, str]:
        """The query string of this period (and of the SOP chosen)."""
        args = {"from": self.first.isoformat(), "to": self.last.isoformat()}
        return args | ({"sop": self.sop} if self.sop else {})


def _parse_day(name: str, today: date | None) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return today
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        field = _("awal") if name == "from" else _("akhir")
        abort(
            400,
            description=_(
                "Tanggal %(field)s tidak sah: %(value)s. Gunakan format TTTT-BB-HH.",
                field=field,
                value=repr(raw[:40]),
            ),
        )
    if not is_plausible_day(day):
        abort(400, description=day_range_message())
    return day


def period_from_request(today: date) -> Period:
    """The period in `from`/`to` (YYYY-MM-DD, both included); by default the last 90 days."""
    last = _parse_day("to", today) or today
    first = _parse_day("from", None) or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        abort(400, description=_("Tanggal awal harus sebelum atau sama dengan tanggal akhir."))
    if (last - first).days + 1 > MAX_DAYS:
        abort(400, description=_("Periode paling panjang %(days)s hari.", days=MAX_DAYS))
    sop = request.args.get("sop", "").strip() or None
    if sop is not None and sop not in {key for key, _name in sop_choices()}:
        abort(400, description=_("SOP tidak dikenal: %(key)s", key=sop))
    return Period(first, last, sop)


def _cursor() -> stats.Cursor | None:
    """The conformance list's cursor `after=<iso instant>_<id>`; a malformed one is refused."""
    raw = request.args.get("after")
    if not raw:
        return None
    instant, _sep, case_id = raw.rpartition("_")
    try:
        moment = datetime.fromisoformat(instant)
        if moment.tzinfo is None:
            raise ValueError(instant)
        return moment, int(case_id)
    except ValueError:
        abort(400, description=_("Penanda halaman tidak sah."))


# Tables: each chart's numbers, for the page and for CSV.


@dataclass(frozen=True)
class Column:
    """One column of a table: its key in the rows, its heading and CSV header, how to show it."""

    key: str
    kind: str
    """text, count, minutes or share (a fraction, shown and exported as a percentage)."""
    label: Any
    """A lazy translation, shown in the reader's language."""
    header: str
    screen: bool = True
    """False: in the CSV only (the page's table beside a chart has no room for it)."""


def _columns(*spec: tuple[str, str], csv_only: Iterable[str] = ()) -> tuple[Column, ...]:
    hidden = set(csv_only)
    header = _csv_index()
    columns = LABELS["columns"]
    return tuple(
        Column(key, kind, columns[key][0], columns[key][header], screen=key not in hidden)
        for key, kind in spec
    )


@dataclass(frozen=True)
class Table:
    """A chart's numbers: rows of raw values, keyed by column."""

    key: str
    title: Any
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]


def _measures(key: str, items: Iterable[tuple[str, str, Any]]) -> Table:
    """A two-column table of named measures: (measure key, kind, value)."""
    columns = _columns(("measure", "text"), ("value", "value"))
    code = _csv_index()
    rows = [
        {
            "measure": LABELS["measures"][name][0],
            "code": LABELS["measures"][name][code],
            "kind": kind,
            "value": value,
        }
        for name, kind, value in items
    ]
    return Table(key, LABELS["charts"][key], columns, rows)


def build_tables(data: stats.Dashboard) -> dict[str, Table]:
    """Every chart's table, from the dashboard's figures."""
    sop: SopDefinition = data.sop
    charts = LABELS["charts"]
    closed = data.closed
    return {
        "open": Table(
            "open",
            charts["open"],
            _columns(
                ("step", "count"),
                ("activity", "text"),
                ("open_cases", "count"),
                ("within_now", "count"),
                ("over_now", "count"),
                ("live_over", "count"),
                ("earlier_over", "count"),
                csv_only=("activity",),
            ),
            [
                {
                    "step": row.step,
                    "activity": activity(sop.step(row.step)),
                    "open_cases": row.open_cases,
                    "within_now": row.open_cases - row.over_now,
                    "over_now": row.over_now,
                    "live_over": row.live_over,
                    "earlier_over": row.earlier_over,
                }
                for row in data.open_steps
            ],
        ),
        "steps": Table(
            "steps",
            charts["steps"],
            _columns(
                ("step", "count"),
                ("activity", "text"),
                ("standard", "minutes"),
                ("runs", "count"),
                ("within", "count"),
                ("share_within", "share"),
                csv_only=("activity",),
            ),
            [
                {
                    "step": row.step,
                    "activity": activity(sop.step(row.step)),
                    "standard": row.standard,
                    "runs": row.runs,
                    "within": row.within if row.standard is not None else None,
                    "share_within": row.share_within,
                }
                for row in data.steps
            ],
        ),
        "times": Table(
            "times",
            charts["times"],
            _columns(
                ("step", "count"),
                ("activity", "text"),
                ("standard", "minutes"),
                ("runs", "count"),
                ("median", "minutes"),
                ("p90", "minutes"),
                ("suggested", "minutes"),
            ),
            [
                {
                    "step": row.step,
                    "activity": activity(sop.step(row.step)),
                    "standard": row.standard,
                    "runs": row.runs,
                    "median": row.median,
                    "p90": row.p90,
                    "suggested": row.suggested,
                }
                for row in data.steps
            ],
        ),
        "lead": _measures(
            "lead",
            [
                ("completed", "count", closed.completed),
                ("lead_median", "minutes", closed.lead_median),
                ("lead_p90", "minutes", closed.lead_p90),
                ("standard_total", "minutes", closed.standard_total),
                ("completed_within", "count", closed.completed_within),
                ("share_within", "share", closed.share_within),
            ],
        ),
        "rework": _measures(
            "rework",
            [
                ("completed", "count", closed.completed),
                ("reworked", "count", closed.reworked),
                ("rework_rate", "share", closed.rework_rate),
            ],
        ),
        "conformance": _measures(
            "conformance",
            [
                ("closed", "count", closed.closed),
                ("conforming", "count", closed.conforming),
                ("nonconforming", "count", closed.nonconforming),
                ("conformance", "share", closed.conformance),
            ],
        ),
        "named": Table(
            "named",
            charts["named"],
            _columns(
                ("named", "text"),
                ("username", "text"),
                ("open_directed", "count"),
                ("waiting_fix", "count"),
                ("fixes", "count"),
                ("median_fix", "minutes"),
                csv_only=("username",),
            ),
            [
                {
                    "named": row.name,
                    "username": row.username,
                    "open_directed": row.open_directed,
                    "waiting_fix": row.waiting_fix,
                    "fixes": row.fixes,
                    "median_fix": row.median_fix,
                }
                for row in data.named
            ],
        ),
        "weekly": Table(
            "weekly",
            charts["weekly"],
            _columns(
                ("week", "text"),
                ("monday", "text"),
                ("reported", "count"),
                ("completed", "count"),
                ("closed_early", "count"),
                ("completed_within", "count"),
                ("week_share", "share"),
            ),
            [
                {
                    "week": row.label,
                    "monday": row.week.isoformat(),
                    "reported": row.reported,
                    "completed": row.completed,
                    "closed_early": row.closed_early,
                    "completed_within": row.completed_within,
                    "week_share": row.share_within,
                }
                for row in data.weeks
            ],
        ),
    }


def show(value: Any, kind: str) -> str:
    """A value as the page shows it: minutes in the locale, shares as percentages."""
    if value is None:
        return "—"
    if kind == "minutes":
        return format_minutes(value)
    if kind == "share":
        return format_minutes(value * 100) + "%"
    if kind == "count":
        return format_minutes(value)
    return str(value)


def export(value: Any, kind: str) -> str:
    """A value as CSV holds it: plain numbers with a dot, shares as percentages (1 decimal)."""
    if value is None:
        return ""
    if kind == "minutes":
        return f"{float(value):.2f}".rstrip("0").rstrip(".")
    if kind == "share":
        return f"{float(value) * 100:.1f}"
    text = str(value)
    # As the other exports do: a text that a spreadsheet would run as a formula gets a quote.
    return "'" + text if kind == "text" and text.startswith(FORMULA_STARTS) else text


# Charts: pygal, rendered to inline SVG without its JavaScript.

STYLE = Style(
    font_family=FONT,
    background="transparent",
    plot_background="transparent",
    foreground="#343a40",
    foreground_strong="#212529",
    foreground_subtle="#dee2e6",
    opacity=".9",
    opacity_hover="1",
    colors=(COLORS["blue"], COLORS["orange"], COLORS["green"], COLORS["red"], COLORS["gray"]),
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=12,
    value_label_font_size=12,
    legend_font_size=13,
    tooltip_font_size=12,
    title_font_size=15,
)


def _chart(kind: Callable[..., Any], colors: Iterable[str], **options: Any) -> Any:
    style = Style(**{**STYLE.to_dict(), "colors": tuple(colors)})
    defaults = {
        "js": [],  # pygal's tooltips load a script from a CDN: none on an intranet
        "disable_xml_declaration": True,
        "style": style,
        "width": NARROW,
        "height": 340,
        "truncate_label": -1,
        "print_values": True,
        "no_data_text": str(LABELS["no_data"]),
        "margin": 8,
        "spacing": 14,
    }
    return kind(**{**defaults, **options})


def svg(chart: Any) -> Markup:
    """The chart as inline SVG: no XML declaration, no comments, no script."""
    rendered = _UNWANTED.sub("", chart.render(is_unicode=True))
    return Markup(rendered)  # pygal builds the SVG with ElementTree, which escapes every text


def _number_value(value: float) -> str:
    return format_minutes(value)


def _percent_value(value: float) -> str:
    return format_minutes(value) + "%"


def _share(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


@dataclass(frozen=True)
class Chart:
    """An inline SVG chart and its legend (drawn in HTML: pygal's clips long labels)."""

    svg: Markup
    legend: tuple[tuple[str, str], ...]
    """(colour, label) of each series."""


Series = tuple[str, str, Any]
"""(label, colour, values) of one series; a pie's values are one number."""


def _draw(kind: Callable[..., Any], series: Iterable[Series], **options: Any) -> Chart:
    """Draw these series with the dashboard's defaults; with a `secondary_range`, the last
    series is drawn against the right-hand axis."""
    series = list(series)
    chart = _chart(
        kind, [colour for _label, colour, _values in series], show_legend=False, **options
    )
    secondary = options.get("secondary_range") is not None
    for index, (label, _colour, values) in enumerate(series):
        chart.add(str(label), values, secondary=secondary and index == len(series) - 1)
    return Chart(svg(chart), tuple((colour, str(label)) for label, colour, _values in series))


def build_charts(
    tables: dict[str, Table], data: stats.Dashboard, period: Period
) -> dict[str, Chart]:
    """One chart per table."""
    series = LABELS["series"]
    axis = {key: str(text) for key, text in LABELS["axis"].items()}
    closed = data.closed
    open_rows = tables["open"].rows
    timed = [row for row in tables["times"].rows if row["standard"] is not None]
    timed_steps = [row for row in tables["steps"].rows if row["standard"] is not None]
    named = tables["named"].rows[::-1]  # pygal draws the first label at the bottom
    weeks = tables["weekly"].rows
    steps_options = {"x_title": axis["step"], "x_labels": []}
    pie_options = {"inner_radius": 0.55, "value_formatter": _number_value, "print_values": True}
    return {
        "open": _draw(
            pygal.StackedBar,
            [
                (series["within"], COLORS["green"], [row["within_now"] for row in open_rows]),
                (series["over"], COLORS["red"], [row["over_now"] for row in open_rows]),
            ],
            **{**steps_options, "x_labels": [str(row["step"]) for row in open_rows]},
            y_title=axis["cases"],
            print_values=False,
            width=HALF,
        ),
        "steps": _draw(
            pygal.Bar,
            [
                (
                    series["share_within"],
                    COLORS["green"],
                    [_share(row["share_within"]) for row in timed_steps],
                )
            ],
            **{**steps_options, "x_labels": [str(row["step"]) for row in timed_steps]},
            range=(0, 100),
            value_formatter=_percent_value,
        ),
        "times": _draw(
            pygal.Bar,
            [
                (series["standard"], COLORS["gray"], [row["standard"] for row in timed]),
                (series["median"], COLORS["blue"], [row["median"] for row in timed]),
                (series["p90"], COLORS["orange"], [row["p90"] for row in timed]),
            ],
            **{**steps_options, "x_labels": [str(row["step"]) for row in timed]},
            y_title=axis["minutes"],
            value_formatter=_number_value,
            width=WIDE,
            height=340,
        ),
        "lead": _draw(
            pygal.HorizontalBar,
            [
                (series["median"], COLORS["blue"], [closed.lead_median]),
                (series["p90"], COLORS["orange"], [closed.lead_p90]),
                (series["standard_total"], COLORS["gray"], [closed.standard_total]),
            ],
            value_formatter=_number_value,
            width=HALF,
            height=200,
        ),
        "rework": _draw(
            pygal.Pie,
            [
                (series["not_reworked"], COLORS["green"], closed.completed - closed.reworked),
                (series["reworked"], COLORS["orange"], closed.reworked),
            ]
            if closed.completed
            else [],
            width=HALF,
            height=200,
            **pie_options,
        ),
        "conformance": _draw(
            pygal.Pie,
            [
                (series["conforming"], COLORS["green"], closed.conforming),
                (series["nonconforming"], COLORS["red"], closed.nonconforming),
            ]
            if closed.closed
            else [],
            width=THIRD,
            height=220,
            **pie_options,
        ),
        "named": _draw(
            pygal.HorizontalBar,
            [
                (series["open_directed"], COLORS["navy"], [row["open_directed"] for row in named]),
                (series["fixes"], COLORS["teal"], [row["fixes"] for row in named]),
            ],
            x_labels=[row["named"] for row in named],
            value_formatter=_number_value,
            height=max(200, 40 + 36 * len(named)),
        ),
        "weekly": _draw(
            pygal.Line,
            [
                (series["reported"], COLORS["blue"], [row["reported"] for row in weeks]),
                (series["completed"], COLORS["green"], [row["completed"] for row in weeks]),
                (
                    series["week_within"],
                    COLORS["orange"],
                    [_share(row["week_share"]) for row in weeks],
                ),
            ],
            x_labels=[_week_label(row, period) for row in weeks],
            print_values=False,
            x_label_rotation=-40,
            show_minor_x_labels=False,
            x_labels_major_every=max(1, len(weeks) // 14),
            y_title=axis["cases"],
            secondary_range=(0, 100),
            dots_size=2.5,
            width=WIDE,
            height=360,
        ),
    }


def _week_label(row: dict[str, Any], period: Period) -> str:
    """The ISO week, starred when the period holds only part of it."""
    monday = date.fromisoformat(row["monday"])
    whole = period.first <= monday and monday + timedelta(days=6) <= period.last
    return str(row["week"]) + ("" if whole else "*")


class DashboardView(SecureView):
    """The SOP's performance at a glance, for the managers and the superuser."""

    screen = Screen.DASHBOARD

    def _figures(self, period: Period) -> stats.Dashboard:
        tz = current_app.config["TIMEZONE"]
        start, end = period.bounds(tz)
        return stats.dashboard(
            db.session, start, end, clock.now(), tz, after=_cursor(), key=period.sop
        )

    def _today(self) -> date:
        return clock.now().astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()

    @expose("/")
    def index(self) -> str:
        period = period_from_request(self._today())
        data = self._figures(period)
        tables = build_tables(data)
        after = data.nonconforming.next_cursor
        return self.render(
            "admin/dashboard.html",
            period=period,
            data=data,
            tables=tables,
            charts=build_charts(tables, data, period),
            texts=LABELS,
            show=show,
            reason_text=lambda reason: error_message(RuleError(reason.code, reason.params)),
            may_export=self.may(Perm.EXPORT),
            next_page=(
                url_for(".index", **period.args, after=f"{after[0].isoformat()}_{after[1]}")
                if after
                else None
            ),
            paged=request.args.get("after") is not None,
            sops=sop_choices(),
            default_days=DEFAULT_DAYS,
        )

    @expose("/<chart>.csv")
    def csv(self, chart: str) -> Response:
        if not self.may(Perm.EXPORT):
            abort(403)
        if chart not in LABELS["charts"]:
            abort(404)
        period = period_from_request(self._today())
        table = build_tables(self._figures(period))[chart]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        if table.columns[-1].kind == "value":  # a table of named measures
            writer.writerow([column.header for column in table.columns])
            writer.writerows([row["code"], export(row["value"], row["kind"])] for row in table.rows)
        else:
            writer.writerow([column.header for column in table.columns])
            writer.writerows(
                [export(row[column.key], column.kind) for column in table.columns]
                for row in table.rows
            )
        name = LABELS["file"][get_locale_language()].format(
            chart=chart, first=period.first.isoformat(), last=period.last.isoformat()
        )
        return Response(
            out.getvalue(),
            mimetype="text/csv",
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )
