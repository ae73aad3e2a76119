"""yamllint with conf/yamllint.yaml on every YAML file of the examples."""

from __future__ import annotations

from pathlib import Path

from examplecheck.api import check_paths
from examplecheck.wrappers import yamllint
from tests.checker_support import no_kubernetes

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def run(*parts: str):
    return check_paths([FIXTURES.joinpath(*parts)], root=ROOT, kubernetes_checker=no_kubernetes)


def test_duplicate_keys_are_errors():
    report = run("yaml", "duplicate-keys.yaml")
    assert [(f.line, f.column, f.rule, str(f.severity)) for f in report.findings] == [
        (3, 1, "yamllint-key-duplicates", "error")
    ]


def test_tabs_are_one_syntax_error_not_two():
    report = run("yaml", "tabs.yaml")
    assert [(f.line, f.rule, f.tool) for f in report.findings] == [(3, "yaml-syntax", "yaml")]


def test_good_yaml_is_linted():
    report = run("yaml", "good.yaml")
    assert report.findings == []
    assert report.files["tests/fixtures/yaml/good.yaml"] == "yaml"
    assert report.tools_of("tests/fixtures/yaml/good.yaml") == ["yamllint"]


def test_long_line_is_a_warning_per_conf():
    config = yamllint.load_config(ROOT / "conf" / "yamllint.yaml")
    text = "key: " + "x" * 130 + "\n"
    [finding] = yamllint.lint(text, "a.yaml", config, has_syntax_finding=False)
    assert (finding.rule, str(finding.severity)) == ("yamllint-line-length", "warning")


def test_manifests_and_compose_files_are_linted_too():
    report = run("compose", "by-content")
    assert "yamllint" in report.tools_of("tests/fixtures/compose/by-content/stack.yaml")
    report = run("classify", "manifest")
    assert "yamllint" in report.tools_of("tests/fixtures/classify/manifest/two-docs.yaml")
