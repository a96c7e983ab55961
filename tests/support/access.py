"""Who may do what, as the README's "who sees what" says it: the tests' own expectation table.

Written independently of the grants the app holds (migration 0010 seeds those), so a test that
compares the app's answers with this table catches a seed or an enforcement that drifted.
"""

from __future__ import annotations

from rules.enums import Role

P, D, KS, K, J, S = (
    Role.PENGGUNA,
    Role.DIREKTUR,
    Role.KASUBDIT,
    Role.KASI,
    Role.JFU,
    Role.SUPERUSER,
)
MANAGERS = (D, KS, K)

# screen → perm → the positions that may
EXPECTED: dict[str, dict[str, tuple[str, ...]]] = {
    "queue": {"view": (P, D, KS, K, J, S)},
    "cases": {
        "view": (P, D, KS, K, J, S),
        "create": (P, D, KS, K, J),
        "act": (P, D, KS, K, J),
        "export": (D, KS, K, S),
    },
    "instructions": {"view": (D, KS, K, J, S)},
    "reports": {"view": (D, KS, K, J, S)},
    "daily_log": {"view": (*MANAGERS, S), "export": (*MANAGERS, S)},
    "audit": {"view": (D, KS, S), "export": (D, KS, S)},
    "accounts": {"view": (S,), "create": (S,), "edit": (S,)},
    "positions": {"view": (S,), "create": (S,), "edit": (S,)},
    "non_working_days": {"view": (*MANAGERS, S), "create": (S,), "delete": (S,)},
    "permissions": {"view": (S,), "edit": (S,)},
    "sops": {"view": (*MANAGERS, S), "create": (S,), "edit": (S,)},
    "dashboard": {"view": (*MANAGERS, S), "export": (*MANAGERS, S)},
    "notices": {"view": (P, D, KS, K, J, S)},
}


def expected(roles: set[str] | frozenset[str], screen: str, perm: str) -> bool:
    """True when the README says any of these positions may do `perm` on `screen`."""
    return bool(set(roles) & set(EXPECTED.get(str(screen), {}).get(str(perm), ())))
