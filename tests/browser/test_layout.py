"""Layout as a reader gets it, on a phone (390 px) and a desktop (1366 px), light and dark.

Each check is one ``page.evaluate`` per page that returns the problems it found: the page
scrolls sideways, a Korean word is broken over two lines, a table squeezes a column narrower
than a word, a diagram's labels are too small to read. Dropdowns and every tab panel are
revealed first, so text a reader reaches by a click is measured too. Every check also runs
on a seeded bad page and must reject it.
"""

from __future__ import annotations

import re

import pytest

PHONE, DESKTOP = 390, 1366
MIN_LABEL_PX = 11.0

# Open every dropdown and show every tab panel, so hidden text is laid out and measured.
REVEAL_JS = """() => {
  for (const details of document.querySelectorAll('details')) details.open = true;
  const style = document.createElement('style');
  style.textContent = '.sd-tab-set > .sd-tab-content { display: block !important; }';
  document.head.append(style);
}"""

# Shared by the checks: a short, readable name for an element in a report.
DESCRIBE_JS = """
const describe = (el) => {
  const parts = [];
  for (let e = el; e && e.nodeType === 1 && parts.length < 4; e = e.parentElement) {
    let part = e.tagName.toLowerCase();
    if (e.id) { parts.unshift(part + '#' + e.id); break; }
    const cls = typeof e.className === 'string' ? e.className.trim().split(/\\s+/)[0] : '';
    if (cls) part += '.' + cls;
    parts.unshift(part);
  }
  return parts.join(' > ');
};
const lineCount = (range) => {
  const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
  const lines = [];
  for (const r of rects) {
    if (!lines.some((top) => Math.abs(top - r.top) < r.height / 2)) lines.push(r.top);
  }
  return lines.length;
};
"""

# The page scrolls sideways when the root, or a scroll box around the article (which moves
# the whole text, as furo's .content does on a phone), is wider inside than out.
SIDEWAYS_JS = (
    "() => {"
    + DESCRIBE_JS
    + """
  const article = document.querySelector('article') || document.body;
  const boxes = [document.scrollingElement];
  for (let e = article; e && e !== document.documentElement; e = e.parentElement) {
    if (getComputedStyle(e).overflowX !== 'visible') boxes.push(e);
  }
  const problems = [];
  for (const box of boxes) {
    if (box.scrollWidth <= box.clientWidth + 1) continue;
    const edge = box.getBoundingClientRect().left + box.clientWidth + 1;
    const passes = (el) => el.getBoundingClientRect().right > edge;
    // The culprits: the outermost elements past the edge that no inner scroll box holds.
    const culprits = [];
    for (const el of box.querySelectorAll('*')) {
      if (!passes(el) || (el.parentElement !== box && passes(el.parentElement))) continue;
      let held = false;
      for (let a = el.parentElement; a && a !== box; a = a.parentElement) {
        const style = getComputedStyle(a);
        if (style.position === 'fixed' || style.overflowX !== 'visible') { held = true; break; }
      }
      if (!held && getComputedStyle(el).position !== 'fixed') {
        const right = Math.round(el.getBoundingClientRect().right);
        culprits.push(describe(el) + ' (right edge ' + right + ' px)');
      }
    }
    problems.push(describe(box) + ' scrolls sideways: ' + box.scrollWidth + ' > ' + box.clientWidth
      + ' px, overflowing: ' + (culprits.slice(0, 3).join(', ') || 'unknown'));
  }
  return problems;
}"""
)

# Every run of two or more Hangul syllables in the article must sit on one line box.
KOREAN_JS = (
    "() => {"
    + DESCRIBE_JS
    + """
  const article = document.querySelector('article') || document.body;
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let words = 0;
  const broken = [];
  for (let node; (node = walker.nextNode()); ) {
    for (const match of node.data.matchAll(/[\\uAC00-\\uD7A3]{2,}/g)) {
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      if (range.getClientRects().length === 0) continue;  // not rendered
      words++;
      if (lineCount(range) > 1) broken.push(match[0] + ' in ' + describe(node.parentElement));
    }
  }
  return {words, broken};
}"""
)

