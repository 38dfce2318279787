"""Background jobs run for real: a Huey consumer (threads) on the SQLite queue and on Redis (db 6).

The rest of the suite queues jobs in Huey's immediate mode (conftest); here nothing runs until a real
consumer takes the task off the queue, as `make run` and production do.
"""

from __future__ import annotations

import signal
import stat
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.jobs import JobFailed, enqueue, job_kind
from quizapp.jobs.files import write_private
from quizapp.models import BackgroundJob, JobStatus, User

from . import conftest
from .conftest import Auth, csrf_token
from .test_roster_import_web import make_8a2, students_in, upload, xlsx

REDIS_URL = "redis://127.0.0.1:6379/6"
HEADER = ["STT", "Mã học sinh", "Họ và tên", "Ngày sinh", "Giới tính"]


def redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


@pytest.fixture(params=["sqlite", "redis"], ids=["sqlite-queue", "redis-queue"], autouse=True)
def real_queue(request, monkeypatch, tmp_path):
    """Every app of these tests uses a real queue (autouse: set before conftest's `app` fixture builds it)."""
    name = f"test-{uuid.uuid4().hex[:8]}"
    if request.param == "redis":
        if not redis_available():
            pytest.skip(f"Redis queue: no Redis answering at {REDIS_URL}")
        url = REDIS_URL
    else:
        url = f"sqlite:///{tmp_path / 'queue.sqlite'}"
    original = conftest.make_app
    monkeypatch.setattr(
        conftest, "make_app", lambda *args, **extra: original(*args, QUEUE_IMMEDIATE=False, QUEUE_URL=url, QUEUE_NAME=name, **extra)
    )
    yield request.param
    if request.param == "redis":
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"*{name}*"):
            client.delete(key)


@pytest.fixture
def instance(app, tmp_path):
    app.instance_path = str(tmp_path / "instance")
    Path(app.instance_path).mkdir(mode=0o700)
    return Path(app.instance_path)


class RunningConsumer:
    def __init__(self, app):
        self.app = app
        self.consumer = None

    def start(self):
        handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        huey = self.app.extensions["job_queue"].huey
        self.consumer = huey.create_consumer(workers=2, periodic=False, initial_delay=0.05, max_delay=0.2)
        self.consumer.start()
        for sig, handler in handlers.items():  # the consumer installs its own; pytest keeps Ctrl+C
            signal.signal(sig, handler)

    def stop(self):
        if self.consumer is not None:
            self.consumer.stop(graceful=True)


@pytest.fixture
def consumer(app):
    running = RunningConsumer(app)
    yield running
    running.stop()


def wait_for(app, job_id: int, timeout: float = 60) -> BackgroundJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            job = db.session.get(BackgroundJob, job_id)
            if job.finished:
                db.session.expunge(job)
                return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def job_id_of(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def class_list(count: int) -> bytes:
    rows = [["DANH SÁCH HỌC SINH LỚP 8A2"], HEADER]
    rows += [[n, f"HS{n:04d}", f"Nguyễn Văn Học {chr(65 + n % 26)}{n}", "01/02/2013", "Nam"] for n in range(1, count + 1)]
    return xlsx(rows)


def test_an_import_waits_on_the_queue_then_the_consumer_runs_it(app, client, auth, people, instance, consumer):
    class_id = make_8a2(app, people)
    auth.login("gv.hoa")
    preview_url = upload(client, class_id, "khoi.xlsx", class_list(45)).headers["Location"]
    assert "Chữ" not in client.get(preview_url).get_data(as_text=True)
    job_id = job_id_of(client.post(preview_url, data={"csrf_token": csrf_token(client, preview_url)}))
    # No consumer yet: the page says it is waiting and refreshes itself (no JavaScript needed).
    waiting = client.get(f"/cong-viec/{job_id}")
    html = waiting.get_data(as_text=True)
    assert waiting.status_code == 200 and waiting.headers["Cache-Control"] == "no-store"
    assert '<meta http-equiv="refresh" content="2">' in html and "Đang chờ đến lượt" in html
    assert students_in(app, class_id) == 0
    consumer.start()
    job = wait_for(app, job_id)
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 45, 45), job.message
    assert job.message == "Đã nhập danh sách: 45 học sinh mới, 0 cập nhật, 0 giữ nguyên."
    assert students_in(app, class_id) == 45
    # The progress page now leads to the slips, once; the passwords file is deleted after.
    result = Path(app.instance_path) / "jobs" / job.result_path
    assert stat.S_IMODE(result.stat().st_mode) == 0o600
    slips = client.get(f"/cong-viec/{job_id}", follow_redirects=True).get_data(as_text=True)
    assert slips.count("Mật khẩu</dt>") == 45
    assert not result.exists()
    again = client.get(f"/cong-viec/{job_id}", follow_redirects=True).get_data(as_text=True)
    assert "Phiếu đăng nhập chỉ hiện một lần" in again and "Mật khẩu</dt>" not in again
    # The parsed list is gone too.
    assert list((instance / "imports").glob("*.json")) == []
    # Nobody else reaches the job's pages: a colleague gets 404, a student 403.
    for username, status in (("gv.7a2", 404), ("bgh.a", 404), ("hs.an", 403)):
        other = app.test_client()
        Auth(other).login(username)
        assert other.get(f"/giao-vien/nhap-danh-sach/xong/{job_id}").status_code == status, username
        assert other.get(f"/cong-viec/{job_id}").status_code == 404, username


