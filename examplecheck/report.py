"""Findings → text for people, JSON for programs, annotations for GitHub Actions."""

from __future__ import annotations

import json

from .findings import Finding, Report, Severity

FORMATS = ("text", "json", "github")
_GITHUB_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(report: Report, fmt: str) -> str:
    """The whole output of a run in ``fmt``, ending with a newline."""
    if fmt == "json":
        return render_json(report)
    if fmt == "github":
        return render_github(report)
    if fmt == "text":
        return render_text(report)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def render_text(report: Report) -> str:
    lines = [text_line(f) for f in report.sorted_findings()]
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def text_line(finding: Finding) -> str:
    message = _one_line(finding.message)
    return (
        f"{finding.path}:{finding.line}:{finding.column}: {finding.severity} {finding.rule} "
        f"{message} [{finding.tool}]"
    )


def summary_line(report: Report) -> str:
    summary = report.summary()
    excepted = sum(1 for kind in report.files.values() if kind == "exception")
    status = "failed" if report.has_errors() else "passed"
    return (
        f"examplecheck {status}: {summary['files']} files "
        f"({excepted} listed in conf/exceptions.yaml), {summary['errors']} errors, "
        f"{summary['warnings']} warnings, {summary['infos']} notes"
    )


def schema_engine_line(report: Report) -> str | None:
    """Which engine checked the Kubernetes schemas in this run (None if none did)."""
    # The labels the Kubernetes checker gives files: "<tool> (Kubernetes 1.33–1.37, strict)".
    tools = {
        label.split(" (", 1)[0]
        for labels in report.checked_by.values()
        for label in labels
        if label.endswith(", strict)")
    }
    if "kubeconform" in tools:
        from .kubernetes.kubeconform import find_binary

        return f"Kubernetes schemas checked by the kubeconform binary ({find_binary()})"
    if "kubernetes-schema" in tools:
        return (
            "Kubernetes schemas checked by the in-process engine: no kubeconform binary "
            "(nox -s validate installs it with Go; or set KUBECONFORM=/path/to/kubeconform)"
        )
    return None


def render_json(report: Report) -> str:
    payload = {
        "findings": [f.to_dict() for f in report.sorted_findings()],
        "summary": report.summary(),
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def render_github(report: Report) -> str:
    return "".join(github_line(f) + "\n" for f in report.sorted_findings())


def github_line(finding: Finding) -> str:
    """A workflow command; a whole-file finding (line 0) carries no line or col."""
    properties = [f"file={_property(finding.path)}"]
    if finding.line > 0:
        properties.append(f"line={finding.line}")
        if finding.column > 0:
            properties.append(f"col={finding.column}")
    properties.append(f"title={_property(finding.rule)}")
    command = _GITHUB_COMMAND[finding.severity]
    return f"::{command} {','.join(properties)}::{_data(finding.message)}"


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")).replace("\r", " ")


def _data(text: str) -> str:
    # Escaping of GitHub Actions workflow commands (the toolkit's escapeData).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
