"""Error pages in Vietnamese; a CSRF failure explains itself instead of a bare 400."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from .extensions import db
from .proxy import csrf_hint

PAGES = {
    400: ("Yêu cầu không hợp lệ", "Trang nhận được dữ liệu không đúng. Hãy quay lại và thử lần nữa."),
    403: ("Không có quyền truy cập", "Tài khoản của em không được mở trang này. Nếu cần, em hãy hỏi thầy cô."),
    404: ("Không tìm thấy trang", "Địa chỉ này không có hoặc đã được chuyển đi. Hãy kiểm tra lại đường dẫn."),
    405: ("Thao tác không được hỗ trợ", "Hãy quay lại trang trước và dùng các nút trên trang."),
    413: ("Tệp quá lớn", "Tệp gửi lên vượt quá giới hạn cho phép."),
    429: (
        "Thử quá nhiều lần",
        "Tài khoản này vừa đăng nhập sai nhiều lần. Hãy đợi 5 phút rồi thử lại, hoặc nhờ thầy cô cấp lại mật khẩu.",
    ),
    500: (
        "Hệ thống đang gặp sự cố",
        "Đã có lỗi xảy ra phía máy chủ. Bài làm đã lưu vẫn còn nguyên; hãy thử lại sau ít phút.",
    ),
}


def render_error(code: int, message: str | None = None):
    title, default = PAGES.get(code, PAGES[500])
    return render_template("errors/error.html", code=code, title=title, message=message or default), code


# Staff are adults: the 403 page speaks to them as such and says whom to ask.
STAFF_FORBIDDEN = (
    "Tài khoản này không có quyền mở trang này: mỗi tài khoản chỉ xem được lớp, trường hoặc đơn vị mình phụ trách. "
    "Nếu cần thêm quyền, hãy liên hệ người quản trị của trường hoặc đơn vị."
)


def register(app: Flask) -> None:
    for code in PAGES:
        if code in (403, 429, 500):
            continue
        app.register_error_handler(code, lambda e, code=code: render_error(code))

    @app.errorhandler(403)
    def forbidden(_error):
        staff = current_user.is_authenticated and current_user.is_staff
        return render_error(403, STAFF_FORBIDDEN if staff else None)

    @app.errorhandler(429)
    def too_many(error):
        # The login limits carry their own sentence: this account from this computer, or this whole network.
        custom = isinstance(error, RateLimitExceeded) and error.limit.error_message
        return render_error(429, error.description if custom else None)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = (
            "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Hãy tải lại trang rồi thử lần nữa "
            "(các câu trả lời đã lưu trước đó vẫn còn)."
        )
        # Every form failing behind a proxy is a setting, not the user: say which one (and log it).
        hint = csrf_hint(request, error.description or "")
        if hint:
            app.logger.warning("CSRF refused behind a proxy: %s", hint)
            message += " Dành cho người quản trị: " + hint
        return render_error(400, message)

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()
        return render_error(500)
