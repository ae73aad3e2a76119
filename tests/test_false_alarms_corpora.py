"""False alarms seen on third-party example corpora, each on a fixture that the real tools
accept, and the near miss beside it that they still reject."""

from __future__ import annotations

from pathlib import Path

import pytest

from examplecheck.api import check_paths
from examplecheck.findings import Severity

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "false-alarms"
VERSIONS = ["1.37"]


def _errors(path: Path) -> list[tuple[int, str]]:
    report = check_paths([path], root=ROOT, kubernetes_versions=VERSIONS)
    return [(f.line, f.rule) for f in report.findings if f.severity is Severity.ERROR]


@pytest.mark.parametrize("name", ["empty-docs.yaml", "statefulset.yaml"])
def test_accepted_by_kubectl_and_quiet_here(name):
    assert _errors(FIXTURES / name) == []


def _variant(tmp_path: Path, name: str, old: str, new: str) -> Path:
    path = tmp_path / name
    text = (FIXTURES / name).read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_a_document_with_content_but_no_kind_is_still_reported(tmp_path):
    path = _variant(tmp_path, "empty-docs.yaml", "# only a comment\n", "metadata: {}\n")
    assert _errors(path) == [(8, "kubernetes-object-incomplete")]


def test_a_toleration_operator_outside_the_documented_set_is_still_reported(tmp_path):
    path = _variant(tmp_path, "statefulset.yaml", "operator: Gt", "operator: Gte")
    assert _errors(path) == [(18, "k8s-invalid-value")]


def test_a_claim_no_template_provides_is_still_reported(tmp_path):
    path = _variant(
        tmp_path,
        "statefulset.yaml",
        "      volumes:\n        - name: data",
        "      volumes:\n        - name: other",
    )
    text = path.read_text(encoding="utf-8").replace(
        "- name: data\n              mountPath", "- name: other\n              mountPath"
    )
    path.write_text(text, encoding="utf-8")
    assert (30, "k8s-pvc-missing") in _errors(path)
