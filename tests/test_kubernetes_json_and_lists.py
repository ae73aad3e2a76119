"""JSON manifests and `kind: List` are checked like any manifest, by both schema engines.

The ``kubeconform`` cases run the real binary (`nox -s tests` builds it from noxfile.py
GO_TOOLS, or $KUBECONFORM); without it they skip, and with CI=true they fail.
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pytest

from examplecheck.api import check_paths
from examplecheck.findings import Severity
from examplecheck.kubernetes.check import check_kubernetes
from examplecheck.kubernetes.engines import kubeconform
from tests.required_tools import missing

ROOT = Path(__file__).resolve().parents[1]
JSON = ROOT / "tests" / "fixtures" / "kubernetes" / "json"
ENGINES = ["builtin", "kubeconform"]


def run(path: Path, engine: str):
    if engine == "kubeconform" and kubeconform.find_binary() is None:
        missing("no kubeconform binary: `nox -s tests` builds it (noxfile.py GO_TOOLS)")
    checker = functools.partial(check_kubernetes, engine=engine)
    return check_paths([path], root=ROOT, kubernetes_checker=checker)


def errors(report, name: str) -> list[tuple[int, int, str, str]]:
    return [
        (f.line, f.column, f.rule, f.tool)
        for f in report.findings
        if f.severity == Severity.ERROR and f.path.endswith(name)
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_valid_json_manifest_is_schema_checked_and_passes(engine):
    report = run(JSON / "deployment.json", engine)
    shown = "tests/fixtures/kubernetes/json/deployment.json"
    assert report.files[shown] == "kubernetes"
    assert any(check.strict for check in report.checked_by[shown])
    assert errors(report, "deployment.json") == []


@pytest.mark.parametrize("engine", ENGINES)
def test_a_wrong_field_type_in_json_is_reported_at_its_line(engine):
    report = run(JSON, engine)  # its Service selects the Deployment's pods
    tool = "kubeconform" if engine == "kubeconform" else "kubernetes-schema"
    assert errors(report, "wrong-type.json") == [(8, 16, "k8s-schema-type", tool)]


def test_tab_indented_json_keeps_its_columns(tmp_path):
    """PyYAML refuses tabs before tokens; the loader's copy has spaces in their place."""
    text = (JSON / "wrong-type.json").read_text("utf-8").replace("  ", "\t")
    (tmp_path / "tabs.json").write_text(text, "utf-8")
    (tmp_path / "deployment.json").write_bytes((JSON / "deployment.json").read_bytes())
    report = run(tmp_path, "builtin")
    assert errors(report, "tabs.json") == [(8, 13, "k8s-schema-type", "kubernetes-schema")]


def test_other_json_stays_a_json_file():
    report = run(ROOT / "tests" / "fixtures" / "json" / "daemon.json", "builtin")
    assert report.files["tests/fixtures/json/daemon.json"] == "json"


LIST = ROOT / "tests" / "fixtures" / "kubernetes" / "list" / "list.yaml"


@pytest.mark.parametrize("engine", ENGINES)
def test_each_item_of_a_list_is_checked_on_its_own_lines(engine):
    report = run(LIST, engine)
    assert sorted((line, rule) for line, _, rule, _ in errors(report, "list.yaml")) == [
        (16, "k8s-schema-type"),  # replicas: three
        (18, "k8s-selector-mismatch"),
        (23, "k8s-invalid-label"),
        (28, "k8s-not-a-resource"),  # a string item
    ]
    warnings = {(f.line, f.rule) for f in report.findings if f.severity == Severity.WARNING}
    assert (26, "k8s-runs-as-root") in warnings  # practices see the item's container


@pytest.mark.parametrize("engine", ENGINES)
def test_documents_after_a_list_keep_their_own_results(engine, tmp_path):
    """kubeconform prints one result per non-null item: an empty List takes none."""
    text = (
        "apiVersion: v1\nkind: List\nitems: []\n---\n"
        "apiVersion: v1\nkind: List\nitems:\n  - null\n"
        "  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}, data: {x: 1}}\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  y: 2\n"
    )
    (tmp_path / "lists.yaml").write_text(text, "utf-8")
    report = run(tmp_path / "lists.yaml", engine)
    assert sorted((line, rule) for line, _, rule, _ in errors(report, "lists.yaml")) == [
        (9, "k8s-schema-type"),
        (16, "k8s-schema-type"),
    ]


def test_a_list_without_an_items_list_is_an_error(tmp_path):
    (tmp_path / "bad.yaml").write_text("apiVersion: v1\nkind: List\nitems: {}\n", "utf-8")
    report = run(tmp_path / "bad.yaml", "builtin")
    assert [(line, rule) for line, _, rule, _ in errors(report, "bad.yaml")] == [
        (3, "k8s-list-items")
    ]


def test_an_image_inside_a_list_item_must_be_listed(tmp_path):
    """conf/images.yaml's rule sees the items' containers too (it guards examples/ only)."""
    shutil.copytree(ROOT / "conf", tmp_path / "conf")
    (tmp_path / ".cache").symlink_to(ROOT / ".cache")
    (tmp_path / "examples").mkdir()
    manifest = tmp_path / "examples" / "list.yaml"
    manifest.write_text(
        "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n"
        "    metadata:\n      name: p\n    spec:\n      containers:\n"
        "        - name: c\n          image: nosuch/image:9\n",
        "utf-8",
    )
    checker = functools.partial(check_kubernetes, engine="builtin")
    report = check_paths([manifest], root=tmp_path, kubernetes_checker=checker)
    assert errors(report, "list.yaml") == [(11, 18, "image-unknown", "examplecheck")]
