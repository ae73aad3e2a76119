"""The {example} directive, its refusals and the catalogue, on a tiny synthetic site (issue 5).

The site in tests/fixtures/site/examples-site uses a fake checker (fakecheck.py) so these tests
do not depend on the real examples or on the checker's tools.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import pytest
from sphinx.errors import ExtensionError

from examplecheck.findings import Check
from tests.fixtures.site.site_build import build, copy_fixture, extension

example_badges = extension("example_badges")
example_directive = extension("example_directive")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_fixture("examples-site", tmp_path / "site")


def html(site: Path, page: str) -> str:
    return (site / "_build" / "html" / f"{page}.html").read_text(encoding="utf-8")


def badge_texts(page: str) -> list[str]:
    """The text of every badge on a page, as the reader sees it (tags stripped)."""
    badges = re.findall(r'<span class="example-badge[ "].*?</span>(?= <a)', page, re.S)
    return [re.sub(r"<[^>]+>", "", b) for b in badges]


def checker_calls(site: Path) -> list[str]:
    log = site / "checker-calls.log"
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def write(site: Path, relative: str, text: str) -> None:
    path = site / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def append(site: Path, relative: str, text: str) -> None:
    path = site / relative
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


# --- what the reader sees


def test_example_shows_caption_highlighting_badge_and_download(site: Path) -> None:
    result = build(site)
    assert result.warnings == ""
    page = html(site, "k8s/deploy")
    assert "examples/k8s/deployment.yaml</span></code>" in page
    assert "highlight-yaml" in page
    assert "검사 통과 · 쿠버네티스 1.33–1.37 스키마(엄격)" in badge_texts(page)[0]
    # :lines:, :emphasize-lines: and :caption: of literalinclude still work
    assert "앞부분 — " in page
    assert '<span class="example-excerpt">1–4행 발췌</span>' in page
    assert '<span class="hll">' in page
    link = re.search(r'href="(\.\./_downloads/[0-9a-f]+/deployment\.yaml)"', page)
    assert link, "no download link to the raw file"
    downloaded = (site / "_build" / "html" / "k8s" / link.group(1)).resolve()
    assert downloaded.read_bytes() == (site / "examples/k8s/deployment.yaml").read_bytes()
    docker = html(site, "docker")
    assert "검사 통과 · BuildKit 파서 · hadolint" in badge_texts(docker)
    assert "highlight-dockerfile" in docker


def test_warning_finding_becomes_a_korean_admonition_with_the_rule(site: Path) -> None:
    text = (site / "examples/k8s/deployment.yaml").read_text(encoding="utf-8")
    write(site, "examples/k8s/deployment.yaml", text.replace("nginx:1.27", "nginx:latest"))
    result = build(site)
    assert result.warnings == ""  # a warning teaches; it does not fail the build
    page = html(site, "k8s/deploy")
    assert "검사 경고" in page
    assert "DL3007" in page
    assert "17행" in page
    assert "hadolint 위키" in page  # the rule's remediation, from the registry
    # a tool's own code links to the tool's page for it
    assert 'href="https://github.com/hadolint/hadolint/wiki/DL3007"' in page
    assert "경고 1건" in page


def test_error_finding_fails_the_build_naming_file_line_rule_and_message(site: Path) -> None:
    append(site, "examples/k8s/service.yaml", "# FAKE-ERROR\n")
    first = build(site)
    assert "examples/k8s/service.yaml:10: broken [fakecheck/fake-error]" in first.warnings
    assert "(shown on: docker)" in first.warnings
    assert "[example.error]" in first.warnings
    # nothing changed, nothing is re-read: the error is still reported
    second = build(site)
    assert second.read == []
    assert "examples/k8s/service.yaml:10: broken" in second.warnings


# --- refusals


def test_orphan_example_is_refused(site: Path) -> None:
    write(site, "examples/k8s/unused.yaml", "apiVersion: v1\nkind: Namespace\n")
    result = build(site)
    assert "examples/k8s/unused.yaml: example file is not shown on any page" in result.warnings
    assert "[example.orphan]" in result.warnings
    # chart files count as shown when one file of the chart is; support files are listed
    assert "examples/chart/" not in result.warnings
    assert "app.properties" not in result.warnings


def test_chart_files_are_orphans_when_no_file_of_the_chart_is_shown(site: Path) -> None:
    page = (site / "docs/k8s/deploy.md").read_text(encoding="utf-8")
    write(site, "docs/k8s/deploy.md", page.split("차트의 값 파일입니다.")[0])
    result = build(site)
    for name in ("Chart.yaml", "values.yaml", "templates/deployment.yaml"):
        assert f"examples/chart/{name}: example file is not shown" in result.warnings


def test_support_file_without_a_reason_is_refused(site: Path) -> None:
    result = build(site, example_support_files={"examples/docker/app.properties": " "})
    assert "example_support_files: 'examples/docker/app.properties' needs a reason" in (
        result.warnings
    )


def test_include_of_a_missing_file_is_refused(site: Path) -> None:
    append(site, "docs/docker.md", "\n```{example} k8s/nope.yaml\n```\n")
    result = build(site)
    missing = r"docs/docker\.md:\d+: WARNING: example file not found: examples/k8s/nope\.yaml"
    assert re.search(missing, result.warnings)
    assert "[example.missing]" in result.warnings


def test_include_outside_examples_is_refused(site: Path) -> None:
    append(site, "docs/docker.md", "\n```{example} ../docs/conf.py\n```\n")
    result = build(site)
    assert "example file not found: examples/../docs/conf.py" in result.warnings


@pytest.mark.parametrize(
    "block",
    [
        "```yaml\napiVersion: v1\nkind: Pod\n```",
        "```yml\nservices: {}\n```",
        "```dockerfile\nFROM alpine:3.20\n```",
        "```{code-block} docker\nFROM alpine:3.20\n```",
        "```{code-block} yaml\nkey: value\n```",
        "```compose\nservices: {}\n```",
    ],
)
def test_inline_yaml_dockerfile_or_compose_is_refused(site: Path, block: str) -> None:
    append(site, "docs/docker.md", f"\n{block}\n")
    result = build(site)
    assert re.search(r"docs/docker\.md:\d+: WARNING: inline \S+ code block", result.warnings)
    assert "[example.inline]" in result.warnings
    # and it stays refused on the next build, although no page is re-read
    again = build(site)
    assert again.read == []
    assert "[example.inline]" in again.warnings


def test_shell_blocks_stay_allowed_inline(site: Path) -> None:
    append(site, "docs/docker.md", "\n```console\n$ docker ps\n```\n\n```bash\nls\n```\n")
    assert build(site).warnings == ""


# --- the checker runs once per build, and only on what changed


def test_checker_runs_once_per_build_and_only_on_changed_sets(site: Path) -> None:
    build(site)
    assert len(checker_calls(site)) == 1  # deployment.yaml is included twice, checked once
    build(site)
    assert len(checker_calls(site)) == 1  # nothing changed: the cache answers
    append(site, "examples/docker/Dockerfile", "# edited\n")
    build(site)
    # the file's example set (its folder) is checked again, nothing else
    assert checker_calls(site)[-1] == "examples/docker/Dockerfile examples/docker/app.properties"
    append(site, "examples/chart/templates/deployment.yaml", "# edited\n")
    build(site)
    # a chart is checked as one unit: its templates need its values
    chart = ["Chart.yaml", "templates/deployment.yaml", "values.yaml"]
    assert checker_calls(site)[-1] == " ".join(f"examples/chart/{name}" for name in chart)


def test_folders_grouped_in_conf_sets_yaml_are_checked_together(site: Path) -> None:
    write(
        site,
        "conf/sets.yaml",
        "groups:\n  - name: shop\n    folders: [examples/k8s, examples/docker]\n",
    )
    build(site)
    append(site, "examples/k8s/service.yaml", "# edited\n")
    build(site)
    assert checker_calls(site)[-1].split() == [
        "examples/docker/Dockerfile",
        "examples/docker/app.properties",
        "examples/k8s/deployment.yaml",
        "examples/k8s/service.yaml",
    ]


def test_a_checker_that_cannot_run_fails_the_build_and_is_retried(site: Path) -> None:
    write(site, "checker-broken", "")
    first = build(site)
    assert "the example checker could not run (RuntimeError): hadolint is not installed" in (
        first.warnings
    )
    assert "[example.checker]" in first.warnings
    assert "검사 대상 아님" in html(site, "docker")
    # the tool is back: everything is checked and the pages get their badges
    (site / "checker-broken").unlink()
    second = build(site)
    assert second.warnings == ""
    assert sorted(second.read) == ["docker", "k8s/deploy"]
    assert "검사 통과 · BuildKit 파서 · hadolint" in badge_texts(html(site, "docker"))


def test_a_checker_that_cannot_be_imported_stops_the_build(site: Path) -> None:
    with pytest.raises(ExtensionError, match="no_such_module:check_paths"):
        build(site, example_checker="no_such_module:check_paths")


# --- incremental builds


def test_unchanged_rebuild_reads_no_page(site: Path) -> None:
    first = build(site)
    assert sorted(first.read) == ["catalogue", "docker", "index", "k8s/deploy", "rules"]
    second = build(site)
    assert second.read == []
    assert second.warnings == ""


def test_parallel_read_merges_what_every_process_saw(site: Path) -> None:
    write(site, "examples/k8s/unused.yaml", "apiVersion: v1\nkind: Namespace\n")
    append(site, "docs/docker.md", "\n```yaml\na: 1\n```\n")
    result = build(site, parallel=4)
    assert result.warnings.count("[example.orphan]") == 1
    assert "examples/k8s/unused.yaml: example file is not shown" in result.warnings
    assert result.warnings.count("[example.inline]") == 1
    rows = catalogue_rows(site)
    assert 'href="docker.html">도커</a>' in rows["examples/k8s/service.yaml"]
    assert 'href="k8s/deploy.html">' in rows["examples/k8s/deployment.yaml"]


@pytest.mark.parametrize(
    ("example", "pages"),
    [
        ("examples/k8s/service.yaml", ["docker"]),
        ("examples/k8s/deployment.yaml", ["k8s/deploy"]),
        ("examples/docker/Dockerfile", ["docker"]),
    ],
)
def test_editing_an_example_rebuilds_exactly_its_pages(
    site: Path, example: str, pages: list[str]
) -> None:
    build(site)
    append(site, example, "# edited\n")
    assert sorted(build(site).read) == pages


def test_a_finding_appearing_rebuilds_the_pages_that_show_it(site: Path) -> None:
    build(site)
    # a changed setting in conf/ re-checks every file; the pages stay as they are
    write(site, "conf/versions.yaml", "kubernetes: ['1.37']\n")
    assert build(site).read == []
    assert len(checker_calls(site)) == 2
    # the fake checker warns about the files conf/fake-warnings.yaml lists
    write(site, "conf/fake-warnings.yaml", "examples/k8s/service.yaml\n")
    assert build(site).read == ["docker"]
    page = html(site, "docker")
    assert "k8s-no-probes" in page
    assert 'href="rules.html#k8s-no-probes"' in page  # the rule's entry on the site's rule page


# --- the catalogue


def catalogue_rows(site: Path) -> dict[str, str]:
    page = html(site, "catalogue")
    rows = re.findall(r"<tr class=\"row-(?:odd|even)\">(.*?)</tr>", page, re.S)
    out = {}
    for row in rows[1:]:
        path = re.search(r'<span class="pre">([^<]+)</span>', row)
        if path:
            out[path.group(1)] = row
    return out


def test_catalogue_lists_every_example_with_kind_pages_and_status(site: Path) -> None:
    build(site)
    rows = catalogue_rows(site)
    assert sorted(rows) == sorted(
        PurePosixPath(p.relative_to(site)).as_posix()
        for p in (site / "examples").rglob("*")
        if p.is_file()
    )
    deployment = rows["examples/k8s/deployment.yaml"]
    assert 'href="k8s/deploy.html">디플로이먼트</a>' in deployment
    assert "쿠버네티스 매니페스트" in deployment
    assert "검사 통과 · 쿠버네티스 1.33–1.37 스키마(엄격)" in deployment
    assert "차트와 함께: " in rows["examples/chart/Chart.yaml"]
    assert "검사 대상 아님" in rows["examples/docker/app.properties"]


def test_catalogue_follows_new_includes_without_rereading_itself(site: Path) -> None:
    build(site)
    append(site, "docs/docker.md", "\n```{example} k8s/deployment.yaml\n```\n")
    result = build(site)
    assert result.read == ["docker"]
    row = catalogue_rows(site)["examples/k8s/deployment.yaml"]
    assert 'href="docker.html">도커</a>' in row
    assert 'href="k8s/deploy.html">' in row


def test_catalogue_shows_errors(site: Path) -> None:
    append(site, "examples/k8s/service.yaml", "# FAKE-ERROR\n")
    build(site)
    assert "오류 1건" in catalogue_rows(site)["examples/k8s/service.yaml"]


# --- small pieces


@pytest.mark.parametrize(
    ("labels", "badge"),
    [
        (
            [
                Check("yamllint"),
                Check("kubernetes-schema", ("1.33", "1.34", "1.35", "1.36", "1.37"), strict=True),
                Check("kubernetes-api"),
            ],
            ["쿠버네티스 1.33–1.37 스키마(엄격)", "yamllint"],
        ),
        ([Check("yamllint"), Check("docker-compose")], ["Docker Compose 구성 검사", "yamllint"]),
        ([Check("buildkit-parser"), Check("hadolint")], ["BuildKit 파서", "hadolint"]),
        ([Check("helm-lint"), Check("helm-render")], ["helm template 렌더링", "helm lint"]),
        ([Check("something-new")], ["something-new"]),
        ([], []),
    ],
)
def test_badge_labels_are_compact(labels: list[Check], badge: list[str]) -> None:
    assert example_badges.compact_labels(labels) == badge


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("kubernetes/workloads/deployment.yaml", "yaml"),
        ("helm/web-app/templates/deployment.yaml", "yaml+jinja"),
        ("helm/web-app/templates/_helpers.tpl", "text"),
        ("docker/spring-boot/Dockerfile", "dockerfile"),
        ("locust/locustfile.py", "python"),
        ("compose/scale-with-proxy/nginx.conf", "nginx"),
        ("docker/spring-boot/.dockerignore", "text"),
        ("kubernetes/config/application.properties", "properties"),
    ],
)
def test_language_by_file_type(path: str, language: str) -> None:
    assert example_directive.language_for(PurePosixPath(path)) == language
