"""Locust file for the class-period journey (run by bench/run.py, headless).

Each simulated student takes the next username from BENCH_STUDENTS_FILE, opens the login page, logs in
(the scrypt check is the point of it), then reads lessons and takes quizzes: open a lesson, open its
quiz, start it, autosave once, submit, read the result; with a pause of a few seconds between pages, as a
pupil reading would. Redirects are not followed, so every figure is one page's own response time.
"""

from __future__ import annotations

import itertools
import os
import re
import threading
from pathlib import Path

from locust import FastHttpUser, between, task

_USERNAMES = Path(os.environ["BENCH_STUDENTS_FILE"]).read_text(encoding="utf-8").split()
_PASSWORD = os.environ["BENCH_STUDENT_PASSWORD"]
_KEYS = [tuple(pair.split(":")) for pair in os.environ["BENCH_LESSON_QUIZ"].split(",")]  # lesson:quiz
_next = itertools.count()
_lock = threading.Lock()
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_CHOICE = re.compile(r'name="q(\d+)" value="(\d+)"')
_ORDER = re.compile(r'name="q(\d+)-(\d+)"')


def _csrf(text: str) -> str:
    found = _CSRF.search(text or "")
    return found.group(1) if found else ""


class Student(FastHttpUser):
    wait_time = between(2, 6)

    def on_start(self):
        with _lock:
            self.username = _USERNAMES[next(_next) % len(_USERNAMES)]
        self.round = 0
        page = self.client.get("/dang-nhap", name="GET /dang-nhap")
        with self.client.post(
            "/dang-nhap",
            data={"username": self.username, "password": _PASSWORD, "csrf_token": _csrf(page.text), "next": ""},
            name="POST /dang-nhap (login)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "dang-nhap" in response.headers.get("Location", ""):
                response.failure(f"login refused for {self.username}: {response.status_code}")
        self.client.get("/", name="GET / (home)")

    @task
    def lesson_then_quiz(self):
        lesson, quiz = _KEYS[self.round % len(_KEYS)]
        self.round += 1
        self.client.get(f"/bai-hoc/{lesson}", name="GET /bai-hoc/[key]")
        self.wait()
        page = self.client.get(f"/bai-kiem-tra/{quiz}", name="GET /bai-kiem-tra/[key]")
        started = self.client.post(
            f"/bai-kiem-tra/{quiz}/bat-dau",
            data={"csrf_token": _csrf(page.text)},
            name="POST /bai-kiem-tra/[key]/bat-dau",
            allow_redirects=False,
        )
        location = started.headers.get("Location", "")
        if "/lam-bai/" not in location:
            return
        path = "/lam-bai/" + location.rsplit("/lam-bai/", 1)[1]
        form = self.client.get(path, name="GET /lam-bai/[id]")
        answers = {"csrf_token": _csrf(form.text)}
        for position, value in _CHOICE.findall(form.text or ""):
            answers.setdefault(f"q{position}", value)
        for position, index in _ORDER.findall(form.text or ""):
            answers[f"q{position}-{index}"] = str(int(index) + 1)
        self.wait()
        self.client.post(
            path,
            data={**answers, "action": "save"},
            headers={"X-Autosave": "1"},
            name="POST /lam-bai/[id] (autosave)",
            allow_redirects=False,
        )
        self.wait()
        done = self.client.post(
            path, data={**answers, "action": "submit_anyway"}, name="POST /lam-bai/[id] (submit)", allow_redirects=False
        )
        if "/ket-qua/" in done.headers.get("Location", ""):
            self.client.get("/ket-qua/" + done.headers["Location"].rsplit("/ket-qua/", 1)[1], name="GET /ket-qua/[id]")
