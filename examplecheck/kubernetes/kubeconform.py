"""Thin wrapper around the kubeconform binary: build the command, run it, parse its JSON.

kubeconform's ``-output json`` prints ``{"resources": [...]}``; without ``-verbose`` only
resources that are not valid are listed, each with ``filename``, ``kind``, ``name``,
``version`` (the apiVersion), ``status`` (``statusInvalid``, ``statusError``, ...), ``msg`` and,
for schema errors, ``validationErrors``: ``[{"path": "/spec/replicas", "msg": "..."}]``.
Exit status is 0 when all resources are valid and 1 otherwise; anything else, or output that
is not that JSON, means kubeconform itself failed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Any

from .linemap import JsonPath, from_pointer
from .violations import (
    SchemaViolation,
    invalid,
    not_in_enum,
    required_field,
    unknown_field,
    wrong_type,
)

NAME = "kubeconform"
BINARY_ENV = "KUBECONFORM"
TIMEOUT_ENV = "EXAMPLECHECK_KUBECONFORM_TIMEOUT"
DEFAULT_TIMEOUT = 120.0
STATUS_INVALID = "statusInvalid"
STATUS_ERROR = "statusError"

_QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"")
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
    """The binary named by $KUBECONFORM, else ``kubeconform`` on PATH."""
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
    """One run per Kubernetes version: strict, JSON output, only our local schema location."""
    return [
        binary,
        "-strict",
        "-output", "json",
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


def _quoted(text: str) -> list[str]:
    return [a or b for a, b in _QUOTED.findall(text)]


def violation_from(pointer: str, msg: str, data: Any) -> list[SchemaViolation]:
    """One kubeconform validation error in our terms (same rules and wording as the engine)."""
    path: JsonPath = from_pointer(pointer, data)
    msg = msg.strip()
    if match := _ADDITIONAL.match(msg):
        return [unknown_field(path, name) for name in _quoted(match.group(1))]
    if match := _MISSING.match(msg):
        return [required_field(path, name) for name in _quoted(match.group(1))]
    if match := _TYPE_V6.match(msg):
        return [wrong_type(path, re.split(r",? or |, ", match.group(2)), match.group(1))]
    if match := _TYPE_V5.match(msg):
        return [wrong_type(path, re.split(r",? or |, ", match.group(1)), match.group(2))]
    if (match := _ENUM.match(msg)) and (options := _quoted(match.group(1))):
        return [not_in_enum(path, options)]
    if _COMBINATOR.match(msg):
        return [invalid(path, "value matches none of the allowed forms")]
    return [invalid(path, msg)]


def violations_of(result: ResourceResult, data: Any) -> list[SchemaViolation]:
    if result.errors:
        return [v for pointer, msg in result.errors for v in violation_from(pointer, msg, data)]
    return [invalid((), result.msg or "invalid (kubeconform gave no detail)")]
