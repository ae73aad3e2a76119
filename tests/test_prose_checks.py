"""The prose checks of the site build (issue 16): each rejects a bad page at its line.

The site in tests/fixtures/site/prose-site has one page of near misses (필요, 중요, 주요, 개요,
quoted speech, code, "(선택) 이 …") that must pass; each test adds a page with one defect at a
known line and reads the warning the build gives (``-W`` turns it into a failure).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.fixtures.site.site_build import build, copy_fixture, extension

search_terms = extension("search_terms")
prose_blocks = extension("prose_blocks")
prose_findings = extension("prose_findings")
prose_register = extension("prose_register")
prose_terms = extension("prose_terms")

ROOT = Path(__file__).resolve().parents[1]

BAD_LINE = 5  # the defect's line on every bad page
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_fixture("prose-site", tmp_path / "site")


def write_page(site: Path, text: str, name: str = "bad") -> None:
    """A page whose line BAD_LINE is the first line of ``text``."""
    page = f"# 시험 페이지\n\n설명하는 문단입니다.\n\n{text}\n\n마지막 문단입니다.\n"
    (site / "docs" / f"{name}.md").write_text(page, encoding="utf-8")


def warnings(result, page: str = "bad") -> list[str]:
    """The build's warnings about one page, one per entry, without colour codes."""
    text = _COLOUR.sub("", result.warnings)
    return [w.strip() for w in re.split(r"\n(?=\S)", text) if f"docs/{page}.md:" in w]


def test_near_misses_pass_and_were_checked(site: Path) -> None:
    seen = {}
    result = build(site, inspect=lambda app: seen.update(app.env.prose_state.findings))
    assert result.warnings == ""
    assert seen["near-misses"] == []  # the page was checked, and nothing was wrong
    html = (site / "_build" / "html" / "near-misses.html").read_text(encoding="utf-8")
    assert "필요합니다" in html and "되는데요" in html


# --- register


@pytest.mark.parametrize(
    ("text", "kind", "word"),
    [
        ("값을 확인하세요.", "해요체", "확인하세요."),
        ("이 값은 꼭 필요해요.", "해요체", "필요해요."),
        ("설정은 이것으로 끝이죠.", "해요체", "끝이죠."),
        ("서버가 꺼지면 누가 옮겨 다시 띄우나요?", "해요체", "띄우나요?"),
        (
            "| 리소스 | 무엇을 하나요 |\n| --- | --- |\n| 파드 | 컨테이너를 실행합니다. |",
            "해요체",
            "하나요",
        ),
        ("먼저 저장소 루트로 이동하십시오.", "하십시오체", "이동하십시오."),
        ("커밋이 멈춥니다(다시 `git add` 하십시오).", "하십시오체", "하십시오)."),
        ("이제 직접 해 봅시다.", "하십시오체", "봅시다."),
        ("파드는 노드에서 실행된다.", "한다체", "실행된다."),
    ],
)
def test_register_rejects_other_endings_at_their_line(
    site: Path, text: str, kind: str, word: str
) -> None:
    write_page(site, text)
    found = warnings(build(site))
    assert len(found) == 1, found
    assert found[0].startswith(f"{site}/docs/bad.md:{BAD_LINE}: WARNING: {kind} ending in '{word}'")
    assert found[0].endswith("[prose.register]")
    assert "합니다" in found[0]


def test_a_table_cell_is_reported_on_its_own_row(site: Path) -> None:
    # MyST gives a body cell the line of the table's header; the finding goes to its row
    write_page(site, "| 리소스 | 하는 일 |\n| --- | --- |\n| 파드 | 무엇을 하나요 |")
    (found,) = warnings(build(site))
    assert f"bad.md:{BAD_LINE + 2}: WARNING: 해요체 ending in '하나요'" in found


def test_generated_text_without_a_line_takes_the_line_before_it() -> None:
    from docutils import nodes
    from docutils.utils import new_document

    document = new_document("page.md")
    first = nodes.paragraph("", "", nodes.Text("첫 문단입니다."))
    first.line = 3
    document += first
    document += nodes.paragraph("", "", nodes.Text("검사 통과 · 값을 확인하세요."))
    blocks = list(prose_blocks.prose_blocks(document))
    assert [block.line for block in blocks] == [3, 3]


def test_a_question_heading_is_told_it_can_be_a_noun_phrase(site: Path) -> None:
    write_page(site, "## HPA는 어떻게 동작하나요")
    (found,) = warnings(build(site))
    assert f"bad.md:{BAD_LINE}: WARNING: 해요체 ending in '동작하나요'" in found
    assert "a heading can also be a noun phrase" in found


