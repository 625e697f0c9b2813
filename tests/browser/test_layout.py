"""Layout: at a phone's width (375 px) no page scrolls sideways and boxes and tabs stay
readable; on a laptop screen tables fit the page."""

from __future__ import annotations

from lessonbrowser import DESKTOP, PHONE, open_all_collapsibles

#: What is wider than the window: the page's own width, and the deepest elements that stick
#: out on the right (the culprits of sideways scrolling), by a short CSS path.
OVERFLOW_JS = r"""() => {
  const width = window.innerWidth;
  const path = el => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
      let part = e.tagName.toLowerCase();
      if (e.id) part += '#' + e.id;
      else if (e.classList.length) part += '.' + [...e.classList].slice(0, 2).join('.');
      parts.unshift(part);
    }
    return parts.join(' > ');
  };
  const culprits = [];
  for (const el of document.querySelectorAll('body *')) {
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.right <= width + 1) continue;
    // Inside an element that scrolls or clips sideways, it cannot widen the page.
    let clipped = false;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const overflow = getComputedStyle(a).overflowX;
      if (overflow !== 'visible') { clipped = true; break; }
    }
    if (clipped) continue;
    if ([...el.children].some(c => c.getBoundingClientRect().right > width + 1)) continue;
    culprits.push(`${path(el)} (right edge at ${Math.round(rect.right)} px)`);
  }
  return {scrollWidth: document.documentElement.scrollWidth, width: width,
          culprits: culprits.slice(0, 5)};
}"""

#: Boxes and tab bars that do not fit the window or cut their own title or labels.
UNREADABLE_JS = r"""() => {
  const width = window.innerWidth;
  const problems = [];
  const label = el => (el.id ? '#' + el.id : el.className.split(' ').slice(0, 3).join('.'));
  for (const box of document.querySelectorAll('.lesson-box, [role=tablist]')) {
    const rect = box.getBoundingClientRect();
    if (rect.width === 0) continue;  // not shown (a closed solution's nested box)
    if (rect.left < -1 || rect.right > width + 1) {
      problems.push(`${label(box)} spans ${Math.round(rect.left)}-${Math.round(rect.right)} px`);
    }
    if (rect.width < 0.6 * width) {
      problems.push(`${label(box)} is only ${Math.round(rect.width)} px wide`);
    }
    for (const part of box.querySelectorAll(':scope > .admonition-title, [role=tab]')) {
      if (part.scrollWidth > part.clientWidth + 1) {
        problems.push(`${label(box)}: "${part.textContent.trim()}" is cut off`);
      }
      const size = parseFloat(getComputedStyle(part).fontSize);
      if (size < 14) problems.push(`${label(box)}: "${part.textContent.trim()}" is ${size} px`);
    }
  }
  return problems;
}"""


def test_no_page_scrolls_sideways_on_a_phone(served, new_tab):
    tab = new_tab(PHONE)
    problems = []
    for page in served.pages:
        browser_page = tab.open(served.page_url(page))
        for state in ("as loaded", "collapsibles open"):
            if state == "collapsibles open":
                open_all_collapsibles(browser_page)
            result = browser_page.evaluate(OVERFLOW_JS)
            if result["scrollWidth"] > result["width"]:
                problems.append(
                    f"{page} ({state}): {result['scrollWidth']} px wide in a "
                    f"{result['width']} px window; sticking out: {result['culprits']}"
                )
            problems += [f"{page} ({state}): {p}" for p in browser_page.evaluate(UNREADABLE_JS)]
        problems += [f"{page}: {problem}" for problem in tab.problems()]
    assert problems == []


def test_tables_fit_a_laptop_screen(served, new_tab):
    """At 1280 px no table needs sideways scrolling (on a phone a wide table may scroll)."""
    tab = new_tab(DESKTOP)
    problems = []
    for page in served.pages:
        browser_page = tab.open(served.page_url(page))
        open_all_collapsibles(browser_page)
        problems += [
            f"{page}: table {index + 1} is {scroll} px wide in {client} px"
            for index, (scroll, client) in enumerate(
                browser_page.locator(".wy-table-responsive").evaluate_all(
                    "wrappers => wrappers.filter(w => w.offsetParent)"
                    ".map(w => [w.scrollWidth, w.clientWidth])"
                )
            )
            if scroll > client
        ]
    assert problems == []


#: Wraps a table too wide for a phone as the theme wraps tables (in its jQuery ready handler,
#: which may run after "load"), and tells whether the wrapper can take the keyboard focus
#: once the page has settled.
LATE_TABLE_JS = r"""() => new Promise(done => {
  const wrapper = document.createElement('div');
  wrapper.className = 'wy-table-responsive';
  wrapper.innerHTML = '<table class="docutils"><tr><td style="white-space: nowrap">'
    + 'a cell wider than any phone '.repeat(20) + '</td></tr></table>';
  document.querySelector('[role=main]').append(wrapper);
  setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(
    () => done([wrapper.scrollWidth > wrapper.clientWidth, wrapper.getAttribute('tabindex')]))), 0);
})"""


def test_a_table_wrapped_after_load_can_take_the_keyboard_focus(course, new_tab):
    """A reader without a mouse scrolls a wide table once it can take the focus; the theme
    may wrap its tables only after the page's own script first looked for them."""
    browser_page = new_tab(PHONE).open(course.page_url("index.html"))
    overflows, tabindex = browser_page.evaluate(LATE_TABLE_JS)
    assert overflows
    assert tabindex == "0"
