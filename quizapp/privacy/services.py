"""Export, erase and purge one student's personal data. Flushes, never commits (callers commit).

Erasure leaves a nameless tombstone row (username `da-xoa-<id>`, erased_at set, no password) instead of
deleting the user: the audit log, issued reports and staff reviews keep valid ids, and every page that joins
a name shows "Học sinh đã xoá". What goes and what stays is explained in docs/privacy.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import String, cast, delete, exists, func, literal, select, update

from .. import clock
from ..extensions import db
from ..models import (
    Attempt,
    AttemptQuestion,
    AuditAction,
    AuditEvent,
    BackgroundJob,
    Certificate,
    Enrollment,
    FamilyOutreach,
    Lesson,
    LessonProgress,
    PracticeMistake,
    PracticeRun,
    PracticeTask,
    Question,
    QuestionVersion,
    Quiz,
    Role,
    School,
    SchoolClass,
    SchoolYear,
    User,
)
from ..models._base import utcnow
from ..models.people import RateLimitCounter
from ..services.audit import record

ERASED_NAME = "Học sinh đã xoá"
UNUSABLE_PASSWORD = "!"  # never a werkzeug hash: check_password_hash() is always False for it


class PrivacyRefused(Exception):
    """A request the service cannot carry out; the message says why, in Vietnamese."""


def find_student(username: str) -> User:
    student = db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if student is None:
        raise PrivacyRefused(f"Không có tài khoản {username}.")
    if student.role != Role.STUDENT:
        raise PrivacyRefused(f"Tài khoản {username} không phải học sinh: lệnh này chỉ dành cho dữ liệu học sinh.")
    if student.erased_at is not None:
        raise PrivacyRefused(f"Dữ liệu của tài khoản {username} đã được xoá.")
    return student


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_student(student: User) -> dict:
    """Everything the database holds about one student, as plain JSON-ready data (a constant number of queries)."""
    school = db.session.get(School, student.school_id) if student.school_id else None
    enrolments = db.session.execute(
        select(Enrollment, SchoolClass, SchoolYear, School)
        .join(SchoolClass, Enrollment.class_id == SchoolClass.id)
        .join(SchoolYear, Enrollment.school_year_id == SchoolYear.id)
        .join(School, SchoolClass.school_id == School.id)
        .where(Enrollment.student_id == student.id)
        .order_by(SchoolYear.starts_on)
    ).all()
    lessons = db.session.execute(
        select(LessonProgress, Lesson.key, Lesson.title)
        .join(Lesson, LessonProgress.lesson_id == Lesson.id)
        .where(LessonProgress.user_id == student.id)
        .order_by(LessonProgress.first_opened_at)
    ).all()
    attempts = db.session.execute(
        select(Attempt, Quiz.key, Quiz.title)
        .join(Quiz, Attempt.quiz_id == Quiz.id)
        .where(Attempt.user_id == student.id)
        .order_by(Attempt.started_at, Attempt.id)
    ).all()
    answers: dict[int, list[dict]] = {}
    for question, key, number in db.session.execute(
        select(AttemptQuestion, Question.key, QuestionVersion.number)
        .join(QuestionVersion, AttemptQuestion.version_id == QuestionVersion.id)
        .join(Question, QuestionVersion.question_id == Question.id)
        .join(Attempt, AttemptQuestion.attempt_id == Attempt.id)
        .where(Attempt.user_id == student.id)
        .order_by(AttemptQuestion.attempt_id, AttemptQuestion.position)
    ):
        answers.setdefault(question.attempt_id, []).append(
            {
                "position": question.position,
                "question": key,
                "version": number,
                "response": question.response,
                "is_correct": question.is_correct,
            }
        )
    runs = db.session.execute(
        select(PracticeRun, PracticeTask.key, PracticeTask.title)
        .join(PracticeTask, PracticeRun.task_id == PracticeTask.id)
        .where(PracticeRun.user_id == student.id)
        .order_by(PracticeRun.started_at)
    ).all()
    outreach = db.session.scalars(
        select(FamilyOutreach).where(FamilyOutreach.student_id == student.id).order_by(FamilyOutreach.helped_on)
    ).all()
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == student.id))
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.target_user_id == student.id).order_by(AuditEvent.id)
    ).all()
    return {
        "exported_at": _iso(clock.now()),
        "student": {
            "username": student.username,
            "full_name": student.full_name,
            "student_code": student.student_code,
            "birth_date": _iso(student.birth_date),
            "gender": student.gender,
            "school": school.name if school else None,
            "account_active": student.is_active_account,
            "created_at": _iso(student.created_at),
            "last_login_at": _iso(student.last_login_at),
        },
        "enrolments": [
            {
                "school_year": year.name,
                "school": sch.name,
                "class": klass.name,
                "grade": klass.grade,
                "started": enrolment.has_started,
                "completed_at": _iso(enrolment.completed_at),
                "relatives_confirmed": enrolment.families_confirmed,
            }
            for enrolment, klass, year, sch in enrolments
        ],
        "lessons": [
            {
                "lesson": key,
                "title": title,
                "first_opened_at": _iso(p.first_opened_at),
                "last_opened_at": _iso(p.last_opened_at),
                "finished_at": _iso(p.finished_at),
                "seconds_spent": p.seconds_spent,
            }
            for p, key, title in lessons
        ],
        "quiz_attempts": [
            {
                "quiz": key,
                "title": title,
                "status": a.status,
                "started_at": _iso(a.started_at),
                "submitted_at": _iso(a.submitted_at),
                "questions": a.question_count,
                "correct": a.correct_count,
                "score_percent": a.score_percent,
                "passed": a.passed,
                "answers": answers.get(a.id, []),
            }
            for a, key, title in attempts
        ],
        "practice_runs": [
            {
                "task": key,
                "title": title,
                "started_at": _iso(r.started_at),
                "finished_at": _iso(r.finished_at),
                "steps": r.steps,
                "mistakes": r.mistakes,
            }
            for r, key, title in runs
        ],
        "family_outreach": [
            {
                "relation": o.relation,
                "service": o.service,
                "helped_on": _iso(o.helped_on),
                "note": o.note,
                "status": o.status,
                "reviewed_at": _iso(o.reviewed_at),
            }
            for o in outreach
        ],
        "certificate": (
            {
                "code": certificate.code,
                "full_name": certificate.full_name,
                "school": certificate.school_name,
                "school_year": certificate.year_name,
                "issued_at": _iso(certificate.issued_at),
            }
            if certificate
            else None
        ),
        "audit_log": [{"at": _iso(e.created_at), "action": e.label} for e in events],
    }


def _tombstone(student: User) -> None:
    student.username = f"da-xoa-{student.id}"
    student.full_name = ERASED_NAME
    student.student_code = None
    student.birth_date = None
    student.gender = None
    student.is_active_account = False
    student.must_change_password = False
    student.password_hash = UNUSABLE_PASSWORD
    student.end_all_sessions()
    student.erased_at = utcnow()


@dataclass
class Erased:
    user_id: int
    rows: dict[str, int] = field(default_factory=dict)


def erase_student(student: User, actor: User | None) -> Erased:
    """Remove one student's identifying data and everything they did; the row stays as a nameless tombstone.

    The enrolments go first, so live coverage stops counting the student (the coverage triggers then find
    no enrolment to update); issued reports keep their frozen figures.
    """
    if student.role != Role.STUDENT:
        raise PrivacyRefused("Chỉ xoá được dữ liệu của học sinh.")
    if student.erased_at is not None:
        raise PrivacyRefused("Dữ liệu của học sinh này đã được xoá.")
    uid = student.id
    old_username = student.username.lower()
    # The entry names no one: the tombstone's id is the only link, and it is nameless after this call.
    record(actor, AuditAction.ERASE, student, school_id=student.school_id)
    attempts = select(Attempt.id).where(Attempt.user_id == uid)
    runs = select(PracticeRun.id).where(PracticeRun.user_id == uid)
    steps = [
        ("enrollment", delete(Enrollment).where(Enrollment.student_id == uid)),
        ("attempt_question", delete(AttemptQuestion).where(AttemptQuestion.attempt_id.in_(attempts))),
        ("attempt", delete(Attempt).where(Attempt.user_id == uid)),
        ("lesson_progress", delete(LessonProgress).where(LessonProgress.user_id == uid)),
        ("practice_mistake", delete(PracticeMistake).where(PracticeMistake.run_id.in_(runs))),
        ("practice_run", delete(PracticeRun).where(PracticeRun.user_id == uid)),
        ("family_outreach", delete(FamilyOutreach).where(FamilyOutreach.student_id == uid)),
        ("certificate", delete(Certificate).where(Certificate.user_id == uid)),
        ("background_job", delete(BackgroundJob).where(BackgroundJob.owner_id == uid)),
        (
            "rate_limit_counter",
            delete(RateLimitCounter).where(RateLimitCounter.name.contains(f":{old_username}:", autoescape=True)),
        ),
    ]
    erased = Erased(uid)
    for name, statement in steps:
        erased.rows[name] = db.session.execute(statement.execution_options(synchronize_session=False)).rowcount
    _tombstone(student)
    db.session.flush()
    db.session.expire_all()  # relationships loaded before the bulk deletes must not come back
    return erased


@dataclass
class PurgePlan:
    cutoff: date
    years: list[str]
    students: int
    certificates: int
    notes: int


def _purge_candidates(cutoff: date):
    """Students enrolled only in school years that ended before cutoff (still enrolled later: kept)."""
    old = select(Enrollment.id).join(SchoolYear, Enrollment.school_year_id == SchoolYear.id)
    return select(User.id).where(
        User.role == Role.STUDENT,
        User.erased_at.is_(None),
        exists(old.where(Enrollment.student_id == User.id, SchoolYear.ends_on < cutoff)),
        ~exists(old.where(Enrollment.student_id == User.id, SchoolYear.ends_on >= cutoff)),
    )


def purge_plan(before_year: int) -> PurgePlan:
    cutoff = date(before_year, 1, 1)
    candidates = _purge_candidates(cutoff)
    years = list(db.session.scalars(select(SchoolYear.name).where(SchoolYear.ends_on < cutoff).order_by(SchoolYear.name)))
    count = lambda query: db.session.scalar(select(func.count()).select_from(query.subquery())) or 0  # noqa: E731
    return PurgePlan(
        cutoff=cutoff,
        years=years,
        students=count(candidates),
        certificates=count(select(Certificate.id).where(Certificate.user_id.in_(candidates), Certificate.full_name != "")),
        notes=count(select(FamilyOutreach.id).where(FamilyOutreach.student_id.in_(candidates), FamilyOutreach.note != "")),
    )


def purge(before_year: int, actor: User | None = None) -> PurgePlan:
    """Erase the identifying data of students whose school years all ended before 1/1/before_year.

    Unlike erasing one student on request, their enrolments, results and certificates stay (nameless), so
    the aggregate figures of those years (coverage, completions, relatives guided) do not change.
    """
    plan = purge_plan(before_year)
    if not plan.students:
        return plan
    rows = db.session.execute(
        select(User.id, User.school_id).where(User.id.in_(_purge_candidates(plan.cutoff))).order_by(User.id)
    ).all()
    ids = [uid for uid, _ in rows]
    per_school: dict[int, int] = {}
    for _, school_id in rows:
        per_school[school_id] = per_school.get(school_id, 0) + 1
    for chunk_start in range(0, len(ids), 500):  # bounded IN lists on both engines
        chunk = ids[chunk_start : chunk_start + 500]
        db.session.execute(
            update(Certificate).where(Certificate.user_id.in_(chunk)).values(full_name=""),
            execution_options={"synchronize_session": False},
        )
        db.session.execute(
            update(FamilyOutreach).where(FamilyOutreach.student_id.in_(chunk)).values(note=""),
            execution_options={"synchronize_session": False},
        )
        db.session.execute(
            update(User)
            .where(User.id.in_(chunk))
            .values(
                username=literal("da-xoa-") + cast(User.id, String),
                full_name=ERASED_NAME,
                student_code=None,
                birth_date=None,
                gender=None,
                is_active_account=False,
                must_change_password=False,
                password_hash=UNUSABLE_PASSWORD,
                session_version=User.session_version + 1,
                erased_at=utcnow(),
            ),
            execution_options={"synchronize_session": False},
        )
    for school_id, students in sorted(per_school.items()):  # each school's log shows its own share
        record(actor, AuditAction.PURGE, school_id=school_id, before=before_year, students=students, years=plan.years)
    db.session.flush()
    db.session.expire_all()
    return plan
