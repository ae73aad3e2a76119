"""API-server rules on names, labels and annotations, and container names within a pod."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from ...client_config import CLIENT_CONFIG_GROUPS
from ...rules import RuleSet
from ..linemap import JsonPath, dotted
from ..objects import Emit, Obj, as_dict, get

TOOL = "kubernetes-api"
NAME_RULES = RuleSet(
    TOOL,
    applies_to=("kubernetes",),
    title_ko="API 서버 규칙: 이름과 레이블",
    title_en="API server rules: names and labels",
)
RULE_NAME = NAME_RULES.rule(
    "k8s-invalid-name",
    ko="이름이 API 서버의 이름 규칙(소문자, 숫자, `-`, `.`, 길이)을 어깁니다. 컨테이너 이름도 "
    "포함합니다.",
    en="A name breaks the API server's naming rules (lowercase, digits, '-', '.', length); "
    "container names included.",
    fix_ko="소문자, 숫자, `-`만 쓰고 63자(대부분의 객체 이름은 253자) 이내로 줄입니다.",
    fix_en="Use lowercase letters, digits and '-', within 63 characters (253 for most object "
    "names).",
)
RULE_LABEL = NAME_RULES.rule(
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
RULE_ANNOTATION = NAME_RULES.rule(
    "k8s-invalid-annotation-key",
    ko="어노테이션 키가 레이블 키와 같은 규칙(DNS 접두사/63자 이름)을 어깁니다.",
    en="An annotation key breaks the key rules shared with labels (DNS prefix/63-character name).",
    fix_ko="`example.com/설정-이름`처럼 접두사와 영숫자 이름으로 씁니다.",
    fix_en="Write the key as an optional DNS prefix and an alphanumeric name, e.g. "
    "example.com/setting.",
)
RULE_MISSING_NAME = NAME_RULES.rule(
    "k8s-missing-name",
    ko="`metadata.name`(또는 `generateName`)이 없습니다. API 서버가 거부합니다.",
    en="The object has no metadata.name (or generateName); the API server rejects it.",
    fix_ko="`metadata.name`을 적습니다.",
    fix_en="Add metadata.name.",
)
RULE_DUPLICATE_CONTAINER = NAME_RULES.rule(
    "k8s-duplicate-container-name",
    ko="한 파드 안에 같은 이름의 컨테이너(초기화 컨테이너 포함)가 둘 있습니다. API 서버가 "
    "거부합니다.",
    en="Two containers (init containers included) of one pod share a name; the API server "
    "rejects it.",
    fix_ko="컨테이너마다 다른 이름을 붙입니다.",
    fix_en="Give each container its own name.",
)

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
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
DNS1035_KINDS = {"Service"}
DNS1123_LABEL_KINDS = {"Namespace"}


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


@NAME_RULES.check()
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


@NAME_RULES.check()
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
