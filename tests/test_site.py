"""The real course site, built the way `make html` builds it."""

from __future__ import annotations


def test_site_builds_without_warnings(site):
    # `make html` treats warnings as errors; this lists every one there is.
    assert site.warnings == []
    assert site.returncode == 0
    assert (site.outdir / "index.html").is_file()


def test_site_uses_our_stylesheet(site):
    links = [link["href"] for link in site.html("index").find_all("link", rel="stylesheet")]
    assert any(href.startswith("_static/lesson.css") for href in links)
