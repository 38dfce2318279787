"""Family outreach: the relatives a student guided through an online service, confirmed by a teacher.

Plain functions that flush but never commit. An entry holds no personal identifier of the relative:
a relation word, a service from a fixed list, a date and a short note that may not carry long numbers.
An entry belongs to a class when its student is enrolled there and its date falls in that class's school
year (from the year's start to the next year's start), so last year's class keeps last year's entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import Select, and_, bindparam, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from .. import clock
from ..extensions import db
from ..models import AuditAction, Enrollment, FamilyOutreach, OutreachStatus, SchoolClass, SchoolYear, User
from ..models._base import utcnow
from . import audit
from .certificates import certificate_of
from .progress import current_year
from .vietnamese import name_sort_key, normalize_text

RELATIONS = ["Bố", "Mẹ", "Ông", "Bà", "Anh", "Chị", "Em", "Cô", "Dì", "Chú", "Bác", "Khác"]
SERVICES = [
    "Đăng nhập VNeID",
    "Nộp hồ sơ trên Cổng Dịch vụ công quốc gia",
    "Thông báo lưu trú",
    "Tuyển sinh đầu cấp trực tuyến",
    "Thẻ BHYT trên VNeID",
    "Nhận diện lừa đảo",
    "Khác",
]
STATUS_LABELS = {
    OutreachStatus.PENDING: "Chờ thầy cô xác nhận",
    OutreachStatus.CONFIRMED: "Đã xác nhận",
    OutreachStatus.REJECTED: "Không xác nhận",
}
NOTE_MAX = 200
# Nine or more digits, also when written in groups ("0912 345 678", "001.208.012.345"): an ID or phone number.
LONG_NUMBER = re.compile(r"\d(?:[ .\-]?\d){8,}")
_STATUS_ORDER = {OutreachStatus.PENDING: 0, OutreachStatus.CONFIRMED: 1, OutreachStatus.REJECTED: 2}


# --- Rules (the form shows their messages; the operations enforce them too) ---------------------


def vietnam_today() -> date:
    return clock.today()


def year_start() -> date | None:
    """The first day of the current school year: nothing before it can be recorded this year."""
    year = current_year()
    return year.starts_on if year else None


def date_problem(helped_on: date, today: date, earliest: date | None) -> str | None:
    if helped_on > today:
        return "Ngày hướng dẫn không được ở sau hôm nay."
    if earliest is not None and helped_on < earliest:
        return f"Ngày hướng dẫn phải từ đầu năm học ({earliest:%d/%m/%Y}) trở đi."
    return None


def note_problem(note: str) -> str | None:
    if len(note) > NOTE_MAX:
        return f"Ghi chú dài tối đa {NOTE_MAX} ký tự."
    if LONG_NUMBER.search(note):
        return (
            "Ghi chú có một dãy số dài (giống số căn cước hoặc số điện thoại). "
            "Em không ghi số giấy tờ, số điện thoại hay mật khẩu của người thân nhé."
        )
    return None


def can_record(user: User) -> bool:
    """Only a student who completed the programme (so holds a certificate) records relatives."""
    return user.is_student and certificate_of(user) is not None


# --- Student side ---------------------------------------------------------------------------------


DUPLICATE_MESSAGE = "Em đã ghi mục này rồi (cùng người thân, cùng việc, cùng ngày)."


def record(student: User, relation: str, service: str, helped_on: date, note: str = "") -> FamilyOutreach:
    """A new pending entry; refuses what the form refuses, so no other caller can skip the rules."""
    note = normalize_text(note)
    problem = (
        (None if relation in RELATIONS else "Quan hệ không hợp lệ.")
        or (None if service in SERVICES else "Dịch vụ không hợp lệ.")
        or date_problem(helped_on, vietnam_today(), year_start())
        or note_problem(note)
    )
    if problem:
        raise ValueError(problem)
    entry = FamilyOutreach(student_id=student.id, relation=relation, service=service, helped_on=helped_on, note=note)
    try:
        with db.session.begin_nested():  # the same entry sent twice at once: the unique constraint decides
            db.session.add(entry)
    except IntegrityError:
        raise ValueError(DUPLICATE_MESSAGE) from None
    return entry


def is_duplicate(student: User, relation: str, service: str, helped_on: date) -> bool:
    return (
        db.session.scalar(
            select(FamilyOutreach.id).where(
                FamilyOutreach.student_id == student.id,
                FamilyOutreach.relation == relation,
                FamilyOutreach.service == service,
                FamilyOutreach.helped_on == helped_on,
            )
        )
        is not None
    )


def own_entries(student: User) -> list[FamilyOutreach]:
    return list(
        db.session.scalars(
            select(FamilyOutreach)
            .where(FamilyOutreach.student_id == student.id)
            .order_by(FamilyOutreach.helped_on.desc(), FamilyOutreach.id.desc())
        )
    )


def delete_pending(entry: FamilyOutreach) -> bool:
    """Delete an entry the teacher has not reviewed yet; False (and nothing changes) once reviewed.

    One conditional DELETE, so a teacher confirming at the same moment wins cleanly.
    """
    result = db.session.execute(
        delete(FamilyOutreach)
        .where(FamilyOutreach.id == entry.id, FamilyOutreach.status == OutreachStatus.PENDING)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:
        db.session.expunge(entry)
        return True
    return False


# --- Teacher side ---------------------------------------------------------------------------------


def _in_enrolment_year():
    """helped_on lies in the school year of the joined Enrollment: from its start to the next year's start."""
    later = aliased(SchoolYear)
    next_start = select(func.min(later.starts_on)).where(later.starts_on > SchoolYear.starts_on).scalar_subquery()
    return and_(
        FamilyOutreach.helped_on >= SchoolYear.starts_on,
        or_(next_start.is_(None), FamilyOutreach.helped_on < next_start),
    )


