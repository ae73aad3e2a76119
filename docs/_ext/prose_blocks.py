"""The prose of a page: the text a reader reads as sentences, block by block, with its lines.

A block is a paragraph, heading, table cell, definition term or caption, taken from the doctree
MyST produced (so emphasis that MyST failed to close shows up as the literal ``**`` the reader
sees). Code (inline and blocks), raw HTML, math, comments and bare URLs are not prose: in
``masked`` each is a run of ``x`` of the same length, so offsets and lines stay those of the
real text and the morphological analyzer sees one foreign word where the code was
(```replicas`를`` → ``xxxxxxxx를``). Generated content (badges, tables a directive builds)
is prose too; without a line of its own it takes the line of the nearest node that has one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote

from docutils import nodes

# Subtrees whose text is never prose. A reference is handled apart: only a bare URL is code.
_NOT_PROSE = (
    nodes.literal,
    nodes.literal_block,
    nodes.raw,
    nodes.math,
    nodes.math_block,
    nodes.comment,
    nodes.doctest_block,
    nodes.substitution_definition,
    nodes.system_message,
    nodes.target,
)
MASK = "x"


@dataclass(frozen=True)
class ProseBlock:
    text: str  # as the reader sees it, code included
    masked: str  # the same length: code, raw HTML and bare URLs are runs of MASK
    source: str  # the file the block was read from ("" when unknown)
    line: int | None  # 1-based line of the block's first character
    heading: bool
    quoted: bool = False  # inside a block quote (">"): someone else's words
    code_spans: tuple[tuple[int, int], ...] = field(default=())  # (start, end) of masked runs

    def line_at(self, offset: int) -> int | None:
        """The line of ``text[offset]``: soft line breaks stay ``\\n`` in MyST's text nodes."""
        if self.line is None:
            return None
        return self.line + self.text.count("\n", 0, offset)

    def in_code(self, offset: int) -> bool:
        return any(start <= offset < end for start, end in self.code_spans)


def word_at(text: str, start: int, end: int | None = None) -> tuple[int, str]:
    """The whitespace-separated word (eojeol) holding ``text[start:end]``: its start and text."""
    end = start if end is None else end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, text[start:end]


def _is_block(node: nodes.Node) -> bool:
    return isinstance(node, nodes.TextElement) and not isinstance(node, nodes.Inline)


def _not_prose(node: nodes.Node) -> bool:
    if isinstance(node, _NOT_PROSE):
        return True
    if isinstance(node, nodes.reference):
        text, uri = node.astext().strip(), unquote(str(node.get("refuri", "")))
        return bool(uri) and text in {uri, uri.removeprefix("mailto:")}
    return False


def _has_ancestor(node: nodes.Node, test: Callable[[nodes.Node], bool]) -> bool:
    parent = node.parent
    while parent is not None:
        if test(parent):
            return True
        parent = parent.parent
    return False


def _pieces(element: nodes.Element) -> Iterator[tuple[str, bool]]:
    """(text, is_code) of an element's inline content in order; nested blocks are their own."""
    for child in element.children:
        if isinstance(child, nodes.Text):
            yield str(child), False
        elif _not_prose(child):
            yield child.astext(), True
        elif isinstance(child, nodes.Element) and not _is_block(child):
            yield from _pieces(child)


def _located(node: nodes.Node) -> tuple[str, int | None]:
    """The node's source and line, else its nearest ancestor's (generated nodes have none).

    Lines count from 1; docutils gives the document itself line 0, which says nothing.
    """
    source, line = None, None
    current: nodes.Node | None = node
    while current is not None and not (source and line):
        source = source or getattr(current, "source", None)
        line = line or getattr(current, "line", None)
        current = current.parent
    return source or "", line


def prose_blocks(doctree: nodes.document) -> Iterator[ProseBlock]:
    """Every block of prose of a page, in document order."""
    last_line: int | None = None
    for element in doctree.findall(_is_block):
        if _not_prose(element) or _has_ancestor(element, _not_prose):
            continue
        text, masked, spans = [], [], []
        offset = 0
        for piece, is_code in _pieces(element):
            text.append(piece)
            if is_code:
                # keep line breaks so lines still count; everything else is one foreign word
                masked.append("".join(c if c == "\n" else MASK for c in piece))
                spans.append((offset, offset + len(piece)))
            else:
                masked.append(piece)
            offset += len(piece)
        joined = "".join(text)
        if not joined.strip():
            continue
        source, line = _located(element)
        line = line if line is not None else last_line
        last_line = line if line is not None else last_line
        yield ProseBlock(
            text=joined,
            masked="".join(masked),
            source=source,
            line=line,
            heading=isinstance(element, nodes.title),
            quoted=_has_ancestor(element, lambda node: isinstance(node, nodes.block_quote)),
            code_spans=tuple(spans),
        )
