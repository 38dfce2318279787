"""How an answer is judged and a score computed: pure functions, no database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ShownChoice:
    """A choice as the learner saw it: whether it is correct, and its step number for ORDER questions."""

    is_correct: bool
    position: int


def is_answered(kind: str, response: Sequence[int] | None, choice_count: int) -> bool:
    """A choice question needs a tick; an ORDER question needs every step numbered, each number once."""
    if not response:
        return False
    if kind == "order":
        return len(response) == choice_count and sorted(response) == list(range(1, choice_count + 1))
    return True


def is_correct(kind: str, shown: Sequence[ShownChoice], response: Sequence[int] | None) -> bool:
    """Judge one answer against the choices in the order they were shown.

    For choice questions `response` lists the indexes ticked; all correct ones and no other must be
    ticked (no partial credit). For ORDER questions it gives the step number written beside each
    shown step, and every step must carry its own position.
    """
    if not is_answered(kind, response, len(shown)):
        return False
    if kind == "order":
        return all(number == choice.position + 1 for number, choice in zip(response, shown, strict=True))
    ticked = set(response)
    if kind in ("one", "true_false") and len(ticked) != 1:
        return False
    return ticked == {i for i, choice in enumerate(shown) if choice.is_correct}


def score_percent(correct: int, total: int) -> int:
    """Whole percent, rounded down, so that 79.9% never shows as 80%."""
    return correct * 100 // total if total else 0


def has_passed(correct: int, total: int, pass_percent: int) -> bool:
    """Compare in integers: 8 of 10 passes an 80% mark, 7 of 9 (77.7%) does not."""
    return total > 0 and correct * 100 >= pass_percent * total
