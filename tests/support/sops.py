"""SOP definitions for the tests: the shipped portal SOP and SOP tables in other shapes."""

from __future__ import annotations

import functools
from pathlib import Path

from rules.sop import SopDefinition, load_sop_file

ROOT = Path(__file__).resolve().parents[2]
PORTAL_FILE = ROOT / "rules/sops/pemeliharaan_portal.toml"
PORTAL_KEY = "pemeliharaan-portal"
DATA = ROOT / "tests/unit/data"


@functools.cache
def portal_sop() -> SopDefinition:
    """The SOP "Pemeliharaan Portal Website DJKI" as SOP Desk ships it (migration 0010)."""
    return load_sop_file(PORTAL_FILE)
