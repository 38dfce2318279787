"""The step engine and the records: plain functions, the views only call these."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import func, select, true
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Enrollment, PracticeMistake, PracticeRun, PracticeTask, User
from ..models._base import utcnow
from .parse import ParsedPractice, field_matches

STALE = (
    "Trang em vừa bấm đã cũ (có thể em bấm lại hoặc mở ở thẻ khác). Em đang ở màn hình dưới đây: làm tiếp từ đây nhé."
)


# --- sync -----------------------------------------------------------------------------------------


def sync_practice(tasks: list[ParsedPractice], lessons_by_key: dict) -> Counter:
    """Write checked tasks (flushes; the caller commits). A removed file makes its task inactive."""
    report: Counter = Counter()
    existing = {t.key: t for t in db.session.scalars(select(PracticeTask))}
    for parsed in tasks:
        task = existing.get(parsed.id)
        if task is None:
            task = PracticeTask(key=parsed.id)
            db.session.add(task)
            report["practice tasks created"] += 1
        elif task.content_hash != parsed.content_hash or not task.active:
            report["practice tasks updated"] += 1
        lesson = lessons_by_key.get(parsed.lesson) if parsed.lesson else None
        task.lesson_id = lesson.id if lesson is not None else None
        task.title, task.required, task.minutes, task.grades = (
            parsed.title,
            parsed.required,
            parsed.minutes,
            parsed.grades,
        )
        task.app, task.intro_html, task.relative_html = parsed.app, parsed.intro_html, parsed.relative_html
        task.card, task.screens, task.start, task.path = parsed.card, parsed.screens, parsed.start, parsed.route
        task.sources, task.reviewed_on, task.source_path = parsed.sources, parsed.reviewed, parsed.path
        task.content_hash, task.active = parsed.content_hash, True
    present = {t.id for t in tasks}
    for key, task in existing.items():
        if key not in present and task.active:
            task.active = False
            report["practice tasks retired"] += 1
    db.session.flush()
    return report


# --- what a student has ---------------------------------------------------------------------------


def tasks_for(user: User, grade: int | None) -> list[PracticeTask]:
    """Active tasks of the learner's grade (every task for staff), in lesson order."""
    from ..models import Lesson

    tasks = db.session.scalars(
        select(PracticeTask)
        .outerjoin(Lesson, Lesson.id == PracticeTask.lesson_id)
        .where(PracticeTask.active)
        .options(selectinload(PracticeTask.lesson))
        .order_by(Lesson.position, PracticeTask.key)
    ).all()
    return [t for t in tasks if grade is None or grade in (t.grades or [])]


@dataclass
class TaskStatus:
    task: PracticeTask
    runs: int = 0
    finished: bool = False
    best_mistakes: int | None = None
    open_run: bool = False


def statuses_for(user: User, tasks: list[PracticeTask]) -> list[TaskStatus]:
    """Each task with the learner's best finished run (fewest mistakes), in one query."""
    rows = db.session.execute(
        select(
            PracticeRun.task_id,
            func.count(PracticeRun.id),
            func.min(PracticeRun.mistakes).filter(PracticeRun.finished_at.is_not(None)),
            func.count(PracticeRun.id).filter(PracticeRun.finished_at.is_(None)),
        )
        .where(PracticeRun.user_id == user.id)
        .group_by(PracticeRun.task_id)
    )
    stats = {row[0]: row[1:] for row in rows}
    result = []
    for task in tasks:
        status = TaskStatus(task)
        if task.id in stats:
            runs, best, open_runs = stats[task.id]
            status.runs, status.best_mistakes, status.open_run = runs, best, open_runs > 0
            status.finished = best is not None
        result.append(status)
    return result


def unfinished_required(user: User, lesson_ids: list[int], grade: int | None = None) -> Counter:
    """lesson id -> how many of its required practice tasks the learner has not finished yet (one query).

    A task counts only for the grades it lists (a grade-8 task inside a lesson both grades learn is not asked
    of a grade-7 student); `grade=None` (staff) counts every task. `grades` is a JSON list, filtered here in
    Python so SQLite and PostgreSQL behave the same.
    """
    if not lesson_ids:
        return Counter()
    finished = select(PracticeRun.id).where(
        PracticeRun.task_id == PracticeTask.id, PracticeRun.user_id == user.id, PracticeRun.finished_at.is_not(None)
    )
    rows = db.session.execute(
        select(PracticeTask.lesson_id, PracticeTask.grades).where(
            PracticeTask.active,
            PracticeTask.required,
            PracticeTask.lesson_id.in_(lesson_ids),
            ~finished.exists(),
        )
    )
    return Counter(lesson_id for lesson_id, grades in rows if grade is None or grade in (grades or []))


