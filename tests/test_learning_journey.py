"""The student journey through the web: log in, read, take a quiz, see the result, retry, resume."""

from __future__ import annotations

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AttemptQuestion, LessonProgress

from .conftest import csrf_token
from .helpers import answers_for, attempts_of, post_attempt, start_quiz


def read_lesson(client, key: str):
    client.get(f"/bai-hoc/{key}")
    return client.post(f"/bai-hoc/{key}/da-doc", data={"csrf_token": csrf_token(client, f"/bai-hoc/{key}")})


def test_home_shows_programme_and_next_step(client, auth, people):
    auth.login("hs.an")
    html = client.get("/").get_data(as_text=True)
    assert "Tài khoản định danh" in html and "An toàn trên mạng" in html
    assert "0/2" in html
    assert "Đọc bài: Tài khoản định danh" in html


def test_lesson_renders_markdown_without_raw_html(client, auth, people):
    auth.login("hs.an")
    html = client.get("/bai-hoc/tai-khoan").get_data(as_text=True)
    assert '<aside class="box box-ghi-nho">' in html
    assert 'src="/noi-dung/media/hinh.svg"' in html and 'alt="Minh hoạ màn hình đăng nhập"' in html
    assert 'href="/trang/thuat-ngu#tai-khoan"' in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    with client.get("/noi-dung/media/hinh.svg") as image:
        assert image.status_code == 200 and image.mimetype == "image/svg+xml"
    assert client.get("/trang/thuat-ngu").status_code == 200


def test_reading_a_lesson_is_recorded_on_the_server(app, client, auth, people):
    auth.login("hs.an")
    client.get("/bai-hoc/tai-khoan")
    with app.app_context():
        progress = db.session.scalar(select(LessonProgress).where(LessonProgress.user_id == people["hs.an"]))
        assert progress.finished_at is None
    response = read_lesson(client, "tai-khoan")
    assert response.headers["Location"].endswith("/bai-kiem-tra/tai-khoan")
    with app.app_context():
        progress = db.session.scalar(select(LessonProgress).where(LessonProgress.user_id == people["hs.an"]))
        assert progress.finished_at is not None
    assert "Em đã đọc xong bài này" in client.get("/bai-hoc/tai-khoan").get_data(as_text=True)


def test_student_finishes_a_module_end_to_end(app, client, auth, people):
    auth.login("hs.an")
    read_lesson(client, "tai-khoan")
    attempt_id = start_quiz(client, "tai-khoan")
    page = client.get(f"/lam-bai/{attempt_id}").get_data(as_text=True)
    assert page.count('class="card question') == 5
    response = post_attempt(client, attempt_id, answers_for(app, attempt_id))
    assert response.headers["Location"].endswith(f"/ket-qua/{attempt_id}")
    result = client.get(f"/ket-qua/{attempt_id}").get_data(as_text=True)
    assert "Đạt! Chúc mừng em" in result and "5/5" in result
    assert "Cổng chỉ nhận đăng nhập bằng VNeID." in result  # explanations shown after the attempt
    home = client.get("/").get_data(as_text=True)
    assert "1/2" in home and "Hoàn thành" in home


def test_wrong_answers_fail_and_show_why(app, client, auth, people):
    auth.login("hs.an")
    attempt_id = start_quiz(client, "tai-khoan")
    post_attempt(client, attempt_id, answers_for(app, attempt_id, correct=False))
    result = client.get(f"/ket-qua/{attempt_id}").get_data(as_text=True)
    assert "Chưa đạt" in result and "0/5" in result
    assert "Không bao giờ đọc mã OTP cho ai." in result
    assert "Đọc lại bài học" in result


def test_retry_draws_a_new_attempt_and_keeps_the_old_result(app, client, auth, people):
    auth.login("hs.an")
    first = start_quiz(client, "tai-khoan")
    post_attempt(client, first, answers_for(app, first, correct=False))
    second = start_quiz(client, "tai-khoan")
    assert second != first
    post_attempt(client, second, answers_for(app, second))
    scores = [(a.id, a.score_percent, a.passed) for a in attempts_of(app, people["hs.an"])]
    assert scores == [(first, 0, False), (second, 100, True)]


def test_unfinished_attempt_resumes_with_saved_answers_after_closing_the_browser(app, client, auth, people):
    auth.login("hs.an")
    attempt_id = start_quiz(client, "tai-khoan")
    fields = answers_for(app, attempt_id, skip=2)
    response = post_attempt(client, attempt_id, fields, action="save")
    assert response.status_code == 302
    browser_two = app.test_client()  # a new browser: no cookies from the first
    from .conftest import Auth

    Auth(browser_two).login("hs.an")
    assert "đang làm dở" in browser_two.get("/").get_data(as_text=True)
    assert start_quiz(browser_two, "tai-khoan") == attempt_id
    page = browser_two.get(f"/lam-bai/{attempt_id}").get_data(as_text=True)
    saved = page.count(" checked") + page.count(" selected")
    assert saved >= 3  # three answered questions come back ticked
    with app.app_context():
        answered = db.session.scalars(
            select(AttemptQuestion).where(
                AttemptQuestion.attempt_id == attempt_id, AttemptQuestion.response.is_not(None)
            )
        ).all()
        assert len([a for a in answered if a.response]) == 3


