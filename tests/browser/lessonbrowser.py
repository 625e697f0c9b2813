"""A real browser on the built site: Debian's Chromium driven by Playwright, and a local server.

Shared by the browser tests (tests/browser/test_*.py) and `make screenshots`
(tests/browser/screenshots.py). Nothing here downloads a browser: Playwright only drives
the Chromium that `make test` installs from Debian (see the Makefile's `chromium` target).
"""

from __future__ import annotations

import functools
import os
import threading
import time
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import (
        Browser,
        BrowserContext,
        ConsoleMessage,
        Page,
        Playwright,
        Request,
    )

REPO_ROOT = Path(__file__).resolve().parents[2]

#: Debian's Chromium (package ``chromium``); LESSON_CHROMIUM points the tests at another one.
CHROMIUM = Path(os.environ.get("LESSON_CHROMIUM", "/usr/bin/chromium"))

#: Flags besides headless (which :func:`launch` asks Playwright for): root in a container
#: needs no sandbox, there is no GPU, and without the last four Chromium phones home at
#: start-up (updates, sync, field trials), which a closed network refuses.
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

#: axe-core, installed from npm by `make test` (package.json pins the exact version).
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"

#: axe-core's rules for WCAG 2.0, 2.1 and 2.2 A and AA (W3C's current recommendation is 2.2),
#: and its best-practice rules (landmarks, empty table headers, ...).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")

#: The only host a page may ask for anything.
LOCAL_HOST = "127.0.0.1"

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}

#: Folders of a built site that hold no pages.
_NOT_PAGES = {"_static", "_sources", "_images", "_downloads"}


def in_ci() -> bool:
    """True when the CI environment variable says we run in CI (where nothing may skip)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing_tools() -> list[str]:
    """What the browser tests need and this machine lacks, each with how to get it."""
    problems = []
    if not os.access(CHROMIUM, os.X_OK):
        problems.append(
            f"Chromium is not installed at {CHROMIUM} "
            "(`make test` installs Debian's package `chromium` when run as root; "
            "or run `apt-get install chromium`)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the Python package playwright is missing (run `make venv`)")
    if not AXE_SCRIPT.is_file():
        problems.append(f"axe-core is missing at {AXE_SCRIPT} (run `npm ci` or `make test`)")
    return problems


def site_pages(outdir: Path) -> list[str]:
    """Every HTML page of a built site, as paths relative to its root, in a stable order."""
    pages = []
    for path in sorted(outdir.rglob("*.html")):
        relative = path.relative_to(outdir)
        if not _NOT_PAGES.intersection(relative.parts):
            pages.append(relative.as_posix())
    return pages


def launch(playwright: Playwright) -> Browser:
    """Start Debian's Chromium headless (never a browser that Playwright downloads)."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=list(CHROMIUM_FLAGS),
    )


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging each request to the test output."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        # Chromium asks every server for /favicon.ico on its own (a site names its icon in
        # its pages); the sites the tests serve live below the root. No content, rather
        # than an error that is nobody's.
        if self.path == "/favicon.ico" and not Path(self.translate_path(self.path)).exists():
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 at a free port, from a thread; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


#: The proxy of every tab refuses all connections and only the local server bypasses it
#: (see :class:`Tab`). `<-loopback>` comes first: without it Chromium sends requests to
#: localhost and [::1] directly, past the proxy.
_PROXY_BYPASS = f"<-loopback>,{LOCAL_HOST}"

#: Sockets that hold the refusing ports for as long as this process runs.
_REFUSING_SOCKETS: list = []


@functools.cache
def _refusing_port() -> int:
    """A port on 127.0.0.1 that refuses every connection: bound but never listening, and
    kept bound so that nothing else takes it."""
    import socket

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((LOCAL_HOST, 0))
    _REFUSING_SOCKETS.append(sock)
    return sock.getsockname()[1]


