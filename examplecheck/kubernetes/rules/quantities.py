"""Resource quantities (``500m``, ``1Gi``): parsed wherever the API server parses them.

Quantities are "string or number" in the schemas, so ``64MB`` passes schema validation and is
rejected by the API server (resource.ParseQuantity). Containers are checked with their
requests against their limits; LimitRange, ResourceQuota, volume claims, volumes and pod
overhead carry quantities too.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from ...rules import RuleSet
from ..linemap import JsonPath, dotted
from ..objects import Emit, Obj, as_dict, walk

QUANTITY_RULES = RuleSet(
    "kubernetes-api",
    applies_to=("kubernetes",),
    title_ko="API 서버 규칙: 수량과 자원",
    title_en="API server rules: quantities and resources",
)
RULE_QUANTITY = QUANTITY_RULES.rule(
    "k8s-invalid-quantity",
    ko="자원 수량(`500m`, `1Gi`)을 API 서버가 읽을 수 없습니다. 스키마는 문자열이면 통과시키지만 "
    "`64MB` 같은 값은 API 서버가 거부합니다.",
    en="A resource quantity (500m, 1Gi) the API server cannot parse; the schema lets any string "
    "pass, the server rejects e.g. 64MB.",
    fix_ko="`Mi`, `Gi` 같은 이진 접미사나 `m`(밀리코어)를 씁니다. `MB`, `GB`는 없습니다.",
    fix_en="Use binary suffixes such as Mi and Gi, or m for millicores; there is no MB or GB.",
)
RULE_REQUEST_LIMIT = QUANTITY_RULES.rule(
    "k8s-request-exceeds-limit",
    ko="컨테이너의 요청(requests)이 제한(limits)보다 큽니다. API 서버가 거부합니다.",
    en="A container requests more of a resource than its limit; the API server rejects it.",
    fix_ko="요청을 제한 이하로 줄이거나 제한을 늘립니다.",
    fix_en="Lower the request to at most the limit, or raise the limit.",
)

QUANTITY = re.compile(r"^([+-]?[0-9.]+)(([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$")
_SUFFIX = {
    "n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": Decimal(1),
    "k": Decimal("1e3"), "M": Decimal("1e6"), "G": Decimal("1e9"), "T": Decimal("1e12"),
    "P": Decimal("1e15"), "E": Decimal("1e18"),
    "Ki": Decimal(2**10), "Mi": Decimal(2**20), "Gi": Decimal(2**30),
    "Ti": Decimal(2**40), "Pi": Decimal(2**50), "Ei": Decimal(2**60),
}  # fmt: skip


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


@QUANTITY_RULES.check()
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


_CLAIM_RESOURCES: tuple[JsonPath, ...] = (
    ("resources", "requests", "*"),
    ("resources", "limits", "*"),
)
# Paths relative to the object, per kind; "*" is every list item or map value.
KIND_QUANTITIES: dict[str, tuple[JsonPath, ...]] = {
    "LimitRange": tuple(
        ("spec", "limits", "*", field, "*")
        for field in ("default", "defaultRequest", "max", "min", "maxLimitRequestRatio")
    ),
    "ResourceQuota": (("spec", "hard", "*"),),
    "PersistentVolumeClaim": tuple(("spec", *p) for p in _CLAIM_RESOURCES),
    "PersistentVolume": (("spec", "capacity", "*"),),
    "StatefulSet": tuple(
        ("spec", "volumeClaimTemplates", "*", "spec", *p) for p in _CLAIM_RESOURCES
    ),
    "RuntimeClass": (("overhead", "podFixed", "*"),),
}
# Paths relative to the pod spec.
POD_SPEC_QUANTITIES: tuple[JsonPath, ...] = (
    ("volumes", "*", "emptyDir", "sizeLimit"),
    *(("volumes", "*", "ephemeral", "volumeClaimTemplate", "spec", *p) for p in _CLAIM_RESOURCES),
    ("overhead", "*"),
    ("resources", "requests", "*"),  # Pod-level resources.
    ("resources", "limits", "*"),
)


@QUANTITY_RULES.check()
def check_quantities(obj: Obj, emit: Emit) -> None:
    """Quantities outside containers' resources (those are check_resources')."""
    for pattern in KIND_QUANTITIES.get(obj.kind, ()):
        _check_all(obj.data, pattern, (), emit)
    if obj.pod_spec is not None:
        spec_path, spec = obj.pod_spec
        for pattern in POD_SPEC_QUANTITIES:
            _check_all(spec, pattern, spec_path, emit)


def _check_all(data: Any, pattern: JsonPath, base: JsonPath, emit: Emit) -> None:
    for path, raw in walk(data, pattern, base):
        quantity_like = isinstance(raw, str | int | float) and not isinstance(raw, bool)
        if quantity_like and parse_quantity(raw) is None:
            emit(path, RULE_QUANTITY, f'{dotted(path)}: "{raw}" is not a valid quantity')
