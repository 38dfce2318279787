"""Read and check content/practice/*.md: a task card and a chain of simulated screens.

Format (content/README.md, "Thực hành"): front matter with a `card:` of fictional family data, an
intro (the task card), then one `## Tiêu đề {#ma-buoc}` per screen with its Markdown body, an optional
`? câu hỏi` line and action lines:

    - [Nhãn nút] -> buoc-tiep            right action
    - [Nhãn nút] ! Giải thích            wrong action: feedback, stay on the screen
    - [Nhãn nút] -> buoc-re ! Giải thích wrong action that branches to its own screen
    - ô [Nhãn ô] = khoa-the              a field filled from the task card
    - [Nhãn nút]? -> …                   the real label is unknown (shown as such)

A screen marked `{#ma .ket-thuc}` ends the task. Screens are rendered here, at `content sync`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..content.markdown import MD, render, rewrite_urls
from ..content.parse import ID_PATTERN, Problem, _Source

PRACTICE_KEYS = {
    "id",
    "title",
    "lesson",
    "app",
    "grades",
    "minutes",
    "required",
    "reviewed",
    "sources",
    "card",
}
# How the screens are drawn (quizapp/static/css/practice.css); a screen may switch with `.tin-nhan` etc.
APPS = {
    "vneid": "VNeID",
    "dichvucong": "Cổng Dịch vụ công quốc gia",
    "tuyen-sinh": "Cổng tuyển sinh đầu cấp",
    "ihanoi": "iHanoi",
    "tin-nhan": "Tin nhắn",
    "cuoc-goi": "Cuộc gọi đến",
    "trinh-duyet": "Trình duyệt",
}
END_CLASS = "ket-thuc"
HEADING = re.compile(r"^##\s+(.+?)\s*\{\s*#([^\s}]*)((?:\s+\.[^\s}]+)*)\s*\}\s*$")
ACTION = re.compile(r"^[-*]\s+(ô\s+)?\[([^\]]+)\](\?)?\s*(.*)$")
TARGET = re.compile(r"^->\s*(\S+)\s*(.*)$")
DEFAULT_PROMPT = "Em làm gì tiếp theo?"


@dataclass
class ParsedPractice:
    id: str
    title: str
    path: str
    lesson: str | None
    app: str
    grades: list[int]
    minutes: int
    required: bool
    reviewed: date | None
    sources: list[dict]
    card: list[dict]
    intro_html: str
    relative_html: str
    screens: dict[str, dict]
    start: str
    route: list[dict]
    content_hash: str


@dataclass
class PracticeSet:
    tasks: list[ParsedPractice] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


def _html(text: str) -> str:
    tokens = MD.parse(text)
    # Screens never link anywhere: a simulated screen must not send a child to a real (or fake) site.
    rewrite_urls(tokens, lambda url, is_image, line: "#" if not is_image else None, 1)
    return render(tokens)


def _inline(text: str) -> str:
    return MD.renderInline(text)


def _relative_box(text: str) -> tuple[str, str]:
    """Split the intro into (task card text, the `::: nguoi-than` box kept for the printed step card)."""
    match = re.search(r"^::: nguoi-than[^\n]*\n.*?^:::\s*$", text, re.MULTILINE | re.DOTALL)
    if not match:
        return text, ""
    return text[: match.start()] + text[match.end() :], match.group(0)


def read_practice(root: Path, lesson_keys: set[str] | None = None, today: date | None = None) -> PracticeSet:
    today = today or date.today()
    result = PracticeSet()
    folder = root / "practice"
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        source = _Source(root, path, result.problems)
        if not source.read_front_matter(PRACTICE_KEYS, {"id", "title", "lesson", "app", "card", "reviewed", "sources"}):
            continue
        task = _read_task(source, lesson_keys, today)
        if task is None:
            continue
        if task.id in seen:
            source.error(source.line_of("id"), f"mã thực hành `{task.id}` đã dùng ở {seen[task.id]}")
            continue
        seen[task.id] = source.name
        result.tasks.append(task)
    result.problems.sort(key=lambda p: (p.path, p.line))
    return result


def _read_task(source: _Source, lesson_keys: set[str] | None, today: date) -> ParsedPractice | None:
    task_id = source.id_value()
    lesson = source.id_value("lesson") or None
    if lesson and lesson_keys is not None and lesson not in lesson_keys:
        source.error(source.line_of("lesson"), f"bài thực hành gắn với bài học `{lesson}` nhưng không có bài học đó")
    app = source.text_value("app") or ""
    if app not in APPS:
        source.error(source.line_of("app"), f"`app: {app}` không có; dùng một trong: {', '.join(APPS)}")
        app = "vneid"
    grades = source.meta.get("grades", [7, 8])
    if not isinstance(grades, list) or not grades or not all(isinstance(g, int) and 6 <= g <= 12 for g in grades):
        source.error(source.line_of("grades"), "`grades` phải là danh sách khối lớp, ví dụ [7, 8]")
        grades = [7, 8]
    required = source.meta.get("required", False)
    if not isinstance(required, bool):
        source.error(source.line_of("required"), "`required` phải là true hoặc false")
        required = False
    minutes = source.int_value("minutes", 10, 1, 60)
    reviewed = source.date_value("reviewed")
    sources = source.sources_value(today)
    card = _card(source)
    body_lines = source.text.split("\n")
    # The front matter token tells where the body starts (0-based line index).
    start_line = source.tokens[0].map[1] if source.tokens and source.tokens[0].map else 0
    screens, intro, order = _screens(source, body_lines, start_line, app, {c["key"] for c in card})
    intro_text, relative = _relative_box(intro)
    if not screens:
        source.error(
            start_line + 1, "bài thực hành chưa có màn hình nào: mỗi màn hình bắt đầu bằng `## Tiêu đề {#ma-buoc}`"
        )
        return None
    start = order[0]
    _check_graph(source, screens, order, start)
    route = _route(screens, start)
    return ParsedPractice(
        id=task_id,
        title=source.text_value("title") or "",
        path=source.name,
        lesson=lesson,
        app=app,
        grades=grades,
        minutes=minutes,
        required=required,
        reviewed=reviewed,
        sources=sources,
        card=card,
        intro_html=_html(intro_text),
        relative_html=_html(relative) if relative else "",
        screens={k: {key: v for key, v in s.items() if key != "line"} for k, s in screens.items()},
        start=start,
        route=route,
        content_hash=hashlib.sha256(source.text.encode()).hexdigest(),
    )


def _card(source: _Source) -> list[dict]:
    value = source.meta.get("card")
    line = source.line_of("card")
    if not isinstance(value, dict) or not value:
        source.error(line, "`card` (thẻ nhiệm vụ) phải liệt kê dữ liệu giả, mỗi dòng `ma: {label: …, value: …}`")
        return []
    card = []
    for key, item in value.items():
        key = str(key)
        if not ID_PATTERN.match(key):
            source.error(line, f"mã dữ liệu `{key}` trong `card` chỉ dùng chữ thường không dấu, số và gạch ngang")
        if (
            not isinstance(item, dict)
            or not str(item.get("label", "")).strip()
            or not str(item.get("value", "")).strip()
        ):
            source.error(line, f"dữ liệu `{key}` trong `card` cần có `label` và `value`")
            continue
        card.append({"key": key, "label": str(item["label"]).strip(), "value": str(item["value"]).strip()})
    return card


def _screens(source: _Source, lines: list[str], start: int, app: str, card_keys: set[str]):
    screens: dict[str, dict] = {}
    order: list[str] = []
    intro: list[str] = []
    current: dict | None = None
    body: list[str] = []
    in_fence = False

    def close() -> None:
        if current is not None:
            current["html"] = _html("\n".join(body))

    for index in range(start, len(lines)):
        number, line = index + 1, lines[index]
        if line.startswith("```"):
            in_fence = not in_fence
        heading = None if in_fence else HEADING.match(line)
        if heading is None and not in_fence and line.startswith("## "):
            source.error(number, "màn hình thiếu mã: viết `## Tiêu đề {#ma-buoc}`")
            continue
        if heading:
            close()
            title, step, classes = heading.group(1), heading.group(2), heading.group(3).split()
            classes = [c.lstrip(".") for c in classes]
            if not ID_PATTERN.match(step):
                source.error(number, f"mã màn hình `{step}` chỉ dùng chữ thường không dấu, số và gạch ngang")
            if step in screens:
                source.error(number, f"mã màn hình `{step}` đã dùng ở dòng {screens[step]['line']}")
                step = f"{step}-{number}"
            look = next((c for c in classes if c in APPS), app)
            for c in classes:
                if c not in APPS and c != END_CLASS:
                    source.error(
                        number, f"kiểu màn hình `.{c}` không có; dùng `.{END_CLASS}` hoặc một trong: {', '.join(APPS)}"
                    )
            current = {
                "id": step,
                "title": title,
                "title_html": _inline(title),
                "line": number,
                "app": look,
                "app_name": APPS[look],
                "end": END_CLASS in classes,
                "prompt": "",
                "actions": [],
                "fields": [],
            }
            screens[step] = current
            order.append(step)
            body = []
            continue
        if current is None:
            intro.append(line)
            continue
        if not in_fence and line.startswith("? "):
            current["prompt"] = line[2:].strip()
            continue
        action = None if in_fence else ACTION.match(line)
        if action is None:
            body.append(line)
            continue
        is_field, label, unknown, rest = (
            bool(action.group(1)),
            action.group(2).strip(),
            bool(action.group(3)),
            action.group(4),
        )
        if is_field:
            key = rest.removeprefix("=").strip() if rest.startswith("=") else ""
            if not key:
                source.error(number, f"ô `{label}` cần dữ liệu để điền: viết `- ô [{label}] = ma-du-lieu`")
            elif key not in card_keys:
                source.error(number, f"ô `{label}` lấy dữ liệu `{key}` nhưng thẻ nhiệm vụ (`card`) không có `{key}`")
            current["fields"].append({"label": label, "key": key, "unknown": unknown, "line": number})
            continue
        target, feedback = None, ""
        target_match = TARGET.match(rest)
        if target_match:
            target, rest = target_match.group(1), target_match.group(2)
        if rest.startswith("!"):
            feedback = rest[1:].strip()
            if not feedback:
                source.error(number, f"hành động sai `{label}` thiếu lời giải thích sau dấu `!`")
        elif rest.strip():
            source.error(
                number, f"không hiểu phần `{rest.strip()}` sau nút `{label}`: dùng `-> ma-buoc` hoặc `! giải thích`"
            )
        if target is None and not feedback and not rest.startswith("!"):
            source.error(number, f"nút `{label}` không dẫn tới đâu: thêm `-> ma-buoc` (đúng) hoặc `! giải thích` (sai)")
        current["actions"].append(
            {
                "label": label,
                "unknown": unknown,
                "target": target,
                "wrong": bool(feedback) or target is None,
                "feedback_html": _inline(feedback) if feedback else "",
                "line": number,
            }
        )
    close()
    return screens, "\n".join(intro), order


def _check_graph(source: _Source, screens: dict[str, dict], order: list[str], start: str) -> None:
    for screen in screens.values():
        for action in screen["actions"]:
            if action["target"] and action["target"] not in screens:
                source.error(
                    action["line"],
                    f"nút `{action['label']}` dẫn tới màn hình `{action['target']}` nhưng không có màn hình đó",
                )
        if screen["end"]:
            if screen["actions"] or screen["fields"]:
                source.error(screen["line"], f"màn hình kết thúc `{screen['id']}` không được có nút hay ô nhập")
            continue
        if not any(a["target"] for a in screen["actions"]):
            source.error(
                screen["line"],
                f"màn hình `{screen['id']}` không có đường đi tiếp: thêm một nút `-> ma-buoc`, hoặc đánh dấu `.{END_CLASS}`",
            )
        if screen["fields"] and not any(a["target"] and not a["wrong"] for a in screen["actions"]):
            source.error(screen["line"], f"màn hình `{screen['id']}` có ô nhập nhưng không có nút đúng để gửi")
    if not any(s["end"] for s in screens.values()):
        source.error(
            screens[start]["line"],
            f"bài thực hành không có màn hình kết thúc: đánh dấu một màn hình `{{#ma .{END_CLASS}}}`",
        )
    reached, todo = {start}, [start]
    while todo:
        for action in screens[todo.pop()]["actions"]:
            target = action["target"]
            if target in screens and target not in reached:
                reached.add(target)
                todo.append(target)
    for step in order:
        if step not in reached:
            source.error(screens[step]["line"], f"màn hình `{step}` không đến được từ màn hình đầu `{start}`")
    ends = {s for s in screens if screens[s]["end"]}
    if ends and reached & ends and not _finishable(screens, start, ends):
        source.error(screens[start]["line"], "không có đường nào chỉ gồm các nút đúng dẫn tới màn hình kết thúc")


def _finishable(screens: dict[str, dict], start: str, ends: set[str]) -> bool:
    seen, todo = {start}, [start]
    while todo:
        step = todo.pop()
        if step in ends:
            return True
        for action in screens[step]["actions"]:
            if action["target"] in screens and action["target"] not in seen:
                seen.add(action["target"])
                todo.append(action["target"])
    return False


def _route(screens: dict[str, dict], start: str) -> list[dict]:
    """The right way through (first right action of each screen), for the printed step card."""
    route, step, seen = [], start, set()
    while step in screens and step not in seen:
        seen.add(step)
        screen = screens[step]
        right = next((a for a in screen["actions"] if a["target"] and not a["wrong"]), None)
        route.append(
            {
                "title": screen["title"],
                "end": screen["end"],
                "fields": [f["label"] for f in screen["fields"]],
                "action": right["label"] if right else None,
            }
        )
        step = right["target"] if right else None
    return route


def field_matches(typed: str, expected: str) -> bool:
    """Forgiving about case and spaces, not about the data: `nguyễn  thị lan` matches `Nguyễn Thị Lan`."""
    return " ".join(typed.split()).casefold() == " ".join(expected.split()).casefold()
