"""Browser tests: Playwright drives Debian's chromium against the app served on a free local port.

They run on SQLite only (the pages are the same on both engines) and skip, once, when Playwright or a
chromium binary is missing: `.ci/run` installs chromium; `make test` on a bare machine says why they skip.
"""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the requirements install it
    sync_playwright = None

if sync_playwright is None or CHROMIUM is None:
    if os.environ.get("BROWSER_REQUIRED"):  # .ci/run: a skipped browser test would hide a broken page
        raise RuntimeError("BROWSER_REQUIRED is set but Playwright or chromium is missing")
    pytest.skip(
        "browser tests: no chromium on this machine (apt-get install chromium; .ci/run does)",
        allow_module_level=True,
    )


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return "sqlite:///" + str(tmp_path_factory.mktemp("browser-db") / "test.sqlite")


@pytest.fixture
def live_server(app, people):
    """The test app on a real socket, so that a real browser can use it."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Open pages in fresh contexts: `new_page(javascript=False, width=390)`."""
    contexts = []

    def open_page(javascript: bool = True, width: int = 1280, height: int = 900):
        # bypass_csp lets axe-core be injected into pages whose CSP forbids foreign scripts.
        context = browser.new_context(
            java_script_enabled=javascript, viewport={"width": width, "height": height}, bypass_csp=True, locale="vi-VN"
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
