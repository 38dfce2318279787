"""Teachers: new passwords for one student or a whole class (asked first), and reprinted slips.

A reset changes passwords that students may be using, signs them out everywhere and makes them choose a
new one at the next login: the teacher first sees how many accounts it changes and confirms.

A reprint shows usernames and QR codes without passwords: passwords are stored only as hashes, and after
the first login the slip password no longer works anyway. What students lose is mostly the slip and their
username; a student who never logged in and lost the slip needs a reset (the reprint marks them).
"""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_login import current_user

from ..extensions import db
from ..forms import ConfirmForm
from ..models import AuditAction, SchoolClass, User
from ..scope import class_or_404, student_or_404
from ..services import audit
from ..services.accounts import make_password
from ..services.class_progress import class_students
from ..services.slips import make_slips
from .views import bp


def _no_store(html: str) -> Response:
    response = Response(html)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/lop/<int:class_id>/hoc-sinh/<int:student_id>/cap-lai-mat-khau", methods=["GET", "POST"])
def reset_password(class_id: int, student_id: int):
    school_class = class_or_404(class_id)
    student = student_or_404(school_class, student_id)
    return _confirm_then_reset(school_class, [student])


@bp.route("/lop/<int:class_id>/cap-lai-mat-khau", methods=["GET", "POST"])
def reset_class_passwords(class_id: int):
    school_class = class_or_404(class_id)
    return _confirm_then_reset(school_class, class_students(school_class))


def _confirm_then_reset(school_class: SchoolClass, students: list[User]):
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if request.form.get("confirmed") == "1" and students:
            return _reset_and_print(school_class, students)
    return render_template(
        "teach/reset_confirm.html", school_class=school_class, students=students, form=form, whole_class=len(students) != 1
    )


def _reset_and_print(school_class: SchoolClass, students: list[User]) -> Response:
    accounts = []
    for student in students:
        password = make_password()
        student.set_password(password)  # also signs the student out everywhere and lifts a login lock
        student.must_change_password = True  # the slip password is for the next login only
        audit.record(current_user, AuditAction.PASSWORD_RESET, student)
        accounts.append((student, password))
    db.session.commit()
    slips = make_slips(accounts, school_class.name)
    return _no_store(render_template("teach/slips.html", school_class=school_class, slips=slips, reprint=False))


@bp.route("/lop/<int:class_id>/phieu-dang-nhap")
def reprint_slips(class_id: int):
    school_class = class_or_404(class_id)
    slips = make_slips([(student, None) for student in class_students(school_class)], school_class.name)
    return _no_store(render_template("teach/slips.html", school_class=school_class, slips=slips, reprint=True))
