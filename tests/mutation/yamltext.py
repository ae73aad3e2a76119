"""Where each key of a YAML file sits, and line edits that keep the rest of the file intact.

Operators edit the text, never re-dump the data: a mutant must look like the file a tired
contributor would commit (comments, order and quoting kept), so the checker sees exactly one
defect and reports it on a line we can predict.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import yaml

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Entry:
    """One ``key: value`` pair of a block mapping."""

    doc: int
    path: Path  # JSON path of the value, e.g. ("spec", "template", "spec", "containers", 0)
    key: yaml.ScalarNode
    value: yaml.Node
    parent: yaml.MappingNode  # the mapping holding this pair

    @property
    def name(self) -> str:
        return self.key.value

    @property
    def line(self) -> int:
        """1-based line of the key."""
        return self.key.start_mark.line + 1

    @property
    def value_is_inline_scalar(self) -> bool:
        return (
            isinstance(self.value, yaml.ScalarNode)
            and self.value.start_mark.line == self.key.start_mark.line
            and self.value.end_mark.line == self.key.start_mark.line
        )

    @property
    def first_in_parent(self) -> bool:
        return self.parent.value[0][0] is self.key


def last_line(node: yaml.Node) -> int:
    """1-based last line holding ``node``'s content. A block collection's end mark is the next
    token (maybe lines below, after comments), so it is found through its last child."""
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style:
        children = node.value
        if children:
            last = children[-1][1] if isinstance(node, yaml.MappingNode) else children[-1]
            return last_line(last)
    start, end = node.start_mark, node.end_mark
    # A block scalar (`|`) ends at the start of the line after its content.
    return end.line if end.column == 0 and end.line > start.line else end.line + 1


def span(node: yaml.Node) -> range:
    return range(node.start_mark.line + 1, last_line(node) + 1)


@dataclass
class YamlContext:
    """The parsed view of one YAML file the operators work from."""

    text: str
    documents: list[tuple[object, yaml.Node]]  # (data, node) per non-empty document
    entries: list[Entry]

    @classmethod
    def parse(cls, text: str) -> YamlContext:
        nodes = [n for n in yaml.compose_all(text, Loader=yaml.SafeLoader) if n is not None]
        datas = [d for d in yaml.safe_load_all(text) if d is not None]
        entries: list[Entry] = []
        for index, node in enumerate(nodes):
            entries.extend(_walk(index, node, ()))
        return cls(text, list(zip(datas, nodes, strict=True)), entries)

    def doc_data(self, index: int) -> dict:
        data = self.documents[index][0]
        return data if isinstance(data, dict) else {}

    def kind(self, index: int) -> str:
        return str(self.doc_data(index).get("kind", ""))

    def find(self, doc: int, path: Path) -> Entry | None:
        for entry in self.entries:
            if entry.doc == doc and entry.path == path:
                return entry
        return None

    def named(self, name: str, doc: int | None = None) -> list[Entry]:
        return [e for e in self.entries if e.name == name and (doc is None or e.doc == doc)]

    def under(self, prefix: Path, doc: int) -> list[Entry]:
        n = len(prefix)
        return [e for e in self.entries if e.doc == doc and e.path[:n] == prefix]


def _walk(doc: int, node: yaml.Node, path: Path) -> Iterator[Entry]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                here = (*path, key.value)
                yield Entry(doc, here, key, value, node)
                yield from _walk(doc, value, here)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _walk(doc, item, (*path, index))


# --- line edits (1-based lines; the file's own line ending is kept) ---------------------------


def lines_of(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def replace_span(text: str, node: yaml.Node, new: str) -> str:
    """Replace a node written on one line (a scalar or a key) by ``new``."""
    start, end = node.start_mark, node.end_mark
    assert start.line == end.line, "only single-line nodes are replaced in place"
    lines = lines_of(text)
    line = lines[start.line]
    lines[start.line] = line[: start.column] + new + line[end.column :]
    return "".join(lines)


def set_line(text: str, line: int, new: str) -> str:
    lines = lines_of(text)
    old = lines[line - 1]
    ending = old[len(old.rstrip("\r\n")) :]
    lines[line - 1] = new + ending
    return "".join(lines)


def insert_after(text: str, line: int, new: str) -> str:
    lines = lines_of(text)
    ending = "\r\n" if lines[0].endswith("\r\n") else "\n"
    if not lines[line - 1].endswith(("\n", "\r")):
        lines[line - 1] += ending
    lines.insert(line, new + ending)
    return "".join(lines)


def delete_entry(text: str, entry: Entry) -> tuple[str, int]:
    """Delete a key and its whole value; returns the text and the 1-based line the parent
    mapping now starts on (where a 'required field missing' is reported)."""
    lines = lines_of(text)
    first, last = entry.line, last_line(entry.value)
    if not entry.value_is_inline_scalar and isinstance(entry.value, yaml.ScalarNode):
        last = max(last, first)
    key_col = entry.key.start_mark.column
    prefix = lines[first - 1][:key_col]
    del lines[first - 1 : last]
    parent_start = entry.parent.start_mark.line + 1
    if entry.first_in_parent:
        # The next key of the same mapping takes over the line prefix ("- " of a list item).
        following = entry.parent.value[1][0]
        new_line = following.start_mark.line + 1 - (last - first + 1)
        old = lines[new_line - 1]
        lines[new_line - 1] = prefix + old[following.start_mark.column :]
        parent_start = new_line
    return "".join(lines), parent_start


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))
