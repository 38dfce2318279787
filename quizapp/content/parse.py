"""Read the content folder into plain objects and report every problem as `file:line: message`.

Nothing here touches the database: `flask content check` only reads, and `flask content sync`
writes what this module returns, and only when it found no error.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import yaml
from markdown_it.token import Token

from .markdown import BLOCKED_SCHEMES, BOXES, MD, render, rewrite_urls, unsafe_markup, url_scheme

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
QUESTION_ATTRS = re.compile(r"\s*\{\s*#([^\s}]*)((?:\s+\.[^\s}]+)*)\s*\}\s*$")
TASK_MARK = re.compile(r"^\[( |x|X)\]\s+")
EXPLANATION_PREFIX = re.compile(r"^\s*Giải thích\s*:\s*", re.IGNORECASE)
REVIEW_MAX_AGE = timedelta(days=365)
IMAGE_SUFFIXES = {".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp"}

LESSON_KEYS = {
    "id",
    "title",
    "order",
    "quiz",
    "grades",
    "required",
    "minutes",
    "summary",
    "reviewed",
    "sources",
}
QUIZ_KEYS = {"id", "title", "lesson", "pass_percent", "draw"}
PAGE_KEYS = {"id", "title", "reviewed", "sources"}
TRUE_FALSE = ("đúng", "sai")
SOURCE_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

# Quiz bank balance (warnings): a student must not score by a habit instead of by the lesson.
MIN_BANK_SIZE = 20  # with `draw: 10`, a retake can then be made of questions not seen before
MAX_TRUE_FALSE_LEAN = 0.65  # share of Đúng/Sai keys on one side
MAX_LONGEST_CORRECT = 0.30  # share of single-answer items whose correct choice is the longest


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str
    is_error: bool = True

    def __str__(self) -> str:
        prefix = "" if self.is_error else "cảnh báo: "
        return f"{self.path}:{self.line}: {prefix}{self.message}"


@dataclass
class ParsedChoice:
    text_html: str
    is_correct: bool
    source: str


@dataclass
class ParsedQuestion:
    key: str
    kind: str
    line: int
    prompt_html: str
    body_html: str
    explanation_html: str
    choices: list[ParsedChoice]
    content_hash: str = ""


@dataclass
class ParsedQuiz:
    id: str
    title: str
    path: str
    lesson: str | None
    pass_percent: int
    draw: int
    questions: list[ParsedQuestion]


@dataclass
class ParsedLesson:
    id: str
    title: str
    path: str
    order: int
    quiz: str | None
    grades: list[int]
    required: bool
    minutes: int
    summary: str
    reviewed: date | None
    sources: list[dict]
    body_html: str
    content_hash: str


@dataclass
class ParsedPage:
    id: str
    title: str
    path: str
    body_html: str
    content_hash: str


@dataclass
class ContentSet:
    lessons: list[ParsedLesson] = field(default_factory=list)
    quizzes: list[ParsedQuiz] = field(default_factory=list)
    pages: list[ParsedPage] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


class _Source:
    """One Markdown file being read: its text, tokens, front matter and the problems found in it."""

    def __init__(self, root: Path, path: Path, problems: list[Problem]):
        self.root = root
        self.path = path
        self.name = path.relative_to(root.parent).as_posix() if root.parent in path.parents else str(path)
        self.problems = problems
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.error(1, "tệp không phải UTF-8; hãy lưu lại với mã hoá UTF-8")
            text = raw.decode("utf-8", errors="replace")
        self.text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
        self.tokens = MD.parse(self.text)
        self.meta: dict = {}
        self.key_lines: dict[str, int] = {}
        self.value_nodes: dict[str, yaml.Node] = {}
        self.body_start = 0
        self.anchors = {t.attrGet("id") for t in self.tokens if t.type == "heading_open"}

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.name, line, message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.name, line, message, is_error=False))

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)

    def read_front_matter(self, allowed: set[str], required: set[str]) -> bool:
        if not self.tokens or self.tokens[0].type != "front_matter":
            self.error(1, "thiếu phần khai báo đầu tệp (front matter) giữa hai dòng ---")
            return False
        token = self.tokens[0]
        self.body_start = 1
        try:
            node = yaml.compose(token.content)
            data = yaml.safe_load(token.content)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 2 if mark else 2
            self.error(line, f"phần khai báo đầu tệp không đúng cú pháp YAML: {getattr(exc, 'problem', exc)}")
            return False
        if not isinstance(data, dict):
            self.error(2, "phần khai báo đầu tệp phải là các dòng dạng `khoá: giá trị`")
            return False
        for key_node, value_node in node.value:
            self.key_lines[str(key_node.value)] = key_node.start_mark.line + 2
            self.value_nodes[str(key_node.value)] = value_node
        self.meta = data
        for key in data:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.error(self.line_of(key), f"khoá không được hỗ trợ `{key}` (các khoá hợp lệ: {known})")
        for key in sorted(required - data.keys()):
            self.error(2, f"thiếu khoá bắt buộc `{key}`")
        return True

    def text_value(self, key: str, default: str | None = None) -> str | None:
        value = self.meta.get(key, default)
        if value is None:
            return None
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            self.error(self.line_of(key), f"`{key}` phải là một dòng chữ")
            return default
        return str(value).strip()

    def int_value(self, key: str, default: int, low: int, high: int) -> int:
        value = self.meta.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.error(self.line_of(key), f"`{key}` phải là số nguyên từ {low} đến {high}")
            return default
        return value

    def id_value(self, key: str = "id") -> str:
        value = self.text_value(key) or ""
        if value and not ID_PATTERN.match(value):
            self.error(
                self.line_of(key),
                f"`{key}: {value}` chỉ được dùng chữ thường không dấu, chữ số và dấu gạch ngang",
            )
        return value

    def date_value(self, key: str) -> date | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if not isinstance(value, date):
            self.error(self.line_of(key), f"`{key}` phải là ngày dạng YYYY-MM-DD, ví dụ 2026-11-25")
            return None
        return value

    def item_lines(self, key: str) -> list[tuple[int, dict[str, int]]]:
        """For a list under `key`: each item's line and the line of each of its keys."""
        node = self.value_nodes.get(key)
        if not isinstance(node, yaml.SequenceNode):
            return []
        lines = []
        for item in node.value:
            keys = {}
            if isinstance(item, yaml.MappingNode):
                keys = {str(k.value): k.start_mark.line + 2 for k, _ in item.value}
            lines.append((item.start_mark.line + 2, keys))
        return lines

    def sources_value(self, today: date) -> list[dict]:
        value = self.meta.get("sources")
        if value is None:
            return []
        line = self.line_of("sources")
        if not isinstance(value, list):
            self.error(line, "`sources` phải là danh sách, mỗi mục có `title`, `url` và `date`")
            return []
        sources = []
        item_lines = self.item_lines("sources")
        for index, item in enumerate(value):
            item_line, key_lines = item_lines[index] if index < len(item_lines) else (line, {})
            if isinstance(item, str):
                item = {"title": item}
            if not isinstance(item, dict) or not str(item.get("title", "")).strip():
                self.error(item_line, "mỗi nguồn trong `sources` cần có `title` (tên nguồn)")
                continue
            title = str(item["title"]).strip()
            url = self.source_url(item, title, key_lines.get("url", item_line))
            source = {"title": title, "url": url}
            when = self.source_date(item, title, key_lines.get("date", item_line), today)
            if when:
                source["date"] = when
            sources.append(source)
        return sources

    def source_url(self, item: dict, title: str, line: int) -> str:
        url = str(item.get("url") or "").strip()
        if not url:
            self.error(line, f"nguồn «{title}» thiếu `url`: ghi địa chỉ đầy đủ của bài viết hoặc văn bản")
            return ""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            self.error(line, f"địa chỉ nguồn phải bắt đầu bằng http:// hoặc https://: {url}")
        elif parts.path in ("", "/") and not parts.query:
            self.error(
                line,
                f"địa chỉ nguồn {url} chỉ là tên trang, không chỉ tới bài nào: ghi địa chỉ đầy đủ của bài viết "
                "hoặc văn bản (mở bài trên trình duyệt rồi chép cả dòng địa chỉ)",
            )
        return url

    def source_date(self, item: dict, title: str, line: int, today: date) -> str | None:
        """The source's date as written (YYYY-MM-DD, or YYYY-MM when the article gives no day)."""
        value = item.get("date")
        if value is None or value == "":
            self.error(line, f"nguồn «{title}» thiếu `date`: ghi ngày của bài, dạng YYYY-MM-DD (hoặc YYYY-MM)")
            return None
        first_day = None
        if isinstance(value, date):
            first_day = value
        elif isinstance(value, str) and (month := SOURCE_MONTH.match(value.strip())) and 1 <= int(month.group(2)) <= 12:
            first_day = date(int(month.group(1)), int(month.group(2)), 1)
        if first_day is None:
            self.error(
                line,
                f"`date: {value}` của nguồn «{title}» phải là ngày dạng YYYY-MM-DD, ví dụ 2025-10-26 "
                "(chỉ ghi YYYY-MM khi bài không có ngày)",
            )
            return None
        if first_day > today:
            self.error(line, f"ngày của nguồn «{title}» ({value}) nằm sau hôm nay: kiểm tra lại năm, tháng")
        return str(value).strip()

    def check_markup(self) -> None:
        """Raw HTML is printed as text and blocked links are dropped: tell the author what to write instead.

        A `javascript:`/`vbscript:`/`data:` link is an error: it is never a link a lesson needs, and usually
        comes from pasting from an untrusted page."""
        for line, kind, what in unsafe_markup(self.text):
            shown = what if len(what) <= 40 else what[:40] + "…"
            # Raw HTML is a warning: the renderer escapes it, so the page is safe but shows the tags as text.
            if kind == "html" and what.startswith("<!--"):
                self.warn(line, "ghi chú HTML `<!-- … -->` sẽ hiện nguyên văn cho học sinh: hãy xoá ghi chú")
            elif kind == "html":
                self.warn(
                    line,
                    f"mã HTML `{shown}` không được hiển thị: học sinh sẽ thấy nguyên văn. Dùng Markdown thay thế "
                    "(**chữ đậm**, ![mô tả](../media/anh.svg), hộp `::: luu-y`…)",
                )
            elif kind == "image":
                self.error(
                    line,
                    f"ảnh `{url_scheme(what)}:` không được dùng: lưu ảnh thành tệp trong content/media rồi viết "
                    "![mô tả](../media/ten-anh.svg)",
                )
            else:
                self.error(
                    line,
                    f"liên kết `{url_scheme(what)}:` bị chặn (có thể chạy mã lạ trên máy học sinh): chỉ liên kết tới "
                    "địa chỉ https://, hoặc tới bài học, trang, ảnh trong content/",
                )

    def check_boxes(self) -> None:
        for number, line in enumerate(self.text.split("\n"), start=1):
            stripped = line.strip()
            if stripped.startswith(":::") and stripped != ":::":
                name = stripped[3:].strip().split(" ")[0]
                if name not in BOXES:
                    known = ", ".join(BOXES)
                    self.error(number, f"hộp `::: {name}` không có; dùng một trong: {known}")

    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


