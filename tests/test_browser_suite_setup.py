"""The browser suite never passes silently without a browser: loud skip locally, failure in CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_suite_without_browser(tmp_path: Path, *, ci: bool) -> subprocess.CompletedProcess[str]:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text('<html lang="ko"><h1>x</h1></html>', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env |= {"HANDBOOK_SITE": str(site), "BROWSER_EXECUTABLE": str(tmp_path / "no-chromium")}
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/browser/test_suite_runs.py::test_the_home_page_renders_in_korean",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_missing_browser_is_a_loud_skip_locally(tmp_path: Path) -> None:
    result = run_suite_without_browser(tmp_path, ci=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert "BROWSER SUITE DID NOT RUN" in result.stdout
    assert "NOT tested in a browser" in result.stdout


@pytest.mark.slow
def test_missing_browser_fails_with_ci_true(tmp_path: Path) -> None:
    result = run_suite_without_browser(tmp_path, ci=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "CI=true: a missing browser fails the run" in result.stdout
