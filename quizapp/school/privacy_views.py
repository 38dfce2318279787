"""The school officer's privacy buttons: find a student, see and download their data, erase it after confirming.

Registered on the school blueprint (only school admins get in). Who may act on which student is decided in
`school_student_or_404` in quizapp/scope.py: a student of the officer's own school, not yet erased; anything else
404s.
"""

from __future__ import annotations

import json

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from ..database import writes_on_get
from ..downloads import send_download
from ..extensions import db
from ..forms import ConfirmForm
from ..models import AuditAction, Role, User
from ..privacy.services import erase_student, export_student
from ..scope import current_scope, school_student_or_404
from ..services.audit import record
from .views import bp

SEARCH_LIMIT = 30


@bp.route("/du-lieu-ca-nhan")
def privacy_search():
    query = request.args.get("q", "").strip()[:60]
    students: list[User] = []
    if query:
        pattern = f"%{query}%"
        students = list(
            db.session.scalars(
                select(User)
                .where(
                    User.school_id == current_scope().own_school_id,
                    User.role == Role.STUDENT,
                    User.erased_at.is_(None),
                    or_(User.username.ilike(pattern), User.full_name.ilike(pattern)),
                )
                .order_by(User.full_name, User.username)
                .limit(SEARCH_LIMIT + 1)
            )
        )
    more = len(students) > SEARCH_LIMIT
    return render_template(
        "school/privacy_search.html", query=query, students=students[:SEARCH_LIMIT], more=more, limit=SEARCH_LIMIT
    )


@bp.route("/du-lieu-ca-nhan/<int:user_id>")
@writes_on_get  # showing a child's data is an export of named data: it is logged
def privacy_student(user_id: int):
    student = school_student_or_404(user_id)
    data = export_student(student)
    record(current_user, AuditAction.EXPORT, student, what="student_data", format="page")
    db.session.commit()
    return render_template("school/privacy_student.html", student=student, data=data)


@bp.route("/du-lieu-ca-nhan/<int:user_id>.json")
@writes_on_get
def privacy_student_json(user_id: int):
    student = school_student_or_404(user_id)
    data = export_student(student)
    record(current_user, AuditAction.EXPORT, student, what="student_data", format="json")
    db.session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return send_download(body, f"du-lieu-{student.username}.json", "application/json")


@bp.route("/du-lieu-ca-nhan/<int:user_id>/xoa", methods=["GET", "POST"])
def privacy_erase(user_id: int):
    student = school_student_or_404(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name, username = student.full_name, student.username
        erase_student(student, current_user)
        db.session.commit()
        flash(f"Đã xoá dữ liệu của {name} ({username}).", "success")
        return redirect(url_for("school.privacy_search"))
    return render_template("school/privacy_erase.html", student=student, form=form)
