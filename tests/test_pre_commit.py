"""The pre-commit hooks: local, running this repository's own pinned tools on changed files."""

from __future__ import annotations

import importlib
from pathlib import Path

import yaml

from tools.check_changed_examples import targets
from tools.workflow_lint import executable

ROOT = Path(__file__).resolve().parents[1]


def hooks() -> list[dict]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return [hook for repo in config["repos"] for hook in repo["hooks"]]


def test_a_changed_example_is_checked_with_its_whole_folder() -> None:
    changed = [
        "examples/kubernetes/pods/pod-app.yaml",
        "examples/kubernetes/pods/configmap.yaml",
        "docs/kubernetes/pods.md",
        "README.md",
    ]
    assert targets(changed) == ["examples/kubernetes/pods", "docs/kubernetes/pods.md"]


def test_nothing_to_check_when_no_example_or_page_changed() -> None:
    assert targets(["noxfile.py", "conf/versions.yaml"]) == []


def test_the_hooks_run_the_checker_yamllint_ruff_and_the_workflow_checks() -> None:
    entries = {hook["id"]: hook["entry"] for hook in hooks()}
    assert entries["yamllint"].endswith("-c conf/yamllint.yaml")
    assert {"examplecheck", "ruff-check", "ruff-format", "workflow-lint"} <= entries.keys()


def test_every_hook_entry_exists() -> None:
    for hook in hooks():
        assert hook["language"] == "system", hook["id"]
        words = hook["entry"].split()
        if words[:2] == ["python", "-m"]:
            importlib.import_module(words[2])  # a module of this repository
        else:
            assert Path(executable(words[0])).exists(), hook["id"]  # installed from requirements
