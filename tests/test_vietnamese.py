"""Vietnamese text helpers: normalising spreadsheet text, ASCII forms, and class-list order."""

from __future__ import annotations

import unicodedata

import pytest

from quizapp.services.vietnamese import name_sort_key, normalize_text, strip_diacritics


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_normalize_text_gives_nfc_with_single_spaces():
    raw = "  " + nfd("Nguyễn") + "\u00a0\u00a0Thị \t  Ánh\u200b \n"
    assert normalize_text(raw) == "Nguyễn Thị Ánh"
    assert unicodedata.is_normalized("NFC", normalize_text(raw))
    assert normalize_text("\ufeffLê\x1b[31m An\u200d") == "Lê[31m An"
    assert normalize_text(None) == ""
    assert normalize_text("=1+1 <script>") == "=1+1 <script>"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đỗ Ngọc Ánh", "Do Ngoc Anh"),
        ("Nguyễn Thị Hương", "Nguyen Thi Huong"),
        ("Trương Ưng Ơn Ăn Ẩn", "Truong Ung On An An"),
        (nfd("Đặng Quốc Bình"), "Dang Quoc Binh"),
        ("already ascii", "already ascii"),
    ],
)
def test_strip_diacritics(text, expected):
    assert strip_diacritics(text) == expected


def sort(names: list[str]) -> list[str]:
    return sorted(names, key=name_sort_key)


def test_class_list_order_is_by_given_name_then_family_names():
    assert sort(["Nguyễn Bảo", "Lê Thị Ánh", "Trần Văn An"]) == ["Trần Văn An", "Lê Thị Ánh", "Nguyễn Bảo"]
    assert sort(["Nguyễn Văn An", "Lê Văn An", "Lê An"]) == ["Lê An", "Lê Văn An", "Nguyễn Văn An"]


def test_letters_come_before_tones():
    # Same letters: the tone decides; different letters (a < ă < â): the letters decide, whatever the tone.
    assert sort(["Vũ Ân", "Lê Ánh", "Hà Anh", "Phạm Ăn"]) == ["Hà Anh", "Lê Ánh", "Phạm Ăn", "Vũ Ân"]


def test_tones_order_none_huyen_sac_hoi_nga_nang():
    words = ["Ma", "Mà", "Má", "Mả", "Mã", "Mạ"]
    assert sort([f"Lê {w}" for w in reversed(words)]) == [f"Lê {w}" for w in words]


def test_vietnamese_letters_have_their_own_places():
    assert sort(["Lê Đức", "Lê Dũng", "Lê Duy", "Lê Em"]) == ["Lê Dũng", "Lê Duy", "Lê Đức", "Lê Em"]
    assert sort(["Lê Vy", "Lê Ưng", "Lê Uy"]) == ["Lê Uy", "Lê Ưng", "Lê Vy"]
    assert sort(["Lê Ơn", "Lê Ôn", "Lê On"]) == ["Lê On", "Lê Ôn", "Lê Ơn"]
    assert sort(["Lê Êm", "Lê Em"]) == ["Lê Em", "Lê Êm"]


def test_order_ignores_case_spacing_and_unicode_form():
    assert name_sort_key("trần  văn an")[:4] == name_sort_key("Trần Văn An")[:4]
    assert name_sort_key(nfd("Đặng Quốc Bình")) == name_sort_key("Đặng Quốc Bình")
    # Old and new tone placement ("Hoà" / "Hòa") are the same name.
    assert name_sort_key("Vũ Hoà")[:4] == name_sort_key("Vũ Hòa")[:4]
    assert sort(["Lê an", "Lê Ánh", "Lê Anh"]) == ["Lê an", "Lê Anh", "Lê Ánh"]


def test_foreign_letters_and_digits_do_not_break_the_order():
    assert sort(["Lê Zoe", "Lê Will", "Lê 2", "Lê Yến"]) == ["Lê Will", "Lê Yến", "Lê Zoe", "Lê 2"]
