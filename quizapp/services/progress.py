"""A learner's way through the programme: lessons read, quizzes passed, what to do next."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, joinedload, selectinload

from ..extensions import db
from ..models import (
    Attempt,
    AttemptStatus,
    Enrollment,
    Lesson,
    LessonProgress,
    ProgrammeEntry,
    SchoolClass,
    SchoolYear,
    User,
)
from ..models._base import utcnow
from ..practice.service import unfinished_required

# Time counted for one reading session is capped: a tab left open over lunch is not study time.
MAX_READING_SESSION = timedelta(minutes=30)


@dataclass
class ModuleStatus:
    lesson: Lesson
    opened: bool = False
    read: bool = False
    attempts: int = 0
    best_score: int | None = None
    passed: bool = False
    open_attempt_id: int | None = None
    practice_left: int = 0  # required practice tasks of this lesson not finished yet

    @property
    def quiz(self):
        return self.lesson.quiz

    @property
    def done(self) -> bool:
        return self.read and (self.passed or self.quiz is None) and not self.practice_left

    @property
    def started(self) -> bool:
        return self.opened or self.attempts > 0 or self.open_attempt_id is not None


@dataclass
class Programme:
    modules: list[ModuleStatus]

    @property
    def done_count(self) -> int:
        return sum(m.done for m in self.modules)

    @property
    def percent(self) -> int:
        return self.done_count * 100 // len(self.modules) if self.modules else 0

    @property
    def completed(self) -> bool:
        return bool(self.modules) and all(m.done for m in self.modules)

    @property
    def next_module(self) -> ModuleStatus | None:
        return next((m for m in self.modules if not m.done), None)


def current_year() -> SchoolYear | None:
    return db.session.scalar(select(SchoolYear).where(SchoolYear.name == current_app.config["CURRENT_SCHOOL_YEAR"]))


def learner_grade(user: User) -> int | None:
    """The grade of the student's class this year; staff have none and see every module."""
    if not user.is_student:
        return None
    return db.session.scalar(
        select(SchoolClass.grade)
        .join(Enrollment, Enrollment.class_id == SchoolClass.id)
        .join(SchoolYear, SchoolYear.id == Enrollment.school_year_id)
        .where(
            Enrollment.student_id == user.id,
            SchoolYear.name == current_app.config["CURRENT_SCHOOL_YEAR"],
        )
    )


def programme_lessons(grade: int | None) -> list[Lesson]:
    """Required, active lessons for a grade (or for any grade when None), in programme order."""
    # The lesson's text is not needed to list the programme: it is most of the row.
    query = (
        select(Lesson)
        .where(Lesson.active)
        .options(defer(Lesson.body_html), selectinload(Lesson.quiz))
        .order_by(Lesson.position, Lesson.id)
    )
    entries = select(ProgrammeEntry.lesson_id)
    if grade is not None:
        entries = entries.where(ProgrammeEntry.grade == grade)
    return list(db.session.scalars(query.where(Lesson.id.in_(entries))))


def programme_for(user: User) -> Programme:
    """The learner's programme with progress, in a fixed number of queries."""
    grade = learner_grade(user)
    lessons = programme_lessons(grade)
    progress = {
        p.lesson_id: p for p in db.session.scalars(select(LessonProgress).where(LessonProgress.user_id == user.id))
    }
    quiz_ids = [lesson.quiz.id for lesson in lessons if lesson.quiz]
    stats = {}
    if quiz_ids:
        submitted = Attempt.status == AttemptStatus.SUBMITTED
        rows = db.session.execute(
            select(
                Attempt.quiz_id,
                func.count(Attempt.id).filter(submitted),
                func.max(Attempt.score_percent),
                func.max(Attempt.id).filter(Attempt.status == AttemptStatus.IN_PROGRESS),
                func.count(Attempt.id).filter(Attempt.passed.is_(True)),
            )
            .where(Attempt.user_id == user.id, Attempt.quiz_id.in_(quiz_ids))
            .group_by(Attempt.quiz_id)
        )
        stats = {row[0]: row[1:] for row in rows}
    practice_left = unfinished_required(user, [lesson.id for lesson in lessons], grade)
    modules = []
    for lesson in lessons:
        status = ModuleStatus(lesson, practice_left=practice_left[lesson.id])
        if lesson.id in progress:
            status.opened = True
            status.read = progress[lesson.id].finished_at is not None
        if lesson.quiz and lesson.quiz.id in stats:
            count, best, open_id, passes = stats[lesson.quiz.id]
            status.attempts, status.best_score = count, best
            status.open_attempt_id, status.passed = open_id, passes > 0
        modules.append(status)
    return Programme(modules)


def _progress_row(user: User, lesson: Lesson) -> LessonProgress:
    """The learner's progress row for a lesson, created on first use (safe if two tabs race)."""
    query = select(LessonProgress).where(LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id)
    progress = db.session.scalar(query)
    if progress is None:
        now = utcnow()
        progress = LessonProgress(user_id=user.id, lesson_id=lesson.id, first_opened_at=now, last_opened_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(progress)
        except IntegrityError:
            progress = db.session.scalar(query)
    return progress


# Reopening a lesson within this window (a reload, the back button) is the same reading session:
# the page is then served as a pure read, without a write or SQLite's write lock.
REOPEN_WINDOW = timedelta(minutes=10)


def lesson_for_reading(user: User, key: str) -> tuple[Lesson, LessonProgress | None] | None:
    """An active lesson with its quiz and this learner's progress, in one query (the lesson page's hot path)."""
    row = db.session.execute(_reading_query(), {"key": key, "user_id": user.id}).first()
    return (row[0], row[1]) if row else None


@functools.cache
def _reading_query():
    """Built once per process, with bound parameters: building it per view cost a tenth of the page."""
    mine = (LessonProgress.lesson_id == Lesson.id) & (LessonProgress.user_id == bindparam("user_id"))
    return (
        select(Lesson, LessonProgress)
        .outerjoin(LessonProgress, mine)
        .where(Lesson.key == bindparam("key"), Lesson.active)
        .options(joinedload(Lesson.quiz))
    )


def opening_needs_recording(progress: LessonProgress | None) -> bool:
    """Whether opening the lesson now must be written: a first open, or one after the reading session ended."""
    return progress is None or progress.last_opened_at is None or utcnow() - progress.last_opened_at > REOPEN_WINDOW


def record_lesson_opened(user: User, lesson: Lesson) -> LessonProgress:
    progress = _progress_row(user, lesson)
    progress.last_opened_at = utcnow()
    db.session.flush()
    return progress


def record_lesson_read(user: User, lesson: Lesson) -> LessonProgress:
    """The learner reached the end of the lesson: mark it read and add the reading time."""
    progress = _progress_row(user, lesson)
    now = utcnow()
    elapsed = min(max(now - progress.last_opened_at, timedelta(0)), MAX_READING_SESSION)
    progress.seconds_spent = (progress.seconds_spent or 0) + int(elapsed.total_seconds())
    progress.last_opened_at = now
    if progress.finished_at is None:
        progress.finished_at = now
    db.session.flush()
    return progress
