"""What a reader does on every page, in a real browser: open solutions, copy commands,
search; and what must never happen: console errors, requests to other hosts.

Each test runs on the real course site and on the feature test site (roots/test-browser),
which has every form of solution and shell session, so a broken feature fails even when
the lessons use little of it.
"""

from __future__ import annotations

import re

import pytest
from lessonbrowser import REVEAL_JS
from playwright.sync_api import Locator, Page, expect

#: How long a reaction to a click or key may take (ms); they are immediate in practice.
QUICK = 2000


def reveal(element: Locator) -> None:
    element.evaluate(REVEAL_JS)


def test_pages_load_without_errors_or_outside_requests(served, tab):
    problems = []
    for page in served.pages:
        tab.open(served.page_url(page))
        # Let scripts that run after load (search index, copy buttons) finish too.
        tab.wait_for_quiet_network()
        problems += [f"{page}: {problem}" for problem in tab.problems()]
    assert served.pages, "the site has no pages"
    assert problems == []


#: Shows a collapsible as a reader reaches it (see REVEAL_JS) and tells its title, whether
#: it is open and whether it has content besides its summary.
REVEAL_DETAILS_JS = f"""details => {{
  ({REVEAL_JS})(details);
  return {{title: details.querySelector(':scope > summary').innerText.trim(),
           open: details.open,
           hasContent: !!details.querySelector(':scope > :not(summary)')}};
}}"""


def _check_toggles(page: Page, details: Locator, where: str) -> None:
    """Close, then open and close by click, by Enter and by Space, checking the content."""
    shown = details.evaluate(REVEAL_DETAILS_JS)
    where = f"{where} {shown['title']!r}"
    summary = details.locator(":scope > summary")
    content = details.locator(":scope > :not(summary)").first

    def expect_state(opened: bool, how: str) -> None:
        state = "open" if opened else "closed"
        try:
            expect(details).to_have_js_property("open", opened, timeout=QUICK)
            if shown["hasContent"]:
                if opened:
                    expect(content).to_be_visible(timeout=QUICK)
                else:
                    expect(content).to_be_hidden(timeout=QUICK)
        except AssertionError as error:
            raise AssertionError(f"{where}: not {state} after {how}: {error}") from None

    if shown["open"]:
        summary.click()
        expect_state(False, "a click on an open summary")
    summary.click()
    expect_state(True, "a click")
    summary.click()
    expect_state(False, "a second click")
    for key in ("Enter", "Space"):
        summary.press(key)  # focuses the summary, then presses the key
        expect_state(True, f"pressing {key} on the focused summary")
        page.keyboard.press(key)  # on the summary, if it kept the focus
        expect_state(False, f"pressing {key} again")


def test_solutions_open_and_close_by_click_and_keyboard(served, tab):
    checked = 0
    for page in served.pages:
        browser_page = tab.open(served.page_url(page))
        all_details = browser_page.locator("[role=main] details")
        for index in range(all_details.count()):
            _check_toggles(browser_page, all_details.nth(index), f"{page}, collapsible box")
            checked += 1
        assert tab.problems() == []
    if served.name == "features":
        # solutions.rst: six boxes, markdown.md: one; the test must not pass by finding none.
        assert checked >= 7


#: The text a copy button should copy, read from what the reader sees in the block: for a
#: session (shell or Python) the commands, which are the lines after a prompt (`$ `, `(env) $ `,
#: `>>> `, `... `) and the lines a trailing backslash continues; for anything else the whole
#: text, without line numbers.
EXPECTED_COPY_JS = r"""block => {
  // Line numbers (:linenos:) are not part of the code.
  const pre = block.querySelector('pre').cloneNode(true);
  pre.querySelectorAll('.linenos').forEach(number => number.remove());
  const text = pre.textContent.replace(/\n$/, '');
  const prompt = /^(?:(?:\([^)]*\)\s*)?\$ |>>> |\.\.\. )/;
  const lines = text.split('\n');
  if (!lines.some(line => prompt.test(line))) return {session: false, lines: lines};
  const commands = [];
  let continued = false;
  for (const line of lines) {
    if (prompt.test(line)) commands.push(line.replace(prompt, ''));
    else if (continued) commands.push(line);
    else continue;
    continued = line.endsWith('\\');
  }
  return {session: true, lines: commands};
}"""

