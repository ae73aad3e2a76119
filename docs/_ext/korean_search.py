"""The site's Korean search: index at build time, ranked search and snippets on the search page.

Stock Sphinx search indexes "컨테이너는" as one word, requires every query word, ranks by title
hit or not and downloads every matching page to show a snippet. This extension replaces it on
the search page:

- at read time each page's words become terms (search_terms: Kiwi stems, particle-stripped
  surfaces, alias groups and phrases), counted by the kind of block they are in (search_text);
  the counts live in Sphinx's environment, so incremental builds keep the whole index;
- when the HTML build ends, search_index turns them into BM25F weights and writes
  ``_static/search/index.js`` and one snippet file per page under ``_static/search/pages/``;
- the search page (search_templates/search.html, for the site's theme furo) loads
  search_ko.js and that index instead of searchtools.js, language_data.js and
  searchindex.js, and leaves out the styles and scripts only content pages use.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import search_index
import search_terms
import search_text
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.typing import ExtensionMetadata

HERE = Path(__file__).parent
SCRIPT = HERE / "search_ko.js"
TEMPLATES = HERE / "search_templates"
OUTPUT = Path("_static", "search")
# Pages that are no part of the handbook's content: never search results. The rule page
# (rules.md) is the checker's reference, reached from the link every finding carries; its
# hundred entries share the pages' words (서비스, 쿠버네티스 ...) and would crowd readers'
# results and their downloads.
NOT_INDEXED = frozenset({"404", "rules"})
# Styles and scripts of content pages the search page does not use (code, tabs, badges,
# copy buttons, printing): left out so that a search transfers less.
NOT_ON_SEARCH_PAGE = (
    "pygments.css",
    "sphinx-design.min.css",
    "copy_button.css",
    "copy_button.js",
    "example_badges.css",
    "design-tabs.js",
    "print_expand.js",
    "print.css",
    "sphinx_highlight.js",
)


def _pages(env: BuildEnvironment) -> dict[str, search_index.PageTerms]:
    if not hasattr(env, "handbook_search"):
        env.handbook_search = {}
    return env.handbook_search


def read_page(app: Sphinx, doctree) -> None:
    docname = app.env.docname
    if docname in NOT_INDEXED:
        return
    text = search_text.page_text(doctree)
    table = search_terms.aliases()
    blocks = [
        (block.kind, list(search_terms.word_terms(block.text, table))) for block in text.blocks
    ]
    page = search_index.page_terms(text.title, text.hub, blocks)
    page.sections = [(s.anchor, s.title, " ".join(s.text)) for s in text.sections]
    if page.sections:  # the page's first section is the page itself: link without an anchor
        page.sections[0] = ("", *page.sections[0][1:])
    _pages(app.env)[docname] = page


def purge_page(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _pages(env).pop(docname, None)


def merge_pages(app: Sphinx, env: BuildEnvironment, docnames: set[str], other) -> None:
    for docname in docnames:
        if docname in _pages(other):
            _pages(env)[docname] = _pages(other)[docname]


def write_index(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name != "html":
        return
    pages = {doc: page for doc, page in _pages(app.env).items() if doc in app.env.found_docs}
    out = Path(app.outdir, OUTPUT)
    payload = search_index.index_payload(pages, search_terms.aliases())
    (out / "pages").mkdir(parents=True, exist_ok=True)
    (out / "index.js").write_text(search_index.script("setIndex", payload), encoding="utf-8")
    for docname, page in pages.items():
        target = out / "pages" / f"{docname}.js"
        target.parent.mkdir(parents=True, exist_ok=True)
        body = search_index.script("addSnippets", docname, search_index.snippet_payload(page))
        target.write_text(body, encoding="utf-8")
    Path(app.outdir, "_static", SCRIPT.name).write_text(
        SCRIPT.read_text(encoding="utf-8"), encoding="utf-8"
    )


def trim_search_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if pagename != "search" or app.builder.name != "html" or app.config.html_theme != "furo":
        return
    for key in ("css_files", "script_files"):
        if key in context:
            context[key] = [
                asset
                for asset in context[key]
                if not str(getattr(asset, "filename", asset))
                .split("?")[0]
                .endswith(NOT_ON_SEARCH_PAGE)
            ]
    context["handbook_search"] = True


def add_templates(app: Sphinx, config) -> None:
    # The search page template replaces furo's search scripts; under another theme the
    # search page stays Sphinx's own (the index is written all the same).
    if config.html_theme == "furo":  # a new list: the default one is shared by every app
        config.templates_path = [*config.templates_path, str(TEMPLATES)]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("config-inited", add_templates)
    app.connect("doctree-read", read_page)
    app.connect("env-purge-doc", purge_page)
    app.connect("env-merge-info", merge_pages)
    app.connect("html-page-context", trim_search_page)
    app.connect("build-finished", write_index)
    return {
        "version": "2",
        "env_version": rules_version(),
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }


def rules_version() -> int:
    """Changes whenever the rules that turn pages into terms change: Sphinx then reads every
    page again instead of mixing terms made by old and new rules in one index."""
    sources = [Path(m.__file__) for m in (search_terms, search_text, search_index)]
    sources.append(search_terms.ALIASES)
    return zlib.crc32(b"".join(path.read_bytes() for path in sources))
