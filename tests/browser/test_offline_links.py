"""The single-page edition's own links and images resolve: it lives in a folder of its own."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

SINGLE = "_offline/single/index.html"
# What a reader follows or sees: links, images, scripts and style sheets (not <link rel=index>).
_REF = re.compile(
    r'<(?:a|img|script)\b[^>]*?\b(?:href|src)="([^"]+)"|<link rel="stylesheet"[^>]*?href="([^"]+)"'
)


def broken_local_links(root: Path, page: str, html: str) -> list[str]:
    """Relative links and sources of ``page`` (a path under ``root``) that name no file."""
    here = posixpath.dirname(page)
    broken = []
    for ref in dict.fromkeys(a or b for a, b in _REF.findall(html)):
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc or not parts.path:
            continue  # another site, or an anchor on this page
        target = posixpath.normpath(posixpath.join(here, unquote(parts.path)))
        if target.startswith("..") or not (root / target).is_file():
            broken.append(ref)
    return broken


def test_single_page_links_resolve(site) -> None:
    html = (site.root / SINGLE).read_text(encoding="utf-8")
    broken = broken_local_links(site.root, SINGLE, html)
    checked = len({a or b for a, b in _REF.findall(html)})
    print(f"single page: {checked} links and sources, {len(broken)} broken")
    assert not broken, broken[:10]


def test_a_link_relative_to_the_html_pages_is_reported(site) -> None:
    html = (site.root / SINGLE).read_text(encoding="utf-8")
    seeded = html.replace("</body>", '<a href="../_static/diagrams/hpa-loop.svg">x</a></body>')
    assert broken_local_links(site.root, SINGLE, seeded) == ["../_static/diagrams/hpa-loop.svg"]
