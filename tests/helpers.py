"""Helpers for driving a quiz through the web as a student would."""

from __future__ import annotations

import re

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Attempt
from quizapp.services.attempts import shown_questions

from .conftest import csrf_token


def start_quiz(client, quiz_key: str) -> int:
    token = csrf_token(client, f"/bai-kiem-tra/{quiz_key}")
    response = client.post(f"/bai-kiem-tra/{quiz_key}/bat-dau", data={"csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/lam-bai/(\d+)", response.headers["Location"]).group(1))


def answers_for(app, attempt_id: int, correct: bool = True, skip: int = 0) -> dict:
    """Form fields answering every question rightly (or wrongly), leaving the first `skip` blank."""
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        fields: dict = {}
        for question in shown_questions(attempt)[skip:]:
            pos, choices = question.item.position, question.choices
            if question.kind == "order":
                for i, choice in enumerate(choices):
                    number = choice.position + 1
                    if not correct:  # swap steps 1 and 2
                        number = {1: 2, 2: 1}.get(number, number)
                    fields[f"q{pos}-{i}"] = str(number)
            else:
                right = [i for i, c in enumerate(choices) if c.is_correct]
                wrong = [i for i, c in enumerate(choices) if not c.is_correct]
                fields[f"q{pos}"] = [str(i) for i in (right if correct else wrong[:1])]
        return fields


def post_attempt(client, attempt_id: int, fields: dict, action: str = "submit"):
    token = csrf_token(client, "/")
    return client.post(f"/lam-bai/{attempt_id}", data={**fields, "csrf_token": token, "action": action})


def attempts_of(app, username_id: int) -> list[Attempt]:
    with app.app_context():
        return list(db.session.scalars(select(Attempt).where(Attempt.user_id == username_id).order_by(Attempt.id)))
