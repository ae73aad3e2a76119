"""The fenced code blocks of a MyST Markdown page, with the page line of every body line.

One reader of page blocks for the shellcheck wrapper (examplecheck.wrappers.shellcheck) and for the
pages' commands checked against the real CLIs (examplecheck.page_commands), so both
see the same blocks: fences at any indentation (list items), ``{code-block} LANG``
directives, and blocks nested in directives whose content is Markdown (tab-item, dropdown).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Any indentation: a fence inside a (nested) list item is indented by the item's content.
_FENCE = re.compile(r"^( *)(`{3,}|~{3,})\s*(.*)$")
_DIRECTIVE_OPTION = re.compile(r"^\s*:[\w-]+:")
_CODE_DIRECTIVES = frozenset({"code-block", "code", "sourcecode"})

# (page line, 1-based; column offset of the text on the page; text without the fence's indent)
Line = tuple[int, int, str]


@dataclass(frozen=True)
class CodeBlock:
    language: str  # lowercase lexer name; "" when the fence names none
    lines: list[Line]


def code_blocks(text: str) -> Iterator[CodeBlock]:
    """Every code block of a page, in page order, directive options removed."""
    yield from _blocks([(number + 1, 0, line) for number, line in enumerate(text.splitlines())])


def _blocks(lines: list[Line]) -> Iterator[CodeBlock]:
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index][2])
        if not match:
            index += 1
            continue
        fence, info = match.group(2), match.group(3).split()
        end = index + 1
        while end < len(lines):
            close = _FENCE.match(lines[end][2])
            if (
                close
                and close.group(2)[0] == fence[0]
                and len(close.group(2)) >= len(fence)
                and not close.group(3).strip()
            ):
                break
            end += 1
        indent = len(match.group(1))
        body = [
            (number, offset + indent, _dedent(line, indent))
            for number, offset, line in lines[index + 1 : end]
        ]
        directive = info[0][1:-1] if info and info[0].startswith("{") else None
        if directive is not None:
            while body and _DIRECTIVE_OPTION.match(body[0][2]):
                body = body[1:]  # MyST directive options (`:caption: x`) are not content
        if directive is None:
            yield CodeBlock(info[0].lower() if info else "", body)
        elif directive in _CODE_DIRECTIVES:
            yield CodeBlock(info[1].lower() if len(info) > 1 else "", body)
        else:  # a directive whose content is Markdown again: its blocks are the page's too
            yield from _blocks(body)
        index = end + 1


def _dedent(line: str, indent: int) -> str:
    """Remove up to ``indent`` leading spaces (the fence's own indentation)."""
    stripped = len(line) - len(line.lstrip(" "))
    return line[min(indent, stripped) :]
