"""Screenshots of every page of a built site at desktop and phone widths (`make screenshots`).

    python tests/browser/screenshots.py _build/html _build/screenshots

Writes ``<page>-desktop.png`` and ``<page>-phone.png`` (full page, collapsibles open, so a
reviewer sees every solution) for each page, with ``/`` in page paths turned into ``--``.
Uses Debian's Chromium like the browser tests; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lessonbrowser import (
    DESKTOP,
    PHONE,
    Tab,
    launch,
    missing_tools,
    open_all_collapsibles,
    serve,
    site_pages,
)

#: Pages a reviewer does not need to see.
SKIPPED = {"genindex.html", "search.html"}


def take_screenshots(site: Path, destination: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    destination.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright, serve(site) as base_url:
        browser = launch(playwright)
        for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            tab = Tab(browser, viewport)
            for page in site_pages(site):
                if page in SKIPPED:
                    continue
                browser_page = tab.open(base_url + page)
                open_all_collapsibles(browser_page)
                name = page.removesuffix(".html").replace("/", "--")
                path = destination / f"{name}-{label}.png"
                browser_page.screenshot(path=str(path), full_page=True)
                written.append(path)
                for problem in tab.problems():
                    print(f"warning: {page}: {problem}", file=sys.stderr)
            tab.close()
        browser.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built HTML site, such as _build/html")
    parser.add_argument("destination", type=Path, help="where the PNG files go")
    arguments = parser.parse_args()
    if problems := missing_tools():
        print("cannot take screenshots: " + "; ".join(problems), file=sys.stderr)
        return 1
    if not (arguments.site / "index.html").is_file():
        print(f"no built site in {arguments.site} (run `make html`)", file=sys.stderr)
        return 1
    written = take_screenshots(arguments.site, arguments.destination)
    print(f"{len(written)} screenshots in {arguments.destination}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
