"""Downloads as a reader gets them: every example's file, every set's archive, the offline editions.

Links are read from the pages in Chromium and followed over HTTP from the served site. A file's
download must return the bytes of the file in examples/ under the file's own name; an archive
must hold exactly the files of its folders (repository paths, same bytes, build by-products
left out); the download page must link every archive and both offline editions. Each check
returns its problems; it runs on the real site (expect none) and on a seeded bad copy.
"""

from __future__ import annotations

import io
import os
import re
import urllib.request
import xml.etree.ElementTree as ET
import zipfile
from email.message import Message
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from tests.browser.conftest import ROOT

DOWNLOAD_PAGE = "download.html"
EPUB = "_offline/docker-k8s-handbook.epub"
SINGLE = "_offline/single/index.html"
# Left out of archives as they are by the site's discovery (docs/_ext/example_state.py).
BY_PRODUCT_DIRS = {"__pycache__", ".pytest_cache"}
BY_PRODUCT_SUFFIXES = {".pyc"}
# The pages a reader gets as chapters of the offline editions (the 404 page is the site's own).
NOT_CHAPTERS = {"404.html"}

_EXAMPLES_JS = """() => [...document.querySelectorAll('div.example')].map(box => {
  const path = box.querySelector('.example-path');
  const file = box.querySelector('.example-meta a.download');
  const set = box.querySelector('.example-meta a.example-archive');
  return {path: path && path.textContent.trim(), file: file && file.href,
          download: file && file.hasAttribute('download'), set: set && set.href};
})"""
_ARCHIVES_JS = """() => [...document.querySelectorAll('table.example-archives tbody tr')]
.map(row => ({
  href: row.querySelector('a') && row.querySelector('a').href,
  folders: [...row.cells[1].querySelectorAll('code')].map(c => c.textContent.trim()),
}))"""


@pytest.fixture(scope="module")
def offline_built(site) -> None:
    """The offline editions are written by nox -s docs, not by a plain HTML build."""
    missing = [rel for rel in (EPUB, SINGLE) if not (site.root / rel).is_file()]
    if missing:
        pytest.fail(
            f"no {', '.join(missing)} in {site.root}: build with nox -s docs", pytrace=False
        )


def fetch(url: str) -> tuple[int, bytes, Message]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read(), response.headers


def served_name(url: str, headers: Message) -> str:
    """The name a browser saves the response under: Content-Disposition, else the URL's."""
    disposition = headers.get_filename()
    return disposition or PurePosixPath(unquote(urlsplit(url).path)).name


def folder_files(folder: str, root: Path = ROOT) -> dict[str, bytes]:
    """Repository path → bytes of every file under ``folder``, by-products left out."""
    found = {}
    for current, dirnames, filenames in os.walk(root / folder):
        dirnames[:] = [d for d in dirnames if d not in BY_PRODUCT_DIRS]
        for name in filenames:
            path = Path(current) / name
            if path.suffix not in BY_PRODUCT_SUFFIXES:
                found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist() if not i.is_dir()}


# --- the checks


def file_download_problems(shown: str, url: str | None, root: Path = ROOT) -> list[str]:
    """The download of the example shown as ``shown`` ("examples/...") is that file, by name."""
    if not url:
        return [f"{shown}: no download link"]
    status, body, headers = fetch(url)
    problems = []
    if status != 200:
        problems.append(f"{shown}: download answered {status}")
    name = served_name(url, headers)
    if name != PurePosixPath(shown).name:
        problems.append(f"{shown}: downloads as {name!r}")
    if body != (root / shown).read_bytes():
        problems.append(f"{shown}: downloaded bytes differ from the file ({len(body)} bytes)")
    return problems


