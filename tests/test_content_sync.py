"""Loading content: idempotent, versioned questions, and past attempts shown as they were taken."""

from __future__ import annotations

import shutil
from datetime import date

from sqlalchemy import func, select

from quizapp.content.parse import read_content
from quizapp.content.sync import sync_content
from quizapp.extensions import db
from quizapp.models import Lesson, ProgrammeEntry, Question, QuestionVersion, Quiz

from .conftest import FIXTURE_CONTENT
from .helpers import answers_for, post_attempt, start_quiz

TODAY = date(2026, 11, 25)


def resync(root):
    report = sync_content(read_content(root, today=TODAY))
    db.session.commit()
    return report


def copy_content(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root


def test_sync_twice_changes_nothing(app):
    with app.app_context():
        counts = [
            db.session.scalar(select(func.count()).select_from(m)) for m in (Lesson, Quiz, Question, QuestionVersion)
        ]
        assert resync(FIXTURE_CONTENT) == {}
        again = [
            db.session.scalar(select(func.count()).select_from(m)) for m in (Lesson, Quiz, Question, QuestionVersion)
        ]
        assert counts == again == [2, 2, 7, 7]
        entries = db.session.scalars(select(ProgrammeEntry.grade).order_by(ProgrammeEntry.grade)).all()
        assert entries == [7, 7, 8, 8]


def test_a_changed_question_becomes_a_new_version_and_old_attempts_keep_theirs(app, client, auth, people, tmp_path):
    auth.login("hs.an")
    attempt_id = start_quiz(client, "tai-khoan")
    post_attempt(client, attempt_id, answers_for(app, attempt_id))
    root = copy_content(tmp_path)
    quiz_file = root / "quizzes/01-tai-khoan.md"
    text = quiz_file.read_text(encoding="utf-8")
    quiz_file.write_text(
        text.replace("- [ ] Số điện thoại của bạn", "- [ ] Số căn cước của hàng xóm"), encoding="utf-8"
    )
    with app.app_context():
        report = resync(root)
        assert report == {"question versions added": 1}
        question = db.session.scalar(select(Question).where(Question.key == "dang-nhap"))
        assert question.latest_version == 2 and len(question.versions) == 2
    result = client.get(f"/ket-qua/{attempt_id}").get_data(as_text=True)
    assert "Số điện thoại của bạn" in result and "Số căn cước của hàng xóm" not in result
    assert "5/5" in result
    new_attempt = start_quiz(client, "tai-khoan")
    assert "Số căn cước của hàng xóm" in client.get(f"/lam-bai/{new_attempt}").get_data(as_text=True)


def test_removed_question_is_retired_not_deleted(app, client, auth, people, tmp_path):
    auth.login("hs.an")
    attempt_id = start_quiz(client, "an-toan")
    root = copy_content(tmp_path)
    quiz_file = root / "quizzes/02-an-toan.md"
    text = quiz_file.read_text(encoding="utf-8")
    cut = text.index("## Trang chính thức")
    quiz_file.write_text(text[:cut].replace("draw: 2", "draw: 1"), encoding="utf-8")
    with app.app_context():
        assert resync(root)["questions retired"] == 1
        question = db.session.scalar(select(Question).where(Question.key == "duoi"))
        assert question is not None and not question.active
    # The open attempt still shows and grades both questions it drew.
    response = post_attempt(client, attempt_id, answers_for(app, attempt_id))
    assert response.status_code == 302
    assert "2/2" in client.get(f"/ket-qua/{attempt_id}").get_data(as_text=True)


def test_removed_lesson_leaves_the_programme_but_keeps_history(app, client, auth, people, tmp_path):
    root = copy_content(tmp_path)
    (root / "lessons/02-an-toan.md").unlink()
    (root / "quizzes/02-an-toan.md").unlink()
    with app.app_context():
        report = resync(root)
        assert report["lessons retired"] == 1
        assert db.session.scalar(select(Lesson).where(Lesson.key == "an-toan")).active is False
    auth.login("hs.an")
    home = client.get("/").get_data(as_text=True)
    assert "An toàn trên mạng" not in home and "0/1" in home
    assert client.get("/bai-hoc/an-toan").status_code == 404


def test_sync_refuses_content_with_errors(app, runner, tmp_path):
    root = copy_content(tmp_path)
    (root / "quizzes/02-an-toan.md").write_text("no front matter\n", encoding="utf-8")
    app.config["CONTENT_DIR"] = str(root)
    result = runner.invoke(args=["content", "sync"])
    assert result.exit_code == 1 and "Không nạp gì" in result.output
