"""Site-specific content: one step written once per site (``site-tabs`` holding ``site`` blocks).

Reading makes neutral nodes: a :class:`site_tabs` group holding one :class:`site_variant` per
site, each knowing its site's name and label (from ``lesson_sites`` in conf.py).

HTML is progressively enhanced. The page as written shows every variant, each in a
``<section>`` under a real heading with its site's label, so it reads well without JavaScript,
in print and in a feed reader. Each group also carries a prepared, ``hidden`` WAI-ARIA tab list
(``role="tablist"``/``"tab"``, ``aria-controls`` pointing at the sections); ``lesson.js`` reveals
it, makes the sections tab panels, and keeps every group of the page on the reader's site.
EPUB gets the sections without the tab list (e-readers run no scripts).

Every other format (LaTeX, text, man, Texinfo, ...) gets every variant as a container headed by
a rubric with the site's label (:func:`render_plain`).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from .domain import current_builder
from .nodes import heading_level, site_tabs, site_variant
from .warnings import LessonWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config
    from sphinx.util.typing import OptionSpec
    from sphinx.writers.html5 import HTML5Translator

#: The accessible name of every tab list.
TABLIST_LABEL = "Site"


# --- Messages -----------------------------------------------------------------------------------


def known_sites_text(sites: dict[str, str]) -> str:
    """The configured sites, for messages: ``'uppmax' (UPPMAX), 'hpc2n' (HPC2N)``."""
    if not sites:
        return "no sites are configured (set lesson_sites in conf.py)"
    listed = ", ".join(f"{name!r} ({label})" for name, label in sites.items())
    return f"the sites in lesson_sites are {listed}"


# --- Directives --------------------------------------------------------------------------------


class SiteTabsDirective(SphinxDirective):
    """``site-tabs``: a group of ``site`` blocks, shown as tabs in HTML."""

    has_content = True
    option_spec: ClassVar[OptionSpec] = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        group = site_tabs("\n".join(self.content), classes=self.options.get("class", []))
        self.set_source_info(group)
        group += self.parse_content_to_nodes()
        # Checks of what the group holds are in SiteTabsChecks, once the page is read.
        return [group]


class SiteDirective(SphinxDirective):
    """``site <name>``: the content for one site, inside ``site-tabs``."""

    required_arguments = 1
    # A label given instead of a name ("Your own computer") gets the unknown-site message.
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar[OptionSpec] = {}

    def run(self) -> list[nodes.Node]:
        sites: dict[str, str] = self.config.lesson_sites
        name = self.arguments[0].strip()
        variant = site_variant("\n".join(self.content), site=name.lower())
        self.set_source_info(variant)
        if variant["site"] in sites:
            variant["label"] = sites[variant["site"]]
        else:
            warn(
                LessonWarning.SITE_UNKNOWN,
                f"unknown site {name!r} in a 'site' block; {known_sites_text(sites)}. "
                "Use one of these names, or add the site to lesson_sites in conf.py.",
                location=variant,
            )
            # Still shown, under its own name, so no content is lost.
            variant["site"] = nodes.make_id(name) or "site"
            variant["label"] = name
        variant += self.parse_content_to_nodes()
        return [variant]


# --- Checks once a page is read ----------------------------------------------------------------

#: Children of a group that are no content of their own (comments, link targets, messages).
_SILENT = (nodes.comment, nodes.target, nodes.system_message, nodes.substitution_definition)


class SiteTabsChecks(SphinxTransform):
    """Check each group's structure, with a warning per problem and a sensible repair.

    * a ``site`` block outside any group gets a group of its own;
    * content in a group outside its ``site`` blocks is moved before the group;
    * a second block for the same site in a group is merged into the first;
    * a group with no ``site`` block is removed.
    """

    # After docutils' PropagateTargets (260), so link targets have moved onto the blocks.
    default_priority = 500

    def apply(self, **kwargs: Any) -> None:
        for variant in list(self.document.findall(site_variant)):
            if not isinstance(variant.parent, site_tabs):
                warn(
                    LessonWarning.SITE_OUTSIDE_TABS,
                    f"a 'site' block ({variant['site']!r}) must be directly inside a "
                    "'site-tabs' group: put it, with the blocks for the other sites, in "
                    "'.. site-tabs::' (MyST: '::::{site-tabs}').",
                    location=variant,
                )
                group = site_tabs()
                group.source, group.line = variant.source, variant.line
                variant.replace_self(group)
                group += variant
        for group in list(self.document.findall(site_tabs)):
            self.check_group(group)

    def check_group(self, group: site_tabs) -> None:
        first_of_site: dict[str, site_variant] = {}
        for child in list(group.children):
            if isinstance(child, site_variant):
                first = first_of_site.setdefault(child["site"], child)
                if first is not child:
                    warn(
                        LessonWarning.SITE_DUPLICATE,
                        f"a second 'site' block for {child['site']!r} in one 'site-tabs' "
                        f"group (the first is at line {first.line}); its content is added to "
                        "the first. Give each site one block per group.",
                        location=child,
                    )
                    first.extend(child.children)
                    group.remove(child)
            elif not isinstance(child, _SILENT):
                warn(
                    LessonWarning.SITE_TABS_CONTENT,
                    "content in a 'site-tabs' group outside its 'site' blocks; it is shown "
                    "before the group. Put it inside a 'site' block, or before "
                    "'.. site-tabs::'.",
                    location=child if child.line else group,
                )
                group.remove(child)
                group.parent.insert(group.parent.index(group), child)
        if not first_of_site:
            warn(
                LessonWarning.SITE_TABS_EMPTY,
                "this 'site-tabs' group has no 'site' blocks; add one 'site' block "
                f"per site ({known_sites_text(self.config.lesson_sites)}).",
                location=group,
            )
            group.parent.remove(group)


# --- Writing: HTML, and every other format -----------------------------------------------------


class FinishSiteTabs(SphinxPostTransform):
    """Prepare every group for HTML, or turn it into plain labelled containers.

    After the generated parts are filled (a summary may copy boxes holding groups), so the
    ids this gives are unique in the page as written.
    """

    default_priority = 400

    def run(self, **kwargs: Any) -> None:
        builder = current_builder(self.env)
        if builder.format == "html":
            prepare_html(self.document, with_tablist=not is_epub(type(builder)))
        else:
            render_plain(self.document)


def prepare_html(doctree: nodes.document, with_tablist: bool) -> None:
    """Give each group, panel and heading an id unique in the page, each heading its level,
    and each group (unless EPUB) the tabs of its prepared tab list.

    The ids live in their own attributes, not in ``ids``: running this again (on a page that
    received copied groups) gives every group fresh, unique ids.
    """
    groups = list(doctree.findall(site_tabs))
    if not groups:
        return
    taken = {id_ for node in doctree.findall(nodes.Element) for id_ in node["ids"]}
    number = 0
    for group in groups:
        while (group_id := f"lesson-sites-{number}") in taken:
            number += 1
        number += 1
        taken.add(group_id)
        group["group_id"] = group_id
        tabs = []
        for variant in (child for child in group.children if isinstance(child, site_variant)):
            panel_id = _free_id(f"{group_id}-{variant['site']}", taken)
            variant["panel_id"] = panel_id
            variant["heading_id"] = _free_id(f"{panel_id}-heading", taken)
            variant["heading_level"] = heading_level(variant)
            tabs.append((variant["site"], variant["label"], panel_id))
        group["tabs"] = tabs if with_tablist else []


def _free_id(wanted: str, taken: set[str]) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``, ... if a node of the page already has it."""
    candidate, suffix = wanted, 1
    while candidate in taken:
        suffix += 1
        candidate = f"{wanted}-{suffix}"
    taken.add(candidate)
    return candidate