def test_progress_is_saved_while_the_work_runs(app, client, auth, people, instance, consumer, monkeypatch):
    """The page shows how far the job has come: each progress call is committed on its own."""
    class_id = make_8a2(app, people)
    auth.login("gv.hoa")
    seen: list[tuple[int, int]] = []
    from quizapp.jobs import runner

    original = runner.JobContext.progress

    def watched(self, done, total=None, message=None):
        original(self, done, total, message)
        with app.app_context():  # another session: what the progress page would read now
            job = db.session.get(BackgroundJob, self.id)
            seen.append((job.done, job.total))

    monkeypatch.setattr(runner.JobContext, "progress", watched)
    preview_url = upload(client, class_id, "khoi.xlsx", class_list(25)).headers["Location"]
    job_id = job_id_of(client.post(preview_url, data={"csrf_token": csrf_token(client, preview_url)}))
    consumer.start()
    assert wait_for(app, job_id).status == JobStatus.DONE
    assert seen == [(0, 25), (10, 25), (20, 25), (25, 25)]


def test_a_failing_import_writes_nothing_and_says_so(app, client, auth, people, instance, consumer, monkeypatch):
    class_id = make_8a2(app, people)
    auth.login("gv.hoa")
    preview_url = upload(client, class_id, "khoi.xlsx", class_list(12)).headers["Location"]
    from quizapp.jobs import tasks

    real_apply = tasks.apply_import

    def apply_then_break(plan, credentials):
        real_apply(plan, credentials)  # 12 accounts flushed…
        raise RuntimeError("the disk is full")  # …then the work breaks before the commit

    monkeypatch.setattr(tasks, "apply_import", apply_then_break)
    job_id = job_id_of(client.post(preview_url, data={"csrf_token": csrf_token(client, preview_url)}))
    consumer.start()
    job = wait_for(app, job_id)
    assert job.status == JobStatus.FAILED
    assert job.message.startswith("Có lỗi hệ thống khi xử lý nên chưa có gì được ghi.")
    assert students_in(app, class_id) == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(User.role == "student")) == 3
    page = client.get(f"/cong-viec/{job_id}").get_data(as_text=True)
    assert "Chưa xong được." in page and "http-equiv" not in page
    assert list((instance / "imports").glob("*.json")) == []  # the import has ended: its list is deleted


def test_a_conflict_found_at_import_time_fails_cleanly(app, client, auth, people, instance, consumer):
    """The school's data changed between preview and import: the job plans again and refuses."""
    class_id = make_8a2(app, people)
    auth.login("gv.hoa")
    data = xlsx([HEADER, [1, "HS0001", "Phạm Thu Hà", "01/02/2013", "Nữ"]])
    preview_url = upload(client, class_id, "lop.xlsx", data).headers["Location"]
    job_id = job_id_of(client.post(preview_url, data={"csrf_token": csrf_token(client, preview_url)}))
    with app.app_context():  # meanwhile, someone puts that student in class 7A1
        from quizapp.models import Enrollment, Role, SchoolClass

        from .conftest import add_user

        klass = db.session.get(SchoolClass, people["klass"])
        student = add_user("ha.pt", Role.STUDENT, klass.school, "Phạm Thu Hà", student_code="HS0001")
        db.session.add(Enrollment(student_id=student.id, class_id=klass.id, school_year_id=klass.school_year_id))
        db.session.commit()
    consumer.start()
    job = wait_for(app, job_id)
    assert job.status == JobStatus.FAILED
    assert "dữ liệu của trường đã thay đổi sau khi xem trước" in job.message
    assert "Phạm Thu Hà đã có trong lớp 7A1" in job.message
    assert students_in(app, class_id) == 0