# A table fits its column or sits in a box that scrolls sideways; no cell is narrower than
# one of its words (Intl.Segmenter's words; a word's width is the sum of its line boxes), which
# is how a squeezed column shows: one syllable per line.
TABLE_JS = (
    "() => {"
    + DESCRIBE_JS
    + """
  const article = document.querySelector('article') || document.body;
  const segmenter = new Intl.Segmenter('ko', {granularity: 'word'});
  const range = document.createRange();
  const problems = [];
  let tables = 0, cells = 0;
  for (const table of document.querySelectorAll('article table')) {
    if (table.getClientRects().length === 0) continue;
    tables++;
    // The box that holds the table: it must scroll, and not be one that moves the whole page.
    let holder = table;
    while (holder && getComputedStyle(holder).overflowX === 'visible') {
      holder = holder.parentElement;
    }
    const overflow = holder ? getComputedStyle(holder).overflowX : 'visible';
    const scrolls = (overflow === 'auto' || overflow === 'scroll') && !holder.contains(article);
    const column = table.parentElement.clientWidth;
    const width = table.getBoundingClientRect().width;
    if (width > column + 1 && !scrolls) {
      problems.push(describe(table) + ' is ' + Math.round(width) + ' px wide in a '
        + column + ' px column and nothing scrolls it');
    }
    for (const cell of table.querySelectorAll('td, th')) {
      cells++;
      const style = getComputedStyle(cell);
      const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
      const room = cell.clientWidth - padding;
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node; (node = walker.nextNode()); ) {
        for (const seg of segmenter.segment(node.data)) {
          if (!seg.isWordLike || seg.segment.length < 2) continue;
          range.setStart(node, seg.index);
          range.setEnd(node, seg.index + seg.segment.length);
          const rects = [...range.getClientRects()];
          const word = rects.reduce((sum, r) => sum + r.width, 0);
          if (rects.length > 1 && word > room + 1) {
            problems.push(describe(cell) + ' is ' + Math.round(room) + ' px, narrower than its '
              + 'word ' + JSON.stringify(seg.segment) + ' (' + Math.round(word) + ' px)');
          }
        }
      }
    }
  }
  return {tables, cells, problems};
}"""
)

# Each diagram: the smallest label as drawn (font size x the SVG's scale on screen), the
# full-size view it links to, and whether labels take the page's text colour (theme).
DIAGRAM_JS = """() => [...document.querySelectorAll('article .diagram')].map((figure) => {
  const texts = [...figure.querySelectorAll('svg text')];
  const px = texts.map((t) => {
    const m = t.getScreenCTM();
    return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
  });
  const link = figure.querySelector('.diagram-full a[href]');
  const article = document.querySelector('article');
  return {
    name: link ? link.getAttribute('href') : figure.querySelector('svg').getAttribute('viewBox'),
    labels: texts.length,
    minPx: Math.min(...px),
    fullSize: link ? link.href : null,
    labelFill: texts.length ? getComputedStyle(texts[0]).fill : null,
    textColour: getComputedStyle(article).color,
  };
})"""

# A standalone SVG (the full-size view): smallest label, label colour, background.
STANDALONE_JS = """() => {
  const root = document.documentElement;
  const texts = [...root.querySelectorAll('text')];
  const px = texts.map((t) => {
    const m = t.getScreenCTM();
    return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
  });
  return {
    labels: texts.length,
    minPx: Math.min(...px),
    labelFill: getComputedStyle(texts[0]).fill,
    background: getComputedStyle(root).backgroundColor,
  };
}"""


def sideways_scroll(page) -> list[str]:
    """Boxes that make the page scroll sideways, each with the element that overflows it."""
    return page.evaluate(SIDEWAYS_JS)


def broken_korean_words(page) -> tuple[int, list[str]]:
    """(Hangul words measured, words rendered over more than one line)."""
    found = page.evaluate(KOREAN_JS)
    return found["words"], found["broken"]


