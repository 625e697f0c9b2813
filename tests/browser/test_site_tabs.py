"""Site tabs as a reader uses them: click and arrow keys switch every group, and the chosen
centre follows the reader to other pages, across a reload and from a ``?site=`` address.

Selectors and behaviour are those documented at the top of sphinx_teaching's lesson.js.
The checks on every page run on the course too; the rest use roots/test-browser-tabs.
"""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

SITES = ["uppmax", "hpc2n", "local"]

GROUPS = ".lesson-site-tabs.lesson-site-tabs-ready"


def tabs_of(group: Locator) -> Locator:
    return group.locator(":scope > .lesson-site-tablist > [role=tab]")


def selected_sites(page: Page) -> list[str]:
    """The site shown in each group of the page, in page order."""
    return page.evaluate(
        """groups => [...document.querySelectorAll(groups)].map(g => {
             const tab = g.querySelector(':scope > .lesson-site-tablist > [aria-selected=true]');
             return tab ? tab.dataset.lessonSite : null;
           })""",
        GROUPS,
    )


def expect_shown(group: Locator, site: str) -> None:
    """Exactly ``site``'s tab is selected and focusable, and only its panel is visible."""
    tabs = tabs_of(group)
    for index in range(tabs.count()):
        tab = tabs.nth(index)
        name = tab.get_attribute("data-lesson-site")
        chosen = name == site
        expect(tab).to_have_attribute("aria-selected", "true" if chosen else "false")
        expect(tab).to_have_attribute("tabindex", "0" if chosen else "-1")
        panel = group.page.locator(f"#{tab.get_attribute('aria-controls')}")
        if chosen:
            expect(panel).to_be_visible()
        else:
            expect(panel).to_be_hidden()


def test_every_tab_shows_its_panel_on_every_page(served, tab):
    """Click each tab of each group: its panel shows, the others hide (course pages too)."""
    groups_seen = 0
    for page in served.pages:
        browser_page = tab.open(served.page_url(page))
        groups = browser_page.locator(GROUPS)
        assert browser_page.locator(".lesson-site-tabs").count() == groups.count(), (
            f"{page}: a tab group was not made into tabs"
        )
        for g in range(groups.count()):
            group = groups.nth(g)
            tabs = tabs_of(group)
            for t in range(tabs.count()):
                tabs.nth(t).click()
                expect_shown(group, tabs.nth(t).get_attribute("data-lesson-site"))
            groups_seen += 1
        assert tab.problems() == [], page
    if served.name == "tabs":
        assert groups_seen == 3


def test_a_click_switches_every_group_on_the_page(tabs, tab):
    page = tab.open(tabs.page_url("index.html"))
    groups = page.locator(GROUPS)
    assert groups.count() == 2
    assert selected_sites(page) == ["uppmax", "uppmax"]
    for site in ["hpc2n", "local", "uppmax"]:
        tabs_of(groups.nth(1)).filter(has_text=_label(page, site)).click()
        assert selected_sites(page) == [site, site]
        expect_shown(groups.nth(0), site)
        expect_shown(groups.nth(1), site)
    assert tab.problems() == []


def _label(page: Page, site: str) -> str:
    return page.locator(f"{GROUPS} [role=tab][data-lesson-site={site}]").first.inner_text()


def test_arrow_keys_home_and_end_move_between_tabs(tabs, tab):
    page = tab.open(tabs.page_url("index.html"))
    group = page.locator(GROUPS).first
    tab_list = tabs_of(group)
    tab_list.first.focus()
    moves = [
        ("ArrowRight", "hpc2n"),
        ("ArrowRight", "local"),
        ("ArrowRight", "uppmax"),  # wraps around
        ("ArrowLeft", "local"),  # and back
        ("Home", "uppmax"),
        ("End", "local"),
        ("ArrowLeft", "hpc2n"),
    ]
    for key, site in moves:
        page.keyboard.press(key)
        focused = page.evaluate("document.activeElement.dataset.lessonSite")
        assert focused == site, f"after {key}: focus on {focused}, expected {site}"
        expect_shown(group, site)
        assert selected_sites(page) == [site, site]
    # Tab leaves the tab list for the shown panel (one tab stop per group).
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('role')") == "tabpanel"
    assert tab.problems() == []


def test_the_chosen_site_follows_the_reader_across_pages_and_reloads(tabs, tab):
    page = tab.open(tabs.page_url("index.html"))
    page.locator(f"{GROUPS} [role=tab][data-lesson-site=hpc2n]").first.click()
    # To the next page by its link, as a reader goes.
    page.locator("[role=main] a[href='second.html']").first.click()
    page.wait_for_url("**/second.html")
    assert selected_sites(page) == ["hpc2n"]
    page.reload()
    assert selected_sites(page) == ["hpc2n"]
    page.go_back()
    assert selected_sites(page) == ["hpc2n", "hpc2n"]
    # A choice made on the second page is what the first page shows next.
    tab.open(tabs.page_url("second.html"))
    page.locator(f"{GROUPS} [role=tab][data-lesson-site=local]").click()
    tab.open(tabs.page_url("index.html"))
    assert selected_sites(page) == ["local", "local"]
    assert tab.problems() == []


def test_a_site_address_selects_and_remembers_the_site(tabs, new_tab):
    tab = new_tab()  # fresh storage: nothing chosen yet
    page = tab.open(tabs.page_url("second.html?site=local"))
    assert selected_sites(page) == ["local"]
    # Remembered: the next page without ?site= shows it too.
    tab.open(tabs.page_url("index.html"))
    assert selected_sites(page) == ["local", "local"]
    # An address wins over what was remembered.
    tab.open(tabs.page_url("index.html?site=hpc2n"))
    assert selected_sites(page) == ["hpc2n", "hpc2n"]
    # An unknown site changes nothing and breaks nothing.
    tab.open(tabs.page_url("index.html?site=nowhere"))
    assert selected_sites(page) == ["hpc2n", "hpc2n"]
    assert tab.problems() == []


def test_without_a_choice_the_first_site_shows(tabs, new_tab):
    page = new_tab().open(tabs.page_url("index.html"))
    assert selected_sites(page) == ["uppmax", "uppmax"]
