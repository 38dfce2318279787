"""Grading of every question kind, and the score and pass mark arithmetic."""

from __future__ import annotations

import pytest

from quizapp.services.grading import ShownChoice, has_passed, is_answered, is_correct, score_percent

# Shown order: B (wrong), A (right), C (wrong)
ONE = [ShownChoice(False, 1), ShownChoice(True, 0), ShownChoice(False, 2)]
# Shown order: right, wrong, right
MANY = [ShownChoice(True, 0), ShownChoice(False, 1), ShownChoice(True, 2)]
TRUE_FALSE = [ShownChoice(True, 0), ShownChoice(False, 1)]
# Steps shown as: step 3, step 1, step 2
ORDER = [ShownChoice(False, 2), ShownChoice(False, 0), ShownChoice(False, 1)]


@pytest.mark.parametrize(
    ("kind", "shown", "response", "expected"),
    [
        ("one", ONE, [1], True),
        ("one", ONE, [0], False),
        ("one", ONE, [0, 1], False),  # a forged second tick never helps
        ("one", ONE, [], False),
        ("one", ONE, None, False),
        ("many", MANY, [0, 2], True),
        ("many", MANY, [0], False),  # not all the right ones
        ("many", MANY, [0, 1, 2], False),  # a wrong one ticked too
        ("true_false", TRUE_FALSE, [0], True),
        ("true_false", TRUE_FALSE, [1], False),
        ("order", ORDER, [3, 1, 2], True),
        ("order", ORDER, [1, 2, 3], False),  # the order as shown is not the answer
        ("order", ORDER, [3, 1, 1], False),  # a number used twice
        ("order", ORDER, [3, 1], False),
        ("order", ORDER, [], False),
    ],
)
def test_is_correct(kind, shown, response, expected):
    assert is_correct(kind, shown, response) is expected


def test_order_question_is_answered_only_when_every_step_has_its_own_number():
    assert is_answered("order", [2, 3, 1], 3)
    assert not is_answered("order", [2, 0, 1], 3)
    assert not is_answered("order", [2, 2, 1], 3)


@pytest.mark.parametrize(
    ("correct", "total", "pass_percent", "score", "passed"),
    [
        (8, 10, 80, 80, True),
        (7, 10, 80, 70, False),
        (7, 9, 80, 77, False),
        (4, 5, 80, 80, True),
        (10, 10, 100, 100, True),
        (0, 10, 80, 0, False),
        (0, 0, 80, 0, False),
    ],
)
def test_score_and_pass_mark(correct, total, pass_percent, score, passed):
    assert score_percent(correct, total) == score
    assert has_passed(correct, total, pass_percent) is passed
