"""The content checker: every kind of mistake is reported with its file and line."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from quizapp.content.parse import read_content

from .conftest import FIXTURE_CONTENT

TODAY = date(2026, 11, 25)
QUIZ = "content/quizzes/01-tai-khoan.md"
LESSON = "content/lessons/01-tai-khoan.md"


@pytest.fixture
def content(tmp_path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative.removeprefix("content/")
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(root: Path) -> list[str]:
    return [str(p) for p in read_content(root, today=TODAY).problems]


def test_the_fixture_content_is_clean(content):
    assert problems(content) == []


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (QUIZ, "---\nid: tai-khoan\n", "id: tai-khoan\n", f"{QUIZ}:1: thiếu phần khai báo đầu tệp"),
        (QUIZ, "draw: 5", "draw: [5", f"{QUIZ}:"),  # YAML syntax error, line reported below
        (QUIZ, "draw: 5", "draw: 5\nshuffle: yes", f"{QUIZ}:7: khoá không được hỗ trợ `shuffle`"),
        (QUIZ, "title: Kiểm tra tài khoản\n", "", f"{QUIZ}:2: thiếu khoá bắt buộc `title`"),
        (QUIZ, "draw: 5", "draw: 9", f"{QUIZ}:6: `draw: 9` lớn hơn số câu hỏi trong ngân hàng (5 câu)"),
        (QUIZ, "- [x] Tài khoản VNeID", "- [ ] Tài khoản VNeID", f"{QUIZ}:9: câu hỏi không có đáp án đúng"),
        (QUIZ, "{#an-toan}", "{#dang-nhap}", f"{QUIZ}:17: mã câu hỏi `dang-nhap` đã dùng ở dòng 9"),
        (QUIZ, " {#an-toan}", "", f"{QUIZ}:17: câu hỏi thiếu mã ở cuối dòng"),
        (QUIZ, "- [ ] Số điện thoại", "- Số điện thoại", f"{QUIZ}:13: lựa chọn phải bắt đầu bằng `[ ]`"),
        (QUIZ, "> Giải thích: Cổng chỉ nhận đăng nhập bằng VNeID.\n", "", f"{QUIZ}:9: câu hỏi thiếu phần giải thích"),
        (QUIZ, "lesson: tai-khoan", "lesson: khong-co", f"{QUIZ}:4: bài kiểm tra gọi tới bài học `khong-co`"),
        (QUIZ, "3. Điền tờ khai\n4. Nộp và ghi mã hồ sơ\n", "", f"{QUIZ}:32: câu sắp xếp thứ tự cần ít nhất 3 bước"),
        (LESSON, "quiz: tai-khoan", "quiz: khong-co", f"{LESSON}:5: bài học gọi tới bài kiểm tra `khong-co`"),
        (LESSON, "../media/hinh.svg", "../media/mat-hinh.svg", f"{LESSON}:17: ảnh hỏng: không tìm thấy tệp"),
        (LESSON, "![Minh hoạ màn hình đăng nhập]", "![]", f"{LESSON}:17: ảnh thiếu lời mô tả"),
        (LESSON, "thuat-ngu.md#tai-khoan", "thuat-ngu.md#khong-co", f"{LESSON}:15: không có mục `#khong-co`"),
        (LESSON, "::: ghi-nho", "::: ghinho", f"{LESSON}:19: hộp `::: ghinho` không có"),
        (
            LESSON,
            "sources:\n  - title: Nguồn mẫu\n    url: https://example.gov.vn/nguon\n",
            "",
            f"{LESSON}:1: bài học phải có ít nhất một nguồn",
        ),
        (LESSON, "reviewed: 2026-11-01\n", "", f"{LESSON}:2: thiếu `reviewed: YYYY-MM-DD`"),
        (LESSON, "id: tai-khoan", "id: Tài Khoản", f"{LESSON}:2: `id: Tài Khoản` chỉ được dùng chữ thường"),
    ],
)
def test_each_mistake_is_reported_at_its_line(content, file, old, new, expected):
    edit(content, file, old, new)
    found = problems(content)
    assert any(p.startswith(expected) for p in found), found
    assert read_content(content, today=TODAY).errors


def test_yaml_syntax_error_names_the_line(content):
    edit(content, QUIZ, "draw: 5", "draw: [5")
    found = problems(content)
    assert any(p.startswith(f"{QUIZ}:6: phần khai báo đầu tệp không đúng cú pháp YAML") for p in found), found


def test_duplicate_lesson_ids_across_files(content):
    shutil.copy(content / "lessons/02-an-toan.md", content / "lessons/03-ban-sao.md")
    found = problems(content)
    assert any(
        p.startswith("content/lessons/03-ban-sao.md:2: mã bài học `an-toan` trùng với content/lessons/02-an-toan.md")
        for p in found
    ), found


def test_old_review_is_a_warning_not_an_error(content):
    edit(content, LESSON, "reviewed: 2026-11-01", "reviewed: 2025-09-01")
    result = read_content(content, today=TODAY)
    assert [str(p) for p in result.problems] == [
        f"{LESSON}:8: cảnh báo: nội dung rà soát lần cuối ngày 01/09/2025, đã quá 12 tháng: hãy kiểm tra lại"
    ]
    assert not result.errors


def test_question_kinds_are_recognised(content):
    quiz = next(q for q in read_content(content, today=TODAY).quizzes if q.id == "tai-khoan")
    assert {q.key: q.kind for q in quiz.questions} == {
        "dang-nhap": "one",
        "an-toan": "many",
        "tre-em": "true_false",
        "thu-tu": "order",
        "ma-ho-so": "one",
    }
    explanation = quiz.questions[0].explanation_html
    assert "Giải thích" not in explanation and "VNeID" in explanation


def test_decomposed_vietnamese_is_stored_composed(content):
    import unicodedata

    edit(content, LESSON, "title: Tài khoản định danh", "title: " + unicodedata.normalize("NFD", "Tài khoản định danh"))
    lesson = next(x for x in read_content(content, today=TODAY).lessons if x.id == "tai-khoan")
    assert lesson.title == unicodedata.normalize("NFC", "Tài khoản định danh")


def test_cli_check_on_a_broken_quiz_points_at_the_line(app, runner, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    edit(root, QUIZ, "- [x] Tài khoản VNeID", "- [ ] Tài khoản VNeID")
    result = runner.invoke(args=["content", "check", str(root / "quizzes/01-tai-khoan.md")])
    assert result.exit_code == 1
    assert f"{QUIZ}:9: câu hỏi không có đáp án đúng" in result.output


def test_cli_check_passes_on_clean_content(app, runner):
    result = runner.invoke(args=["content", "check", str(FIXTURE_CONTENT)])
    assert result.exit_code == 0, result.output
    assert "0 lỗi" in result.output
