"""Findings → text for people, JSON for programs, annotations for GitHub Actions.

Every finding carries what to do and where its rule is explained: the rule's remediation and
its entry on the site's rule page (``site_url`` + rules.html#<id>), from examplecheck.catalogue.
"""

from __future__ import annotations

import json

from . import catalogue
from .findings import Finding, Report, Severity

FORMATS = ("text", "json", "github")
_GITHUB_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(report: Report, fmt: str, *, site_url: str = "") -> str:
    """The whole output of a run in ``fmt``, ending with a newline.

    ``site_url`` is the published site's base URL (ending in "/"); links are relative to the
    site root ("rules.html#...") without one.
    """
    if fmt == "json":
        return render_json(report, site_url)
    if fmt == "github":
        return render_github(report, site_url)
    if fmt == "text":
        return render_text(report, site_url)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def render_text(report: Report, site_url: str = "") -> str:
    lines = []
    for finding in report.sorted_findings():
        lines.append(text_line(finding))
        lines.append(advice_line(finding, site_url))
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def text_line(finding: Finding) -> str:
    message = _one_line(finding.message)
    return (
        f"{finding.path}:{finding.line}:{finding.column}: {finding.severity} {finding.rule} "
        f"{message} [{finding.tool}]"
    )


def advice_line(finding: Finding, site_url: str = "") -> str:
    """The second line of a finding: what to do, and the rule's entry."""
    rule = catalogue.lookup(finding.rule)
    link = catalogue.docs_link(finding.rule, site_url)
    return f"    ↳ {rule.fix_ko} {link}" if rule else f"    ↳ {link}"


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
    tools = {
        check.tool for checks in report.checked_by.values() for check in checks if check.strict
    }
    if "kubeconform" in tools:
        from .kubernetes.engines.kubeconform import find_binary

        return f"Kubernetes schemas checked by the kubeconform binary ({find_binary()})"
    if "kubernetes-schema" in tools:
        return (
            "Kubernetes schemas checked by the in-process engine: no kubeconform binary "
            "(nox -s validate installs it with Go; or set KUBECONFORM=/path/to/kubeconform)"
        )
    return None


def render_json(report: Report, site_url: str = "") -> str:
    findings = []
    for finding in report.sorted_findings():
        rule = catalogue.lookup(finding.rule)
        findings.append(
            {
                **finding.to_dict(),
                "fix": rule.fix_en if rule else "",
                "fix_ko": rule.fix_ko if rule else "",
                "docs": catalogue.docs_link(finding.rule, site_url),
            }
        )
    payload = {"findings": findings, "summary": report.summary()}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def render_github(report: Report, site_url: str = "") -> str:
    return "".join(github_line(f, site_url) + "\n" for f in report.sorted_findings())


def github_line(finding: Finding, site_url: str = "") -> str:
    """A workflow command; a whole-file finding (line 0) carries no line or col."""
    properties = [f"file={_property(finding.path)}"]
    if finding.line > 0:
        properties.append(f"line={finding.line}")
        if finding.column > 0:
            properties.append(f"col={finding.column}")
    properties.append(f"title={_property(finding.rule)}")
    command = _GITHUB_COMMAND[finding.severity]
    rule = catalogue.lookup(finding.rule)
    text = "\n".join(
        [
            finding.message,
            *([rule.fix_ko] if rule else []),
            catalogue.docs_link(finding.rule, site_url),
        ]
    )
    return f"::{command} {','.join(properties)}::{_data(text)}"


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")).replace("\r", " ")


def _data(text: str) -> str:
    # Escaping of GitHub Actions workflow commands (the toolkit's escapeData).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
