"""Run the query set in a loaded search page, one engine at a time, all queries in one call.

Each runner takes a Playwright page that shows the site's search page and returns
{query: [docname, ...]} in the order the reader sees the results. The handbook engine is asked
through the same function the search page renders from (tests/browser/test_search_quality.py
checks that the page lists exactly that); stock Sphinx through searchtools.js' own query
functions, in the order its page displays them; Pagefind through its JavaScript API.
"""

from __future__ import annotations

from collections.abc import Sequence

# The handbook's search page (docs/_ext/search_ko.js): HandbookSearch.ready resolves when the
# index is loaded; search(q) is what the page renders.
HANDBOOK = """async (queries) => {
  const engine = await window.HandbookSearch.ready;
  const out = {};
  for (const q of queries) out[q] = engine.search(q).map((r) => r.docname);
  return out;
}"""

# Stock Sphinx (searchtools.js): _performSearch returns results best-last (the page pops them),
# one per document or section; the reader sees each page at its first appearance.
SPHINX = """async (queries) => {
  for (let i = 0; i < 600 && !Search.hasIndex(); i++) await new Promise((r) => setTimeout(r, 50));
  const out = {};
  for (const q of queries) {
    const [query, terms, excluded, highlight, objects] = Search._parseQuery(q);
    const results = Search._performSearch(query, terms, excluded, highlight, objects);
    out[q] = [...new Set(results.reverse().map((r) => r[0]))];
  }
  return out;
}"""

# Pagefind's JavaScript API (what its UI calls): every result, best first.
PAGEFIND = """async ({queries, bundle}) => {
  const pagefind = await import(bundle + "pagefind.js");
  await pagefind.init();
  const out = {};
  for (const q of queries) {
    const found = await pagefind.search(q);
    const pages = await Promise.all(found.results.map((r) => r.data()));
    out[q] = pages.map((p) => p.url);
  }
  return out;
}"""


def docname(url: str) -> str:
    """'/kubernetes/workloads.html#x' or 'kubernetes/workloads.html' -> 'kubernetes/workloads'."""
    path = url.split("#", 1)[0].split("?", 1)[0].lstrip("/")
    if path.endswith("/") or not path:
        path += "index.html"
    return path.removesuffix(".html")


def run_handbook(page, queries: Sequence[str]) -> dict[str, list[str]]:
    return page.evaluate(HANDBOOK, list(queries))


def run_sphinx(page, queries: Sequence[str]) -> dict[str, list[str]]:
    return page.evaluate(SPHINX, list(queries))


def run_pagefind(page, queries: Sequence[str], bundle: str = "/pagefind/") -> dict[str, list[str]]:
    answers = page.evaluate(PAGEFIND, {"queries": list(queries), "bundle": bundle})
    return {q: list(dict.fromkeys(docname(url) for url in urls)) for q, urls in answers.items()}
