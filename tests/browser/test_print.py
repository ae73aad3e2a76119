"""Printing: paper cannot click, so every tab panel and dropdown body must be on it.

The page is put in print mode as a browser does before printing: the ``print`` media type
and the ``beforeprint`` event (print_expand.js opens closed dropdowns on it). Then every tab
panel and dropdown body must have a size and be visible, each tab panel under its tab's
title, and the navigation chrome must be gone. ``afterprint`` must close the dropdowns again.
"""

from __future__ import annotations

import re

# What furo draws around the text; none of it belongs on paper.
CHROME = (
    ".mobile-header, .sidebar-drawer, .toc-drawer, .back-to-top, .related-pages, "
    ".theme-toggle-container, .diagram-full"
)

PRINT_JS = """(chrome) => {
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0
      && el.checkVisibility({opacityProperty: true, visibilityProperty: true});
  };
  const problems = [];
  const panels = [...document.querySelectorAll('.sd-tab-set > .sd-tab-content')];
  for (const panel of panels) {
    const label = panel.previousElementSibling;
    const title = label ? label.textContent.trim() : '';
    if (!shown(panel)) problems.push('tab panel "' + title + '" is not printed');
    if (!label || !title || !shown(label)) {
      problems.push('tab panel ' + panel.id + ' has no visible title');
    } else if (label.getBoundingClientRect().bottom > panel.getBoundingClientRect().top + 1) {
      problems.push('tab title "' + title + '" is not above its panel');
    }
  }
  const bodies = [...document.querySelectorAll('details.sd-dropdown > .sd-summary-content')];
  for (const body of bodies) {
    if (!shown(body)) {
      const title = body.parentElement.querySelector('summary').textContent.trim();
      problems.push('dropdown "' + title + '" prints without its body');
    }
  }
  for (const el of document.querySelectorAll(chrome)) {
    if (shown(el)) problems.push('navigation is printed: ' + el.className);
  }
  return {panels: panels.length, dropdowns: bodies.length, problems};
}"""


def print_problems(page) -> tuple[int, int, list[str]]:
    """(tab panels, dropdowns, problems) of the loaded page in print mode."""
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    found = page.evaluate(PRINT_JS, CHROME)
    return found["panels"], found["dropdowns"], found["problems"]


def _pages_with_tabs_or_dropdowns(site) -> list[str]:
    return [
        path
        for path in site.pages()
        if re.search(r'class="sd-tab-set|<details', (site.root / path).read_text("utf-8"))
    ]


def test_every_tab_panel_and_dropdown_prints(site, open_page) -> None:
    pages = _pages_with_tabs_or_dropdowns(site)
    page = open_page("index.html")
    panels = dropdowns = 0
    problems = []
    for path in ["index.html", *pages]:
        page.emulate_media(media="screen")
        page.goto(site.url + path, wait_until="load")
        in_panels, in_dropdowns, found = print_problems(page)
        panels, dropdowns = panels + in_panels, dropdowns + in_dropdowns
        problems += [f"{path}: {p}" for p in found]
    print(f"\nprinted {panels} tab panels and {dropdowns} dropdowns on {len(pages)} pages")
    assert panels > 5 and dropdowns > 3, "the site lost its tabs or dropdowns"
    assert not problems, "\n".join(problems)


def test_afterprint_closes_the_dropdowns_again(site, open_page) -> None:
    path = next(p for p in site.pages() if "<details" in (site.root / p).read_text("utf-8"))
    page = open_page(path)
    closed = "[...document.querySelectorAll('details')].filter((d) => !d.open).length"
    before = page.evaluate(closed)
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    during = page.evaluate(closed)
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert (before, during, page.evaluate(closed)) == (before, 0, before) and before > 0


def test_printing_to_pdf_fires_beforeprint(site, open_page) -> None:
    """The events the checks dispatch are the ones a real print sends (here: print to PDF)."""
    page = open_page("index.html")
    page.evaluate(
        "window.printEvents = []; for (const type of ['beforeprint', 'afterprint']) "
        "window.addEventListener(type, () => window.printEvents.push(type))"
    )
    assert page.pdf()[:4] == b"%PDF"
    assert page.evaluate("window.printEvents") == ["beforeprint", "afterprint"]


def _without(html: str, name: str) -> str:
    """The page without the <link> or <script> that loads ``name``."""
    cut = re.sub(rf"<(link|script)[^>]*{re.escape(name)}[^>]*>(</script>)?", "", html)
    assert cut != html, name
    return cut


def test_a_page_without_the_print_css_is_rejected(site, open_page, seeded_site) -> None:
    pages = _pages_with_tabs_or_dropdowns(site)
    path = next(p for p in pages if 'class="sd-tab-set' in (site.root / p).read_text("utf-8"))
    html = (site.root / path).read_text(encoding="utf-8")
    base = seeded_site({path: _without(html, "print.css").encode()})
    _panels, _dropdowns, problems = print_problems(open_page(path, base=base))
    print(f"\n{path} without print.css: {len(problems)} problems, e.g. {problems[:2]}")
    assert any("is not printed" in p for p in problems), problems
    assert any("navigation is printed" in p for p in problems), problems


def test_dropdowns_without_css_or_script_are_rejected(site, open_page, seeded_site) -> None:
    path = next(p for p in site.pages() if "<details" in (site.root / p).read_text("utf-8"))
    html = (site.root / path).read_text(encoding="utf-8")
    bare = _without(_without(html, "print.css"), "print_expand.js")
    base = seeded_site({path: bare.encode()})
    _panels, _dropdowns, problems = print_problems(open_page(path, base=base))
    assert any("prints without its body" in p for p in problems), problems
