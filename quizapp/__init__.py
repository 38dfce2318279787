"""The application factory: configuration, extensions, blueprints, error pages, commands."""

from __future__ import annotations

import os

from flask import Flask

from .config import instance_path_from_env, load_config
from .jobs.files import secure_instance
from .logs import configure as configure_logging


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path_from_env())
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(load_config(app.instance_path, test_config))
    secure_instance(app.instance_path, app.config["SQLALCHEMY_DATABASE_URI"])  # files 0600, folders 0700
    configure_logging(app)  # before anything logs
    register_proxy(app)
    register_security(app)  # before the extensions (engine options) and blueprints (URL converter)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_proxy(app: Flask) -> None:
    from .proxy import install

    install(app)


def register_security(app: Flask) -> None:
    from .security import install

    install(app)


def register_extensions(app: Flask) -> None:
    from flask import request

    from .auth import sessions, throttle  # noqa: F401  (throttle registers the "database://" limiter storage)
    from .database import declare_request, tune_engine
    from .extensions import csrf, db, limiter, login_manager, migrate, queue

    db.init_app(app)
    migrate.init_app(app, db)
    csrf.init_app(app)
    login_manager.init_app(app)
    # If Redis (or the database) stops answering, count in this worker's memory and log a warning.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    limiter.init_app(app)
    queue.init_app(app)
    with app.app_context():
        tune_engine(db.engine)

    login_manager.user_loader(sessions.load_user)  # revocable tokens, not bare user ids

    @app.before_request
    def declare_write_intent() -> None:
        view = app.view_functions.get(request.endpoint or "")
        if request.method in ("GET", "HEAD", "OPTIONS"):
            writes = getattr(view, "writes_on_get", False)
        else:
            writes = not getattr(view, "reads_first", False)
        declare_request(writes)


def register_blueprints(app: Flask) -> None:
    from . import audit_views as _audit_views  # noqa: F401  (adds the log pages to school_bp and office_bp)
    from .auth.views import bp as auth_bp
    from .jobs.views import bp as jobs_bp
    from .learn.views import bp as learn_bp
    from .office.manage import bp as office_manage_bp
    from .office.views import bp as office_bp
    from .practice.views import bp as practice_bp
    from .privacy.notice import bp as privacy_bp
    from .school import privacy_views as _school_privacy  # noqa: F401  (adds its routes to school_bp)
    from .school.manage import bp as school_manage_bp
    from .school.views import bp as school_bp
    from .teach import passwords as _teach_passwords  # noqa: F401  (adds the reset and reprint routes)
    from .teach import practice as _teach_practice  # noqa: F401  (adds the practice funnel routes)
    from .teach.views import bp as teach_bp
    from .verify.views import bp as verify_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(learn_bp)
    app.register_blueprint(teach_bp)
    app.register_blueprint(school_bp)
    app.register_blueprint(school_manage_bp)
    app.register_blueprint(office_bp)
    app.register_blueprint(office_manage_bp)
    app.register_blueprint(verify_bp)
    app.register_blueprint(practice_bp)
    app.register_blueprint(privacy_bp)


def register_errorhandlers(app: Flask) -> None:
    from .errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from .templating import register

    register(app)


def register_commands(app: Flask) -> None:
    from .backup_cli import backup_cli
    from .cli import coverage_cli, demo_cli, user_cli
    from .content.cli import content_cli
    from .org_cli import org_cli
    from .privacy.cli import privacy_cli
    from .report_cli import report_cli
    from .roster_cli import roster_cli

    app.cli.add_command(content_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(coverage_cli)
    app.cli.add_command(user_cli)
    app.cli.add_command(roster_cli)
    app.cli.add_command(org_cli)
    app.cli.add_command(report_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(privacy_cli)
