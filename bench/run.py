"""`make bench`: the app at city size under gunicorn, against reference endpoints measured in the same run.

Per engine (SQLite always; PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL names a server):
1. a city-size database built once with `flask demo city` and cached by (size, seed, schema/builder digest):
   SQLite in bench/.cache/, PostgreSQL as a template database bench_city_<key>; each run works on a copy;
2. the app (wsgi:app) and the reference endpoints (bench/refapp.py) under gunicorn with the repo's
   gunicorn.conf.py (workers from it), on loopback ports, access log with the server time (%(D)s µs);
3. server time of the office pages, the class dashboard, the province xlsx and issuing an official report
   (median of 3 after one warm-up, from the access log), and the peak RSS of the worker that served the export;
4. throughput with wrk (median of 3, alternating app and reference): lesson page vs minimal response,
   quiz submit (distinct students logged in beforehand, each attempt submitted once) vs a one-row insert;
5. the class-period journey with locust: 500 students logging in over 5 minutes (--quick: over 60 s),
   then reading lessons and taking quizzes; p99 per page, errors, login p99.
It prints one table and writes it to bench/out/results.md. Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = ROOT / ".venv" / "bin"
BENCH_BIN = BENCH / ".venv" / "bin"
CACHE = BENCH / ".cache"
OUT = BENCH / "out"
TMP = Path(os.environ.get("BENCH_TMP", "/tmp/bench"))
PORT = int(os.environ.get("BENCH_PORT", "5310"))  # app on PORT, reference endpoints on PORT + 1
SEED = 2026
STAFF_PASSWORD = "giaovien2026"
WRK_SECONDS = 4
TIMED = 3  # medians of 3

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_CHOICE = re.compile(r'name="q(\d+)" value="(\d+)"')
_ORDER = re.compile(r'name="q(\d+)-(\d+)"')


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- databases -------------------------------------------------------------------------------------------


def build_key(students: int) -> str:
    """Changes when the city builder changes: the cached database is rebuilt. Later migrations and content
    changes do not need a rebuild: every run upgrades and syncs its working copy (prepare_copy)."""
    digest = hashlib.sha256((ROOT / "quizapp/services/demo_city.py").read_bytes()).hexdigest()[:10]
    return f"{students}_{SEED}_{digest}"


def prepare_copy(url: str) -> None:
    env = base_env(url)
    flask(env, "db", "upgrade")
    flask(env, "content", "sync")


def flask(env: dict, *args: str, measure: bool = False) -> dict:
    """Run a flask command; with measure=True return its wall time and peak RSS (from wait4)."""
    started = time.monotonic()
    process = subprocess.Popen([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        sys.exit(f"bench: flask {' '.join(args)} failed ({process.returncode})")
    return {"seconds": time.monotonic() - started, "peak_rss_mb": usage.ru_maxrss / 1024} if measure else {}


def base_env(url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("QUEUE_URL", "REDIS_URL")}
    env.update(
        DATABASE_URL=url,
        SECRET_KEY="bench-only-secret",
        SITE_URL=f"http://127.0.0.1:{PORT}",
        QUIZAPP_INSTANCE_PATH=str(TMP / "instance"),
    )
    return env


def build_city(url: str, students: int) -> dict:
    env = base_env(url)
    log(f"building the city ({students} students) into {url.rsplit('/', 1)[-1]}: once per size and engine")
    flask(env, "db", "upgrade")
    flask(env, "content", "sync")
    return flask(env, "demo", "city", "--students", str(students), "--seed", str(SEED), measure=True)


def sqlite_database(students: int) -> tuple[str, dict]:
    CACHE.mkdir(parents=True, exist_ok=True)
    key = build_key(students)
    cached, meta = CACHE / f"city-{key}.sqlite", CACHE / f"city-{key}.json"
    if not meta.exists():
        for stale in CACHE.glob(f"city-{key}.sqlite*"):
            stale.unlink()
        info = build_city(f"sqlite:///{cached}", students)
        meta.write_text(json.dumps(info))
    work = TMP / "app.sqlite"
    for stale in TMP.glob("app.sqlite*"):
        stale.unlink()
    shutil.copyfile(cached, work)  # the run writes (submits, reports): the cache stays as built
    prepare_copy(f"sqlite:///{work}")
    return f"sqlite:///{work}", json.loads(meta.read_text())


def pg_admin(server_url: str):
    import psycopg

    base = server_url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0]
    return psycopg.connect(f"{base}/postgres", autocommit=True), base


def pg_database(server_url: str, students: int) -> tuple[str, dict]:
    import psycopg

    conn, base = pg_admin(server_url)
    key = build_key(students)
    template = f"bench_city_{key}"
    meta = CACHE / f"pg-{key}.json"
    with conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (template,)).fetchone()
        if not exists or not meta.exists():
            if exists:
                conn.execute(f'DROP DATABASE "{template}"')
            for (old,) in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'bench_city_%'").fetchall():
                conn.execute(f'DROP DATABASE "{old}"')  # an older build of this harness
            conn.execute(f'CREATE DATABASE "{template}"')
            CACHE.mkdir(parents=True, exist_ok=True)
            built = build_city(f"postgresql+psycopg://{base.split('://', 1)[1]}/{template}", students)
            # A live database is vacuumed by autovacuum; a fresh bulk load is not. Without it every copy starts
            # with no visibility map (no index-only scans) and sets hint bits on its first reads.
            with psycopg.connect(f"{base}/{template}", autocommit=True) as built_db:
                built_db.execute("VACUUM (ANALYZE)")
            meta.write_text(json.dumps(built))
        conn.execute("DROP DATABASE IF EXISTS bench_run")
        conn.execute(f'CREATE DATABASE bench_run TEMPLATE "{template}"')  # a file copy: seconds
        conn.execute("DROP DATABASE IF EXISTS bench_ref")
        conn.execute("CREATE DATABASE bench_ref")
    url = f"postgresql+psycopg://{base.split('://', 1)[1]}/bench_run"
    prepare_copy(url)
    return url, json.loads(meta.read_text())


def pg_sizes(url: str) -> list[tuple[str, int, int]]:
    """(table, rows, bytes with indexes and TOAST) for the biggest tables, for docs/scaling.md."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        rows = conn.execute(
            "SELECT c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid), pg_indexes_size(c.oid) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY 3 DESC LIMIT 12"
        ).fetchall()
    return rows


