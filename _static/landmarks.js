/* The theme's sidebar is a <nav> without a name, and a page with a local table of contents
 * (`.. contents::`) has a second unnamed <nav>: two navigation landmarks a screen reader cannot
 * tell apart (axe-core's best-practice rule landmark-unique). The sidebar gets a name. */
(() => {
  "use strict";

  const name = () => {
    for (const nav of document.querySelectorAll("nav.wy-nav-side")) {
      if (!nav.hasAttribute("aria-label") && !nav.hasAttribute("aria-labelledby")) {
        nav.setAttribute("aria-label", "Site navigation");
      }
    }
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", name);
  } else {
    name();
  }
})();
