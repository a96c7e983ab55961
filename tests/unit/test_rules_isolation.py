"""The rules package stays free of infrastructure: stdlib and itself only."""

import ast
import subprocess
import sys
from pathlib import Path

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
INFRASTRUCTURE = ("flask", "sqlalchemy", "psycopg2", "holidays", "models", "admin_app")


def test_importing_rules_in_a_fresh_interpreter_loads_no_web_or_database_library() -> None:
    probe = (
        "import sys, rules\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {INFRASTRUCTURE!r})\n"
        "print('loaded:', 'rules.transitions' in sys.modules)\n"
        "print('infrastructure:', ','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=RULES_DIR.parent,
    )
    assert result.stdout.splitlines() == ["loaded: True", "infrastructure: "]


def test_rules_modules_import_only_the_standard_library_and_rules() -> None:
    foreign = []
    for path in sorted(RULES_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top != "rules" and top not in sys.stdlib_module_names:
                    foreign.append(f"{path.name}: {name}")
    assert foreign == []