def _class_entries_query(class_ids) -> Select:
    return (
        select(FamilyOutreach)
        .join(Enrollment, Enrollment.student_id == FamilyOutreach.student_id)
        .join(SchoolYear, SchoolYear.id == Enrollment.school_year_id)
        .where(Enrollment.class_id.in_(class_ids), _in_enrolment_year())
    )


@dataclass
class ClassEntry:
    entry: FamilyOutreach
    student: User

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.entry.status]


def class_entries(school_class: SchoolClass) -> list[ClassEntry]:
    """The class's entries: pending first, then by class-list order of the student, then by date."""
    rows = db.session.execute(
        _class_entries_query([school_class.id]).add_columns(User).join(User, User.id == FamilyOutreach.student_id)
    ).all()
    entries = [ClassEntry(entry, student) for entry, student in rows]
    entries.sort(
        key=lambda e: (
            _STATUS_ORDER.get(e.entry.status, 9),
            name_sort_key(e.student.full_name),
            e.entry.helped_on,
            e.entry.id,
        )
    )
    return entries


def class_entry(school_class: SchoolClass, entry_id: int) -> FamilyOutreach | None:
    """One entry of this class (its student enrolled here, its date in this class's year), else None."""
    return db.session.scalar(_class_entries_query([school_class.id]).where(FamilyOutreach.id == entry_id))


@cache
def _pending_count_statement() -> Select:
    """Built once, the class as a parameter: building the school-year bounds took longer than the count."""
    return (
        select(func.count(FamilyOutreach.id))
        .join(Enrollment, Enrollment.student_id == FamilyOutreach.student_id)
        .join(SchoolYear, SchoolYear.id == Enrollment.school_year_id)
        .where(
            Enrollment.class_id == bindparam("class_id"),
            FamilyOutreach.status == OutreachStatus.PENDING,
            _in_enrolment_year(),
        )
    )


def pending_count(school_class: SchoolClass) -> int:
    """Entries of the class waiting for a teacher (the dashboard's outreach button shows it)."""
    return db.session.scalar(_pending_count_statement(), {"class_id": school_class.id}) or 0


def review(entry: FamilyOutreach, reviewer: User, confirmed: bool) -> bool:
    """Confirm or refuse an entry; a later review may change the decision (a teacher fixing a mistake).

    False if the student deleted the entry meanwhile (one UPDATE by id, so nothing fails half-way).
    """
    result = db.session.execute(
        update(FamilyOutreach)
        .where(FamilyOutreach.id == entry.id)
        .values(
            status=OutreachStatus.CONFIRMED if confirmed else OutreachStatus.REJECTED,
            reviewed_by_id=reviewer.id,
            reviewed_at=utcnow(),
        )
    )
    if result.rowcount:
        audit.record(reviewer, AuditAction.OUTREACH_CONFIRM, db.session.get(User, entry.student_id), decision="xác nhận" if confirmed else "không xác nhận")
    return bool(result.rowcount)


# --- Counts for reports ---------------------------------------------------------------------------


def confirmed_count_by_student(
    student_ids: Select, *, since: date | None = None, before: date | None = None
) -> dict[int, int]:
    """{student id: confirmed entries} for the students the select() names, in one query.

    Students with no confirmed entry are absent (use `.get(id, 0)`). `since`/`before` bound helped_on
    (inclusive / exclusive), e.g. to one school year.
    """
    query = (
        select(FamilyOutreach.student_id, func.count(FamilyOutreach.id))
        .where(
            FamilyOutreach.student_id.in_(student_ids),
            FamilyOutreach.status == OutreachStatus.CONFIRMED,
        )
        .group_by(FamilyOutreach.student_id)
    )
    if since is not None:
        query = query.where(FamilyOutreach.helped_on >= since)
    if before is not None:
        query = query.where(FamilyOutreach.helped_on < before)
    return {student_id: count for student_id, count in db.session.execute(query)}


@dataclass
class ClassOutreach:
    families: int  # students with at least one confirmed entry: one household reached each
    entries: int  # confirmed entries (a relative guided through a service)


def confirmed_by_class(class_ids: Select) -> dict[int, ClassOutreach]:
    """{class id: ClassOutreach} for the classes the select() names, in one query; absent means none."""
    query = (
        select(
            Enrollment.class_id,
            func.count(func.distinct(FamilyOutreach.student_id)),
            func.count(FamilyOutreach.id),
        )
        .select_from(FamilyOutreach)
        .join(Enrollment, Enrollment.student_id == FamilyOutreach.student_id)
        .join(SchoolYear, SchoolYear.id == Enrollment.school_year_id)
        .where(
            Enrollment.class_id.in_(class_ids),
            FamilyOutreach.status == OutreachStatus.CONFIRMED,
            _in_enrolment_year(),
        )
        .group_by(Enrollment.class_id)
    )
    return {class_id: ClassOutreach(families, entries) for class_id, families, entries in db.session.execute(query)}
