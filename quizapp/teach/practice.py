"""Teachers: practice tasks per class: who finished, and the step funnel (where the class gets stuck)."""

from __future__ import annotations

from flask import abort, render_template
from sqlalchemy import select

from ..extensions import db
from ..models import Enrollment, PracticeTask
from ..practice import service
from ..scope import class_or_404
from .views import bp


def _class_tasks(grade: int) -> list[PracticeTask]:
    tasks = db.session.scalars(select(PracticeTask).where(PracticeTask.active).order_by(PracticeTask.key)).all()
    return [t for t in tasks if grade in (t.grades or [])]


def _size(class_id: int) -> int:
    return db.session.query(Enrollment).filter(Enrollment.class_id == class_id).count()


@bp.route("/lop/<int:class_id>/thuc-hanh")
def practice_overview(class_id: int):
    school_class = class_or_404(class_id)
    tasks = _class_tasks(school_class.grade)
    return render_template(
        "teach/practice.html",
        school_class=school_class,
        tasks=tasks,
        summary=service.class_task_summary(class_id, tasks),
        students=_size(class_id),
    )


@bp.route("/lop/<int:class_id>/thuc-hanh/<key>")
def practice_funnel(class_id: int, key: str):
    school_class = class_or_404(class_id)
    task = next((t for t in _class_tasks(school_class.grade) if t.key == key), None)
    if task is None:
        abort(404)
    return render_template(
        "teach/practice_funnel.html", school_class=school_class, funnel=service.funnel(class_id, task, _size(class_id))
    )
