/* Code blocks and tables wider than the screen scroll sideways (the theme wraps tables in
 * .wy-table-responsive). A reader without a mouse can scroll them only once they can take the
 * keyboard focus, so each one that overflows gets tabindex="0" (WCAG 2.1.1; axe-core's rule
 * scrollable-region-focusable), and loses it again when the window grows wide enough. */
(() => {
  "use strict";

  const SCROLLERS = "div.highlight pre, .wy-table-responsive";

  const update = () => {
    for (const region of document.querySelectorAll(SCROLLERS)) {
      if (region.scrollWidth > region.clientWidth) {
        region.setAttribute("tabindex", "0");
      } else if (region.getAttribute("tabindex") === "0") {
        region.removeAttribute("tabindex");
      }
    }
  };

  let pending = null;
  const updateSoon = () => {
    if (pending === null) {
      pending = window.requestAnimationFrame(() => {
        pending = null;
        update();
      });
    }
  };

  const start = () => {
    update();
    // Again whenever the page's structure changes: the theme wraps its tables in jQuery's
    // ready handler, which may run only after "load".
    new MutationObserver(updateSoon).observe(document.body, { childList: true, subtree: true });
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  // Again once fonts and images have loaded and changed the widths.
  window.addEventListener("load", update);
  window.addEventListener("resize", updateSoon);
  // Opening a solution or choosing a site tab can reveal a block that overflows.
  document.addEventListener("toggle", updateSoon, true);
  document.addEventListener("click", updateSoon, true);
  document.addEventListener("keyup", updateSoon, true);
})();
