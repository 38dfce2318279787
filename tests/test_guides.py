"""Take-home guides: the lesson's family box and key points on one printable page, nothing of the quiz."""

from __future__ import annotations

from sqlalchemy import select

from quizapp.content.markdown import MD
from quizapp.extensions import db
from quizapp.models import Lesson, Question, QuestionVersion, Quiz
from quizapp.services.guides import extract_boxes

LESSON_MD = """\
## Mở đầu

Đoạn thân bài không in vào phiếu.

::: luu-y
Cảnh báo chỉ có trong bài.
:::

::: ghi-nho
1. Chỉ dùng trang có đuôi .gov.vn.
:::

::: nguoi-than Đọc cho bố mẹ nghe
Bố mẹ ơi, mình đăng nhập bằng **VNeID** ạ.
:::

Đoạn cuối bài, cũng không in.
"""


def set_lesson_body(app, key: str, markdown: str) -> None:
    with app.app_context():
        lesson = db.session.scalar(select(Lesson).where(Lesson.key == key))
        lesson.body_html = MD.render(markdown)  # the same renderer as content sync, raw HTML off
        db.session.commit()


def quiz_prompts(app, key: str) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(QuestionVersion.prompt_html)
                .join(Question, Question.id == QuestionVersion.question_id)
                .join(Quiz, Quiz.id == Question.quiz_id)
                .where(Quiz.key == key)
            )
        )


def test_boxes_are_cut_whole_including_nested_ones():
    html = MD.render(
        "Trước.\n\n:::: nguoi-than\nNgoài.\n\n::: luu-y\nTrong.\n:::\n\nVẫn trong hộp.\n::::\n\nSau.\n\n"
        "::: nguoi-than Lần hai\nHộp thứ hai.\n:::\n"
    )
    first, second = extract_boxes(html, "nguoi-than")
    assert first.startswith('<aside class="box box-nguoi-than">') and first.endswith("</aside>")
    assert "Trong." in first and "Vẫn trong hộp." in first and "Sau." not in first and "Trước." not in first
    assert "Lần hai" in second and "Hộp thứ hai." in second
    assert extract_boxes(html, "ghi-nho") == []


def test_text_that_looks_like_a_tag_is_not_a_box():
    html = MD.render('Gõ <aside class="box box-nguoi-than"> vào đây.\n')
    assert extract_boxes(html, "nguoi-than") == []


def test_guide_page_has_the_two_boxes_and_nothing_of_the_quiz(app, client, auth, people):
    set_lesson_body(app, "tai-khoan", LESSON_MD)
    auth.login("hs.an")
    response = client.get("/bai-hoc/tai-khoan/huong-dan-gia-dinh")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<aside class="box box-nguoi-than">' in page and "Đọc cho bố mẹ nghe" in page
    assert "mình đăng nhập bằng <strong>VNeID</strong> ạ." in page
    assert '<aside class="box box-ghi-nho">' in page and "Chỉ dùng trang có đuôi .gov.vn." in page
    assert page.index("box-nguoi-than") < page.index("box-ghi-nho")
    assert "Tài khoản định danh" in page  # the module title
    assert "Địa chỉ chính thức: dichvucong.gov.vn · Ứng dụng VNeID chỉ tải từ App Store / CH Play" in page
    assert "Đã làm thử cùng con/cháu" in page and "css/guide.css" in page
    for absent in ("Đoạn thân bài", "Đoạn cuối bài", "Cảnh báo chỉ có trong bài", "/bai-kiem-tra/", "Bài kiểm tra"):
        assert absent not in page, absent
    prompts = quiz_prompts(app, "tai-khoan")
    assert prompts and not any(p in page for p in prompts)


def test_lesson_without_a_family_box_still_gives_a_guide(client, auth, people):
    auth.login("hs.an")
    page = client.get("/bai-hoc/tai-khoan/huong-dan-gia-dinh").get_data(as_text=True)
    assert "Giữ bí mật mật khẩu." in page  # the fixture lesson's Ghi nhớ box
    assert "không có phần hướng dẫn riêng cho người thân" in page
    assert "<script>" not in page


def test_the_lesson_page_links_to_its_guide(client, auth, people):
    auth.login("hs.an")
    page = client.get("/bai-hoc/tai-khoan").get_data(as_text=True)
    assert 'href="/bai-hoc/tai-khoan/huong-dan-gia-dinh"' in page


def test_guide_needs_a_login_and_an_active_lesson(client, auth, people):
    response = client.get("/bai-hoc/tai-khoan/huong-dan-gia-dinh")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]
    auth.login("hs.an")
    assert client.get("/bai-hoc/khong-co/huong-dan-gia-dinh").status_code == 404
