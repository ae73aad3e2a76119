"""Helm charts: helm_python lint and render, rendered manifests to the Kubernetes checker,
and findings moved back to the template lines."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from examplecheck.api import check_paths
from examplecheck.executables import CheckerCouldNotRun
from examplecheck.findings import Check, Finding, Severity
from examplecheck.wrappers.helm import RenderedTemplate

ROOT = Path(__file__).resolve().parents[1]
HELM = ROOT / "tests" / "fixtures" / "helm"
PREFIX = "tests/fixtures/helm"


def _recording_checker(found: list, extra=()):
    def checker(documents, *, versions, root, engine="auto"):
        found.extend(documents)
        return SimpleNamespace(
            findings=list(extra),
            checked_by={d.path: [Check("kubernetes-schema")] for d in documents},
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
    assert report.tools_of(f"{PREFIX}/good/templates/deployment.yaml") == [
        "helm-lint",
        "helm-render",
        "kubernetes-schema",
    ]
    assert report.tools_of(f"{PREFIX}/good/Chart.yaml") == ["yamllint", "helm-lint"]
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


# --- every values set the chart ships ---------------------------------------------------------

HANDBOOK_CHART = ROOT / "examples" / "helm" / "web-app"


def _examplecheck(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "examplecheck", *args, "--root", str(ROOT), "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _errors(completed: subprocess.CompletedProcess) -> list[dict]:
    return [f for f in json.loads(completed.stdout)["findings"] if f["severity"] == "error"]


def _chart_copy(tmp_path: Path, replace_in_prod: tuple[str, str] | None = None) -> Path:
    chart = tmp_path / "web-app"
    shutil.copytree(HANDBOOK_CHART, chart)
    if replace_in_prod is not None:
        prod = chart / "values-prod.yaml"
        old, new = replace_in_prod
        text = prod.read_text(encoding="utf-8")
        assert old in text
        prod.write_text(text.replace(old, new), encoding="utf-8")
    return chart


def test_the_handbook_chart_copy_passes_with_every_values_file(tmp_path):
    completed = _examplecheck(str(_chart_copy(tmp_path)))
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_replica_count_as_text_in_values_prod_fails_examplecheck(tmp_path):
    chart = _chart_copy(tmp_path, ("replicaCount: 3", "replicaCount: three"))
    completed = _examplecheck(str(chart))
    assert completed.returncode == 1, completed.stderr
    [error] = _errors(completed)
    # On the values line that set it (`replicaCount: three`, the value at column 15).
    assert (error["path"], error["line"], error["column"]) == (
        (chart / "values-prod.yaml").as_posix(),
        3,
        15,
    )
    assert error["rule"] == "k8s-schema-type"
    assert "rendered with -f values-prod.yaml" in error["message"]
    assert "templates/deployment.yaml:8" in error["message"]  # `replicas: {{ ... }}`


def test_a_value_copied_by_to_yaml_goes_to_its_values_line(tmp_path):
    chart = _chart_copy(tmp_path, ("    cpu: 200m", "    cpu: lots"))
    [error] = _errors(_examplecheck(str(chart)))
    assert (error["path"], error["line"], error["rule"]) == (
        (chart / "values-prod.yaml").as_posix(),
        7,
        "k8s-invalid-quantity",
    )


def test_the_defaults_render_still_reports_once(tmp_path):
    # A template mistake shows in every render: reported once, from values.yaml alone.
    chart = _chart_copy(tmp_path)
    template = chart / "templates" / "deployment.yaml"
    template.write_text(
        template.read_text(encoding="utf-8").replace("runAsNonRoot: true", "runAsNonRoot: yes!"),
        encoding="utf-8",
    )
    errors = _errors(_examplecheck(str(chart)))
    assert [(e["path"], e["line"]) for e in errors] == [(template.as_posix(), 18)], errors
    assert "rendered with" not in errors[0]["message"]


def test_values_schema_failure_points_at_the_values_line(tmp_path):
    chart = tmp_path / "good"
    shutil.copytree(HELM / "good", chart)
    (chart / "values.schema.json").write_text(
        '{"type": "object", "properties": {"replicas": {"type": "integer"}}}\n'
    )
    (chart / "values-bad.yaml").write_text("# one value wrong\nreplicas: two\n")
    report = check_paths([chart], root=ROOT, kubernetes_checker=_recording_checker([]))
    errors = {
        (f.path, f.line, f.column, f.rule) for f in report.findings if f.severity is Severity.ERROR
    }
    assert errors == {((chart / "values-bad.yaml").as_posix(), 2, 11, "helm-lint")}
