"""API-server rules: each broken fixture fails with its rule at the offending line."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
import yaml
from kubernetes_support import (
    FIXTURES,
    REPO,
    VERSIONS,
    install_recorded_kubeconform,
    load,
    run,
)

from examplecheck.kubernetes.check import check_kubernetes
from examplecheck.kubernetes.crds import SPEC_NOT_CHECKED
from examplecheck.kubernetes.rules.apirules import check_document
from examplecheck.kubernetes.rules.quantities import parse_quantity

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
    ("port-quoted-number.yaml", "k8s-invalid-port", 9),
    ("probe-port-quoted-number.yaml", "k8s-invalid-port", 15),
    ("networkpolicy-port-quoted-number.yaml", "k8s-invalid-port", 11),
    ("node-port-out-of-range.yaml", "k8s-invalid-port", 10),
    ("value-strategy-type.yaml", "k8s-invalid-value", 7),
    ("value-access-mode.yaml", "k8s-invalid-value", 8),
    ("value-path-type.yaml", "k8s-invalid-value", 10),
    ("quantity-limitrange.yaml", "k8s-invalid-quantity", 10),
    ("quantity-emptydir.yaml", "k8s-invalid-quantity", 15),
    ("volume-mount-unknown.yaml", "k8s-volume-mount-unknown", 10),
    ("hpa-min-above-max.yaml", "k8s-hpa-replicas", 10),
    ("pdb-both-bounds.yaml", "k8s-pdb-bounds", 7),
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
    from examplecheck.kubernetes.rules.crossfile import SetsConfig, check_sets

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


def _rules(tmp_path, text):
    return [(f.rule, f.line) for f in check_document(_doc(tmp_path, text))]


def test_quoted_port_message_says_to_drop_the_quotes():
    (finding,) = run(API / "port-quoted-number.yaml").findings
    assert "port name" in finding.message and "without quotes" in finding.message


def test_named_ports_and_allocated_node_ports_pass(tmp_path):
    service = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n"
        "  ports:\n    - {{name: http, port: 80, targetPort: http, nodePort: {node}}}\n"
    )
    for node in (0, 30000, 30080, 32767):
        assert _rules(tmp_path, service.format(node=node)) == [], node
    assert _rules(tmp_path, service.format(node=32768)) == [("k8s-invalid-port", 8)]


def test_node_port_message_names_the_default_range_flag():
    (finding,) = run(API / "node-port-out-of-range.yaml").findings
    assert "30000-32767" in finding.message and "--service-node-port-range" in finding.message


def test_digits_only_container_port_name_is_invalid(tmp_path):
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n"
        "    - name: web\n      image: nginx\n      ports:\n"
        '        - {containerPort: 8080, name: "8080"}\n'
    )
    assert _rules(tmp_path, text) == [("k8s-invalid-port", 10)]


def test_value_sets_reach_lists_nested_claims_and_containers(tmp_path):
    text = (
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n"
        "  serviceName: db\n  updateStrategy: {type: Rolling}\n"
        "  selector: {matchLabels: {app: db}}\n"
        "  template:\n    metadata: {labels: {app: db}}\n    spec:\n"
        "      containers:\n        - name: db\n          image: postgres\n"
        "          ports: [{containerPort: 5432, protocol: tcp}]\n"
        "          volumeMounts: [{name: data, mountPath: /data}]\n"
        "  volumeClaimTemplates:\n    - metadata: {name: data}\n"
        "      spec:\n        accessModes: [ReadWriteAlways]\n"
        "        resources: {requests: {storage: 1GB}}\n"
    )
    assert sorted(_rules(tmp_path, text)) == [
        ("k8s-invalid-quantity", 21),
        ("k8s-invalid-value", 7),
        ("k8s-invalid-value", 15),
        ("k8s-invalid-value", 20),
    ]


def test_empty_strings_are_left_to_defaulting(tmp_path):
    text = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n"
        '  sessionAffinity: ""\n  ports: [{port: 80}]\n'
    )
    assert _rules(tmp_path, text) == []


def test_quantities_of_quota_pv_and_pvc(tmp_path):
    quota = (
        "apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: q\nspec:\n  hard:\n"
        "    requests.cpu: '4'\n    requests.memory: 8 Gi\n    count/deployments.apps: 10\n"
    )
    assert _rules(tmp_path, quota) == [("k8s-invalid-quantity", 8)]
    volume = (
        "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv\nspec:\n"
        "  capacity: {storage: 10GB}\n  accessModes: [ReadWriteOnce]\n"
        "  persistentVolumeReclaimPolicy: Keep\n  hostPath: {path: /data}\n"
    )
    assert sorted(_rules(tmp_path, volume)) == [
        ("k8s-invalid-quantity", 6),
        ("k8s-invalid-value", 8),
    ]


def _pod_with_mounts(mounts: str, volumes: str) -> str:
    return (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n"
        f"    - name: web\n      image: nginx\n{mounts}  volumes: {volumes}\n"
    )


def test_volume_devices_must_name_a_volume_too(tmp_path):
    mounts = "      volumeDevices: [{name: disk, devicePath: /dev/xvda}]\n"
    assert _rules(tmp_path, _pod_with_mounts(mounts, "[]")) == [("k8s-volume-mount-unknown", 9)]
    volumes = "[{name: disk, persistentVolumeClaim: {claimName: disk}}]"
    assert _rules(tmp_path, _pod_with_mounts(mounts, volumes)) == []


def test_statefulset_may_mount_its_claim_templates(tmp_path):
    text = (
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n"
        "  serviceName: db\n  selector: {matchLabels: {app: db}}\n"
        "  template:\n    metadata: {labels: {app: db}}\n    spec:\n"
        "      containers:\n        - name: db\n          image: postgres\n"
        "          volumeMounts: [{name: data, mountPath: /data}, {name: logs, mountPath: /l}]\n"
        "  volumeClaimTemplates:\n    - metadata: {name: data}\n"
        "      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n"
    )
    findings = check_document(_doc(tmp_path, text))
    assert [(f.rule, f.line) for f in findings] == [("k8s-volume-mount-unknown", 14)]
    assert '"logs"' in findings[0].message and "volumeClaimTemplates" in findings[0].message


@pytest.mark.parametrize(
    ("bounds", "expected"),
    [
        ("minReplicas: 2\n  maxReplicas: 5", []),
        ("maxReplicas: 5", []),
        ("minReplicas: 0\n  maxReplicas: 5", [("k8s-hpa-replicas", 9)]),
        ("minReplicas: 1\n  maxReplicas: 0", [("k8s-hpa-replicas", 10), ("k8s-hpa-replicas", 9)]),
    ],
)
def test_hpa_replica_bounds(tmp_path, bounds, expected):
    text = (
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n"
        "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
        f"  metrics: []\n  {bounds}\n"
    )
    text = text.replace("  metrics: []\n", "  metrics: []\n\n")  # Bounds start on line 9.
    assert _rules(tmp_path, text) == expected


def test_pdb_with_one_bound_passes(tmp_path):
    for bound in ("minAvailable: 1", "maxUnavailable: 50%"):
        text = (
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\n"
            f"spec:\n  {bound}\n  selector: {{matchLabels: {{app: web}}}}\n"
        )
        assert _rules(tmp_path, text) == [], bound


CUSTOM = FIXTURES / "custom" / "gateway-label-not-string.yaml"


def test_custom_resource_metadata_is_checked_against_object_meta():
    result = run(CUSTOM)
    assert [(f.line, f.rule, f.tool) for f in result.findings] == [
        (7, "k8s-schema-type", "kubernetes-schema")
    ]
    assert "metadata.labels.port" in result.findings[0].message
    labels = result.checked_by["tests/fixtures/kubernetes/custom/gateway-label-not-string.yaml"]
    assert SPEC_NOT_CHECKED in labels
    assert any(check.scope == "metadata" for check in labels)


def test_custom_resource_metadata_unknown_field_is_reported(tmp_path):
    text = (
        "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata:\n"
        "  name: example\n  label: {a: b}\nspec:\n  controllerName: example.com/gateway\n"
    )
    path = tmp_path / "class.yaml"
    path.write_text(text, "utf-8")
    documents = load(path, root=tmp_path)
    result = check_kubernetes(documents, versions=VERSIONS, root=REPO, engine="builtin")
    assert [(f.line, f.rule) for f in result.findings] == [(5, "k8s-schema-unknown-field")]


def test_custom_resource_metadata_findings_do_not_depend_on_the_engine(tmp_path, monkeypatch):
    environ = {"PATH": os.environ.get("PATH", "")}
    install_recorded_kubeconform(tmp_path / "bin", environ)
    monkeypatch.setenv("PATH", environ["PATH"])
    monkeypatch.delenv("KUBECONFORM", raising=False)
    builtin = run(CUSTOM, FIXTURES / "valid", engine="builtin").findings
    external = run(CUSTOM, FIXTURES / "valid", engine="kubeconform").findings
    assert builtin and builtin == external


def test_httproute_string_port_is_called_an_integer_field():
    from examplecheck.kubernetes.rules.crossfile import SetsConfig, check_sets
    from examplecheck.yamlload import SourceText, YamlDocument

    text = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n"
        "  selector: {app: web}\n  ports: [{name: http, port: 80}]\n---\n"
        "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: web\n"
        'spec:\n  rules:\n    - backendRefs: [{name: web, port: "80"}]\n'
    )
    source = SourceText("route/route.yaml", text)
    head, tail = text.split("---\n")
    documents = [
        YamlDocument(source, 0, yaml.safe_load(head), 1),
        YamlDocument(source, 1, yaml.safe_load(tail), 9),
    ]
    port = [f for f in check_sets(documents, SetsConfig()) if f.rule == "k8s-backend-port-missing"]
    assert len(port) == 1
    assert "integer" in port[0].message and "port name" not in port[0].message.split("(")[0]


def test_lifecycle_hook_ports_are_checked_like_probe_ports(tmp_path):
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n"
        "    - name: web\n      image: nginx\n      lifecycle:\n        preStop:\n"
        '          httpGet: {path: /stop, port: "8080"}\n'
        "        postStart:\n          tcpSocket: {port: 70000}\n"
    )
    assert sorted(_rules(tmp_path, text)) == [("k8s-invalid-port", 11), ("k8s-invalid-port", 13)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", []), ('"50%"', []), ("0", []), ('"half"', [("k8s-invalid-value", 6)]),
     ("-1", [("k8s-invalid-value", 6)]), ('"50"', [("k8s-invalid-value", 6)])],
)  # fmt: skip
def test_disruption_budget_bound_is_a_count_or_a_percentage(tmp_path, value, expected):
    text = (
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\n"
        f"spec:\n  minAvailable: {value}\n  selector: {{matchLabels: {{app: web}}}}\n"
    )
    assert _rules(tmp_path, text) == expected


def test_rolling_update_bounds_are_counts_or_percentages(tmp_path):
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
        "  strategy:\n    type: RollingUpdate\n"
        '    rollingUpdate: {maxSurge: "25 %", maxUnavailable: "25%"}\n'
        "  selector: {matchLabels: {app: web}}\n"
        "  template:\n    metadata: {labels: {app: web}}\n"
        "    spec:\n      containers: [{name: web, image: nginx}]\n"
    )
    assert _rules(tmp_path, text) == [("k8s-invalid-value", 8)]
