"""Logging in with a username and password (students have no e-mail), out, and changing a password."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..database import release_write_lock
from ..extensions import db, limiter
from ..forms import ConfirmForm
from ..models import Role, User
from ..models._base import utcnow
from . import sessions, throttle
from .forms import ChangePasswordForm, LoginForm
from .passwords import MIN_LENGTH, password_problem

bp = Blueprint("auth", __name__, template_folder="templates")

# Checked when the username is unknown, so that a wrong username takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("khong-co-tai-khoan-nay")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
WRONG_LOGIN = "Tên đăng nhập hoặc mật khẩu chưa đúng. Hãy kiểm tra lại phiếu đăng nhập."

# Each role's own area: where a login and the site's name in the top bar lead. Staff may still open "/" to
# take the programme themselves (their completions count in the school's figures).
HOME_ENDPOINTS = {
    Role.STUDENT: "learn.home",
    Role.TEACHER: "teach.classes",
    Role.SCHOOL_ADMIN: "school.overview",
    Role.UNIT_ADMIN: "office.overview",
}
# What a user who must still change the first password may open.
_ALLOWED_BEFORE_CHANGE = {"auth.change_password", "auth.logout", "static", "learn.static"}


def home_url(user: User) -> str:
    return url_for(HOME_ENDPOINTS.get(Role(user.role), "learn.home"))


def safe_next(target: str | None) -> str | None:
    """Only follow `next` when it stays on this site (a path, no scheme, host or control character)."""
    if not target or _CONTROL.search(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


@bp.app_context_processor
def role_home():
    return {"home_url": home_url(current_user) if current_user.is_authenticated else url_for("learn.home")}


@bp.before_app_request
def first_password_first():
    """A first password is changed before anything else."""
    endpoint = request.endpoint or ""
    if endpoint == "static" or endpoint.endswith(".static") or not current_user.is_authenticated:
        return None  # (static files first: no database query for a stylesheet)
    if current_user.must_change_password and endpoint not in _ALLOWED_BEFORE_CHANGE and not endpoint.endswith(".static"):
        flash("Hãy đổi mật khẩu trước khi tiếp tục: mật khẩu trên phiếu chỉ dùng cho lần đăng nhập đầu.", "info")
        return redirect(url_for("auth.change_password"))
    return None


@bp.route("/dang-nhap", methods=["GET", "POST"])
@limiter.limit(
    throttle.PER_ADDRESS,
    methods=["POST"],
    key_func=throttle.address_key,
    deduct_when=throttle.refused,
    error_message=throttle.ADDRESS_MESSAGE,
)
@limiter.limit(
    throttle.PER_ACCOUNT,
    methods=["POST"],
    key_func=throttle.account_key,
    deduct_when=throttle.refused,  # only a refused login counts
    error_message=throttle.ACCOUNT_MESSAGE,
)
def login():
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = LoginForm()
    if request.method == "GET":
        # Login slips carry a QR code that opens this page with the username filled in.
        form.username.data = request.args.get("u", "")
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        # A NUL or another control character is no one's username (and PostgreSQL refuses NUL outright).
        user = None if _CONTROL.search(username) else db.session.scalar(
            select(User).where(func.lower(User.username) == username)
        )
        stored_hash = user.password_hash if user is not None else _DUMMY_HASH  # same cost when unknown
        release_write_lock()  # the hash takes ~0.2 s: SQLite's write lock is not held across it
        if not check_password_hash(stored_hash, form.password.data) or user is None:
            form.password.errors.append(WRONG_LOGIN)
        elif not user.is_active:
            form.username.errors.append("Tài khoản này đang bị khoá. Hãy báo thầy cô hoặc người quản trị.")
        else:
            sessions.start(user, remember=form.remember.data)
            user.last_login_at = utcnow()
            db.session.commit()
            if user.must_change_password:
                flash("Đây là lần đăng nhập đầu: hãy đổi mật khẩu của riêng mình.", "info")
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(form.next.data) or home_url(user))
    return render_template("auth/login.html", form=form)


@bp.route("/dang-xuat", methods=["POST"])
def logout():
    if ConfirmForm().validate_on_submit():
        if current_user.is_authenticated:
            # Ends this session and every other one of the account (a cookie copied earlier, another PC).
            current_user.end_all_sessions()
            db.session.commit()
        logout_user()
        flash("Đã đăng xuất. Hẹn gặp lại!", "info")
    return redirect(url_for("auth.login"))


@bp.route("/doi-mat-khau", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        problem = password_problem(form.new.data, current_user.username)
        if not current_user.check_password(form.current.data):
            form.current.errors.append("Mật khẩu hiện tại chưa đúng.")
        elif form.new.data == form.current.data:
            form.new.errors.append("Mật khẩu mới cần khác mật khẩu cũ.")
        elif problem:
            form.new.errors.append(problem)
        else:
            user = current_user._get_current_object()
            user.set_password(form.new.data)  # ends every session of the account…
            user.must_change_password = False
            sessions.restart(user)  # …except this one
            db.session.commit()
            flash("Đã đổi mật khẩu. Các máy khác đang đăng nhập tài khoản này đã bị đăng xuất.", "success")
            return redirect(home_url(user))
    return render_template("auth/change_password.html", form=form, min_length=MIN_LENGTH)
