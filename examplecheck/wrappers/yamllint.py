"""yamllint, the YAML linter, run as a library with ``conf/yamllint.yaml``."""

from __future__ import annotations

from pathlib import Path

from yamllint import linter
from yamllint.config import YamlLintConfig, YamlLintConfigError

from .. import settings
from ..findings import Finding, Severity
from ..rules import RuleSet
from ..settings import ConfigError
from ..yamlload import YAML_SYNTAX

TOOL = "yamllint"
YAMLLINT = RuleSet(
    TOOL, applies_to=("yaml",), title_ko="YAML 형식(yamllint)", title_en="YAML style (yamllint)"
)
YAMLLINT_RULES = YAMLLINT.rule(
    "yamllint",
    levels=(Severity.ERROR, Severity.WARNING),
    family=r"yamllint-(?P<code>[a-z-]+)",
    docs_url="https://yamllint.readthedocs.io/en/stable/rules.html",
    ko="yamllint의 규칙(`yamllint-key-duplicates`, `yamllint-indentation` …)입니다. 설정은 "
    "`conf/yamllint.yaml`에 있습니다. 같은 키가 두 번 나오면 파서마다 다른 값을 고르므로 "
    "오류입니다.",
    en="yamllint's rules (yamllint-key-duplicates, yamllint-indentation ...), configured in "
    "conf/yamllint.yaml; a duplicate key is an error because parsers pick different values.",
    fix_ko="메시지가 말하는 줄을 고칩니다. 중복 키는 하나를 지웁니다.",
    fix_en="Fix the line the message names; remove one of two duplicate keys.",
)


def load_config(path: Path) -> YamlLintConfig:
    """conf/yamllint.yaml; unusable: a ConfigError naming the file (and the line)."""
    settings.read_file(path, str(path))
    try:
        return YamlLintConfig(file=str(path))
    except (OSError, YamlLintConfigError) as exc:
        raise ConfigError(f"{path}: {' '.join(str(exc).split())}") from exc


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
        severity = Severity.ERROR if problem.level == "error" else Severity.WARNING
        if problem.rule:
            finding = YAMLLINT_RULES.finding(
                display, problem.line, problem.column, problem.desc,
                severity=severity, member=f"yamllint-{problem.rule}",
            )  # fmt: skip
        else:  # a syntax error the loader did not see
            finding = YAML_SYNTAX.finding(
                display, problem.line, problem.column, problem.desc, tool=TOOL
            )
        findings.append(finding)
    return findings
