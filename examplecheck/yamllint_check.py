"""yamllint, the YAML linter, run as a library with ``conf/yamllint.yaml``."""

from __future__ import annotations

from pathlib import Path

from yamllint import linter
from yamllint.config import YamlLintConfig, YamlLintConfigError

from .conffile import load_problem
from .findings import Finding, Severity
from .yamlload import load_yaml

TOOL = "yamllint"


class YamllintConfigUnusable(Exception):
    """conf/yamllint.yaml cannot be read: the checker cannot run."""


def load_config(path: Path) -> YamlLintConfig:
    """conf/yamllint.yaml; unusable: one line naming the file (and the line, for YAML errors)."""
    loaded = load_yaml(path, path.name)
    if loaded.findings or not loaded.documents:
        raise YamllintConfigUnusable(load_problem(str(path), loaded.findings))
    try:
        return YamlLintConfig(file=str(path))
    except (OSError, YamlLintConfigError) as exc:
        raise YamllintConfigUnusable(f"{path}: {' '.join(str(exc).split())}") from exc


def lint(
    text: str, display: str, config: YamlLintConfig, *, has_syntax_finding: bool
) -> list[Finding]:
    """yamllint's problems as findings; rule ids are ``yamllint-<rule>``.

    A syntax error is already reported by the loader (rule yaml-syntax), so yamllint's copy
    of it is dropped when ``has_syntax_finding``. The config's ``ignore:`` list is for the
    repository-wide ``yamllint .`` of the lint session; examplecheck lints what it is given.
    """
    findings = []
    # filepath=None: yamllint would otherwise return nothing for paths its ignore list names.
    for problem in linter.run(text, config, None):
        if problem.rule is None and has_syntax_finding:
            continue
        rule = f"yamllint-{problem.rule}" if problem.rule else "yaml-syntax"
        severity = Severity.ERROR if problem.level == "error" else Severity.WARNING
        findings.append(
            Finding(display, problem.line, problem.column, severity, rule, TOOL, problem.desc)
        )
    return findings
