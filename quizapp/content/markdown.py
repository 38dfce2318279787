"""One configured Markdown renderer for all content: raw HTML off, links and images rewritten."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

# The boxes an author may open with `::: name` and close with `:::`; the value is the default title.
BOXES = {
    "ghi-nho": "Ghi nhớ",
    "nguoi-than": "Hướng dẫn người thân",
    "luu-y": "Lưu ý",
    "tinh-huong": "Tình huống",
    "minh-hoa": "Minh hoạ",
}


def slugify(text: str) -> str:
    """Vietnamese heading text to an ASCII anchor: 'Thẻ căn cước' -> 'the-can-cuoc'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").lower()
    words = "".join(c if c.isalnum() else " " for c in text).split()
    return "-".join(words)


def _render_box(self, tokens: Sequence[Token], idx: int, _options, _env) -> str:
    token = tokens[idx]
    if token.nesting == 1:
        name, _, title = token.info.strip().partition(" ")
        title = title.strip() or BOXES[name]
        return f'<aside class="box box-{name}"><p class="box-title">{escapeHtml(title)}</p>\n'
    return "</aside>\n"


def make_markdown(html: bool = False) -> MarkdownIt:
    md = (
        MarkdownIt("commonmark", {"html": html, "typographer": False})
        .enable(["table", "strikethrough"])
        .use(front_matter_plugin)
        .use(anchors_plugin, min_level=2, max_level=3, slug_func=slugify)
    )
    for name in BOXES:
        md.use(container_plugin, name, render=_render_box)
    return md


MD = make_markdown()

# Only for the checker: the same grammar, but HTML and every link scheme are kept as tokens, so the
# checker can point at what MD would silently print as plain text.
_SCAN = make_markdown(html=True)
_SCAN.validateLink = lambda url: True

BLOCKED_SCHEMES = ("javascript", "vbscript", "data")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_IGNORED_IN_URL = re.compile(r"[\x00-\x20]")  # browsers drop these, so "java script:" still runs


def url_scheme(url: str) -> str:
    match = _SCHEME.match(_IGNORED_IN_URL.sub("", url))
    return match.group(1).lower() if match else ""


def unsafe_markup(text: str) -> Iterator[tuple[int, str, str]]:
    """Yield (line, kind, what) for raw HTML ("html") and links or images whose scheme is blocked
    ("link"/"image"): MD shows the first as literal text and drops the second, so both are author mistakes."""
    for token in _SCAN.parse(text):
        line = token.map[0] + 1 if token.map else 1
        if token.type == "html_block":
            yield line, "html", token.content.strip()
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "html_inline":
                yield line, "html", child.content
            elif child.type in ("link_open", "image"):
                url = child.attrGet("href" if child.type == "link_open" else "src") or ""
                if url_scheme(url) in BLOCKED_SCHEMES:
                    yield line, "image" if child.type == "image" else "link", url


# rewrite(url, is_image, line) -> the URL to put in the page, or None to leave it as written.
Rewriter = Callable[[str, bool, int], str | None]


def rewrite_urls(tokens: Sequence[Token], rewrite: Rewriter, line: int) -> None:
    """Point links and images at their place in the app (in place), and let the caller check them."""
    for token in tokens:
        token_line = token.map[0] + 1 if token.map else line
        if token.children:
            rewrite_urls(token.children, rewrite, token_line)
        if token.type == "image":
            new = rewrite(token.attrGet("src") or "", True, token_line)
            if new is not None:
                token.attrSet("src", new)
            token.attrSet("loading", "lazy")
        elif token.type == "link_open":
            href = token.attrGet("href") or ""
            new = rewrite(href, False, token_line)
            if new is not None:
                token.attrSet("href", new)
            if href.startswith(("http://", "https://")):
                token.attrSet("rel", "noopener noreferrer")
                token.attrSet("target", "_blank")


def render(tokens: Sequence[Token]) -> str:
    return MD.renderer.render(tokens, MD.options, {})