@pytest.mark.parametrize(
    "text",
    ["이 설정은 필요.", "중요", "주요 필드", "요약", "개요", "다음 값이 필요합니다(중요)."],
)
def test_nouns_ending_in_yo_are_not_endings(text: str) -> None:
    block = prose_blocks.ProseBlock(text=text, masked=text, source="", line=1, heading=False)
    tokens = search_terms.kiwi().tokenize(block.masked)
    assert prose_register.register_findings(block, tokens) == []


# --- terms


def test_term_variant_is_reported_with_the_preferred_form_and_why(site: Path) -> None:
    write_page(site, "클러스터 앞에는 로드밸런서가 섭니다. `로드밸런서` 코드는 그대로 둡니다.")
    (found,) = warnings(build(site))
    assert found.startswith(
        f"{site}/docs/bad.md:{BAD_LINE}: WARNING: '로드밸런서': write '로드 밸런서'"
    )
    assert "(kubernetes.io/ko writes it spaced; listed in conf/terms.yaml)" in found
    assert found.endswith("[prose.term]")


def test_term_across_a_line_break_counts_once_as_the_longer_variant(site: Path) -> None:
    write_page(site, "먼저 퍼시스턴트\n볼륨 클레임을 만듭니다.")
    (found,) = warnings(build(site))
    assert (
        f"bad.md:{BAD_LINE}: WARNING: '퍼시스턴트 볼륨 클레임': write '퍼시스턴트볼륨클레임'"
        in found
    )


def test_a_new_term_re_reads_unchanged_pages(site: Path) -> None:
    write_page(site, "설정은 디렉토리 하나에 둡니다.")
    assert warnings(build(site)) == []
    terms = site / "conf" / "terms.yaml"
    terms.write_text(
        terms.read_text(encoding="utf-8")
        + "  - preferred: 디렉터리\n    variants: [디렉토리]\n    reason: 국립국어원 표기\n",
        encoding="utf-8",
    )
    result = build(site)
    assert "bad" in result.read
    (found,) = warnings(result)
    assert f"bad.md:{BAD_LINE}: WARNING: '디렉토리': write '디렉터리'" in found


@pytest.mark.parametrize(
    ("entries", "problem"),
    [
        (
            "  - preferred: 레이블\n    variants: [라벨]\n",
            "conf/terms.yaml:2: each term needs a `preferred` form and a `reason`",
        ),
        (
            "  - preferred: 레이블\n    variants: 라벨\n    reason: 용어집\n",
            "conf/terms.yaml:3: `variants` must be a list of the spellings to replace",
        ),
        (
            "  - preferred: 레이블\n    variants: [레이블]\n    reason: 용어집\n",
            "conf/terms.yaml:2: '레이블' is listed as a variant of itself",
        ),
        (
            "  - preferred: 레이블\n    variants: [라벨]\n    reason: 용어집\n"
            "  - preferred: 레이블\n    variants: [레이벌]\n    reason: 보기\n",
            "conf/terms.yaml:5: '레이블' has an entry already; merge the two",
        ),
        (
            "  - preferred: 레이블\n    variant: [라벨]\n    reason: 용어집\n",
            "conf/terms.yaml:2: unknown key(s) variant; an entry has preferred, variants, reason",
        ),
        (
            "  - preferred: 볼륨 클레임\n    variants: [볼륨]\n    reason: 보기\n",
            "conf/terms.yaml:2: a variant of '볼륨 클레임' occurs in the preferred form",
        ),
        (
            "  - preferred: 레이블\n    variants: [라벨]\n    reason: 용어집\n"
            "  - preferred: 레이블 셀렉터\n    variants: [라벨]\n    reason: 보기\n",
            "conf/terms.yaml:5: '라벨' is a variant of '레이블' already",
        ),
    ],
)
def test_unusable_term_entries_are_named_by_line(site: Path, entries: str, problem: str) -> None:
    (site / "conf" / "terms.yaml").write_text("terms:\n" + entries, encoding="utf-8")
    result = build(site)
    assert problem in result.warnings
    assert "[prose.config]" in result.warnings


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("terms: [\n", "conf/terms.yaml is unusable (line 2"),
        ("terms: 레이블\n", "conf/terms.yaml:1: `terms` must be a list"),
        (None, "conf/terms.yaml is unusable"),
    ],
)
def test_an_unreadable_term_list_fails_the_build_without_a_traceback(
    site: Path, content: str | None, problem: str
) -> None:
    terms = site / "conf" / "terms.yaml"
    if content is None:
        terms.unlink()
    else:
        terms.write_text(content, encoding="utf-8")
    result = build(site)
    assert problem in result.warnings
    assert "Traceback" not in result.warnings


# --- markup


