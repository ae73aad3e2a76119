"""What is wrong with the prose of one page: each finding as a message on a file's line.

The four rules (prose_register, prose_terms, prose_markup, prose_particles) report offsets in a
block of prose; here they become the messages the build warns with, placed on the line of the
source file that holds the words.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from prose_blocks import ProseBlock, prose_blocks
from prose_markup import markup_findings
from prose_particles import particle_findings
from prose_register import register_findings
from prose_terms import TERMS_FILE, Term, term_findings
from search_terms import kiwi


@dataclass(frozen=True)
class ProseFinding:
    rule: str  # register | term | markup | particle
    message: str
    line: int | None
    source: str | None = None  # a file other than the page's own (an included file)


class SourceLines:
    """The lines of the files a page is read from, to put a finding on its exact line.

    MyST gives a table cell the line of its row or of the table, and a block's soft line
    breaks are the only other guide; the line that really holds the words wins.
    """

    def __init__(self) -> None:
        self._files: dict[str, list[str]] = {}

    def line_of(self, block: ProseBlock, offset: int, needle: str) -> int | None:
        guess = block.line_at(offset)
        lines = self._lines(block.source)
        if guess is None or not lines or not needle:
            return guess
        if 0 < guess <= len(lines) and needle in lines[guess - 1]:
            return guess
        first = max(block.line or guess, 1)
        for number in range(first, min(guess + 12, len(lines)) + 1):
            if needle in lines[number - 1]:
                return number
        return guess

    def _lines(self, source: str) -> list[str]:
        if source not in self._files:
            try:
                self._files[source] = Path(source).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError, ValueError):
                self._files[source] = []
        return self._files[source]


def _needle(words: str) -> str:
    """The part of a finding's words that a source line holds as written (no markup)."""
    first = words.split()[0] if words.split() else ""
    return first.strip("*_") or first


def block_findings(
    block: ProseBlock, terms: list[Term], lines: SourceLines
) -> list[tuple[int | None, str, str]]:
    """(line, rule, message) of everything wrong in one block of prose."""
    # One block at a time: Kiwi's list mode runs on its thread pool, which a reader process
    # forked by ``sphinx-build -j`` inherits without threads (the read hangs).
    tokens = kiwi().tokenize(block.masked)
    found = []
    for item in register_findings(block, tokens):
        message = f"{item.kind} ending in '{item.word}': {item.advice}"
        found.append((lines.line_of(block, item.offset, _needle(item.word)), "register", message))
    for item in term_findings(block, terms):
        written = " ".join(item.written.split())  # a variant may run over a line break
        message = (
            f"'{written}': write '{item.term.preferred}' "
            f"({item.term.reason}; listed in {TERMS_FILE})"
        )
        found.append((lines.line_of(block, item.offset, _needle(item.written)), "term", message))
    for item in markup_findings(block):
        fix = (
            f"write '{item.suggestion}'"
            if item.suggestion
            else "bold only the term ('**컨피그맵**(ConfigMap)에'), and write identifiers as `code`"
        )
        message = (
            f"literal '{item.delimiter}' shown to the reader in '{item.context}': MyST does not "
            f"close emphasis whose closing {item.delimiter} follows punctuation and is followed "
            f"by a letter; {fix}"
        )
        found.append((lines.line_of(block, item.offset, _needle(item.context)), "markup", message))
    for item in particle_findings(block, tokens):
        hint = (
            "; if a bold term ends in ')', bold only the term: '**컨피그맵**(ConfigMap)에'"
            if item.before.endswith(")")
            else ""
        )
        message = (
            f"space before the particle '{item.particle}' after '{item.before}': a particle "
            f"attaches to the word before it ('{item.before}{item.particle}'){hint}"
        )
        found.append((lines.line_of(block, item.offset, _needle(item.before)), "particle", message))
    return found


def doctree_findings(
    doctree: nodes.document, terms: list[Term], own_source: str
) -> list[ProseFinding]:
    """Every finding of a page, in line order; ``source`` is set only for included files."""
    lines = SourceLines()
    found = set()
    for block in prose_blocks(doctree):
        source = None if block.source in ("", own_source) else block.source
        for line, rule, message in block_findings(block, terms, lines):
            found.add(ProseFinding(rule, message, line, source))
    return sorted(found, key=lambda f: (f.source or "", f.line or 0, f.rule, f.message))
