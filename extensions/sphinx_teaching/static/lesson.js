/* sphinx_teaching: site tabs, print, deep links; pages work without it. Hooks:
 * script[data-lesson-sites]  JSON list of the lesson_sites names
 * .lesson-site-tabs          group (+ .lesson-site-tabs-ready once enhanced)
 *  > .lesson-site-tablist    role=tablist, hidden until enhanced
 *   > .lesson-site-tab       role=tab, data-lesson-site, aria-controls, aria-selected,
 *                            tabindex 0|-1, id = panel id + "-tab"
 *  > .lesson-site-panel      section[data-lesson-site][id]; role=tabpanel, hidden if unselected
 *   > .lesson-site-heading   site heading, shown without JS and in print
 * localStorage "lesson-site" remembers the choice; ?site=name sets it. Keys: Left, Right,
 * Home, End. A choice switches every group; a #link into a hidden panel or closed <details>
 * opens it (not remembered); all <details> open for printing. */
(() => {
  const KEY = "lesson-site";
  const store = (site) => { try { localStorage.setItem(KEY, site); } catch (e) { /* blocked */ } };
  const stored = () => { try { return localStorage.getItem(KEY); } catch (e) { return null; } };
  const byId = (id) => document.getElementById(id);
  let known = [];
  try {
    known = JSON.parse(document.querySelector("script[data-lesson-sites]").dataset.lessonSites);
  } catch (e) { /* no sites */ }
  const groups = [...document.querySelectorAll(".lesson-site-tabs")]
    .filter((g) => g.querySelector(":scope>.lesson-site-tablist"));
  const tabsOf = (g) => [...g.querySelectorAll(":scope>.lesson-site-tablist>[role=tab]")];

  // Show `site` in group `g`; false if it has no such tab.
  function select(g, site) {
    const tabs = tabsOf(g);
    if (!tabs.some((t) => t.dataset.lessonSite === site)) return false;
    for (const t of tabs) {
      const on = t.dataset.lessonSite === site;
      t.setAttribute("aria-selected", on);
      t.tabIndex = on ? 0 : -1;
      byId(t.getAttribute("aria-controls")).hidden = !on;
    }
    return true;
  }
  // Every group to `site`, keeping the clicked `tab` still on screen.
  function selectAll(site, tab) {
    const top = tab && tab.getBoundingClientRect().top;
    groups.forEach((g) => select(g, site));
    if (tab) scrollBy(0, tab.getBoundingClientRect().top - top);
  }
  const choose = (tab) => { selectAll(tab.dataset.lessonSite, tab); store(tab.dataset.lessonSite); };

  for (const g of groups) {
    const tabs = tabsOf(g);
    const list = tabs[0].parentElement;
    for (const t of tabs) {
      const panel = byId(t.getAttribute("aria-controls"));
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", t.id);
      panel.tabIndex = 0;
      t.addEventListener("click", () => choose(t));
    }
    list.addEventListener("keydown", (e) => {
      const i = tabs.indexOf(e.target);
      const n = tabs.length;
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1 + n, Home: 0, End: n - 1 }[e.key];
      if (i < 0 || next === undefined || e.altKey || e.ctrlKey || e.metaKey) return;
      e.preventDefault();
      tabs[next % n].focus();
      choose(tabs[next % n]);
    });
    select(g, tabs[0].dataset.lessonSite);
    list.hidden = false;
    g.classList.add("lesson-site-tabs-ready");
  }

  const fromUrl = (new URLSearchParams(location.search).get("site") || "").toLowerCase();
  if (known.includes(fromUrl)) store(fromUrl);
  const wanted = known.includes(fromUrl) ? fromUrl : stored();
  if (known.includes(wanted)) selectAll(wanted);

  // Open closed <details> and hidden panels around #hash's element; it, if any were opened.
  function reveal(hash) {
    let target = null;
    let opened = false;
    try { target = byId(decodeURIComponent(hash.slice(1))); } catch (e) { /* bad hash */ }
    for (let el = target; el; el = el.parentElement) {
      if (el.matches("details:not([open])")) opened = el.open = true;
      else if (el.matches(".lesson-site-panel[hidden]")) {
        opened = select(el.parentElement, el.dataset.lessonSite) || opened;
      }
    }
    return opened && target;
  }
  const revealHash = () => { const t = location.hash && reveal(location.hash); if (t) t.scrollIntoView(); };
  revealHash();
  addEventListener("hashchange", revealHash);
  // A link to the current hash fires no hashchange.
  document.addEventListener("click", (e) => {
    const a = e.target.closest && e.target.closest("a[href*='#']");
    if (a && a.pathname === location.pathname && a.hash) reveal(a.hash);
  });

  let printed = [];
  addEventListener("beforeprint", () => {
    printed = [...document.querySelectorAll("details:not([open])")];
    printed.forEach((d) => { d.open = true; });
  });
  addEventListener("afterprint", () => { printed.forEach((d) => { d.open = false; }); printed = []; });
})();
