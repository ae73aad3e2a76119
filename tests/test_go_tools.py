"""noxfile.py's GO_TOOLS: pinned versions, built once per session bin, loud without Go.

nox is not installed in the test environment, so noxfile.py is loaded with a stand-in
``nox`` module (its decorators return the functions) and the session is a recorder.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PINNED = re.compile(r"^[\w.-]+(/[\w.-]+)+@v\d+\.\d+\.\d+$")


class Stop(Exception):
    """session.error: nox stops the session there."""


class Session:
    def __init__(self, bin_dir: Path) -> None:
        self.bin = str(bin_dir)
        self.runs: list[tuple[tuple[str, ...], dict]] = []
        self.warnings: list[str] = []

    def run(self, *args: str, env: dict | None = None, external: bool = False) -> None:
        self.runs.append((args, env or {}))
        name = args[2].split("/")[-1].split("@")[0]  # `go install <module>@<version>`
        (Path(env["GOBIN"]) / name).write_text("built", "utf-8")

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def error(self, message: str) -> None:
        raise Stop(message)


@pytest.fixture
def noxfile(monkeypatch):
    stub = types.ModuleType("nox")
    stub.options = types.SimpleNamespace()
    stub.Session = Session
    stub.session = lambda func=None, **_: func if func else (lambda f: f)
    monkeypatch.setitem(sys.modules, "nox", stub)
    spec = importlib.util.spec_from_file_location("noxfile_under_test", ROOT / "noxfile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_go_tool_is_pinned_to_a_release(noxfile):
    assert "kubeconform" in noxfile.GO_TOOLS
    for name, module in noxfile.GO_TOOLS.items():
        assert PINNED.match(module), f"{name}: {module} is not module@vX.Y.Z"


def test_a_tool_is_built_into_the_session_bin_once(noxfile, tmp_path, monkeypatch):
    go = tmp_path / "go"
    go.write_text("#!/bin/sh\n", "utf-8")
    go.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    session = Session(tmp_path)
    noxfile._install_go_tools(session, "kubeconform")
    ((command, env),) = session.runs
    assert command == (str(go), "install", noxfile.GO_TOOLS["kubeconform"])
    assert env == {"GOBIN": str(tmp_path)}
    noxfile._install_go_tools(session, "kubeconform")  # The stamp says it is there.
    assert len(session.runs) == 1
    monkeypatch.setitem(noxfile.GO_TOOLS, "kubeconform", "example.com/kubeconform@v9.9.9")
    noxfile._install_go_tools(session, "kubeconform")  # A new pin builds again.
    assert session.runs[-1][0][2] == "example.com/kubeconform@v9.9.9"


def test_without_go_the_run_says_so_and_ci_fails(noxfile, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(noxfile, "GO_FALLBACK", tmp_path / "no-go")
    monkeypatch.delenv("CI", raising=False)
    session = Session(tmp_path)
    noxfile._install_go_tools(session, "kubeconform")
    assert session.runs == []
    assert session.warnings and "Go is not installed" in session.warnings[0]
    monkeypatch.setenv("CI", "true")
    with pytest.raises(Stop, match="CI=true needs it"):
        noxfile._install_go_tools(Session(tmp_path), "kubeconform")


def test_the_sessions_that_need_kubeconform_build_it():
    text = (ROOT / "noxfile.py").read_text("utf-8")
    for session in ("validate", "tests"):
        body = text.split(f"def {session}(session: nox.Session)", 1)[1].split("\n@nox", 1)[0]
        assert re.search(r'_install_go_tools\(session, "kubeconform"', body), session


def test_the_recording_was_made_with_the_pinned_kubeconform(noxfile):
    import json

    recording = ROOT / "tests" / "fixtures" / "kubernetes" / "kubeconform" / "recorded.json"
    recorded_with = json.loads(recording.read_text("utf-8"))["recorded_with"]
    assert recorded_with == noxfile.GO_TOOLS["kubeconform"]  # Re-record after a bump.
