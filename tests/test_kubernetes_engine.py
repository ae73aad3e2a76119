"""Schema findings of the in-process engine: rule, file, line, column and the versions named."""

from __future__ import annotations

import datetime

import pytest
from kubernetes_support import FIXTURES, REPO, SHARED_CACHE, VERSIONS, brief, load, run

from examplecheck.findings import Check, Severity
from examplecheck.kubernetes.check import check_kubernetes
from examplecheck.kubernetes.engines.jsonschema_rs import BuiltinEngine, jsonable
from examplecheck.kubernetes.engines.violations import version_span
from examplecheck.kubernetes.linemap import dotted, from_pointer

SCHEMA = FIXTURES / "schema"


@pytest.mark.parametrize(
    ("fixture", "rule", "line", "column", "text"),
    [
        (
            "type-replicas.yaml",
            "k8s-schema-type",
            6,
            13,
            "spec.replicas: expected integer, got string",
        ),
        ("unknown-field.yaml", "k8s-schema-unknown-field", 10, 7, 'unknown field "port"'),
        ("required-missing.yaml", "k8s-schema-required", 10, 11, '"containerPort" is missing'),
        ("configmap-nonstring.yaml", "k8s-schema-type", 7, 10, "data.count: expected string"),
        ("unknown-kind.yaml", "k8s-unknown-kind", 2, 7, 'unknown kind "Widget"'),
        ("removed-api-version.yaml", "k8s-api-version-unavailable", 1, 13, "use policy/v1"),
    ],
)
def test_schema_fixture_fails_with_rule_and_position(fixture, rule, line, column, text):
    result = run(SCHEMA / fixture)
    assert result.fatal is None
    schema_findings = [f for f in result.findings if f.tool == "kubernetes-schema"]
    assert [(f.rule, f.line, f.column) for f in schema_findings] == [(rule, line, column)]
    finding = schema_findings[0]
    assert finding.severity is Severity.ERROR
    assert finding.path == f"tests/fixtures/kubernetes/schema/{fixture}"
    assert text in finding.message


def test_error_in_every_version_is_one_finding_naming_the_span():
    (finding,) = run(SCHEMA / "type-replicas.yaml").findings
    assert finding.message.endswith("(Kubernetes 1.33–1.37)")


def test_field_added_in_134_fails_only_for_133():
    (finding,) = run(SCHEMA / "field-added-later.yaml").findings
    assert (finding.rule, finding.line) == ("k8s-schema-unknown-field", 6)
    assert finding.message.endswith("(Kubernetes 1.33)")


def test_api_version_missing_in_one_version_is_an_error_not_a_pass():
    (finding,) = run(SCHEMA / "newer-api-version.yaml").findings
    assert finding.rule == "k8s-api-version-unavailable"
    assert "not served by Kubernetes 1.33;" in finding.message
    assert "resource.k8s.io/v1beta1" in finding.message  # An apiVersion 1.33 does serve.


def test_nested_type_names_are_not_resources(tmp_path, monkeypatch):
    monkeypatch.setenv("EXAMPLECHECK_CACHE", str(SHARED_CACHE))
    path = tmp_path / "spec.yaml"
    path.write_text("apiVersion: apps/v1\nkind: DeploymentSpec\nreplicas: 1\n", "utf-8")
    (finding,) = run(path, root=tmp_path).findings
    assert finding.rule == "k8s-unknown-kind"


def test_document_without_kind_is_an_error():
    from examplecheck.yamlload import SourceText, YamlDocument

    document = YamlDocument(SourceText("x.yaml", "apiVersion: v1\n"), 0, {"apiVersion": "v1"}, 1)
    result = check_kubernetes([document], versions=VERSIONS, root=REPO, engine="builtin")
    assert [(f.rule, f.line) for f in result.findings] == [("k8s-not-a-resource", 1)]


def test_valid_set_has_no_findings_and_says_what_checked_it():
    result = run(FIXTURES / "valid")
    assert result.fatal is None
    assert result.findings == []
    labels = result.checked_by["tests/fixtures/kubernetes/valid/app.yaml"]
    assert labels[0] == Check("kubernetes-schema", tuple(VERSIONS), strict=True)
    assert labels[0].label == "kubernetes-schema (Kubernetes 1.33–1.37, strict)"
    assert Check("kubernetes-api") in labels and Check("kubernetes-set") in labels


def test_unknown_engine_and_missing_schema_version_are_fatal():
    documents = load(FIXTURES / "valid")
    bad_engine = check_kubernetes(documents, versions=VERSIONS, root=REPO, engine="fast")
    assert bad_engine.fatal and "fast" in bad_engine.fatal
    bad_version = check_kubernetes(documents, versions=["1.99"], root=REPO, engine="builtin")
    assert bad_version.fatal and "1.99" in bad_version.fatal


def test_validators_are_compiled_once_per_schema_file():
    engine = BuiltinEngine()
    documents = load(SCHEMA / "type-replicas.yaml")
    from examplecheck.kubernetes.engines.schemas import ensure_cache

    path = ensure_cache(["1.33"], REPO) / "v1.33.0-local-strict" / "deployment-apps-v1.json"
    first = engine.validator(path)
    for _ in range(3):
        engine.validate(documents[0].data, path)
    assert engine.validator(path) is first


def test_yaml_only_values_are_validated_as_json_would_carry_them():
    assert jsonable({1: datetime.date(2024, 1, 2), "b": [b"hi"]}) == {
        "1": "2024-01-02",
        "b": ["aGk="],
    }


def test_version_span_names_runs_and_gaps():
    assert version_span(["1.33", "1.34", "1.35"], VERSIONS) == "1.33–1.35"
    assert version_span(["1.37", "1.33", "1.34"], VERSIONS) == "1.33–1.34, 1.37"
    assert version_span(["1.36"], VERSIONS) == "1.36"


def test_pointer_and_dotted_paths():
    data = {"spec": {"ports": [{"name": "a"}], "0": {"x/y": 1}}}
    assert from_pointer("/spec/ports/0/name", data) == ("spec", "ports", 0, "name")
    assert from_pointer("/spec/0/x~1y", data) == ("spec", "0", "x/y")  # A key, not an index.
    assert from_pointer("", data) == ()
    assert dotted(("spec", "ports", 0, "name")) == "spec.ports[0].name"


def test_findings_of_a_multi_document_file_point_into_the_right_document():
    sets = FIXTURES / "sets" / "httproute-port-missing"
    assert brief(run(sets).findings) == [("all.yaml", 34, "k8s-backend-port-missing")]


def test_schema_engine_turns_odd_values_into_findings_not_tracebacks():
    from test_kubernetes_apirules import ODD_VALUES, _replaced, _subtree_paths

    (document, *_) = load(FIXTURES / "valid" / "app.yaml")
    twins = [
        type(document)(document.source, 0, _replaced(document.data, path, value), document.line)
        for path in list(_subtree_paths(document.data))[1:]
        for value in ODD_VALUES
    ]
    result = check_kubernetes(twins, versions=VERSIONS, root=REPO, engine="builtin")
    assert result.fatal is None
    assert len(result.findings) > len(twins) // 2  # Most odd values are schema errors.
