"""Find the shell commands the pages show: ```console lines after ``$ `` and ```bash lines.

A page line becomes a ``CommandLine`` (page, 1-based line, the text with continuations joined);
``simple_commands`` splits it into the argv of each simple command (pipes, ``&&``, ``||``, ``;``),
drops ``VAR=value`` prefixes, ``sudo`` and redirections, and checks ``$(...)`` bodies as
commands of their own. Shared by the command-block and kubectl-generated tests.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from examplecheck.codeblocks import code_blocks

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SHELL_LANGUAGES = {"console": "console", "shell-session": "console", "bash": "bash", "sh": "bash"}
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_SEPARATORS = {"|", "||", "&&", ";", "&", "|&"}
_REDIRECTIONS = {">", ">>", "<", "<<", ">&", "<&", "&>", "&>>", "<<<", ">|"}
_PREFIXES = {"sudo", "time", "exec", "command", "env"}
_DIRECTIVE_OPTION = re.compile(r"^:[\w-]+:(\s|$)")
SUBSTITUTION = "SUBST"  # stands in for a $(...) whose body is checked on its own


@dataclass(frozen=True)
class CommandLine:
    page: Path
    line: int  # 1-based line of the page where the command starts
    text: str  # prompt removed, continuations joined
    language: str  # "console" or "bash"

    def where(self, root: Path = ROOT) -> str:
        page = self.page.relative_to(root) if self.page.is_relative_to(root) else self.page
        return f"{page}:{self.line}"


def pages(docs: Path = DOCS) -> list[Path]:
    return sorted(p for p in docs.rglob("*.md") if "_build" not in p.parts)


def shell_blocks(text: str) -> Iterator[tuple[str, int, list[str]]]:
    """(language, first content line, lines) of every console/bash block of a page, as the
    checker's own page reader (examplecheck.codeblocks) finds them."""
    for block in code_blocks(text):
        if block.language in SHELL_LANGUAGES and block.lines:
            yield SHELL_LANGUAGES[block.language], block.lines[0][0], [t for _, _, t in block.lines]


def command_lines(page: Path) -> Iterator[CommandLine]:
    text = page.read_text(encoding="utf-8")
    for language, first, body in shell_blocks(text):
        yield from _block_commands(page, language, first, body)


def _block_commands(
    page: Path, language: str, first: int, body: list[str]
) -> Iterator[CommandLine]:
    index = 0
    while index < len(body):
        raw = body[index]
        start = first + index
        index += 1
        stripped = raw.strip()
        if language == "console":
            if not stripped.startswith("$ "):
                continue  # output, not a command
            stripped = stripped[2:]
        elif not stripped or stripped.startswith("#") or _DIRECTIVE_OPTION.match(stripped):
            continue  # blank, a comment, or a MyST option such as ":caption: x"
        parts = [stripped]
        # A trailing backslash continues the command on the next line (console: "> " optional).
        while parts[-1].endswith("\\") and index < len(body):
            parts[-1] = parts[-1][:-1].rstrip()
            nxt = body[index].strip()
            index += 1
            parts.append(nxt[2:] if nxt.startswith("> ") else nxt)
        yield CommandLine(page, start, " ".join(p for p in parts if p), language)


def all_command_lines(docs: Path = DOCS) -> list[CommandLine]:
    return [command for page in pages(docs) for command in command_lines(page)]


def _extract_substitutions(text: str) -> tuple[str, list[str]]:
    """Replace each ``$(...)`` outside single quotes by SUBST; return the bodies too."""
    out, bodies = [], []
    index, quote = 0, None
    while index < len(text):
        char = text[index]
        if char == "'" and quote != '"':
            quote = None if quote == "'" else "'"
        elif char == '"' and quote != "'":
            quote = None if quote == '"' else '"'
        elif text.startswith("$(", index) and quote != "'":
            depth, end = 1, index + 2
            while end < len(text) and depth:
                depth += {"(": 1, ")": -1}.get(text[end], 0)
                end += 1
            bodies.append(text[index + 2 : end - 1])
            out.append(SUBSTITUTION)
            index = end
            continue
        out.append(char)
        index += 1
    return "".join(out), bodies


def tokens(text: str) -> list[str]:
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    return list(lexer)


def simple_commands(text: str) -> list[list[str]]:
    """The argv of every simple command in ``text`` (a shell command line)."""
    text, bodies = _extract_substitutions(text)
    try:
        words = tokens(text)
    except ValueError:  # unbalanced quotes: nothing reliable to check
        return []
    commands: list[list[str]] = []
    current: list[str] = []
    skip_next = False
    for word in words:
        if skip_next:
            skip_next = False
            continue
        if word in _SEPARATORS:
            commands.append(current)
            current = []
        elif word in _REDIRECTIONS:
            skip_next = True  # the redirection's target
            if current and current[-1].isdigit():
                current.pop()  # the file descriptor of 2>
        elif not current and (_ASSIGNMENT.match(word) or word in _PREFIXES):
            continue  # DOCKER_CONTENT_TRUST=1 docker push …, sudo docker …
        else:
            current.append(word)
    commands.append(current)
    for body in bodies:
        commands.extend(simple_commands(body))
    return [command for command in commands if command]


def commands_of(
    lines: Iterable[CommandLine], program: str
) -> Iterator[tuple[CommandLine, list[str]]]:
    for command_line in lines:
        for argv in simple_commands(command_line.text):
            if argv[0] == program:
                yield command_line, argv
