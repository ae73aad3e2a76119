"""The handbook pages' shell commands for tests that run them (kubectl-generated, Helm render):
the checker's own reader (examplecheck.page_commands) over every page under docs/, each
command named by its page so a failure says ``docs/x.md:12``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from examplecheck import page_commands
from examplecheck.page_commands import commands_of, simple_commands  # one reader for both

__all__ = ["DOCS", "ROOT", "CommandLine", "all_command_lines", "command_lines", "commands_of"]
__all__ += ["pages", "simple_commands"]

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


@dataclass(frozen=True)
class CommandLine:
    page: Path
    line: int  # 1-based line of the page where the command starts
    text: str  # prompt removed, continuations joined
    language: str  # "console" or "bash" (or "comment": a command in an example's comment)

    def where(self, root: Path = ROOT) -> str:
        page = self.page.relative_to(root) if self.page.is_relative_to(root) else self.page
        return f"{page}:{self.line}"


def pages(docs: Path = DOCS) -> list[Path]:
    return sorted(p for p in docs.rglob("*.md") if "_build" not in p.parts)


def command_lines(page: Path) -> Iterator[CommandLine]:
    for found in page_commands.command_lines(page.read_text(encoding="utf-8")):
        yield CommandLine(page, found.line, found.text, found.language)


def all_command_lines(docs: Path = DOCS) -> list[CommandLine]:
    return [command for page in pages(docs) for command in command_lines(page)]
