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
# The shared fixture keeps one raw <script> so the learning journey can prove it is escaped on the page.
DELIBERATE_SCRIPT = '\n<script>alert("x")</script>\n'
SMALL_BANKS = [
    f"{QUIZ}:6: cảnh báo: ngân hàng chỉ có 5 câu hỏi: nên có ít nhất 20 câu (mỗi lượt rút 5 câu), "
    "để lần làm lại học sinh gặp câu mới",
    "content/quizzes/02-an-toan.md:5: cảnh báo: ngân hàng chỉ có 2 câu hỏi: nên có ít nhất 20 câu "
    "(mỗi lượt rút 2 câu), để lần làm lại học sinh gặp câu mới",
]


@pytest.fixture
def content(tmp_path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    edit(root, LESSON, DELIBERATE_SCRIPT, "\n")
    return root


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative.removeprefix("content/")
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(root: Path) -> list[str]:
    return [str(p) for p in read_content(root, today=TODAY).problems]


def test_the_fixture_content_is_clean(content):
    # Its banks are small on purpose (quick tests): only the bank-size warnings remain.
    assert problems(content) == SMALL_BANKS
    assert not read_content(content, today=TODAY).errors


def test_raw_html_is_a_warning_because_the_page_shows_it_escaped(tmp_path):
    result = read_content(FIXTURE_CONTENT, today=TODAY)
    assert not result.errors
    assert [str(p) for p in result.problems if p.path == LESSON] == [
        f'{LESSON}:24: cảnh báo: mã HTML `<script>alert("x")</script>` không được hiển thị: học sinh sẽ thấy nguyên văn. '
        "Dùng Markdown thay thế (**chữ đậm**, ![mô tả](../media/anh.svg), hộp `::: luu-y`…)"
    ]


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
        (LESSON, "../media/hinh.svg", "../media/mat-hinh.svg", f"{LESSON}:18: ảnh hỏng: không tìm thấy tệp"),
        (LESSON, "![Minh hoạ màn hình đăng nhập]", "![]", f"{LESSON}:18: ảnh thiếu lời mô tả"),
        (LESSON, "thuat-ngu.md#tai-khoan", "thuat-ngu.md#khong-co", f"{LESSON}:16: không có mục `#khong-co`"),
        (LESSON, "::: ghi-nho", "::: ghinho", f"{LESSON}:20: hộp `::: ghinho` không có"),
        (
            LESSON,
            "sources:\n  - title: Nguồn mẫu\n    url: https://example.gov.vn/nguon\n    date: 2026-10-01\n",
            "",
            f"{LESSON}:1: bài học phải có ít nhất một nguồn",
        ),
        (LESSON, "reviewed: 2026-11-01\n", "", f"{LESSON}:2: thiếu `reviewed: YYYY-MM-DD`"),
        (LESSON, "id: tai-khoan", "id: Tài Khoản", f"{LESSON}:2: `id: Tài Khoản` chỉ được dùng chữ thường"),
        # Sources name the article and its date.
        (
            LESSON,
            "url: https://example.gov.vn/nguon",
            "url: https://example.gov.vn/",
            f"{LESSON}:11: địa chỉ nguồn https://example.gov.vn/ chỉ là tên trang, không chỉ tới bài nào: "
            "ghi địa chỉ đầy đủ của bài viết",
        ),
        (
            LESSON,
            "url: https://example.gov.vn/nguon",
            "url: https://baophunuthudo.vn",
            f"{LESSON}:11: địa chỉ nguồn https://baophunuthudo.vn chỉ là tên trang",
        ),
        (LESSON, "    url: https://example.gov.vn/nguon\n", "", f"{LESSON}:10: nguồn «Nguồn mẫu» thiếu `url`"),
        (
            LESSON,
            "    date: 2026-10-01\n",
            "",
            f"{LESSON}:10: nguồn «Nguồn mẫu» thiếu `date`: ghi ngày của bài, dạng YYYY-MM-DD (hoặc YYYY-MM)",
        ),
        (
            LESSON,
            "date: 2026-10-01",
            "date: 2024",
            f"{LESSON}:12: `date: 2024` của nguồn «Nguồn mẫu» phải là ngày dạng YYYY-MM-DD",
        ),
        (LESSON, "date: 2026-10-01", "date: 2026-13", f"{LESSON}:12: `date: 2026-13` của nguồn «Nguồn mẫu»"),
        (LESSON, "date: 2026-10-01", "date: 2027-01-05", f"{LESSON}:12: ngày của nguồn «Nguồn mẫu» (2027-01-05)"),
        # Blocked link schemes are reported where they are written, even inside a paragraph.
        (
            LESSON,
            "Đọc [định nghĩa](../pages/thuat-ngu.md#tai-khoan) rồi xem ảnh.",
            "Đọc định nghĩa\nrồi [bấm vào đây](JavaScript:alert(1)) xem ảnh.",
            f"{LESSON}:17: liên kết `javascript:` bị chặn (có thể chạy mã lạ trên máy học sinh): chỉ liên kết tới "
            "địa chỉ https://, hoặc tới bài học, trang, ảnh trong content/",
        ),
        (
            QUIZ,
            "- [ ] Số điện thoại",
            "- [ ] [Số điện thoại](vbscript:msgbox)",
            f"{QUIZ}:13: liên kết `vbscript:` bị chặn",
        ),
        (QUIZ, "VNeID.\n", "<data:text/html,hi>\n", f"{QUIZ}:15: liên kết `data:` bị chặn"),
        (
            LESSON,
            "../media/hinh.svg",
            "data:image/png;base64,iVBORw0KGgo=",
            f"{LESSON}:18: ảnh `data:` không được dùng: lưu ảnh thành tệp trong content/media",
        ),
    ],
)
def test_each_mistake_is_reported_at_its_line(content, file, old, new, expected):
    edit(content, file, old, new)
    found = problems(content)
    assert any(p.startswith(expected) for p in found), found
    assert read_content(content, today=TODAY).errors


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            QUIZ,
            "bằng VNeID.",
            "bằng <b>VNeID</b>.",
            f"{QUIZ}:15: cảnh báo: mã HTML `<b>` không được hiển thị: học sinh sẽ thấy nguyên văn. "
            "Dùng Markdown thay thế (**chữ đậm**, ![mô tả](../media/anh.svg), hộp `::: luu-y`…)",
        ),
        (
            LESSON,
            "## Mở đầu\n",
            "## Mở đầu\n\n<!-- nhớ thêm ảnh -->\n",
            f"{LESSON}:16: cảnh báo: ghi chú HTML `<!-- … -->` sẽ hiện nguyên văn cho học sinh: hãy xoá ghi chú",
        ),
        (
            LESSON,
            "::: ghi-nho\n",
            '<div class="note">\n\n::: ghi-nho\n',
            f'{LESSON}:20: cảnh báo: mã HTML `<div class="note">` không được hiển thị',
        ),
    ],
)
def test_raw_html_is_a_warning_at_its_line(content, file, old, new, expected):
    edit(content, file, old, new)
    result = read_content(content, today=TODAY)
    assert [str(p) for p in result.problems if p.path == file and str(p) not in SMALL_BANKS][0].startswith(expected)
    assert not result.errors


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
        f"{LESSON}:8: cảnh báo: nội dung rà soát lần cuối ngày 01/09/2025, đã quá 12 tháng: hãy kiểm tra lại",
        *SMALL_BANKS,
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


