"""Read a YAML file safely and map JSON paths back to lines.

Hostile input is a finding, never a traceback or a hang: files that are too large, empty,
binary or not UTF-8, syntax errors, alias bombs and runaway nesting each get a rule id.
Documents are constructed with PyYAML's C loader (fast); the node tree, which carries line
marks, is composed only when a finding needs a line (see ``YamlDocument.locate``).
"""

from __future__ import annotations

import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .findings import Finding, Severity

try:  # The C loader is ~10x faster; fall back to pure Python where libyaml is missing.
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader  # type: ignore[assignment]


class _ComposeTagsLoader(SafeLoader):  # type: ignore[misc, valid-type]
    """The safe loader plus Compose's merge tags ``!reset`` and ``!override``: they mark how a
    value merges, not its type, so the value loads as if untagged (Docker Compose accepts them)."""


def _untagged(loader: Any, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        tag = loader.resolve(yaml.ScalarNode, node.value, (True, False))
    else:
        tag = loader.resolve(type(node), None, None)
    plain = type(node)(tag, node.value, node.start_mark, node.end_mark)
    return loader.construct_object(plain, deep=True)


for _tag in ("!reset", "!override"):
    _ComposeTagsLoader.add_constructor(_tag, _untagged)

TOOL = "yaml"
MAX_BYTES = 2 * 1024 * 1024  # No example on the site comes near 2 MiB.
MAX_ALIASES = 100  # Real manifests use a handful at most; bombs use thousands.
MAX_DEPTH = 200
MAX_EXPANDED_NODES = 200_000  # Nodes after alias expansion; a bomb is small text, huge data.

_ALIAS_RE = re.compile(r"\*[^\s,\[\]{}]+")


@dataclass
class SourceText:
    """The decoded text of one file, shared by its documents; composes nodes on demand."""

    path: str
    text: str
    _nodes: list[yaml.Node | None] | None = field(default=None, repr=False)

    def nodes(self) -> list[yaml.Node | None]:
        if self._nodes is None:
            self._nodes = list(yaml.compose_all(self.text, Loader=SafeLoader))
        return self._nodes


@dataclass
class YamlDocument:
    """One YAML document of a file: its data and where it starts."""

    source: SourceText
    index: int  # 0-based position among the file's non-empty documents
    data: Any
    line: int  # 1-based line where the document's content starts
    # Where this object sits in the document: ("items", 2) for an item of a `kind: List`.
    prefix: tuple[str | int, ...] = ()

    @property
    def path(self) -> str:
        return self.source.path

    def node(self) -> yaml.Node | None:
        nodes = [n for n in self.source.nodes() if not is_empty_document(n)]
        return nodes[self.index] if self.index < len(nodes) else None

    def locate(self, json_path: Sequence[str | int], key: str | None = None) -> tuple[int, int]:
        """1-based (line, column) of the node at ``json_path``.

        With ``key``, the position of that key inside the mapping at ``json_path`` (for an
        unknown field). Where the path runs out (a required field is missing), the deepest
        existing node's position.
        """
        node = self.node()
        if node is None:
            return self.line, 1
        for part in self.prefix:
            node = _child(node, part) or node
        best = node
        for part in json_path:
            child = _child(node, part)
            if child is None:
                break
            node = best = child
        if key is not None and isinstance(node, yaml.MappingNode):
            for key_node, _value in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                    best = key_node
                    break
        return best.start_mark.line + 1, best.start_mark.column + 1


def is_empty_document(node: yaml.Node | None) -> bool:
    """A bare ``---`` (trailing, or followed only by comments) holds nothing: kubectl and
    Compose skip it, so it is no document here either."""
    return node is None or (
        isinstance(node, yaml.ScalarNode)
        and node.tag == "tag:yaml.org,2002:null"
        and node.value == ""
        and not node.style  # None (pure Python loader) or "" (C loader): no quotes
    )


def _child(node: yaml.Node, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                return value_node
    elif (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        return node.value[part]
    return None


@dataclass
class LoadResult:
    documents: list[YamlDocument]
    findings: list[Finding]
    text: str | None = None


def _finding(path: str, line: int, col: int, rule: str, message: str) -> Finding:
    return Finding(path, line, col, Severity.ERROR, rule, TOOL, message)


def read_text(path: Path, display: str) -> tuple[str | None, list[Finding]]:
    """Decode a file as UTF-8 text, or explain why it is not usable text."""
    try:
        status = path.stat()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop, on some Pythons
        return None, [_finding(display, 0, 0, "file-unreadable", f"cannot read file: {exc}")]
    if not stat.S_ISREG(status.st_mode):  # a FIFO would block the read forever
        return None, [
            _finding(
                display, 0, 0, "file-unreadable", "not a regular file (a FIFO, socket or device)"
            )
        ]
    size = status.st_size
    if size > MAX_BYTES:
        return None, [
            _finding(
                display,
                0,
                0,
                "file-too-large",
                f"file is {size:,} bytes; examples are limited to {MAX_BYTES:,} bytes",
            )
        ]
    try:
        raw = path.read_bytes()
    except OSError as exc:  # no read permission, or an I/O error
        return None, [_finding(display, 0, 0, "file-unreadable", f"cannot read file: {exc}")]
    if not raw.strip():
        return None, [_finding(display, 0, 0, "file-empty", "file is empty")]
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return None, [_finding(display, line, 1, "file-binary", "file contains NUL bytes")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            _finding(
                display,
                line,
                col,
                "file-encoding",
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            )
        ]
    return text, []


def _may_have_aliases(text: str) -> bool:
    """Cheap gate: an alias needs an anchor (&) and a *name; cron lines rarely have both."""
    return "&" in text and _ALIAS_RE.search(text) is not None


def _alias_count(raw_text: str) -> int:
    """Number of alias events; a cheap regex gate keeps the common case free."""
    if not _may_have_aliases(raw_text):
        return 0
    count = 0
    for event in yaml.parse(raw_text, Loader=SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            count += 1
            if count > MAX_ALIASES:
                break
    return count


def _expanded_size(data: Any, limit: int) -> int:
    """Node count of ``data`` with every alias expanded (memoised; stops past ``limit``)."""
    memo: dict[int, int] = {}

    def size(obj: Any) -> int:
        if not isinstance(obj, dict | list):
            return 1
        known = memo.get(id(obj))
        if known is not None:
            return known
        total = 1
        children = obj.values() if isinstance(obj, dict) else obj
        for child in children:
            total += size(child)
            if total > limit:
                break
        memo[id(obj)] = total
        return total

    return size(data)


def _depth_bound(text: str) -> int:
    """A cheap upper bound of the nesting depth, so common files skip the event scan.

    Flow nesting is bounded by the number of brackets; block nesting on a line by its
    indentation (a nested block needs at least one more column, a compact sequence none)
    plus its '-' and ':' indicators.
    """
    flow = text.count("[") + text.count("{")
    block = 0
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        block = max(block, 2 * indent + line.count("-") + line.count(":"))
    return flow + block + 2


def _depth_exceeded(text: str) -> bool:
    """True when flow or block nesting exceeds MAX_DEPTH."""
    if _depth_bound(text) <= MAX_DEPTH:
        return False
    depth = 0
    for event in yaml.parse(text, Loader=SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return False


def load_yaml(path: Path, display: str) -> LoadResult:
    """Load every document of a YAML file; problems come back as findings."""
    text, findings = read_text(path, display)
    if text is None:
        return LoadResult([], findings)
    source = SourceText(display, text)
    try:
        if _alias_count(text) > MAX_ALIASES:
            return LoadResult(
                [],
                [
                    _finding(
                        display,
                        1,
                        1,
                        "yaml-alias-limit",
                        f"more than {MAX_ALIASES} aliases: refusing to expand (alias bomb?)",
                    )
                ],
                text,
            )
        if _depth_exceeded(text):
            return LoadResult(
                [],
                [_finding(display, 1, 1, "yaml-depth-limit", f"nesting deeper than {MAX_DEPTH}")],
                text,
            )
        documents: list[YamlDocument] = []
        aliases_possible = _may_have_aliases(text)
        loader = _ComposeTagsLoader(text)
        try:
            index = 0
            while loader.check_node():
                node = loader.get_node()
                if is_empty_document(node):
                    continue
                data = loader.construct_document(node)
                if (
                    aliases_possible
                    and _expanded_size(data, MAX_EXPANDED_NODES) > MAX_EXPANDED_NODES
                ):
                    line = node.start_mark.line + 1
                    message = (
                        f"aliases expand to more than {MAX_EXPANDED_NODES:,} nodes "
                        "(alias bomb?); refusing to expand"
                    )
                    return LoadResult(
                        [], [_finding(display, line, 1, "yaml-alias-limit", message)], text
                    )
                documents.append(YamlDocument(source, index, data, node.start_mark.line + 1))
                index += 1
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or str(exc)
        if exc.context:
            problem = f"{exc.context}: {problem}"
        return LoadResult([], [_finding(display, line, col, "yaml-syntax", problem)], text)
    except yaml.YAMLError as exc:
        return LoadResult([], [_finding(display, 1, 1, "yaml-syntax", str(exc))], text)
    except RecursionError:
        return LoadResult(
            [], [_finding(display, 1, 1, "yaml-depth-limit", "nesting too deep to load")], text
        )
    if not documents:
        findings.append(
            _finding(display, 1, 1, "file-empty", "file has no YAML document (only comments?)")
        )
    return LoadResult(documents, findings, text)
