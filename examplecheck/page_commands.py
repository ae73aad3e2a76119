"""The shell commands a page shows: ```console lines after ``$ `` and ```bash/```sh lines.

A command becomes a ``CommandLine`` (page line, the text with ``\\`` continuations joined, and
the page position of each physical line so a word can be pointed at); ``simple_commands``
splits it into the argv of each simple command (pipes, ``&&``, ``||``, ``;``), drops
``VAR=value`` prefixes, ``sudo`` and redirections, and checks ``$(...)`` bodies as commands of
their own. Heredoc bodies are data, not commands. Blocks come from examplecheck.codeblocks,
the same reader the shellcheck page check uses.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .codeblocks import code_blocks

SHELL_LANGUAGES = {
    "console": "console",
    "shell-session": "console",
    "bash": "bash",
    "sh": "bash",
    "shell": "bash",
}
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_SEPARATORS = {"|", "||", "&&", ";", "&", "|&"}
_REDIRECTIONS = {">", ">>", "<", "<<", ">&", "<&", "&>", "&>>", "<<<", ">|"}
_PREFIXES = {"sudo", "time", "exec", "command", "env"}
_DIRECTIVE_OPTION = re.compile(r"^:[\w-]+:(\s|$)")
_HEREDOC = re.compile(r"(?<!<)<<(?!<)-?\s*(['\"]?)([A-Za-z_][\w-]*)\1")  # not <<< here-strings
SUBSTITUTION = "SUBST"  # stands in for a $(...) whose body is checked on its own

# (page line, 1-based; column offset of the text on the page; the text)
Piece = tuple[int, int, str]


@dataclass(frozen=True)
class CommandLine:
    line: int  # 1-based page line where the command starts
    text: str  # prompt removed, continuations joined
    language: str  # "console" or "bash"
    pieces: tuple[Piece, ...] = ()  # each physical line of the command, prompt removed

    def position_of(self, word: str) -> tuple[int, int]:
        """Page line and 1-based column of ``word`` in this command (its start if absent)."""
        for line, offset, text in self.pieces:
            column = _word_column(text, word)
            if column is not None:
                return line, offset + column + 1
        line, offset, _ = self.pieces[0] if self.pieces else (self.line, 0, "")
        return line, offset + 1


def _word_column(text: str, word: str) -> int | None:
    """Where ``word`` stands as a word of its own (not inside a longer one), or None."""
    for match in re.finditer(re.escape(word), text):
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        if before in " \t'\"=" and (after in " \t'\"=;|&)\\" or word.endswith("=")):
            return match.start()
    return None


def command_lines(text: str) -> Iterator[CommandLine]:
    """Every command of every console/bash block of a page's text, in page order."""
    for block in code_blocks(text):
        language = SHELL_LANGUAGES.get(block.language)
        if language and block.lines:
            yield from _block_commands(language, block.lines)


def _block_commands(language: str, body: list[Piece]) -> Iterator[CommandLine]:
    index = 0
    while index < len(body):
        number, offset, raw = body[index]
        index += 1
        stripped = raw.strip()
        offset += len(raw) - len(raw.lstrip())
        if language == "console":
            if not stripped.startswith("$ "):
                continue  # output, not a command
            stripped, offset = stripped[2:], offset + 2
        elif not stripped or stripped.startswith("#") or _DIRECTIVE_OPTION.match(stripped):
            continue  # blank, a comment, or a MyST option such as ":caption: x"
        pieces = [(number, offset, stripped)]
        # A trailing backslash continues the command on the next line (console: "> " optional).
        while pieces[-1][2].endswith("\\") and index < len(body):
            line, at, text = pieces[-1]
            pieces[-1] = (line, at, text[:-1].rstrip())
            number, offset, raw = body[index]
            index += 1
            nxt = raw.strip()
            offset += len(raw) - len(raw.lstrip())
            if nxt.startswith("> "):
                nxt, offset = nxt[2:], offset + 2
            pieces.append((number, offset, nxt))
        text = " ".join(p for _, _, p in pieces if p)
        yield CommandLine(pieces[0][0], text, language, tuple(pieces))
        heredoc = _HEREDOC.search(text)
        if heredoc:  # the body up to the delimiter is the command's input
            while index < len(body) and body[index][2].strip() != heredoc.group(2):
                index += 1
            index += 1


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
    """(command line, argv) of every simple command that runs ``program``."""
    for command_line in lines:
        for argv in simple_commands(command_line.text):
            if argv[0] == program:
                yield command_line, argv
