"""Public certificate verification: anyone holding a code (or scanning the QR) checks it, without logging in.

The page shows only what the certificate itself prints (name, school, school year, date of issue):
never the username, class, date of birth or any id.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from ..services.certificates import format_code, normalise_code
from ..services.verification import find_certificate

bp = Blueprint("verify", __name__, template_folder="templates")

MAX_SHOWN = 40  # a pasted paragraph is not echoed back whole


@bp.route("/xac-minh")
def lookup():
    typed = request.args.get("ma")
    error = None
    if typed is not None:
        code = normalise_code(typed)[:MAX_SHOWN]
        if code:
            return redirect(url_for("verify.show", code=code))
        error = "Hãy nhập mã in trên giấy chứng nhận."
    return render_template("verify/lookup.html", error=error), 400 if error else 200


@bp.route("/xac-minh/<code>")
def show(code: str):
    certificate = find_certificate(code)
    if certificate is None:
        shown = normalise_code(code)[:MAX_SHOWN] or code[:MAX_SHOWN]
        return render_template("verify/not_found.html", shown=shown), 404
    return render_template("verify/certificate.html", certificate=certificate, code=format_code(certificate.code))