def is_epub(builder_class: type[Builder]) -> bool:
    """EPUB is HTML, but e-readers run no scripts: it gets no tab list and no lesson.js."""
    from sphinx.builders._epub_base import EpubBuilder

    return issubclass(builder_class, EpubBuilder)


def _start_tag(
    translator: HTML5Translator, node: nodes.Element, tag: str, own_id: str, **attributes: str
) -> str:
    """``<tag>`` with our id first; ids of link targets on the node follow as inner anchors."""
    stand_in = nodes.Element(ids=[own_id, *node["ids"]], classes=node["classes"])
    return translator.starttag(stand_in, tag, **attributes)


def visit_site_tabs_html(self: HTML5Translator, node: site_tabs) -> None:
    self.body.append(_start_tag(self, node, "div", node["group_id"], CLASS="lesson-site-tabs"))
    if not node["tabs"]:
        return
    # Hidden until lesson.js takes over, so that without scripts only the headings show.
    self.body.append(
        f'<div class="lesson-site-tablist" role="tablist" '
        f'aria-label="{self.attval(TABLIST_LABEL)}" hidden="">'
    )
    for index, (site, label, panel_id) in enumerate(node["tabs"]):
        selected = index == 0
        self.body.append(
            f'<button type="button" role="tab" class="lesson-site-tab" '
            f'id="{self.attval(panel_id)}-tab" data-lesson-site="{self.attval(site)}" '
            f'aria-controls="{self.attval(panel_id)}" '
            f'aria-selected="{"true" if selected else "false"}" '
            f'tabindex="{0 if selected else -1}">{self.encode(label)}</button>'
        )
    self.body.append("</div>\n")


