"""The audit log: who did what to whom, and when. Append-only from the app (no view edits or deletes a row).

A row holds ids and counts, never a name: the names are joined in when a page shows the log, so erasing a
student (a tombstone row, see services/privacy) also removes their name from every past entry.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import utcnow
from .people import User


class AuditAction(enum.StrEnum):
    ROSTER_IMPORT = "roster_import"
    ACCOUNT_CREATE = "account_create"
    PASSWORD_RESET = "password_reset"
    OUTREACH_CONFIRM = "outreach_confirm"
    REPORT_ISSUE = "report_issue"
    EXPORT = "export"
    ERASE = "erase"
    PURGE = "purge"


AUDIT_LABELS = {
    AuditAction.ROSTER_IMPORT: "Nhập danh sách lớp",
    AuditAction.ACCOUNT_CREATE: "Tạo tài khoản",
    AuditAction.PASSWORD_RESET: "Đặt lại mật khẩu",
    AuditAction.OUTREACH_CONFIRM: "Xác nhận hướng dẫn người thân",
    AuditAction.REPORT_ISSUE: "Ban hành báo cáo",
    AuditAction.EXPORT: "Xuất dữ liệu có tên",
    AuditAction.ERASE: "Xoá dữ liệu một học sinh",
    AuditAction.PURGE: "Xoá dữ liệu theo thời hạn lưu giữ",
}


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (
        # A school's log and an office's log, newest first, one page at a time.
        Index("ix_audit_event_school_newest", "school_id", "id"),
        Index("ix_audit_event_unit_newest", "unit_id", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # None: a command run on the server
    action: Mapped[str] = mapped_column(String(30))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"))  # whose log shows it
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))  # the acting office, for its own log
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    details: Mapped[dict] = mapped_column(JSON, default=dict)  # counts, class names, formats: never a person's name

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    target_user: Mapped[User | None] = relationship(foreign_keys=[target_user_id])

    @property
    def label(self) -> str:
        return AUDIT_LABELS.get(self.action, self.action)
