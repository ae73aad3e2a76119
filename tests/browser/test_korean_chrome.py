"""The interface around the text is Korean, and its links come from where the site was built.

Every page at desktop and phone width: no English word outside the article (text, aria-labels,
titles, placeholders, icon titles) except the names of products and people; a Korean
last-updated date; the real edit link of the repository the build ran in, or, in a local build,
no repository link and a Korean note saying so; never a placeholder host. The search page says,
in Korean, how many pages it found, and that number is the number it lists.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

from site_origin import SiteOrigin, site_origin  # noqa: E402

WIDTHS = (1366, 390)
# Names of products, tools and people that stay in Latin letters in Korean text.
ALLOWED_NAMES = frozenset(
    {"Docker", "Kubernetes", "Helm", "Sphinx", "Furo", "pradyunsg", "JavaScript", "GitHub"}
)
ENGLISH_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
HANGUL = re.compile(r"[가-힣]")
PLACEHOLDER_LINK = re.compile(
    r"^https?://(?:[^/]*\.)?example\.(?:com|org|net|github\.io)(?:[:/]|$)"
    r"|^https?://example\.github\.io(?:/|$)|^https?://github\.com/example/"
)
LAST_UPDATED = re.compile(r"^마지막 수정: (\d{4})년 (\d{1,2})월 (\d{1,2})일$")
SEARCH_QUERIES = ("파드", "컨테이너 이미지")

# Every text node and label outside the article, with what a reader could see of it.
COLLECT_CHROME = """() => {
  const article = document.querySelector("article[role=main]");
  const outside = (el) =>
    !(article && article.contains(el)) && !el.closest("script,style,noscript");
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.classList.length ? "." + [...el.classList].join(".") : "");
  const norm = (s) => (s || "").replace(/\\s+/g, " ").trim();
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = norm(node.textContent);
    if (!el || !text || !outside(el)) continue;
    const icon = el.closest("svg");  // icon titles: read out by screen readers, never displayed
    if (!icon && !el.checkVisibility({checkVisibilityCSS: true})) continue;
    const link = el.closest("a, .title, .caption-text");
    out.push({where: name(el), text, whole: link ? norm(link.textContent) : text});
  }
  for (const el of document.body.querySelectorAll("[aria-label],[title],[placeholder],[alt]")) {
    if (!outside(el)) continue;
    for (const attr of ["aria-label", "title", "placeholder", "alt"]) {
      const text = norm(el.getAttribute(attr));
      if (text) out.push({where: name(el) + " @" + attr, text, whole: text});
    }
  }
  return out;
}"""


def content_titles(root: Path) -> list[str]:
    """Headings of every article: navigation and tables of contents repeat them as they are."""
    titles: set[str] = set()
    for path in root.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        article = re.search(r'<article role="main".*?</article>', source, re.S)
        for heading in re.findall(
            r"<h[1-6][^>]*>(.*?)</h[1-6]>", article[0] if article else "", re.S
        ):
            heading = re.sub(r'<a class="headerlink".*?</a>', "", heading, flags=re.S)
            text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", heading)).split())
            if text:
                titles.add(text)
    return sorted(titles, key=len, reverse=True)


def english_words(text: str, titles: list[str]) -> list[str]:
    for title in titles:
        text = text.replace(title, " ")
    return [word for word in ENGLISH_WORD.findall(text) if word not in ALLOWED_NAMES]


def english_in_chrome(page, titles: list[str]) -> list[str]:
    """Each string outside the article that has an English word, with where it is."""
    problems = []
    for item in page.evaluate(COLLECT_CHROME):
        if item["whole"] in titles:
            continue  # a heading of the site's content, shown in a menu
        words = english_words(item["text"], titles)
        if words:
            problems.append(f"{item['where']}: {item['text']!r} (English: {' '.join(words)})")
    return problems


def last_updated_problems(page, today: dt.date) -> list[str]:
    """The page's last-updated line is a real Korean date, not in the future."""
    line = page.locator(".last-updated")
    if line.count() != 1:
        return [f"{line.count()} last-updated lines"]
    text = " ".join(line.inner_text().split())
    match = LAST_UPDATED.match(text)
    if not match:
        return [f"last-updated line not a Korean date: {text!r}"]
    try:
        date = dt.date(*map(int, match.groups()))
    except ValueError:
        return [f"last-updated date does not exist: {text!r}"]
    if not dt.date(2020, 1, 1) <= date <= today + dt.timedelta(days=1):
        return [f"last-updated date out of range: {text!r}"]
    return []


