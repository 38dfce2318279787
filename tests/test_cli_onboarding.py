"""Onboarding finished from the command line: teachers on classes, slips as PDF, names for a unit.

Each command keeps the web's rules: a teacher only on a class of their own school, an active staff account
only; what a teacher may open on the web follows the assignment at once.
"""

from __future__ import annotations

import stat

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import TeacherAssignment, Unit, User

from .conftest import PASSWORD, YEAR


def assigned(app, teacher_id: int, class_id: int) -> bool:
    with app.app_context():
        return db.session.get(TeacherAssignment, {"teacher_id": teacher_id, "class_id": class_id}) is not None


def org(runner, *args):
    return runner.invoke(args=["org", *args])


def test_assign_teacher_gives_the_class_on_the_web(app, people, runner, client, auth):
    auth.login("gv.7a2")
    assert client.get(f"/giao-vien/lop/{people['klass']}").status_code == 404
    result = org(runner, "assign-teacher", "gv.7a2", "--school", "thcs-a", "--class", "7a1", "--year", YEAR)
    assert result.exit_code == 0, result.output
    assert "Đã phân công Đào Thị Lan (gv.7a2) theo dõi lớp 7A1." in result.output
    assert "Nguyễn Thị Hoa" in result.output  # the class's teachers, both
    assert client.get(f"/giao-vien/lop/{people['klass']}").status_code == 200
    again = org(runner, "assign-teacher", "gv.7a2", "--school", "THCS-A", "--class", "7A1")
    assert again.exit_code == 0 and "từ trước" in again.output


def test_teacher_of_another_school_is_refused(app, people, runner):
    result = org(runner, "assign-teacher", "gv.khac", "--school", "THCS-A", "--class", "7A1")
    assert result.exit_code == 1
    assert "không thuộc THCS A" in result.output
    assert not assigned(app, people["intruder"], people["klass"])


def test_students_and_locked_accounts_are_not_assigned(app, people, runner):
    student = org(runner, "assign-teacher", "hs.an", "--school", "THCS-A", "--class", "7A1")
    assert student.exit_code == 1 and "không phải giáo viên" in student.output
    with app.app_context():
        db.session.get(User, people["colleague"]).is_active_account = False
        db.session.commit()
    locked = org(runner, "assign-teacher", "gv.7a2", "--school", "THCS-A", "--class", "7A1")
    assert locked.exit_code == 1 and "đang bị khoá" in locked.output
    assert not assigned(app, people["colleague"], people["klass"])


def test_unknown_class_user_or_year_say_what_is_missing(app, people, runner):
    no_class = org(runner, "assign-teacher", "gv.hoa", "--school", "THCS-A", "--class", "9Z9")
    assert no_class.exit_code == 1 and "THCS A không có lớp 9Z9 trong năm học 2026-2027." in no_class.output
    no_user = org(runner, "assign-teacher", "gv.khong", "--school", "THCS-A", "--class", "7A1")
    assert no_user.exit_code == 1 and "Không có tài khoản nào tên đăng nhập gv.khong." in no_user.output
    no_year = org(runner, "assign-teacher", "gv.hoa", "--school", "THCS-A", "--class", "7A1", "--year", "2030-2031")
    assert no_year.exit_code == 1 and "Không có năm học 2030-2031." in no_year.output


def test_unassign_teacher_takes_the_class_away(app, people, runner, client, auth):
    auth.login("gv.hoa")
    assert client.get(f"/giao-vien/lop/{people['klass']}").status_code == 200
    result = org(runner, "unassign-teacher", "gv.hoa", "--school", "THCS-A", "--class", "7A1")
    assert result.exit_code == 0, result.output
    assert "Đã bỏ phân công Nguyễn Thị Hoa (gv.hoa) ở lớp 7A1." in result.output
    assert client.get(f"/giao-vien/lop/{people['klass']}").status_code == 404
    again = org(runner, "unassign-teacher", "gv.hoa", "--school", "THCS-A", "--class", "7A1")
    assert again.exit_code == 0 and "không đổi gì" in again.output


