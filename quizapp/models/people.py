"""People: one account table for students and staff, told apart by role."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ._base import one_of, utcnow

if TYPE_CHECKING:
    from .org import Enrollment, School, SchoolClass, Unit


class Role(enum.StrEnum):
    STUDENT = "student"
    TEACHER = "teacher"
    SCHOOL_ADMIN = "school_admin"
    UNIT_ADMIN = "unit_admin"


ROLE_LABELS = {
    Role.STUDENT: "Học sinh",
    Role.TEACHER: "Giáo viên",
    Role.SCHOOL_ADMIN: "Cán bộ quản lý trường",
    Role.UNIT_ADMIN: "Cán bộ quản lý cấp trên",
}


class User(UserMixin, db.Model):
    """A login. Students keep the minimum personal data: name, code, date of birth, gender."""

    __tablename__ = "user"
    __table_args__ = (
        one_of("role", Role, name="role_known"),
        CheckConstraint("(role = 'unit_admin') = (unit_id IS NOT NULL)", name="unit_admin_has_unit"),
        CheckConstraint("role = 'unit_admin' OR school_id IS NOT NULL", name="others_have_school"),
        UniqueConstraint("school_id", "student_code", name="uq_user_school_student_code"),
        # A school's staff without walking its hundreds of students (coverage pages count staff per school).
        Index("ix_user_school_role", "school_id", "role"),
        # Logins and imports look usernames up case-insensitively: without it, a scan of every user.
        Index("ix_user_username_lower", text("lower(username)")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    student_code: Mapped[str | None] = mapped_column(String(40))
    birth_date: Mapped[date | None]
    gender: Mapped[str | None] = mapped_column(String(10))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Part of every session and remember-me cookie: raising it ends every session of this account at once.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Set when the person's identifying data was erased (on request or by retention): the row stays as a
    # nameless tombstone so that ids in the audit log and issued reports still resolve.
    erased_at: Mapped[datetime | None]

    school: Mapped[School | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
    enrollments: Mapped[list[Enrollment]] = relationship(back_populates="student")
    taught_classes: Mapped[list[SchoolClass]] = relationship(secondary="teacher_assignment", viewonly=True)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.is_active_account

    @property
    def is_student(self) -> bool:
        return self.role == Role.STUDENT

    @property
    def is_staff(self) -> bool:
        return self.role != Role.STUDENT

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[Role(self.role)]

    # The cookie token this request was authenticated with (see quizapp.auth.sessions); not stored.
    login_token = None

    def get_id(self) -> str | None:  # what Flask-Login keeps in the session and the remember-me cookie
        return self.login_token

    def end_all_sessions(self) -> None:
        """Every session and remember-me cookie issued so far stops working at the next request."""
        self.session_version = (self.session_version or 0) + 1

    def set_password(self, password: str) -> None:
        """A new password (own change, a teacher's reset, the CLI) also signs the account out everywhere."""
        # scrypt by default; the test suite asks for a cheaper method to stay fast.
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        if self.password_hash is not None:
            self.end_all_sessions()
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class RateLimitCounter(db.Model):
    """Failed-login counters (Flask-Limiter's "database://" storage): shared by every worker and server.

    `name` is the limit's key (it holds a username and a client address); rows expire by `expires_at`.
    """

    __tablename__ = "rate_limit_counter"
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    hits: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[float] = mapped_column(index=True)  # seconds since the epoch (time.time())