def table_problems(page) -> tuple[int, int, list[str]]:
    """(tables, cells, problems): tables that overflow unscrolled, cells that break a word."""
    found = page.evaluate(TABLE_JS)
    return found["tables"], found["cells"], found["problems"]


def _luminance(css_colour: str) -> float:
    red, green, blue = (int(v) for v in re.findall(r"\d+", css_colour)[:3])
    return (0.299 * red + 0.587 * green + 0.114 * blue) / 255


def full_size_view(page, url: str, *, dark: bool) -> dict:
    """Open a diagram's full-size view in a new tab of the same context and measure it."""
    view = page.context.new_page()
    try:
        view.emulate_media(color_scheme="dark" if dark else "light")
        view.goto(url, wait_until="load")
        return view.evaluate(STANDALONE_JS)
    finally:
        view.close()


def diagram_problems(page, *, dark: bool) -> tuple[list[dict], list[str]]:
    """(diagrams measured, problems): labels under 11 px with no readable full-size view,
    labels that do not take the page's text colour, a full-size view in the wrong theme."""
    diagrams = page.evaluate(DIAGRAM_JS)
    problems = []
    for diagram in diagrams:
        name = diagram["name"]
        if diagram["labelFill"] != diagram["textColour"]:
            problems.append(
                f"{name}: labels drawn in {diagram['labelFill']}, "
                f"not the page's text colour {diagram['textColour']}"
            )
        # The full-size view matters where the inline drawing is too small; every view is
        # measured on its own in test_every_full_size_view_follows_the_theme.
        if diagram["minPx"] < MIN_LABEL_PX and diagram["fullSize"]:
            view = full_size_view(page, diagram["fullSize"], dark=dark)
            diagram["fullSizePx"] = view["minPx"]
            if view["minPx"] < MIN_LABEL_PX:
                problems.append(f"{name}: full-size view labels {view['minPx']:.1f} px")
            if (_luminance(view["background"]) < 0.5) != dark:
                problems.append(f"{name}: full-size view background {view['background']}")
            if (_luminance(view["labelFill"]) > 0.5) != dark:
                problems.append(f"{name}: full-size view labels in {view['labelFill']}")
        if diagram["minPx"] < MIN_LABEL_PX and not diagram["fullSize"]:
            problems.append(
                f"{name}: labels {diagram['minPx']:.1f} px on screen and no full-size view"
            )
    return diagrams, problems


def _theme_is(page, *, dark: bool) -> bool:
    """furo's default "auto" theme follows prefers-color-scheme; check it really switched."""
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    return (_luminance(background) < 0.5) == dark


def page_problems(page, *, dark: bool) -> tuple[dict, list[str]]:
    """Every layout check on the loaded page: (counts measured, problems)."""
    problems = sideways_scroll(page)
    words, broken = broken_korean_words(page)
    problems += [f"Korean word broken over lines: {b}" for b in broken]
    tables, cells, squeezed = table_problems(page)
    diagrams, wrong = diagram_problems(page, dark=dark)
    problems += squeezed + wrong
    counts = {"words": words, "tables": tables, "cells": cells}
    return counts | {"labels": [d["minPx"] for d in diagrams]}, problems


# The page's layout in numbers (offset boxes: an opening dropdown's animated transform does not
# count): a colour scheme that changed any of them changed the layout.
LAYOUT_PRINT_JS = """() => [...document.querySelectorAll('article *')]
  .map((el) => el.offsetLeft + ',' + el.offsetTop + ',' + el.offsetWidth + ',' + el.offsetHeight)
  .join(' ') + ' ' + document.scrollingElement.scrollHeight"""


