"""What a page says, block by block, for the search index: titles, prose, lists, code.

Read from the doctree as it is read (before toctrees are resolved), so a landing page is
indexed by its own words, not by the titles of every page its table of contents lists. Each
block has a kind the ranking weighs differently: the page title, a heading, a label (the term of a
definition list: an option, a field), prose, a list (short list items and table cells, and
sentences that enumerate three or more things), code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docutils import nodes
from sphinx import addnodes

KINDS = ("title", "heading", "label", "prose", "list", "code")
_SKIP = (
    nodes.comment,
    nodes.raw,
    nodes.system_message,
    nodes.substitution_definition,
    nodes.target,
    nodes.image,
    addnodes.toctree,
    addnodes.only,
)
# A sentence ends after 다. 요. or a full stop followed by a space.
_SENTENCE_END = re.compile(r"(?<=[다요]\.)\s+|(?<=\.)\s+(?=[^\s])")
_EMPTY_PARENS = re.compile(r"\(\s*\)")
_SHORT_ITEM = 40  # characters: a list item or table cell up to this long is a keyword, not prose


@dataclass
class Section:
    anchor: str
    title: str
    text: list[str] = field(default_factory=list)  # prose and list text, for snippets


@dataclass(frozen=True)
class Block:
    section: int
    kind: str
    text: str


@dataclass
class PageText:
    title: str = ""
    sections: list[Section] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    hub: bool = False  # the page has a table of contents: a landing page

    def add(self, kind: str, text: str) -> None:
        text = " ".join(text.split())
        if not text:
            return
        if not self.sections:
            self.sections.append(Section("", ""))
        section = len(self.sections) - 1
        self.blocks.append(Block(section, kind, text))
        if kind in ("prose", "list"):
            self.sections[section].text.append(text)


def page_text(doctree: nodes.document) -> PageText:
    page = PageText()
    _walk(doctree, page, depth=0, in_list=False)
    return page


def _walk(node: nodes.Node, page: PageText, depth: int, in_list: bool) -> None:
    for child in node.children:
        if isinstance(child, addnodes.toctree):
            page.hub = True
            continue
        if isinstance(child, _SKIP) or "no-search" in getattr(child, "get", lambda *_: [])(
            "classes", []
        ):
            continue
        if isinstance(child, nodes.section):
            title = child.next_node(nodes.title)
            heading = title.astext() if title is not None else ""
            anchor = child["ids"][0] if child["ids"] else ""
            page.sections.append(Section(anchor, heading))
            if depth == 0 and not page.title:
                page.title = heading
                page.add("title", heading)
            else:
                page.add("heading", heading)
            _walk(child, page, depth + 1, in_list)
        elif isinstance(child, nodes.title):
            continue  # a section's title: added with its section
        elif isinstance(child, (nodes.literal_block, nodes.doctest_block)):
            page.add("code", child.astext())
        elif isinstance(child, nodes.caption) and isinstance(child.parent, nodes.container):
            page.add("code", child.astext())  # an example's file path
        elif isinstance(child, nodes.term):
            page.add("label", _text(child))  # a definition list's term: an option, a field
        elif isinstance(child, nodes.TextElement):
            _add_text(page, _text(child), in_list)
        else:
            inside = in_list or isinstance(child, (nodes.list_item, nodes.entry))
            _walk(child, page, depth, inside)


def _text(node: nodes.Node) -> str:
    """The node's text, less cross-references without a title of their own: before they are
    resolved their text is the target's label (inv-k33), which the reader never sees."""
    if isinstance(node, addnodes.pending_xref) and not node.get("refexplicit"):
        return ""
    if isinstance(node, nodes.Text):
        return str(node)
    return _EMPTY_PARENS.sub("", "".join(_text(child) for child in node.children))


def _add_text(page: PageText, text: str, in_list: bool) -> None:
    text = " ".join(text.split())
    if in_list and len(text) <= _SHORT_ITEM:
        page.add("list", text)
        return
    for sentence in _SENTENCE_END.split(text):
        enumerates = sentence.count(",") + sentence.count("、") >= 3
        page.add("list" if enumerates else "prose", sentence)
