"""Practice tasks: walked through the web, forged steps, module completion, the checker, the teacher's funnel."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Certificate, Lesson, PracticeMistake, PracticeRun, PracticeTask, User
from quizapp.practice import service
from quizapp.practice.parse import read_practice

from .conftest import csrf_token
from .helpers import count_queries, enrol_students
from .test_certificates import finish_programme

PRACTICE = Path(__file__).parent / "fixtures" / "practice_content"
REAL_CONTENT = Path(__file__).parent.parent / "content"
BAND = "MÔ PHỎNG – không phải trang thật"


@pytest.fixture
def task(app):
    with app.app_context():
        parsed = read_practice(PRACTICE)
        assert not parsed.problems, parsed.problems
        service.sync_practice(parsed.tasks, {lesson.key: lesson for lesson in db.session.scalars(select(Lesson))})
        db.session.commit()
    return "mini"


def step(client, screen: str, action: int, **fields):
    data = {"csrf_token": csrf_token(client, "/thuc-hanh/mini"), "screen": screen, "action": str(action)}
    data.update({f"o-{k}": v for k, v in fields.items()})
    return client.post("/thuc-hanh/mini", data=data)


def start(client):
    response = client.post("/thuc-hanh/mini/bat-dau", data={"csrf_token": csrf_token(client, "/thuc-hanh/mini")})
    assert response.status_code == 302


def shown_screen(html: str) -> str:
    return re.search(r'name="screen" value="([^"]+)"', html).group(1)


def run_of(app, user_id: int) -> PracticeRun:
    with app.app_context():
        return db.session.scalar(
            select(PracticeRun).where(PracticeRun.user_id == user_id).order_by(PracticeRun.id.desc())
        )


def test_a_student_walks_a_task_with_a_wrong_action_a_branch_and_fields(app, client, auth, people, task):
    auth.login("hs.an")
    listing = client.get("/thuc-hanh/").get_data(as_text=True)
    assert "Thông báo lưu trú (bài mẫu kiểm thử)" in listing and "Chưa làm" in listing
    intro = client.get("/thuc-hanh/mini").get_data(as_text=True)
    assert "Thẻ nhiệm vụ" in intro and "001xxxxxxxxx" in intro and "Bắt đầu thực hành" in intro
    start(client)
    page = client.get("/thuc-hanh/mini").get_data(as_text=True)
    assert BAND in page and shown_screen(page) == "trang-chu"
    assert '<h1 id="screen-title"' in page and "Bấm vào đâu?" in page

    wrong = step(client, "trang-chu", 1).get_data(as_text=True)  # Ví giấy tờ
    assert 'role="alert"' in wrong and "Ví giấy tờ chỉ để xem giấy tờ." in wrong
    assert "&lt;" not in wrong, "stored HTML is shown as HTML, not escaped"
    assert shown_screen(wrong) == "trang-chu"

    assert step(client, "trang-chu", 0).status_code == 302
    branch = step(client, "thu-tuc", 1).get_data(as_text=True)  # Đăng ký tạm trú: its own screen
    assert shown_screen(branch) == "nham" and "Ở dưới 30 ngày là lưu trú." in branch and 'role="alert"' in branch
    assert "Tạm trú là từ 30 ngày trở lên." in branch
    assert step(client, "nham", 0).status_code == 302
    assert step(client, "thu-tuc", 0).status_code == 302

    typo = step(client, "nhap", 0, **{"ho-ten": "Nguyễn Thị Mơ", "so-dinh-danh": "001234567890"}).get_data(as_text=True)
    assert "Chưa khớp với thẻ nhiệm vụ" in typo and "Số định danh" in typo and shown_screen(typo) == "nhap"
    assert "tên ô chưa rõ" in typo  # the `?` label is shown as unknown, not as if real
    done = step(client, "nhap", 0, **{"ho-ten": "  nguyễn thị  mơ ", "so-dinh-danh": "001XXXXXXXXX"})
    assert done.status_code == 302
    end = client.get("/thuc-hanh/mini").get_data(as_text=True)
    assert "Em đã làm xong bài thực hành (bấm sai 3 lần)" in end and BAND in end

    run = run_of(app, people["hs.an"])
    assert (
        run.finished_at is not None
        and run.mistakes == 3
        and run.reached == ["trang-chu", "thu-tuc", "nham", "nhap", "xong"]
    )
    with app.app_context():
        actions = [m.action for m in db.session.scalars(select(PracticeMistake).order_by(PracticeMistake.id))]
    assert actions == ["Ví giấy tờ", "Đăng ký tạm trú", "Điền sai ô: Số định danh"]
    assert not any("001234567890" in a for a in actions)  # what was typed is never stored
    listing = client.get("/thuc-hanh/").get_data(as_text=True)
    assert "Đã làm xong · lần tốt nhất: 3 lần bấm sai" in listing


def test_a_forged_or_out_of_order_step_returns_the_current_screen(app, client, auth, people, task):
    auth.login("hs.an")
    start(client)
    skipped = step(client, "nhap", 0, **{"ho-ten": "Nguyễn Thị Mơ", "so-dinh-danh": "001xxxxxxxxx"})
    html = skipped.get_data(as_text=True)
    assert skipped.status_code == 200 and "Trang em vừa bấm đã cũ" in html and shown_screen(html) == "trang-chu"
    for action in ("99", "-1", "abc", ""):
        response = client.post(
            "/thuc-hanh/mini",
            data={"csrf_token": csrf_token(client, "/thuc-hanh/mini"), "screen": "trang-chu", "action": action},
        )
        assert response.status_code == 200 and "Trang em vừa bấm đã cũ" in response.get_data(as_text=True)
    run = run_of(app, people["hs.an"])
    assert run.current == "trang-chu" and run.steps == 0 and run.mistakes == 0
    # Replaying a right step after moving on changes nothing either.
    assert step(client, "trang-chu", 0).status_code == 302
    again = step(client, "trang-chu", 0).get_data(as_text=True)
    assert shown_screen(again) == "thu-tuc" and run_of(app, people["hs.an"]).steps == 1


def test_other_grades_and_missing_tasks_are_not_found(app, client, auth, people, task):
    auth.login("hs.an")
    assert client.get("/thuc-hanh/khong-co").status_code == 404
    with app.app_context():
        db.session.scalar(select(PracticeTask)).grades = [8]
        db.session.commit()
    assert client.get("/thuc-hanh/mini").status_code == 404
    assert "bài mẫu kiểm thử" not in client.get("/thuc-hanh/").get_data(as_text=True)


def test_a_required_task_completes_the_module_and_issues_the_certificate(app, client, auth, people, task):
    auth.login("hs.an")
    finish_programme(app, client)
    with app.app_context():
        assert db.session.scalar(select(Certificate).where(Certificate.user_id == people["hs.an"])) is None
    home = client.get("/").get_data(as_text=True)
    assert "còn 1 bài bắt buộc" in home and "Thực hành: " in home
    start(client)
    step(client, "trang-chu", 0)
    step(client, "thu-tuc", 0)
    step(client, "nhap", 0, **{"ho-ten": "Nguyễn Thị Mơ", "so-dinh-danh": "001xxxxxxxxx"})
    with app.app_context():
        assert db.session.scalar(select(Certificate).where(Certificate.user_id == people["hs.an"])) is not None


def test_an_issued_certificate_stays_when_a_required_task_is_added(app, client, auth, people):
    auth.login("hs.an")
    finish_programme(app, client)
    with app.app_context():
        parsed = read_practice(PRACTICE)
        service.sync_practice(parsed.tasks, {lesson.key: lesson for lesson in db.session.scalars(select(Lesson))})
        db.session.commit()
        code = db.session.scalar(select(Certificate.code).where(Certificate.user_id == people["hs.an"]))
    assert code is not None
    # The module now needs the practice task, but the certificate already issued is still shown as it was.
    assert "còn 1 bài bắt buộc" in client.get("/").get_data(as_text=True)
    assert f"{code[:5]}-{code[5:]}" in client.get("/chung-nhan").get_data(as_text=True)


def _write(root: Path, body: str) -> Path:
    folder = root / "practice"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "hong.md"
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


HEAD = """\
---
id: hong
title: Bài hỏng
lesson: khong-co
app: vneid
reviewed: 2026-11-01
sources:
  - title: Nguồn mẫu
    url: https://example.gov.vn/nguon
    date: 2026-10-01