class _Links:
    """Resolves relative links and images of one file to app URLs, reporting broken ones."""

    def __init__(self, content: _Content, source: _Source):
        self.content = content
        self.source = source

    def __call__(self, url: str, is_image: bool, line: int) -> str | None:
        parts = urlsplit(url)
        if url_scheme(url) in BLOCKED_SCHEMES:  # reported by _Source.check_markup
            return None
        if parts.scheme in ("http", "https", "mailto", "tel"):
            if is_image:
                self.source.error(line, f"ảnh phải nằm trong thư mục content/media, không lấy từ mạng: {url}")
            return None
        if parts.scheme or parts.netloc:
            self.source.error(line, f"liên kết không được hỗ trợ: {url}")
            return None
        if not parts.path:  # an anchor in the same page
            if parts.fragment and parts.fragment not in self.source.anchors:
                self.source.error(line, f"không có mục `#{parts.fragment}` trong tệp này")
            return None
        target = (self.source.path.parent / parts.path).resolve()
        root = self.content.root.resolve()
        if root not in target.parents or not target.is_file():
            what = "ảnh" if is_image else "liên kết"
            self.source.error(line, f"{what} hỏng: không tìm thấy tệp `{parts.path}`")
            return None
        relative = PurePosixPath(target.relative_to(root).as_posix())
        if is_image:
            if target.suffix.lower() not in IMAGE_SUFFIXES:
                self.source.error(line, f"tệp ảnh phải là SVG, PNG, JPG, GIF hoặc WEBP: {parts.path}")
            return f"/noi-dung/{relative}"
        linked = self.content.by_path.get(target)
        if linked is None:
            if target.suffix.lower() in IMAGE_SUFFIXES or relative.parts[0] == "media":
                return f"/noi-dung/{relative}"
            self.source.error(line, f"liên kết tới `{parts.path}`: chỉ liên kết được tới bài học, trang hoặc ảnh")
            return None
        kind, key, anchors = linked
        if parts.fragment and parts.fragment not in anchors:
            self.source.error(line, f"không có mục `#{parts.fragment}` trong `{parts.path}`")
        base = {"lesson": "/bai-hoc/", "page": "/trang/"}[kind] + key
        return base + (f"#{parts.fragment}" if parts.fragment else "")


