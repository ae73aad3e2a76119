"""noxfile.py: one session per verb, each with a one-line description for `nox -l`."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def sessions() -> dict[str, str | None]:
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    found: dict[str, str | None] = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for deco in node.decorator_list:
            target = deco.func if isinstance(deco, ast.Call) else deco
            if isinstance(target, ast.Attribute) and target.attr == "session":
                name = node.name
                if isinstance(deco, ast.Call):
                    for kw in deco.keywords:
                        if kw.arg == "name":
                            name = ast.literal_eval(kw.value)
                found[name] = ast.get_docstring(node)
    return found


def default_sessions() -> list[str]:
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Attribute)
            and node.targets[0].attr == "sessions"
        ):
            return ast.literal_eval(node.value)
    raise AssertionError("nox.options.sessions is not set")


def test_every_verb_has_a_session_with_a_description() -> None:
    found = sessions()
    verbs = ("docs", "validate", "apiserver", "tests", "lint", "browser", "preview", "linkcheck")
    for verb in verbs:
        assert verb in found, verb
        assert found[verb] and "\n" not in found[verb].strip(), f"{verb}: one-line docstring"


def test_default_run_is_what_a_pull_request_must_pass() -> None:
    expected = {"validate", "apiserver", "tests", "lint", "docs", "browser"}
    assert set(default_sessions()) == expected
    # the browser suite tests the built site, so it runs after the docs build
    assert default_sessions().index("browser") > default_sessions().index("docs")
    assert "linkcheck" not in default_sessions()
    assert "preview" not in default_sessions()


def test_requirements_are_pinned_exactly() -> None:
    lines = [
        line.strip()
        for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines
    unpinned = [line for line in lines if "==" not in line]
    assert unpinned == []
