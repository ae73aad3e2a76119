"""Rules the API server enforces that the OpenAPI schemas do not express.

Each rule has a stable id and is what ``kubectl apply`` would reject on a real cluster:
selectors that do not match their template, invalid names and labels, ports out of range or
quoted (a string port is a port name), node ports outside the default range, a Job that
restarts Always, an unparsable cron schedule or time zone, Secret data that is not base64,
probes naming a port the container lacks. ``RULES`` also runs the rules of valuesets.py
(closed value sets), quantities.py (quantities, requests against limits) and crossfield.py
(volume mounts, autoscaler and disruption budget bounds).
"""

from __future__ import annotations

import base64
import binascii
import re
import zoneinfo
from collections.abc import Iterator
from functools import cache
from typing import Any

from croniter import croniter

from ...client_config import CLIENT_CONFIG_GROUPS
from ...findings import Finding
from ...rules import Rule, RuleSet
from ...yamlload import YamlDocument
from ..linemap import JsonPath, dotted
from ..objects import Emit, Obj, as_dict, as_list, get, map_selector_matches, selector_matches
from .crossfield import CROSSFIELD_RULES
from .quantities import QUANTITY_RULES
from .valuesets import VALUE_RULES

TOOL = "kubernetes-api"

API = RuleSet(
    TOOL,
    applies_to=("kubernetes",),
    title_ko="API 서버 규칙",
    title_en="API server rules",
)
RULE_SELECTOR = API.rule(
    "k8s-selector-mismatch",
    applies_to=("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ReplicationController"),
    ko="워크로드의 셀렉터가 비었거나 파드 템플릿의 레이블과 맞지 않습니다. API 서버가 거부합니다.",
    en="The workload's selector is empty or does not match its pod template's labels; the API "
    "server rejects it.",
    fix_ko="`spec.selector.matchLabels`와 `spec.template.metadata.labels`를 같게 맞춥니다.",
    fix_en="Make spec.selector.matchLabels equal to spec.template.metadata.labels.",
)
RULE_NAME = API.rule(
    "k8s-invalid-name",
    ko="이름이 API 서버의 이름 규칙(소문자, 숫자, `-`, `.`, 길이)을 어깁니다. 컨테이너 이름도 "
    "포함합니다.",
    en="A name breaks the API server's naming rules (lowercase, digits, '-', '.', length); "
    "container names included.",
    fix_ko="소문자, 숫자, `-`만 쓰고 63자(대부분의 객체 이름은 253자) 이내로 줄입니다.",
    fix_en="Use lowercase letters, digits and '-', within 63 characters (253 for most object "
    "names).",
)
RULE_LABEL = API.rule(
    "k8s-invalid-label",
    ko="레이블 키나 값이 API 서버 규칙(접두사는 DNS 이름, 이름과 값은 63자 이내의 영숫자, `-`, "
    "`_`, "
    "`.`)을 어깁니다.",
    en="A label key or value breaks the API server's rules (a DNS prefix; name and value up to "
    "63 alphanumerics, '-', '_', '.').",
    fix_ko="레이블 값은 영숫자로 시작하고 끝나게, 63자 이내로 씁니다. 값이 숫자뿐이면 따옴표로 "
    "감쌉니다.",
    fix_en="Start and end label values with an alphanumeric, within 63 characters; quote "
    "numeric values.",
)
RULE_ANNOTATION = API.rule(
    "k8s-invalid-annotation-key",
    ko="애너테이션 키가 레이블 키와 같은 규칙(DNS 접두사/63자 이름)을 어깁니다.",
    en="An annotation key breaks the key rules shared with labels (DNS prefix/63-character name).",
    fix_ko="`example.com/설정-이름`처럼 접두사와 영숫자 이름으로 씁니다.",
    fix_en="Write the key as an optional DNS prefix and an alphanumeric name, e.g. "
    "example.com/setting.",
)
RULE_PORT = API.rule(
    "k8s-invalid-port",
    ko="포트 번호가 범위(1-65535, 노드 포트는 30000-32767) 밖이거나, 따옴표로 감싼 숫자(문자열은 "
    "포트 이름으로 읽힘)이거나, 포트 이름이 IANA 서비스 이름 규칙을 어깁니다.",
    en="A port number is out of range (1-65535; node ports 30000-32767), a quoted number (a "
    "string is read as a port name), or a port name breaks the IANA service name rules.",
    fix_ko="포트 번호는 따옴표 없이 범위 안의 숫자로, 이름은 15자 이내의 소문자와 `-`로 씁니다.",
    fix_en="Write port numbers unquoted and in range; names as up to 15 lowercase letters, "
    "digits and '-'.",
)
RULE_PORT_NAME_REQUIRED = API.rule(
    "k8s-service-port-name-required",
    applies_to=("Service",),
    ko="포트가 여러 개인 서비스에 이름 없는 포트가 있습니다. API 서버가 거부합니다.",
    en="A Service with several ports has an unnamed port; the API server rejects it.",
    fix_ko="서비스의 모든 포트에 `name: http`처럼 이름을 붙입니다.",
    fix_en="Name every port of the Service (name: http).",
)
RULE_RESTART = API.rule(
    "k8s-job-restart-policy",
    applies_to=("Job", "CronJob"),
    ko="잡의 파드 템플릿에 `restartPolicy`가 없거나(기본값 Always) Always입니다. API 서버가 "
    "거부합니다.",
    en="A Job's pod template has no restartPolicy (default Always) or Always; the API server "
    "rejects it.",
    fix_ko="`restartPolicy: Never` 또는 `OnFailure`를 씁니다.",
    fix_en="Set restartPolicy: Never or OnFailure.",
)
RULE_SCHEDULE = API.rule(
    "k8s-cron-schedule",
    applies_to=("CronJob",),
    ko="크론잡 일정이 다섯 필드가 아니거나, API 서버의 크론 파서가 받지 않는 문자(`L`, `W`, `#`, "
    "`H`)나 `TZ=`를 씁니다.",
    en="A CronJob schedule is not five fields, or uses what the API server's cron parser "
    "refuses (L, W, #, H, TZ=).",
    fix_ko="숫자, `*`, 범위, 목록, 간격(`*/5`), 월·요일 이름만 쓰고 시간대는 `spec.timeZone`에 "
    "적습니다.",
    fix_en="Use numbers, *, ranges, lists, steps (*/5) and month or weekday names; put the "
    "time zone in spec.timeZone.",
)
RULE_TIMEZONE = API.rule(
    "k8s-cron-timezone",
    applies_to=("CronJob",),
    ko="크론잡의 `timeZone`이 IANA 시간대 데이터베이스에 없는 이름입니다.",
    en="A CronJob's timeZone is not a name of the IANA time zone database.",
    fix_ko="`Asia/Seoul`처럼 IANA 시간대 이름을 씁니다.",
    fix_en='Use an IANA zone name such as "Asia/Seoul".',
)
RULE_BASE64 = API.rule(
    "k8s-secret-base64",
    applies_to=("Secret",),
    ko="시크릿의 `data` 값이 올바른 base64가 아닙니다.",
    en="A value under a Secret's data is not valid base64.",
    fix_ko="`echo -n 값 | base64`로 인코딩하거나, 평문은 `stringData`에 씁니다.",
    fix_en="Encode it with `echo -n value | base64`, or put plain text under stringData.",
)
RULE_PROBE_PORT = API.rule(
    "k8s-probe-port-unknown",
    ko="프로브가 이름으로 가리키는 포트를 컨테이너가 `ports`에 선언하지 않았습니다. 서버는 "
    "받아들이지만 "
    "kubelet의 프로브가 실패합니다.",
    en="A probe names a port the container does not declare in its ports; the server accepts "
    "it but the kubelet's probe fails.",
    fix_ko="컨테이너 `ports`에 그 `name`을 붙이거나 프로브에 포트 번호를 씁니다.",
    fix_en="Give the container port that name, or use the port number in the probe.",
)
RULE_MISSING_NAME = API.rule(
    "k8s-missing-name",
    ko="`metadata.name`(또는 `generateName`)이 없습니다. API 서버가 거부합니다.",
    en="The object has no metadata.name (or generateName); the API server rejects it.",
    fix_ko="`metadata.name`을 적습니다.",
    fix_en="Add metadata.name.",
)
RULE_DUPLICATE_CONTAINER = API.rule(
    "k8s-duplicate-container-name",
    ko="한 파드 안에 같은 이름의 컨테이너(초기화 컨테이너 포함)가 둘 있습니다. API 서버가 "
    "거부합니다.",
    en="Two containers (init containers included) of one pod share a name; the API server "
    "rejects it.",
    fix_ko="컨테이너마다 다른 이름을 붙입니다.",
    fix_en="Give each container its own name.",
)
RULE_ROLLING_UPDATE = API.rule(
    "k8s-rolling-update-zero",
    applies_to=("Deployment", "DaemonSet"),
    ko="롤링 업데이트의 `maxSurge`와 `maxUnavailable`이 모두 0입니다. 파드를 하나도 바꿀 수 없어 "
    "API 서버가 거부합니다.",
    en="A rolling update has maxSurge and maxUnavailable both 0: no pod could be replaced, and "
    "the API server rejects it.",
    fix_ko="둘 중 하나를 1(또는 1%) 이상으로 둡니다.",
    fix_en="Let one of them be at least 1 (or 1%).",
)

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
IANA_SVC_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
CRON_MACROS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
# RBAC objects take any path segment as a name ("system:aggregate-to-view"). So does a
# PodDisruptionBudget: pkg/apis/policy/validation validates its spec only, and
# kube-apiserver 1.37.2 accepts `Upper_Case` (tests/apiserver/test_differential.py).
PATH_SEGMENT_KINDS = {
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "PodDisruptionBudget",
}
# The field parser of robfig/cron (cron.ParseStandard), which the API server validates a
# CronJob schedule with: numbers, `*`, `?`, ranges, lists, steps, and month and weekday
# names. croniter also takes `L`, `W`, `#` and `H`, which the server refuses.
_CRON_TERM = r"(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(/[0-9]+)?"
CRON_FIELD = re.compile(rf"^{_CRON_TERM}(,{_CRON_TERM})*$")
CRON_NAMES = (
    frozenset(),
    frozenset(),
    frozenset(),
    frozenset(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]),
    frozenset(["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
)
DNS1035_KINDS = {"Service"}
DNS1123_LABEL_KINDS = {"Namespace"}
SELECTOR_KINDS = {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"}
JOB_KINDS = {"Job", "CronJob"}
NODE_PORT_RANGE = (30000, 32767)  # The default of kube-apiserver --service-node-port-range.
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")


def check_document(document: YamlDocument, *, known_kind: bool = True) -> list[Finding]:
    """All API-server rules for one Kubernetes document.

    ``known_kind=False``: the document has no string apiVersion and kind, or a kind no schema
    or CRD declares. It already has its error for that; that it has no name says nothing more.
    """
    findings: list[Finding] = []
    data = document.data
    if not isinstance(data, dict):
        return findings

    def emit(path: JsonPath, rule: Rule, message: str, key: str | None = None) -> None:
        if rule is RULE_MISSING_NAME and not known_kind:
            return
        line, column = document.locate(list(path), key)
        findings.append(rule.finding(document.path, line, column, message))

    obj = Obj(data)
    for ruleset in RULE_SETS:
        for check in ruleset.checks_for(obj.kind):
            check(obj, emit)
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


def name_problem(kind: str, name: str) -> str | None:
    """What is wrong with ``name`` as the name of a ``kind`` (None: the server takes it)."""
    return _name_problem(kind, name)


def _served(data: dict) -> bool:
    """An object an API server stores (not a client's configuration file, not a List)."""
    api_version, kind = str(data.get("apiVersion", "")), data.get("kind")
    if kind == "List" or (api_version == "v1" and kind == "Config"):
        return False
    return api_version.rpartition("/")[0] not in CLIENT_CONFIG_GROUPS


@API.check()
def check_names(obj: Obj, emit: Emit) -> None:
    data = obj.data
    kind = obj.kind
    name = get(data, ("metadata", "name"))
    if isinstance(name, str):
        problem = _name_problem(kind, name)
        if problem:
            emit(("metadata", "name"), RULE_NAME, f'{kind} name "{name}" {problem}')
    elif name is None and _served(data) and not get(data, ("metadata", "generateName")):
        where = ("metadata",) if isinstance(data.get("metadata"), dict) else ()
        emit(
            where,
            RULE_MISSING_NAME,
            f"{kind} has no metadata.name: the API server requires a name (or generateName)",
        )
    seen: dict[str, JsonPath] = {}
    for path, container in obj.containers:
        cname = container.get("name")
        if isinstance(cname, str) and _name_problem("Namespace", cname):
            emit((*path, "name"), RULE_NAME, f'container name "{cname}" must be an RFC 1123 label')
        if isinstance(cname, str) and cname in seen:
            emit(
                (*path, "name"),
                RULE_DUPLICATE_CONTAINER,
                f'container name "{cname}" is used twice in one pod ({dotted(seen[cname])} '
                "too): containers and init containers need names unique in their pod",
            )
        elif isinstance(cname, str):
            seen[cname] = path


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


@API.check()
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


@API.check()
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


@API.check()
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


@API.check()
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


@API.check(*JOB_KINDS)
def check_restart_policy(obj: Obj, emit: Emit) -> None:
    data = obj.data
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


@API.check("CronJob")
def check_cron(obj: Obj, emit: Emit) -> None:
    data = obj.data
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
    fields = schedule.split()
    if len(fields) != 5:
        return "must have five fields (minute hour day-of-month month day-of-week)"
    for position, text in enumerate(fields):
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
        if not CRON_FIELD.match(text) or not words <= CRON_NAMES[position]:
            return (
                f'has "{text}", which the API server\'s cron parser refuses (it takes '
                "numbers, *, ?, ranges, lists, steps and month or weekday names; not L, W, # or H)"
            )
    if not croniter.is_valid(schedule):
        return "is not a valid cron expression"
    return None


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


# --- rolling updates ------------------------------------------------------------------------

# (maxSurge, maxUnavailable) the API server fills in when a rolling update leaves one out.
ROLLING_UPDATE_DEFAULTS = {"Deployment": ("25%", "25%"), "DaemonSet": (0, 1)}


def _is_zero(value: Any) -> bool:
    return value == 0 or (isinstance(value, str) and value.strip() in ("0", "0%"))


@API.check(*ROLLING_UPDATE_DEFAULTS)
def check_rolling_update(obj: Obj, emit: Emit) -> None:
    """maxSurge and maxUnavailable both 0: no pod could ever be replaced."""
    data = obj.data
    field = "strategy" if obj.kind == "Deployment" else "updateStrategy"
    strategy = as_dict(get(data, ("spec", field)))
    if strategy.get("type", "RollingUpdate") != "RollingUpdate":
        return
    rolling = as_dict(strategy.get("rollingUpdate"))
    surge_default, unavailable_default = ROLLING_UPDATE_DEFAULTS[obj.kind]
    surge = rolling.get("maxSurge", surge_default)
    unavailable = rolling.get("maxUnavailable", unavailable_default)
    if _is_zero(surge) and _is_zero(unavailable):
        emit(
            ("spec", field, "rollingUpdate", "maxUnavailable"),
            RULE_ROLLING_UPDATE,
            f"{obj.kind} rolling update with maxSurge 0 and maxUnavailable 0 can never replace "
            "a pod; the API server refuses it: let one of them be at least 1 (or 1%)",
        )


# --- Secrets --------------------------------------------------------------------------------


@API.check("Secret")
def check_secret_data(obj: Obj, emit: Emit) -> None:
    data = obj.data
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


# Every document rule of the API server, in the order they run.
RULE_SETS = (API, VALUE_RULES, QUANTITY_RULES, CROSSFIELD_RULES)
