"""The public notice on personal data for students and parents, linked from the login page and the slips."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("privacy", __name__, template_folder="templates")

NOTICE_PATH = "/du-lieu-ca-nhan"


@bp.route(NOTICE_PATH)
def notice():
    return render_template("privacy/notice.html")