def test_student_names_switch_for_a_unit(app, people, runner):
    allow = org(runner, "student-names", "p-tx", "--allow")
    assert allow.exit_code == 0, allow.output
    assert "cán bộ của Phường Thanh Xuân (P-TX) được xem họ tên học sinh" in allow.output
    with app.app_context():
        assert db.session.get(Unit, people["unit"]).may_see_student_names
    deny = org(runner, "student-names", "P-TX", "--deny")
    assert deny.exit_code == 0 and "không được xem" in deny.output
    with app.app_context():
        assert not db.session.get(Unit, people["unit"]).may_see_student_names
    missing = org(runner, "student-names", "P-KHONG", "--allow")
    assert missing.exit_code == 1 and "Không có đơn vị nào mã P-KHONG." in missing.output


# --- Login slips as PDF ---------------------------------------------------------------------------


def _fixed_passwords(monkeypatch):
    passwords = iter(["kedanu47", "tabesu38", "mavuxe29", "gesena56"])
    monkeypatch.setattr("quizapp.roster_cli.make_password", lambda: next(passwords))


def test_slips_pdf_resets_the_class_and_the_printed_passwords_work(
    app, people, runner, client, auth, tmp_path, monkeypatch
):
    _fixed_passwords(monkeypatch)
    output = tmp_path / "phieu-7a1.pdf"
    args = ["roster", "slips", "--school", "THCS-A", "--class", "7A1", "--output", str(output), "--yes"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "Đã cấp mật khẩu mới cho 2 học sinh lớp 7A1." in result.output
    pdf = output.read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000  # fonts and two QR codes inside
    assert stat.S_IMODE(output.stat().st_mode) == 0o600  # it holds passwords
    # Alphabetical by Vietnamese name: Nguyễn Văn An first, then Trần Thị Bình.
    assert auth.login("hs.an", PASSWORD).status_code == 200  # the old password no longer works
    assert auth.login("hs.an", "kedanu47").status_code == 302
    auth.logout()
    assert auth.login("hs.binh", "tabesu38").status_code == 302


def test_slips_ask_first_and_change_nothing_when_refused(app, people, runner, tmp_path):
    output = tmp_path / "phieu.pdf"
    args = ["roster", "slips", "--school", "THCS-A", "--class", "7A1", "--output", str(output)]
    result = runner.invoke(args=args, input="n\n")
    assert result.exit_code == 1
    assert "Cấp mật khẩu mới cho 2 học sinh lớp 7A1, THCS A?" in result.output
    assert "Đã huỷ: không đổi mật khẩu nào." in result.output
    assert not output.exists()
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "hs.an")).check_password(PASSWORD)


def test_slips_only_new_keep_passwords_of_students_who_logged_in(app, people, runner, auth, tmp_path, monkeypatch):
    _fixed_passwords(monkeypatch)
    assert auth.login("hs.an").status_code == 302
    auth.logout()
    output = tmp_path / "moi.pdf"
    args = ["roster", "slips", "--school", "THCS-A", "--class", "7A1", "--output", str(output), "--only-new", "--yes"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "cho 1 học sinh" in result.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "hs.an")).check_password(PASSWORD)
        assert db.session.scalar(select(User).where(User.username == "hs.binh")).check_password("kedanu47")


def test_slips_for_a_class_of_another_school_code_are_refused(app, people, runner, tmp_path):
    args = ["roster", "slips", "--school", "THCS-X", "--class", "7A1", "--output", str(tmp_path / "x.pdf"), "--yes"]
    result = runner.invoke(args=args)
    assert result.exit_code == 1 and "Không có trường nào mã THCS-X." in result.output


def test_import_writes_the_new_accounts_slips(app, people, runner, tmp_path):
    class_list = tmp_path / "7a5.csv"
    class_list.write_text(
        "Họ và tên,Ngày sinh,Lớp\nLê Thu Hà,03/04/2014,7A5\nĐỗ Minh Quân,05/06/2014,7A5\n", encoding="utf-8"
    )
    slips = tmp_path / "phieu-7a5.pdf"
    args = ["roster", "import", str(class_list), "--school", "THCS-A", "--year", YEAR, "--slips", str(slips)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert f"Đã ghi 2 phiếu đăng nhập vào {slips}." in result.output
    assert "máy khác không vào được" in result.output and "SITE_URL" in result.output  # the loopback default
    assert slips.read_bytes().startswith(b"%PDF")