# --- servers ---------------------------------------------------------------------------------------------


class Server:
    def __init__(self, name: str, target: str, port: int, env: dict):
        self.name, self.port = name, port
        self.access = TMP / f"{name}-access.log"
        self.access.write_text("")
        self.offset = 0
        command = [
            str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
            "--access-logfile", str(self.access), "--access-logformat", "%(p)s %(m)s %(U)s %(s)s %(D)s",
            "--error-logfile", str(TMP / f"{name}-error.log"), target,
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/dang-nhap" if name == "app" else
                                       f"http://127.0.0.1:{port}/min", timeout=30)
                return
            except OSError:  # refused while booting, or the first request timed out
                time.sleep(0.3)
        self.stop()
        sys.exit(f"bench: {name} did not start on port {port} (see {TMP}/{name}-error.log)")

    def new_log_lines(self) -> list[list[str]]:
        time.sleep(0.05)  # the access log line is written just after the response
        with self.access.open() as f:
            f.seek(self.offset)
            text = f.read()
            self.offset = f.tell()
        return [line.split() for line in text.splitlines() if line.strip()]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def workers() -> int:
    env = dict(os.environ)
    code = "import runpy; print(runpy.run_path('gunicorn.conf.py')['workers'])"
    return int(subprocess.check_output([str(BIN / "python"), "-c", code], cwd=ROOT, env=env, text=True))


# --- a logged-in browser ---------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=300) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode("utf-8", "replace")

    def csrf(self, path: str) -> str:
        found = _CSRF.search(self.request(path)[2])
        return found.group(1) if found else ""

    def login(self, username: str, password: str) -> None:
        status, location, _ = self.request(
            "/dang-nhap", {"username": username, "password": password, "next": "", "csrf_token": self.csrf("/dang-nhap")}
        )
        if status != 302 or "dang-nhap" in location or "doi-mat-khau" in location:
            sys.exit(f"bench: login of {username} failed ({status} → {location})")

    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


# --- measurements ----------------------------------------------------------------------------------------


