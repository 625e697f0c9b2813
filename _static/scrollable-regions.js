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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
  // Again once the theme's script has wrapped the tables and fonts and images have loaded; at
  // once, not on the next frame, so the page is keyboard-ready when "load" has fired.
  window.addEventListener("load", update);
  window.addEventListener("resize", updateSoon);
  // Opening a solution or choosing a site tab can reveal a block that overflows.
  document.addEventListener("toggle", updateSoon, true);
  document.addEventListener("click", updateSoon, true);
  document.addEventListener("keyup", updateSoon, true);
})();