@pytest.mark.parametrize("width", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_page_reads_well(site, open_page, width: int) -> None:
    """One browser tab per width walks every page: no sideways scroll, no broken Korean word,
    no squeezed table, readable diagram labels. Then the dark scheme is switched on in place:
    where every box stays the same the light measurements hold and the diagrams' colours are
    checked; where the layout moves, every check runs again in dark."""
    page = open_page("index.html", width=width)
    pages = site.pages()
    problems: list[str] = []
    total = {"words": 0, "tables": 0, "cells": 0, "labels": []}
    relaid: list[str] = []  # pages whose layout the dark scheme changes
    for path in pages:
        page.emulate_media(color_scheme="light")
        page.goto(site.url + path, wait_until="load")
        page.evaluate(REVEAL_JS)
        if not _theme_is(page, dark=False):
            problems.append(f"{path}: the light scheme did not apply")
        counts, found = page_problems(page, dark=False)
        problems += [f"{path}: {p}" for p in found]
        for key, value in counts.items():
            total[key] += value
        light = page.evaluate(LAYOUT_PRINT_JS)
        page.emulate_media(color_scheme="dark")
        if not _theme_is(page, dark=True):
            problems.append(f"{path}: the dark scheme did not apply")
        if page.evaluate(LAYOUT_PRINT_JS) == light:
            found = [*sideways_scroll(page), *diagram_problems(page, dark=True)[1]]
        else:  # e.g. the dark Pygments style pads line numbers differently: measure it all
            relaid.append(path)
            found = page_problems(page, dark=True)[1]
        problems += [f"{path} (dark): {p}" for p in found]
    smallest = min(total["labels"], default=None)
    print(
        f"\n{width} px light and dark: {len(pages)} pages, {total['words']} Korean words, "
        f"{total['tables']} tables ({total['cells']} cells), {len(total['labels'])} diagrams, "
        f"smallest label {smallest:.1f} px; dark re-measured on {len(relaid)} pages whose "
        f"layout it changes ({', '.join(relaid) or 'none'})"
    )
    assert total["words"] > 1000 and total["tables"] > 10 and smallest, "content lost"
    if width == PHONE:
        assert smallest >= MIN_LABEL_PX, f"diagram labels {smallest:.1f} px on a phone"
    assert not problems, "\n".join(problems)


# --- seeded bad pages: each check must reject what it guards against


def _page_with_table(site) -> str:
    for path in site.pages():
        if "table-wrapper" in (site.root / path).read_text(encoding="utf-8"):
            return path
    raise AssertionError("no page with a table")


def _seed(site, seeded_site, path: str, head: str = "", body: str = "") -> str:
    """Serve ``path`` with ``head`` added to its <head> and ``body`` at the article's start."""
    html = (site.root / path).read_text(encoding="utf-8")
    html = html.replace("</head>", head + "</head>", 1)
    html = re.sub(r"(<article\b[^>]*>)", lambda m: m.group(1) + body, html, count=1)
    return seeded_site({path: html.encode()})


def test_word_break_normal_and_a_squeezed_table_are_rejected(site, open_page, seeded_site):
    path = _page_with_table(site)
    # The browser's default line breaking back, and a narrow table that squeezes its cells.
    narrow = (
        "<table class='docutils'><tr><td>쿠버네티스 클러스터</td><td>컨테이너 오케스트레이션</td>"
        "<td>디플로이먼트</td><td>레플리카셋</td></tr></table>"
    )
    base = _seed(
        site,
        seeded_site,
        path,
        head="<style>body, td, th { word-break: normal !important; "
        "overflow-wrap: anywhere !important; } .seeded-narrow { width: 8rem; }</style>",
        body=f"<div class='seeded-narrow'>{narrow}</div>",
    )
    page = open_page(path, width=PHONE, base=base)
    page.evaluate(REVEAL_JS)
    words, broken = broken_korean_words(page)
    _tables, _cells, squeezed = table_problems(page)
    print(f"\nseeded word-break: normal: {len(broken)}/{words} words broken, {len(squeezed)} cells")
    assert broken, "broken Korean words were not found"
    assert any("narrower than its word" in p for p in squeezed), squeezed


def test_an_over_wide_element_is_rejected_and_named(site, open_page, seeded_site) -> None:
    path = "index.html"
    wide = "<div class='seeded-wide' style='width: 1600px'>넓은 상자</div>"
    base = _seed(site, seeded_site, path, body=wide)
    for width in (PHONE, DESKTOP):
        problems = sideways_scroll(open_page(path, width=width, base=base))
        assert any("div.seeded-wide" in p for p in problems), (width, problems)
    print(f"\nseeded over-wide element: {problems[0]}")


def test_a_table_without_a_scroll_box_is_rejected(site, open_page, seeded_site) -> None:
    path = _page_with_table(site)
    wide = "<table class='docutils'><tr>" + "<td>컨테이너_오케스트레이션_플랫폼</td>" * 6
    base = _seed(
        site,
        seeded_site,
        path,
        # A table that is not its own scroll box, in a box that clips instead of scrolling.
        head="<style>.seeded-clip { overflow: hidden; } "
        ".seeded-clip table { display: table !important; overflow: visible !important; }</style>",
        body=f"<div class='seeded-clip'>{wide}</tr></table></div>",
    )
    _tables, _cells, problems = table_problems(open_page(path, width=PHONE, base=base))
    assert any("nothing scrolls it" in p for p in problems), problems


def test_a_shrunk_diagram_without_full_size_view_is_rejected(site, open_page, seeded_site):
    path = next(p for p in site.pages() if 'class="diagram' in (site.root / p).read_text("utf-8"))
    html = (site.root / path).read_text(encoding="utf-8")
    html = re.sub(r'<p class="diagram-full.*?</p>', "", html, flags=re.S)
    html = html.replace("</head>", "<style>.diagram svg { max-width: 100% !important; }</style>")
    base = seeded_site({path: html.encode()})
    page = open_page(path, width=PHONE, base=base)
    before = page.evaluate(DIAGRAM_JS)
    diagrams, problems = diagram_problems(page, dark=False)
    after = open_page(path, width=PHONE).evaluate(DIAGRAM_JS)
    print(
        f"\n{path} at {PHONE} px: smallest label {min(d['minPx'] for d in before):.1f} px shrunk "
        f"to the column, {min(d['minPx'] for d in after):.1f} px as the site draws it"
    )
    assert diagrams and any("no full-size view" in p for p in problems), problems


def test_a_full_size_view_with_small_labels_is_rejected(site, open_page, seeded_site) -> None:
    """The full-size view is measured too: a file that draws its labels at 6 px fails."""
    path = next(p for p in site.pages() if 'class="diagram' in (site.root / p).read_text("utf-8"))
    page = open_page(path, width=PHONE)
    href = page.evaluate(DIAGRAM_JS)[0]["fullSize"]
    rel = href.removeprefix(site.url)
    svg = (site.root / rel).read_text(encoding="utf-8")
    small = re.sub(r'font-size="\d+"', 'font-size="6"', svg)
    base = seeded_site({rel: small.encode(), path: (site.root / path).read_bytes()})
    seeded = open_page(path, width=PHONE, base=base)
    seeded.add_style_tag(content=".diagram svg { max-width: 100% !important; }")
    _diagrams, problems = diagram_problems(seeded, dark=False)
    assert any("full-size view labels" in p for p in problems), problems


def test_every_full_size_view_follows_the_theme(site, open_page) -> None:
    """Opened on its own, each SVG keeps its natural size and takes light or dark colours."""
    svgs = sorted((site.root / "_static" / "diagrams").glob("*.svg"))
    assert svgs
    page = open_page("index.html", width=PHONE, dark=True)
    for svg in svgs:
        view = page.context.new_page()
        view.goto(site.url + svg.relative_to(site.root).as_posix(), wait_until="load")
        for dark in (False, True):  # the SVG's own prefers-color-scheme rule, switched live
            view.emulate_media(color_scheme="dark" if dark else "light")
            found = view.evaluate(STANDALONE_JS)
            assert found["minPx"] >= MIN_LABEL_PX, (svg.name, found)
            assert (_luminance(found["background"]) < 0.5) == dark, (svg.name, dark, found)
            assert (_luminance(found["labelFill"]) > 0.5) == dark, (svg.name, dark, found)
        view.close()
    print(f"\n{len(svgs)} full-size views checked in light and dark")
