"""A class at a glance: every enrolled student's progress per module, in a fixed number of queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    Certificate,
    Enrollment,
    Lesson,
    LessonProgress,
    Question,
    QuestionVersion,
    SchoolClass,
    User,
)
from ..practice.service import unfinished_required_by_student
from .progress import programme_lessons
from .targets import TargetView, effective_target
from .vietnamese import name_sort_key

NOT_STARTED, IN_PROGRESS, DONE = "chua-bat-dau", "dang-hoc", "hoan-thanh"
STATUS_LABELS = {NOT_STARTED: "Chưa bắt đầu", IN_PROGRESS: "Đang học", DONE: "Hoàn thành"}
# A student who failed a quiz this many times without passing it is flagged for help.
STUCK_AFTER_FAILS = 2


@dataclass
class ModuleCell:
    opened: bool = False
    read: bool = False
    attempts: int = 0
    best_score: int | None = None
    passed: bool = False
    has_quiz: bool = True
    practice_left: int = 0  # required practice tasks of the lesson not finished yet

    @property
    def done(self) -> bool:
        return self.read and (self.passed or not self.has_quiz) and not self.practice_left

    @property
    def started(self) -> bool:
        return self.opened or self.attempts > 0

    @property
    def stuck(self) -> bool:
        return self.has_quiz and not self.passed and self.attempts >= STUCK_AFTER_FAILS


@dataclass
class StudentRow:
    student: User
    modules: list[ModuleCell]
    last_activity: object = None
    certified: bool = False  # completed the programme once (it stays reached if content grows later)

    @property
    def done_count(self) -> int:
        return sum(m.done for m in self.modules)

    @property
    def status(self) -> str:
        if self.certified or (self.modules and all(m.done for m in self.modules)):
            return DONE
        return IN_PROGRESS if any(m.started for m in self.modules) else NOT_STARTED

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def stuck(self) -> bool:
        return any(m.stuck for m in self.modules)


@dataclass
class ClassReport:
    school_class: SchoolClass
    lessons: list[Lesson]
    rows: list[StudentRow]
    target: TargetView
    counts: Counter = field(default_factory=Counter)

    @property
    def enrolled(self) -> int:
        return len(self.rows)

    @property
    def completed(self) -> int:
        return self.counts[DONE]

    @property
    def percent(self) -> int:
        return self.completed * 100 // self.enrolled if self.enrolled else 0

    @property
    def gap(self) -> int:
        """Students still needed to reach the target share."""
        needed = -(-self.target.percent * self.enrolled // 100)  # ceiling
        return max(0, needed - self.completed)


def class_students(school_class: SchoolClass) -> list[User]:
    students = db.session.scalars(
        select(User).join(Enrollment, Enrollment.student_id == User.id).where(Enrollment.class_id == school_class.id)
    ).all()
    return sorted(students, key=lambda s: name_sort_key(s.full_name))


def class_report(school_class: SchoolClass) -> ClassReport:
    """Progress of every enrolled student, including those who never logged in."""
    students = class_students(school_class)
    lessons = programme_lessons(school_class.grade)
    member_ids = select(Enrollment.student_id).where(Enrollment.class_id == school_class.id)
    progress = {
        (p.user_id, p.lesson_id): p
        for p in db.session.scalars(select(LessonProgress).where(LessonProgress.user_id.in_(member_ids)))
    }
    quiz_ids = [lesson.quiz.id for lesson in lessons if lesson.quiz]
    submitted = Attempt.status == AttemptStatus.SUBMITTED
    attempt_rows = db.session.execute(
        select(
            Attempt.user_id,
            Attempt.quiz_id,
            func.count(Attempt.id).filter(submitted),
            func.max(Attempt.score_percent),
            func.count(Attempt.id).filter(Attempt.passed.is_(True)),
            func.count(Attempt.id),
            func.max(Attempt.started_at),
        )
        .where(Attempt.user_id.in_(member_ids), Attempt.quiz_id.in_(quiz_ids))
        .group_by(Attempt.user_id, Attempt.quiz_id)
    ).all()
    attempts = {(r[0], r[1]): r[2:] for r in attempt_rows}
    practice_left = unfinished_required_by_student(member_ids, [lesson.id for lesson in lessons], school_class.grade)
    certified = set(db.session.scalars(select(Certificate.user_id).where(Certificate.user_id.in_(member_ids))))
    rows = []
    for student in students:
        cells, last = [], None
        for lesson in lessons:
            cell = ModuleCell(has_quiz=lesson.quiz is not None, practice_left=practice_left[(student.id, lesson.id)])
            read = progress.get((student.id, lesson.id))
            if read:
                cell.opened, cell.read = True, read.finished_at is not None
                last = max(filter(None, [last, read.last_opened_at]))
            if lesson.quiz and (student.id, lesson.quiz.id) in attempts:
                count, best, passes, any_count, started = attempts[(student.id, lesson.quiz.id)]
                cell.attempts, cell.best_score, cell.passed = count, best, passes > 0
                cell.opened = cell.opened or any_count > 0
                last = max(filter(None, [last, started]))
            cells.append(cell)
        rows.append(StudentRow(student, cells, last, student.id in certified))
    report = ClassReport(school_class, lessons, rows, effective_target(school_class.school, school_class.school_year))
    report.counts = Counter(row.status for row in rows)
    return report


@dataclass
class ChoiceStat:
    text_html: str
    picks: int


@dataclass
class QuestionStat:
    quiz_key: str
    quiz_title: str
    prompt_html: str
    kind: str
    answers: int = 0
    correct: int = 0
    wrong_choices: Counter = field(default_factory=Counter)

    @property
    def percent_correct(self) -> int:
        return self.correct * 100 // self.answers if self.answers else 0

    @property
    def prompt(self) -> Markup:
        return Markup(self.prompt_html)  # rendered at content sync with raw HTML disabled

    @property
    def top_wrong(self) -> tuple[Markup, int] | None:
        if not self.wrong_choices:
            return None
        text_html, picks = self.wrong_choices.most_common(1)[0]
        return Markup(text_html), picks


def question_stats(school_class: SchoolClass) -> list[QuestionStat]:
    """Per question, over the class's submitted attempts: share correct and the most chosen wrong answer.

    Versions of one question are counted together (same key); the hardest questions come first.
    """
    member_ids = select(Enrollment.student_id).where(Enrollment.class_id == school_class.id)
    items = db.session.scalars(
        select(AttemptQuestion)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .where(Attempt.user_id.in_(member_ids), Attempt.status == AttemptStatus.SUBMITTED)
        .options(
            selectinload(AttemptQuestion.version).selectinload(QuestionVersion.choices),
            selectinload(AttemptQuestion.version).selectinload(QuestionVersion.question).selectinload(Question.quiz),
        )
    ).all()
    stats: dict[int, QuestionStat] = {}
    latest_prompt: dict[int, tuple[int, str]] = defaultdict(lambda: (0, ""))
    for item in items:
        version = item.version
        question = version.question
        stat = stats.setdefault(
            question.id, QuestionStat(question.quiz.key, question.quiz.title, version.prompt_html, version.kind)
        )
        if version.number > latest_prompt[question.id][0]:
            latest_prompt[question.id] = (version.number, version.prompt_html)
            stat.prompt_html = version.prompt_html
        stat.answers += 1
        stat.correct += bool(item.is_correct)
        if not item.is_correct and version.kind != "order":
            by_id = {c.id: c for c in version.choices}
            for index in item.response or []:
                choice = by_id.get(item.choice_order[index]) if index < len(item.choice_order) else None
                if choice is not None and not choice.is_correct:
                    stat.wrong_choices[choice.text_html] += 1
    return sorted(stats.values(), key=lambda s: (s.percent_correct, -s.answers))
