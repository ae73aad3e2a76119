"""The site build treats every warning as a failure (issue: foundation)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def nox_sphinx_args() -> list[str]:
    """The sphinx-build arguments of `nox -s docs`, read from noxfile.py (one source of truth)."""
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "SPHINX_ARGS" for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError("noxfile.py has no SPHINX_ARGS")


def test_docs_session_fails_on_warnings() -> None:
    args = nox_sphinx_args()
    assert {"-n", "-W", "--keep-going"} <= set(args)
    assert args[-2:] == ["docs", "build/html"]


def copy_site(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "_build")
    for name in ("docs", "examples", "conf", "examplecheck"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    shutil.copy(ROOT / "noxfile.py", dest / "noxfile.py")
    return dest


@pytest.mark.slow
def test_broken_cross_reference_fails_the_build(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "site")
    page = site / "docs" / "intro.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\n\n{doc}`없는-페이지로-가는-링크`\n", encoding="utf-8"
    )
    args = [a for a in nox_sphinx_args()]
    args[-1] = str(tmp_path / "html")
    args[-2] = str(site / "docs")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", *args, "-d", str(tmp_path / "doctrees")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode != 0
    assert "없는-페이지로-가는-링크" in result.stderr
    assert "intro.md" in result.stderr
    # --keep-going still writes the pages: the output is Korean HTML.
    index = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert '<html class="no-js" lang="ko"' in index or 'lang="ko"' in index.split(">", 2)[1]
