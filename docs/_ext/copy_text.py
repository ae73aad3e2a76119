"""What a code block's copy button copies: the block's text under the rule of its lexer.

Pure Python, no Sphinx, so the rules are tested on their own (tests/test_copy_text.py) and the
site extension (copy_button.py) only applies them. A lexer listed in ``PROMPT_RULES`` shows a
terminal session: the copy keeps only the commands (prompt removed), the lines a command
continues onto (after a trailing backslash, and the body of a here-document up to its
delimiter), and drops every other line as output. Every other lexer shows a file or a script
(yaml, dockerfile, bash, text, json, python, ...): the copy is exactly the shown text,
trailing newline included, so a ``# `` comment of a YAML file stays a comment.

The pages' console blocks write commands after ``$ `` only; none shows a root prompt ``# ``,
so ``# `` is no prompt here (it would eat a first-column comment of a session's heredoc).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PromptRule:
    """How a terminal session of one lexer marks its commands."""

    prompts: tuple[str, ...]  # a line starting with one of these is a command
    continuation_prompt: str  # the shell's PS2, removed from a continued line that shows it


_SHELL_SESSION = PromptRule(prompts=("$ ",), continuation_prompt="> ")

# Pygments' names of the shell-session lexer; the pages use ``console``.
PROMPT_RULES: dict[str, PromptRule] = {
    "console": _SHELL_SESSION,
    "shell-session": _SHELL_SESSION,
    "bash-session": _SHELL_SESSION,
    "sh-session": _SHELL_SESSION,
}

# ``<<EOF``, ``<<-EOF``, ``<<'EOF'``, ``<<"EOF"`` (not the here-string ``<<<``).
_HEREDOC = re.compile(r"(?<!<)<<(?!<)(-?)[ \t]*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")


def copy_text(lexer: str, text: str) -> str:
    """The text the copy button of a block in ``lexer`` copies."""
    rule = PROMPT_RULES.get(lexer.lower())
    if rule is None:
        return text
    return "\n".join(session_commands(text, rule))


def is_session(lexer: str) -> bool:
    """True when blocks of ``lexer`` are terminal sessions (commands and output)."""
    return lexer.lower() in PROMPT_RULES


def session_commands(text: str, rule: PromptRule) -> list[str]:
    """The command lines of a terminal session, prompts removed, output dropped.

    No trailing newline follows the last command: pasted into a terminal, the reader still
    reads the command and presses Enter.
    """
    lines = text.splitlines()
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        prompt = next((p for p in rule.prompts if line.startswith(p)), None)
        if prompt is None:
            continue  # output
        command = line[len(prompt) :]
        out.append(command)
        delimiters = _heredoc_delimiters(command)
        while command.endswith("\\") and index < len(lines):
            command = _without(lines[index], rule.continuation_prompt)
            index += 1
            out.append(command)
            delimiters += _heredoc_delimiters(command)
        for strip_tabs, delimiter in delimiters:
            while index < len(lines):
                body = _without(lines[index], rule.continuation_prompt)
                index += 1
                out.append(body)
                if (body.lstrip("\t") if strip_tabs else body) == delimiter:
                    break
    return out


def _heredoc_delimiters(command: str) -> list[tuple[bool, str]]:
    """(``<<-`` strips leading tabs, delimiter) of each here-document a command line opens."""
    return [(dash == "-", word) for dash, _quote, word in _HEREDOC.findall(command)]


def _without(line: str, prompt: str) -> str:
    return line[len(prompt) :] if line.startswith(prompt) else line