def _check_images_have_alt(tokens: list[Token], source: _Source, line: int = 1) -> None:
    for token in tokens:
        token_line = token.map[0] + 1 if token.map else line
        if token.children:
            _check_images_have_alt(token.children, source, token_line)
        if token.type == "image" and not token.content.strip():
            source.error(token_line, "ảnh thiếu lời mô tả (alt): viết ![mô tả bằng tiếng Việt](đường-dẫn)")


def _lines(questions: list[ParsedQuestion]) -> str:
    shown = ", ".join(str(q.line) for q in questions[:8])
    return shown + (", …" if len(questions) > 8 else "")


def _check_bank_balance(source: _Source, questions: list[ParsedQuestion], draw: int) -> None:
    """Per-bank warnings for habits that score without the lesson. Small counts are left alone where
    no arrangement could pass (3 Đúng/Sai items always lean 2 to 1)."""
    if not questions:
        return
    wanted = max(MIN_BANK_SIZE, 2 * draw)
    if len(questions) < wanted:
        source.warn(
            source.line_of("draw"),
            f"ngân hàng chỉ có {len(questions)} câu hỏi: nên có ít nhất {wanted} câu (mỗi lượt rút {draw} câu), "
            "để lần làm lại học sinh gặp câu mới",
        )
    true_false = [q for q in questions if q.kind == "true_false"]
    says_true = [q for q in true_false if _true_false_key(q) == "đúng"]
    says_false = [q for q in true_false if q not in says_true]
    major, minor, word = (says_true, says_false, "Đúng")
    if len(says_false) > len(says_true):
        major, minor, word = (says_false, says_true, "Sai")
    if true_false and len(major) / len(true_false) > MAX_TRUE_FALSE_LEAN and len(major) - len(minor) >= 2:
        source.warn(
            major[0].line,
            f"{len(major)}/{len(true_false)} câu Đúng/Sai có đáp án «{word}» ({len(major) / len(true_false):.0%}, "
            f"quá {MAX_TRUE_FALSE_LEAN:.0%}): chọn «{word}» cho mọi câu cũng được nhiều điểm; hãy đổi vài câu "
            f"(dòng {_lines(major)}) thành câu có đáp án ngược lại",
        )
    single = [q for q in questions if q.kind == "one"]
    longest = [q for q in single if _correct_is_longest(q)]
    if longest and len(longest) >= 2 and len(longest) / len(single) > MAX_LONGEST_CORRECT:
        source.warn(
            longest[0].line,
            f"đáp án đúng là lựa chọn dài nhất ở {len(longest)}/{len(single)} câu một đáp án "
            f"({len(longest) / len(single):.0%}, quá {MAX_LONGEST_CORRECT:.0%}): học sinh đoán được bằng cách chọn "
            f"câu dài nhất; hãy viết lựa chọn sai cụ thể như đáp án, hoặc rút gọn đáp án (dòng {_lines(longest)})",
        )
    many = [q for q in questions if q.kind == "many"]
    counts = {sum(c.is_correct for c in q.choices) for q in many}
    if len(many) >= 2 and len(counts) == 1:
        source.warn(
            many[0].line,
            f"cả {len(many)} câu nhiều đáp án đều có đúng {counts.pop()} ý đúng: học sinh đoán theo số lượng; "
            f"hãy thay đổi số ý đúng, từ 2 đến số lựa chọn trừ 1 (dòng {_lines(many)})",
        )


