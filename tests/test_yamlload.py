"""Hostile YAML is a finding with a rule id, never a traceback or a hang."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from examplecheck.api import check_paths
from examplecheck.yamlload import MAX_BYTES, load_yaml
from tests.checker_support import no_kubernetes

ROOT = Path(__file__).resolve().parents[1]
YAML = ROOT / "tests" / "fixtures" / "yaml"


@pytest.mark.parametrize(
    ("name", "line", "rule"),
    [
        ("alias-bomb.yaml", 2, "yaml-alias-limit"),
        ("tabs.yaml", 3, "yaml-syntax"),
        ("syntax.yaml", 2, "yaml-syntax"),
        ("empty.yaml", 0, "file-empty"),
        ("not-utf8.yaml", 1, "file-encoding"),
    ],
)
def test_bad_yaml_fixtures(name, line, rule):
    result = load_yaml(YAML / name, name)
    assert [(f.line, f.rule) for f in result.findings] == [(line, rule)]
    assert result.documents == []


def test_alias_bomb_is_refused_quickly():
    start = time.perf_counter()
    load_yaml(YAML / "alias-bomb.yaml", "bomb.yaml")
    assert time.perf_counter() - start < 2


def test_binary_and_large_files(tmp_path):
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"a: 1\n\x00\x01")
    assert [f.rule for f in load_yaml(binary, "b.yaml").findings] == ["file-binary"]
    large = tmp_path / "l.yaml"
    large.write_text("a: " + "x" * (MAX_BYTES + 1) + "\n")
    assert [f.rule for f in load_yaml(large, "l.yaml").findings] == ["file-too-large"]


def test_deep_nesting_is_refused(tmp_path):
    deep = tmp_path / "d.yaml"
    deep.write_text("a: " + "[" * 300 + "]" * 300 + "\n")
    assert [f.rule for f in load_yaml(deep, "d.yaml").findings] == ["yaml-depth-limit"]


def test_locate_points_at_the_node_and_key(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("a: 1\n---\nspec:\n  containers:\n    - name: web\n      portz: 80\n")
    [first, second] = load_yaml(path, "m.yaml").documents
    assert first.line == 1 and second.line == 3
    assert second.locate(["spec", "containers", 0, "name"]) == (5, 13)
    assert second.locate(["spec", "containers", 0], key="portz") == (6, 7)
    assert second.locate(["spec", "missing", "deeper"]) == (4, 3)  # deepest existing node


def test_every_bad_yaml_fixture_fails_the_run_without_a_traceback():
    report = check_paths([YAML], root=ROOT, kubernetes_checker=no_kubernetes)
    failing = {f.path.rsplit("/", 1)[-1] for f in report.findings if str(f.severity) == "error"}
    assert failing == {
        "alias-bomb.yaml",
        "tabs.yaml",
        "syntax.yaml",
        "empty.yaml",
        "not-utf8.yaml",
        "duplicate-keys.yaml",
    }
    assert not any(f.rule == "checker-crash" for f in report.findings)
