"""The password policy: at least 12 characters, not in the breached list, not guessable."""

from __future__ import annotations

import pytest

from models.passwords import MIN_LENGTH, password_problem


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Passw0rd!!", "password_too_short"),  # the audit's, accepted before at 10
        ("rahasia1234", "password_too_short"),
        ("Passw0rd!!12", "password_too_common"),  # l33t of a breached word, a year-like tail
        ("rahasia12345", "password_too_common"),  # the Indonesian list
        ("iloveyou1234", "password_too_common"),  # zxcvbn's breached passwords
        ("qwertyuiop12", "password_too_common"),  # a keyboard row
        ("1q2w3e4r5t6y", "password_too_common"),
        ("Santoso-Budi-1", "password_contains_name"),  # the person's own name
        ("budi.santoso-77", "password_contains_username"),
        ("x" * 201, "password_too_long"),
    ],
)
def test_weak_passwords_are_refused_with_the_rule_they_break(password, code):
    assert password_problem(password, "budi.santoso", "Budi Santoso") == code


@pytest.mark.parametrize(
    "password", ["Jalan-Portal-Merah-2026", "bukan-rahasia-lagi-77", "kopi tubruk pagi hari"]
)
def test_long_random_words_pass(password):
    assert len(password) >= MIN_LENGTH
    assert password_problem(password, "budi.santoso", "Budi Santoso") is None
