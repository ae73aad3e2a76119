"""The three output formats of the issue's contract."""

from __future__ import annotations

import json

import pytest

from examplecheck.findings import Finding, Report, Severity
from examplecheck.report import github_line, render


def _report() -> Report:
    report = Report()
    report.files = {"b/Dockerfile": "dockerfile", "a/x.yaml": "kubernetes", "c.txt": "exception"}
    report.extend(
        [
            Finding("b/Dockerfile", 3, 1, Severity.WARNING, "DL3025", "hadolint", "Use JSON"),
            Finding("a/x.yaml", 7, 5, Severity.ERROR, "k8s-schema", "kubeconform", "bad\nvalue"),
            Finding("a/x.yaml", 2, 1, Severity.INFO, "note", "helm", "fyi"),
        ]
    )
    return report


def test_text_is_sorted_lines_and_a_summary():
    lines = render(_report(), "text").splitlines()
    assert lines == [
        "a/x.yaml:2:1: info note fyi [helm]",
        "a/x.yaml:7:5: error k8s-schema bad value [kubeconform]",
        "b/Dockerfile:3:1: warning DL3025 Use JSON [hadolint]",
        "examplecheck failed: 3 files (1 listed in conf/exceptions.yaml), 1 errors, "
        "1 warnings, 1 notes",
    ]


def test_json_has_findings_and_summary_only():
    data = json.loads(render(_report(), "json"))
    assert set(data) == {"findings", "summary"}
    assert data["summary"] == {"files": 3, "errors": 1, "warnings": 1, "infos": 1}
    assert data["findings"][1] == {
        "path": "a/x.yaml",
        "line": 7,
        "column": 5,
        "severity": "error",
        "rule": "k8s-schema",
        "tool": "kubeconform",
        "message": "bad\nvalue",
    }


def test_github_annotations():
    lines = render(_report(), "github").splitlines()
    assert lines == [
        "::notice file=a/x.yaml,line=2,col=1,title=note::fyi",
        "::error file=a/x.yaml,line=7,col=5,title=k8s-schema::bad%0Avalue",
        "::warning file=b/Dockerfile,line=3,col=1,title=DL3025::Use JSON",
    ]


def test_github_escapes_and_whole_file_findings():
    finding = Finding("a,b:c.yaml", 0, 0, Severity.ERROR, "r", "t", "100% sure")
    assert github_line(finding) == "::error file=a%2Cb%3Ac.yaml,title=r::100%25 sure"


def test_empty_report_passes():
    assert render(Report(), "text") == (
        "examplecheck passed: 0 files (0 listed in conf/exceptions.yaml), 0 errors, "
        "0 warnings, 0 notes\n"
    )
    assert render(Report(), "github") == ""


def test_unknown_format():
    with pytest.raises(ValueError):
        render(Report(), "xml")
