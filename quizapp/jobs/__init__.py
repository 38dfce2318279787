"""Long work in the background: a status row per job, a Huey task that runs it, a progress page.

For any long piece of work (a city-wide export, a report PDF):

    from quizapp.jobs import enqueue, job_kind

    @job_kind("coverage_export", "Xuất báo cáo phủ sóng")
    def coverage_export(job, unit_id):          # runs in the queue consumer, inside an app context
        job.progress(0, total=n)                # each call is saved at once (own short transaction)
        path = job.result_file(".xlsx")         # write the result here (created 0600)
        ...
        job.done("Đã xuất xong.", download_name="bao-cao.xlsx")

    job_id = enqueue("coverage_export", unit_id=unit.id)   # in the view, then
    return redirect(url_for("jobs.progress", job_id=job_id))

Raise JobFailed("lý do bằng tiếng Việt") to fail cleanly; the handler's session is rolled back either way.
The module that defines a handler must be imported when the app starts (quizapp/jobs/tasks.py is).
"""

from __future__ import annotations

# Lazy: quizapp.extensions imports this package, and the runner needs the models (which need extensions).
_EXPORTS = {"enqueue", "job_kind", "JobFailed", "JobContext", "run_job", "cleanup"}


def __getattr__(name: str):
    if name in _EXPORTS:
        from . import runner

        return getattr(runner, name)
    raise AttributeError(name)
