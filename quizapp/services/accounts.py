"""Usernames and first passwords that a 12-year-old can read off a login slip and type."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from .vietnamese import normalize_text, strip_diacritics

USERNAME_MAX = 60  # User.username is String(60)
CONSONANTS = "bdghkmnprstvx"  # no l (looks like 1 and I), no c/q/y, easy to say aloud
VOWELS = "aeu"  # no i/o: they look like 1/l and 0
DIGITS = "23456789"  # no 0 or 1


def make_username(full_name: str, is_taken: Callable[[str], bool]) -> str:
    """Given name + "." + initials ("Nguyễn Văn An" -> "an.nv"), numbered "an.nv2"… when taken."""
    ascii_name = strip_diacritics(normalize_text(full_name)).lower()
    words = [w for w in (re.sub(r"[^a-z0-9]", "", w) for w in ascii_name.split(" ")) if w]
    if not words:
        words = ["hs"]  # a name with no Latin letters at all still gets a readable login
    given, others = words[-1], words[:-1]
    base = given + ("." + "".join(w[0] for w in others) if others else "")
    number = 1
    while True:
        suffix = str(number) if number > 1 else ""
        candidate = base[: USERNAME_MAX - len(suffix)] + suffix
        if not is_taken(candidate):
            return candidate
        number += 1


def make_password() -> str:
    """Three consonant+vowel syllables and two digits ("kedanu47"): about 22 bits, typed without mistakes."""
    syllables = "".join(secrets.choice(CONSONANTS) + secrets.choice(VOWELS) for _ in range(3))
    return syllables + secrets.choice(DIGITS) + secrets.choice(DIGITS)