def origin_problems(page, rel: str, origin: SiteOrigin) -> list[str]:
    """Edit link, canonical URL and the local-build note match where the site was built."""
    links = page.evaluate(
        """() => [...document.querySelectorAll("a[href], link[href], meta[content]")].map((el) => ({
          tag: el.tagName.toLowerCase(), rel: el.getAttribute("rel") || "",
          href: el.getAttribute("href") || el.getAttribute("content"),
          inArticle: !!el.closest("article[role=main]")}))"""
    )
    problems = [
        f"placeholder link <{link['tag']} rel={link['rel']!r}> {link['href']}"
        for link in links
        if PLACEHOLDER_LINK.match(link["href"] or "")
    ]
    edits = [link["href"] for link in links if link["tag"] == "a" and link["rel"] == "edit"]
    repository_links = [
        link["href"]
        for link in links
        if not link["inArticle"] and re.search(r"/(edit|blob)/", link["href"] or "")
    ]
    canonical = [link["href"] for link in links if link["rel"] == "canonical"]
    note = page.locator(".local-build-note")
    source = "docs/" + rel.removesuffix(".html") + ".md"
    if origin.published:
        expected = f"{origin.repository_url}/edit/{origin.branch}/{source}"
        if edits != [expected]:
            problems.append(f"edit links {edits}, expected [{expected}]")
        if not (ROOT / source).is_file():
            problems.append(f"the edit link names {source}, which the repository does not have")
        stray = [h for h in repository_links if not h.startswith(origin.repository_url + "/")]
        problems += [f"link to another repository: {h}" for h in stray]
        if note.count():
            problems.append("a local-build note on a build that knows its repository")
    else:
        problems += [f"repository link in a local build: {h}" for h in edits + repository_links]
        if note.count() != 1 or not note.is_visible():
            problems.append("no visible local-build note")
        elif not ("로컬 빌드" in note.inner_text() and HANGUL.search(note.inner_text())):
            problems.append(f"local-build note not Korean: {note.inner_text()!r}")
    expected_canonical = [origin.site_url + rel] if origin.site_url else []
    if canonical != expected_canonical:
        problems.append(f"canonical {canonical}, expected {expected_canonical}")
    return problems


def search_summary_problems(page) -> list[str]:
    """The summary is a Korean sentence whose number is the count of listed results."""
    page.wait_for_function(
        "() => { const s = document.querySelector('#search-results .search-summary');"
        " return s && s.innerText.trim().length > 0; }",
        timeout=30_000,
    )
    summary = " ".join(page.inner_text("#search-results .search-summary").split())
    listed = page.locator("#search-results ul.search > li").count()
    numbers = [int(n) for n in re.findall(r"\d+", summary)]
    problems = []
    if not HANGUL.search(summary) or english_words(summary, []):
        problems.append(f"summary not in Korean: {summary!r}")
    if numbers != [listed]:
        problems.append(f"summary {summary!r} does not state the {listed} results listed")
    return problems


@pytest.fixture(scope="module")
def titles(site) -> list[str]:
    return content_titles(site.root)


@pytest.fixture(scope="module")
def origin() -> SiteOrigin:
    # The suite tests the site built in this environment (nox -s browser builds, then tests).
    return site_origin(os.environ)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_interface_around_every_page_has_no_english(site, open_page, titles, width) -> None:
    pages = site.pages(include_generated=True)
    problems, strings = [], 0
    for rel in pages:
        page = open_page(rel, width=width)
        strings += len(page.evaluate(COLLECT_CHROME))
        problems += [f"{rel} @{width}px {p}" for p in english_in_chrome(page, titles)]
        page.context.close()
    print(f"{width}px: {strings} interface strings on {len(pages)} pages, {len(problems)} English")
    assert not problems, "\n".join(problems)


