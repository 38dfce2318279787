"""A class at a glance: every enrolled student's progress per module, in a fixed number of queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

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


@dataclass(slots=True)
class ModuleCell:
    """One student's state in one module. The derived flags are worked out once, when the cell is made:
    the dashboard reads each of them several times for 40 students x 11 modules."""

    opened: bool = False
    read: bool = False
    attempts: int = 0
    best_score: int | None = None
    passed: bool = False
    has_quiz: bool = True
    practice_left: int = 0  # required practice tasks of the lesson not finished yet
    done: bool = field(init=False)
    started: bool = field(init=False)
    stuck: bool = field(init=False)

    def __post_init__(self) -> None:
        self.done = self.read and (self.passed or not self.has_quiz) and not self.practice_left
        self.started = self.opened or self.attempts > 0
        self.stuck = self.has_quiz and not self.passed and self.attempts >= STUCK_AFTER_FAILS


@dataclass(slots=True)
class StudentRow:
    """A student's line; like the cells, its summary is worked out once, when it is made."""

    student: User
    modules: list[ModuleCell]
    certified: bool = False  # completed the programme once (it stays reached if content grows later)
    done_count: int = field(init=False)
    status: str = field(init=False)
    stuck: bool = field(init=False)

    def __post_init__(self) -> None:
        self.done_count = sum(m.done for m in self.modules)
        if self.certified or (self.modules and self.done_count == len(self.modules)):
            self.status = DONE
        else:
            self.status = IN_PROGRESS if any(m.started for m in self.modules) else NOT_STARTED
        self.stuck = any(m.stuck for m in self.modules)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


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
    def stuck_count(self) -> int:
        return sum(row.stuck for row in self.rows)

    @property
    def percent(self) -> int:
        return self.completed * 100 // self.enrolled if self.enrolled else 0

    @property
    def gap(self) -> int:
        """Students still needed to reach the target share."""
        needed = -(-self.target.percent * self.enrolled // 100)  # ceiling
        return max(0, needed - self.completed)


def _enrolled(school_class: SchoolClass):
    return select(User).join(Enrollment, Enrollment.student_id == User.id).where(Enrollment.class_id == school_class.id)


def class_students(school_class: SchoolClass) -> list[User]:
    students = db.session.scalars(_enrolled(school_class)).all()
    return sorted(students, key=lambda s: name_sort_key(s.full_name))


def class_report(school_class: SchoolClass) -> ClassReport:
    """Progress of every enrolled student, including those who never logged in.

    A fixed number of queries. Progress and attempts come as plain tuples (not ORM objects) and the
    per-cell loop touches no ORM attribute: for 40 students x 11 modules that was most of the page's time.
    """
    # A certificate is one row per user at most (unique), so the outer join adds none.
    students = sorted(
        db.session.execute(
            _enrolled(school_class)
            .add_columns(Certificate.id.is_not(None))
            .outerjoin(Certificate, Certificate.user_id == User.id)
        ).all(),
        key=lambda row: name_sort_key(row[0].full_name),
    )
    lessons = programme_lessons(school_class.grade)
    modules = [(lesson.id, lesson.quiz.id if lesson.quiz else None) for lesson in lessons]
    member_ids = select(Enrollment.student_id).where(Enrollment.class_id == school_class.id)
    # (student, lesson) -> read to the end; a row at all means the lesson was opened.
    read = {
        (user_id, lesson_id): bool(finished)
        for user_id, lesson_id, finished in db.session.execute(
            select(LessonProgress.user_id, LessonProgress.lesson_id, LessonProgress.finished_at.is_not(None)).where(
                LessonProgress.user_id.in_(member_ids)
            )
        )
    }
    submitted = Attempt.status == AttemptStatus.SUBMITTED
    # (student, quiz) -> (submitted attempts, best score, passed); a row at all means the module was opened.
    attempts = {
        (user_id, quiz_id): (count, best, passes > 0)
        for user_id, quiz_id, count, best, passes in db.session.execute(
            select(
                Attempt.user_id,
                Attempt.quiz_id,
                func.count(Attempt.id).filter(submitted),
                func.max(Attempt.score_percent),
                func.count(Attempt.id).filter(Attempt.passed.is_(True)),
            )
            .where(
                Attempt.user_id.in_(member_ids),
                Attempt.quiz_id.in_([quiz_id for _, quiz_id in modules if quiz_id is not None]),
            )
            .group_by(Attempt.user_id, Attempt.quiz_id)
        )
    }
    practice_left = unfinished_required_by_student(member_ids, [lesson_id for lesson_id, _ in modules], school_class.grade)
    no_tries = (0, None, False)
    rows = []
    for student, certified in students:
        student_id = student.id
        cells = []
        for lesson_id, quiz_id in modules:
            was_read = read.get((student_id, lesson_id))
            tries = attempts.get((student_id, quiz_id))  # (never for a module without a quiz: no such key)
            count, best, passed = tries or no_tries
            opened = was_read is not None or tries is not None
            # Positional, in field order: hundreds of cells a page, and keywords triple the cost of each.
            cells.append(
                ModuleCell(opened, bool(was_read), count, best, passed, quiz_id is not None, practice_left[(student_id, lesson_id)])
            )
        rows.append(StudentRow(student, cells, bool(certified)))
    # The target and the page need the class's school and year: one query loads both onto the class
    # (instead of a lazy load each).
    db.session.scalars(
        select(SchoolClass)
        .where(SchoolClass.id == school_class.id)
        .options(joinedload(SchoolClass.school), joinedload(SchoolClass.school_year))
    ).one()
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
