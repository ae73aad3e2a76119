"""`kind: List`: each item is its own object, as kubectl applies it and kubeconform checks it.

A List is no resource the API server stores (no schema serves it), so its items are checked in
its place: schema, API rules, practices and set rules, each finding on the item's own lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..findings import Finding
from ..yamlload import YamlDocument
from .engines.violations import RULE_LIST_ITEMS, RULE_NOT_A_RESOURCE
from .objects import kind_of


@dataclass
class ListItem(YamlDocument):
    """One item of a List; ``offset`` and ``width`` place it among kubeconform's results."""

    offset: int = 0  # position among the List's non-null items (kubeconform skips nulls)
    width: int = 1  # the List's non-null items: the results the whole List takes


def is_list(data: Any) -> bool:
    return isinstance(data, dict) and kind_of(data).lower() == "list"


def list_width(data: Any) -> int:
    """How many results kubeconform prints for a List: one per non-null item."""
    items = data.get("items") if isinstance(data, dict) else None
    return sum(item is not None for item in items) if isinstance(items, list) else 0


def expand_lists(
    documents: list[YamlDocument], tool: str
) -> tuple[list[YamlDocument], list[Finding]]:
    """``documents`` with each List replaced by its items; findings for items that are no
    object (a null item is skipped, as kubectl and kubeconform skip it)."""
    expanded: list[YamlDocument] = []
    findings: list[Finding] = []
    for document in documents:
        if not is_list(document.data):
            expanded.append(document)
            continue
        items = document.data.get("items")
        if not isinstance(items, list):
            line, column = document.locate([], "items" if "items" in document.data else None)
            message = "a List needs `items:`, a list of objects (kubectl applies each one)"
            findings.append(
                RULE_LIST_ITEMS.finding(document.path, line, column, message, tool=tool)
            )
            continue
        width, offset = list_width(document.data), 0
        for number, item in enumerate(items):
            if item is None:
                continue
            line, column = document.locate(["items", number])
            if isinstance(item, dict):
                expanded.append(
                    ListItem(document.source, document.index, item, line,
                             ("items", number), offset, width)
                )  # fmt: skip
            else:
                message = f"item {number + 1} of the List is not a mapping: not a Kubernetes object"
                findings.append(
                    RULE_NOT_A_RESOURCE.finding(document.path, line, column, message, tool=tool)
                )
            offset += 1
    return expanded, findings
