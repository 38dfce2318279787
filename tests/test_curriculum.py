"""The real curriculum in /content: it passes the checker and keeps the shape the programme needs."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from quizapp.content.parse import _correct_is_longest, _true_false_key, read_content
from quizapp.services.guides import extract_boxes

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
    "khi-gap-truc-trac",
]


@pytest.fixture(scope="module")
def curriculum():
    return read_content(CONTENT, today=date.today())


def test_the_checker_finds_no_error(curriculum):
    assert [str(p) for p in curriculum.errors] == []


def test_the_checker_gives_no_warning_either(curriculum):
    # Warnings include the bank-balance rules (Đúng/Sai lean, longest-correct, multi-answer counts, bank size).
    assert [str(p) for p in curriculum.problems] == []


def test_eleven_modules_in_order_each_with_its_quiz(curriculum):
    lessons = sorted(curriculum.lessons, key=lambda lesson: lesson.order)
    assert [lesson.id for lesson in lessons] == MODULES
    assert all(lesson.quiz == lesson.id and lesson.grades == [7, 8] and lesson.required for lesson in lessons)


@pytest.mark.parametrize("module", MODULES)
def test_each_quiz_has_a_varied_explained_pool(curriculum, module):
    quiz = next(q for q in curriculum.quizzes if q.id == module)
    kinds = Counter(q.kind for q in quiz.questions)
    # A retake of 10 drawn questions can be 10 questions not seen before.
    assert len(quiz.questions) >= 20 and quiz.draw == 10 and quiz.pass_percent == 80
    # No ORDER question is required: an order is asked only where it is really fixed (content/README.md).
    assert kinds["many"] >= 1 and kinds["true_false"] >= 1
    assert all(q.explanation_html.strip() for q in quiz.questions)
    # An explanation teaches: more than a bare "answer B is right".
    assert all(len(re.sub(r"<[^>]+>", "", q.explanation_html).split()) >= 12 for q in quiz.questions)


@pytest.mark.parametrize("module", MODULES)
def test_each_bank_keeps_the_editors_balance(curriculum, module):
    """The editors' rules (content/README.md), stricter than the checker's warnings."""
    quiz = next(q for q in curriculum.quizzes if q.id == module)
    keys = Counter(_true_false_key(q) for q in quiz.questions if q.kind == "true_false")
    assert max(keys.values()) <= 0.6 * sum(keys.values()), keys
    single = [q for q in quiz.questions if q.kind == "one"]
    assert sum(_correct_is_longest(q) for q in single) <= 0.25 * len(single)
    assert sum(q.choices[0].is_correct for q in single) <= 0.5 * len(single)  # the source is not biased either
    many = [q for q in quiz.questions if q.kind == "many"]
    counts = [sum(c.is_correct for c in q.choices) for q in many]
    assert len(set(counts)) > 1, counts  # from 2 up to all-but-one, not always the same
    assert all(2 <= n <= len(q.choices) - 1 for n, q in zip(counts, many, strict=True)), counts


def test_no_question_is_asked_twice_across_banks(curriculum):
    prompts = Counter(
        re.sub(r"\W+", " ", q.prompt_html).strip().lower() for quiz in curriculum.quizzes for q in quiz.questions
    )
    assert [p for p, n in prompts.items() if n > 1] == []


@pytest.mark.parametrize("module", MODULES)
def test_each_lesson_is_sourced_dated_and_built_for_reading_aloud(curriculum, module):
    lesson = next(lesson for lesson in curriculum.lessons if lesson.id == module)
    assert lesson.sources and all(
        s["url"].startswith(("https://", "http://")) and s.get("date") for s in lesson.sources
    )
    assert lesson.reviewed is not None
    # The take-home family guide is built from these boxes (services/guides.py).
    assert extract_boxes(lesson.body_html, "nguoi-than") and extract_boxes(lesson.body_html, "ghi-nho")
    html = lesson.body_html
    for box in ("box-tinh-huong", "box-ghi-nho", "box-nguoi-than"):
        assert f'class="box {box}"' in html, box
    assert '<img src="/noi-dung/media/' in html and 'href="/trang/thuat-ngu#' in html
    # Short enough to read in one sitting: about 1,100-1,300 words as read on the page (markup and link
    # targets not counted), with a little slack for the "≈".
    words = len(re.sub(r"<[^>]+>", " ", html).split())
    assert 1000 <= words <= 1350, words


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