def test_cli_check_passes_on_clean_content(app, runner, content):
    result = runner.invoke(args=["content", "check", str(content)])
    assert result.exit_code == 0, result.output
    assert "0 lỗi, 2 cảnh báo" in result.output


def test_a_month_is_enough_when_the_article_gives_no_day(content):
    edit(content, LESSON, "date: 2026-10-01", "date: 2026-10")
    assert problems(content) == SMALL_BANKS


def test_a_link_spelled_like_javascript_in_plain_text_or_code_is_fine(content):
    edit(content, LESSON, "rồi xem ảnh.", "rồi xem ảnh (gõ `javascript:` hay `<b>` cũng không sao).")
    assert problems(content) == SMALL_BANKS


# --- Quiz bank balance: warnings, per bank ---------------------------------------------------------

HEADER = "---\nid: tai-khoan\ntitle: Kiểm tra tài khoản\nlesson: tai-khoan\ndraw: 10\n---\n"
WHY = "> Giải thích: vì sao đúng, vì sao sai.\n"


def single(key: str, longest: bool = False) -> str:
    right = "Đáp án đúng, viết dài hơn mọi lựa chọn sai" if longest else "Đáp án đúng"
    return f"\n## Câu {key}? {{#{key}}}\n\n- [ ] Lựa chọn sai thứ nhất\n- [x] {right}\n- [ ] Sai\n\n{WHY}"


def true_false(key: str, answer: str) -> str:
    marks = {"Đúng": "- [x] Đúng\n- [ ] Sai", "Sai": "- [ ] Đúng\n- [x] Sai"}[answer]
    return f"\n## Câu {key}. {{#{key}}}\n\n{marks}\n\n{WHY}"


