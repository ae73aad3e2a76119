"""Where things live inside Kubernetes objects: pod templates, containers, label selectors.

Shared by the API-server rules and the cross-file rules. Every accessor tolerates documents
that fail their schema (a list where a mapping belongs, say): those are reported elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from .linemap import JsonPath

# Kind -> path of its pod template (an object with metadata and spec).
POD_TEMPLATE_PATHS: dict[str, JsonPath] = {
    "Deployment": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "Pod": (),
}
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")

# How a rule reports: emit(path, rule, message, key=None).
Emit = Callable[..., None]


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def get(data: Any, path: JsonPath) -> Any:
    node = data
    for part in path:
        if type(node) is dict:  # Exact type checks: this runs for every field a rule reads.
            node = node.get(part)
        elif type(node) is list and type(part) is int:
            node = node[part] if 0 <= part < len(node) else None
        else:
            return None
        if node is None:
            return None
    return node


def kind_of(data: Any) -> str:
    kind = as_dict(data).get("kind")
    return kind if isinstance(kind, str) else ""


def name_of(data: Any) -> str:
    name = as_dict(as_dict(data).get("metadata")).get("name")
    return name if isinstance(name, str) else ""


def namespace_of(data: Any) -> str | None:
    namespace = as_dict(as_dict(data).get("metadata")).get("namespace")
    return namespace if isinstance(namespace, str) else None


def pod_template(data: Any) -> tuple[JsonPath, dict] | None:
    """Path and value of the object whose metadata/spec describe the pods."""
    path = POD_TEMPLATE_PATHS.get(kind_of(data))
    if path is None:
        return None
    template = get(data, path) if path else data
    return (path, template) if isinstance(template, dict) else None


def pod_labels(data: Any) -> dict | None:
    found = pod_template(data)
    if found is None:
        return None
    labels = as_dict(as_dict(found[1].get("metadata")).get("labels"))
    return {str(k): str(v) for k, v in labels.items()}


def pod_spec(data: Any) -> tuple[JsonPath, dict] | None:
    found = pod_template(data)
    if found is None:
        return None
    spec = found[1].get("spec")
    return (found[0] + ("spec",), spec) if isinstance(spec, dict) else None


def containers(data: Any) -> Iterator[tuple[JsonPath, dict]]:
    found = pod_spec(data)
    if found is None:
        return
    spec_path, spec = found
    for list_name in CONTAINER_LISTS:
        for index, container in enumerate(as_list(spec.get(list_name))):
            if isinstance(container, dict):
                yield (*spec_path, list_name, index), container


def selector_matches(selector: Any, labels: dict[str, str]) -> bool:
    """A LabelSelector (matchLabels + matchExpressions) against a label set."""
    selector = as_dict(selector)
    for key, value in as_dict(selector.get("matchLabels")).items():
        if labels.get(str(key)) != str(value):
            return False
    for expression in as_list(selector.get("matchExpressions")):
        expression = as_dict(expression)
        key = str(expression.get("key", ""))
        values = {str(v) for v in as_list(expression.get("values"))}
        operator = expression.get("operator")
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and key in labels and labels[key] in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def map_selector_matches(selector: dict, labels: dict[str, str]) -> bool:
    """A plain map selector (Service, ReplicationController): every pair must be present."""
    return all(labels.get(str(k)) == str(v) for k, v in selector.items())


def walk(data: Any, pattern: JsonPath, base: JsonPath = ()) -> Iterator[tuple[JsonPath, Any]]:
    """Paths and values matching ``pattern``, where "*" stands for every list item or map value."""
    if not pattern:
        if data is not None:
            yield base, data
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if type(data) is list:
            items = enumerate(data)
        elif type(data) is dict:
            items = ((str(k), v) for k, v in data.items())
        else:
            return
        for key, value in items:
            yield from walk(value, rest, (*base, key))
    elif type(data) is dict and head in data:
        yield from walk(data[head], rest, (*base, head))


class Obj:
    """One document with what most rules ask for worked out once."""

    __slots__ = ("containers", "data", "kind", "pod_spec", "template")

    def __init__(self, data: dict) -> None:
        self.data = data
        self.kind = kind_of(data)
        self.template = pod_template(data)
        self.pod_spec = pod_spec(data) if self.template is not None else None
        self.containers = list(containers(data)) if self.template is not None else []