def test_submitting_with_blank_questions_asks_first(app, client, auth, people):
    auth.login("hs.an")
    attempt_id = start_quiz(client, "tai-khoan")
    fields = answers_for(app, attempt_id, skip=1)
    response = post_attempt(client, attempt_id, fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "chưa trả lời (câu 1)" in html and "Vẫn nộp bài" in html
    assert attempts_of(app, people["hs.an"])[0].status == "in_progress"
    post_attempt(client, attempt_id, fields, action="submit_anyway")  # the form posts its answers again
    attempt = attempts_of(app, people["hs.an"])[0]
    assert attempt.status == "submitted" and attempt.correct_count == 4


def test_double_submit_grades_once(app, client, auth, people):
    auth.login("hs.an")
    attempt_id = start_quiz(client, "tai-khoan")
    post_attempt(client, attempt_id, answers_for(app, attempt_id))
    # Back button, other answers, submit again: nothing changes and no second attempt appears.
    again = post_attempt(client, attempt_id, answers_for(app, attempt_id, correct=False))
    assert again.headers["Location"].endswith(f"/ket-qua/{attempt_id}")
    attempts = attempts_of(app, people["hs.an"])
    assert [(a.id, a.score_percent) for a in attempts] == [(attempt_id, 100)]


def test_double_click_on_start_opens_one_attempt(app, client, auth, people):
    auth.login("hs.an")
    assert start_quiz(client, "tai-khoan") == start_quiz(client, "tai-khoan")
    assert len(attempts_of(app, people["hs.an"])) == 1


def test_quiz_html_never_reveals_the_answer_key(app, client, auth, people):
    auth.login("hs.an")
    attempt_id = start_quiz(client, "tai-khoan")
    html = client.get(f"/lam-bai/{attempt_id}").get_data(as_text=True)
    for secret in ("Giải thích", "Cổng chỉ nhận đăng nhập bằng VNeID.", "is_correct", "correct", "đáp án đúng"):
        assert secret not in html
    with app.app_context():
        items = db.session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id)).all()
        choice_ids = {str(cid) for item in items for cid in item.choice_order}
    values = set(__import__("re").findall(r'name="q\d+" value="(\d+)"', html))
    # Choice values are positions on the page, not database ids that follow the author's order.
    assert values <= {"0", "1", "2", "3"}
    assert not (choice_ids - {"0", "1", "2", "3"}) & values


def test_student_cannot_open_or_answer_another_students_attempt(app, client, auth, people):
    auth.login("hs.an")
    attempt_id = start_quiz(client, "tai-khoan")
    auth.logout()
    auth.login("hs.binh")
    assert client.get(f"/lam-bai/{attempt_id}").status_code == 404
    assert client.get(f"/ket-qua/{attempt_id}").status_code == 404
    response = post_attempt(client, attempt_id, answers_for(app, attempt_id))
    assert response.status_code == 404
    assert attempts_of(app, people["hs.an"])[0].status == "in_progress"


def test_post_without_csrf_token_is_refused(app, client, auth, people):
    response = client.post("/dang-nhap", data={"username": "hs.an", "password": "matkhau-123"})
    assert response.status_code == 400 and "tải lại trang" in response.get_data(as_text=True)
    auth.login("hs.an")
    attempt_id = start_quiz(client, "tai-khoan")
    response = client.post(f"/lam-bai/{attempt_id}", data={**answers_for(app, attempt_id), "action": "submit"})
    assert response.status_code == 400
    assert attempts_of(app, people["hs.an"])[0].status == "in_progress"


def test_staff_can_take_the_lessons(app, client, auth, people):
    auth.login("gv.hoa")
    html = client.get("/").get_data(as_text=True)
    assert "Tài khoản định danh" in html
    attempt_id = start_quiz(client, "tai-khoan")
    post_attempt(client, attempt_id, answers_for(app, attempt_id))
    assert attempts_of(app, people["teacher"])[0].passed


def test_anonymous_visitor_is_sent_to_login(client, people):
    response = client.get("/bai-hoc/tai-khoan")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def test_result_of_open_attempt_redirects_to_the_quiz(app, client, auth, people):
    auth.login("hs.an")
    attempt_id = start_quiz(client, "tai-khoan")
    assert client.get(f"/ket-qua/{attempt_id}").headers["Location"].endswith(f"/lam-bai/{attempt_id}")


def test_reloading_a_lesson_reads_without_writing_and_a_later_visit_is_recorded(app, client, auth, people):
    from datetime import timedelta

    from quizapp.services.progress import REOPEN_WINDOW

    from .helpers import count_writes

    auth.login("hs.an")
    with count_writes(app) as writes:
        assert client.get("/bai-hoc/tai-khoan").status_code == 200
    assert writes["n"] >= 1, "the first opening is recorded"
    with count_writes(app) as writes:
        assert client.get("/bai-hoc/tai-khoan").status_code == 200
    assert writes["n"] == 0, "a reload within the reading session writes nothing"

    with app.app_context():
        progress = db.session.scalar(select(LessonProgress).where(LessonProgress.user_id == people["hs.an"]))
        earlier = progress.last_opened_at - REOPEN_WINDOW - timedelta(minutes=1)
        progress.last_opened_at = earlier
        db.session.commit()
    client.get("/bai-hoc/tai-khoan")
    with app.app_context():
        progress = db.session.scalar(select(LessonProgress).where(LessonProgress.user_id == people["hs.an"]))
        assert progress.last_opened_at > earlier, "coming back after the session ended starts a new one"
