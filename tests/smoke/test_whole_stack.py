"""The whole stack as "Chạy thật" in the README sets it up: nginx with the shipped site file and a
self-signed certificate, gunicorn with gunicorn.conf.py, PostgreSQL, Redis for the login limit.

Over HTTPS through nginx a teacher and a student log in, the student takes a quiz and reads the result,
gunicorn's access log shows the client's own address (not nginx's, not a forged one), and after Redis
stops a student still logs in. Everything runs on ports of its own, in a database created and dropped
here, and is stopped and removed at the end. Skipped, saying why, where nginx, redis-server, openssl or
PostgreSQL (TEST_DATABASE_URL) is missing; .ci/run installs nginx.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from http.client import HTTPSConnection
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
REDIS = shutil.which("redis-server")
OPENSSL = shutil.which("openssl")
PG_URL = os.environ.get("TEST_DATABASE_URL")
CLIENT_ADDR = "127.0.0.5"  # the "browser" connects from here; nginx reaches gunicorn from 127.0.0.1
PORTS = range(5400, 5500)

_missing = [
    name
    for name, found in (("nginx", NGINX), ("redis-server", REDIS), ("openssl", OPENSSL), ("PostgreSQL", PG_URL))
    if not found
]
_why = (
    f"whole-stack smoke test: {', '.join(_missing)} not available (.ci/run installs nginx and redis-server; "
    "PostgreSQL comes from TEST_DATABASE_URL)"
)
if _missing and os.environ.get("SMOKE_REQUIRED") == "1":  # .ci/run: a skipped smoke test is a failed one
    raise RuntimeError(_why)
pytestmark = pytest.mark.skipif(bool(_missing), reason=_why)


def free_ports(count: int) -> list[int]:
    found = []
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    raise RuntimeError("no free ports in 5400-5499")


def wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{process.args[0]} exited with {process.returncode}:\n{tail(log)}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port} after {seconds} s:\n{tail(log)}")


def wait_for_workers(port: int, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    """The master listens at once; the workers answer only once they have loaded the app."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}:\n{tail(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=seconds) as conn:
                conn.sendall(b"HEAD /static/favicon.svg HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                if conn.recv(64).startswith(b"HTTP/"):  # any answer: a worker has the app loaded
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"gunicorn's workers did not answer in {seconds} s:\n{tail(log)}")


def tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else "(no log)"


