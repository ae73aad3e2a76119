"""Rules the API server enforces that the OpenAPI schemas do not express.

Each rule has a stable id and is what ``kubectl apply`` would reject on a real cluster:
selectors that do not match their template, invalid names and labels, ports out of range,
a Job that restarts Always, an unparsable cron schedule or time zone, Secret data that is not
base64, requests above limits, probes naming a port the container lacks.
"""

from __future__ import annotations

import base64
import binascii
import re
import zoneinfo
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from croniter import croniter

from ..findings import Finding, Severity
from ..yamlload import YamlDocument
from .linemap import JsonPath, dotted
from .objects import (
    as_dict,
    as_list,
    containers,
    get,
    kind_of,
    map_selector_matches,
    pod_template,
    selector_matches,
)

TOOL = "kubernetes-api"

RULE_SELECTOR = "k8s-selector-mismatch"
RULE_NAME = "k8s-invalid-name"
RULE_LABEL = "k8s-invalid-label"
RULE_ANNOTATION = "k8s-invalid-annotation-key"
RULE_PORT = "k8s-invalid-port"
RULE_PORT_NAME_REQUIRED = "k8s-service-port-name-required"
RULE_RESTART = "k8s-job-restart-policy"
RULE_SCHEDULE = "k8s-cron-schedule"
RULE_TIMEZONE = "k8s-cron-timezone"
RULE_BASE64 = "k8s-secret-base64"
RULE_QUANTITY = "k8s-invalid-quantity"
RULE_REQUEST_LIMIT = "k8s-request-exceeds-limit"
RULE_PROBE_PORT = "k8s-probe-port-unknown"
RULE_VALUE = "k8s-invalid-value"

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
IANA_SVC_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
QUANTITY = re.compile(r"^([+-]?[0-9.]+)(([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$")
_SUFFIX = {
    "n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": Decimal(1),
    "k": Decimal("1e3"), "M": Decimal("1e6"), "G": Decimal("1e9"), "T": Decimal("1e12"),
    "P": Decimal("1e15"), "E": Decimal("1e18"),
    "Ki": Decimal(2**10), "Mi": Decimal(2**20), "Gi": Decimal(2**30),
    "Ti": Decimal(2**40), "Pi": Decimal(2**50), "Ei": Decimal(2**60),
}  # fmt: skip
CRON_MACROS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
# RBAC objects take any path segment as a name ("system:aggregate-to-view").
PATH_SEGMENT_KINDS = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}
DNS1035_KINDS = {"Service"}
DNS1123_LABEL_KINDS = {"Namespace"}
SELECTOR_KINDS = {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"}
JOB_KINDS = {"Job", "CronJob"}
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
# Closed sets the API server enforces; the schemas only mention them in descriptions.
POD_VALUES = {"restartPolicy": ("Always", "OnFailure", "Never")}
CONTAINER_VALUES = {"imagePullPolicy": ("Always", "IfNotPresent", "Never")}
PORT_PROTOCOLS = ("TCP", "UDP", "SCTP")
SERVICE_TYPES = ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")

Emit = Callable[..., None]


class Obj:
    """One document with what most rules ask for worked out once."""

    __slots__ = ("containers", "data", "kind", "template")

    def __init__(self, data: dict) -> None:
        self.data = data
        self.kind = kind_of(data)
        self.template = pod_template(data)
        self.containers = list(containers(data)) if self.template is not None else []


def check_document(document: YamlDocument) -> list[Finding]:
    """All API-server rules for one Kubernetes document."""
    findings: list[Finding] = []
    data = document.data
    if not isinstance(data, dict):
        return findings

    def emit(path: JsonPath, rule: str, message: str, key: str | None = None) -> None:
        line, column = document.locate(list(path), key)
        findings.append(Finding(document.path, line, column, Severity.ERROR, rule, TOOL, message))

    obj = Obj(data)
    for rule in RULES:
        rule(obj, emit)
    return findings


# --- names, labels, annotations -------------------------------------------------------------


@cache
def _name_problem(kind: str, name: str) -> str | None:
    if kind in PATH_SEGMENT_KINDS:
        if name in (".", "..") or "/" in name or "%" in name:
            return "may not be '.' or '..' and may not contain '/' or '%'"
        return None
    if kind in DNS1035_KINDS:
        ok, what, limit = DNS1035_LABEL.match(name), "an RFC 1035 label", 63
    elif kind in DNS1123_LABEL_KINDS:
        ok, what, limit = DNS1123_LABEL.match(name), "an RFC 1123 label", 63
    else:
        ok, what, limit = DNS1123_SUBDOMAIN.match(name), "an RFC 1123 subdomain", 253
    if not ok:
        allowed = "lowercase letters, digits, '-'" + (", '.'" if limit == 253 else "")
        return f"must be {what} ({allowed})"
    if len(name) > limit:
        return f"must be at most {limit} characters"
    return None


def check_names(obj: Obj, emit: Emit) -> None:
    data = obj.data
    kind = obj.kind
    name = get(data, ("metadata", "name"))
    if isinstance(name, str):
        problem = _name_problem(kind, name)
        if problem:
            emit(("metadata", "name"), RULE_NAME, f'{kind} name "{name}" {problem}')
    for path, container in obj.containers:
        cname = container.get("name")
        if isinstance(cname, str) and _name_problem("Namespace", cname):
            emit((*path, "name"), RULE_NAME, f'container name "{cname}" must be an RFC 1123 label')


@cache  # The same few keys recur on every document.
def _label_key_problem(key: str) -> str | None:
    prefix, _, name = key.rpartition("/")
    if "/" in prefix:
        return "has more than one '/'"
    if prefix and not (DNS1123_SUBDOMAIN.match(prefix) and len(prefix) <= 253):
        return f"prefix {prefix!r} must be a DNS subdomain"
    if not QUALIFIED_NAME.match(name) or len(name) > 63:
        return (
            "name part must be 1-63 characters: alphanumerics, '-', '_', '.', "
            "starting and ending alphanumeric"
        )
    return None


@cache
def _label_value_ok(text: str) -> bool:
    return len(text) <= 63 and LABEL_VALUE.match(text) is not None


def _label_maps(obj: Obj) -> Iterator[JsonPath]:
    yield ("metadata", "labels")
    found = obj.template
    if found and found[0]:
        yield found[0] + ("metadata", "labels")
    yield ("spec", "selector", "matchLabels")
    if obj.kind in ("Service", "ReplicationController"):
        yield ("spec", "selector")


def check_labels(obj: Obj, emit: Emit) -> None:
    data = obj.data
    for path in _label_maps(obj):
        labels = get(data, path)
        if not isinstance(labels, dict) or "matchLabels" in labels:
            continue
        for key, value in labels.items():
            problem = _label_key_problem(str(key))
            if problem:
                emit(path, RULE_LABEL, f'label key "{key}" in {dotted(path)} {problem}', str(key))
            text = "" if value is None else str(value)
            if not _label_value_ok(text):
                emit(
                    (*path, str(key)),
                    RULE_LABEL,
                    f'label value "{text}" of "{key}" must be at most 63 characters: '
                    "alphanumerics, '-', '_', '.', starting and ending alphanumeric",
                )
    annotations = get(data, ("metadata", "annotations"))
    for key in as_dict(annotations):
        problem = _label_key_problem(str(key))
        if problem:
            emit(
                ("metadata", "annotations"),
                RULE_ANNOTATION,
                f'annotation key "{key}" {problem}',
                str(key),
            )


# --- selectors ------------------------------------------------------------------------------


def check_selector(obj: Obj, emit: Emit) -> None:
    data = obj.data
    kind = obj.kind
    found = obj.template
    if found is None or kind not in SELECTOR_KINDS | {"ReplicationController"}:
        return
    labels = {str(k): str(v) for k, v in as_dict(get(found[1], ("metadata", "labels"))).items()}
    selector = get(data, ("spec", "selector"))
    if kind == "ReplicationController":
        if isinstance(selector, dict) and selector and not map_selector_matches(selector, labels):
            emit(
                ("spec", "selector"),
                RULE_SELECTOR,
                "spec.selector does not match the labels of spec.template.metadata.labels",
            )
        return
    if not isinstance(selector, dict):
        return  # Missing selector is a schema error (required field).
    if not as_dict(selector.get("matchLabels")) and not as_list(selector.get("matchExpressions")):
        emit(
            ("spec", "selector"),
            RULE_SELECTOR,
            f"{kind} spec.selector is empty: it must select the template's labels",
        )
        return
    if not selector_matches(selector, labels):
        emit(
            ("spec", "selector"),
            RULE_SELECTOR,
            f"{kind} spec.selector does not match spec.template.metadata.labels "
            f"({_show(labels)}): the API server rejects this object",
        )


def _show(labels: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in labels.items()) or "no labels"


# --- ports ----------------------------------------------------------------------------------


def _port_number_problem(value: Any, allow_zero: bool = False) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None  # Type errors are the schema's.
    low = 0 if allow_zero else 1
    return None if low <= value <= 65535 else f"{value} is not in {low}-65535"


@cache
def _iana_problem(name: str) -> str | None:
    if len(name) > 15:
        return "must be at most 15 characters"
    if not IANA_SVC_NAME.match(name) or "--" in name:
        return "must be lowercase alphanumerics and '-' (no '--', no '-' at either end)"
    if not re.search(r"[a-z]", name):
        return "must contain at least one letter"
    return None


def check_ports(obj: Obj, emit: Emit) -> None:
    data = obj.data
    for path, container in obj.containers:
        for index, port in enumerate(as_list(container.get("ports"))):
            port = as_dict(port)
            here = (*path, "ports", index)
            for field, zero in (("containerPort", False), ("hostPort", True)):
                problem = _port_number_problem(port.get(field), allow_zero=zero)
                if problem:
                    emit((*here, field), RULE_PORT, f"{dotted((*here, field))}: {problem}")
            name = port.get("name")
            if isinstance(name, str) and (problem := _iana_problem(name)):
                emit((*here, "name"), RULE_PORT, f'port name "{name}" {problem}')
        for probe, handler, port in _probe_ports(container):
            _check_port_ref(port, (*path, probe, handler, "port"), emit)
    if obj.kind == "Service":
        ports = as_list(get(data, ("spec", "ports")))
        for index, port in enumerate(ports):
            port = as_dict(port)
            here = ("spec", "ports", index)
            for field, zero in (("port", False), ("nodePort", True)):
                problem = _port_number_problem(port.get(field), allow_zero=zero)
                if problem:
                    emit((*here, field), RULE_PORT, f"{dotted((*here, field))}: {problem}")
            _check_port_ref(port.get("targetPort"), (*here, "targetPort"), emit)
            name = port.get("name")
            if isinstance(name, str) and not (DNS1123_LABEL.match(name) and len(name) <= 63):
                emit(
                    (*here, "name"),
                    RULE_PORT,
                    f'Service port name "{name}" must be an RFC 1123 label',
                )
            if len(ports) > 1 and not name:
                emit(
                    here,
                    RULE_PORT_NAME_REQUIRED,
                    f"{dotted(here)}: a Service with several ports must name each port",
                )


def _check_port_ref(value: Any, path: JsonPath, emit: Emit) -> None:
    if isinstance(value, str):
        if value.isdigit():
            return
        problem = _iana_problem(value)
        if problem:
            emit(path, RULE_PORT, f'{dotted(path)}: named port "{value}" {problem}')
    elif (problem := _port_number_problem(value)) is not None:
        emit(path, RULE_PORT, f"{dotted(path)}: {problem}")


def _probe_ports(container: dict) -> Iterator[tuple[str, str, Any]]:
    for probe in PROBES:
        spec = container.get(probe)
        if isinstance(spec, dict):
            for handler in ("httpGet", "tcpSocket", "grpc"):
                action = spec.get(handler)
                if isinstance(action, dict) and "port" in action:
                    yield probe, handler, action["port"]


def check_probe_ports(obj: Obj, emit: Emit) -> None:
    for path, container in obj.containers:
        names = {
            n
            for p in as_list(container.get("ports"))
            if isinstance(n := as_dict(p).get("name"), str)
        }
        for probe, handler, port in _probe_ports(container):
            named = handler != "grpc" and isinstance(port, str) and not port.isdigit()
            if named and port not in names:
                emit(
                    (*path, probe, handler, "port"),
                    RULE_PROBE_PORT,
                    f'{probe} names port "{port}", which container '
                    f'"{container.get("name", "?")}" does not declare in its ports',
                )


# --- Jobs and CronJobs ----------------------------------------------------------------------


def check_restart_policy(obj: Obj, emit: Emit) -> None:
    data = obj.data
    if obj.kind not in JOB_KINDS:
        return
    found = obj.template
    if found is None:
        return
    spec_path = found[0] + ("spec",)
    policy = get(data, (*spec_path, "restartPolicy"))
    if policy in ("Never", "OnFailure"):
        return
    if policy is None:
        emit(
            spec_path,
            RULE_RESTART,
            f"{dotted(spec_path)}.restartPolicy is not set (defaults to Always): "
            "a Job's pods need Never or OnFailure",
        )
    else:
        emit(
            (*spec_path, "restartPolicy"),
            RULE_RESTART,
            f'restartPolicy "{policy}" is not allowed for a Job: use Never or OnFailure',
        )


def check_cron(obj: Obj, emit: Emit) -> None:
    data = obj.data
    if obj.kind != "CronJob":
        return
    schedule = get(data, ("spec", "schedule"))
    if isinstance(schedule, str):
        problem = _schedule_problem(schedule.strip())
        if problem:
            emit(("spec", "schedule"), RULE_SCHEDULE, f'schedule "{schedule}" {problem}')
    zone = get(data, ("spec", "timeZone"))
    if isinstance(zone, str) and zone not in _zones():
        emit(
            ("spec", "timeZone"),
            RULE_TIMEZONE,
            f'timeZone "{zone}" is not a time zone of the IANA database (e.g. "Asia/Seoul")',
        )


@cache
def _schedule_problem(schedule: str) -> str | None:
    if re.match(r"^(CRON_)?TZ=", schedule):
        return "may not set TZ or CRON_TZ: use spec.timeZone"
    if schedule in CRON_MACROS or re.match(r"^@every \d+(\.\d+)?(ns|us|ms|s|m|h)+", schedule):
        return None
    if len(schedule.split()) != 5:
        return "must have five fields (minute hour day-of-month month day-of-week)"
    if not croniter.is_valid(schedule):
        return "is not a valid cron expression"
    return None


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


# --- Secrets --------------------------------------------------------------------------------


def check_secret_data(obj: Obj, emit: Emit) -> None:
    data = obj.data
    if obj.kind != "Secret":
        return
    for key, value in as_dict(data.get("data")).items():
        if not isinstance(value, str):
            continue
        try:
            base64.b64decode(value.replace("\n", "").replace("\r", ""), validate=True)
        except (binascii.Error, ValueError):
            emit(
                ("data", str(key)),
                RULE_BASE64,
                f'Secret data "{key}" is not valid base64 (use stringData for plain text)',
            )


# --- resources ------------------------------------------------------------------------------


def parse_quantity(value: Any) -> Decimal | None:
    """A Kubernetes resource quantity (``500m``, ``1Gi``, ``2``) as a number, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(str(value))
    if not isinstance(value, str):
        return None
    match = QUANTITY.match(value.strip())
    if not match:
        return None
    try:
        number = Decimal(match.group(1))
    except InvalidOperation:
        return None
    if match.group(3):
        return number * Decimal(10) ** int(match.group(3)[1:])
    return number * _SUFFIX[match.group(4) or ""]


def check_resources(obj: Obj, emit: Emit) -> None:
    for path, container in obj.containers:
        resources = as_dict(container.get("resources"))
        parsed: dict[str, dict[str, tuple[Decimal, Any]]] = {}
        for section in ("requests", "limits"):
            parsed[section] = {}
            for name, raw in as_dict(resources.get(section)).items():
                value = parse_quantity(raw)
                where = (*path, "resources", section, str(name))
                if value is None and isinstance(raw, str | int | float):
                    emit(where, RULE_QUANTITY, f'{dotted(where)}: "{raw}" is not a valid quantity')
                elif value is not None:
                    parsed[section][str(name)] = (value, raw)
        for name, (request, raw_request) in parsed["requests"].items():
            limit = parsed["limits"].get(name)
            if limit is not None and request > limit[0]:
                where = (*path, "resources", "requests", name)
                emit(
                    where,
                    RULE_REQUEST_LIMIT,
                    f'container "{container.get("name", "?")}" requests more {name} '
                    f"({raw_request}) than its limit ({limit[1]})",
                )


def check_values(obj: Obj, emit: Emit) -> None:
    data = obj.data
    found = obj.template
    if found is not None:
        spec_path = (*found[0], "spec")
        for field, allowed in POD_VALUES.items():
            _check_value(get(data, (*spec_path, field)), (*spec_path, field), allowed, emit)
    for path, container in obj.containers:
        for field, allowed in CONTAINER_VALUES.items():
            _check_value(container.get(field), (*path, field), allowed, emit)
        for index, port in enumerate(as_list(container.get("ports"))):
            here = (*path, "ports", index, "protocol")
            _check_value(as_dict(port).get("protocol"), here, PORT_PROTOCOLS, emit)
    if obj.kind == "Service":
        _check_value(get(data, ("spec", "type")), ("spec", "type"), SERVICE_TYPES, emit)
        for index, port in enumerate(as_list(get(data, ("spec", "ports")))):
            here = ("spec", "ports", index, "protocol")
            _check_value(as_dict(port).get("protocol"), here, PORT_PROTOCOLS, emit)


def _check_value(value: Any, path: JsonPath, allowed: tuple[str, ...], emit: Emit) -> None:
    if isinstance(value, str) and value not in allowed:
        emit(path, RULE_VALUE, f'{dotted(path)}: "{value}" is not one of {", ".join(allowed)}')


RULES = (
    check_names,
    check_values,
    check_labels,
    check_selector,
    check_ports,
    check_probe_ports,
    check_restart_policy,
    check_cron,
    check_secret_data,
    check_resources,
)
