"""Running behind reverse proxies: believe exactly TRUSTED_PROXIES of them, and say so when that is wrong.

With TRUSTED_PROXIES=n werkzeug's ProxyFix takes the client address, scheme, host and port from the last n
values of X-Forwarded-For/-Proto/-Host/-Port (the values the n proxies added themselves; anything a client
typed in front of them is ignored). CSRF's HTTPS referrer check, Secure cookies, url_for(_external=True),
the login limiter and gunicorn's access log then all see the real client and the public address.
x_prefix stays 0: the app is served at the root of its own host name.
"""

from __future__ import annotations

import logging

from flask import Flask, Request, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger(__name__)
_warned: set[str] = set()  # one warning per kind of problem and worker, not one per request


def install(app: Flask) -> None:
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)

    @app.before_request
    def warn_about_proxy_setting() -> None:
        problem = proxy_problem(request)
        if problem and problem[0] not in _warned:
            _warned.add(problem[0])
            log.warning(problem[1])


def _values(req: Request, header: str) -> list[str]:
    return [v.strip() for v in req.headers.get(header, "").split(",") if v.strip()]


def proxy_problem(req: Request) -> tuple[str, str] | None:
    """(kind, Vietnamese explanation naming the setting) when the proxy headers and the settings disagree."""
    hops = current_app.config["TRUSTED_PROXIES"]
    forwarded_for, proto = _values(req, "X-Forwarded-For"), _values(req, "X-Forwarded-Proto")
    if hops == 0 and (forwarded_for or proto):
        return (
            "untrusted",
            "Yêu cầu đi qua một proxy (có X-Forwarded-For/X-Forwarded-Proto) nhưng TRUSTED_PROXIES=0: ứng dụng "
            "không tin proxy nên thấy sai địa chỉ người dùng và sai giao thức (HTTPS), biểu mẫu bị từ chối. "
            "Đặt TRUSTED_PROXIES bằng số proxy đứng trước ứng dụng (1 khi chỉ có nginx).",
        )
    if hops and 0 < len(forwarded_for) < hops:
        return (
            "too-many",
            f"TRUSTED_PROXIES={hops} nhưng X-Forwarded-For chỉ có {len(forwarded_for)} địa chỉ: có ít proxy hơn "
            f"số đã khai báo. Đặt TRUSTED_PROXIES={len(forwarded_for)}.",
        )
    if proto and proto[-1] == "https" and not current_app.config["SESSION_COOKIE_SECURE"]:
        return (
            "insecure-cookie",
            "Trang được phục vụ qua HTTPS nhưng SESSION_COOKIE_SECURE tắt: cookie đăng nhập không có cờ Secure. "
            "Đặt SESSION_COOKIE_SECURE=1 (hoặc SITE_URL bắt đầu bằng https://).",
        )
    return None


def csrf_hint(req: Request, reason: str) -> str | None:
    """What an administrator should change when a CSRF failure comes from the proxy set-up, not the user."""
    problem = proxy_problem(req)
    if problem and problem[0] != "insecure-cookie":
        return problem[1]
    if "referrer does not match" in reason.lower():
        return (
            f"Trình duyệt gửi biểu mẫu từ {req.referrer or '(không rõ)'} nhưng ứng dụng thấy địa chỉ "
            f"{req.scheme}://{req.host}: proxy phải gửi X-Forwarded-Host và X-Forwarded-Port (xem deploy/nginx-quizapp.conf) "
            f"và TRUSTED_PROXIES phải bằng số proxy (đang là {current_app.config['TRUSTED_PROXIES']})."
        )
    return None
