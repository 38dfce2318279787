"""Write checked content into the database, idempotently and without ever deleting history."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from ..database import refresh_statistics
from ..extensions import db
from ..models import Choice, Lesson, Page, ProgrammeEntry, Question, QuestionVersion, Quiz
from .parse import ContentSet, ParsedQuestion


def sync_content(content: ContentSet) -> Counter:
    """Load lessons, pages and quizzes; flushes, the caller commits. Returns what changed."""
    if content.errors:
        raise ValueError("content has errors; run `flask content check` first")
    report: Counter = Counter()
    lessons = _sync_lessons(content, report)
    _sync_pages(content, report)
    _sync_quizzes(content, lessons, report)
    db.session.flush()
    # New rows change what the query planner should know: SQLite never learns it by itself
    # (PostgreSQL's autovacuum analyses changed tables on its own).
    if report and db.session.get_bind().dialect.name == "sqlite":
        refresh_statistics(db.session.connection())
    return report


def _sync_lessons(content: ContentSet, report: Counter) -> dict[str, Lesson]:
    existing = {lesson.key: lesson for lesson in db.session.scalars(select(Lesson))}
    for parsed in content.lessons:
        lesson = existing.get(parsed.id)
        if lesson is None:
            lesson = Lesson(key=parsed.id)
            db.session.add(lesson)
            existing[parsed.id] = lesson
            report["lessons created"] += 1
        elif lesson.content_hash != parsed.content_hash or not lesson.active:
            report["lessons updated"] += 1
        lesson.title = parsed.title
        lesson.summary = parsed.summary
        lesson.position = parsed.order
        lesson.minutes = parsed.minutes
        lesson.body_html = parsed.body_html
        lesson.sources = parsed.sources
        lesson.reviewed_on = parsed.reviewed
        lesson.source_path = parsed.path
        lesson.content_hash = parsed.content_hash
        lesson.active = True
        wanted = set(parsed.grades) if parsed.required else set()
        lesson.grades = [e for e in lesson.grades if e.grade in wanted]
        have = {e.grade for e in lesson.grades}
        lesson.grades += [ProgrammeEntry(grade=g) for g in sorted(wanted - have)]
    present = {parsed.id for parsed in content.lessons}
    for key, lesson in existing.items():
        if key not in present and lesson.active:
            lesson.active = False
            lesson.grades = []
            report["lessons retired"] += 1
    return existing


def _sync_pages(content: ContentSet, report: Counter) -> None:
    existing = {page.key: page for page in db.session.scalars(select(Page))}
    for parsed in content.pages:
        page = existing.get(parsed.id)
        if page is None:
            page = Page(key=parsed.id)
            db.session.add(page)
            report["pages created"] += 1
        elif page.content_hash != parsed.content_hash:
            report["pages updated"] += 1
        page.title, page.body_html = parsed.title, parsed.body_html
        page.source_path, page.content_hash, page.active = parsed.path, parsed.content_hash, True
    present = {parsed.id for parsed in content.pages}
    for key, page in existing.items():
        if key not in present:
            page.active = False


def _sync_quizzes(content: ContentSet, lessons: dict[str, Lesson], report: Counter) -> None:
    existing = {quiz.key: quiz for quiz in db.session.scalars(select(Quiz))}
    owner_of = {p.quiz: p.id for p in content.lessons if p.quiz}
    # Unlink first: a quiz may move to another lesson and lesson_id is unique.
    for quiz in existing.values():
        quiz.lesson_id = None
    db.session.flush()
    for parsed in content.quizzes:
        quiz = existing.get(parsed.id)
        if quiz is None:
            quiz = Quiz(key=parsed.id)
            db.session.add(quiz)
            report["quizzes created"] += 1
        owner = parsed.lesson or owner_of.get(parsed.id)
        quiz.lesson = lessons[owner] if owner else None
        quiz.title, quiz.pass_percent, quiz.draw = parsed.title, parsed.pass_percent, parsed.draw
        quiz.source_path, quiz.active = parsed.path, True
        _sync_questions(quiz, parsed.questions, report)
    present = {parsed.id for parsed in content.quizzes}
    for key, quiz in existing.items():
        if key not in present:
            quiz.active = False


def _sync_questions(quiz: Quiz, parsed_questions: list[ParsedQuestion], report: Counter) -> None:
    existing = {q.key: q for q in quiz.questions}
    latest = (
        {
            v.question_id: v
            for v in db.session.scalars(
                select(QuestionVersion)
                .join(Question)
                .where(Question.quiz_id == quiz.id, QuestionVersion.number == Question.latest_version)
            )
        }
        if quiz.id
        else {}
    )
    for position, parsed in enumerate(parsed_questions):
        question = existing.get(parsed.key)
        if question is None:
            question = Question(key=parsed.key, quiz=quiz, latest_version=1)
            db.session.add(question)
            _add_version(question, parsed, 1)
            report["questions created"] += 1
        elif latest.get(question.id) is None or latest[question.id].content_hash != parsed.content_hash:
            question.latest_version += 1
            _add_version(question, parsed, question.latest_version)
            report["question versions added"] += 1
        question.position, question.active = position, True
    present = {p.key for p in parsed_questions}
    for key, question in existing.items():
        if key not in present and question.active:
            question.active = False
            report["questions retired"] += 1


def _add_version(question: Question, parsed: ParsedQuestion, number: int) -> None:
    version = QuestionVersion(
        question=question,
        number=number,
        kind=parsed.kind,
        prompt_html=parsed.prompt_html,
        body_html=parsed.body_html,
        explanation_html=parsed.explanation_html,
        content_hash=parsed.content_hash,
    )
    version.choices = [
        Choice(position=i, text_html=c.text_html, is_correct=c.is_correct) for i, c in enumerate(parsed.choices)
    ]
    db.session.add(version)