def unfinished_required_by_student(student_ids, lesson_ids: list[int], grade: int | None) -> Counter:
    """(student id, lesson id) -> required practice tasks not finished yet, for many students in one query.

    `student_ids` may be a list or a subquery (e.g. a class's enrolments). Same grade rule as above.
    """
    if not lesson_ids:
        return Counter()
    finished = select(PracticeRun.id).where(
        PracticeRun.task_id == PracticeTask.id,
        PracticeRun.user_id == User.id,
        PracticeRun.finished_at.is_not(None),
    )
    rows = db.session.execute(
        select(User.id, PracticeTask.lesson_id, PracticeTask.grades)
        .select_from(User)
        .join(PracticeTask, true())
        .where(
            User.id.in_(student_ids),
            PracticeTask.active,
            PracticeTask.required,
            PracticeTask.lesson_id.in_(lesson_ids),
            ~finished.exists(),
        )
    )
    return Counter(
        (user_id, lesson_id) for user_id, lesson_id, grades in rows if grade is None or grade in (grades or [])
    )


# --- the step engine ------------------------------------------------------------------------------


def open_run(user: User, task: PracticeTask) -> PracticeRun | None:
    return db.session.scalar(
        select(PracticeRun)
        .where(PracticeRun.user_id == user.id, PracticeRun.task_id == task.id, PracticeRun.finished_at.is_(None))
        .order_by(PracticeRun.id.desc())
        .limit(1)
    )


def last_run(user: User, task: PracticeTask) -> PracticeRun | None:
    return db.session.scalar(
        select(PracticeRun)
        .where(PracticeRun.user_id == user.id, PracticeRun.task_id == task.id)
        .order_by(PracticeRun.id.desc())
        .limit(1)
    )


def start_run(user: User, task: PracticeTask) -> PracticeRun:
    """A fresh run from the first screen; an unfinished earlier run is left as it was (it counts as not finished)."""
    run = PracticeRun(
        task_id=task.id, user_id=user.id, content_hash=task.content_hash, current=task.start, reached=[task.start]
    )
    db.session.add(run)
    db.session.flush()
    return run


def current_screen(run: PracticeRun, task: PracticeTask) -> dict:
    """The run's screen; if the task was edited and the screen is gone, start again from the first one."""
    if run.current not in task.screens:
        run.current, run.reached = task.start, list(dict.fromkeys([*run.reached, task.start]))
    return task.screens[run.current]


def screen_markup(screen: dict) -> dict:
    """The screen with its stored HTML as Markup: rendered at content sync from Markdown with raw HTML off."""
    return {**screen, "title_html": Markup(screen["title_html"]), "html": Markup(screen["html"])}


@dataclass
class StepResult:
    screen: dict
    ok: bool
    feedback_html: Markup = Markup("")  # trusted: rendered from the task file at content sync
    message: str = ""  # plain text, e.g. the stale-step message
    finished: bool = False
    field_errors: tuple[str, ...] = ()


def take_step(run: PracticeRun, task: PracticeTask, shown: str | None, action_index: str | None, form) -> StepResult:
    """Validate one POSTed action against the run's current screen, move the run, record any mistake.

    Never trusts the client: a step posted for another screen, or an action the screen does not have,
    changes nothing and returns the current screen with a message.
    """
    screen = current_screen(run, task)
    if run.finished_at is not None:
        return StepResult(screen, ok=False, message="Em đã làm xong bài này. Muốn luyện lại, bấm «Làm lại từ đầu».")
    try:
        index = int(action_index or "")
    except ValueError:
        index = -1
    if shown != run.current or not 0 <= index < len(screen["actions"]):
        return StepResult(screen, ok=False, message=STALE)
    action = screen["actions"][index]
    run.steps += 1
    if action["wrong"]:
        _mistake(run, task, screen["id"], action["label"])
        if action["target"]:
            _move(run, task, action["target"])
        return StepResult(task.screens[run.current], ok=False, feedback_html=Markup(action["feedback_html"]))
    wrong_fields = tuple(
        f["label"]
        for f in screen["fields"]
        if not field_matches(form.get(f"o-{f['key']}", ""), _card_value(task, f["key"]))
    )
    if wrong_fields:
        # Only the fact that a field did not match is kept, never what was typed.
        _mistake(run, task, screen["id"], "Điền sai ô: " + ", ".join(wrong_fields))
        return StepResult(screen, ok=False, field_errors=wrong_fields)
    _move(run, task, action["target"])
    return StepResult(task.screens[run.current], ok=True, finished=run.finished_at is not None)


