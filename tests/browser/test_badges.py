"""What the built pages say about each example is true, as the reader's browser shows it.

Every badge is Korean (Latin letters only in tool and product names) and gives each check a
tooltip; a file with a kind conf/crds.yaml leaves unchecked offline never shows a pass; a block
that shows part of its file says so with the range, numbered as the file is; every warning
that cites a line cites one the block numbers, or says the line is outside the excerpt.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from examplecheck.kubernetes.crds import load_custom_resources
from tests.test_example_badges import NAMES, PASSED  # one list of the words a badge may show

ROOT = Path(__file__).resolve().parents[2]
_CRD_KINDS = {kind for (_group, kind) in load_custom_resources(ROOT)}

# Per {example} block: its caption, path, code without line numbers, the numbers shown,
# the badge (text and each part's tooltip) and the warnings' text.
_BLOCKS_JS = """
() => [...document.querySelectorAll('div.example')].map((block) => {
  const pre = block.querySelector('pre');
  const code = pre.cloneNode(true);
  code.querySelectorAll('.linenos').forEach((n) => n.remove());
  const badge = block.querySelector('.example-badge');
  return {
    caption: (block.querySelector('.code-block-caption') || {}).textContent || '',
    path: (block.querySelector('.example-path') || {}).textContent || '',
    code: code.textContent,
    numbers: [...pre.querySelectorAll('.linenos')].map((n) => Number(n.textContent.trim())),
    badge: badge ? badge.textContent : null,
    titles: badge ? [...badge.querySelectorAll('abbr')].map((a) => a.title) : [],
    warnings: [...block.querySelectorAll('.example-warnings li')].map((li) => li.textContent),
  };
})
"""


def blocks_of(page) -> list[dict]:
    return page.evaluate(_BLOCKS_JS)


def uses_crd(text: str) -> bool:
    return any(re.search(rf"(?m)^kind:\s*{kind}\s*$", text) for kind in _CRD_KINDS)


def badge_problems(block: dict, file_text: str) -> list[str]:
    badge, where = block["badge"], block["path"]
    if badge is None:
        return [f"{where}: no badge"]
    problems = []
    english = [w for w in re.findall(r"[A-Za-z]+", badge) if w not in NAMES]
    if english:
        problems.append(f"{where}: English words in the badge {badge!r}: {english}")
    if not block["titles"] or not all(re.search(r"[가-힣].*다\.", t) for t in block["titles"]):
        problems.append(f"{where}: a badge part without a Korean tooltip sentence: {badge!r}")
    if uses_crd(file_text):
        if any(word in badge for word in PASSED):
            problems.append(f"{where}: claims a pass though its CRD schema is not checked")
        if "실제 API 서버" not in badge:
            problems.append(f"{where}: does not say the real API server checks its CRD kinds")
    return problems


def excerpt_problems(block: dict, file_text: str) -> list[str]:
    where, caption = block["path"], block["caption"]
    lines = file_text.splitlines()
    shown = block["code"].rstrip("\n")
    marked = re.search(r"(\d+)(?:–(\d+))?행 발췌", caption)
    if shown == file_text.rstrip("\n"):
        return [f"{where}: whole file captioned as an excerpt"] if marked else []
    if not marked:
        return [f"{where}: shows part of the file but the caption {caption!r} does not say so"]
    first, last = int(marked[1]), int(marked[2] or marked[1])
    problems = []
    if "\n".join(lines[first - 1 : last]) != shown:
        problems.append(f"{where}: the code shown is not lines {first}–{last} of the file")
    if block["numbers"] != list(range(first, last + 1)):
        problems.append(f"{where}: lines numbered {block['numbers'][:3]}…, not from {first}")
    return problems


def cited_line_problems(block: dict) -> list[str]:
    problems = []
    for warning in block["warnings"]:
        cited = re.search(r"\((\d+)행", warning)
        if not cited:
            continue
        line = int(cited[1])
        if "밖의 줄" in warning:
            if line in block["numbers"] or "발췌" not in block["caption"]:
                problems.append(f"{block['path']}: line {line} said to be outside what is shown")
        elif line not in block["numbers"]:
            problems.append(
                f"{block['path']}: a warning cites line {line}, the code numbers "
                f"{block['numbers'][:1]}…{block['numbers'][-1:]}"
            )
    return problems


def page_problems(page) -> tuple[list[str], list[dict]]:
    problems, blocks = [], blocks_of(page)
    for block in blocks:
        file = ROOT / block["path"]
        if not block["path"] or not file.is_file():
            problems.append(f"example block without a real file: {block['path']!r}")
            continue
        text = file.read_text(encoding="utf-8")
        problems += badge_problems(block, text)
        problems += excerpt_problems(block, text)
        problems += cited_line_problems(block)
    return problems, blocks


def test_every_example_on_the_site_is_described_truly(site, open_page) -> None:
    problems: list[str] = []
    counts = {"blocks": 0, "excerpts": 0, "crd": 0, "cited": 0, "numbered": 0}
    for path in site.pages():
        found, blocks = page_problems(open_page(path))
        problems += [f"{path}: {p}" for p in found]
        counts["blocks"] += len(blocks)
        counts["excerpts"] += sum("발췌" in b["caption"] for b in blocks)
        counts["crd"] += sum("실제 API 서버" in (b["badge"] or "") for b in blocks)
        counts["cited"] += sum(
            bool(re.search(r"\(\d+행", w)) for b in blocks for w in b["warnings"]
        )
        counts["numbered"] += sum(bool(b["numbers"]) for b in blocks)
    print("examples described:", counts)
    assert counts["blocks"] > 50 and counts["excerpts"] >= 4 and counts["crd"] >= 3
    assert counts["cited"] >= 1
    assert problems == []


def _first_block(html: str, path: str) -> tuple[int, int]:
    """Start and end offsets of the first {example} block of ``path`` in a page's HTML."""
    start = html.index(f">{path}</span>")
    start = html.rindex('<div class="example docutils container">', 0, start)
    end = html.find('<div class="example docutils container">', start + 1)
    return start, end if end != -1 else len(html)


