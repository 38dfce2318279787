"""All models, importable from one place (Alembic and the app import this package)."""

from ..extensions import db
from . import coverage_flags
from .audit import AUDIT_LABELS, AuditAction, AuditEvent
from .content import Choice, Lesson, Page, ProgrammeEntry, Question, QuestionKind, QuestionVersion, Quiz
from .coverage_counts import ClassCoverageCount, SchoolCompletionDay
from .jobs import BackgroundJob, JobStatus
from .org import Enrollment, School, SchoolClass, SchoolYear, Target, TeacherAssignment, Unit
from .people import ROLE_LABELS, Role, User
from .practice import PracticeMistake, PracticeRun, PracticeTask
from .progress import (
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    Certificate,
    FamilyOutreach,
    LessonProgress,
    OutreachStatus,
)
from .reports import IssuedReport

coverage_flags.install(db.metadata)

__all__ = [
    "AUDIT_LABELS",
    "AuditAction",
    "AuditEvent",
    "Attempt",
    "AttemptQuestion",
    "AttemptStatus",
    "BackgroundJob",
    "Certificate",
    "IssuedReport",
    "JobStatus",
    "Choice",
    "ClassCoverageCount",
    "Enrollment",
    "FamilyOutreach",
    "Lesson",
    "LessonProgress",
    "OutreachStatus",
    "Page",
    "PracticeMistake",
    "PracticeRun",
    "PracticeTask",
    "ProgrammeEntry",
    "Question",
    "QuestionKind",
    "QuestionVersion",
    "Quiz",
    "ROLE_LABELS",
    "Role",
    "School",
    "SchoolCompletionDay",
    "SchoolClass",
    "SchoolYear",
    "Target",
    "TeacherAssignment",
    "Unit",
    "User",
]