card:
  ho-ten: {label: Họ tên, value: Nguyễn Thị Mơ}
---
"""


def test_the_checker_names_file_and_line_for_each_broken_rule(tmp_path):
    _write(
        tmp_path,
        HEAD
        + """
## Đầu {#dau}

- [Đi tiếp] -> khong-ton-tai
- [Sai mà không giải thích]
- [Sai rỗng] !
- ô [Số điện thoại] = so-dien-thoai
- [Tiếp] -> giua

## Giữa {#giua}

Không có nút nào.

## Lạc {#lac}

- [Về đầu] -> dau
""",
    )
    messages = [str(p) for p in read_practice(tmp_path, {"co-that"}).problems]
    name = f"{tmp_path.name}/practice/hong.md"
    expected = [
        f"{name}:4: bài thực hành gắn với bài học `khong-co` nhưng không có bài học đó",
        f"{name}:17: nút `Đi tiếp` dẫn tới màn hình `khong-ton-tai` nhưng không có màn hình đó",
        f"{name}:18: nút `Sai mà không giải thích` không dẫn tới đâu: thêm `-> ma-buoc` (đúng) hoặc `! giải thích` (sai)",
        f"{name}:19: hành động sai `Sai rỗng` thiếu lời giải thích sau dấu `!`",
        f"{name}:20: ô `Số điện thoại` lấy dữ liệu `so-dien-thoai` nhưng thẻ nhiệm vụ (`card`) không có `so-dien-thoai`",
        f"{name}:23: màn hình `giua` không có đường đi tiếp: thêm một nút `-> ma-buoc`, hoặc đánh dấu `.ket-thuc`",
        f"{name}:27: màn hình `lac` không đến được từ màn hình đầu `dau`",
    ]
    for message in expected:
        assert message in messages, "\n".join(messages)
    assert any(m.startswith(f"{name}:15: bài thực hành không có màn hình kết thúc") for m in messages)


def test_the_checker_needs_card_data_for_every_field_and_a_heading_id(tmp_path):
    _write(
        tmp_path,
        HEAD.replace("lesson: khong-co", "lesson: co-that")
        + """
