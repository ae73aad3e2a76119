"""Korean search finds a page whatever ending the reader types (issue 5).

The site is built, then Sphinx's own browser search (searchtools.js, the generated
language_data.js with our query stemmer, searchindex.js) runs in node on each query. A page
counts as relevant when one of its words starts with the query's base word (컨테이너 for
컨테이너를), the way a reader would judge it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sphinx.search

from tests.fixtures.site.site_build import FIXTURES, ROOT, build, copy_fixture, extension

korean_search = extension("korean_search")

NODE = shutil.which("node")
RUNNER = FIXTURES / "search_runner.js"
pytestmark = pytest.mark.skipif(
    NODE is None and os.environ.get("CI", "").lower() != "true",  # CI=true: a missing node fails
    reason="node runs the browser's search code",
)

# (what the reader types, the base word a relevant page contains in some form)
QUERIES = [
    ("컨테이너", "컨테이너"),
    ("컨테이너를", "컨테이너"),
    ("컨테이너는", "컨테이너"),
    ("컨테이너에서", "컨테이너"),
    ("파드", "파드"),
    ("파드가", "파드"),
    ("파드를", "파드"),
    ("파드의", "파드"),
    ("배포", "배포"),
    ("배포하기", "배포"),
    ("배포합니다", "배포"),
    ("배포하면", "배포"),
    ("볼륨", "볼륨"),
    ("볼륨에", "볼륨"),
    ("볼륨을", "볼륨"),
    ("시크릿", "시크릿"),
    ("시크릿을", "시크릿"),
    ("kubectl", "kubectl"),
    ("kubectl로", "kubectl"),
    ("이미지", "이미지"),
    ("이미지를", "이미지"),
    ("이미지의", "이미지"),
    ("서비스", "서비스"),
    ("서비스는", "서비스"),
    ("서비스를", "서비스"),
    ("네임스페이스", "네임스페이스"),
    ("네임스페이스에서", "네임스페이스"),
    ("도커", "도커"),
    ("도커는", "도커"),
    ("레지스트리에", "레지스트리"),
    ("디플로이먼트가", "디플로이먼트"),
    ("디플로이먼트로", "디플로이먼트"),
    ("인그레스를", "인그레스"),
    ("헬름으로", "헬름"),
    ("컨피그맵의", "컨피그맵"),
    ("클러스터에", "클러스터"),
    ("레플리카셋을", "레플리카셋"),
    ("스테이트풀셋으로", "스테이트풀셋"),
    ("미니큐브에서", "미니큐브"),
    ("로커스트를", "로커스트"),
    ("빌드하기", "빌드"),
    ("롤백합니다", "롤백"),
    ("데이터를", "데이터"),
    ("트래픽이", "트래픽"),
    ("설정하면", "설정"),
    ("YAML을", "yaml"),
]
TARGET_RECALL = 0.98


def run_search(html_dir: Path, queries: list[str], tmp_path: Path) -> dict[str, dict]:
    """Sphinx's browser search, in node, on the built site."""
    queries_file = tmp_path / "queries.json"
    queries_file.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        [NODE, str(RUNNER), str(html_dir), str(queries_file)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout)


def page_words(app) -> dict[str, set[str]]:
    """The words of each page as the reader sees them (resolved doctree, toctrees included)."""
    words = {}
    for docname in app.env.found_docs:
        doctree = app.env.get_and_resolve_doctree(docname, app.builder, tags=app.tags)
        words[docname] = {w.lower() for w in re.findall(r"\w+", doctree.astext())}
    return words


def relevant(words: dict[str, set[str]], base: str) -> set[str]:
    return {doc for doc, found in words.items() if any(w.startswith(base) for w in found)}


def recall(answers: dict[str, dict], words: dict[str, set[str]]) -> tuple[float, list[str]]:
    wanted = found = 0
    misses = []
    for query, base in QUERIES:
        expected = relevant(words, base)
        got = expected & set(answers[query]["docs"])
        wanted += len(expected)
        found += len(got)
        misses += [f"{query} → {doc}" for doc in sorted(expected - got)]
    return (found / wanted if wanted else 0.0), misses


def build_korean_site(tmp_path: Path, **overrides: object):
    site = copy_fixture("korean-site", tmp_path / "site")
    captured = {}
    result = build(site, inspect=lambda app: captured.update(words=page_words(app)), **overrides)
    return site / "_build" / "html", captured["words"], result


@pytest.fixture(scope="module")
def korean_site(tmp_path_factory: pytest.TempPathFactory):
    return build_korean_site(tmp_path_factory.mktemp("korean"))


def test_there_are_enough_queries() -> None:
    assert len(QUERIES) >= 30
    assert len({base for _query, base in QUERIES}) >= 20


