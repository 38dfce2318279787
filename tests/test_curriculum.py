"""The real curriculum in /content: it passes the checker and keeps the shape the programme needs."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from quizapp.content.parse import read_content

CONTENT = Path(__file__).resolve().parent.parent / "content"
MODULES = [
    "dich-vu-cong-truc-tuyen",
    "vneid",
    "the-can-cuoc",
    "nop-ho-so-truc-tuyen",
    "tuyen-sinh-truc-tuyen",
    "dich-vu-cho-ca-nha",
    "gop-y-phan-anh",
    "an-toan-dich-vu-cong",
    "bao-ve-thong-tin-ca-nhan",
    "tuyen-truyen-vien",
]


@pytest.fixture(scope="module")
def curriculum():
    return read_content(CONTENT, today=date.today())


def test_the_checker_finds_no_error(curriculum):
    assert [str(p) for p in curriculum.errors] == []


def test_ten_modules_in_order_each_with_its_quiz(curriculum):
    lessons = sorted(curriculum.lessons, key=lambda lesson: lesson.order)
    assert [lesson.id for lesson in lessons] == MODULES
    assert all(lesson.quiz == lesson.id and lesson.grades == [7, 8] and lesson.required for lesson in lessons)


@pytest.mark.parametrize("module", MODULES)
def test_each_quiz_has_a_varied_explained_pool(curriculum, module):
    quiz = next(q for q in curriculum.quizzes if q.id == module)
    kinds = Counter(q.kind for q in quiz.questions)
    assert len(quiz.questions) >= 12 and quiz.draw >= 8 and quiz.pass_percent == 80
    assert kinds["order"] >= 1 and kinds["many"] >= 1 and kinds["true_false"] >= 1
    assert all(q.explanation_html.strip() for q in quiz.questions)
    # An explanation teaches: more than a bare "answer B is right".
    assert all(len(re.sub(r"<[^>]+>", "", q.explanation_html).split()) >= 12 for q in quiz.questions)


@pytest.mark.parametrize("module", MODULES)
def test_each_lesson_is_sourced_dated_and_built_for_reading_aloud(curriculum, module):
    lesson = next(lesson for lesson in curriculum.lessons if lesson.id == module)
    assert lesson.sources and all(s["url"].startswith(("https://", "http://")) for s in lesson.sources)
    assert lesson.reviewed is not None
    html = lesson.body_html
    for box in ("box-tinh-huong", "box-ghi-nho", "box-nguoi-than"):
        assert f'class="box {box}"' in html, box
    assert '<img src="/noi-dung/media/' in html and 'href="/trang/thuat-ngu#' in html
    text = (CONTENT / "lessons").glob(f"*-{module}.md")
    body = next(text).read_text(encoding="utf-8").split("---", 2)[2]
    assert 600 <= len(body.split()) <= 1300


def test_every_image_has_vietnamese_alt_text_and_is_our_own_svg(curriculum):
    for lesson in curriculum.lessons:
        for src, alt in re.findall(r'<img src="([^"]+)" alt="([^"]*)"', lesson.body_html):
            assert len(alt) > 10, (lesson.id, src)
            svg = (CONTENT / src.removeprefix("/noi-dung/")).read_text(encoding="utf-8")
            assert "<script" not in svg and 'href="http' not in svg and "Minh hoạ" in svg, src


def test_the_glossary_defines_every_term_the_lessons_link_to(curriculum):
    glossary = next(p for p in curriculum.pages if p.id == "thuat-ngu")
    anchors = set(re.findall(r'<h3 id="([^"]+)"', glossary.body_html))
    linked = {
        a for lesson in curriculum.lessons for a in re.findall(r'href="/trang/thuat-ngu#([^"]+)"', lesson.body_html)
    }
    assert linked <= anchors and len(anchors) >= 20
