"""Who may see what: load-and-authorise helpers used by every view."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from .extensions import db
from .models import Attempt, Lesson, Quiz


def get_own_attempt_or_404(attempt_id: int) -> Attempt:
    """A learner's own attempt; anyone else's answers 404 so that its existence is not revealed."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    return attempt


def get_lesson_or_404(key: str) -> Lesson:
    lesson = db.session.scalar(select(Lesson).where(Lesson.key == key, Lesson.active))
    if lesson is None:
        abort(404)
    return lesson


def get_quiz_or_404(key: str) -> Quiz:
    quiz = db.session.scalar(select(Quiz).where(Quiz.key == key, Quiz.active))
    if quiz is None:
        abort(404)
    return quiz
