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

from .findings import Finding, Severity

TOOL = "buildkit-parser"
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
        return [_finding(display, line, 1, "dockerfile-syntax", message)], []
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
                    "dockerfile-unknown-instruction",
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
            "dockerfile-exec-form-invalid",
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


def _finding(display: str, line: int, column: int, rule: str, message: str) -> Finding:
    return Finding(display, line, column, Severity.ERROR, rule, TOOL, message)
