"""Set rules: references across the files of one example set; conf/sets.yaml groups, externals."""

from __future__ import annotations

import shutil

import pytest
from kubernetes_support import FIXTURES, SHARED_CACHE, run

from examplecheck.kubernetes.rules.crossfile import load_sets_config
from examplecheck.settings import ConfigError

SETS = FIXTURES / "sets"

CASES = [
    ("service-selects-nothing", "k8s-service-selects-nothing", 18),
    ("ingress-backend-missing", "k8s-backend-service-missing", 36),
    ("ingress-port-missing", "k8s-backend-port-missing", 38),
    ("httproute-port-missing", "k8s-backend-port-missing", 34),
    ("hpa-target-missing", "k8s-scale-target-missing", 20),
    ("pdb-selects-nothing", "k8s-pdb-selects-nothing", 19),
    ("configmap-key-missing", "k8s-ref-key-missing", 14),
    ("secret-missing", "k8s-ref-missing", 13),
    ("envfrom-missing", "k8s-ref-missing", 11),
    ("volume-configmap-missing", "k8s-ref-missing", 12),
    ("pvc-missing", "k8s-pvc-missing", 12),
    ("external-secret", "k8s-ref-missing", 13),  # Until conf/sets.yaml declares it.
]


def test_every_set_fixture_is_covered():
    assert sorted(p.name for p in SETS.iterdir()) == sorted(case[0] for case in CASES)


@pytest.mark.parametrize(("folder", "rule", "line"), CASES)
def test_set_fixture_fails_with_its_rule(folder, rule, line):
    result = run(SETS / folder)
    assert [(f.path, f.line, f.rule, f.tool) for f in result.findings] == [
        (f"tests/fixtures/kubernetes/sets/{folder}/all.yaml", line, rule, "kubernetes-set")
    ]


def _tmp_root(tmp_path, monkeypatch, sets_yaml: str):
    monkeypatch.setenv("EXAMPLECHECK_CACHE", str(SHARED_CACHE))
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "sets.yaml").write_text(sets_yaml, "utf-8")
    return tmp_path


def test_declared_external_reference_is_not_a_finding(tmp_path, monkeypatch):
    root = _tmp_root(
        tmp_path, monkeypatch,
        "external:\n  - set: examples/tls\n    kind: Secret\n    name: db\n"
        "    reason: the page creates it with kubectl create secret\n",
    )  # fmt: skip
    shutil.copytree(SETS / "external-secret", root / "examples" / "tls")
    assert run(root / "examples" / "tls", root=root).findings == []
    # The declaration is for its set only.
    shutil.copytree(SETS / "external-secret", root / "examples" / "other")
    other = run(root / "examples" / "other", root=root).findings
    assert [f.rule for f in other] == ["k8s-ref-missing"]


def test_groups_merge_folders_into_one_set(tmp_path, monkeypatch):
    root = _tmp_root(
        tmp_path, monkeypatch,
        "groups:\n  - name: shop\n    folders: [examples/app, examples/config]\n",
    )  # fmt: skip
    app, config = root / "examples" / "app", root / "examples" / "config"
    shutil.copytree(SETS / "secret-missing", app)
    config.mkdir()
    (config / "secret.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: x\n",
        "utf-8",
    )
    assert run(app, config, root=root).findings == []
    assert [f.rule for f in run(app, root=root).findings] == ["k8s-ref-missing"]


@pytest.mark.parametrize(
    "text",
    [
        "external:\n  - kind: Secret\n    name: db\n",  # No reason.
        "groups:\n  - folders: [a]\n",  # No name.
        "groups: [\n",  # Not YAML.
    ],
)
def test_malformed_sets_config_is_fatal(tmp_path, monkeypatch, text):
    root = _tmp_root(tmp_path, monkeypatch, text)
    with pytest.raises(ConfigError):
        load_sets_config(root)
    result = run(FIXTURES / "valid" / "config.yaml", root=FIXTURES.parent.parent.parent)
    assert result.fatal is None  # The repository's own conf/sets.yaml is well formed.


def test_optional_references_are_not_required(tmp_path, monkeypatch):
    root = _tmp_root(tmp_path, monkeypatch, "external: []\n")
    folder = root / "examples" / "opt"
    folder.mkdir(parents=True)
    (folder / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n"
        "    - name: web\n      image: nginx\n      envFrom:\n"
        "        - secretRef:\n            name: maybe\n            optional: true\n",
        "utf-8",
    )
    assert run(folder, root=root).findings == []
