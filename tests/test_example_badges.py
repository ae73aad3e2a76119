"""What the site says about each example is true: Korean badges, marked excerpts, cited lines.

The badges are computed from what the real checker reports about the real examples (its
``Check`` records), so a tool of the checker that the badge has no words for shows up here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from examplecheck.api import check_paths
from examplecheck.findings import Check
from examplecheck.kubernetes.crds import SPEC_NOT_CHECKED, load_custom_resources
from tests.fixtures.site.site_build import build, copy_fixture, extension

example_badges = extension("example_badges")
example_excerpt = extension("example_excerpt")

ROOT = Path(__file__).resolve().parents[1]
# Latin words a badge may show: tool and product names, never English prose or jargon.
NAMES = frozenset(
    {"BuildKit", "Docker", "hadolint", "yamllint", "ShellCheck", "Compose", "Specification", "helm",
     "template", "lint", "Python", "ruff", "JSON", "CRD", "CI", "kubeconform", "Dockerfile", "API",
     "Kustomize"}
)  # fmt: skip
PASSED = ("통과", "검증됨")


class State:
    """The two things a badge reads from example_state.ExampleState, from one checker report."""

    def __init__(self, report) -> None:
        self.report = report

    def findings_for(self, path: str) -> list:
        return [f for f in self.report.sorted_findings() if f.path == path]

    def checked_by(self, path: str) -> list[Check]:
        return list(self.report.checked_by.get(path, []))

    def kind_of(self, path: str) -> str:
        return self.report.files.get(path, "")


class Labels(State):
    """A state whose only file went through ``checks``, with ``findings``."""

    def __init__(self, checks: list[Check], findings: list | None = None, kind: str = "") -> None:
        self.checks, self.findings, self.kind = checks, findings or [], kind

    def findings_for(self, path: str) -> list:
        return self.findings

    def checked_by(self, path: str) -> list[Check]:
        return self.checks

    def kind_of(self, path: str) -> str:
        return self.kind


@pytest.fixture(scope="module")
def real() -> State:
    return State(check_paths([ROOT / "examples"], root=ROOT))


def english_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z]+", text) if w not in NAMES]


def uses_crd(path: Path) -> bool:
    """Whether a manifest has a kind conf/crds.yaml declares not schema-checked offline."""
    declared = {kind for (_group, kind), crd in load_custom_resources(ROOT).items()}
    text = path.read_text(encoding="utf-8")
    return any(re.search(rf"(?m)^kind:\s*{kind}\s*$", text) for kind in declared)


# --- badges of the real examples


def test_kubernetes_badge_is_korean_and_names_the_versions(real: State) -> None:
    path = "examples/kubernetes/workloads/deployment.yaml"
    badge = example_badges.badge(real, path)
    assert badge.text == "검사 통과 · 쿠버네티스 1.33–1.37 스키마(엄격) · yamllint"
    assert "1.33–1.37의 모든 버전" in badge.title
    assert "스키마에 없는 필드도 오류" in badge.title  # what "엄격" means, in a sentence
    assert "API 서버가 거부하는 규칙" in badge.title  # checks left off the line are in the title


def test_dockerfile_and_compose_badges_name_their_tools(real: State) -> None:
    kinds = real.report.files
    dockerfiles = [p for p in kinds if kinds[p] == "dockerfile"]
    compose = [p for p in kinds if kinds[p] == "compose"]
    assert dockerfiles and compose
    for path in dockerfiles:
        assert example_badges.badge(real, path).text == "검사 통과 · BuildKit 파서 · hadolint"
    for path in compose:
        assert example_badges.badge(real, path).text.startswith(
            "검사 통과 · Docker Compose 구성 검사"
        )


def test_every_real_badge_is_korean_with_a_sentence_per_check(real: State) -> None:
    problems = []
    for path in real.report.files:
        badge = example_badges.badge(real, path)
        if english_words(badge.text):
            problems.append(f"{path}: English in {badge.text!r}: {english_words(badge.text)}")
        for part in (badge.head, *badge.parts):
            if not part.title.endswith("다.") or not re.search(r"[가-힣]", part.title):
                problems.append(f"{path}: part {part.text!r} has no Korean sentence")
    print(f"badges checked: {len(real.report.files)}")
    assert problems == []


def test_a_crd_file_never_claims_a_pass_and_names_the_server_check(real: State) -> None:
    crd_files = [p for p in real.report.files if p.endswith(".yaml") and uses_crd(ROOT / p)]
    assert len(crd_files) >= 3, crd_files  # the Gateway API examples
    for path in crd_files:
        badge = example_badges.badge(real, path)
        assert not any(word in badge.text for word in PASSED), badge.text
        assert "실제 API 서버 검사에서 확인" in badge.text
        assert "kubectl apply --dry-run=server" in badge.title
        assert "apiserver 세션" in badge.title
        assert "conf/crds.yaml" in badge.title
        assert "1.33–1.37" in badge.text  # the metadata schemas it did meet


def test_a_skipped_check_next_to_passed_ones_still_is_not_a_pass() -> None:
    versions = ("1.33", "1.34", "1.35", "1.36", "1.37")
    checks = [
        Check("kubeconform", versions, strict=True),  # a Service in the same file
        SPEC_NOT_CHECKED,
        Check("kubernetes-schema", versions, scope="metadata"),
        Check("yamllint"),
    ]
    badge = example_badges.badge(Labels(checks), "x.yaml")
    assert not any(word in badge.text for word in PASSED)
    assert badge.text.startswith("일부만 검사 · 쿠버네티스 1.33–1.37 스키마(엄격)")
    assert badge.text.endswith("CRD 명세 스키마는 실제 API 서버 검사에서 확인")
    assert "example-badge--partial" in badge.classes


def test_errors_warnings_and_unchecked_files() -> None:
    finding = type("F", (), {"severity": "error", "line": 3})
    warning = type("F", (), {"severity": "warning", "line": 4})
    error_badge = example_badges.badge(Labels([Check("yamllint")], [finding, warning]), "x.yaml")
    assert error_badge.text == "오류 1건 · yamllint · 경고 1건"
    assert example_badges.badge(Labels([], kind="data"), "x").text == "검사 대상 아님"
    assert "입력 파일" in example_badges.badge(Labels([], kind="data"), "x").title


def test_badge_node_gives_each_part_a_tooltip(real: State) -> None:
    node = example_badges.badge_node(real, "examples/kubernetes/gateway/httproute.yaml")
    parts = [n for n in node.children if n.tagname == "abbreviation"]
    assert parts[0].astext() == "일부만 검사"
    assert all(p["explanation"] for p in parts)
    skipped = [p for p in parts if "example-badge-skipped" in p["classes"]]
    assert len(skipped) == 1 and "API 서버" in skipped[0].astext()


def test_every_tool_of_the_real_checker_has_korean_words(real: State) -> None:
    used = {check.tool for checks in real.report.checked_by.values() for check in checks}
    assert used <= example_badges.known_tools() | {"crd-spec-schema"}, used


def test_warning_advice_is_the_rule_remediation_from_the_registry() -> None:
    from examplecheck.catalogue import lookup

    assert example_badges.advice_for("DL3007") == lookup("DL3007").fix_ko
    assert example_badges.advice_for("k8s-schema-type") == lookup("k8s-schema-type").fix_ko
    # The practice warnings are Korean sentences that already say what to do.
    assert example_badges.advice_for("k8s-image-latest") is None


# --- excerpts


def lines_file(tmp_path: Path) -> Path:
    file = tmp_path / "f.yaml"
    file.write_text("".join(f"line{n}\n" for n in range(1, 41)), encoding="utf-8")
    return file


@pytest.mark.parametrize(
    ("options", "first", "last"),
    [
        ({}, 1, 40),
        ({"lines": "12-30"}, 12, 30),
        ({"lines": "35-"}, 35, 40),
        ({"start-after": "line9\n"[:-1]}, 10, 40),  # "line9" also matches nothing else first
        ({"start-at": "line20", "end-before": "line25"}, 20, 24),
        ({"start-at": "line20", "end-at": "line25", "lines": "2-3"}, 21, 22),
    ],
)
def test_excerpt_range_is_in_file_lines(
    tmp_path: Path, options: dict, first: int, last: int
) -> None:
    excerpt = example_excerpt.excerpt_of(lines_file(tmp_path), options)
    assert (excerpt.first, excerpt.last) == (first, last)
    assert excerpt.whole == (options == {})


def test_a_disjoint_excerpt_is_refused(tmp_path: Path) -> None:
    with pytest.raises(example_excerpt.DisjointExcerpt, match="not one range"):
        example_excerpt.excerpt_of(lines_file(tmp_path), {"lines": "1-3,8-10"})


# --- on a built page (the synthetic site of tests/fixtures/site/examples-site)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_fixture("examples-site", tmp_path / "site")


def page_of(site: Path, name: str) -> str:
    return (site / "_build" / "html" / f"{name}.html").read_text(encoding="utf-8")


def blocks(page: str) -> list[str]:
    return re.split(r'<div class="example docutils container">', page)[1:]


def test_an_excerpt_is_marked_and_numbered_from_its_first_file_line(site: Path) -> None:
    deploy = site / "docs/k8s/deploy.md"
    deploy.write_text(
        deploy.read_text(encoding="utf-8").replace(":lines: 1-4", ":lines: 3-6"), encoding="utf-8"
    )
    assert build(site).warnings == ""
    whole, excerpt, _values = blocks(page_of(site, "k8s/deploy"))
    assert "발췌" not in whole and 'class="linenos"' not in whole  # nothing cited, whole file
    # the writer's caption stays, then the path and the range in the file's lines
    assert re.search(r"앞부분 — .*deployment\.yaml.*3–6행 발췌", excerpt, re.S)
    numbers = re.findall(r'<span class="linenos">\s*(\d+)</span>', excerpt)
    assert numbers == ["3", "4", "5", "6"]
    assert '<span class="hll"><span class="linenos">4</span>' in excerpt  # emphasize-lines: 2


def test_a_warning_shows_line_numbers_and_links_its_line(site: Path) -> None:
    file = site / "examples/k8s/deployment.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("1.27", "latest"), encoding="utf-8")
    assert build(site).warnings == ""
    whole, excerpt, _values = blocks(page_of(site, "k8s/deploy"))
    numbers = re.findall(r'<span class="linenos">\s*(\d+)</span>', whole)
    assert numbers == [str(n) for n in range(1, 18)]
    link = re.search(r'<a class="reference internal" href="#([\w-]+)">17행</a>', whole)
    assert link, "the warning does not link its line"
    assert f'<span id="{link.group(1)}">' in whole
    # the excerpt shows lines 1-4: its warning says line 17 is not among them
    assert "(17행: 위 발췌 1–4행 밖의 줄)" in excerpt
    assert 'class="linenos"' in excerpt


def test_a_disjoint_excerpt_fails_the_build(site: Path) -> None:
    deploy = site / "docs/k8s/deploy.md"
    deploy.write_text(
        deploy.read_text(encoding="utf-8").replace(":lines: 1-4", ":lines: 1-2,5-6"),
        encoding="utf-8",
    )
    assert "are not one range" in build(site).warnings