def server_times(app: Server, browser: Browser, method: str, path: str, data=None, runs: int = TIMED, warm=True):
    """Median server time (ms, from the access log) of `runs` requests after warming the workers; and the pids.

    A worker's first request of a page compiles its templates and SQL (150–350 ms here); a production worker
    serves thousands of requests (max_requests) after that. Two warm-ups per worker make it likely that each
    worker has served the page once before the timed requests, whichever worker the kernel hands them to.
    """
    times, pids = [], []
    warmups = 2 * workers() if warm else 0
    for i in range(runs + warmups):
        app.new_log_lines()
        status, _, _ = browser.request(path, data() if callable(data) else data)
        if status >= 400:
            sys.exit(f"bench: {method} {path} answered {status}")
        lines = [line for line in app.new_log_lines() if line[1] == method and line[2] == path]
        if i < warmups:
            continue
        times.append(int(lines[-1][4]) / 1000)
        pids.append(int(lines[-1][0].strip("<>")))
    return statistics.median(times), pids


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wrk(port: int, lines: list[str], connections: int, once: bool = False) -> float:
    """Requests per second that wrk sustained replaying `lines` (see bench/wrk/replay.lua)."""
    requests = TMP / "wrk-requests.tsv"
    requests.write_text("\n".join(lines) + "\n")
    env = dict(os.environ, BENCH_REQUESTS=str(requests), BENCH_ONCE="1" if once else "0")
    result = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{WRK_SECONDS}s", "-s", str(BENCH / "wrk/replay.lua"),
         f"http://127.0.0.1:{port}"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if bad:
        sys.exit(f"bench: {bad.group(1)} error responses from port {port}:\n{result.stdout}")
    if "exhausted" in result.stderr:
        # The prepared attempts ran out before wrk's time did (each is submitted once): wrk's req/s would count
        # the idle rest. Little's law on the busy part instead: connections / mean latency.
        value, unit = re.search(r"Latency\s+([\d.]+)(us|ms|s)", result.stdout).groups()
        return connections / (float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0}[unit])
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))


def submit_body(page: str, csrf: str) -> str:
    answers = {"csrf_token": csrf, "action": "submit_anyway"}
    for position, value in _CHOICE.findall(page):
        answers.setdefault(f"q{position}", value)
    for position, index in _ORDER.findall(page):
        answers[f"q{position}-{index}"] = str(int(index) + 1)
    return urllib.parse.urlencode(answers)


def query(url: str, sql: str) -> list[tuple]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = [tuple(row) for row in conn.execute(text(sql))]
    engine.dispose()
    return rows


