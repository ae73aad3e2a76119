"""Korean search as readers use it: the reader query set in Chromium, with floors.

All queries of tests/search/queries.yaml run in one search page (page.evaluate on the function
the page renders from); a sample of them is also typed into the page's address as a reader
would, and the page must list exactly what the engine ranked, with a snippet and a count. A
one-word search must transfer at most MAX_BYTES. Seeded broken engines (every word required,
no particle stripping, no spacing or typo help) must fall below the floors, so the floors
guard the search rather than only describe it.
"""

from __future__ import annotations

import re

import pytest

from tests.search import engines, quality
from tests.search.transfer import Transfers

MAX_BYTES = 300 * 1024
# one-word searches with many results on long pages: the heaviest a reader can make
ONE_WORDS = ("컨테이너", "파드", "서비스", "이미지", "쿠버네티스")
ALL_SNIPPETS = (
    "() => [...document.querySelectorAll('#search-results li p.context')]"
    ".every((p) => p.textContent.trim().length > 0)"
)
FIRST_SNIPPETS = (
    "() => [...document.querySelectorAll('#search-results li p.context')].slice(0, 5)"
    ".every((p) => p.textContent.trim().length > 0)"
)
ENGINE = "_static/search_ko.js"


@pytest.fixture(scope="module")
def query_set() -> quality.QuerySet:
    return quality.load()


def _measure(browser, base: str, query_set: quality.QuerySet) -> list[quality.Outcome]:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(base + "search.html", wait_until="load")
        answers = engines.run_handbook(page, [q.q for q in query_set.queries])
    finally:
        context.close()
    return quality.judge_all(query_set, answers)


def test_the_reader_query_set_meets_the_floors(browser, site, query_set) -> None:
    outcomes = _measure(browser, site.url, query_set)
    print(quality.report(query_set, outcomes, "handbook search on the reader query set"))
    overall = quality.figures(outcomes)
    assert overall.queries >= 150
    assert not overall.meets(query_set.floors), overall.meets(query_set.floors)


def _listed(page) -> list[str]:
    page.wait_for_function(
        "() => { const s = document.querySelector('#search-results .search-summary');"
        " return s && s.innerText.trim().length > 0; }",
        timeout=30_000,
    )
    return page.eval_on_selector_all(
        "#search-results ul.search > li > a", "links => links.map((a) => a.dataset.docname)"
    )


def _sample(query_set: quality.QuerySet) -> list[str]:
    """The first two queries of each category: every kind of query goes through the page."""
    sample: dict[str, list[str]] = {}
    for query in query_set.queries:
        if len(sample.setdefault(query.cat, [])) < 2:
            sample[query.cat].append(query.q)
    return [q for qs in sample.values() for q in qs]


def test_the_page_lists_what_the_engine_ranks(open_page, site, query_set) -> None:
    queries = _sample(query_set)
    ranked = engines.run_handbook(open_page("search.html"), queries)
    for q in queries:
        page = open_page(f"search.html?q={q}")
        listed = _listed(page)
        assert listed == ranked[q], q
        summary = page.inner_text("#search-results .search-summary")
        assert re.findall(r"\d+", summary) == [str(len(listed))], (q, summary)
        page.wait_for_function(FIRST_SNIPPETS, timeout=30_000)
        # the rest load as the reader scrolls to them
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_function(ALL_SNIPPETS, timeout=30_000)
        assert page.input_value("input[name=q]") == q
        page.context.close()


def test_a_snippet_shows_the_words_found_in_the_best_section(open_page, site) -> None:
    page = open_page("search.html?q=헬름 롤백")
    _listed(page)
    page.wait_for_selector("#search-results li p.context .highlighted", timeout=30_000)
    first = page.locator("#search-results ul.search > li").first
    assert first.locator("a").get_attribute("data-docname") == "kubernetes/helm"
    marked = {m.lower() for m in first.locator(".highlighted").all_inner_texts()}
    # the page writes Helm in Latin letters: the reader's 헬름 is found and marked as Helm
    assert "helm" in marked and marked & {"rollback", "롤백"}, marked
    href = first.locator("a").get_attribute("href")
    anchor = href.partition("#")[2]
    assert anchor, f"{href}: the link does not go to the section the snippet is from"
    html = (site.root / "kubernetes" / "helm.html").read_text(encoding="utf-8")
    assert f'id="{anchor}"' in html, href


@pytest.mark.parametrize("word", ONE_WORDS)
def test_a_one_word_search_transfers_at_most_300_kb(browser, site, word) -> None:
    context = browser.new_context()  # a first visit: nothing cached
    page = context.new_page()
    transfers = Transfers(page)
    page.goto(f"{site.url}search.html?q={word}", wait_until="load")
    listed = _listed(page)
    page.wait_for_function(FIRST_SNIPPETS, timeout=30_000)
    page.wait_for_load_state("networkidle")
    sizes = transfers.sizes()
    context.close()
    total = sum(sizes.values())
    biggest = sorted(sizes.items(), key=lambda kv: -kv[1])[:5]
    print(f"{word}: {len(listed)} results, {len(sizes)} requests, {total} bytes; {biggest}")
    assert listed
    assert total <= MAX_BYTES, (total, biggest)
    # what the stock search did: fetch every listed page to cut a snippet from it
    assert not any(url.endswith(f"{doc}.html") for url in sizes for doc in listed)


# --- seeded broken engines: each falls below the floors

BROKEN = {
    # every query word required, as the stock search did
    "every word required": (
        "const ranked = [...scores]",
        "for (const [d, e] of [...scores]) if (e[1] < totalIdf - 1e-9) scores.delete(d);\n"
        "      const ranked = [...scores]",
    ),
    # a query word is looked up as typed: no particle or ending stripped
    "no particle stripping": (
        'if (suffix === "" || this.endings.has(suffix)) out.push(word.slice(0, cut));',
        'if (suffix === "") out.push(word.slice(0, cut));',
    ),
    # no joining, splitting or typo tolerance for a word the index does not know
    "no spacing or typo help": (
        "    segment(word) {",
        "    segment(word) { return null; }\n    _segment(word) {",
    ),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_broken_search_falls_below_the_floors(browser, site, seeded_site, query_set, name):
    source = (site.root / ENGINE).read_text(encoding="utf-8")
    old, new = BROKEN[name]
    assert old in source, f"{ENGINE} no longer has {old!r}: update the seed"
    if name == "no spacing or typo help":
        source = source.replace("const near = this.nearby(", "const near = [] || this.nearby(")
    base = seeded_site({ENGINE: source.replace(old, new).encode()})
    figures = quality.figures(_measure(browser, base, query_set))
    short = figures.meets(query_set.floors)
    print(f"{name}: {figures}")
    assert short, f"{name} still meets every floor: the floors do not guard the search"
