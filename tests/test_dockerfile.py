"""Dockerfiles: the BuildKit parser's own checks and the hadolint wrapper."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from examplecheck.api import check_paths
from examplecheck.executables import CheckerCouldNotRun
from examplecheck.wrappers import hadolint
from examplecheck.wrappers.buildkit import check as parse_check
from tests.checker_support import no_kubernetes

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "dockerfile"


def run(name: str):
    return check_paths([FIXTURES / name], root=ROOT, kubernetes_checker=no_kubernetes)


def hits(report, name: str) -> set[tuple[int, str]]:
    path = f"tests/fixtures/dockerfile/{name}"
    return {(f.line, f.rule) for f in report.findings if f.path == path}


def test_good_dockerfile_passes_parser_and_hadolint():
    report = run("good")
    assert report.findings == []
    path = "tests/fixtures/dockerfile/good/Dockerfile"
    assert report.files[path] == "dockerfile"
    assert report.tools_of(path) == ["buildkit-parser", "hadolint"]
    # .dockerignore is read by `docker build` of the Dockerfile next to it: data, not unknown
    assert report.files["tests/fixtures/dockerfile/good/.dockerignore"] == "data"


def test_unknown_instruction_is_flagged_by_name_and_line():
    report = run("unknown-instruction")
    assert (2, "dockerfile-unknown-instruction") in hits(report, "unknown-instruction/Dockerfile")


def test_broken_exec_form_is_flagged_but_a_shell_test_is_not():
    found = hits(run("exec-form"), "exec-form/Dockerfile")
    assert (3, "dockerfile-exec-form-invalid") in found  # CMD ["python", "app.py",
    assert (4, "dockerfile-exec-form-invalid") in found  # ENTRYPOINT ['python']
    assert (2, "dockerfile-exec-form-invalid") not in found  # RUN [ "$HOME" = /root ] && ...


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        ('FROM a\nCMD ["a", "b"]\n', []),
        ('FROM a\nCMD ["a" "b"]\n', ["dockerfile-exec-form-invalid"]),
        ('FROM a\nCMD ["a", 1]\n', ["dockerfile-syntax"]),  # BuildKit itself refuses this one
        ("FROM a\nRUN [ -f /x ] && echo y\n", []),
        (
            'FROM a\nHEALTHCHECK --interval=5s CMD ["curl", "-f" "http://x"]\n',
            ["dockerfile-exec-form-invalid"],
        ),
        ('FROM a\nCOPY --chown=1:1 ["a", "b"]\n', []),
    ],
)
def test_exec_form_cases(text, rules):
    findings, _ = parse_check(text, "D")
    assert [f.rule for f in findings] == rules


def test_parser_error_is_a_finding():
    findings, commands = parse_check("FROM a\nRUN <<EOF\necho\n", "D")
    assert [f.rule for f in findings] == ["dockerfile-syntax"]
    assert commands == []


def test_copy_with_one_argument_is_hadolints_parse_error():
    assert (2, "DL1000") in hits(run("copy-one-arg"), "copy-one-arg/Dockerfile")


def test_hadolint_error_rule_and_missing_from():
    assert (2, "DL3000") in hits(run("hadolint-error"), "hadolint-error/Dockerfile")
    assert (1, "DL3061") in hits(run("no-from"), "no-from/Dockerfile")


def test_heredocs_buildkit_accepts_pass_hadolint_too():
    """hadolint alone fails with DL1000 on the CMD right after the terminator (#960)."""
    report = run("heredoc")
    assert report.findings == []
    assert "hadolint" in report.tools_of("tests/fixtures/dockerfile/heredoc/Dockerfile")


def test_a_real_problem_after_heredocs_keeps_its_line():
    found = hits(run("heredoc-error"), "heredoc-error/Dockerfile")
    assert (11, "DL3003") in found  # RUN cd: after two heredocs, on its own line
    assert not any(rule == "DL1000" for _, rule in found)


def test_dockerfile_classified_by_first_instruction():
    report = run("by-content")
    assert report.files["tests/fixtures/dockerfile/by-content/Buildfile"] == "dockerfile"


def test_hadolint_command_line_uses_conf_and_json():
    command = hadolint.command_line("hadolint", Path("conf/hadolint.yaml"), [Path("a/Dockerfile")])
    assert command == [
        "hadolint",
        "--no-color",
        "--format",
        "json",
        "--config",
        "conf/hadolint.yaml",
        "a/Dockerfile",
    ]


def test_hadolint_json_output_is_parsed():
    inputs = [hadolint.DockerfileInput(Path("/x/Dockerfile"), "x/Dockerfile")]
    stdout = json.dumps(
        [
            {
                "code": "DL3000",
                "column": 1,
                "file": "/x/Dockerfile",
                "level": "error",
                "line": 2,
                "message": "Use absolute WORKDIR",
            },
            {
                "code": "DL3059",
                "column": 1,
                "file": "/x/Dockerfile",
                "level": "style",
                "line": 4,
                "message": "Multiple consecutive `RUN` instructions.",
            },
            {
                "code": "SC2086",
                "column": 1,
                "file": "/x/Dockerfile",
                "level": "info",
                "line": 5,
                "message": "Double quote",
            },
        ]
    )
    findings = hadolint.parse_output(stdout, "", 1, inputs)
    assert [(f.path, f.line, f.rule, str(f.severity)) for f in findings] == [
        ("x/Dockerfile", 2, "DL3000", "error"),
        ("x/Dockerfile", 4, "DL3059", "info"),
        ("x/Dockerfile", 5, "SC2086", "info"),
    ]


def test_hadolint_garbage_output_is_tool_failed():
    inputs = [hadolint.DockerfileInput(Path("/x/Dockerfile"), "x/Dockerfile")]
    [finding] = hadolint.parse_output("Segmentation fault", "boom", 139, inputs)
    assert finding.rule == "tool-failed"
    assert finding.path == "x/Dockerfile"


def _fake_tool(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "fake-hadolint"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(0o755)
    return script


def test_hadolint_timeout_is_a_finding(tmp_path, monkeypatch):
    monkeypatch.setenv("HADOLINT", str(_fake_tool(tmp_path, "exec sleep 5")))
    inputs = [hadolint.DockerfileInput(FIXTURES / "good" / "Dockerfile", "good/Dockerfile")]
    [finding] = hadolint.check(inputs, config=ROOT / "conf/hadolint.yaml", timeout=0.3)
    assert (finding.rule, finding.path) == ("tool-timeout", "good/Dockerfile")


def test_hadolint_crash_is_a_finding(tmp_path, monkeypatch):
    monkeypatch.setenv("HADOLINT", str(_fake_tool(tmp_path, "echo oops >&2; exit 3")))
    inputs = [hadolint.DockerfileInput(FIXTURES / "good" / "Dockerfile", "good/Dockerfile")]
    [finding] = hadolint.check(inputs, config=ROOT / "conf/hadolint.yaml", timeout=10)
    assert finding.rule == "tool-failed"
    assert "oops" in finding.message


def test_missing_hadolint_means_the_checker_cannot_run(monkeypatch):
    monkeypatch.setenv("HADOLINT", "/nonexistent/hadolint")
    with pytest.raises(CheckerCouldNotRun, match="HADOLINT"):
        run("good")


def test_every_ignored_hadolint_rule_has_a_reason():
    lines = (ROOT / "conf" / "hadolint.yaml").read_text().splitlines()
    rules = [i for i, line in enumerate(lines) if re.match(r"^\s*-\s*(DL|SC)\d{4}\s*$", line)]
    assert rules, "conf/hadolint.yaml ignores nothing? then drop this test"
    for index in rules:
        assert lines[index - 1].strip().startswith("#"), f"no reason above {lines[index]!r}"
