"""Warnings that teach: each practice fixture gets its warning at the offending line, and a
manifest that follows every practice gets none."""

from __future__ import annotations

import os

import pytest
import yaml
from kubernetes_support import FIXTURES, REPO, VERSIONS, install_recorded_kubeconform, load

from examplecheck.findings import Severity
from examplecheck.kubernetes.check import KubernetesResult, check_kubernetes
from examplecheck.kubernetes.objects import Obj
from examplecheck.kubernetes.rules.practices import TOOL, check_practices, scan_marks
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


def run(path, engine: str = "builtin") -> KubernetesResult:
    return check_kubernetes(load(path), versions=VERSIONS, root=REPO, engine=engine)


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
def recorded_kubeconform(tmp_path, monkeypatch) -> None:
    environ = {"PATH": os.environ.get("PATH", "")}
    install_recorded_kubeconform(tmp_path / "bin", environ)
    monkeypatch.setenv("PATH", environ["PATH"])
    monkeypatch.delenv("KUBECONFORM", raising=False)


@pytest.mark.parametrize("engine", ["builtin", "kubeconform"])
def test_compliant_manifest_is_clean_with_either_engine(engine, recorded_kubeconform):
    result = run(PRACTICES / "compliant.yaml", engine=engine)
    assert result.fatal is None
    assert result.findings == []


def test_warnings_are_the_same_for_both_engines(recorded_kubeconform):
    builtin = run(PRACTICES, engine="builtin").findings
    external = run(PRACTICES, engine="kubeconform").findings
    assert len([f for f in builtin if f.tool == TOOL]) == len(CASES)
    assert builtin == external


def test_messages_are_korean_sentences_saying_what_to_do():
    findings = [f for f in check_practices(load(PRACTICES))]
    assert findings
    for finding in findings:
        assert finding.message.endswith("니다."), finding.message  # 합니다체
        assert any("\uac00" <= ch <= "\ud7a3" for ch in finding.message), finding.message


def _practices(text: str, tmp_path) -> list[tuple[str, str]]:
    path = tmp_path / "manifest.yaml"
    path.write_text(text, "utf-8")
    documents = load_yaml(path, "manifest.yaml").documents
    return [(f.rule, f.message) for f in check_practices(documents)]


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


def _every_container_target(documents):
    for document in documents:
        for path, container in (
            Obj(document.data).containers if isinstance(document.data, dict) else []
        ):
            yield document, path, None
            yield document, path, "missing"
            for key in ("image", "name", "resources", "securityContext"):
                if key in container:
                    yield document, path, key


@pytest.mark.parametrize(
    "folder", ["tests/fixtures/kubernetes", "tests/corpus/valid", "examples"], ids=str
)
def test_event_scan_places_lines_exactly_as_locate(folder):
    files = [
        p
        for p in sorted((REPO / folder).rglob("*.yaml"))
        if "templates" not in p.parts and "compose" not in p.name
    ]
    checked = 0
    for file in files:
        result = load_yaml(file, file.relative_to(REPO).as_posix())
        targets = list(_every_container_target(result.documents))
        if not targets:
            continue
        wanted: dict = {}
        for document, path, key in targets:
            wanted.setdefault(document.index, set()).add((path, key))
        marks = scan_marks(result.documents[0].source.text, wanted)
        for document, path, key in targets:
            found = marks.get(document.index, {}).get((path, key))
            if key == "missing":
                assert found is None  # Left to locate, which knows what to fall back to.
            else:
                assert found == document.locate(list(path), key), (file, path, key)
                checked += 1
    assert checked > 10


def test_aliases_and_merge_keys_fall_back_to_locate(tmp_path):
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
        "  containers:\n"
        "    - &base\n      name: a\n      image: nginx\n"
        "    - *base\n"
        "    - <<: *base\n      name: c\n"
    )
    path = tmp_path / "pod.yaml"
    path.write_text(text, "utf-8")
    documents = load_yaml(path, "pod.yaml").documents
    lines = sorted(f.line for f in check_practices(documents) if f.rule == "k8s-image-latest")
    # As locate: the alias is the anchored node; a merged key is not in the composed
    # mapping (compose does not merge), so it points at the container that merges it.
    assert lines == [8, 8, 10]
