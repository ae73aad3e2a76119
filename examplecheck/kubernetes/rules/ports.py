"""API-server rules on ports: numbers in range, numbers not quoted, names, probe ports."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from ...rules import RuleSet
from ..linemap import JsonPath, dotted
from ..objects import Emit, Obj, as_dict, as_list, get
from .names import DNS1123_LABEL

TOOL = "kubernetes-api"
PORT_RULES = RuleSet(
    TOOL,
    applies_to=("kubernetes",),
    title_ko="API 서버 규칙: 포트",
    title_en="API server rules: ports",
)
RULE_PORT = PORT_RULES.rule(
    "k8s-invalid-port",
    ko="포트 번호가 범위(1-65535, 노드 포트는 30000-32767) 밖이거나, 따옴표로 감싼 숫자(문자열은 "
    "포트 이름으로 읽힘)이거나, 포트 이름이 IANA 서비스 이름 규칙을 어깁니다.",
    en="A port number is out of range (1-65535; node ports 30000-32767), a quoted number (a "
    "string is read as a port name), or a port name breaks the IANA service name rules.",
    fix_ko="포트 번호는 따옴표 없이 범위 안의 숫자로, 이름은 15자 이내의 소문자와 `-`로 씁니다.",
    fix_en="Write port numbers unquoted and in range; names as up to 15 lowercase letters, "
    "digits and '-'.",
)
RULE_PORT_NAME_REQUIRED = PORT_RULES.rule(
    "k8s-service-port-name-required",
    applies_to=("Service",),
    ko="포트가 여러 개인 서비스에 이름 없는 포트가 있습니다. API 서버가 거부합니다.",
    en="A Service with several ports has an unnamed port; the API server rejects it.",
    fix_ko="서비스의 모든 포트에 `name: http`처럼 이름을 붙입니다.",
    fix_en="Name every port of the Service (name: http).",
)
RULE_PROBE_PORT = PORT_RULES.rule(
    "k8s-probe-port-unknown",
    ko="프로브가 이름으로 가리키는 포트를 컨테이너가 `ports`에 선언하지 않았습니다. 서버는 "
    "받아들이지만 "
    "kubelet의 프로브가 실패합니다.",
    en="A probe names a port the container does not declare in its ports; the server accepts "
    "it but the kubelet's probe fails.",
    fix_ko="컨테이너 `ports`에 그 `name`을 붙이거나 프로브에 포트 번호를 씁니다.",
    fix_en="Give the container port that name, or use the port number in the probe.",
)

IANA_SVC_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
NODE_PORT_RANGE = (30000, 32767)  # The default of kube-apiserver --service-node-port-range.
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")


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


@PORT_RULES.check()
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
        for hook, handler, port in _lifecycle_ports(container):
            _check_port_ref(port, (*path, "lifecycle", hook, handler, "port"), emit)
    if obj.kind == "Service":
        ports = as_list(get(data, ("spec", "ports")))
        for index, port in enumerate(ports):
            port = as_dict(port)
            here = ("spec", "ports", index)
            problem = _port_number_problem(port.get("port"))
            if problem:
                emit((*here, "port"), RULE_PORT, f"{dotted((*here, 'port'))}: {problem}")
            _check_node_port(port.get("nodePort"), (*here, "nodePort"), emit)
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

    if obj.kind == "NetworkPolicy":
        for direction in ("ingress", "egress"):
            for rule_index, rule in enumerate(as_list(get(data, ("spec", direction)))):
                for index, port in enumerate(as_list(as_dict(rule).get("ports"))):
                    here = ("spec", direction, rule_index, "ports", index, "port")
                    _check_port_ref(as_dict(port).get("port"), here, emit)


def _check_node_port(value: Any, path: JsonPath, emit: Emit) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value == 0:
        return  # 0 or absent: the API server allocates one.
    low, high = NODE_PORT_RANGE
    if not low <= value <= high:
        emit(
            path,
            RULE_PORT,
            f"{dotted(path)}: {value} is outside {low}-{high}, the default node port range "
            "(the API server's --service-node-port-range flag); a cluster with the default "
            "rejects it",
        )


def _check_port_ref(value: Any, path: JsonPath, emit: Emit) -> None:
    """An int-or-string port: a number in range, or a string that is a valid port name."""
    if isinstance(value, str):
        if value.isdigit():  # The API server reads any string as a port name, never a number.
            emit(
                path,
                RULE_PORT,
                f'{dotted(path)}: "{value}" is a string, so the API server reads it as a port '
                f"name, and a port name needs a letter: write {value} without quotes",
            )
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


def _lifecycle_ports(container: dict) -> Iterator[tuple[str, str, Any]]:
    lifecycle = as_dict(container.get("lifecycle"))
    for hook in ("postStart", "preStop"):
        for handler in ("httpGet", "tcpSocket"):
            action = as_dict(lifecycle.get(hook)).get(handler)
            if isinstance(action, dict) and "port" in action:
                yield hook, handler, action["port"]


@PORT_RULES.check()
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