#: What the clipboard holds before each click, so that a click that copies nothing shows.
NOTHING_COPIED = "(nothing copied)"

#: Every code block of the page in one go: its copy buttons, the text a click on its button
#: should copy, and whether the reader must first open a collapsible or choose a site tab to
#: see it. Empties the clipboard for the first click.
COPY_BLOCKS_JS = f"""async blocks => {{
  const expected = {EXPECTED_COPY_JS};
  await navigator.clipboard.writeText({NOTHING_COPIED!r});
  return blocks.map(block => {{
    let tucked = false;
    for (let a = block.parentElement; a; a = a.parentElement) {{
      if (a.tagName === 'DETAILS' || (a.id && document.getElementById(a.id + '-tab'))) {{
        tucked = true;
      }}
    }}
    return {{buttons: block.querySelectorAll('button.copybtn').length, tucked: tucked,
             ...expected(block)}};
  }});
}}"""

#: What the last click copied; empties the clipboard for the next one.
TAKE_CLIPBOARD_JS = f"""async () => {{
  const copied = await navigator.clipboard.readText();
  await navigator.clipboard.writeText({NOTHING_COPIED!r});
  return copied;
}}"""


def _non_blank(lines: list[str]) -> list[str]:
    return [line for line in lines if line.strip()]


@pytest.mark.parametrize("half", [0, 1], ids=["first-half", "second-half"])
def test_copy_button_copies_only_the_commands(served, tab, half):
    """On every other page (``half``), so that both cores share a site's pages. The reader
    clicks each block's copy button; the expected texts are read from all blocks at once."""
    checked_sessions = 0
    problems = []
    for page in served.pages[half::2]:
        browser_page = tab.open(served.page_url(page))
        blocks = browser_page.locator("[role=main] div.highlight")
        for index, expected in enumerate(blocks.evaluate_all(COPY_BLOCKS_JS)):
            block = blocks.nth(index)
            where = f"{page}, code block {index + 1}"
            if expected["buttons"] != 1:
                problems.append(f"{where}: {expected['buttons']} copy buttons")
                continue
            if expected["tucked"]:
                reveal(block)
            block.locator("button.copybtn").click()
            copied = browser_page.evaluate(TAKE_CLIPBOARD_JS)
            copied_lines = copied.split("\n")
            if expected["session"]:
                checked_sessions += 1
                if _non_blank(copied_lines) != _non_blank(expected["lines"]):
                    problems.append(
                        f"{where}: copied {copied!r}, expected the commands "
                        f"{chr(10).join(expected['lines'])!r}"
                    )
            elif copied_lines != expected["lines"]:
                problems.append(f"{where}: copied {copied!r}, expected the whole block")
        problems += [f"{page}: {problem}" for problem in tab.problems()]
    assert problems == []
    if served.name == "features":
        # Each half of the feature site has shell sessions (more than 20 in all).
        assert checked_sessions >= 5, checked_sessions


def _search(tab, served, term: str) -> Locator:
    page = tab.open(served.page_url(f"search.html?q={term}"))
    results = page.locator("#search-results")
    expect(results.locator("li").first).to_be_visible(timeout=10_000)
    return results


def test_search_finds_virtualenv_in_the_lesson(course, tab):
    lesson = "lessons/isolated-environments.html"
    results = _search(tab, course, "virtualenv")
    link = results.locator(f'a[href^="{lesson}"]')
    expect(link.first).to_be_visible()
    link.first.click()
    expect(tab.page).to_have_url(re.compile(re.escape(course.page_url(lesson))))
    assert tab.problems() == []


def test_search_finds_a_word_and_links_to_its_page(features, tab):
    results = _search(tab, features, "virtualenv")
    link = results.locator('a[href^="markdown.html"]')
    expect(link.first).to_be_visible()
    link.first.click()
    expect(tab.page.locator("h1")).to_contain_text("A MyST page")
    assert tab.problems() == []
