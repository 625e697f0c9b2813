/* Code blocks wider than the screen scroll sideways. A reader without a mouse can scroll
 * them only once they can take the keyboard focus, so each code block that overflows gets
 * tabindex="0" (WCAG 2.1.1; axe-core's rule scrollable-region-focusable), and loses it again
 * when the window grows wide enough. */
(() => {
  "use strict";

  const update = () => {
    for (const pre of document.querySelectorAll("div.highlight pre")) {
      if (pre.scrollWidth > pre.clientWidth) {
        pre.setAttribute("tabindex", "0");
      } else if (pre.getAttribute("tabindex") === "0") {
        pre.removeAttribute("tabindex");
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
  window.addEventListener("resize", updateSoon);
  // Opening a solution can reveal a code block that overflows.
  document.addEventListener("toggle", updateSoon, true);
})();
