"""The workflow checks of `nox -s lint`: they pass on .github/ and each catches a seeded mistake."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import yaml

from tools.workflow_lint import Result, repository_checks, run_all, workflow_checks

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "workflows"
ZIZMOR_CONFIG = ROOT / ".github" / "zizmor.yml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


@cache
def results_for(fixture: str, tool: str | None = None) -> tuple[Result, ...]:
    """Run the lint checks (of one tool, or all) on a fixture; check-jsonschema takes seconds."""
    checks = workflow_checks([FIXTURES / fixture], ZIZMOR_CONFIG)
    return tuple(run_all([check for check in checks if tool in (None, check.tool)]))


@pytest.mark.slow
def test_the_repository_github_folder_passes_every_check() -> None:
    checks = repository_checks(ROOT)
    assert {check.tool for check in checks} == {"actionlint", "zizmor", "check-jsonschema"}
    failures = [result for result in run_all(checks) if not result.ok]
    assert not failures, "\n\n".join(f"{r.tool}:\n{r.output}" for r in failures)


def test_the_clean_baseline_fixture_passes() -> None:
    # Each seeded fixture is this file with one mistake, so a failure below is that mistake.
    failures = [result for result in results_for("clean.yml") if not result.ok]
    assert not failures, "\n\n".join(f"{r.tool}:\n{r.output}" for r in failures)


@pytest.mark.parametrize(
    ("fixture", "tool", "evidence"),
    [
        ("unpinned-action.yml", "zizmor", "unpinned-uses"),
        ("missing-permissions.yml", "zizmor", "excessive-permissions"),
        ("untrusted-input.yml", "zizmor", "template-injection"),
        ("untrusted-input.yml", "actionlint", "potentially untrusted"),
        ("syntax-error.yml", "actionlint", "could not parse as YAML"),
        ("syntax-error.yml", "check-jsonschema", "Failed to parse"),
        ("missing-timeout.yml", "check-jsonschema", "timeout-minutes"),
    ],
)
def test_a_seeded_mistake_is_caught_by_its_tool(fixture: str, tool: str, evidence: str) -> None:
    results = results_for(fixture, tool)
    caught = [r for r in results if r.tool == tool and not r.ok and evidence in r.output]
    assert caught, f"{tool} did not report {evidence!r} on {fixture}:\n" + "\n".join(
        f"{r.tool} exit {r.returncode}: {r.output[-400:]}" for r in results
    )


def test_every_action_is_pinned_by_commit_sha_with_its_version_in_a_comment() -> None:
    for workflow in WORKFLOWS:
        for number, line in enumerate(workflow.read_text(encoding="utf-8").splitlines(), 1):
            match = re.search(r"\buses:\s*(\S+)(.*)$", line)
            if not match or match.group(1).startswith("$/"):
                continue  # $/ is this repository's own reusable workflow
            where = f"{workflow.name}:{number}"
            assert PINNED.match(match.group(1)), f"{where}: not pinned by a full SHA"
            assert re.search(r"#\s*v\d+\.\d+\.\d+", match.group(2)), f"{where}: no # vX.Y.Z"


def test_workflows_grant_nothing_by_default_and_every_job_says_what_it_needs() -> None:
    for workflow in WORKFLOWS:
        data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
        assert data["permissions"] == {}, workflow.name
        assert "concurrency" in data, workflow.name
        for name, job in data["jobs"].items():
            assert "permissions" in job, f"{workflow.name}: job {name}"


def test_the_lint_session_runs_these_checks() -> None:
    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    assert '"tools.workflow_lint"' in noxfile
