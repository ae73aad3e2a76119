"""The three output formats of the issue's contract."""

from __future__ import annotations

import json

import pytest

from examplecheck.catalogue import lookup
from examplecheck.findings import Finding, Report, Severity
from examplecheck.report import github_line, render


def _report() -> Report:
    report = Report()
    report.files = {"b/Dockerfile": "dockerfile", "a/x.yaml": "kubernetes", "c.txt": "exception"}
    report.extend(
        [
            Finding("b/Dockerfile", 3, 1, Severity.WARNING, "DL3025", "hadolint", "Use JSON"),
            Finding(
                "a/x.yaml", 7, 5, Severity.ERROR, "k8s-schema-type", "kubeconform", "bad\nvalue"
            ),
            Finding("a/x.yaml", 2, 1, Severity.INFO, "command-not-checked", "cli-help", "fyi"),
        ]
    )
    return report


SITE = "https://example.github.io/handbook/"


def test_text_is_sorted_lines_with_advice_and_a_summary():
    lines = render(_report(), "text", site_url=SITE).splitlines()
    assert lines[::2] == [
        "a/x.yaml:2:1: info command-not-checked fyi [cli-help]",
        "a/x.yaml:7:5: error k8s-schema-type bad value [kubeconform]",
        "b/Dockerfile:3:1: warning DL3025 Use JSON [hadolint]",
        "examplecheck failed: 3 files (1 listed in conf/exceptions.yaml), 1 errors, "
        "1 warnings, 1 notes",
    ]
    # Under each finding: what to do (the rule's remediation) and the rule's entry.
    schema = lookup("k8s-schema-type")
    assert lines[3] == f"    ↳ {schema.fix_ko} {SITE}rules.html#k8s-schema-type"
    # A wrapped tool's own code links to the tool's page for it.
    assert lines[5].endswith(" https://github.com/hadolint/hadolint/wiki/DL3025")


def test_an_unregistered_rule_still_gets_a_link_to_the_rule_page():
    report = Report()
    report.extend([Finding("x.yaml", 1, 1, Severity.ERROR, "no-such-rule", "t", "m")])
    assert render(report, "text").splitlines()[1] == "    ↳ rules.html"


def test_json_has_findings_and_summary_only():
    data = json.loads(render(_report(), "json"))
    assert set(data) == {"findings", "summary"}
    assert data["summary"] == {"files": 3, "errors": 1, "warnings": 1, "infos": 1}
    schema = lookup("k8s-schema-type")
    assert data["findings"][1] == {
        "path": "a/x.yaml",
        "line": 7,
        "column": 5,
        "severity": "error",
        "rule": "k8s-schema-type",
        "tool": "kubeconform",
        "message": "bad\nvalue",
        "fix": schema.fix_en,
        "fix_ko": schema.fix_ko,
        "docs": "rules.html#k8s-schema-type",
    }


def test_github_annotations():
    lines = render(_report(), "github", site_url=SITE).splitlines()
    fix = lookup("k8s-schema-type").fix_ko
    assert [line.split("::")[1] for line in lines] == [
        "notice file=a/x.yaml,line=2,col=1,title=command-not-checked",
        "error file=a/x.yaml,line=7,col=5,title=k8s-schema-type",
        "warning file=b/Dockerfile,line=3,col=1,title=DL3025",
    ]
    assert lines[1].endswith(f"::bad%0Avalue%0A{fix}%0A{SITE}rules.html#k8s-schema-type")


def test_github_escapes_and_whole_file_findings():
    finding = Finding("a,b:c.yaml", 0, 0, Severity.ERROR, "r", "t", "100% sure")
    assert github_line(finding) == "::error file=a%2Cb%3Ac.yaml,title=r::100%25 sure%0Arules.html"


def test_empty_report_passes():
    assert render(Report(), "text") == (
        "examplecheck passed: 0 files (0 listed in conf/exceptions.yaml), 0 errors, "
        "0 warnings, 0 notes\n"
    )
    assert render(Report(), "github") == ""


def test_unknown_format():
    with pytest.raises(ValueError):
        render(Report(), "xml")
