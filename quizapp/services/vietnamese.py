"""Vietnamese text: normalising what spreadsheets send, ASCII forms, and class-list name order."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Vietnamese alphabetical order; f, j, w, z (foreign names) sit where the Latin alphabet puts them.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: i for i, letter in enumerate(ALPHABET)}
# Marks that make a new letter (ă â ê ô ơ ư) versus tone marks, ranked none < huyền < sắc < hỏi < ngã < nặng.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn
_TONES = {"\u0300": 1, "\u0301": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}


def normalize_text(text: str | None) -> str:
    """NFC with single spaces: spreadsheets send NFD, non-breaking and doubled spaces that must not count."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    # Drop control and invisible format characters (zero-width spaces, BOMs, terminal escapes).
    text = "".join(c for c in text if c.isspace() or unicodedata.category(c) not in ("Cc", "Cf"))
    return " ".join(text.split())  # str.split() also splits on non-breaking spaces


def strip_diacritics(text: str) -> str:
    """ "Đỗ Ngọc Ánh" -> "Do Ngoc Anh", for usernames and for matching headers typed without accents."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _word_key(word: str) -> tuple[tuple[int, ...], int]:
    """A word's letters in Vietnamese alphabet ranks, and its tone (compared only when letters tie)."""
    letters: list[str] = []
    tone = 0
    for char in unicodedata.normalize("NFD", word.lower()):
        if char in _TONES:
            tone = tone or _TONES[char]  # one tone per syllable; "Hoà" and "Hòa" compare equal
        elif char in _LETTER_MARKS and letters:
            letters[-1] += char
        elif not unicodedata.combining(char):
            letters.append(char)
    ranks = []
    for letter in letters:
        composed = unicodedata.normalize("NFC", letter)
        # Digits and other characters sort after the letters, by code point.
        ranks.append(_RANK.get(composed, _RANK.get(letter[0], len(ALPHABET) + ord(letter[0]))))
    return tuple(ranks), tone


# Pure, and asked for the same names on every class page: remembered. About 700 bytes a name, so the
# bound keeps it under 12 MB a worker (some 400 classes of names).
@lru_cache(maxsize=16384)
def name_sort_key(full_name: str) -> tuple:
    """Class-list order: given name (last word) first, then family and middle names; letters before tones."""
    words = normalize_text(full_name).split(" ")
    given = _word_key(words[-1])
    others = [_word_key(w) for w in words[:-1]]
    return (
        given[0],
        given[1],
        tuple(letters for letters, _ in others),
        tuple(tone for _, tone in others),
        normalize_text(full_name),  # a stable tie-break for names that differ only in case
    )
