"""API-server rules: each broken fixture fails with its rule at the offending line."""

from __future__ import annotations

from decimal import Decimal

import pytest
from test_kubernetes_support import FIXTURES, load, run

from examplecheck.kubernetes.apirules import check_document
from examplecheck.kubernetes.quantities import parse_quantity

API = FIXTURES / "api"

CASES = [
    ("selector-mismatch.yaml", "k8s-selector-mismatch", 7),
    ("invalid-name.yaml", "k8s-invalid-name", 4),
    ("invalid-service-name.yaml", "k8s-invalid-name", 4),
    ("invalid-container-name.yaml", "k8s-invalid-name", 7),
    ("invalid-label.yaml", "k8s-invalid-label", 7),
    ("invalid-label-key.yaml", "k8s-invalid-label", 7),
    ("invalid-annotation-key.yaml", "k8s-invalid-annotation-key", 6),
    ("port-out-of-range.yaml", "k8s-invalid-port", 10),
    ("port-name-invalid.yaml", "k8s-invalid-port", 11),
    ("service-target-port.yaml", "k8s-invalid-port", 8),
    ("service-port-name-required.yaml", "k8s-service-port-name-required", 9),
    ("job-restart-always.yaml", "k8s-job-restart-policy", 8),
    ("job-restart-missing.yaml", "k8s-job-restart-policy", 8),
    ("cron-schedule.yaml", "k8s-cron-schedule", 6),
    ("cron-schedule-tz.yaml", "k8s-cron-schedule", 6),
    ("cron-timezone.yaml", "k8s-cron-timezone", 7),
    ("secret-base64.yaml", "k8s-secret-base64", 8),
    ("invalid-quantity.yaml", "k8s-invalid-quantity", 11),
    ("request-exceeds-limit.yaml", "k8s-request-exceeds-limit", 11),
    ("probe-port-unknown.yaml", "k8s-probe-port-unknown", 15),
    ("invalid-value.yaml", "k8s-invalid-value", 6),
]


def test_every_api_fixture_is_covered():
    assert sorted(p.name for p in API.glob("*.yaml")) == sorted(case[0] for case in CASES)


@pytest.mark.parametrize(("fixture", "rule", "line"), CASES)
def test_api_fixture_fails_with_its_rule_only(fixture, rule, line):
    result = run(API / fixture)
    assert result.fatal is None
    # Each fixture is schema-valid and breaks exactly one API rule.
    assert [(f.path, f.line, f.rule, f.tool) for f in result.findings] == [
        (f"tests/fixtures/kubernetes/api/{fixture}", line, rule, "kubernetes-api")
    ]


def test_valid_set_passes_every_api_rule():
    assert [f for d in load(FIXTURES / "valid") for f in check_document(d)] == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("500m", Decimal("0.5")),
        ("1Gi", Decimal(2**30)),
        ("2", Decimal(2)),
        ("1e3", Decimal(1000)),
        ("128974848", Decimal(128974848)),
        ("129M", Decimal(129_000_000)),
        (3, Decimal(3)),
        ("512mb", None),
        ("1.5.2", None),
        ("", None),
    ],
)
def test_parse_quantity(text, value):
    assert parse_quantity(text) == value


def _doc(tmp_path, text):
    path = tmp_path / "doc.yaml"
    path.write_text(text, "utf-8")
    return load(path, root=tmp_path)[0]


def test_match_expressions_are_evaluated(tmp_path):
    document = _doc(
        tmp_path,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
        "  selector:\n    matchExpressions:\n      - {key: tier, operator: In, values: [web]}\n"
        "  template:\n    metadata:\n      labels: {tier: api}\n"
        "    spec:\n      containers: [{name: web, image: nginx}]\n",
    )
    assert [(f.rule, f.line) for f in check_document(document)] == [("k8s-selector-mismatch", 7)]


def test_rbac_names_may_contain_colons(tmp_path):
    document = _doc(
        tmp_path,
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
        "metadata:\n  name: system:aggregate-to-view\nrules: []\n",
    )
    assert check_document(document) == []


def test_cron_macros_and_every_are_accepted(tmp_path):
    for schedule in ("@hourly", "@every 5m", "*/15 0-6 * * 1-5"):
        document = _doc(
            tmp_path,
            "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\n"
            f'spec:\n  schedule: "{schedule}"\n'
            "  jobTemplate:\n    spec:\n      template:\n        spec:\n"
            "          restartPolicy: Never\n          containers: [{name: c, image: busybox}]\n",
        )
        assert check_document(document) == [], schedule


def test_rules_tolerate_documents_that_fail_their_schema(tmp_path):
    document = _doc(
        tmp_path,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: [1]\nspec:\n  template: 3\n"
        "  selector: {matchLabels: [x]}\n",
    )
    check_document(document)  # No exception: schema findings report these shapes.


ODD_VALUES = (None, 0, -1, True, "x", "", [], {}, [1, "a"], {"a": [None]}, 70000, 1.5)


def _subtree_paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _subtree_paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _subtree_paths(value, (*path, index))


def _replaced(node, path, value):
    if not path:
        return value
    copy = dict(node) if isinstance(node, dict) else list(node)
    copy[path[0]] = _replaced(node[path[0]], path[1:], value)
    return copy


def test_no_rule_raises_on_any_odd_value_anywhere():
    """Every subtree of the valid set replaced by odd values: findings, never a traceback."""
    from examplecheck.kubernetes.crossfile import SetsConfig, check_sets

    documents = load(FIXTURES / "valid")
    mutations = 0
    for index, document in enumerate(documents):
        for path in list(_subtree_paths(document.data)):
            for value in ODD_VALUES:
                mutated = _replaced(document.data, path, value)
                twin = type(document)(document.source, document.index, mutated, document.line)
                others = [*documents[:index], twin, *documents[index + 1 :]]
                check_document(twin)
                check_sets(others, SetsConfig())
                mutations += 1
    assert mutations > 2000