@job_kind("test_report", "Xuất báo cáo thử")
def _test_report(job, rows: int, fail: bool = False):
    job.progress(0, total=rows)
    if fail:
        raise JobFailed("Không có số liệu cho năm học này.")
    write_private(job.result_file(".csv"), "".join(f"{n}\n" for n in range(rows)).encode())
    job.progress(rows)
    job.done("Đã xuất xong.", download_name="báo cáo lớp 8A2.csv")


def test_the_generic_runner_gives_a_download_to_its_owner_only(app, client, auth, people, instance, consumer):
    auth.login("gv.hoa")
    with app.test_request_context():
        from flask_login import login_user

        login_user(db.session.get(User, people["teacher"]))
        job_id = enqueue("test_report", rows=3)
        failing = enqueue("test_report", rows=3, fail=True)
    consumer.start()
    assert wait_for(app, job_id).status == JobStatus.DONE
    page = client.get(f"/cong-viec/{job_id}").get_data(as_text=True)
    assert "Đã xuất xong." in page and "Tải về báo cáo lớp 8A2.csv" in page and "http-equiv" not in page
    download = client.get(f"/cong-viec/{job_id}/tai-ve")
    assert download.status_code == 200 and download.data == b"0\n1\n2\n"
    assert "filename*=UTF-8''b%C3%A1o%20c%C3%A1o%20l%E1%BB%9Bp%208A2.csv" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "no-store"
    download.close()
    # Another teacher, even of the same school, sees neither the page nor the file.
    other = app.test_client()
    Auth(other).login("gv.7a2")
    assert other.get(f"/cong-viec/{job_id}").status_code == 404
    assert other.get(f"/cong-viec/{job_id}/tai-ve").status_code == 404
    # A failed job says why, in Vietnamese, and has nothing to download.
    assert wait_for(app, failing).message == "Không có số liệu cho năm học này."
    assert client.get(f"/cong-viec/{failing}/tai-ve").status_code == 404


def test_expired_results_are_deleted_by_the_cleanup(app, client, auth, people, instance, consumer):
    from datetime import timedelta

    from quizapp.jobs import cleanup
    from quizapp.models._base import utcnow

    with app.test_request_context():
        from flask_login import login_user

        login_user(db.session.get(User, people["teacher"]))
        job_id = enqueue("test_report", rows=2)
    consumer.start()
    job = wait_for(app, job_id)
    result = instance / "jobs" / job.result_path
    assert result.exists()
    with app.app_context():
        db.session.get(BackgroundJob, job_id).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert cleanup() == 1
    assert not result.exists()
    auth.login("gv.hoa")
    assert client.get(f"/cong-viec/{job_id}/tai-ve").status_code == 404


def test_a_job_left_running_by_a_dead_consumer_ends_as_failed(app, client, auth, people, instance):
    from datetime import timedelta

    from quizapp.jobs import cleanup
    from quizapp.models._base import utcnow

    with app.app_context():
        job = BackgroundJob(kind="test_report", owner_id=people["teacher"], status=JobStatus.RUNNING, params="{}")
        job.created_at = utcnow() - timedelta(hours=4)
        fresh = BackgroundJob(kind="test_report", owner_id=people["teacher"], status=JobStatus.RUNNING, params="{}")
        db.session.add_all([job, fresh])
        db.session.commit()
        job_id, fresh_id = job.id, fresh.id
        cleanup()
    auth.login("gv.hoa")
    page = client.get(f"/cong-viec/{job_id}").get_data(as_text=True)
    assert "Công việc bị gián đoạn" in page and "http-equiv" not in page
    assert "http-equiv" in client.get(f"/cong-viec/{fresh_id}").get_data(as_text=True)  # still running
