"""A retake prefers questions the student has not seen yet, then those seen longest ago."""

from __future__ import annotations

import random
import shutil
from datetime import date

import pytest
from sqlalchemy import select

from quizapp.content.parse import read_content
from quizapp.content.sync import sync_content
from quizapp.extensions import db
from quizapp.models import AttemptQuestion, AttemptStatus, Question, QuestionVersion, Quiz, User
from quizapp.services.attempts import start_or_resume

from .conftest import FIXTURE_CONTENT
from .helpers import answers_for, count_queries, post_attempt, start_quiz

BANK = "an-toan"


def question(number: int) -> str:
    return (
        f"\n## Câu hỏi số {number}? {{#cau-{number}}}\n\n"
        f"- [ ] Một lựa chọn sai của câu {number}\n- [x] Đúng ý câu {number}\n\n"
        "> Giải thích: lựa chọn kia sai vì không đúng với bài học.\n"
    )


def write_bank(root, texts: dict[int, str] | None = None) -> None:
    texts = texts or {}
    body = "".join(texts.get(n, question(n)) for n in range(1, 21))
    header = f"---\nid: {BANK}\ntitle: Kiểm tra an toàn\nlesson: {BANK}\ndraw: 10\n---\n"
    (root / "quizzes/02-an-toan.md").write_text(header + body, encoding="utf-8")


@pytest.fixture
def bank(app, tmp_path):
    """The fixture's `an-toan` quiz replaced by a bank of 20 questions, 10 drawn per attempt."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    write_bank(root)
    with app.app_context():
        content = read_content(root, today=date(2026, 11, 25))
        assert not content.errors
        sync_content(content)
        db.session.commit()
    return root


def keys_of(app, attempt_id: int) -> set[str]:
    with app.app_context():
        return set(
            db.session.scalars(
                select(Question.key)
                .join(QuestionVersion, QuestionVersion.question_id == Question.id)
                .join(AttemptQuestion, AttemptQuestion.version_id == QuestionVersion.id)
                .where(AttemptQuestion.attempt_id == attempt_id)
            )
        )


def take(app, client) -> set[str]:
    attempt_id = start_quiz(client, BANK)
    response = post_attempt(client, attempt_id, answers_for(app, attempt_id))
    assert response.status_code == 302
    return keys_of(app, attempt_id)


def test_a_second_attempt_shows_ten_new_questions_and_a_third_the_oldest(app, client, auth, people, bank):
    auth.login("hs.an")
    first = take(app, client)
    second = take(app, client)
    assert len(first) == len(second) == 10
    assert first.isdisjoint(second)
    # All 20 seen: the third attempt brings back those seen longest ago, i.e. the first attempt's.
    assert take(app, client) == first


def test_a_new_version_of_a_seen_question_still_counts_as_seen(app, client, auth, people, bank):
    auth.login("hs.an")
    first = take(app, client)
    edited = int(sorted(first)[0].removeprefix("cau-"))
    write_bank(bank, {edited: question(edited).replace("Câu hỏi số", "Câu hỏi đã sửa, số")})
    with app.app_context():
        sync_content(read_content(bank, today=date(2026, 11, 25)))
        db.session.commit()
    assert take(app, client).isdisjoint(first)


def test_another_students_attempts_do_not_count(app, client, auth, people, bank):
    auth.login("hs.an")
    take(app, client)
    take(app, client)  # hs.an has now seen all 20
    auth.logout()
    auth.login("hs.binh")
    first = take(app, client)
    assert first.isdisjoint(take(app, client))


def test_the_draw_costs_the_same_queries_however_long_the_history(app, people, bank):
    with app.app_context():
        user = db.session.get(User, people["hs.an"])
        quiz = db.session.scalar(select(Quiz).where(Quiz.key == BANK))
        counts = []
        for _ in range(4):
            with count_queries(app) as counter:
                attempt = start_or_resume(user, quiz, random.Random(1))
                db.session.flush()
            counts.append(counter["n"])
            attempt.status = AttemptStatus.SUBMITTED  # close it so the next call draws anew
            db.session.flush()
        assert len(set(counts)) == 1, counts