def _card_value(task: PracticeTask, key: str) -> str:
    return next((c["value"] for c in task.card if c["key"] == key), "")


def _move(run: PracticeRun, task: PracticeTask, target: str) -> None:
    run.current = target
    if target not in run.reached:
        run.reached = [*run.reached, target]
    if task.screens[target]["end"]:
        run.finished_at = utcnow()
    db.session.flush()


def _mistake(run: PracticeRun, task: PracticeTask, step: str, label: str) -> None:
    run.mistakes += 1
    db.session.add(PracticeMistake(run_id=run.id, task_id=task.id, step=step, action=label[:200]))
    db.session.flush()


# --- the teacher's funnel -------------------------------------------------------------------------


@dataclass
class FunnelStep:
    step: str
    title: str
    reached: int
    mistakes: int
    top_wrong: tuple[str, int] | None


@dataclass
class Funnel:
    task: PracticeTask
    students: int
    started: int
    finished: int
    steps: list[FunnelStep]


def class_task_summary(class_id: int, tasks: list[PracticeTask]) -> dict[int, tuple[int, int]]:
    """task id -> (students who started, students who finished), one query for all tasks."""
    members = select(Enrollment.student_id).where(Enrollment.class_id == class_id)
    rows = db.session.execute(
        select(
            PracticeRun.task_id,
            func.count(func.distinct(PracticeRun.user_id)),
            func.count(func.distinct(PracticeRun.user_id)).filter(PracticeRun.finished_at.is_not(None)),
        )
        .where(PracticeRun.user_id.in_(members), PracticeRun.task_id.in_([t.id for t in tasks] or [0]))
        .group_by(PracticeRun.task_id)
    )
    return {row[0]: (row[1], row[2]) for row in rows}


def funnel(class_id: int, task: PracticeTask, students: int) -> Funnel:
    """Per screen of the right way: students who reached it, wrong actions there and the most common one.

    Two queries whatever the class size: the class's runs, and its mistakes grouped by screen and action.
    """
    members = select(Enrollment.student_id).where(Enrollment.class_id == class_id)
    runs = db.session.execute(
        select(PracticeRun.user_id, PracticeRun.reached, PracticeRun.finished_at).where(
            PracticeRun.task_id == task.id, PracticeRun.user_id.in_(members)
        )
    ).all()
    reached: dict[str, set[int]] = {}
    for user_id, steps, _ in runs:
        for step in steps or []:
            reached.setdefault(step, set()).add(user_id)
    wrong_rows = db.session.execute(
        select(PracticeMistake.step, PracticeMistake.action, func.count(PracticeMistake.id))
        .join(PracticeRun, PracticeRun.id == PracticeMistake.run_id)
        .where(PracticeMistake.task_id == task.id, PracticeRun.user_id.in_(members))
        .group_by(PracticeMistake.step, PracticeMistake.action)
    ).all()
    by_step: dict[str, Counter] = {}
    for step, action, count in wrong_rows:
        by_step.setdefault(step, Counter())[action] = count
    steps = []
    for step_id in route_ids(task):
        counts = by_step.get(step_id, Counter())
        top = max(counts.items(), key=lambda kv: (kv[1], kv[0])) if counts else None
        steps.append(
            FunnelStep(
                step_id, task.screens[step_id]["title"], len(reached.get(step_id, ())), sum(counts.values()), top
            )
        )
    return Funnel(
        task=task,
        students=students,
        started=len({r[0] for r in runs}),
        finished=len({r[0] for r in runs if r[2] is not None}),
        steps=steps,
    )


def route_ids(task: PracticeTask) -> list[str]:
    """The right way through the task: its screen ids from the start to the end."""
    ids, step, seen = [], task.start, set()
    while step in task.screens and step not in seen:
        seen.add(step)
        ids.append(step)
        right = next((a for a in task.screens[step]["actions"] if a["target"] and not a["wrong"]), None)
        step = right["target"] if right else None
    return ids
