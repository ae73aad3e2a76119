"""Emphasis markup the reader sees as text: a literal ``**`` or ``__`` left in the prose.

MyST follows CommonMark: a closing ``**`` right after punctuation must be followed by
whitespace or punctuation, so ``**리소스쿼터(ResourceQuota)**로`` is not bold but shows both
pairs of asterisks. The text of the doctree is what MyST made of the page, so what is left
there is on the rendered page. Between ASCII letters, digits or path characters (``2**10``,
``foo__bar``, ``examples/**/x``) the characters are meant literally and are not reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from prose_blocks import ProseBlock, word_at

_DELIMITER = re.compile(r"\*\*+|__+")
# **용어(Term)**로 → **용어**(Term)로: the usual case, a bold term glossed in parentheses
_GLOSSED = re.compile(r"^(\*\*|__)([^()]+)(\([^()]*\))\1(.*)$")
_LITERAL_NEIGHBOUR = re.compile(r"[A-Za-z0-9_./-]")


@dataclass(frozen=True)
class MarkupFinding:
    offset: int
    delimiter: str  # "**" or "__"
    context: str  # the word around it, as the reader sees it

    @property
    def suggestion(self) -> str | None:
        """The same words with only the term bold, when they are a glossed bold term."""
        match = _GLOSSED.match(self.context)
        if not match:
            return None
        delimiter, term, gloss, rest = match.groups()
        return f"{delimiter}{term}{delimiter}{gloss}{rest}"


def markup_findings(block: ProseBlock) -> list[MarkupFinding]:
    found: dict[str, MarkupFinding] = {}
    masked = block.masked
    for match in _DELIMITER.finditer(masked):
        start, end = match.span()
        before = masked[start - 1] if start else " "
        after = masked[end] if end < len(masked) else " "
        if _LITERAL_NEIGHBOUR.match(before) and _LITERAL_NEIGHBOUR.match(after):
            continue
        _, context = word_at(block.text, start, end)
        # both delimiters of one failed pair sit in one word: report the word once
        found.setdefault(context, MarkupFinding(start, match.group()[:2], context))
    return list(found.values())