## Màn hình không mã

## Đầu {#dau}

- ô [Họ tên]
- [Gửi] -> xong

## Xong {#xong .ket-thuc}
""",
    )
    messages = [str(p) for p in read_practice(tmp_path, {"co-that"}).problems]
    name = f"{tmp_path.name}/practice/hong.md"
    assert f"{name}:15: màn hình thiếu mã: viết `## Tiêu đề {{#ma-buoc}}`" in messages
    assert f"{name}:19: ô `Họ tên` cần dữ liệu để điền: viết `- ô [Họ tên] = ma-du-lieu`" in messages
    assert len(messages) == 2, messages


def test_flask_content_check_reports_practice_files(app, runner, tmp_path):
    _write(tmp_path, HEAD + "\n## Đầu {#dau}\n\n- [Đi] -> dau\n")
    result = runner.invoke(args=["content", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert "practice/hong.md:4: bài thực hành gắn với bài học `khong-co`" in result.output
    assert "1 bài thực hành:" in result.output


def test_the_real_practice_tasks_pass_the_checker_and_can_be_finished():
    from quizapp.content.parse import read_content

    content = read_content(REAL_CONTENT)
    practice = read_practice(REAL_CONTENT, {lesson.id for lesson in content.lessons})
    assert practice.errors == []
    assert len(practice.tasks) >= 6
    for task in practice.tasks:
        assert task.route[-1]["end"], f"{task.id}: the right way does not reach the end"
        assert task.lesson in {lesson.id for lesson in content.lessons}
        for screen in task.screens.values():
            for action in screen["actions"]:
                assert not action["wrong"] or action["feedback_html"], (task.id, action["label"])


def test_the_funnel_counts_known_runs_with_constant_queries(app, client, auth, people, task):
    klass = people["klass"]
    with app.app_context():
        mini = db.session.scalar(select(PracticeTask))
        an, binh = db.session.get(User, people["hs.an"]), db.session.get(User, people["hs.binh"])
        # An: wrong twice at the first screen («Ví giấy tờ»), then finishes.
        run = service.start_run(an, mini)
        service.take_step(run, mini, "trang-chu", "1", {})
        service.take_step(run, mini, "trang-chu", "1", {})
        service.take_step(run, mini, "trang-chu", "0", {})
        service.take_step(run, mini, "thu-tuc", "0", {})
        service.take_step(run, mini, "nhap", "0", {"o-ho-ten": "Nguyễn Thị Mơ", "o-so-dinh-danh": "001xxxxxxxxx"})
        # Bình: takes the «tạm trú» branch once and stops at the form after a wrong ID.
        run = service.start_run(binh, mini)
        service.take_step(run, mini, "trang-chu", "0", {})
        service.take_step(run, mini, "thu-tuc", "1", {})
        service.take_step(run, mini, "nham", "0", {})
        service.take_step(run, mini, "thu-tuc", "0", {})
        service.take_step(run, mini, "nhap", "0", {"o-ho-ten": "Nguyễn Thị Mơ", "o-so-dinh-danh": "sai"})
        db.session.commit()
        figures = service.funnel(klass, mini, 2)
    assert (figures.students, figures.started, figures.finished) == (2, 2, 1)
    assert [(s.step, s.reached, s.mistakes, s.top_wrong) for s in figures.steps] == [
        ("trang-chu", 2, 2, ("Ví giấy tờ", 2)),
        ("thu-tuc", 2, 1, ("Đăng ký tạm trú", 1)),
        ("nhap", 2, 1, ("Điền sai ô: Số định danh", 1)),
        ("xong", 1, 0, None),
    ]
    auth.login("gv.hoa")
    overview = client.get(f"/giao-vien/lop/{klass}/thuc-hanh").get_data(as_text=True)
    assert "<td>2/2</td><td>1/2</td>" in overview
    with count_queries(app) as small:
        page = client.get(f"/giao-vien/lop/{klass}/thuc-hanh/mini").get_data(as_text=True)
    assert "<strong>1/2</strong> học sinh đã làm xong" in page and "«Ví giấy tờ» (2 lần)" in page
    more = enrol_students(app, klass, [f"Học Sinh {i}" for i in range(6)])
    with app.app_context():
        mini = db.session.scalar(select(PracticeTask))
        for user_id in more:
            run = service.start_run(db.session.get(User, user_id), mini)
            service.take_step(run, mini, "trang-chu", "1", {})
        db.session.commit()
    with count_queries(app) as big:
        page = client.get(f"/giao-vien/lop/{klass}/thuc-hanh/mini").get_data(as_text=True)
    assert "<strong>1/8</strong> học sinh đã làm xong" in page and "«Ví giấy tờ» (8 lần)" in page
    assert big["n"] == small["n"]


def test_a_teacher_sees_only_own_classes_funnel(app, client, auth, people, task):
    auth.login("gv.khac")
    assert client.get(f"/giao-vien/lop/{people['klass']}/thuc-hanh").status_code == 404
    assert client.get(f"/giao-vien/lop/{people['klass']}/thuc-hanh/mini").status_code == 404


def test_the_step_card_prints_the_right_way_from_the_same_file(app, client, auth, people, task):
    auth.login("hs.an")
    card = client.get("/thuc-hanh/mini/the-buoc").get_data(as_text=True)
    assert "Bà làm theo các bước này" in card and "Thông báo lưu trú trên VNeID." in card
    steps = re.findall(r"<li><strong>(.*?)</strong>(.*?)</li>", card)
    assert [s[0] for s in steps] == ["Màn hình chính", "Thủ tục hành chính", "Thông tin người lưu trú"]
    assert "điền Họ và tên, Số định danh → bấm «Gửi yêu cầu»" in steps[2][1]
    assert "001xxxxxxxxx" not in card  # the card is for the relative's own data, not the fictional one


def test_the_example_in_content_readme_passes_the_checker(tmp_path):
    text = (REAL_CONTENT / "README.md").read_text(encoding="utf-8")
    start = text.index("```markdown\n", text.index("### Ví dụ đầy đủ")) + len("```markdown\n")
    (tmp_path / "practice").mkdir()
    (tmp_path / "practice" / "vi-du.md").write_text(text[start : text.index("\n```\n", start)] + "\n", encoding="utf-8")
    result = read_practice(tmp_path, {"vneid"})
    assert result.problems == [] and [t.id for t in result.tasks] == ["vi-du-luu-tru"]
