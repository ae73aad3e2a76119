"""The cluster job's driver: which sets reach the API server, in what order, failing honestly."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tools.cluster_dry_run import Cluster, find_sets, main

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.28.0
"""
NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"


def write(root: Path, path: str, text: str) -> None:
    file = root / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")


class FakeKubectl:
    """Records every command; rejects the dry run when a file says REJECT (like a server would)."""

    def __init__(self, existing_namespaces: tuple[str, ...] = ()) -> None:
        self.commands: list[list[str]] = []
        self.existing = set(existing_namespaces)

    def __call__(self, command: list[str]) -> subprocess.CompletedProcess:
        self.commands.append(command)
        code, out = 0, ""
        if command[1:3] == ["create", "namespace"] and command[3] in self.existing:
            code, out = 1, f'Error from server (AlreadyExists): namespaces "{command[3]}" exists'
        if "--dry-run=server" in command:
            files = [command[i + 1] for i, word in enumerate(command) if word == "-f"]
            for file in files:
                if "REJECT" in Path(file).read_text(encoding="utf-8"):
                    code = 1
                    out = f'Error from server (Invalid): error when creating "{file}": rejected'
        return subprocess.CompletedProcess(command, code, out, "")


def test_sets_are_folders_charts_and_kustomizations_and_client_configs_are_skipped(
    tmp_path: Path,
) -> None:
    write(tmp_path, "examples/kubernetes/shop/deployment.yaml", DEPLOYMENT)
    write(
        tmp_path,
        "examples/kubernetes/shop/kind-cluster.yaml",
        "apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\n",
    )
    write(tmp_path, "examples/kubernetes/shop/values.yaml", "replicas: 2\n")
    write(
        tmp_path,
        "examples/kubernetes/chart/Chart.yaml",
        "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
    )
    write(tmp_path, "examples/kubernetes/chart/templates/deploy.yaml", "{{ .Values.x }}\n")
    write(tmp_path, "examples/kubernetes/kust/kustomization.yaml", "resources: [deployment.yaml]\n")
    sets = {s.name: s for s in find_sets(tmp_path)}
    assert sets.keys() == {
        "examples/kubernetes/shop",
        "examples/kubernetes/chart",
        "examples/kubernetes/kust",
    }
    shop = sets["examples/kubernetes/shop"]
    assert [p.name for p in shop.files] == ["deployment.yaml"]
    assert {p.name for p, _ in shop.skipped} == {"kind-cluster.yaml", "values.yaml"}
    assert sets["examples/kubernetes/chart"].source == "chart"  # templates/ never applied raw
    assert sets["examples/kubernetes/kust"].source == "kustomize"


def test_a_kustomization_is_applied_with_dash_k_as_the_reader_does(tmp_path: Path) -> None:
    """Rendered once to find what must exist first; the dry run is `kubectl apply -k`."""
    write(tmp_path, "examples/kubernetes/kust/base/kustomization.yaml", "resources: [d.yaml]\n")
    write(tmp_path, "examples/kubernetes/kust/base/d.yaml", DEPLOYMENT)
    write(
        tmp_path,
        "examples/kubernetes/kust/overlays/prod/kustomization.yaml",
        "resources: [../../base]\n",
    )
    fake = FakeKubectl()

    def run(command: list[str]) -> subprocess.CompletedProcess:
        if command[1] == "kustomize":
            fake.commands.append(command)
            return subprocess.CompletedProcess(command, 0, DEPLOYMENT + "---\n" + NAMESPACE, "")
        return fake(command)

    sets = {s.name: s for s in find_sets(tmp_path)}
    prod = sets["examples/kubernetes/kust/overlays/prod"]
    outcome = Cluster(run).check(prod, tmp_path)
    assert outcome.ok, outcome.output
    folder = str(tmp_path / "examples/kubernetes/kust/overlays/prod")
    assert ["kubectl", "kustomize", folder] in fake.commands
    assert ["kubectl", "apply", "--dry-run=server", "-k", folder] in fake.commands
    assert "$ kubectl apply --dry-run=server -k examples/kubernetes/kust/overlays/prod" in (
        outcome.output
    )
    real = [c for c in fake.commands if c[1] == "apply" and "--dry-run=server" not in c]
    assert real and all("-k" not in c for c in real)  # the namespace is set up from the render


def test_folders_grouped_in_conf_sets_yaml_go_together(tmp_path: Path) -> None:
    write(tmp_path, "examples/kubernetes/shop/app/deployment.yaml", DEPLOYMENT)
    write(tmp_path, "examples/kubernetes/shop/ns/namespace.yaml", NAMESPACE)
    write(
        tmp_path,
        "conf/sets.yaml",
        "groups:\n  - name: examples/kubernetes/shop\n    folders:\n"
        "      - examples/kubernetes/shop/app\n      - examples/kubernetes/shop/ns\n",
    )
    (only,) = find_sets(tmp_path)
    assert only.name == "examples/kubernetes/shop"
    assert sorted(p.name for p in only.files) == ["deployment.yaml", "namespace.yaml"]


