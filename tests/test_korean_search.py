"""The Korean search's parts, fast: terms, aliases, the index, the browser engine in node.

A small Korean site (tests/fixtures/site/korean-site) is built with the search extension, and
the engine of the search page (docs/_ext/search_ko.js) runs in node on its index. The whole
site against the reader query set runs in Chromium in the browser suite
(tests/browser/test_search_quality.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.fixtures.site.site_build import ROOT, build, copy_fixture, extension
from tests.required_tools import needs
from tests.search import quality

search_terms = extension("search_terms")
search_index = extension("search_index")
korean_search = extension("korean_search")

NODE = shutil.which("node")
RUNNER = ROOT / "tests" / "search" / "run_engine.js"
ENGINE = ROOT / "docs" / "_ext" / "search_ko.js"
needs_node = needs(NODE, "node runs the search page's engine")


def terms(text: str) -> list[list[str]]:
    return list(search_terms.word_terms(text))


# --- terms of a page's text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("컨테이너를", [["컨테이너"]]),
        ("네임스페이스에서", [["네임스페이스"]]),
        ("배포하기", [["배포"]]),  # 하다 verbs: the noun
        ("지웁니다", [["지우"]]),  # a plain verb: Kiwi's stem, not the inflected surface
        ("스토리지", [["스토리지"]]),  # a noun that ends like an ending stays whole
        ("kubectl로", [["kubectl"]]),  # a particle glued to a Latin word is no word
        ("Helm", [["헬름"]]),  # an alias group's words become its first word
        ("pvc", [["퍼시스턴트볼륨클레임"]]),
    ],
)
def test_word_terms(text: str, expected: list[list[str]]) -> None:
    assert terms(text) == expected


def test_a_phrase_adds_its_joined_term_after_its_last_word() -> None:
    found = terms("헬스 체크가 통과합니다")
    assert found[0] == ["헬스"] and "헬스체크" in found[1]
    assert "롤링업데이트" in terms("rolling update")[1]


def test_metrics_server_is_its_parts_and_the_joined_word() -> None:
    assert terms("metrics-server가")[0] == ["metrics", "server", "metricsserver"]


def test_function_verbs_are_left_out() -> None:
    assert terms("있습니다 없으면") == [[], []]


# --- aliases file: bad input is a clear error


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("groups: [", "cannot read"),
        ("- a\n", "expected a mapping"),
        ("groups: [[헬름]]\nphrases: []\n", "two or more lower-case words"),
        ("groups: [[헬름, Helm]]\nphrases: []\n", "two or more lower-case words"),
        ("groups: [[헬름, helm], [helm, 핼름]]\nphrases: []\n", "is in two groups"),
        ("groups: []\nphrases: [[헬스체크, 헬스체크]]\n", "two or more words"),
    ],
)
def test_a_bad_aliases_file_is_named_with_what_is_wrong(tmp_path: Path, body: str, message: str):
    path = tmp_path / "aliases.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(search_terms.AliasError, match=message) as raised:
        search_terms.aliases(path)
    assert str(path) in str(raised.value)


def test_the_site_aliases_load() -> None:
    table = search_terms.aliases()
    assert table.term("minikube") == "미니큐브"
    assert table.term("헬스체크") == "헬스체크"  # a phrase written together is its term


# --- the index


def _counts(**by_kind: int) -> list[int]:
    return [by_kind.get(kind, 0) for kind in search_index.FIELD_WEIGHTS]


def _page(title: str, counts: dict[str, list[int]], hub: bool = False):
    page = search_index.PageTerms(title=title, hub=hub, counts=counts)
    page.lengths = [sum(column) for column in zip(*counts.values(), strict=True)]
    return page


def test_more_mentions_weigh_more_and_a_landing_page_less() -> None:
    other = {"x": _counts(prose=50)}
    pages = {
        "topic": _page("t", {"파드": _counts(title=1, heading=2, prose=30), **other}),
        "mention": _page("m", {"파드": _counts(prose=2), **other}),
        "code": _page("c", {"파드": _counts(code=2), **other}),
        "hub": _page("h", {"파드": _counts(prose=2), **other}, hub=True),
    }
    weights = search_index.term_weights(pages)["파드"]
    assert weights["topic"] > weights["mention"] > weights["code"]
    assert weights["hub"] < weights["mention"]


def test_postings_written_as_digits_read_back() -> None:
    pages = {f"p{i:02}": _page("t", {"x": _counts(prose=i + 1)}) for i in range(70)}
    payload = search_index.index_payload(pages, search_terms.aliases())
    assert payload["width"] == 2  # more pages than one digit can number
    read = search_index.decode(payload["terms"]["x"], payload["width"])
    assert [number for number, _ in read] == list(range(70))
    weights = search_index.term_weights(pages)["x"]
    assert [w for _, w in read] == [weights[f"p{i:02}"] for i in range(70)]


def test_a_compound_also_counts_for_its_parts() -> None:
    counts = {
        "퍼시스턴트볼륨": _counts(prose=4),
        "퍼시스턴트": _counts(prose=1),
        "볼륨": _counts(prose=1),
    }
    counted = search_index.with_compound_parts({"storage": _page("s", counts)})["storage"]
    prose = list(search_index.FIELD_WEIGHTS).index("prose")
    assert counted["볼륨"][prose] == 1 + search_index.COMPOUND_PART * 4
    assert search_index.segment("퍼시스턴트볼륨", {"퍼시스턴트", "볼륨"}) == ["퍼시스턴트", "볼륨"]
    assert search_index.segment("볼륨", {"볼륨"}) is None


# --- the small site, built, and its engine in node


@pytest.fixture(scope="module")
def korean_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = copy_fixture("korean-site", tmp_path_factory.mktemp("korean") / "site")
    result = build(site)
    assert result.warnings == ""
    return site / "_build" / "html"


def run_engine(html: Path, queries: list[str], tmp_path: Path) -> dict[str, list[str]]:
    queries_file = tmp_path / "queries.json"
    queries_file.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    index = html / "_static" / "search" / "index.js"
    done = subprocess.run(
        [NODE, str(RUNNER), str(ENGINE), str(index), str(queries_file)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return {q: [doc for doc, _score in found] for q, found in json.loads(done.stdout).items()}


def test_the_search_page_loads_the_handbook_engine_not_sphinx_search(korean_site: Path) -> None:
    html = (korean_site / "search.html").read_text(encoding="utf-8")
    assert "_static/search_ko.js" in html and "_static/search/index.js" in html
    for stock in ("searchtools.js", "language_data.js", "searchindex.js"):
        assert stock not in html, stock
    for page in ("pods", "helm", "volumes"):
        snippet = (korean_site / "_static" / "search" / "pages" / f"{page}.js").read_text()
        assert snippet.startswith(f'HandbookSearch.addSnippets("{page}",'), page


def test_the_index_holds_stems_not_words_with_particles(korean_site: Path) -> None:
    script = (korean_site / "_static" / "search" / "index.js").read_text(encoding="utf-8")
    index = json.loads(script[len("HandbookSearch.setIndex(") : -len(");\n")])
    for stem in ("컨테이너", "파드", "배포", "네임스페이스", "시크릿", "kubectl", "헬름"):
        assert stem in index["terms"], stem
    for word in ("컨테이너를", "배포하기", "helm"):  # helm is 헬름's spelling, not a term
        assert word not in index["terms"], word
    docs = [doc for doc, *_ in index["docs"]]
    pods = search_index.decode(index["terms"]["파드"], index["width"])
    assert {docs[number] for number, _weight in pods} >= {"pods", "deployments"}
    assert all(1 <= weight <= search_index.SCALE for _number, weight in pods)
    # the landing page's toctree lists every title; that is not its text
    assert "index" not in {docs[number] for number, _weight in pods}


@needs_node
@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("파드", "pods"),
        ("컨테이너를", "containers"),  # a particle
        ("롤백하기", "deployments"),  # a verb ending; the page says 롤백합니다
        ("이미지 빌드하는 법", "images"),
        ("pvc", "volumes"),  # an abbreviation the page never writes
        ("deploy", "deployments"),  # a kubectl short name
        ("헬름", "helm"),
        ("롤링업데이트", "deployments"),  # the page writes 롤링 업데이트
        ("스토리지 클래스", "volumes"),  # the page writes 스토리지클래스
        ("네임스패이스", "namespaces"),  # a typo
        ("디플로이먼드", "deployments"),
        ("deploymnet", "deployments"),  # a typo of a Latin word
        ("파드 상태 확인하는 방법", "pods"),  # filler words do not drop the page
    ],
)
def test_the_first_result_is_the_page_about_it(korean_site, tmp_path, query, first) -> None:
    found = run_engine(korean_site, [query], tmp_path)[query]
    assert found and found[0] == first, found


@needs_node
def test_no_word_is_required(korean_site: Path, tmp_path: Path) -> None:
    # 디스크 is a word of the volumes page only: the pods page, which has the other two, is
    # still the answer (requiring every word would find nothing)
    query = "파드 로그 디스크"
    found = run_engine(korean_site, [query], tmp_path)[query]
    assert found[0] == "pods", found


@needs_node
def test_phrases_and_forms_match_the_python_rules(tmp_path: Path) -> None:
    # the browser's stems() are what search_terms.forms() gives for phrase matching
    words = ["컨테이너를", "헬스", "체크가", "지웁니다", "kubectl", "배포하기", "롤링"]
    endings = json.dumps(list(search_terms.ENDINGS), ensure_ascii=False)
    script = (
        f"const H = require({json.dumps(str(ENGINE))});"
        f"const e = new H.Engine({{docs: [], terms: {{}}, aliases: {{}}, phrases: [],"
        f" endings: {endings}, stopwords: []}});"
        f"process.stdout.write(JSON.stringify({json.dumps(words, ensure_ascii=False)}"
        ".map((w) => /^[가-힣]+$/.test(w) ? e.stems(w).sort() : [w.toLowerCase()])));"
    )
    done = subprocess.run([NODE, "-e", script], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == [sorted(search_terms.forms(w)) for w in words]


# --- the query set


def test_the_query_set_is_judged_against_pages_that_exist() -> None:
    query_set = quality.load()
    assert len(query_set.queries) >= 150
    for docname in query_set.judged:
        assert (ROOT / "docs" / f"{docname}.md").is_file(), docname
    assert set(query_set.categories) == {q.cat for q in query_set.queries}


def test_a_bad_query_set_is_named_with_what_is_wrong(tmp_path: Path) -> None:
    base = "floors: {recall: 1, precision: 1, first_right_in_top3: 1}\ncategories: {noun: x}\n"
    cases = {
        "judged: [a]\nqueries: [{q: x, cat: noun, must: [b]}]\n": "not in `judged`",
        "judged: [a]\nqueries: [{q: x, cat: verb, must: [a]}]\n": "category 'verb'",
        "judged: [a]\nqueries: [{q: x, cat: noun}]\n": "no `must`",
        "judged: [a]\nqueries: [{q: x, cat: noun, must: [a]}, {q: x, cat: noun, must: [a]}]\n": (
            "duplicate"
        ),
        "judged: [a]\n": "no `queries:`",
    }
    for body, message in cases.items():
        path = tmp_path / "queries.yaml"
        path.write_text(base + body, encoding="utf-8")
        with pytest.raises(quality.QuerySetError, match=message):
            quality.load(path)


def test_judging_leaves_unjudged_pages_out_of_precision_and_rank() -> None:
    query = quality.Query("q", "noun", ("a", "b"), ("c",), False)
    outcome = quality.judge(query, ["new", "c", "a", "a", "x"], frozenset({"a", "b", "c", "x"}))
    assert outcome.unjudged == ("new",)
    assert outcome.recall == 0.5  # a found, b missed
    assert outcome.precision == 2 / 3  # c and a of c, a, x
    assert outcome.first_right == 2  # a, after c, among judged pages
    assert not quality.figures([outcome]).meets(
        {"recall": 0.5, "precision": 0.6, "first_right_in_top3": 1}
    )


def test_floors_name_every_shortfall() -> None:
    figures = quality.Figures(queries=10, recall=0.9, precision=0.8, top3=0.5, empty=1, shown=2)
    short = figures.meets({"recall": 0.95, "precision": 0.85, "first_right_in_top3": 0.9})
    assert len(short) == 4