def archive_problems(label: str, data: bytes, folders: list[str], root: Path = ROOT) -> list[str]:
    """The archive holds exactly the files of ``folders``, with their bytes."""
    try:
        members = zip_members(data)
    except zipfile.BadZipFile as exc:
        return [f"{label}: not a zip ({exc})"]
    expected: dict[str, bytes] = {}
    for folder in folders:
        expected.update(folder_files(folder.rstrip("/"), root))
    problems = [f"{label}: missing {p}" for p in sorted(set(expected) - set(members))]
    problems += [f"{label}: not in its folders: {p}" for p in sorted(set(members) - set(expected))]
    problems += [
        f"{label}: {p} differs from the file"
        for p in sorted(set(members) & set(expected))
        if members[p] != expected[p]
    ]
    return problems


def epub_problems(data: bytes, chapters: list[str]) -> list[str]:
    """A valid EPUB container with one well-formed XHTML document per chapter."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        return [f"EPUB is not a zip ({exc})"]
    problems = []
    first = archive.infolist()[0]
    if first.filename != "mimetype" or first.compress_type != zipfile.ZIP_STORED:
        problems.append(f"EPUB's first entry is {first.filename!r}, not an uncompressed mimetype")
    elif archive.read(first) != b"application/epub+zip":
        problems.append(f"EPUB's mimetype is {archive.read(first)!r}")
    names = set(archive.namelist())
    for chapter in chapters:
        xhtml = chapter.removesuffix(".html") + ".xhtml"
        if xhtml not in names:
            problems.append(f"EPUB has no chapter {xhtml}")
    for name in sorted(n for n in names if n.endswith(".xhtml")):
        try:
            ET.fromstring(archive.read(name))
        except ET.ParseError as exc:
            problems.append(f"EPUB {name} is not well-formed XHTML: {exc}")
    return problems


# --- on the real site


@pytest.fixture(scope="module")
def page_examples(site, browser) -> dict[str, list[dict]]:
    """Page → its examples as the reader sees them (path, file link, archive link)."""
    context = browser.new_context()
    page = context.new_page()
    found = {}
    try:
        for rel in site.pages():
            page.goto(site.url + rel, wait_until="domcontentloaded")
            found[rel] = page.evaluate(_EXAMPLES_JS)
    finally:
        context.close()
    return found


@pytest.fixture(scope="module")
def download_page_archives(site, browser) -> list[dict]:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(site.url + DOWNLOAD_PAGE, wait_until="domcontentloaded")
        return page.evaluate(_ARCHIVES_JS)
    finally:
        context.close()


def test_every_example_downloads_as_its_own_file(page_examples) -> None:
    problems, count = [], 0
    for rel, examples in page_examples.items():
        for example in examples:
            count += 1
            found = file_download_problems(example["path"], example["file"])
            if not example["download"]:
                found.append(f"{example['path']}: the link has no download attribute")
            problems += [f"{rel}: {p}" for p in found]
    print(f"downloads equal {count - len(problems)}/{count}")
    assert count > 50, f"only {count} examples found on the pages"
    assert problems == []


def test_chromium_saves_the_files_bytes_under_its_name(site, browser, page_examples) -> None:
    """Clicked in Chromium: the first example of each page and every dotfile.

    Chromium drops a leading dot from every name it saves (".dockerignore" → "dockerignore"),
    whatever the server or the link's download attribute say; download.md tells the reader.
    """
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    saved, stripped = 0, []
    try:
        for rel, examples in page_examples.items():
            chosen = [
                (i, e)
                for i, e in enumerate(examples)
                if i == 0 or PurePosixPath(e["path"]).name.startswith(".")
            ]
            if not chosen:
                continue
            page.goto(site.url + rel, wait_until="domcontentloaded")
            for index, example in chosen:
                link = page.locator("div.example").nth(index).locator(".example-meta a.download")
                with page.expect_download() as info:
                    link.evaluate("a => a.click()")  # a link in a closed tab is clicked too
                download = info.value
                name = PurePosixPath(example["path"]).name
                assert Path(download.path()).read_bytes() == (ROOT / example["path"]).read_bytes()
                if name.startswith(".") and download.suggested_filename == name[1:]:
                    stripped.append(name)
                else:
                    assert download.suggested_filename == name, (rel, example["path"])
                saved += 1
    finally:
        context.close()
    print(f"saved by Chromium {saved}/{saved}; leading dot dropped by Chromium: {stripped}")
    assert saved, "no example was downloaded"


def test_every_archive_equals_its_folders(site, download_page_archives) -> None:
    assert download_page_archives, "the download page lists no archives"
    problems = []
    for row in download_page_archives:
        assert row["href"], f"an archive row without a link: {row}"
        status, data, _ = fetch(row["href"])
        label = PurePosixPath(urlsplit(row["href"]).path).name
        problems += [f"{label}: answered {status}"] if status != 200 else []
        problems += archive_problems(label, data, row["folders"])
    total = len(download_page_archives)
    bad = {p.split(":")[0] for p in problems}
    print(f"archives equal {total - len(bad)}/{total}")
    assert problems == []


def test_the_archives_cover_every_example_and_one_holds_them_all(download_page_archives) -> None:
    everything = [r for r in download_page_archives if r["folders"] == ["examples/"]]
    assert len(everything) == 1, "no single archive of all of examples/"
    covered: set[str] = set()
    for row in download_page_archives:
        if row is not everything[0]:
            for folder in row["folders"]:
                covered |= set(folder_files(folder.rstrip("/")))
    assert sorted(set(folder_files("examples")) - covered) == []


def test_each_examples_archive_link_holds_the_file(page_examples, download_page_archives) -> None:
    listed = {row["href"] for row in download_page_archives}
    archives: dict[str, set[str]] = {}
    problems, count = [], 0
    for rel, examples in page_examples.items():
        for example in examples:
            count += 1
            url = example["set"]
            if url not in listed:
                problems.append(f"{rel}: {example['path']}: archive link {url} is not listed")
                continue
            if url not in archives:
                archives[url] = set(zip_members(fetch(url)[1]))
            if example["path"] not in archives[url]:
                problems.append(f"{rel}: {example['path']} is not in {url}")
    print(f"archive links holding their file {count - len(problems)}/{count}")
    assert problems == []


def test_the_download_page_links_the_offline_editions(site, open_page, offline_built) -> None:
    page = open_page(DOWNLOAD_PAGE)
    hrefs = page.eval_on_selector_all("article a.site-file", "links => links.map(a => a.href)")
    wanted = {urljoin(site.url, EPUB): 100_000, urljoin(site.url, SINGLE): 300_000}
    for url, least in wanted.items():
        assert url in hrefs, f"the download page does not link {url}"
        status, body, _ = fetch(url)
        assert status == 200
        assert len(body) > least, f"{url}: only {len(body)} bytes"
    sizes = {PurePosixPath(u).name: len(fetch(u)[1]) for u in wanted}
    print(f"offline editions: {sizes}")


def test_the_epub_is_valid_and_has_every_chapter(site, offline_built) -> None:
    status, data, _ = fetch(urljoin(site.url, EPUB))
    assert status == 200
    chapters = [p for p in site.pages() if p not in NOT_CHAPTERS]
    assert epub_problems(data, chapters) == []
    print(f"EPUB chapters {len(chapters)}/{len(chapters)}, {len(data)} bytes")


_SINGLE_TITLES_JS = """() => {
  const title = heading => heading ? heading.textContent.replace(/[#¶]\\s*$/, '').trim() : null;
  const found = {index: title(document.querySelector('h1'))};
  for (const marker of document.querySelectorAll('[id^="document-"]')) {
    const section = marker.nextElementSibling;
    found[marker.id.slice('document-'.length)] =
      section ? title(section.querySelector('h1, h2, h3, h4, h5, h6')) : null;
  }
  return found;
}"""


def page_title(html: str) -> str | None:
    """The first heading of a built page, as text."""
    match = re.search(r"<h1>(.*?)<a class=\"headerlink\"", html, re.DOTALL)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else None


def single_page_problems(titles: dict[str, str | None], pages: dict[str, str | None]) -> list[str]:
    """Every page (docname → title) is in the single page, under its own title."""
    return [
        f"{doc}: {title!r} is not in the single page (found {titles.get(doc)!r})"
        for doc, title in pages.items()
        if title is None or titles.get(doc) != title
    ]


def test_the_single_page_has_every_pages_title(site, open_page, offline_built) -> None:
    titles = open_page(SINGLE).evaluate(_SINGLE_TITLES_JS)
    pages = {
        rel.removesuffix(".html"): page_title((site.root / rel).read_text(encoding="utf-8"))
        for rel in site.pages()
        if rel not in NOT_CHAPTERS
    }
    problems = single_page_problems(titles, pages)
    print(f"single page titles {len(pages) - len(problems)}/{len(pages)}")
    assert problems == []
    # Seeded bad: a page left out of the single page is reported.
    assert single_page_problems({**titles, "download": None}, pages)


# --- seeded bad copies: each check must reject them


def _rezip(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = change(info.filename, source.read(info))
            if body is not None:
                target.writestr(info, body)
    return out.getvalue()


def test_an_archive_missing_a_file_or_with_a_changed_byte_is_rejected(
    site, seeded_site, download_page_archives
) -> None:
    row = next(r for r in download_page_archives if "spring-boot" in r["href"])
    rel = urlsplit(row["href"]).path.removeprefix(urlsplit(site.url).path)
    data = (site.root / rel).read_bytes()
    dropped = "examples/docker/spring-boot/src/main/java/com/example/demo/DemoApplication.java"
    missing = _rezip(data, lambda name, body: None if name == dropped else body)
    changed = _rezip(data, lambda name, body: body.replace(b"8080", b"8081", 1))
    for bad, expected in ((missing, f"missing {dropped}"), (changed, "differs from the file")):
        base = seeded_site({rel: bad})
        problems = archive_problems(rel, fetch(base + rel)[1], row["folders"])
        assert any(expected in p for p in problems), problems


def test_a_download_whose_file_differs_is_rejected(site, seeded_site, page_examples) -> None:
    example = next(e for e in page_examples["kubernetes/workloads.html"] if e["file"])
    rel = urlsplit(example["file"]).path.removeprefix(urlsplit(site.url).path)
    original = (site.root / unquote(rel)).read_bytes()
    base = seeded_site({unquote(rel): original.replace(b"replicas: 3", b"replicas: 4") + b"#"})
    problems = file_download_problems(example["path"], base + rel)
    assert any("bytes differ" in p for p in problems), problems


def test_a_download_under_another_name_is_rejected(site, seeded_site, page_examples) -> None:
    example = next(e for e in page_examples["docker/images.html"] if e["file"])
    rel = unquote(urlsplit(example["file"]).path.removeprefix(urlsplit(site.url).path))
    renamed = str(PurePosixPath(rel).with_name("renamed.txt"))
    base = seeded_site({renamed: (site.root / rel).read_bytes()})
    problems = file_download_problems(example["path"], base + renamed)
    assert any("downloads as 'renamed.txt'" in p for p in problems), problems


def test_an_epub_without_mimetype_first_or_with_broken_xhtml_is_rejected(
    site, offline_built
) -> None:
    data = (site.root / EPUB).read_bytes()
    chapters = [p for p in site.pages() if p not in NOT_CHAPTERS]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in reversed(source.infolist()):
            body = source.read(info)
            if info.filename == "intro.xhtml":
                body = body.replace(b"</p>", b"", 1)  # an unclosed element
            target.writestr(info.filename, body, zipfile.ZIP_DEFLATED)
    problems = epub_problems(out.getvalue(), chapters)
    assert any("first entry" in p for p in problems), problems
    assert any("intro.xhtml is not well-formed" in p for p in problems), problems
