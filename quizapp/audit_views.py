"""The audit log pages: a school admin sees their school's log, an office its own staff's actions.

Registered on the school and office blueprints (whose before_request hooks let only their admins in). The
scope is the admin's own school or unit, never a parameter: there is nothing to tamper with.
"""

from __future__ import annotations

from flask import render_template, request

from .extensions import db
from .models import School, Unit
from .office.views import bp as office_bp
from .school.views import bp as school_bp
from .scope import current_scope
from .services.audit import describe, office_log, school_log


def _page_number() -> int:
    return request.args.get("trang", 1, type=int) or 1


@school_bp.route("/nhat-ky")
def school_audit_log():
    school = db.session.get(School, current_scope().own_school_id)
    return render_template(
        "audit/log.html",
        log=school_log(school.id, _page_number()),
        owner=school.name,
        intro="Những việc có ảnh hưởng tới học sinh và tài khoản của trường, do bất kỳ ai thực hiện.",
        show_student_names=True,
        describe=describe,
    )


@office_bp.route("/nhat-ky")
def office_audit_log():
    scope = current_scope()
    unit = db.session.get(Unit, scope.own_unit_id)
    return render_template(
        "audit/log.html",
        log=office_log(unit.id, _page_number()),
        owner=unit.name,
        intro="Những việc do cán bộ của đơn vị thực hiện.",
        show_student_names=scope.names_beyond_school,
        describe=describe,
    )