def many(key: str, correct: int) -> str:
    choices = "".join(f"- [{'x' if i < correct else ' '}] Ý {i}\n" for i in range(4))
    return f"\n## Câu {key}? {{#{key} .nhieu-dap-an}}\n\n{choices}\n{WHY}"


def write_bank(root: Path, questions: list[str], filler_to: int = 20) -> str:
    filler = [single(f"them-{i}") for i in range(filler_to - len(questions))]
    text = HEADER + "".join(questions + filler)
    (root / "quizzes/01-tai-khoan.md").write_text(text, encoding="utf-8")
    return text


def line_of(text: str, key: str) -> int:
    return text[: text.index(f"{{#{key}")].count("\n") + 1


def bank_warnings(root: Path) -> list[str]:
    return [str(p) for p in read_content(root, today=TODAY).problems if p.path == QUIZ]


def test_a_full_balanced_bank_has_no_warning(content):
    tf = [true_false("d1", "Đúng"), true_false("d2", "Đúng"), true_false("s1", "Sai"), true_false("s2", "Sai")]
    write_bank(content, [*tf, single("dai", longest=True), many("hai", 2), many("ba", 3)])
    assert bank_warnings(content) == []


def test_a_bank_under_twenty_questions_is_a_warning_at_its_draw_line(content):
    write_bank(content, [], filler_to=19)
    result = read_content(content, today=TODAY)
    assert [str(p) for p in result.problems if p.path == QUIZ] == [
        f"{QUIZ}:5: cảnh báo: ngân hàng chỉ có 19 câu hỏi: nên có ít nhất 20 câu (mỗi lượt rút 10 câu), "
        "để lần làm lại học sinh gặp câu mới"
    ]
    assert not result.errors


def test_true_false_keys_leaning_one_way_are_a_warning(content):
    text = write_bank(content, [true_false(f"s{i}", "Sai") for i in range(4)] + [true_false("d", "Đúng")])
    lines = ", ".join(str(line_of(text, f"s{i}")) for i in range(4))
    assert bank_warnings(content) == [
        f"{QUIZ}:{line_of(text, 's0')}: cảnh báo: 4/5 câu Đúng/Sai có đáp án «Sai» (80%, quá 65%): chọn «Sai» "
        f"cho mọi câu cũng được nhiều điểm; hãy đổi vài câu (dòng {lines}) thành câu có đáp án ngược lại"
    ]


@pytest.mark.parametrize(("true", "false"), [(3, 2), (2, 1), (1, 0), (0, 1)])
def test_true_false_as_balanced_as_the_count_allows_is_fine(content, true, false):
    items = [true_false(f"d{i}", "Đúng") for i in range(true)] + [true_false(f"s{i}", "Sai") for i in range(false)]
    write_bank(content, items)
    assert bank_warnings(content) == []


def test_the_correct_choice_being_the_longest_too_often_is_a_warning(content):
    # 3 of the bank's 20 single-answer items (15%) is fine; 7 (35%) is a habit a student can learn.
    write_bank(content, [single(f"dai-{i}", longest=True) for i in range(3)])
    assert bank_warnings(content) == []
    text = write_bank(content, [single(f"dai-{i}", longest=True) for i in range(7)])
    assert bank_warnings(content) == [
        f"{QUIZ}:{line_of(text, 'dai-0')}: cảnh báo: đáp án đúng là lựa chọn dài nhất ở 7/20 câu một đáp án "
        "(35%, quá 30%): học sinh đoán được bằng cách chọn câu dài nhất; hãy viết lựa chọn sai cụ thể như đáp án, "
        f"hoặc rút gọn đáp án (dòng {', '.join(str(line_of(text, f'dai-{i}')) for i in range(7))})"
    ]


def test_multi_answer_items_all_with_the_same_count_are_a_warning(content):
    text = write_bank(content, [many("a", 3), many("b", 3), many("c", 3)])
    assert bank_warnings(content) == [
        f"{QUIZ}:{line_of(text, 'a')}: cảnh báo: cả 3 câu nhiều đáp án đều có đúng 3 ý đúng: học sinh đoán theo "
        f"số lượng; hãy thay đổi số ý đúng, từ 2 đến số lựa chọn trừ 1 (dòng {line_of(text, 'a')}, "
        f"{line_of(text, 'b')}, {line_of(text, 'c')})"
    ]
    write_bank(content, [many("a", 3), many("b", 2), many("c", 3)])
    assert bank_warnings(content) == []
