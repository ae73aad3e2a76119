"""The command line: exit statuses 0/1/2, formats, and bad input as findings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from examplecheck import cli, run
from examplecheck.findings import Check
from examplecheck.wrappers import docker_compose

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = "tests/fixtures"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


@pytest.fixture
def fake_kubernetes(monkeypatch):
    calls = []

    def checker(documents, *, versions, root, engine="auto"):
        calls.append((len(documents), list(versions)))
        return SimpleNamespace(
            findings=[], checked_by={d.path: [Check("fake")] for d in documents}, fatal=None
        )

    monkeypatch.setattr(run, "load_kubernetes_checker", lambda: checker)
    return calls


def test_clean_input_exits_0(capsys):
    assert cli.main([f"{FIXTURES}/dockerfile/good"]) == 0
    assert capsys.readouterr().out.startswith("examplecheck passed: 3 files")


def test_errors_exit_1_with_file_line_rule(capsys):
    assert cli.main([f"{FIXTURES}/dockerfile/unknown-instruction"]) == 1
    out = capsys.readouterr().out
    assert (
        "tests/fixtures/dockerfile/unknown-instruction/Dockerfile:2:1: error "
        "dockerfile-unknown-instruction unknown instruction 'FORM'"
    ) in out
    assert out.rstrip().splitlines()[-1].startswith("examplecheck failed:")


def test_warnings_alone_exit_0(tmp_path, capsys):
    compose = tmp_path / "compose.yaml"
    compose.write_text('version: "3"\nservices:\n  web:\n    image: nginx:1.27\n')
    assert cli.main([str(compose)]) == 0
    assert "compose-version-obsolete" in capsys.readouterr().out


def test_missing_path_exits_2_with_one_line(capsys):
    assert cli.main(["no/such/path"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such file or folder" in err


def test_bad_kubernetes_version_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--kubernetes-version", "latest", f"{FIXTURES}/yaml/good.yaml"])
    assert exit_info.value.code == 2


def test_kubernetes_versions_and_one_call_for_all_documents(fake_kubernetes):
    status = cli.main(
        [
            "--kubernetes-version",
            "1.34",
            "--kubernetes-version",
            "1.35",
            f"{FIXTURES}/classify/manifest",
            f"{FIXTURES}/helm/good",
        ]
    )
    assert status == 1  # two-docs.yaml has a document without kind
    assert fake_kubernetes == [(2, ["1.34", "1.35"])]  # the ConfigMap + the rendered Deployment


def test_kubernetes_checker_that_cannot_run_exits_2(monkeypatch, capsys):
    fatal = SimpleNamespace(findings=[], checked_by={}, fatal="no schemas for 1.99")
    monkeypatch.setattr(run, "load_kubernetes_checker", lambda: lambda docs, **kw: fatal)
    assert cli.main([f"{FIXTURES}/classify/manifest"]) == 2
    assert "no schemas for 1.99" in capsys.readouterr().err


def test_missing_tool_exits_2(monkeypatch, capsys):
    monkeypatch.setenv("HADOLINT", "/nonexistent/hadolint")
    assert cli.main([f"{FIXTURES}/dockerfile/good"]) == 2
    assert "HADOLINT" in capsys.readouterr().err


def test_helm_python_unavailable_exits_2(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "helm_python", None)  # import raises ImportError
    assert cli.main([f"{FIXTURES}/helm/good"]) == 2
    assert "helm_python" in capsys.readouterr().err


def test_a_crash_in_a_check_is_a_finding_not_a_traceback(monkeypatch, capsys):
    def boom(*args, **kwargs):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(docker_compose, "check", boom)
    assert cli.main([f"{FIXTURES}/compose/by-content"]) == 1
    out = capsys.readouterr().out
    assert "tests/fixtures/compose/by-content/stack.yaml:0:0: error checker-crash" in out
    assert "RuntimeError: unexpected" in out


def test_json_and_github_formats(capsys):
    assert cli.main(["--format", "json", f"{FIXTURES}/compose/by-content"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["errors"] == 1
    assert data["findings"][0]["rule"] == "compose-schema"
    assert cli.main(["--format", "github", f"{FIXTURES}/compose/by-content"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith(
        "::error file=tests/fixtures/compose/by-content/stack.yaml,line=5,col=12,"
        "title=compose-schema::services.web.ports must be a array%0A"
    )
    assert captured.out.endswith("rules.html#compose-schema\n")
    assert "examplecheck failed" in captured.err


def test_python_dash_m_runs_from_the_repository_root():
    done = subprocess.run(
        [sys.executable, "-m", "examplecheck", f"{FIXTURES}/python"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "tests/fixtures/python/broken-tool:3:10: error python-syntax" in done.stdout
    assert done.stderr == ""


def test_runs_from_inside_a_subfolder(monkeypatch, capsys):
    monkeypatch.chdir(ROOT / "tests" / "fixtures" / "compose")
    assert cli.main(["by-content"]) == 1
    assert "tests/fixtures/compose/by-content/stack.yaml:5:12:" in capsys.readouterr().out