def test_a_declared_namespace_is_created_for_real_first_and_deleted_after(tmp_path: Path) -> None:
    write(tmp_path, "examples/kubernetes/shop/deployment.yaml", DEPLOYMENT)
    write(tmp_path, "examples/kubernetes/shop/namespace.yaml", NAMESPACE)
    fake = FakeKubectl()
    (example_set,) = find_sets(tmp_path)
    outcome = Cluster(fake).check(example_set, tmp_path)
    assert outcome.ok, outcome.output
    verbs = [" ".join(c[1:3]) for c in fake.commands]
    real_apply = verbs.index("apply -f")
    dry_run = next(i for i, c in enumerate(fake.commands) if "--dry-run=server" in c)
    assert real_apply < dry_run
    assert fake.commands[-1][1] == "delete"
    assert not any(c[1:3] == ["create", "namespace"] for c in fake.commands)


def test_a_namespace_the_reader_creates_is_made_and_removed_but_never_an_existing_one(
    tmp_path: Path,
) -> None:
    write(tmp_path, "examples/kubernetes/shop/deployment.yaml", DEPLOYMENT)
    write(
        tmp_path,
        "examples/kubernetes/shop/sa.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ci\n  namespace: kube-system\n",
    )
    fake = FakeKubectl(existing_namespaces=("kube-system",))
    (example_set,) = find_sets(tmp_path)
    assert Cluster(fake).check(example_set, tmp_path).ok
    deleted = [c[-1] for c in fake.commands if c[1:3] == ["delete", "namespace"]]
    assert deleted == ["shop"]  # kube-system existed already: not ours to delete


def test_a_rejection_by_the_server_fails_the_run_with_an_annotation_on_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "examples/kubernetes/good/deployment.yaml", DEPLOYMENT.replace("shop", "a"))
    write(tmp_path, "examples/kubernetes/bad/deployment.yaml", DEPLOYMENT + "# REJECT\n")
    status = main([], run=FakeKubectl(), root=tmp_path)
    out = capsys.readouterr().out
    assert status == 1
    assert "::error file=examples/kubernetes/bad/deployment.yaml," in out
    assert "rejected: examples/kubernetes/bad" in out
    assert "rejected: examples/kubernetes/good" not in out


def test_every_set_accepted_means_success(tmp_path: Path) -> None:
    write(tmp_path, "examples/kubernetes/good/deployment.yaml", DEPLOYMENT)
    assert main([], run=FakeKubectl(), root=tmp_path) == 0


def test_a_chart_is_rendered_with_helm_template_before_the_dry_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HELM", raising=False)
    write(tmp_path, "examples/kubernetes/chart/Chart.yaml", "apiVersion: v2\nname: demo\n")
    commands: list[list[str]] = []

    def helm_and_kubectl(command: list[str]) -> subprocess.CompletedProcess:
        commands.append(command)
        rendered = DEPLOYMENT if command[1] == "template" else ""
        return subprocess.CompletedProcess(command, 0, rendered, "")

    assert main([], run=helm_and_kubectl, root=tmp_path) == 0
    assert commands[0][:2] == ["helm", "template"]
    assert any("--dry-run=server" in command for command in commands)


def test_a_chart_is_also_rendered_with_each_values_file(tmp_path: Path) -> None:
    write(tmp_path, "examples/helm/web/Chart.yaml", "apiVersion: v2\nname: web\n")
    write(tmp_path, "examples/helm/web/values-prod.yaml", "replicas: 3\n")
    commands: list[list[str]] = []

    def helm(command: list[str]) -> subprocess.CompletedProcess:
        commands.append(command)
        return subprocess.CompletedProcess(command, 0, DEPLOYMENT, "")

    (chart,) = find_sets(tmp_path)
    files, failure = Cluster(helm, helm="helm").render(chart, tmp_path)
    assert not failure
    assert len(files) == 2
    assert commands[1][-2:] == ["-f", str(tmp_path / "examples/helm/web/values-prod.yaml")]


def test_a_folder_without_kubernetes_objects_is_not_a_set(tmp_path: Path) -> None:
    write(tmp_path, "examples/compose/app/compose.yaml", "services:\n  web:\n    image: nginx\n")
    write(tmp_path, "examples/kubernetes/app/deployment.yaml", DEPLOYMENT)
    assert [s.name for s in find_sets(tmp_path)] == ["examples/kubernetes/app"]


def test_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["examples/nowhere"], run=FakeKubectl(), root=tmp_path) == 2


def test_files_listed_unchecked_in_conf_exceptions_yaml_are_skipped_with_their_reason(
    tmp_path: Path,
) -> None:
    write(tmp_path, "examples/kubernetes/app/deployment.yaml", DEPLOYMENT)
    write(tmp_path, "examples/kubernetes/app/sample.yaml", "apiVersion: v1\nkind: Pod\n")
    write(
        tmp_path,
        "conf/exceptions.yaml",
        "data: []\nunchecked:\n  - path: examples/kubernetes/app/sample.yaml\n"
        "    reason: a fragment the page completes\n",
    )
    (example_set,) = find_sets(tmp_path)
    assert [p.name for p in example_set.files] == ["deployment.yaml"]
    assert "a fragment the page completes" in example_set.skipped[0][1]
