"""Take-home guides: the parts of a lesson a student carries home to the family, on one printed page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

from ..models import Lesson

# Lesson HTML is rendered by our own Markdown renderer with raw HTML disabled, so a literal "<aside" typed
# by an author arrives as "&lt;aside": every tag matched here is one the renderer wrote.
_ASIDE_TAG = re.compile(r"<(/?)aside\b[^>]*>")


def extract_boxes(body_html: str, name: str) -> list[Markup]:
    """Every `<aside class="box box-NAME">…</aside>` of the lesson, whole (title included), in order.

    Boxes may contain other boxes, so the matching end tag is found by counting, not by the first `</aside>`.
    """
    opening = f'<aside class="box box-{name}">'
    boxes: list[Markup] = []
    start = body_html.find(opening)
    while start != -1:
        depth, end = 0, len(body_html)
        for tag in _ASIDE_TAG.finditer(body_html, start):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                end = tag.end()
                break
        boxes.append(Markup(body_html[start:end]))  # already-safe HTML from the content sync
        start = body_html.find(opening, end)
    return boxes


@dataclass
class FamilyGuide:
    lesson: Lesson
    for_family: list[Markup]  # "Hướng dẫn người thân" boxes
    remember: list[Markup]  # "Ghi nhớ" boxes


def family_guide(lesson: Lesson) -> FamilyGuide:
    body = lesson.body_html or ""
    return FamilyGuide(lesson, extract_boxes(body, "nguoi-than"), extract_boxes(body, "ghi-nho"))