class Tab:
    """One browser context and page that records everything a reader would not want.

    Requests to 127.0.0.1 go through; a request to any other host is recorded in
    :attr:`outside_requests` and blocked, so a test also proves the site works on a closed
    network. Console errors, uncaught script errors and error responses (a missing file) are
    recorded too.

    Requests are watched, not intercepted: Playwright turns the browser's HTTP cache off in a
    context with any route, and then every page fetched its scripts, styles and fonts anew
    (about three times as slow). Instead the context's proxy is a port that refuses every
    connection, which only 127.0.0.1 bypasses, so nothing reaches another host.

    The requests in flight are counted here too, for :meth:`wait_for_quiet_network`.
    """

    def __init__(self, browser: Browser, viewport: dict[str, int] | None = None) -> None:
        self.context: BrowserContext = browser.new_context(
            viewport=viewport or DESKTOP,
            # The copy-button tests read the clipboard back.
            permissions=["clipboard-read", "clipboard-write"],
            proxy={"server": f"http://{LOCAL_HOST}:{_refusing_port()}", "bypass": _PROXY_BYPASS},
        )
        self.outside_requests: list[str] = []
        self.console_errors: list[str] = []
        self.unfinished_requests: list[str] = []
        self._in_flight: set[Request] = set()
        # Pages here load in well under a second; fail fast rather than after Playwright's 30 s.
        self.context.set_default_timeout(10_000)
        self.context.on("request", self._on_request)
        self.context.on("requestfinished", self._on_request_done)
        self.context.on("requestfailed", self._on_request_done)
        self.page: Page = self.context.new_page()
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))
        self.page.on("response", self._on_response)

    def _on_request(self, request: Request) -> None:
        self._in_flight.add(request)
        # data: and blob: addresses are the page's own content, not requests to a host.
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != LOCAL_HOST:
            self.outside_requests.append(f"{self.page.url} -> {request.url}")

    def _on_request_done(self, request: Request) -> None:
        self._in_flight.discard(request)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"{self.page.url}: {message.text}")

    def _on_response(self, response) -> None:
        if response.status >= 400:
            self.console_errors.append(f"{self.page.url}: HTTP {response.status} {response.url}")

    def open(self, url: str) -> Page:
        """Load ``url`` and wait until the page and its scripts have finished loading."""
        self.page.goto(url, wait_until="load")
        # The theme finishes the page in jQuery's ready handler, which can run after "load"
        # (it wraps tables); the page's own scripts react on the next frame. Wait for both.
        self.page.evaluate(SETTLE_JS)
        return self.page

    def wait_for_quiet_network(self, quiet_ms: int = 500, timeout_ms: int = 10_000) -> None:
        """Wait until no request has been in flight for ``quiet_ms``, so that what scripts
        ask for after "load" is seen too. A request still unfinished after ``timeout_ms``
        is recorded as a problem, with its address.

        Playwright's own "networkidle" state is not used: once, in CI, it never arrived on
        a course page, and its timeout named no request (25 rounds over every page, on a
        busy machine, did not repeat it). Counting here, a stuck request is named.
        """
        deadline = time.monotonic() + timeout_ms / 1000
        quiet_since = time.monotonic()
        while True:
            now = time.monotonic()
            if self._in_flight:
                quiet_since = now
            elif now - quiet_since >= quiet_ms / 1000:
                return
            if now > deadline:
                self.unfinished_requests += [
                    f"{self.page.url} -> {r.url} (after {timeout_ms} ms)" for r in self._in_flight
                ]
                self._in_flight.clear()
                return
            # Waiting in the page lets Playwright deliver the request events meanwhile.
            self.page.wait_for_timeout(50)

    def problems(self) -> list[str]:
        """What went wrong so far (outside requests, console errors, requests that never
        finished); then forget them."""
        found = [f"request to another host: {r}" for r in self.outside_requests]
        found += [f"console error: {e}" for e in self.console_errors]
        found += [f"request never finished: {r}" for r in self.unfinished_requests]
        self.outside_requests.clear()
        self.console_errors.clear()
        self.unfinished_requests.clear()
        return found

    def close(self) -> None:
        self.context.close()


#: Shows an element as a reader would reach it: opens the <details> around it and selects the
#: site tab whose panel holds it (by clicking that tab, as a reader does).
REVEAL_JS = """el => {
  for (let a = el.parentElement; a; a = a.parentElement) {
    if (a.tagName === 'DETAILS') a.open = true;
    if (a.hidden && a.id) {
      const tab = document.getElementById(a.id + '-tab');
      if (tab) tab.click();
    }
  }
}"""


#: Resolves once the tasks queued so far have run, and then two frames have been drawn.
SETTLE_JS = """() => new Promise(done => setTimeout(
  () => requestAnimationFrame(() => requestAnimationFrame(done)), 0))"""


def open_all_collapsibles(page: Page) -> None:
    """Open every <details> on the page, as a reader who opens every solution."""
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    # Let the page react (toggle events, then a frame) before anything is measured.
    page.evaluate(SETTLE_JS)