def depart_site_tabs_html(self: HTML5Translator, node: site_tabs) -> None:
    self.body.append("</div>\n")


def visit_site_variant_html(self: HTML5Translator, node: site_variant) -> None:
    heading_id = node["heading_id"]
    level = node["heading_level"]
    attributes = {"data-lesson-site": node["site"], "aria-labelledby": heading_id}
    self.body.append(
        _start_tag(self, node, "section", node["panel_id"], CLASS="lesson-site-panel", **attributes)
    )
    self.body.append(
        f'<h{level} class="lesson-site-heading" id="{self.attval(heading_id)}">'
        f"{self.encode(node['label'])}</h{level}>\n"
    )


def depart_site_variant_html(self: HTML5Translator, node: site_variant) -> None:
    self.body.append("</section>\n")


def render_plain(doctree: nodes.document) -> None:
    """For formats other than HTML: every variant as a container headed by its site's label."""
    for variant in list(doctree.findall(site_variant)):
        label = variant["label"]
        heading = nodes.rubric(label, label, classes=["lesson-site-heading"])
        heading.source, heading.line = variant.source, variant.line
        box = nodes.container(
            "", heading, *variant.children, ids=variant["ids"], classes=["lesson-site"]
        )
        box["classes"].append(f"lesson-site-{variant['site']}")
        variant.replace_self(box)
    for group in list(doctree.findall(site_tabs)):
        classes = ["lesson-site-tabs", *group["classes"]]
        group.replace_self(nodes.container("", *group.children, ids=group["ids"], classes=classes))


# --- Assets and setup --------------------------------------------------------------------------


def script_settings(config: Config) -> dict[str, str]:
    """What lesson.js reads from its own ``<script>`` tag: the configured site names."""
    return {"data-lesson-sites": json.dumps(list(config.lesson_sites))}


def setup_sitetabs(app: Sphinx) -> None:
    """Register the site-tab directives, nodes, checks and transforms."""
    app.add_node(site_tabs, html=(visit_site_tabs_html, depart_site_tabs_html))
    app.add_node(site_variant, html=(visit_site_variant_html, depart_site_variant_html))
    app.add_directive("site-tabs", SiteTabsDirective)
    app.add_directive("site", SiteDirective)
    app.add_transform(SiteTabsChecks)
    app.add_post_transform(FinishSiteTabs)
