"""Children's personal data: export one student, erase one student, purge old school years (CLI)."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AuditAction,
    AuditEvent,
    Certificate,
    Enrollment,
    FamilyOutreach,
    IssuedReport,
    OutreachStatus,
    Role,
    School,
    SchoolClass,
    SchoolYear,
    User,
)
from quizapp.scope import Scope
from quizapp.services import reports as report_service
from quizapp.services.coverage import school_coverage, verify_flags

from .conftest import YEAR, add_user
from .helpers import give_attempts


def _student_data(app, people) -> None:
    """hs.an: a code, a birth date, a submitted quiz, a confirmed relative with a note, a certificate."""
    give_attempts(app, [people["hs.an"], people["hs.binh"]], "tai-khoan")
    with app.app_context():
        an = db.session.get(User, people["hs.an"])
        an.student_code = "HS-0007"
        an.birth_date = date(2013, 4, 5)
        db.session.add(
            FamilyOutreach(
                student_id=an.id,
                relation="Bà ngoại",
                service="Cấp đổi căn cước",
                helped_on=date(2026, 11, 2),
                note="Bà ở số 12 ngõ Hoà Bình",
                status=OutreachStatus.CONFIRMED,
            )
        )
        db.session.add(
            Certificate(
                user_id=an.id,
                code="ABCDEFGH23",
                school_year_id=people["year"],
                full_name=an.full_name,
                school_name="THCS A",
                year_name=YEAR,
                issued_at=datetime(2026, 11, 20, 3),
            )
        )
        db.session.commit()


def _issue(app, people) -> int:
    with app.app_context():
        actor = db.session.get(User, people["admin"])
        year = db.session.get(SchoolYear, people["year"])
        report = report_service.issue_report(
            Scope.of(actor),
            year,
            school=db.session.get(School, people["school"]),
            title="Kết quả",
            place="Hà Nội",
            body="Nội dung.",
            recipients="- Lưu: VT.",
            signer_title="Hiệu trưởng",
            signer_name="Trần Văn Hiệu",
            symbol="BC-A",
        )
        db.session.commit()
        return report.id


def _coverage(app, people):
    with app.app_context():
        coverage = school_coverage(db.session.get(School, people["school"]), db.session.get(SchoolYear, people["year"]))
        total = coverage.total
        return total.enrolled, total.started, total.completed, total.families


def test_export_holds_everything_about_the_student(app, people, runner, tmp_path):
    _student_data(app, people)
    output = tmp_path / "hs.an.json"
    result = runner.invoke(args=["privacy", "export", "--student", "hs.an", "--output", str(output)])
    assert result.exit_code == 0, result.output
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["student"]["full_name"] == "Nguyễn Văn An"
    assert data["student"]["student_code"] == "HS-0007" and data["student"]["birth_date"] == "2013-04-05"
    assert [e["class"] for e in data["enrolments"]] == ["7A1"] and data["enrolments"][0]["school_year"] == YEAR
    assert len(data["quiz_attempts"]) == 1 and data["quiz_attempts"][0]["passed"] is True
    assert data["quiz_attempts"][0]["answers"] and "response" in data["quiz_attempts"][0]["answers"][0]
    assert data["family_outreach"][0]["note"] == "Bà ở số 12 ngõ Hoà Bình"
    assert data["certificate"]["code"] == "ABCDEFGH23"
    # Nothing about another student leaks into the file.
    assert "Trần Thị Bình" not in output.read_text(encoding="utf-8")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == AuditAction.EXPORT))
        assert event.target_user_id == people["hs.an"] and event.school_id == people["school"]

    again = runner.invoke(args=["privacy", "export", "--student", "hs.an", "--output", str(output)])
    assert again.exit_code != 0 and "đã có" in again.output
    unknown = runner.invoke(args=["privacy", "export", "--student", "khong.co", "--output", str(tmp_path / "x.json")])
    assert unknown.exit_code != 0 and "Không có tài khoản khong.co" in unknown.output
    staff = runner.invoke(args=["privacy", "export", "--student", "gv.hoa", "--output", str(tmp_path / "y.json")])
    assert staff.exit_code != 0 and "không phải học sinh" in staff.output


def test_erase_removes_identity_keeps_issued_reports_and_coverage_consistent(app, people, runner, client):
    _student_data(app, people)
    report_id = _issue(app, people)
    with app.app_context():
        frozen = db.session.get(IssuedReport, report_id).figures
    before = _coverage(app, people)
    assert before == (2, 2, 1, 1)
    assert "Nguyễn Văn An" in client.get("/xac-minh/ABCDEFGH23").get_data(as_text=True)

    declined = runner.invoke(args=["privacy", "erase", "--student", "hs.an"], input="n\n")
    assert declined.exit_code != 0
    result = runner.invoke(args=["privacy", "erase", "--student", "hs.an", "--yes"])
    assert result.exit_code == 0, result.output
    assert "da-xoa-" in result.output

    with app.app_context():
        tomb = db.session.get(User, people["hs.an"])
        assert tomb.username == f"da-xoa-{tomb.id}" and tomb.full_name == "Học sinh đã xoá"
        assert tomb.birth_date is None and tomb.student_code is None and tomb.erased_at is not None
        assert not tomb.is_active_account and not tomb.check_password("matkhau-123")
        assert db.session.scalar(select(func.count()).where(User.username == "hs.an")) == 0
        uid = people["hs.an"]
        for model, column in (
            (Enrollment, Enrollment.student_id),
            (Attempt, Attempt.user_id),
            (FamilyOutreach, FamilyOutreach.student_id),
            (Certificate, Certificate.user_id),
        ):
            assert db.session.scalar(select(func.count()).select_from(model).where(column == uid)) == 0, model
        assert db.session.scalar(select(func.count()).where(FamilyOutreach.note.contains("Hoà Bình"))) == 0
        # The issued report is exactly as issued; live figures drop the student.
        assert db.session.get(IssuedReport, report_id).figures == frozen
        assert verify_flags()[1] == []
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == AuditAction.ERASE))
        assert event.target_user_id == uid and event.school_id == people["school"] and event.actor_id is None
        # The other student is untouched.
        assert db.session.get(User, people["hs.binh"]).full_name == "Trần Thị Bình"
    assert _coverage(app, people) == (1, 1, 0, 0)
    verify = runner.invoke(args=["coverage", "verify"])
    assert verify.exit_code == 0, verify.output

    # The public verification page no longer knows the certificate (nor the name).
    page = client.get("/xac-minh/ABCDEFGH23")
    assert "Nguyễn Văn An" not in page.get_data(as_text=True)
    # Nor can anyone log in with the old username.
    again = runner.invoke(args=["privacy", "erase", "--student", "hs.an", "--yes"])
    assert again.exit_code != 0 and "Không có tài khoản hs.an" in again.output


def test_purge_dry_run_counts_then_erases_only_old_years_keeping_figures(app, people, runner, client):
    with app.app_context():
        old_year = SchoolYear(name="2024-2025", starts_on=date(2024, 9, 1), ends_on=date(2025, 5, 31))
        db.session.add(old_year)
        db.session.flush()
        school = db.session.get(School, people["school"])
        old_class = SchoolClass(school_id=school.id, school_year_id=old_year.id, grade=8, name="8A1")
        db.session.add(old_class)
        db.session.flush()
        gone = add_user("hs.cu", Role.STUDENT, school, "Phạm Văn Cũ", birth_date=date(2011, 1, 2), student_code="C-1")
        db.session.add(Enrollment(student_id=gone.id, class_id=old_class.id, school_year_id=old_year.id))
        db.session.add(
            Certificate(
                user_id=gone.id,
                code="QRSTUVWX45",
                school_year_id=old_year.id,
                full_name=gone.full_name,
                school_name="THCS A",
                year_name="2024-2025",
                issued_at=datetime(2025, 3, 1),
            )
        )
        # hs.an was in the old year too and is still enrolled now: kept.
        db.session.add(Enrollment(student_id=people["hs.an"], class_id=old_class.id, school_year_id=old_year.id))
        db.session.commit()
        old_year_id, gone_id = old_year.id, gone.id
        old_figures = school_coverage(school, old_year).total.completed

    dry = runner.invoke(args=["privacy", "purge", "--before", "2026", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2024-2025" in dry.output and "Sẽ xoá dữ liệu định danh của 1 học sinh" in dry.output
    with app.app_context():
        assert db.session.get(User, gone_id).full_name == "Phạm Văn Cũ"

    real = runner.invoke(args=["privacy", "purge", "--before", "2026"])
    assert real.exit_code == 0, real.output
    assert "Đã xoá dữ liệu định danh của 1 học sinh" in real.output
    with app.app_context():
        gone = db.session.get(User, gone_id)
        assert gone.username == f"da-xoa-{gone_id}" and gone.birth_date is None and gone.student_code is None
        assert db.session.get(User, people["hs.an"]).full_name == "Nguyễn Văn An"
        assert db.session.scalar(select(Certificate.full_name).where(Certificate.user_id == gone_id)) == ""
        # The old year's aggregate figures are kept, and the coverage facts still agree with the raw rows.
        school = db.session.get(School, people["school"])
        assert school_coverage(school, db.session.get(SchoolYear, old_year_id)).total.completed == old_figures == 1
        assert verify_flags()[1] == []
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == AuditAction.PURGE))
        assert event.school_id == people["school"] and event.details["students"] == 1
    assert "0 học sinh" in runner.invoke(args=["privacy", "purge", "--before", "2026"]).output
    # The certificate still verifies (the year's completions stand), without the name.
    page = client.get("/xac-minh/QRSTUVWX45").get_data(as_text=True)
    assert "đã xoá theo thời hạn lưu giữ" in page and "Phạm Văn Cũ" not in page
