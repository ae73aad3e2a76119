"""Compose files: the vendored Compose Specification schema and the reference checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from examplecheck import compose_check
from examplecheck.api import check_paths
from tests.checker_support import no_kubernetes

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "compose"
BAD = "tests/fixtures/compose/bad/compose.yaml"


def run(name: str):
    return check_paths([FIXTURES / name], root=ROOT, kubernetes_checker=no_kubernetes)


@pytest.fixture(scope="module")
def bad_report():
    return run("bad")


def test_good_compose_passes_and_its_inputs_are_data():
    report = run("good")
    assert report.findings == []
    assert report.files["tests/fixtures/compose/good/compose.yaml"] == "compose"
    assert report.checked_by["tests/fixtures/compose/good/compose.yaml"] == [
        "yamllint",
        "compose-spec",
    ]
    # env_file and a bind-mounted file are the stack's inputs, not unclassified files
    assert report.files["tests/fixtures/compose/good/web.env"] == "data"
    assert report.files["tests/fixtures/compose/good/nginx.conf"] == "data"
    assert report.files["tests/fixtures/compose/good/.env"] == "data"  # interpolation values
    assert report.files["tests/fixtures/compose/good/web/Dockerfile"] == "dockerfile"


@pytest.mark.parametrize(
    ("line", "column", "rule", "severity"),
    [
        (1, 1, "compose-version-obsolete", "warning"),
        (5, 5, "compose-unknown-key", "error"),
        (6, 22, "compose-depends-on-missing", "error"),
        (8, 18, "compose-schema", "error"),
        (10, 9, "compose-volume-undeclared", "error"),
        (11, 9, "compose-bind-source-missing", "error"),
        (12, 16, "compose-network-undeclared", "error"),
        (13, 15, "compose-env-file-missing", "error"),
        (14, 12, "compose-build-context-missing", "error"),
        (19, 15, "compose-secret-undeclared", "error"),
        (21, 17, "compose-config-undeclared", "error"),
        (25, 11, "compose-file-missing", "error"),
    ],
)
def test_bad_compose_rules(bad_report, line, column, rule, severity):
    found = {
        (f.line, f.column, f.rule, str(f.severity)) for f in bad_report.findings if f.path == BAD
    }
    assert (line, column, rule, severity) in found


def test_unknown_key_names_only_the_unknown_key(bad_report):
    unknown = [f for f in bad_report.findings if f.rule == "compose-unknown-key"]
    assert len(unknown) == 1
    assert "'imagee'" in unknown[0].message


def test_compose_detected_by_top_level_services():
    report = run("by-content")
    path = "tests/fixtures/compose/by-content/stack.yaml"
    assert report.files[path] == "compose"
    assert [(f.line, f.rule) for f in report.findings] == [(5, "compose-schema")]


def test_schema_is_check_jsonschemas_vendored_copy():
    schema = compose_check.compose_schema()
    assert schema["title"] == "Compose Specification"
    assert compose_check.SCHEMA_PACKAGE.startswith("check_jsonschema.")
    # every $ref is local: validation never leaves the disk
    refs = []

    def walk(node):
        if isinstance(node, dict):
            refs.extend(v for k, v in node.items() if k == "$ref")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert refs and all(ref.startswith("#") for ref in refs)


def test_both_validators_agree_on_the_fixtures():
    from examplecheck.yamlload import load_yaml

    for path in sorted(FIXTURES.rglob("*.yaml")):
        data = load_yaml(path, path.name).documents[0].data
        fast = compose_check.fast_validator().is_valid(data)
        assert fast == compose_check.validator().is_valid(data), path
