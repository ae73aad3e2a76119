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

from .findings import Finding
from .rules import Rule, RuleSet

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

LOADER = RuleSet(
    TOOL,
    applies_to=("every file",),
    title_ko="파일 읽기와 YAML 구문",
    title_en="Reading files and YAML syntax",
)
FILE_UNREADABLE = LOADER.rule(
    "file-unreadable",
    ko="읽을 수 없는 파일입니다(자기 자신을 가리키는 심볼릭 링크, 깨진 링크, 읽기 권한 없음, "
    "FIFO).",
    en="The file cannot be read (a symlink loop, a broken link, no read permission, a FIFO).",
    fix_ko="링크를 고치거나 실제 파일로 바꿉니다.",
    fix_en="Fix the link or replace it by a real file.",
)
FILE_TOO_LARGE = LOADER.rule(
    "file-too-large",
    ko="예제로 받기에 너무 큰 파일입니다(2 MiB 초과). 읽기 전에 크기로 거부합니다.",
    en="The file is too large for an example (over 2 MiB); it is refused by size before reading.",
    fix_ko="예제를 줄이거나 생성되는 파일이면 저장소에 넣지 않습니다.",
    fix_en="Shorten the example; do not commit generated files.",
)
FILE_EMPTY = LOADER.rule(
    "file-empty",
    ko="빈 파일이거나 주석만 있어 YAML 문서가 없습니다.",
    en="The file is empty, or holds only comments and no YAML document.",
    fix_ko="내용을 채우거나 파일을 지웁니다.",
    fix_en="Fill it in or delete it.",
)
FILE_BINARY = LOADER.rule(
    "file-binary",
    ko="파일에 NUL 바이트가 있습니다. 텍스트 예제가 아닙니다.",
    en="The file contains NUL bytes: it is not a text example.",
    fix_ko="텍스트 파일로 다시 저장하거나, 다른 예제가 읽는 입력이면 `conf/exceptions.yaml`에 "
    "둡니다.",
    fix_en="Save it as text, or list an input file in conf/exceptions.yaml.",
)
FILE_ENCODING = LOADER.rule(
    "file-encoding",
    ko="UTF-8이 아닌 바이트가 있습니다.",
    en="The file has bytes that are not UTF-8.",
    fix_ko="편집기에서 UTF-8로 다시 저장합니다.",
    fix_en="Save the file as UTF-8.",
)
YAML_SYNTAX = LOADER.rule(
    "yaml-syntax",
    ko="YAML로 읽을 수 없습니다(들여쓰기, 탭, 따옴표, 콜론 뒤의 공백 …).",
    en="The file is not readable YAML (indentation, tabs, quotes, space after a colon ...).",
    fix_ko="표시된 줄의 들여쓰기를 공백 두 칸 단위로 맞추고 탭을 공백으로 바꿉니다.",
    fix_en="Indent the line in steps of two spaces and replace tabs by spaces.",
)
YAML_ALIAS_LIMIT = LOADER.rule(
    "yaml-alias-limit",
    ko="YAML 별칭(`*이름`)이 너무 많거나 너무 크게 펼쳐집니다(별칭 폭탄). 읽기 전에 거부합니다.",
    en="YAML aliases (*name) are too many or expand too far (an alias bomb); refused before "
    "loading.",
    fix_ko="앵커와 별칭 대신 값을 그대로 씁니다. 쿠버네티스 매니페스트에는 별칭이 필요 없습니다.",
    fix_en="Write the values out instead of anchors and aliases.",
)
YAML_DEPTH_LIMIT = LOADER.rule(
    "yaml-depth-limit",
    ko="YAML 중첩이 너무 깊습니다. 읽기 전에 거부합니다.",
    en="The YAML nests too deep; refused before loading.",
    fix_ko="구조를 얕게 고칩니다.",
    fix_en="Flatten the structure.",
)
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


def _finding(path: str, line: int, col: int, rule: Rule, message: str) -> Finding:
    return rule.finding(path, line, col, message)


def read_text(path: Path, display: str) -> tuple[str | None, list[Finding]]:
    """Decode a file as UTF-8 text, or explain why it is not usable text."""
    try:
        status = path.stat()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop, on some Pythons
        return None, [_finding(display, 0, 0, FILE_UNREADABLE, f"cannot read file: {exc}")]
    if not stat.S_ISREG(status.st_mode):  # a FIFO would block the read forever
        return None, [
            _finding(
                display, 0, 0, FILE_UNREADABLE, "not a regular file (a FIFO, socket or device)"
            )
        ]
    size = status.st_size
    if size > MAX_BYTES:
        return None, [
            _finding(
                display,
                0,
                0,
                FILE_TOO_LARGE,
                f"file is {size:,} bytes; examples are limited to {MAX_BYTES:,} bytes",
            )
        ]
    try:
        raw = path.read_bytes()
    except OSError as exc:  # no read permission, or an I/O error
        return None, [_finding(display, 0, 0, FILE_UNREADABLE, f"cannot read file: {exc}")]
    if not raw.strip():
        return None, [_finding(display, 0, 0, FILE_EMPTY, "file is empty")]
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return None, [_finding(display, line, 1, FILE_BINARY, "file contains NUL bytes")]
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
                FILE_ENCODING,
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
                        YAML_ALIAS_LIMIT,
                        f"more than {MAX_ALIASES} aliases: refusing to expand (alias bomb?)",
                    )
                ],
                text,
            )
        if _depth_exceeded(text):
            return LoadResult(
                [],
                [_finding(display, 1, 1, YAML_DEPTH_LIMIT, f"nesting deeper than {MAX_DEPTH}")],
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
                        [], [_finding(display, line, 1, YAML_ALIAS_LIMIT, message)], text
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
        return LoadResult([], [_finding(display, line, col, YAML_SYNTAX, problem)], text)
    except yaml.YAMLError as exc:
        return LoadResult([], [_finding(display, 1, 1, YAML_SYNTAX, str(exc))], text)
    except RecursionError:
        return LoadResult(
            [], [_finding(display, 1, 1, YAML_DEPTH_LIMIT, "nesting too deep to load")], text
        )
    if not documents:
        findings.append(
            _finding(display, 1, 1, FILE_EMPTY, "file has no YAML document (only comments?)")
        )
    return LoadResult(documents, findings, text)
