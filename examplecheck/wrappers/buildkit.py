"""Dockerfiles through BuildKit's own parser (the ``dockerfile`` package).

The parser accepts any word as an instruction and silently treats a broken exec form
(``CMD ["a", ``) as shell form, exactly like ``docker build`` would until the container
fails at run time. Those two mistakes are what this module adds; everything else about
instructions and their arguments (order, COPY with one argument, ...) is hadolint's job.
"""

from __future__ import annotations

import json
import re

import dockerfile

from ..findings import Finding
from ..rules import Rule, RuleSet

TOOL = "buildkit-parser"
BUILDKIT = RuleSet(
    TOOL,
    applies_to=("dockerfile",),
    title_ko="Dockerfile(BuildKit 파서)",
    title_en="Dockerfiles (the BuildKit parser)",
)
DOCKERFILE_SYNTAX = BUILDKIT.rule(
    "dockerfile-syntax",
    ko="`docker build`가 쓰는 BuildKit 파서가 Dockerfile을 읽지 못합니다.",
    en="BuildKit's parser, which docker build uses, cannot parse the Dockerfile.",
    fix_ko="메시지가 가리키는 줄의 명령과 줄 바꿈(`\\`), 히어독을 확인합니다.",
    fix_en="Check the instruction, line continuations (\\) and heredocs on the line named.",
)
DOCKERFILE_UNKNOWN_INSTRUCTION = BUILDKIT.rule(
    "dockerfile-unknown-instruction",
    ko="BuildKit이 모르는 명령입니다. 파서는 받아들이지만 `docker build`가 그 줄에서 실패합니다.",
    en="An instruction BuildKit does not know; the parser takes it, docker build fails on it.",
    fix_ko="명령 이름의 철자를 고칩니다(`FROM`, `RUN`, `COPY`, `CMD` …).",
    fix_en="Correct the instruction's spelling (FROM, RUN, COPY, CMD ...).",
)
DOCKERFILE_EXEC_FORM = BUILDKIT.rule(
    "dockerfile-exec-form-invalid",
    ko='exec 형식(`["a", "b"]`)처럼 보이지만 올바른 JSON 배열이 아닙니다. Docker는 경고 없이 '
    "셸 형식(`/bin/sh -c`)으로 실행합니다.",
    en='It looks like exec form (["a", "b"]) but is no valid JSON array; Docker silently runs it '
    "as a shell command (/bin/sh -c).",
    fix_ko="큰따옴표를 쓰고 요소마다 쉼표로 나눈 JSON 배열로 씁니다.",
    fix_en="Write a JSON array with double quotes and commas between the elements.",
)
KNOWN_INSTRUCTIONS = frozenset(dockerfile.all_cmds())
# Instructions whose arguments may be a JSON array (exec form).
EXEC_FORM_INSTRUCTIONS = frozenset(
    {"run", "cmd", "entrypoint", "shell", "copy", "add", "volume", "healthcheck"}
)
_LINE_NUMBER = re.compile(r"line (\d+)")
# `["a", ...`, `['a', ...`, `["a" "b"]`: a quoted word then a comma, bracket or quote. A shell
# test such as `[ "$X" = y ]` does not match.
_LOOKS_LIKE_ARRAY = re.compile(r"""^\[\s*(["'])[^"']*\1\s*[,\]"']""")


def check(text: str, display: str) -> tuple[list[Finding], list[dockerfile.Command]]:
    """Findings for one Dockerfile and its instructions (empty when it does not parse)."""
    try:
        commands = list(dockerfile.parse_string(text))
    except dockerfile.GoParseError as exc:
        match = _LINE_NUMBER.search(str(exc))
        line = int(match.group(1)) if match else 1
        message = f"BuildKit cannot parse: {exc}"
        return [_finding(display, line, 1, DOCKERFILE_SYNTAX, message)], []
    lines = text.splitlines()
    findings: list[Finding] = []
    for command in commands:
        raw = lines[command.start_line - 1] if command.start_line <= len(lines) else ""
        name = command.cmd.lower()
        if name not in KNOWN_INSTRUCTIONS:
            findings.append(
                _finding(
                    display,
                    command.start_line,
                    _column_of(raw, command.cmd),
                    DOCKERFILE_UNKNOWN_INSTRUCTION,
                    f"unknown instruction {command.cmd!r}; BuildKit knows "
                    + ", ".join(sorted(i.upper() for i in KNOWN_INSTRUCTIONS)),
                )
            )
        elif name in EXEC_FORM_INSTRUCTIONS:
            findings.extend(_broken_exec_form(command, raw, display))
    return findings, commands


def _broken_exec_form(command: dockerfile.Command, raw: str, display: str) -> list[Finding]:
    rest = _arguments(command)
    if not _LOOKS_LIKE_ARRAY.match(rest):
        return []
    if command.json:
        return []
    try:
        parsed = json.loads(rest)
    except ValueError:
        parsed = None
    if isinstance(parsed, list) and all(isinstance(item, str) for item in parsed):
        return []  # valid exec form the parser did not mark (e.g. after HEALTHCHECK CMD)
    if "'" in rest and '"' not in rest:
        reason = "JSON needs double quotes"
    elif isinstance(parsed, list):
        reason = "every element must be a string"
    else:
        reason = "it is not valid JSON"
    return [
        _finding(
            display,
            command.start_line,
            _column_of(raw, "["),
            DOCKERFILE_EXEC_FORM,
            f"{command.cmd} looks like exec form but {reason}; Docker silently runs "
            f"it as a shell command (/bin/sh -c '{rest}')",
        )
    ]


def _arguments(command: dockerfile.Command) -> str:
    """The instruction's text after its name, flags and a HEALTHCHECK's CMD."""
    words = command.original.split(None, 1)
    rest = words[1] if len(words) > 1 else ""
    for flag in command.flags:
        rest = rest.lstrip()
        if rest.startswith(flag):
            rest = rest[len(flag) :]
    rest = rest.strip()
    if command.cmd.lower() == "healthcheck" and rest[:3].upper() == "CMD":
        rest = rest[3:].strip()
    return rest


def _column_of(raw: str, word: str) -> int:
    index = raw.upper().find(word.upper())
    return index + 1 if index >= 0 else 1


def _finding(display: str, line: int, column: int, rule: Rule, message: str) -> Finding:
    return rule.finding(display, line, column, message)