def locust_journey(quick: bool, usernames: list[str], password: str, pairs: str) -> dict:
    users, seconds = 500, 60 if quick else 300
    students_file = TMP / "journey-students.txt"
    students_file.write_text("\n".join(usernames))
    prefix = TMP / "journey"
    env = dict(
        os.environ, BENCH_STUDENTS_FILE=str(students_file), BENCH_STUDENT_PASSWORD=password, BENCH_LESSON_QUIZ=pairs
    )
    log(f"class-period journey: {users} students logging in over {seconds} s, then reading and taking quizzes")
    subprocess.run(
        [str(BENCH_BIN / "locust"), "-f", str(BENCH / "journey.py"), "--headless", "--only-summary",
         "-u", str(users), "-r", f"{users / seconds:.4f}", "-t", f"{seconds + 60}s", "--stop-timeout", "30",
         "--host", f"http://127.0.0.1:{PORT}", "--csv", str(prefix), "--loglevel", "WARNING"],
        env=env, cwd=TMP, check=False, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    pages, total = {}, None
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            entry = {
                "count": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                "p50": float(row["50%"] or 0), "p99": float(row["99%"] or 0), "rps": float(row["Requests/s"]),
            }  # fmt: skip
            if row["Name"] == "Aggregated":
                total = entry
            else:
                pages[row["Name"]] = entry
    return {"users": users, "seconds": seconds, "pages": pages, "total": total}


def run_engine(engine: str, url: str, build: dict, quick: bool, ref_url: str) -> dict:
    from quizapp.services.demo import DEMO_PASSWORD_STUDENT

    result: dict = {"engine": engine, "build": build}
    env = base_env(url)
    (TMP / "instance").mkdir(parents=True, exist_ok=True)
    n_workers = workers()
    result["workers"] = n_workers
    app = Server("app", "wsgi:app", PORT, env)
    try:
        ref = Server("ref", "bench.refapp:app", PORT + 1, dict(env, BENCH_REF_DATABASE_URL=ref_url))
    except BaseException:
        app.stop()
        raise
    try:
        # Who is who in the city (ids for the pages; students for the journey and the submits).
        unit_row = query(url, "SELECT id FROM unit WHERE code = 'THANHPHO'")
        result["province_unit"] = unit_row[0][0]
        students = [
            row[0]
            for row in query(
                url,
                "SELECT username FROM \"user\" WHERE role = 'student' AND NOT must_change_password "
                "AND username LIKE 'hs%' ORDER BY id LIMIT 1000",
            )
        ]
        lessons = [r[0] for r in query(url, "SELECT key FROM lesson ORDER BY position")]
        quizzes = [r[0] for r in query(url, "SELECT key FROM quiz ORDER BY id")]

        office = Browser(PORT)
        office.login("so.thanhpho", STAFF_PASSWORD)
        ward = Browser(PORT)
        ward.login("px01.thanhpho", STAFF_PASSWORD)
        teacher = Browser(PORT)
        teacher.login("gv.tp0001.7a1", STAFF_PASSWORD)
        school_id = int(re.search(r"/don-vi/truong/(\d+)", ward.request("/don-vi/")[2]).group(1))
        class_id = int(re.search(r"/giao-vien/lop/(\d+)", teacher.request("/giao-vien/")[2]).group(1))

        log("server time of the office pages, the class dashboard, the export and a report")
        ms = {}
        ms["province /don-vi/"], _ = server_times(app, office, "GET", "/don-vi/")
        ms["ward /don-vi/"], _ = server_times(app, ward, "GET", "/don-vi/")
        ms["school drill-down"], _ = server_times(app, ward, "GET", f"/don-vi/truong/{school_id}")
        ms["class dashboard"], _ = server_times(app, teacher, "GET", f"/giao-vien/lop/{class_id}")
        ms["province coverage .xlsx"], pids = server_times(app, office, "GET", "/don-vi/do-phu.xlsx")
        result["export_rss_mb"] = max(peak_rss_mb(pid) for pid in set(pids))

        issue_count = iter(range(100))

        def report_form():
            page = office.request("/don-vi/bao-cao")[2]
            fields = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', page))
            fields.update(re.findall(r'<textarea[^>]*name="(\w+)"[^>]*>([^<]*)</textarea>', page, re.S))
            fields = {k: v.replace("&#34;", '"').replace("&amp;", "&") for k, v in fields.items()}
            fields.pop("preview", None)
            fields["title"] = f"{fields.get('title', 'Báo cáo')} (bench {next(issue_count)})"  # never a repeat
            fields["issue"] = "Ban hành báo cáo"
            return fields

        ms["issue an official report"], _ = server_times(app, office, "POST", "/don-vi/bao-cao", report_form, warm=False)
        result["ms"] = ms

        # Throughput, distinct students: log them in first (scrypt, ~0.2 s each), then prepare their attempts.
        submit_students = students[:60] if quick else students[:120]
        log(f"logging in {len(submit_students)} students and starting their quizzes (untimed preparation)")

        def prepare(username: str) -> tuple[str, list[str]]:
            browser = Browser(PORT)
            browser.login(username, DEMO_PASSWORD_STUDENT)
            submits = []
            for quiz in quizzes:
                status, location, _ = browser.request(
                    f"/bai-kiem-tra/{quiz}/bat-dau", {"csrf_token": browser.csrf(f"/bai-kiem-tra/{quiz}")}
                )
                if "/lam-bai/" not in location:
                    continue
                path = urllib.parse.urlsplit(location).path
                page = browser.request(path)[2]
                submits.append(f"POST\t{path}\t{browser.cookie()}\t{submit_body(page, _CSRF.search(page).group(1))}")
            return browser.cookie(), submits

        with ThreadPoolExecutor(4) as pool:
            prepared = list(pool.map(prepare, submit_students))
        cookies = [c for c, _ in prepared]
        submit_lines = [line for _, lines in prepared for line in lines]
        lesson_lines = [
            f"GET\t/bai-hoc/{lessons[i % len(lessons)]}\t{cookie}\t" for i, cookie in enumerate(cookies * 2)
        ]
        connections = 2 * n_workers
        rates: dict[str, list[float]] = {k: [] for k in ("min", "tpl", "insert", "lesson", "submit")}
        chunk = len(submit_lines) // TIMED
        log(f"wrk: {TIMED} rounds of {WRK_SECONDS} s per endpoint, {connections} connections, app and reference alternating")
        for round_ in range(TIMED):
            rates["min"].append(wrk(PORT + 1, ["GET\t/min\t\t"], connections))
            rates["lesson"].append(wrk(PORT, lesson_lines, connections))
            rates["tpl"].append(wrk(PORT + 1, ["GET\t/tpl\t\t"], connections))
            rates["insert"].append(wrk(PORT + 1, [f"POST\t/insert\t\tnote=r{round_}"], connections))
            rates["submit"].append(wrk(PORT, submit_lines[round_ * chunk : (round_ + 1) * chunk], connections, True))
        result["rps"] = {k: statistics.median(v) for k, v in rates.items()}
        result["submit_pool"] = chunk

        journey_students = students[len(submit_students) : len(submit_students) + 500]
        pairs = ",".join(f"{lessons[i]}:{quizzes[i % len(quizzes)]}" for i in range(min(len(lessons), len(quizzes))))
        result["journey"] = locust_journey(quick, journey_students, DEMO_PASSWORD_STUDENT, pairs)
        if engine == "PostgreSQL":
            result["pg_sizes"] = pg_sizes(url)
        else:
            result["sqlite_bytes"] = Path(url.removeprefix("sqlite:///")).stat().st_size
        result["rows"] = dict(
            query(
                url,
                "SELECT 'student', count(*) FROM enrollment UNION ALL SELECT 'attempt', count(*) FROM attempt "
                "UNION ALL SELECT 'attempt_question', count(*) FROM attempt_question "
                "UNION ALL SELECT 'school', count(*) FROM school UNION ALL SELECT 'certificate', count(*) FROM certificate",
            )
        )
    finally:
        app.stop()
        ref.stop()
    return result


# --- the table -------------------------------------------------------------------------------------------

TARGET_MS = {
    "province /don-vi/": 200, "ward /don-vi/": 50, "school drill-down": 50, "class dashboard": 50,
    "province coverage .xlsx": 2000, "issue an official report": 1000,
}  # fmt: skip


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def table(results: list[dict], quick: bool, students: int) -> str:
    out = []
    head = "| what | " + " | ".join(r["engine"] for r in results) + " | target |"
    out += [head, "| --- |" + " --- |" * len(results) + " --- |"]

    def row(label, cells, target):
        out.append(f"| {label} | " + " | ".join(cells) + f" | {target} |")

    for name, limit in TARGET_MS.items():
        row(f"{name} (server ms, median of 3)",
            [f"{r['ms'][name]:.0f} ms ({verdict(r['ms'][name] < limit)})" for r in results], f"< {limit} ms")  # fmt: skip
    row("lesson page / minimal response (req/s)",
        [f"{r['rps']['lesson'] / r['rps']['min']:.2f}× ({r['rps']['lesson']:.0f} / {r['rps']['min']:.0f}) "
         f"({verdict(r['rps']['lesson'] / r['rps']['min'] >= 0.2)})" for r in results], "≥ 0.2×")  # fmt: skip
    row("small template (req/s, for scale)", [f"{r['rps']['tpl']:.0f}" for r in results], "")
    row("quiz submit / one-row insert (req/s)",
        [f"{r['rps']['submit'] / r['rps']['insert']:.2f}× ({r['rps']['submit']:.0f} / {r['rps']['insert']:.0f}) "
         f"({verdict(r['rps']['submit'] / r['rps']['insert'] >= 0.25)})" for r in results], "≥ 0.25×")  # fmt: skip
    row("peak RSS of the worker serving the export",
        [f"{r['export_rss_mb']:.0f} MB ({verdict(r['export_rss_mb'] < 500)})" for r in results], "< 500 MB")
    row("`demo city` build: time, peak RSS",
        [f"{r['build']['seconds']:.0f} s, {r['build']['peak_rss_mb']:.0f} MB ({verdict(r['build']['peak_rss_mb'] < 500)})"
         for r in results], "< 500 MB")  # fmt: skip
    journey = results[0]["journey"]
    row(f"journey: {journey['users']} students logging in over {journey['seconds']} s"
        + (" (--quick: 5× compressed)" if quick else ""), ["" for _ in results], "")  # fmt: skip
    for r in results:
        pages = r["journey"]["pages"]
        login = pages.get("POST /dang-nhap (login)", {"p99": float("nan")})["p99"]
        others = {k: v for k, v in pages.items() if k != "POST /dang-nhap (login)"}
        worst = max(others.items(), key=lambda kv: kv[1]["p99"]) if others else ("-", {"p99": float("nan")})
        r["journey_summary"] = {
            "login_p99": login, "worst_page": worst[0], "worst_p99": worst[1]["p99"],
            "errors": r["journey"]["total"]["failures"] if r["journey"]["total"] else -1,
            "requests": r["journey"]["total"]["count"] if r["journey"]["total"] else 0,
        }  # fmt: skip
    row("journey errors / requests",
        [f"{r['journey_summary']['errors']} / {r['journey_summary']['requests']} "
         f"({verdict(r['journey_summary']['errors'] == 0)})" for r in results], "0 errors")  # fmt: skip
    row("journey login POST p99",
        [f"{r['journey_summary']['login_p99']:.0f} ms ({verdict(r['journey_summary']['login_p99'] < 1000)})"
         for r in results], "< 1 s")  # fmt: skip
    row("journey worst other page p99",
        [f"{r['journey_summary']['worst_p99']:.0f} ms, {r['journey_summary']['worst_page']} "
         f"({verdict(r['journey_summary']['worst_p99'] < 150)})" for r in results], "< 150 ms")  # fmt: skip
    lines = [f"City: {students} students, seed {SEED}; gunicorn.conf.py, {results[0]['workers']} sync workers; "
             f"{os.cpu_count()} CPUs; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", ""]  # fmt: skip
    lines += out
    lines += ["", "Journey, p99 per page (ms) and requests:", ""]
    lines += ["| page | " + " | ".join(r["engine"] for r in results) + " |", "| --- |" + " --- |" * len(results)]
    for name in results[0]["journey"]["pages"]:
        cells = []
        for r in results:
            page = r["journey"]["pages"].get(name)
            cells.append(f"{page['p99']:.0f} ms (p50 {page['p50']:.0f}), {page['count']} req, {page['failures']} err"
                         if page else "-")  # fmt: skip
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="journey over 60 s instead of 5 min; fewer submitters")
    parser.add_argument("--students", type=int, default=int(os.environ.get("BENCH_STUDENTS", "300000")))
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only (to rerun one engine)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        log("wrk is missing: installing Debian's wrk")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
    if not (BENCH_BIN / "locust").exists():
        log("installing the bench's own tools into bench/.venv (bench/requirements.txt)")
        subprocess.run([sys.executable, "-m", "venv", str(BENCH / ".venv")], check=True)
        subprocess.run([str(BENCH_BIN / "pip"), "install", "-q", "-r", str(BENCH / "requirements.txt")], check=True)
    TMP.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    engines = [] if args.no_sqlite else [("SQLite", *sqlite_database(args.students), f"sqlite:///{TMP}/ref.sqlite")]
    pg = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if pg and not args.no_postgres:
        url, build = pg_database(pg, args.students)
        engines.append(("PostgreSQL", url, build, url.rsplit("/", 1)[0] + "/bench_ref"))
    else:
        log("PostgreSQL skipped: set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a server the bench may create "
            "bench_* databases on")  # fmt: skip
    for stale in TMP.glob("ref.sqlite*"):
        stale.unlink()
    OUT.mkdir(exist_ok=True)
    results = []
    for name, url, build, ref in engines:
        results.append(run_engine(name, url, build, args.quick, ref))
        (OUT / "results.json").write_text(json.dumps(results, indent=1, default=str))  # kept if a later one fails
    text = table(results, args.quick, args.students)
    (OUT / "results.md").write_text(text + "\n")
    (OUT / "results.json").write_text(json.dumps(results, indent=1, default=str))
    print(text)


if __name__ == "__main__":
    main()