def test_bare_and_inflected_queries_find_every_page(korean_site, tmp_path: Path) -> None:
    html_dir, words, result = korean_site
    assert result.warnings == ""
    answers = run_search(html_dir, [q for q, _ in QUERIES], tmp_path)
    score, misses = recall(answers, words)
    assert score >= TARGET_RECALL, misses
    for query, base in QUERIES:  # every query has something to find in the corpus
        assert relevant(words, base), query


def test_stock_sphinx_search_misses_inflected_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same corpus without the Korean search language: the test above would fail.
    # (add_search_language registers in a global table; undo that for this build.)
    monkeypatch.delitem(sphinx.search.languages, "ko", raising=False)
    html_dir, words, _ = build_korean_site(tmp_path, extensions=["myst_parser"])
    answers = run_search(html_dir, [q for q, _ in QUERIES], tmp_path)
    score, _misses = recall(answers, words)
    assert score < 0.6  # measured: 0.38


def test_multi_word_queries_require_every_word(korean_site, tmp_path: Path) -> None:
    html_dir, words, _ = korean_site
    pairs = {
        "파드 컨테이너를": ("파드", "컨테이너"),
        "도커 볼륨에": ("도커", "볼륨"),
        "헬름 네임스페이스": ("헬름", "네임스페이스"),
        "시크릿 도커": ("시크릿", "도커"),
    }
    answers = run_search(html_dir, list(pairs), tmp_path)
    for query, (first, second) in pairs.items():
        both = relevant(words, first) & relevant(words, second)
        assert set(answers[query]["docs"]) == both, query
    assert answers["시크릿 도커"]["docs"] == []  # no page has both: nothing, not either


def test_query_stemmer_in_the_browser_equals_the_python_one(korean_site, tmp_path: Path) -> None:
    html_dir, _words, _ = korean_site
    language_data = (html_dir / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "koStripParticles" in language_data
    samples = [q for q, _ in QUERIES] + [
        "결과", "정의", "정의를", "키", "파드들을", "배포되는", "게이트웨이", "게이트웨이를",
        "간단한", "선언적으로", "Pod는", "API를", "app.kubernetes.io", "v1", "", "3개",
    ]  # fmt: skip
    stem_all = f"{json.dumps(samples)}.map((w) => new Stemmer().stemWord(w))"
    script = (
        "const window = globalThis;\n"  # language_data.js exports its stopwords on window
        + language_data
        + f"\nprocess.stdout.write(JSON.stringify({stem_all}));"
    )
    done = subprocess.run(
        [NODE, "-e", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(done.stdout) == [korean_search.strip_particles(w) for w in samples]


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("컨테이너를", "컨테이너"),
        ("네임스페이스에서", "네임스페이스"),
        ("배포하기", "배포"),
        ("배포합니다", "배포"),
        ("kubectl로", "kubectl"),
        ("YAML을", "yaml"),
        ("파드가", "파드"),
        # short words keep their last syllable: it is part of the noun
        ("결과", "결과"),
        ("정의", "정의"),
        ("파드", "파드"),
        ("키", "키"),
    ],
)
def test_strip_particles(word: str, stem: str) -> None:
    assert korean_search.strip_particles(word) == stem


def test_index_holds_noun_stems_not_words_with_particles(korean_site) -> None:
    html_dir, _words, _ = korean_site
    index = (html_dir / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(index[len("Search.setIndex(") : -1])["terms"]
    for stem in ("컨테이너", "파드", "배포", "네임스페이스", "시크릿", "kubectl"):
        assert stem in terms, stem
    assert "컨테이너를" not in terms
    assert "배포하기" not in terms


def test_kiwi_is_created_once() -> None:
    assert korean_search.kiwi() is korean_search.kiwi()


@pytest.mark.slow
def test_real_site_builds_without_warnings_and_search_reaches_target(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    ignore = shutil.ignore_patterns("__pycache__", "_build", ".nox", "build")
    for name in ("docs", "examples", "conf", "examplecheck"):
        shutil.copytree(ROOT / name, repo / name, ignore=ignore)
    captured = {}
    result = build(repo, inspect=lambda app: captured.update(words=page_words(app)))
    answers = run_search(repo / "_build" / "html", [q for q, _ in QUERIES], tmp_path)
    score, misses = recall(answers, captured["words"])
    problems = []
    if score < TARGET_RECALL:
        problems.append(f"recall {score:.3f} < {TARGET_RECALL}: {misses}")
    if result.warnings:
        problems.append(
            f"the site does not build cleanly (nox -s docs runs -W):\n{result.warnings}"
        )
    assert not problems, "\n".join(problems)
