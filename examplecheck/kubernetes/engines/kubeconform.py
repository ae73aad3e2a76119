"""Thin wrapper around the kubeconform binary: build the command, run it, parse its JSON.

Written against what kubeconform v0.7.0 prints (tests/fixtures/kubernetes/kubeconform/ holds
its recorded reports). ``-output json -verbose`` lists every resource of every file, valid or
not, each with ``filename``, ``kind``, ``name``, ``version`` (the apiVersion), ``status``
(``statusValid``, ``statusInvalid``, ``statusError``; ``""`` for an empty document) and
``msg``. ``-n 1`` makes one worker validate the resources in file order, so the k-th
non-empty result of a file is its k-th document: two objects of the same name in one file
are told apart by position (and their signatures are checked against ours).

``validationErrors`` holds only the top-level causes of a schema failure ("/spec: validation
failed"); the leaves are in ``msg``, jsonschema/v6's error tree with its newlines turned into
spaces: ``... - at '/spec': validation failed   - at '/spec/replicas': got string, want ...``
(two spaces of indent per level, causes in an order that changes between runs). ``parse_tree``
reads that tree back. Exit status is 0 when all resources are valid and 1 otherwise; anything
else, or output that is not that JSON, means kubeconform itself failed.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Any

from ..linemap import JsonPath, from_pointer
from ..objects import get
from .violations import (
    SchemaViolation,
    invalid,
    json_type,
    not_in_enum,
    required_field,
    unknown_field,
    wrong_type,
)

NAME = "kubeconform"
BINARY_ENV = "KUBECONFORM"
TIMEOUT_ENV = "EXAMPLECHECK_KUBECONFORM_TIMEOUT"
DEFAULT_TIMEOUT = 120.0
STATUS_VALID = "statusValid"
STATUS_INVALID = "statusInvalid"
STATUS_ERROR = "statusError"
STATUS_EMPTY = ""  # kubeconform prints no status word for an empty document.

_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'|\"([^\"]*)\"")
# One node of jsonschema/v6's error tree once kubeconform has joined its lines with spaces:
# a space, two spaces per level below the first, "- at '<JSON pointer>': ".
_TREE_NODE = re.compile(r" ((?:  )*)- at '((?:[^'\\]|\\.)*)': ")
_TREE_ROOT = "jsonschema validation failed with "
# Nodes whose causes are alternatives, not separate errors: the engine reports them as one.
_ALTERNATIVES = re.compile(r"^(?:'?(?:oneOf|anyOf)'? failed|allOf failed|not failed)")
_GROUP = "validation failed"
# jsonschema v6 (kubeconform >= 0.7) and v5 (0.6) wordings of the same errors.
_ADDITIONAL = re.compile(r"^additional ?propert(?:y|ies) (.+) (?:is )?not allowed$", re.IGNORECASE)
_MISSING = re.compile(r"^missing propert(?:y|ies):? (.+)$")
_TYPE_V6 = re.compile(r"^got (\w+), want (.+)$")
_TYPE_V5 = re.compile(r"^expected (.+), but got (\w+)$")
_COMBINATOR = re.compile(r"^'?(?:oneOf|anyOf)'? failed")
_ENUM = re.compile(r"^value must be (?:one of )?(.+)$")


class KubeconformFailed(Exception):
    """kubeconform could not run or its output could not be read."""


@dataclass(frozen=True)
class ResourceResult:
    filename: str
    kind: str
    name: str
    api_version: str
    status: str
    msg: str
    errors: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def find_binary() -> str | None:
    """The binary named by $KUBECONFORM, else ``kubeconform`` on PATH (a nox session's bin)."""
    named = os.environ.get(BINARY_ENV)
    if named:
        return shutil.which(named) or (named if os.access(named, os.X_OK) else None)
    return shutil.which("kubeconform")


def timeout_seconds() -> float:
    try:
        return float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


def build_command(binary: str, version: str, location: str, files: list[str]) -> list[str]:
    """One run per Kubernetes version: strict, every resource reported, in file order."""
    return [
        binary,
        "-strict",
        "-output", "json",
        "-verbose",  # Valid resources too: results are matched to documents by position.
        "-n", "1",  # One worker: results come out in the order of the files and documents.
        "-schema-location", location,
        "-kubernetes-version", f"{version}.0",
        *files,
    ]  # fmt: skip


def run(command: list[str], timeout: float) -> list[ResourceResult]:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise KubeconformFailed(f"kubeconform timed out after {timeout:g}s") from exc
    except OSError as exc:
        raise KubeconformFailed(f"cannot run kubeconform: {exc}") from exc
    if done.returncode not in (0, 1):
        raise KubeconformFailed(
            f"kubeconform exited with status {done.returncode}: {_first_line(done.stderr)}"
        )
    try:
        return parse_output(done.stdout)
    except KubeconformFailed as exc:
        detail = _first_line(done.stderr)
        raise KubeconformFailed(f"{exc}{'; stderr: ' + detail if detail else ''}") from None


def _first_line(text: str) -> str:
    lines = [line for line in (text or "").splitlines() if line.strip()]
    return lines[0][:300] if lines else ""


def parse_output(stdout: str) -> list[ResourceResult]:
    """kubeconform's JSON report as results; anything else raises KubeconformFailed."""
    try:
        report = json.loads(stdout)
    except ValueError:
        raise KubeconformFailed(
            f"kubeconform printed no JSON report: {_first_line(stdout)!r}"
        ) from None
    if not isinstance(report, dict) or not isinstance(report.get("resources"), list):
        raise KubeconformFailed("kubeconform's JSON report has no 'resources' list")
    results = []
    for item in report["resources"]:
        if not isinstance(item, dict):
            raise KubeconformFailed("kubeconform's JSON report has a malformed resource")
        errors = tuple(
            (str(e.get("path", "")), str(e.get("msg", "")))
            for e in item.get("validationErrors") or []
            if isinstance(e, dict)
        )
        results.append(
            ResourceResult(
                filename=str(item.get("filename", "")),
                kind=str(item.get("kind", "")),
                name=str(item.get("name", "")),
                api_version=str(item.get("version", "")),
                status=str(item.get("status", "")),
                msg=str(item.get("msg", "")),
                errors=errors,
            )
        )
    return results


def _unquote(text: str) -> str:
    """The inside of jsonschema/v6's quote(): Go's %q escapes, with ' escaped as well."""
    if "\\" not in text:
        return text
    # unicode_escape reads bytes as Latin-1; escape non-ASCII first so it comes back intact.
    raw = text.encode("latin-1", "backslashreplace")
    try:
        return codecs.decode(raw, "unicode_escape")
    except UnicodeDecodeError:
        return text


def _quoted(text: str) -> list[str]:
    return [_unquote(a) if a or not b else b for a, b in _QUOTED.findall(text)]


def parse_tree(msg: str) -> list[tuple[str, str]] | None:
    """The leaves of the error tree in kubeconform's ``msg``: (JSON pointer, message) pairs.

    None when ``msg`` is not such a tree (then ``validationErrors`` is all there is). Causes
    of oneOf/anyOf/allOf/not are alternatives the value failed, not errors of their own: the
    node itself is the leaf, as the in-process engine reports it.
    """
    start = msg.find(_TREE_ROOT)
    if start < 0:
        return None
    nodes = list(_TREE_NODE.finditer(msg, start))
    if not nodes:
        return None
    entries = []
    for i, match in enumerate(nodes):
        end = nodes[i + 1].start() if i + 1 < len(nodes) else len(msg)
        depth = len(match.group(1)) // 2
        entries.append((depth, _unquote(match.group(2)), msg[match.end() : end].strip()))
    leaves = []
    skip_below: int | None = None
    for i, (depth, pointer, text) in enumerate(entries):
        if skip_below is not None:
            if depth > skip_below:
                continue
            skip_below = None
        has_children = i + 1 < len(entries) and entries[i + 1][0] > depth
        if _ALTERNATIVES.match(text):
            leaves.append((pointer, text))
            skip_below = depth
        elif not has_children:
            leaves.append((pointer, text))
    return leaves


def _got(word: str, data: Any, path: JsonPath) -> str:
    """jsonschema/v6 calls every JSON number "number"; say "integer" when it is one."""
    if word == "number" and json_type(get(data, path)) == "integer":
        return "integer"
    return word


def violation_from(pointer: str, msg: str, data: Any) -> list[SchemaViolation]:
    """One kubeconform validation error in our terms (same rules and wording as the engine)."""
    path: JsonPath = from_pointer(pointer, data)
    msg = msg.strip()
    if match := _ADDITIONAL.match(msg):
        return [unknown_field(path, name) for name in _quoted(match.group(1))]
    if match := _MISSING.match(msg):
        return [required_field(path, name) for name in _quoted(match.group(1))]
    if match := _TYPE_V6.match(msg):
        wanted = re.split(r",? or |, ", match.group(2))
        return [wrong_type(path, wanted, _got(match.group(1), data, path))]
    if match := _TYPE_V5.match(msg):
        wanted = re.split(r",? or |, ", match.group(1))
        return [wrong_type(path, wanted, _got(match.group(2), data, path))]
    if (match := _ENUM.match(msg)) and (options := _quoted(match.group(1))):
        return [not_in_enum(path, options)]
    if _COMBINATOR.match(msg):
        return [invalid(path, "value matches none of the allowed forms")]
    return [invalid(path, msg)]


def violations_of(result: ResourceResult, data: Any) -> list[SchemaViolation]:
    """The leaves of ``msg`` when it holds the error tree, else ``validationErrors``."""
    leaves = parse_tree(result.msg)
    if not leaves:
        leaves = [(p, m) for p, m in result.errors if m != _GROUP] or list(result.errors)
    if leaves:
        return [v for pointer, msg in leaves for v in violation_from(pointer, msg, data)]
    return [invalid((), result.msg or "invalid (kubeconform gave no detail)")]