def _true_false_key(question: ParsedQuestion) -> str:
    return next((c.source.strip().rstrip(".").lower() for c in question.choices if c.is_correct), "")


def _correct_is_longest(question: ParsedQuestion) -> bool:
    """True when the one correct choice is strictly longer than every wrong one."""
    right = [len(c.source.strip()) for c in question.choices if c.is_correct]
    wrong = [len(c.source.strip()) for c in question.choices if not c.is_correct]
    return len(right) == 1 and bool(wrong) and right[0] > max(wrong)


class _Content:
    def __init__(self, root: Path, today: date):
        self.root = root
        self.today = today
        self.result = ContentSet()
        self.by_path: dict[Path, tuple[str, str, set]] = {}

    def read(self) -> ContentSet:
        problems = self.result.problems
        if not self.root.is_dir():
            problems.append(Problem(str(self.root), 1, "không tìm thấy thư mục nội dung"))
            return self.result
        folders = {name: sorted((self.root / name).rglob("*.md")) for name in ("lessons", "quizzes", "pages")}
        sources = {name: [_Source(self.root, p, problems) for p in paths] for name, paths in folders.items()}
        # Front matter first, so that links between files can be resolved while rendering.
        for kind, name, keys in (("lesson", "lessons", LESSON_KEYS), ("page", "pages", PAGE_KEYS)):
            for source in sources[name]:
                if source.read_front_matter(keys, {"id", "title"}):
                    self.by_path[source.path.resolve()] = (kind, source.id_value(), source.anchors)
        for source in sources["quizzes"]:
            source.read_front_matter(QUIZ_KEYS, {"id", "title"})
        for group in sources.values():
            for source in group:
                source.check_markup()
        for source in sources["lessons"]:
            if source.meta:
                self.result.lessons.append(self.lesson(source))
        for source in sources["pages"]:
            if source.meta:
                self.result.pages.append(self.page(source))
        for source in sources["quizzes"]:
            if source.meta:
                self.result.quizzes.append(self.quiz(source))
        self.cross_check(sources)
        problems.sort(key=lambda p: (p.path, p.line))
        return self.result

    def body_html(self, source: _Source, tokens: list[Token]) -> str:
        rewrite_urls(tokens, _Links(self, source), 1)
        _check_images_have_alt(tokens, source)
        return render(tokens)

    def check_review(self, source: _Source, needs_sources: bool) -> tuple[date | None, list[dict]]:
        reviewed = source.date_value("reviewed")
        sources = source.sources_value(self.today)
        if needs_sources:
            if reviewed is None and "reviewed" not in source.meta:
                source.error(2, "thiếu `reviewed: YYYY-MM-DD` (ngày rà soát nội dung gần nhất)")
            if not sources:
                source.error(source.line_of("sources"), "bài học phải có ít nhất một nguồn trong `sources`")
        if reviewed and self.today - reviewed > REVIEW_MAX_AGE:
            source.warn(
                source.line_of("reviewed"),
                f"nội dung rà soát lần cuối ngày {reviewed:%d/%m/%Y}, đã quá 12 tháng: hãy kiểm tra lại",
            )
        if reviewed and reviewed > self.today:
            source.error(source.line_of("reviewed"), "ngày rà soát nằm trong tương lai")
        return reviewed, sources

    def lesson(self, source: _Source) -> ParsedLesson:
        source.check_boxes()
        grades = source.meta.get("grades", [7, 8])
        if (
            not isinstance(grades, list)
            or not grades
            or not all(isinstance(g, int) and not isinstance(g, bool) and 1 <= g <= 12 for g in grades)
        ):
            source.error(source.line_of("grades"), "`grades` phải là danh sách khối lớp, ví dụ [7, 8]")
            grades = [7, 8]
        required = source.meta.get("required", True)
        if not isinstance(required, bool):
            source.error(source.line_of("required"), "`required` phải là true hoặc false")
            required = True
        if "order" not in source.meta:
            source.error(2, "thiếu khoá bắt buộc `order` (thứ tự bài trong chương trình)")
        reviewed, sources = self.check_review(source, needs_sources=True)
        body_tokens = source.tokens[source.body_start :]
        if not any(t.type == "inline" and t.content.strip() for t in body_tokens):
            source.error(len(source.text.split("\n")), "bài học chưa có nội dung")
        return ParsedLesson(
            id=source.id_value(),
            title=source.text_value("title") or "",
            path=source.name,
            order=source.int_value("order", 0, 0, 999),
            quiz=source.text_value("quiz"),
            grades=sorted(set(grades)),
            required=required,
            minutes=source.int_value("minutes", 10, 1, 120),
            summary=source.text_value("summary", "") or "",
            reviewed=reviewed,
            sources=sources,
            body_html=self.body_html(source, body_tokens),
            content_hash=source.content_hash(),
        )

    def page(self, source: _Source) -> ParsedPage:
        source.check_boxes()
        self.check_review(source, needs_sources=False)
        return ParsedPage(
            id=source.id_value(),
            title=source.text_value("title") or "",
            path=source.name,
            body_html=self.body_html(source, source.tokens[source.body_start :]),
            content_hash=source.content_hash(),
        )

    def quiz(self, source: _Source) -> ParsedQuiz:
        tokens = source.tokens[source.body_start :]
        sections: list[list[Token]] = []
        for token in tokens:
            if token.type == "heading_open" and token.tag == "h2":
                sections.append([])
            if sections:
                sections[-1].append(token)
            elif token.map and token.type.endswith("_open") or token.type == "inline":
                line = token.map[0] + 1 if token.map else 1
                source.error(line, "nội dung nằm ngoài câu hỏi: mỗi câu hỏi bắt đầu bằng `## ` và câu hỏi")
                break
        questions = [q for q in (self.question(source, s) for s in sections) if q]
        if not questions:
            source.error(len(source.text.split("\n")), "bài kiểm tra chưa có câu hỏi nào (`## Câu hỏi {#ma-cau}`)")
        seen: dict[str, int] = {}
        for q in questions:
            if q.key in seen:
                source.error(q.line, f"mã câu hỏi `{q.key}` đã dùng ở dòng {seen[q.key]}")
            seen.setdefault(q.key, q.line)
        draw = source.int_value("draw", len(questions) or 1, 1, 200)
        if "draw" in source.meta and questions and draw > len(questions):
            source.error(
                source.line_of("draw"),
                f"`draw: {draw}` lớn hơn số câu hỏi trong ngân hàng ({len(questions)} câu)",
            )
        _check_bank_balance(source, questions, draw)
        return ParsedQuiz(
            id=source.id_value(),
            title=source.text_value("title") or "",
            path=source.name,
            lesson=source.text_value("lesson"),
            pass_percent=source.int_value("pass_percent", 80, 1, 100),
            draw=min(draw, len(questions)) if questions else draw,
            questions=questions,
        )

    def question(self, source: _Source, tokens: list[Token]) -> ParsedQuestion | None:
        """One `## question {#key}` section: heading, optional body, choices or steps, explanation."""
        line = tokens[0].map[0] + 1
        key, flags, heading = self.question_heading(source, line, tokens[1].content)
        rest = tokens[3:]  # after heading_open, inline, heading_close
        list_at = next(
            (i for i, t in enumerate(rest) if t.level == 0 and t.type in ("bullet_list_open", "ordered_list_open")),
            None,
        )
        if list_at is None:
            source.error(line, "câu hỏi chưa có lựa chọn: viết `- [ ] …` / `- [x] …`, hoặc các bước `1. …`")
            return None
        list_end = next(
            i for i in range(list_at, len(rest)) if rest[i].level == 0 and rest[i].type.endswith("_list_close")
        )
        body_tokens, list_tokens, after = rest[:list_at], rest[list_at : list_end + 1], rest[list_end + 1 :]
        ordered = list_tokens[0].type == "ordered_list_open"
        links = _Links(self, source)
        choices = self.question_choices(source, list_tokens, ordered, links)
        explanation_tokens = self.question_explanation(source, after, line)
        kind = self.question_kind(source, line, ordered, choices, ".nhieu-dap-an" in flags)
        prompt_tokens = MD.parseInline(heading.strip(), {})
        rewrite_urls(prompt_tokens, links, line)
        _check_images_have_alt(body_tokens, source, line)
        question = ParsedQuestion(
            key=key,
            kind=kind,
            line=line,
            prompt_html=MD.renderer.render(prompt_tokens, MD.options, {}),
            body_html=self.body_html(source, body_tokens),
            explanation_html=self.body_html(source, explanation_tokens[1:-1]),
            choices=choices,
        )
        fingerprint = [kind, question.prompt_html, question.body_html, question.explanation_html]
        fingerprint += [[c.text_html, c.is_correct] for c in choices]
        question.content_hash = hashlib.sha256(json.dumps(fingerprint).encode()).hexdigest()
        return question

    @staticmethod
    def question_heading(source: _Source, line: int, heading: str) -> tuple[str, str, str]:
        """Split `Question text {#key .flags}` into key, flags and text, reporting what is missing or unknown."""
        match = QUESTION_ATTRS.search(heading)
        key, flags = "", ""
        if match:
            key, flags = match.group(1), match.group(2)
            heading = heading[: match.start()]
        if not key:
            source.error(line, "câu hỏi thiếu mã ở cuối dòng, ví dụ `## Ai được cấp tài khoản? {#ai-duoc-cap}`")
        elif not ID_PATTERN.match(key):
            source.error(line, f"mã câu hỏi `{key}` chỉ được dùng chữ thường không dấu, chữ số và dấu gạch ngang")
        unknown_flags = [f for f in flags.split() if f != ".nhieu-dap-an"]
        if unknown_flags:
            source.error(line, f"đánh dấu không có: {' '.join(unknown_flags)} (chỉ có `.nhieu-dap-an`)")
        if not heading.strip():
            source.error(line, "câu hỏi chưa có nội dung sau `## `")
        return key, flags, heading

    @staticmethod
    def question_choices(source: _Source, list_tokens: list[Token], ordered: bool, links: _Links) -> list[ParsedChoice]:
        """The `- [ ]`/`- [x]` choices, or the `1.` steps in their right order, one line each."""
        choices: list[ParsedChoice] = []
        for i, token in enumerate(list_tokens):
            if token.type != "list_item_open" or token.level != 1:
                continue
            item_line = token.map[0] + 1
            inline = list_tokens[i + 2] if list_tokens[i + 1].type == "paragraph_open" else None
            closing = next(
                j
                for j in range(i, len(list_tokens))
                if list_tokens[j].type == "list_item_close" and list_tokens[j].level == 1
            )
            if inline is None or closing != i + 4:
                source.error(item_line, "mỗi lựa chọn chỉ viết trên một dòng, không lồng danh sách")
                continue
            text = inline.content.strip()
            is_correct = False
            if not ordered:
                mark = TASK_MARK.match(text)
                if not mark:
                    source.error(item_line, "lựa chọn phải bắt đầu bằng `[ ]` (sai) hoặc `[x]` (đúng)")
                    continue
                is_correct = mark.group(1).lower() == "x"
                text = text[mark.end() :]
            elif TASK_MARK.match(text):
                source.error(
                    item_line, "câu sắp xếp thứ tự không dùng `[ ]`/`[x]`: viết các bước theo đúng thứ tự `1. …`"
                )
                continue
            if not text:
                source.error(item_line, "lựa chọn trống")
                continue
            inline_tokens = MD.parseInline(text, {})
            rewrite_urls(inline_tokens, links, item_line)
            choices.append(ParsedChoice(MD.renderer.render(inline_tokens, MD.options, {}), is_correct, text))
        return choices

    @staticmethod
    def question_explanation(source: _Source, after: list[Token], line: int) -> list[Token]:
        """The `> Giải thích: …` block after the choices (required), with its prefix removed."""
        explanation_tokens: list[Token] = []
        for token in after:
            if (
                token.type == "blockquote_open"
                and token.level == 0
                and not explanation_tokens
                or explanation_tokens
                and (token.level > 0 or token.type == "blockquote_close")
            ):
                explanation_tokens.append(token)
            elif token.level == 0:
                where = token.map[0] + 1 if token.map else line
                source.error(where, "sau các lựa chọn chỉ được có phần giải thích bắt đầu bằng `> `")
                break
        if not explanation_tokens:
            source.error(line, "câu hỏi thiếu phần giải thích: thêm một dòng `> Giải thích: …` sau các lựa chọn")
        for token in explanation_tokens:
            if token.type == "inline":
                token.content = EXPLANATION_PREFIX.sub("", token.content, count=1)
                token.children = MD.parseInline(token.content, {})[0].children
                break
        return explanation_tokens

    @staticmethod
    def question_kind(source: _Source, line: int, ordered: bool, choices: list[ParsedChoice], many: bool) -> str:
        if ordered:
            if len(choices) < 3:
                source.error(line, "câu sắp xếp thứ tự cần ít nhất 3 bước")
            if many:
                source.error(line, "`.nhieu-dap-an` không dùng cho câu sắp xếp thứ tự")
            return "order"
        correct = sum(c.is_correct for c in choices)
        if len(choices) < 2:
            source.error(line, "câu hỏi cần ít nhất 2 lựa chọn")
        if correct == 0:
            source.error(line, "câu hỏi không có đáp án đúng: đánh dấu `[x]` trước ít nhất một lựa chọn")
        texts = sorted(c.source.strip().rstrip(".").lower() for c in choices)
        if len(choices) == 2 and texts == sorted(TRUE_FALSE) and not many:
            if correct != 1:
                source.error(line, "câu Đúng/Sai phải đánh dấu `[x]` đúng một lựa chọn")
            return "true_false"
        if many or correct > 1:
            if correct == len(choices) and len(choices) > 1:
                source.warn(line, "mọi lựa chọn đều đúng: học sinh chỉ cần chọn tất cả")
            return "many"
        return "one"

    def cross_check(self, sources: dict[str, list[_Source]]) -> None:
        first_seen: dict[tuple[str, str], str] = {}
        for kind, items in (
            ("bài học", self.result.lessons),
            ("bài kiểm tra", self.result.quizzes),
            ("trang", self.result.pages),
        ):
            for item in items:
                if not item.id:
                    continue
                where = first_seen.get((kind, item.id))
                if where:
                    self.result.problems.append(Problem(item.path, 2, f"mã {kind} `{item.id}` trùng với {where}"))
                first_seen.setdefault((kind, item.id), item.path)
        quizzes = {q.id: q for q in self.result.quizzes}
        lessons = {lesson.id: lesson for lesson in self.result.lessons}
        by_name = {s.name: s for group in sources.values() for s in group}
        for lesson in self.result.lessons:
            src = by_name[lesson.path]
            if lesson.quiz and lesson.quiz not in quizzes:
                src.error(
                    src.line_of("quiz"),
                    f"bài học gọi tới bài kiểm tra `{lesson.quiz}` nhưng không có tệp nào mang mã đó",
                )
            elif lesson.quiz and quizzes[lesson.quiz].lesson not in (None, lesson.id):
                src.error(
                    src.line_of("quiz"),
                    f"bài kiểm tra `{lesson.quiz}` thuộc về bài học khác (`{quizzes[lesson.quiz].lesson}`)",
                )
        claimed: dict[str, str] = {}
        for quiz in self.result.quizzes:
            src = by_name[quiz.path]
            if quiz.lesson and quiz.lesson not in lessons:
                src.error(
                    src.line_of("lesson"),
                    f"bài kiểm tra gọi tới bài học `{quiz.lesson}` nhưng không có tệp nào mang mã đó",
                )
            owner = quiz.lesson or next((les.id for les in self.result.lessons if les.quiz == quiz.id), None)
            if owner and owner in claimed:
                src.error(src.line_of("lesson"), f"bài học `{owner}` đã có bài kiểm tra `{claimed[owner]}`")
            if owner:
                claimed.setdefault(owner, quiz.id)


def read_content(root: Path, today: date | None = None) -> ContentSet:
    """Read and check every lesson, quiz and page under `root` (the /content folder)."""
    return _Content(root, today or date.today()).read()
