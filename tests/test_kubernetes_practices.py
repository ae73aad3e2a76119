"""Warnings that teach: each practice fixture gets its warning at the offending line, and a
manifest that follows every practice gets none."""

from __future__ import annotations

import os

import pytest
import yaml
from test_kubernetes_support import FIXTURES, install_fake_kubeconform, load, run

from examplecheck.findings import Severity
from examplecheck.kubernetes.practices import TOOL, check_practices
from examplecheck.yamlload import load_yaml

PRACTICES = FIXTURES / "practices"

CASES = [
    ("image-latest.yaml", "k8s-image-latest", 11),
    ("image-untagged.yaml", "k8s-image-latest", 17),
    ("no-limits.yaml", "k8s-no-resource-limits", 15),
    ("no-requests.yaml", "k8s-no-resource-requests", 12),
    ("runs-as-root.yaml", "k8s-runs-as-root", 24),
    ("no-probes.yaml", "k8s-no-probes", 19),
]


def test_every_practice_fixture_is_covered():
    names = sorted(p.name for p in PRACTICES.glob("*.yaml"))
    assert names == sorted([case[0] for case in CASES] + ["compliant.yaml"])


@pytest.mark.parametrize(("fixture", "rule", "line"), CASES)
def test_practice_fixture_warns_with_its_rule_only(fixture, rule, line):
    result = run(PRACTICES / fixture)
    assert result.fatal is None
    # Each fixture is valid for the API server and misses exactly one practice.
    assert [(f.path, f.line, f.severity, f.rule, f.tool) for f in result.findings] == [
        (f"tests/fixtures/kubernetes/practices/{fixture}", line, Severity.WARNING, rule, TOOL)
    ]


@pytest.fixture
def fake_kubeconform(tmp_path, monkeypatch) -> None:
    environ = {"PATH": os.environ.get("PATH", "")}
    install_fake_kubeconform(tmp_path / "bin", environ)
    monkeypatch.setenv("PATH", environ["PATH"])
    monkeypatch.delenv("KUBECONFORM", raising=False)


@pytest.mark.parametrize("engine", ["builtin", "kubeconform"])
def test_compliant_manifest_is_clean_with_either_engine(engine, fake_kubeconform):
    result = run(PRACTICES / "compliant.yaml", engine=engine)
    assert result.fatal is None
    assert result.findings == []


def test_warnings_are_the_same_for_both_engines(fake_kubeconform):
    builtin = run(PRACTICES, engine="builtin").findings
    external = run(PRACTICES, engine="kubeconform").findings
    assert len([f for f in builtin if f.tool == TOOL]) == len(CASES)
    assert builtin == external


def test_messages_are_korean_sentences_saying_what_to_do():
    findings = [f for d in load(PRACTICES) for f in check_practices(d)]
    assert findings
    for finding in findings:
        assert finding.message.endswith("니다."), finding.message  # 합니다체
        assert any("\uac00" <= ch <= "\ud7a3" for ch in finding.message), finding.message


def _practices(text: str, tmp_path) -> list[tuple[str, str]]:
    path = tmp_path / "manifest.yaml"
    path.write_text(text, "utf-8")
    documents = load_yaml(path, "manifest.yaml").documents
    return [(f.rule, f.message) for d in documents for f in check_practices(d)]


def _pod(container: dict, pod_context: dict | None = None, kind: str = "Pod") -> str:
    spec: dict = {"containers": [{"name": "app", **container}]}
    if pod_context is not None:
        spec["securityContext"] = pod_context
    if kind == "Pod":
        document = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}
    else:
        template = {"metadata": {"labels": {"a": "b"}}, "spec": spec}
        document = {
            "apiVersion": "apps/v1",
            "kind": kind,
            "metadata": {"name": "p"},
            "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": template},
        }
    return yaml.safe_dump(document)


GOOD = {
    "image": "nginx:1.27",
    "resources": {"requests": {"cpu": "1m", "memory": "1Mi"}, "limits": {"memory": "2Mi"}},
    "securityContext": {"runAsNonRoot": True},
}


@pytest.mark.parametrize(
    ("image", "warns"),
    [
        ("nginx", True),
        ("nginx:latest", True),
        ("localhost:5000/nginx", True),
        ("localhost:5000/nginx:latest", True),
        ("nginx:1.27", False),
        ("localhost:5000/nginx:1.27", False),
        ("nginx@sha256:" + "a" * 64, False),
        ("nginx:latest@sha256:" + "a" * 64, False),
    ],
)
def test_image_tag(image, warns, tmp_path):
    rules = [rule for rule, _ in _practices(_pod({**GOOD, "image": image}), tmp_path)]
    assert rules == (["k8s-image-latest"] if warns else [])


@pytest.mark.parametrize(
    ("pod_context", "container_context", "root"),
    [
        (None, {}, True),
        ({"runAsNonRoot": True}, {}, False),
        ({"runAsUser": 1000}, {}, False),
        ({"runAsNonRoot": True}, {"runAsNonRoot": False}, True),
        ({"runAsNonRoot": True}, {"runAsUser": 0}, True),
        ({"runAsUser": 0}, {"runAsUser": 1000}, False),
        ({}, {"runAsNonRoot": False, "runAsUser": 1}, False),
        ({}, {"privileged": False}, True),
    ],
)
def test_runs_as_root_follows_what_the_kubelet_enforces(
    pod_context, container_context, root, tmp_path
):
    container = {**GOOD, "securityContext": container_context}
    rules = [rule for rule, _ in _practices(_pod(container, pod_context), tmp_path)]
    assert rules == (["k8s-runs-as-root"] if root else [])


def test_requests_default_to_limits_and_the_message_names_what_is_missing(tmp_path):
    only_limits = {**GOOD, "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}
    assert _practices(_pod(only_limits), tmp_path) == []
    none = {key: value for key, value in GOOD.items() if key != "resources"}
    found = dict(_practices(_pod(none), tmp_path))
    assert set(found) == {"k8s-no-resource-limits", "k8s-no-resource-requests"}
    assert "requests.cpu" in found["k8s-no-resource-requests"]
    assert "OOM" in found["k8s-no-resource-limits"]


@pytest.mark.parametrize(
    ("kind", "warns"), [("Deployment", True), ("StatefulSet", True), ("Pod", False)]
)
def test_readiness_probe_only_for_long_running_workloads(kind, warns, tmp_path):
    rules = [rule for rule, _ in _practices(_pod(GOOD, kind=kind), tmp_path)]
    assert rules == (["k8s-no-probes"] if warns else [])
    probed = {**GOOD, "readinessProbe": {"tcpSocket": {"port": 80}}}
    assert _practices(_pod(probed, kind=kind), tmp_path) == []


def test_objects_without_pods_and_broken_shapes_are_ignored(tmp_path):
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {image: 'nginx'}\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [1, null]}\n"
    )
    assert _practices(text, tmp_path) == []
