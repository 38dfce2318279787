"""Migrations build the same schema as the models, on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from quizapp.extensions import db

from .conftest import make_app


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    """A brand-new empty database: a new SQLite file, or a new PostgreSQL schema."""
    if database_url.startswith("sqlite"):
        yield "sqlite:///" + str(tmp_path / "migrated.sqlite")
        return
    schema = "mig_" + uuid.uuid4().hex[:10]
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in database_url else "?"
    yield f"{database_url}{separator}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


# SQLite cannot reflect expression indexes, so Alembic skips comparing them (with these warnings): the
# one on lower(username) is checked by test_logins_find_the_username_through_an_index instead.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_upgrade_from_empty_matches_the_models(empty_database_url):
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade(directory="migrations")
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []


def test_logins_find_the_username_through_an_index(empty_database_url):
    """Login, its failed-login counter and imports look usernames up by lower(username): never a scan of every user."""
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade(directory="migrations")
        with db.engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                plan = connection.exec_driver_sql(
                    "EXPLAIN QUERY PLAN SELECT id FROM user WHERE lower(username) = 'hs.an'"
                ).fetchall()
                assert any("ix_user_username_lower" in str(row) for row in plan), plan
            else:
                names = connection.exec_driver_sql(
                    "SELECT indexname FROM pg_indexes WHERE tablename = 'user'"
                ).scalars()
                assert "ix_user_username_lower" in set(names)
        db.engine.dispose()
