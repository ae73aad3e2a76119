"""The suite itself: it serves the built site and a real browser renders a Korean page."""

from __future__ import annotations


def test_the_home_page_renders_in_korean(site, open_page) -> None:
    page = open_page("index.html")
    assert page.evaluate("document.documentElement.lang") == "ko"
    assert page.title()
    # Real text layout: the first heading has a height, so a font drew its Korean glyphs.
    assert page.locator("h1").first.bounding_box()["height"] > 10


def test_seeded_site_serves_the_override(site, open_page, seeded_site) -> None:
    html = (site.root / "index.html").read_text(encoding="utf-8")
    base = seeded_site({"index.html": html.replace("</body>", "<p id=seed>x</p></body>").encode()})
    page = open_page("index.html", base=base)
    assert page.locator("#seed").count() == 1
    assert open_page("index.html").locator("#seed").count() == 0