def _seed(site, seeded_site, page: str, path: str, change) -> str:
    html = (site.root / page).read_text(encoding="utf-8")
    start, end = _first_block(html, path)
    bad = html[:start] + change(html[start:end]) + html[end:]
    assert bad != html, "the seed changed nothing"
    return seeded_site({page: bad.encode("utf-8")})


@pytest.mark.parametrize(
    ("page", "path", "change", "expected"),
    [
        (  # the old badge: "검증됨" and English jargon on a Gateway API file
            "kubernetes/services.html",
            "examples/kubernetes/gateway/httproute.yaml",
            lambda block: re.sub(
                r'(<span class="example-badge[^"]*">).*?</span>(?= <a)',
                r'\1<abbr title="검사했습니다.">'
                r"검증됨 · Kubernetes 1.33–1.37 · strict</abbr></span>",
                block,
                flags=re.S,
            ),
            ["English words in the badge", "claims a pass though its CRD schema"],
        ),
        (  # an excerpt whose caption does not say so
            "kubernetes/locust.html",
            "examples/locust/kubernetes/configmap.yaml",
            lambda block: re.sub(r' <span class="example-excerpt">[^<]*</span>', "", block),
            ["does not say so"],
        ),
        (  # a warning citing line 28 of a block without line numbers
            "kubernetes/locust.html",
            "examples/locust/kubernetes/worker-deployment.yaml",
            lambda block: re.sub(r'<span class="linenos">[^<]*</span>', "", block),
            ["a warning cites line"],
        ),
    ],
)
def test_a_seeded_untrue_page_is_rejected(
    site, open_page, seeded_site, page, path, change, expected
) -> None:
    base = _seed(site, seeded_site, page, path, change)
    problems, _blocks = page_problems(open_page(page, base=base))
    for wanted in expected:
        assert any(wanted in p for p in problems), (wanted, problems)
    assert page_problems(open_page(page))[0] == []  # the real page has none
