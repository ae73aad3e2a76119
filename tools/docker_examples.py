"""Build every Dockerfile and resolve every Compose file under ``examples/`` with the real Docker.

The CI ``docker`` job runs this on a runner with a Docker Engine. A Dockerfile whose folder holds
every file its COPY/ADD instructions read is built for real (``docker build``); one whose COPY
sources are missing from its folder cannot be, so BuildKit's checks run on it instead
(``docker build --check``) and the log says which files were missing. Each Compose
file is resolved with ``docker compose config``, together with the override files of its folder.
Exit status: 0 all passed, 1 something failed, 2 unusable input.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from examplecheck import discover
from examplecheck.discover import EXAMPLES

ROOT = Path(__file__).resolve().parents[1]
BASE_COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
OVERRIDE_COMPOSE = re.compile(r"^(docker-)?compose\.[\w-]+\.ya?ml$")
COMPOSE_NAME = re.compile(r"[^/]*compose[^/]*\.ya?ml$")
REMOTE_SOURCE = re.compile(r"^(https?://|git@|[\w.-]+\.git$)")

Runner = Callable[[list[str]], subprocess.CompletedProcess]


@dataclass(frozen=True)
class DockerfilePlan:
    dockerfile: Path
    missing: tuple[str, ...]  # COPY/ADD sources absent from the folder: check only, no build


def is_dockerfile(path: Path) -> bool:
    name = path.name
    return name == "Dockerfile" or name.endswith(".Dockerfile") or name.startswith("Dockerfile.")


def instructions(text: str) -> list[str]:
    """Logical instruction lines: comments dropped, backslash continuations joined."""
    joined, current = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        joined.append(current + line)
        current = ""
    if current:
        joined.append(current)
    return joined


def local_sources(instruction: str) -> list[str]:
    """The build-context paths a COPY or ADD reads (none when it copies from a stage or URL)."""
    keyword, _, rest = instruction.partition(" ")
    if keyword.upper() not in {"COPY", "ADD"} or "<<" in rest:
        return []  # heredocs carry their content inline
    words = shlex.split(rest)
    flags = [word for word in words if word.startswith("--")]
    if any(flag.startswith("--from") for flag in flags):
        return []
    arguments = [word for word in words if not word.startswith("--")]
    if arguments and arguments[0].startswith("["):
        arguments = json.loads(rest[rest.index("[") :])
    sources = arguments[:-1]
    return [source for source in sources if not REMOTE_SOURCE.match(source)]


def missing_sources(dockerfile: Path) -> tuple[str, ...]:
    context = dockerfile.parent
    missing = []
    for instruction in instructions(dockerfile.read_text(encoding="utf-8")):
        for source in local_sources(instruction):
            pattern = source.lstrip("/") or "."
            if pattern in {".", "./"} or any(context.glob(pattern)):
                continue
            missing.append(source)
    return tuple(missing)


def plan_dockerfiles(root: Path) -> list[DockerfilePlan]:
    files = [root / f for f in discover.example_files(root) if is_dockerfile(root / f)]
    return [DockerfilePlan(path, missing_sources(path)) for path in files]


def compose_commands(root: Path) -> list[list[str]]:
    """``docker compose config`` command lines: each base file, alone and with each override."""
    commands = []
    composed = [root / f for f in discover.example_files(root) if COMPOSE_NAME.search(f)]
    for folder in sorted({p.parent for p in composed}):
        bases = [folder / name for name in BASE_COMPOSE_FILES if (folder / name).is_file()]
        overrides = sorted(p for p in folder.iterdir() if OVERRIDE_COMPOSE.match(p.name))
        for base in bases[:1]:  # Compose itself reads only the first of these names
            commands.append(["docker", "compose", "-f", str(base), "config", "--quiet"])
            for override in overrides:
                commands.append(
                    ["docker", "compose", "-f", str(base), "-f", str(override), "config", "--quiet"]
                )
        if not bases:
            for override in overrides:
                commands.append(["docker", "compose", "-f", str(override), "config", "--quiet"])
    return commands


def build_command(plan: DockerfilePlan) -> list[str]:
    command = ["docker", "build", "--file", str(plan.dockerfile)]
    if plan.missing:
        command.append("--check")
    return [*command, str(plan.dockerfile.parent)]


def run_command(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=1800)


def main(argv: list[str] | None = None, run: Runner = run_command, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", action="store_true", help="print the commands; run nothing")
    args = parser.parse_args(argv)
    if not (root / EXAMPLES).is_dir():
        print(f"docker-examples: no {EXAMPLES}/ folder under {root}", file=sys.stderr)
        return 2
    commands = []
    for plan in plan_dockerfiles(root):
        if plan.missing:
            shown = plan.dockerfile.relative_to(root).as_posix()
            print(
                f"::notice file={shown}::not built: the folder lacks {', '.join(plan.missing)} "
                "(the reader's project provides them); running BuildKit checks only"
            )
        commands.append(build_command(plan))
    commands += compose_commands(root)
    failed = 0
    for command in commands:
        print(f"$ {shlex.join(command)}", flush=True)
        if args.plan:
            continue
        done = run(command)
        print(done.stdout + done.stderr, flush=True)
        if done.returncode != 0:
            failed += 1
            target = next(part for part in reversed(command) if part.startswith(str(root)))
            shown = Path(target).relative_to(root).as_posix()
            print(f"::error file={shown}::{shlex.join(command[:3])} failed (see the log)")
    print(f"{len(commands)} commands, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