def test_bold_term_with_a_gloss_then_a_particle_shows_its_asterisks(site: Path) -> None:
    write_page(
        site, "한 팀이 독차지하지 못하도록 **리소스쿼터(ResourceQuota)**로 총량을 제한합니다."
    )
    result = build(site)
    (found,) = warnings(result)
    assert found.startswith(
        f"{site}/docs/bad.md:{BAD_LINE}: WARNING: literal '**' shown to the reader"
    )
    assert "write '**리소스쿼터**(ResourceQuota)로'" in found
    assert found.endswith("[prose.markup]")
    # the reader really gets the asterisks: the check reports what MyST rendered
    html = (site / "_build" / "html" / "bad.html").read_text(encoding="utf-8")
    assert "**리소스쿼터(ResourceQuota)**로" in html


def test_underscore_emphasis_left_open_is_reported(site: Path) -> None:
    write_page(site, "컨테이너를 지워도 __볼륨__은 남습니다.")
    (found,) = warnings(build(site))
    assert f"bad.md:{BAD_LINE}: WARNING: literal '__' shown to the reader in '__볼륨__은'" in found
    assert "bold only the term" in found


# --- particles


@pytest.mark.parametrize(
    ("text", "particle", "before"),
    [
        ("값을 **컨피그맵(ConfigMap)** 에 담습니다.", "에", "컨피그맵(ConfigMap)"),
        ("매니페스트는 `kubectl apply` 로 적용합니다.", "로", "apply"),
        ("원하는 수는 `ceil(x)`\n입니다.", "입니다", "ceil(x)"),  # a line break shows as a space
        ("이 값은 엔드포인트(Endpoints)\n를 만듭니다.", "를", "엔드포인트(Endpoints)"),
    ],
)
def test_particle_apart_from_its_word_is_reported(
    site: Path, text: str, particle: str, before: str
) -> None:
    write_page(site, text)
    (found,) = warnings(build(site))
    assert found.startswith(
        f"{site}/docs/bad.md:{BAD_LINE}: WARNING: space before the particle '{particle}' "
        f"after '{before}'"
    )
    assert f"('{before}{particle}')" in found
    assert found.endswith("[prose.particle]")


# --- every build, every file


def test_findings_stay_until_the_page_is_fixed(site: Path) -> None:
    write_page(site, "값을 확인하세요.")
    assert warnings(build(site))
    again = build(site)
    assert again.read == []  # nothing changed, nothing re-read: still reported
    assert len(warnings(again)) == 1
    write_page(site, "값을 확인합니다.")
    assert warnings(build(site)) == []


def test_an_included_file_is_named_with_its_own_line(site: Path) -> None:
    (site / "docs" / "part.inc").write_text("첫 줄입니다.\n\n값을 확인하세요.\n", encoding="utf-8")
    write_page(site, "```{include} part.inc\n```")
    result = build(site)
    assert f"{site}/docs/part.inc:3: WARNING: 해요체 ending in '확인하세요.'" in _COLOUR.sub(
        "", result.warnings
    )


def test_pages_read_in_parallel_keep_their_findings(site: Path) -> None:
    for number in range(6):  # Sphinx reads in parallel from six pages on
        write_page(site, "값을 확인하세요.", name=f"page{number}")
    result = build(site, parallel=2)
    for number in range(6):
        assert len(warnings(result, f"page{number}")) == 1


# --- the real site


def test_the_site_runs_the_prose_checks_with_the_repository_term_list() -> None:
    assert '"prose_checks"' in (ROOT / "docs" / "conf.py").read_text(encoding="utf-8")
    terms, problems = prose_terms.load_terms(ROOT / "conf" / "terms.yaml")
    assert problems == []
    preferred = {variant: term.preferred for term in terms for variant in term.variants}
    # the drift issue 16 found on the pages
    assert preferred["생명주기"] == preferred["생애 주기"] == "라이프사이클"
    assert preferred["로드밸런서"] == "로드 밸런서"
    assert preferred["파일시스템"] == "파일 시스템"
    assert preferred["스프링 부트"] == "Spring Boot"
    assert preferred["비루트"] == preferred["루트가 아닌"] == "root가 아닌"


@pytest.mark.parametrize("name", ["README.md", "CONTRIBUTING.md"])
def test_readme_and_contributing_follow_the_rules_of_the_pages(name: str) -> None:
    """Not part of the site, but what contributors read first: the same rules, checked here."""
    from docutils.core import publish_doctree
    from myst_parser.parsers.docutils_ import Parser

    path = ROOT / name
    doctree = publish_doctree(
        path.read_text(encoding="utf-8"),
        source_path=str(path),
        parser=Parser(),
        settings_overrides={"report_level": 5},  # Sphinx roles are unknown to plain docutils
    )
    terms, _ = prose_terms.load_terms(ROOT / "conf" / "terms.yaml")
    found = prose_findings.doctree_findings(doctree, terms, str(path))
    assert [f"{name}:{f.line}: {f.message} [prose.{f.rule}]" for f in found] == []
