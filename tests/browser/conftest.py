"""Fixtures of the browser suite: the built site on 127.0.0.1 and a real Chromium driving it.

The suite tests what a reader gets: the HTML pages of ``build/html`` (or ``HANDBOOK_SITE``),
served over HTTP on loopback, in the system's Chromium through Playwright. ``nox -s browser``
builds the site first. Without a browser the suite says so loudly; with ``CI=true`` a missing
browser or Korean font is a failure, never a skip.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.browser_launch import LAUNCH_ARGS, find_browser, korean_font_installed
from tests.browser.site_server import serve
from tests.required_tools import missing

ROOT = Path(__file__).resolve().parents[2]
# Pages Sphinx writes by itself; they hold no content of ours.
GENERATED_PAGES = frozenset({"search.html", "genindex.html"})
_NOT_PAGES = ("_static/", "_downloads/", "_sources/", "_images/", "_offline/")

_missing: list[str] = []  # what the suite could not have, for the loud summary


def _unavailable(message: str) -> None:
    _missing.append(message)
    missing(message, in_ci="CI=true: a missing browser fails the run")


def pytest_terminal_summary(terminalreporter) -> None:  # pragma: no cover - reporting only
    for message in dict.fromkeys(_missing):
        terminalreporter.write_sep("!", "BROWSER SUITE DID NOT RUN", red=True, bold=True)
        terminalreporter.write_line(message, red=True, bold=True)


@dataclass(frozen=True)
class Site:
    """The built site on disk and the loopback URL it is served at."""

    root: Path
    url: str

    def pages(self, *, include_generated: bool = False) -> list[str]:
        """Every HTML page of the site, as paths relative to the root ("docker/images.html")."""
        out = []
        for path in sorted(self.root.rglob("*.html")):
            rel = path.relative_to(self.root).as_posix()
            if rel.startswith(_NOT_PAGES):
                continue
            if not include_generated and rel in GENERATED_PAGES:
                continue
            out.append(rel)
        return out


def site_root() -> Path:
    named = os.environ.get("HANDBOOK_SITE")
    return Path(named) if named else ROOT / "build" / "html"


@pytest.fixture(scope="session")
def site() -> Iterator[Site]:
    root = site_root()
    if not (root / "index.html").is_file():
        pytest.fail(
            f"no built site at {root}: build it first (nox -s docs), or run nox -s browser",
            pytrace=False,
        )
    with serve(root) as url:
        yield Site(root, url)


@pytest.fixture(scope="session")
def browser():
    executable = find_browser()
    if executable is None:
        _unavailable(
            "no Chromium found (install Debian's chromium and fonts-noto-cjk, or set "
            "BROWSER_EXECUTABLE): the pages a reader gets were NOT tested in a browser"
        )
    if not korean_font_installed():
        _unavailable(
            "no Korean font known to fontconfig (install fonts-noto-cjk): layout tests of "
            "Korean text would measure fallback boxes, not text"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (nox -s browser installs requirements.txt)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(executable), args=LAUNCH_ARGS)
        try:
            yield launched
        finally:
            launched.close()


OpenPage = Callable[..., "object"]


@pytest.fixture
def open_page(browser, site: Site) -> Iterator[OpenPage]:
    """``open_page(path, width=1366, height=900, dark=False, base=None)`` -> a loaded Page.

    Each call gets a fresh browser context that may read and write the clipboard; ``base``
    serves the path from another server (a seeded bad site) instead of the real site.
    """
    contexts = []

    def open_(
        path: str = "index.html",
        *,
        width: int = 1366,
        height: int = 900,
        dark: bool = False,
        base: str | None = None,
        touch: bool = False,
    ):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            color_scheme="dark" if dark else "light",
            has_touch=touch,
            is_mobile=touch,
            device_scale_factor=1,
        )
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        contexts.append(context)
        page = context.new_page()
        page.goto((base or site.url) + path, wait_until="load")
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def seeded_site(site: Site):
    """``seeded_site({rel_path: bytes})`` -> base URL of the site with those files replaced."""
    stack = []

    def start(overrides: dict[str, bytes]) -> str:
        manager = serve(site.root, overrides)
        stack.append(manager)
        return manager.__enter__()

    yield start
    for manager in reversed(stack):
        manager.__exit__(None, None, None)
