"""Logging in with a username and password (students have no e-mail), out, and changing a password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db, limiter
from ..models import User
from ..models._base import utcnow
from .forms import ChangePasswordForm, ConfirmForm, LoginForm

bp = Blueprint("auth", __name__, template_folder="templates")

LOGIN_ATTEMPTS = "10 per 5 minutes"

# Checked when the username is unknown, so that a wrong username takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("khong-co-tai-khoan-nay")


def safe_next(target: str | None) -> str | None:
    """Only follow `next` when it stays on this site (a path, no scheme or host)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def _login_key() -> str:
    """Failed logins are counted per username: a whole computer lab shares one address."""
    return "login:" + (request.form.get("username") or "").strip().lower()


@bp.route("/dang-nhap", methods=["GET", "POST"])
@limiter.limit(
    LOGIN_ATTEMPTS,
    methods=["POST"],
    key_func=_login_key,
    deduct_when=lambda response: response.status_code == 200,  # only a refused login counts
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("learn.home"))
    form = LoginForm()
    if request.method == "GET":
        # Login slips carry a QR code that opens this page with the username filled in.
        form.username.data = request.args.get("u", "")
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.username) == username))
        if user is None:
            check_password_hash(_DUMMY_HASH, form.password.data)  # same cost as a real check
        if user is None or not user.check_password(form.password.data):
            form.password.errors.append("Tên đăng nhập hoặc mật khẩu chưa đúng. Em kiểm tra lại phiếu đăng nhập nhé.")
        elif not user.is_active:
            form.username.errors.append("Tài khoản này đang bị khoá. Hãy báo thầy cô.")
        else:
            login_user(user, remember=form.remember.data)
            user.last_login_at = utcnow()
            db.session.commit()
            if user.must_change_password:
                flash("Đây là lần đăng nhập đầu: em hãy đổi mật khẩu của riêng mình.", "info")
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(form.next.data) or url_for("learn.home"))
    return render_template("auth/login.html", form=form)


@bp.route("/dang-xuat", methods=["POST"])
def logout():
    if ConfirmForm().validate_on_submit():
        logout_user()
        flash("Em đã đăng xuất. Hẹn gặp lại!", "info")
    return redirect(url_for("auth.login"))


@bp.route("/doi-mat-khau", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append("Mật khẩu hiện tại chưa đúng.")
        elif form.new.data == form.current.data:
            form.new.errors.append("Mật khẩu mới cần khác mật khẩu cũ.")
        else:
            current_user.set_password(form.new.data)
            current_user.must_change_password = False
            db.session.commit()
            flash("Đã đổi mật khẩu. Em nhớ giữ bí mật mật khẩu nhé!", "success")
            return redirect(url_for("learn.home"))
    return render_template("auth/change_password.html", form=form)
