"""Helpers for driving a quiz through the web as a student would."""

from __future__ import annotations

import re
from contextlib import contextmanager

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


@contextmanager
def count_queries(app, kinds: tuple[str, ...] | None = None):
    """Count the SQL statements the app runs inside the block (only those starting with `kinds`, if given)."""
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
    counter = {"n": 0}

    def before(_conn, _cursor, statement, *_args, **_kwargs):
        if kinds is None or statement.lstrip().split(" ", 1)[0].upper() in kinds:
            counter["n"] += 1

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


def enrol_students(app, class_id: int, names: list[str]) -> list[int]:
    """Add students to a class (fast password hash: these accounts never log in)."""
    from quizapp.models import Enrollment, Role, SchoolClass, User

    with app.app_context():
        school_class = db.session.get(SchoolClass, class_id)
        ids = []
        for number, name in enumerate(names):
            user = User(
                username=f"x{class_id}.{number}.{len(names)}",
                full_name=name,
                role=Role.STUDENT,
                school_id=school_class.school_id,
                password_hash="!",
            )
            db.session.add(user)
            db.session.flush()
            db.session.add(
                Enrollment(student_id=user.id, class_id=class_id, school_year_id=school_class.school_year_id)
            )
            ids.append(user.id)
        db.session.commit()
        return ids


def give_attempts(app, user_ids: list[int], quiz_key: str, right: bool = True) -> None:
    """Submitted attempts for many students at once, through the same operations as the web."""
    from quizapp.models import Quiz, User
    from quizapp.services.attempts import shown_questions, start_or_resume, submit
    from quizapp.services.demo import _answer

    with app.app_context():
        quiz = db.session.scalar(select(Quiz).where(Quiz.key == quiz_key))
        for user_id in user_ids:
            attempt = start_or_resume(db.session.get(User, user_id), quiz)
            questions = shown_questions(attempt)
            submit(attempt, questions, {q.item.position: _answer(q, right) for q in questions})
        db.session.commit()


def count_writes(app):
    """Count the INSERT/UPDATE/DELETE statements the app runs inside the block."""
    return count_queries(app, ("INSERT", "UPDATE", "DELETE"))