def test_every_content_page_shows_a_korean_last_updated_date(site, open_page) -> None:
    today = dt.datetime.now(dt.UTC).date()
    pages = site.pages()
    problems, dates = [], set()
    for rel in pages:
        page = open_page(rel)
        problems += [f"{rel}: {p}" for p in last_updated_problems(page, today)]
        if page.locator(".last-updated").count():
            dates.add(page.locator(".last-updated").inner_text().strip())
        page.context.close()
    print(f"last-updated dates on {len(pages) - len(problems)}/{len(pages)} pages: {sorted(dates)}")
    assert not problems, "\n".join(problems)


def test_links_come_from_where_the_site_was_built(site, open_page, origin) -> None:
    pages = site.pages()
    problems = []
    for rel in pages:
        page = open_page(rel)
        problems += [f"{rel}: {p}" for p in origin_problems(page, rel, origin)]
        page.context.close()
    kind = f"repository {origin.repository_url}" if origin.published else "local build"
    print(f"{kind}: origin checked on {len(pages)} pages, {len(problems)} problems")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("query", SEARCH_QUERIES)
def test_the_search_summary_states_the_number_of_results(open_page, query) -> None:
    page = open_page(f"search.html?q={query}")
    problems = search_summary_problems(page)
    listed = page.locator("#search-results ul.search > li").count()
    print(f"{query}: {page.inner_text('#search-results .search-summary')!r} ({listed} listed)")
    assert listed > 0, f"{query}: no results to count"
    assert not problems, "\n".join(problems)


# --- seeded bad pages: each check rejects what it exists to reject

SEEDED_PAGE = "docker/images.html"


def _seed(site, seeded_site, rel: str, old: str, new: str) -> str:
    source = (site.root / rel).read_text(encoding="utf-8")
    assert old in source, f"{rel} no longer has {old!r}: update the seed"
    return seeded_site({rel: source.replace(old, new).encode()})


def test_an_english_on_this_page_is_rejected(site, open_page, seeded_site, titles) -> None:
    base = _seed(site, seeded_site, SEEDED_PAGE, "이 페이지의 내용", "On this page")
    for width in WIDTHS:
        problems = english_in_chrome(open_page(SEEDED_PAGE, width=width, base=base), titles)
        assert any("On this page" in p for p in problems), (width, problems)


def test_a_placeholder_edit_link_is_rejected(site, open_page, seeded_site, origin) -> None:
    placeholder = "https://github.com/example/docker-k8s-handbook/edit/main/docs/docker/images.md"
    link = f'<a class="muted-link" href="{placeholder}" rel="edit" title="이 페이지 고치기">x</a>'
    base = _seed(
        site,
        seeded_site,
        SEEDED_PAGE,
        '<div class="content-icon-container">',
        '<div class="content-icon-container">' + link,
    )
    problems = origin_problems(open_page(SEEDED_PAGE, base=base), SEEDED_PAGE, origin)
    assert any("placeholder link" in p and placeholder in p for p in problems), problems
    assert any("edit link" in p or "repository link" in p for p in problems), problems


def test_a_local_build_without_its_note_is_rejected(site, open_page, seeded_site) -> None:
    base = _seed(site, seeded_site, SEEDED_PAGE, "</footer>", "</footer>")
    page = open_page(SEEDED_PAGE, base=base)
    page.evaluate("document.querySelectorAll('.local-build-note').forEach((n) => n.remove())")
    local = SiteOrigin(repository_url="", branch="", site_url="")
    assert "no visible local-build note" in origin_problems(page, SEEDED_PAGE, local)


def test_a_search_summary_without_the_count_is_rejected(site, open_page, seeded_site) -> None:
    script = "_static/site_translations.js"
    base = _seed(site, seeded_site, script, "${resultCount}개 찾았습니다", "찾았습니다")
    problems = search_summary_problems(open_page(f"search.html?q={SEARCH_QUERIES[0]}", base=base))
    assert any("does not state" in p for p in problems), problems


def test_an_english_date_is_rejected(site, open_page, seeded_site) -> None:
    page = open_page(SEEDED_PAGE)
    line = page.locator(".last-updated").inner_text().strip()
    base = _seed(site, seeded_site, SEEDED_PAGE, line, "Last updated on Nov 24, 2026")
    today = dt.datetime.now(dt.UTC).date()
    problems = last_updated_problems(open_page(SEEDED_PAGE, base=base), today)
    assert problems and "not a Korean date" in problems[0], problems
