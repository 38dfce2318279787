"""What a new password must not be: short, a known common password, digits only, or the username.

A small shipped list (data/common_passwords.txt) rather than a library: the well-known strength estimators
carry English dictionaries and miss what is common here ("matkhau123", "hocsinh2026").
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from ..services.vietnamese import strip_diacritics

MIN_LENGTH = 8
MAX_LENGTH = 128
LIST_FILE = Path(__file__).parent / "data" / "common_passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    lines = LIST_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _plain(text: str) -> str:
    return strip_diacritics(text).lower()


def password_problem(password: str, username: str = "") -> str | None:
    """A Vietnamese sentence saying why `password` is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Mật khẩu mới cần ít nhất {MIN_LENGTH} ký tự (em mới nhập {len(password)})."
    if len(password) > MAX_LENGTH:
        return f"Mật khẩu mới dài quá {MAX_LENGTH} ký tự."
    plain = _plain(password)
    squeezed = re.sub(r"[\s._\-@!#]+", "", plain)
    # "hocsinh2031", "matkhau!!" are the listed ones with a year or signs added.
    base = re.sub(r"[\d\W_]+$", "", squeezed)
    common = common_passwords()
    if squeezed in common or (base and base in common) or plain in common:
        return "Mật khẩu này quá phổ biến, người khác dễ đoán ra. Hãy chọn mật khẩu khác."
    if squeezed.isdigit():
        return "Mật khẩu không nên chỉ có chữ số (ngày sinh, số điện thoại dễ bị đoán). Hãy thêm chữ cái."
    if len(set(squeezed)) <= 2:
        return "Mật khẩu lặp lại một vài ký tự nên rất dễ đoán. Hãy chọn mật khẩu khác."
    name = _plain(username).strip()
    if name and len(name) >= 3 and name.replace(".", "") in squeezed.replace(".", ""):
        return "Mật khẩu không được chứa tên đăng nhập."
    return None
