"""The handbook's Korean search vs stock Sphinx search vs Pagefind, on the reader query set.

Run (in the browser session's environment, after ``nox -s docs``)::

    .nox/browser/bin/python benchmarks/search_engines.py [--site build/html] [--keep DIR]

One run builds the same pages twice more, into a scratch folder:

* stock Sphinx: sphinx-build with docs/conf.py minus the ``korean_search`` extension (Sphinx
  then uses its default splitter and searchtools.js);
* Pagefind (the ``pagefind-bin`` package, its binary inside the wheel, offline): indexes a copy
  of the handbook's own build, the article of every content page (``article[role=main]``).

Then Chromium runs every query of tests/search/queries.yaml on each engine, the way each
engine's page asks it (tests/search/engines.py), and the script prints recall, precision and
first right page per category for each, and the bytes a reader downloads for a one-word
search from a cold cache: for the handbook and stock Sphinx the whole search page with its
results and snippets; for Pagefind its own requests (script, WebAssembly, index chunks and the
fragments of the first five results, what its UI shows first) -- a figure that flatters it,
since its page and its UI's styles are not counted.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.browser_launch import LAUNCH_ARGS, find_browser  # noqa: E402
from tests.browser.site_server import serve  # noqa: E402
from tests.search import engines, quality  # noqa: E402
from tests.search.transfer import Transfers  # noqa: E402

ONE_WORD = "컨테이너"
# Content pages only: the one-page edition under _offline/ holds every page at once.
PAGEFIND_GLOB = "{*.html,docker/*.html,kubernetes/*.html,together/*.html}"
STOCK_CONF = """\
# docs/conf.py without the handbook's Korean search: what Sphinx does by itself.
__file__ = {conf!r}
exec(compile(open(__file__, encoding="utf-8").read(), __file__, "exec"))
extensions.remove("korean_search")
# paths in conf.py are relative to its folder, not to this one
templates_path = [str(DOCS / p) for p in templates_path]
html_static_path = [str(DOCS / p) for p in html_static_path]
locale_dirs = [str(DOCS / p) for p in locale_dirs]
html_favicon = str(DOCS / html_favicon)
"""


def build_stock_sphinx(scratch: Path) -> Path:
    conf_dir = scratch / "stock-conf"
    conf_dir.mkdir(parents=True)
    (conf_dir / "conf.py").write_text(STOCK_CONF.format(conf=str(ROOT / "docs" / "conf.py")))
    out = scratch / "stock-html"
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-c", str(conf_dir)]
    command += ["-d", str(scratch / "stock-doctrees"), str(ROOT / "docs"), str(out)]
    subprocess.run(command, check=True, cwd=ROOT)
    return out


def build_pagefind(site: Path, scratch: Path) -> Path:
    copy = scratch / "pagefind-html"
    shutil.copytree(site, copy)
    command = [sys.executable, "-m", "pagefind_bin", "--site", str(copy), "--glob", PAGEFIND_GLOB]
    command += ["--root-selector", "article[role=main]", "--output-subdir", "pagefind"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return copy


def search_page_bytes(browser, url: str, done: str) -> tuple[int, int]:
    context = browser.new_context()  # a first visit: nothing cached
    page = context.new_page()
    transfers = Transfers(page)
    page.goto(f"{url}search.html?q={ONE_WORD}", wait_until="load")
    page.wait_for_function(done, timeout=120_000)
    page.wait_for_load_state("networkidle")
    total, count = transfers.total(), len(transfers.requests)
    context.close()
    return total, count


def pagefind_bytes(browser, url: str) -> tuple[int, int]:
    context = browser.new_context()
    page = context.new_page()
    transfers = Transfers(page)
    page.goto(f"{url}404.html", wait_until="load")  # a page to run in; its bytes are left out
    page.wait_for_load_state("networkidle")
    transfers.clear()
    page.evaluate(
        """async (q) => {
          const pagefind = await import("/pagefind/pagefind.js");
          await pagefind.init();
          const found = await pagefind.search(q);
          await Promise.all(found.results.slice(0, 5).map((r) => r.data()));
        }""",
        ONE_WORD,
    )
    page.wait_for_load_state("networkidle")
    total, count = transfers.total(), len(transfers.requests)
    context.close()
    return total, count


HANDBOOK_DONE = """() => { const s = document.querySelector('#search-results .search-summary');
  return s && s.innerText.trim() && [...document.querySelectorAll('#search-results p.context')]
    .every((p) => p.textContent.trim()); }"""
# searchtools.js writes its summary after the last result's page was fetched and cut
SPHINX_DONE = """() => { const s = document.querySelector('#search-results .search-summary');
  return s && /\\d/.test(s.innerText); }"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "build" / "html")
    parser.add_argument("--keep", type=Path, help="build the comparison sites here and keep them")
    args = parser.parse_args(argv)
    if not (args.site / "_static" / "search" / "index.js").is_file():
        print(f"no handbook build with its search index at {args.site}: run nox -s docs first")
        return 2
    executable = find_browser()
    if executable is None:
        print("no Chromium: install Debian's chromium (nox -s browser does)")
        return 2
    from playwright.sync_api import sync_playwright

    query_set = quality.load()
    texts = [q.q for q in query_set.queries]
    scratch = args.keep or Path(tempfile.mkdtemp(prefix="search-engines-"))
    try:
        stock = build_stock_sphinx(scratch)
        pagefind = build_pagefind(args.site, scratch)
        sites = {"handbook": args.site, "stock Sphinx": stock, "Pagefind": pagefind}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(executable), args=LAUNCH_ARGS)
            rows = []
            for name, root in sites.items():
                with serve(root) as url:
                    context = browser.new_context()
                    page = context.new_page()
                    page.goto(url + "search.html", wait_until="load")
                    if name == "handbook":
                        answers = engines.run_handbook(page, texts)
                        size = search_page_bytes(browser, url, HANDBOOK_DONE)
                    elif name == "stock Sphinx":
                        answers = engines.run_sphinx(page, texts)
                        size = search_page_bytes(browser, url, SPHINX_DONE)
                    else:
                        answers = engines.run_pagefind(page, texts)
                        size = pagefind_bytes(browser, url)
                    context.close()
                outcomes = quality.judge_all(query_set, answers)
                print(quality.report(query_set, outcomes, f"=== {name}").split("\n  [")[0])
                print(f"one-word search ({ONE_WORD}): {size[0]} bytes in {size[1]} requests\n")
                rows.append((name, quality.figures(outcomes), size))
            browser.close()
        base = rows[0]
        print(f"{'engine':<14}{'recall':>8}{'prec.':>8}{'top3':>7}{'empty':>6}{'KB':>8}")
        for name, fig, (size, _requests) in rows:
            print(
                f"{name:<14}{fig.recall:>8.3f}{fig.precision:>8.3f}{fig.top3:>7.3f}"
                f"{fig.empty:>6}{size / 1024:>8.0f}"
            )
        for name, fig, (size, _requests) in rows[1:]:
            print(
                f"handbook vs {name}: recall x{base[1].recall / max(fig.recall, 1e-9):.2f}, "
                f"precision x{base[1].precision / max(fig.precision, 1e-9):.2f}, "
                f"bytes x{base[2][0] / max(size, 1):.2f}"
            )
    finally:
        if args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
