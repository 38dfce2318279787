"""The task queue: Huey, on an SQLite file in the instance folder by default, on Redis when configured.

`flask run` / gunicorn only put work on the queue; a separate consumer process runs it
(`huey_consumer quizapp.jobs.consumer.huey`, started by `make run`). QUEUE_IMMEDIATE runs each task
inside the call that queues it: for the test suite only, never in production (a 400-student import
would then run inside a web request again).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey, crontab

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


@dataclass
class AppQueue:
    """One app's queue and its two tasks."""

    huey: Huey
    run_job: object  # huey TaskWrapper: run_job(job_id) queues the job
    cleanup: object  # huey periodic TaskWrapper


def make_huey(url: str, name: str, instance_path: str, immediate: bool = False) -> Huey:
    if url.startswith(REDIS_SCHEMES):
        return RedisHuey(name, url=url, immediate=immediate, results=False)
    path = url.removeprefix("sqlite:///") if url else os.path.join(instance_path, "queue.sqlite")
    return SqliteHuey(name, filename=path, immediate=immediate, results=False)


class JobQueue:
    """Bound to the app in the factory; tasks run inside an app context of the app that queued them."""

    def init_app(self, app: Flask) -> None:
        from . import runner, tasks  # noqa: F401  (tasks registers the job kinds)

        config = app.config
        if config["QUEUE_IMMEDIATE"] and not app.testing:
            raise RuntimeError("QUEUE_IMMEDIATE is for the test suite: production runs a consumer (make run).")
        huey = make_huey(config["QUEUE_URL"], config["QUEUE_NAME"], app.instance_path, config["QUEUE_IMMEDIATE"])

        def run_job(job_id: int) -> None:
            with app.app_context():
                runner.run_job(job_id)

        def cleanup() -> None:
            with app.app_context():
                runner.cleanup()

        # A crashed worker's job is not re-run blindly: run_job skips jobs no longer queued.
        run_task = huey.task(name="run_job")(run_job)
        cleanup_task = huey.periodic_task(crontab(minute="*/10"), name="cleanup")(cleanup)
        app.extensions["job_queue"] = AppQueue(huey, run_task, cleanup_task)

    @property
    def current(self) -> AppQueue:
        return current_app.extensions["job_queue"]

    @property
    def huey(self) -> Huey:
        return self.current.huey
