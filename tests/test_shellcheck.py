"""shellcheck on scripts and on the shell/console code blocks of the pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from examplecheck.api import check_paths
from examplecheck.executables import CheckerCouldNotRun
from examplecheck.wrappers import shellcheck
from tests.checker_support import no_kubernetes

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def run(*parts: str):
    return check_paths([FIXTURES.joinpath(*parts)], root=ROOT, kubernetes_checker=no_kubernetes)


def test_scripts():
    report = run("shell")
    found = {(f.path.rsplit("/", 1)[-1], f.line, f.rule) for f in report.findings}
    assert ("bad.sh", 3, "SC1049") in found  # `if` without `then`
    assert ("no-shebang.sh", 1, "SC2148") in found
    assert not any(f.path.endswith(("good.sh", "run-app")) for f in report.findings)
    assert report.files["tests/fixtures/shell/run-app"] == "shell"  # by its shebang
    assert report.tools_of("tests/fixtures/shell/good.sh") == ["shellcheck"]


def test_page_blocks_report_page_lines():
    report = run("pages")
    bad = {(f.line, f.column, f.rule) for f in report.findings if f.path.endswith("bad.md")}
    assert (8, 3, "SC1072") in bad  # `$ echo "unterminated` — column after the prompt
    assert (13, 1, "SC1049") in bad  # inside the {code-block} bash directive
    assert not [f for f in report.findings if f.path.endswith("good.md")]
    assert report.files["tests/fixtures/pages/good.md"] == "page"


def test_console_block_extraction():
    text = (
        "```console\n"
        "$ kubectl get pods \\\n"
        "    -o wide\n"
        "NAME  READY\n"
        "$ cat <<EOF > a.txt\n"
        "hello\n"
        "EOF\n"
        "pod/x created\n"
        "```\n"
        "```yaml\n"
        "a: 1\n"
        "```\n"
    )
    [block] = shellcheck.page_blocks(text, "p.md")
    assert block.text == "kubectl get pods \\\n    -o wide\ncat <<EOF > a.txt\nhello\nEOF\n"
    assert block.lines == [(2, 2), (3, 0), (5, 2), (6, 0), (7, 0)]
    assert block.page_position(3, 1) == (5, 3)


def test_command_lines():
    assert shellcheck.command_line("sc", ["a.sh"], page_blocks=False) == [
        "sc",
        "--format",
        "json1",
        "--color",
        "never",
        "a.sh",
    ]
    page = shellcheck.command_line("sc", ["b.sh"], page_blocks=True)
    assert page[page.index("--shell") + 1] == "bash"
    assert page[page.index("--exclude") + 1] == "SC2154,SC2034,SC2164"


def test_json1_output_is_parsed():
    item = shellcheck.ScriptInput("x.sh", "echo $1\n")
    stdout = json.dumps(
        {
            "comments": [
                {
                    "file": "input-00000.sh",
                    "line": 1,
                    "endLine": 1,
                    "column": 6,
                    "endColumn": 8,
                    "level": "info",
                    "code": 2086,
                    "message": "Double quote to prevent globbing and word splitting.",
                }
            ]
        }
    )
    [finding] = shellcheck.parse_output(stdout, "", 1, {"input-00000.sh": item})
    assert (finding.path, finding.line, finding.column, finding.rule, str(finding.severity)) == (
        "x.sh",
        1,
        6,
        "SC2086",
        "info",
    )


def test_unparseable_output_is_tool_failed():
    item = shellcheck.ScriptInput("x.sh", "echo\n")
    [finding] = shellcheck.parse_output("", "shellcheck: out of memory", 4, {"a.sh": item})
    assert finding.rule == "tool-failed"


def test_timeout_is_a_finding(tmp_path, monkeypatch):
    fake = tmp_path / "fake-shellcheck"
    fake.write_text("#!/bin/sh\nexec sleep 5\n")
    fake.chmod(0o755)
    monkeypatch.setenv("SHELLCHECK", str(fake))
    item = shellcheck.ScriptInput("x.sh", "echo\n")
    [finding] = shellcheck.check([item], page_blocks=False, timeout=0.3)
    assert (finding.path, finding.rule) == ("x.sh", "tool-timeout")


def test_missing_shellcheck_means_the_checker_cannot_run(monkeypatch):
    monkeypatch.setenv("SHELLCHECK", "/nonexistent/shellcheck")
    with pytest.raises(CheckerCouldNotRun, match="SHELLCHECK"):
        run("shell")


def test_blocks_in_list_items_and_directive_options():
    text = (
        "1. 이미지를 빌드합니다.\n"
        "\n"
        "   ```{code-block} bash\n"
        "   :caption: build.sh\n"
        '   : "${TAG:=demo}"\n'
        '   docker build -t "app:${TAG}" .\n'
        "   ```\n"
    )
    [block] = shellcheck.page_blocks(text, "p.md")
    assert block.text == ': "${TAG:=demo}"\ndocker build -t "app:${TAG}" .\n'
    assert block.lines == [(5, 3), (6, 3)]
    assert block.page_position(2, 1) == (6, 4)


def test_blocks_nested_in_backtick_directives_keep_page_lines():
    text = "# 제목\n\n````{tab-item} v2\n:sync: v2\n\n```console\n$ echo $HOME\n```\n````\n"
    [block] = shellcheck.page_blocks(text, "p.md")
    assert block.text == "echo $HOME\n"
    assert block.page_position(1, 1) == (7, 3)  # page line 7, after the "$ " prompt