class Browser:
    """Just enough of a browser: cookies, the Referer header a real one sends, redirects followed."""

    def __init__(self, port: int, cafile: Path):
        self.port, self.origin = port, f"https://127.0.0.1:{port}"
        self.context = ssl.create_default_context(cafile=str(cafile))
        self.cookies: dict[str, str] = {}
        self.set_cookies: list[str] = []
        self.page = "/"

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        conn = HTTPSConnection(
            "127.0.0.1", self.port, context=self.context, source_address=(CLIENT_ADDR, 0), timeout=30
        )
        sent = {"Referer": self.origin + self.page, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        page = response.read().decode("utf-8", errors="replace")
        for cookie in response.headers.get_all("Set-Cookie") or []:
            self.set_cookies.append(cookie)
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value and "Max-Age=0" not in cookie and "1970" not in cookie:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        conn.close()
        return response.status, response.headers, page

    def go(self, method: str, path: str, form: dict | None = None) -> tuple[str, str]:
        """(final path, page) after following redirects, as a browser would."""
        status, headers, page = self.request(method, path, form)
        for _ in range(5):
            if status not in (301, 302, 303):
                break
            location = headers["Location"]
            parts = urlsplit(location)
            if parts.netloc:  # an absolute redirect must name the public address, not gunicorn's
                assert location.startswith(self.origin), location
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            status, headers, page = self.request("GET", path)
        assert status == 200, f"{method} → {path}: {status}\n{page[:2000]}"
        self.page = path
        return path, page

    def form(self, path: str, page: str | None = None) -> dict:
        if page is None:
            _, page = self.go("GET", path)
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
        assert token, f"no CSRF token on {path}"
        return {"csrf_token": token.group(1)}

    def login(self, username: str, password: str, new_password: str) -> str:
        """Log in (changing the first password when asked); the password in force afterwards."""
        form = {**self.form("/dang-nhap"), "username": username, "password": password}
        path, page = self.go("POST", "/dang-nhap", form)
        assert path != "/dang-nhap", f"login refused for {username}:\n{page[:3000]}"
        if not path.startswith("/doi-mat-khau"):
            return password
        change = {**self.form(path, page), "current": password, "new": new_password, "confirm": new_password}
        path, page = self.go("POST", "/doi-mat-khau", change)
        assert not path.startswith("/doi-mat-khau"), page[:3000]
        return new_password


def answer_everything(page: str) -> dict:
    """Fill every question of an attempt page: the first choice, or the steps in the order shown."""
    answers: dict = {}
    for name in dict.fromkeys(re.findall(r'<input type="(?:radio|checkbox)" name="(q\d+)"', page)):
        answers[name] = "0"
    for name, count in _order_questions(page).items():
        for i in range(count):
            answers[f"{name}-{i}"] = str(i + 1)
    assert answers, "no questions on the attempt page"
    return answers


def _order_questions(page: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in re.findall(r'<select name="(q\d+)-\d+"', page):
        counts[name] = counts.get(name, 0) + 1
    return counts


@pytest.fixture
def stack():
    """Every process and file of the stack, stopped and removed afterwards even when a step fails."""
    work = Path(tempfile.mkdtemp(prefix="quizapp-smoke-"))
    work.chmod(0o755)
    database = "smoke_" + secrets.token_hex(4)
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {database}"))
    state = {"work": work, "database": database, "processes": {}, "logs": []}
    try:
        yield state
    finally:
        for name, process in reversed(list(state["processes"].items())):
            if process.poll() is None:
                process.send_signal(signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        for log in state["logs"]:
            log.close()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        admin.dispose()
        shutil.rmtree(work, ignore_errors=True)


RUN_COMMANDS = """
import json, sys
from wsgi import app
runner = app.test_cli_runner()
outputs = []
for args in json.loads(sys.argv[1]):
    result = runner.invoke(args=args)
    if result.exit_code != 0:
        sys.exit(f"flask {' '.join(args)}: {result.output} {result.exception!r}")
    outputs.append(result.output)
print(json.dumps(outputs))
"""


def site_file(work: Path, app_port: int, http_port: int, https_port: int) -> str:
    """deploy/nginx-quizapp.conf with this test's ports, certificate and paths (each change must apply)."""
    site = (ROOT / "deploy" / "nginx-quizapp.conf").read_text()
    changes = [
        ("server 127.0.0.1:5200;", f"server 127.0.0.1:{app_port};"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;\n", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;\n", ""),
        ("server_name hoc.truong.edu.vn;", "server_name 127.0.0.1;"),
        ("/etc/letsencrypt/live/hoc.truong.edu.vn/fullchain.pem", str(work / "cert.pem")),
        ("/etc/letsencrypt/live/hoc.truong.edu.vn/privkey.pem", str(work / "key.pem")),
        ("/srv/quizapp/quizapp/static/", f"{ROOT}/quizapp/static/"),
        ("root /var/www/html;", f"root {work};"),
    ]
    for old, new in changes:
        assert old in site, f"deploy/nginx-quizapp.conf no longer has “{old.strip()}”: update this test"
        site = site.replace(old, new)
    return site


def nginx_conf(work: Path) -> str:
    temp = "\n".join(
        f"  {kind}_temp_path {work}/nginx-{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;" if os.geteuid() == 0 else ""
    return f"""{user}
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
daemon off;
events {{ worker_connections 64; }}
http {{
  include /etc/nginx/mime.types;
  access_log {work}/nginx-access.log;
{temp}
  include {work}/site.conf;
}}
"""


def test_https_through_nginx_gunicorn_postgresql_and_redis(stack):
    work, processes = stack["work"], stack["processes"]
    app_port, http_port, https_port, redis_port = free_ports(4)
    started = time.monotonic()

    subprocess.run(
        [OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(work / "key.pem"), "-out", str(work / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    instance = work / "instance"
    instance.mkdir(mode=0o700)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("RATELIMIT_", "SESSION_COOKIE_", "GUNICORN_", "QUIZAPP_", "TRUSTED_PROXIES", "SITE_URL"))
    }
    env.update(
        SECRET_KEY=secrets.token_hex(32),
        DATABASE_URL=make_url(PG_URL).set(database=stack["database"]).render_as_string(hide_password=False),
        SITE_URL=f"https://127.0.0.1:{https_port}",
        TRUSTED_PROXIES="1",
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{redis_port}/3",
        QUIZAPP_INSTANCE_PATH=str(instance),
        GUNICORN_BIND=f"127.0.0.1:{app_port}",
        GUNICORN_WORKERS="2",
        GUNICORN_ACCESS_LOG=str(work / "access.log"),
        GUNICORN_ERROR_LOG=str(work / "error.log"),
    )

    # The set-up "Chạy thật" prescribes, command by command: migrate, content, the school from the command
    # line. One process runs them all (each `flask` start costs seconds of imports).
    class_list = work / "7a1.csv"
    class_list.write_text("Họ và tên,Ngày sinh,Lớp\nLê Thu Hà,03/04/2014,7A1\nĐỗ Minh Quân,05/06/2014,7A1\n")
    commands = [
        ["db", "upgrade"],
        ["content", "sync"],
        ["org", "add-unit", "P-SMOKE", "Phường Kiểm Thử"],
        ["org", "add-school", "THCS-SMOKE", "THCS Kiểm Thử", "--unit", "P-SMOKE"],
        ["org", "add-user", "Nguyễn Thị Hoa", "--role", "teacher", "--school", "THCS-SMOKE", "--username", "gv.smoke"],
        ["roster", "import", str(class_list), "--school", "THCS-SMOKE", "--slips", str(work / "slips.pdf")],
        ["org", "assign-teacher", "gv.smoke", "--school", "THCS-SMOKE", "--class", "7A1"],
    ]
    done = subprocess.run(
        [sys.executable, "-c", RUN_COMMANDS, json.dumps(commands)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    outputs = json.loads(done.stdout.splitlines()[-1])
    teacher_password = re.search(r"Mật khẩu:\s+(\S+)", outputs[4]).group(1)
    student, student_password = re.search(r"7A1\s+Lê Thu Hà\s+(\S+)\s+(\S+)", outputs[5]).groups()
    assert (work / "slips.pdf").read_bytes().startswith(b"%PDF")

    def log_file(name: str):
        stack["logs"].append((work / name).open("w"))
        return stack["logs"][-1]

    # A Redis of this test's own (never the shared one), so that stopping it harms nobody.
    redis_log = work / "redis.log"
    processes["redis"] = subprocess.Popen(
        [REDIS, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=log_file("redis.log"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    wait_for_port(redis_port, processes["redis"], redis_log)
    processes["gunicorn"] = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=env,
        stdout=log_file("gunicorn.out"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    wait_for_port(app_port, processes["gunicorn"], work / "error.log")
    wait_for_workers(app_port, processes["gunicorn"], work / "error.log")
    (work / "site.conf").write_text(site_file(work, app_port, http_port, https_port))
    (work / "nginx.conf").write_text(nginx_conf(work))
    nginx = [NGINX, "-p", str(work), "-c", str(work / "nginx.conf"), "-e", str(work / "nginx-error.log")]
    checked = subprocess.run([*nginx, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    processes["nginx"] = subprocess.Popen(nginx, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    wait_for_port(https_port, processes["nginx"], work / "nginx-error.log")

    # Plain HTTP is sent to HTTPS.
    with socket.create_connection(("127.0.0.1", http_port)) as plain:
        plain.sendall(b"GET /dang-nhap HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert b"301" in plain.recv(4096).split(b"\r\n")[0]

    # A teacher: first login, own password, the class assigned from the command line.
    teacher = Browser(https_port, work / "cert.pem")
    teacher.login("gv.smoke", teacher_password, "Hoa-kiem-thu-2026")
    session_cookie = next(c for c in teacher.set_cookies if c.startswith("session="))
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie
    _, classes = teacher.go("GET", "/giao-vien/")
    assert "7A1" in classes

    # A student: a quiz from start to result.
    pupil = Browser(https_port, work / "cert.pem")
    student_password = pupil.login(student, student_password, "Ha-kiem-thu-2026")
    _, home = pupil.go("GET", "/")
    quiz_key = re.search(r'href="/bai-kiem-tra/([\w-]+)"', home).group(1)
    quiz_page = f"/bai-kiem-tra/{quiz_key}"
    attempt_path, attempt = pupil.go("POST", f"{quiz_page}/bat-dau", pupil.form(quiz_page))
    assert attempt_path.startswith("/lam-bai/"), attempt_path
    answers = {**pupil.form(attempt_path, attempt), **answer_everything(attempt), "action": "submit"}
    result_path, result = pupil.go("POST", attempt_path, answers)
    assert result_path.startswith("/ket-qua/"), result_path
    assert re.search(r"Đạt|Chưa đạt", result) and re.search(r"\b\d+/\d+\b", html.unescape(result))

    # The access log names the browser's address, also when it forges X-Forwarded-For.
    status, _, _ = pupil.request("GET", "/khong-co-trang-nay", headers={"X-Forwarded-For": "6.6.6.6"})
    assert status == 404
    time.sleep(0.3)  # gunicorn writes the line as the response ends
    access = (work / "access.log").read_text()
    assert re.search(rf"^{re.escape(CLIENT_ADDR)} .*\"POST /dang-nhap ", access, re.M), access[-2000:]
    forged = [line for line in access.splitlines() if "/khong-co-trang-nay" in line]
    assert forged and forged[-1].startswith(CLIENT_ADDR + " "), forged
    through_nginx = [line for line in access.splitlines() if '"POST ' in line]
    assert through_nginx and all(line.startswith(CLIENT_ADDR + " ") for line in through_nginx), through_nginx

    # Redis stops: logging in still works (the limiter counts in the worker's memory meanwhile).
    processes["redis"].terminate()
    processes["redis"].wait(timeout=10)
    again = Browser(https_port, work / "cert.pem")
    again.login(student, student_password, student_password)
    assert processes["gunicorn"].poll() is None
    logged = tail(work / "gunicorn.out", 400) + tail(work / "error.log", 400)
    assert "Rate limit storage unreachable" in logged, "no warning about Redis in gunicorn's logs"
    print(f"whole stack: {time.monotonic() - started:.1f} s")
