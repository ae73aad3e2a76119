"""Helm charts: helm_python lint and render, rendered manifests to the Kubernetes checker,
and findings moved back to the template lines."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from examplecheck.api import check_paths
from examplecheck.findings import Finding, Severity
from examplecheck.helm_chart import RenderedTemplate
from examplecheck.tools import CheckerCouldNotRun

ROOT = Path(__file__).resolve().parents[1]
HELM = ROOT / "tests" / "fixtures" / "helm"
PREFIX = "tests/fixtures/helm"


def _recording_checker(found: list, extra=()):
    def checker(documents, *, versions, root, engine="auto"):
        found.extend(documents)
        return SimpleNamespace(
            findings=list(extra),
            checked_by={d.path: ["kubernetes-schema"] for d in documents},
            fatal=None,
        )

    return checker


def test_good_chart_is_linted_rendered_and_schema_checked():
    documents: list = []
    report = check_paths(
        [HELM / "good"], root=ROOT, kubernetes_checker=_recording_checker(documents)
    )
    assert report.findings == []
    [deployment] = documents
    assert deployment.path == f"{PREFIX}/good/templates/deployment.yaml"
    assert deployment.data["metadata"]["name"] == "example-web"  # rendered with release name
    assert deployment.data["spec"]["replicas"] == 2  # and the chart's values.yaml
    assert report.checked_by[f"{PREFIX}/good/templates/deployment.yaml"] == [
        "helm-lint",
        "helm-render",
        "kubernetes-schema",
    ]
    assert report.checked_by[f"{PREFIX}/good/Chart.yaml"] == ["yamllint", "helm-lint"]
    assert report.files[f"{PREFIX}/good/templates/NOTES.txt"] == "helm-template"


def test_render_error_points_at_the_template_line():
    report = check_paths(
        [HELM / "render-error"], root=ROOT, kubernetes_checker=_recording_checker([])
    )
    assert [(f.path, f.line, f.column, f.rule) for f in report.findings] == [
        (f"{PREFIX}/render-error/templates/configmap.yaml", 6, 19, "helm-lint")
    ]


def test_lint_error_in_chart_metadata_goes_to_chart_yaml():
    report = check_paths(
        [HELM / "lint-error"], root=ROOT, kubernetes_checker=_recording_checker([])
    )
    errors = {(f.path, f.line, f.rule) for f in report.findings if f.severity is Severity.ERROR}
    assert errors == {(f"{PREFIX}/lint-error/Chart.yaml", 4, "helm-lint")}  # `version:`
    assert any("not-a-version" in f.message for f in report.findings)


def test_kubernetes_findings_on_rendered_lines_move_to_template_lines():
    # The fake reports on line 18 of the *rendered* manifest (`imagePullPolicy: Sometimes`),
    # which is line 20 of the template: two template-only lines render to nothing.
    path = f"{PREFIX}/bad-manifest/templates/deployment.yaml"
    rendered_finding = Finding(path, 18, 28, Severity.ERROR, "k8s-invalid-value", "fake", "bad")
    report = check_paths(
        [HELM / "bad-manifest"],
        root=ROOT,
        kubernetes_checker=_recording_checker([], [rendered_finding]),
    )
    [finding] = report.findings
    assert (finding.path, finding.line, finding.column) == (path, 20, 28)


def test_with_the_real_kubernetes_checker():
    pytest.importorskip("examplecheck.kubernetes")
    report = check_paths([HELM / "bad-manifest"], root=ROOT, kubernetes_versions=["1.35"])
    found = {(f.path, f.line, f.rule) for f in report.findings}
    path = f"{PREFIX}/bad-manifest/templates/deployment.yaml"
    assert (path, 21, "k8s-schema-unknown-field") in found  # `portz:`
    assert (path, 20, "k8s-invalid-value") in found  # imagePullPolicy: Sometimes


def test_template_position_heuristics():
    template = RenderedTemplate(
        "t.yaml",
        template_lines=["metadata:", "  name: {{ .Release.Name }}", "spec:", "  replicas: 2"],
        rendered_lines=["# Source: x", "metadata:", "  name: example", "spec:", "  replicas: 2"],
    )
    assert template.template_position(5, 13) == (4, 13, True)  # same text
    assert template.template_position(3, 9) == (2, 3, True)  # same key
    assert template.template_position(1, 1) == (1, 1, False)  # nothing alike


def test_helm_python_missing_means_the_checker_cannot_run(monkeypatch):
    monkeypatch.setitem(sys.modules, "helm_python", None)
    with pytest.raises(CheckerCouldNotRun, match="helm_python"):
        check_paths([HELM / "good"], root=ROOT, kubernetes_checker=_recording_checker([]))


def test_render_failure_after_a_clean_lint_is_helm_render(monkeypatch):
    import helm_python

    monkeypatch.setattr(helm_python, "lint", lambda *a, **k: {"messages": [], "errors": []})
    report = check_paths(
        [HELM / "render-error"], root=ROOT, kubernetes_checker=_recording_checker([])
    )
    assert [(f.path, f.line, f.rule) for f in report.findings] == [
        (f"{PREFIX}/render-error/templates/configmap.yaml", 6, "helm-render")
    ]
