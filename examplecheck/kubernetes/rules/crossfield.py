"""API-server rules that relate fields of one object to each other.

A volume mount must name a volume of its pod, an autoscaler's bounds must be ordered, a
disruption budget may set only one of its two bounds. Each is a schema-valid document that
the API server (pkg/apis/core, autoscaling and policy validation) rejects.
"""

from __future__ import annotations

from typing import Any

from ...rules import RuleSet
from ..linemap import dotted
from ..objects import Emit, Obj, as_dict, as_list, get

CROSSFIELD_RULES = RuleSet(
    "kubernetes-api",
    applies_to=("kubernetes",),
    title_ko="API 서버 규칙: 한 객체 안의 필드 관계",
    title_en="API server rules: fields of one object",
)
RULE_VOLUME_MOUNT = CROSSFIELD_RULES.rule(
    "k8s-volume-mount-unknown",
    ko="컨테이너의 `volumeMounts`가 파드의 `volumes`(스테이트풀셋이면 `volumeClaimTemplates`도)에 "
    "없는 이름을 가리킵니다. API 서버가 거부합니다.",
    en="A container's volumeMounts names no volume of its pod (nor, in a StatefulSet, a "
    "volumeClaimTemplate); the API server rejects it.",
    fix_ko="`volumes`에 같은 이름의 볼륨을 추가하거나 마운트 이름을 고칩니다.",
    fix_en="Add a volume of that name under volumes, or correct the mount's name.",
)
RULE_HPA_REPLICAS = CROSSFIELD_RULES.rule(
    "k8s-hpa-replicas",
    applies_to=("HorizontalPodAutoscaler",),
    ko="HPA의 `minReplicas`나 `maxReplicas`가 1보다 작거나, `minReplicas`가 `maxReplicas`보다 "
    "큽니다.",
    en="An HPA's minReplicas or maxReplicas is below 1, or minReplicas is above maxReplicas.",
    fix_ko="`1 <= minReplicas <= maxReplicas`가 되게 맞춥니다.",
    fix_en="Keep 1 <= minReplicas <= maxReplicas.",
)
RULE_PDB_BOUNDS = CROSSFIELD_RULES.rule(
    "k8s-pdb-bounds",
    applies_to=("PodDisruptionBudget",),
    ko="PodDisruptionBudget에 `minAvailable`과 `maxUnavailable`이 함께 있습니다. 둘 중 하나만 "
    "쓸 수 있습니다.",
    en="A PodDisruptionBudget sets both minAvailable and maxUnavailable; only one is allowed.",
    fix_ko="둘 중 하나를 지웁니다.",
    fix_en="Remove one of the two.",
)

MOUNT_LISTS = ("volumeMounts", "volumeDevices")


def _names(items: Any, *path: str) -> set[str]:
    return {n for item in as_list(items) if isinstance(n := get(item, path), str)}


@CROSSFIELD_RULES.check()
def check_volume_mounts(obj: Obj, emit: Emit) -> None:
    if obj.pod_spec is None:
        return
    volumes = _names(obj.pod_spec[1].get("volumes"), "name")
    claims: set[str] = set()
    if obj.kind == "StatefulSet":  # The controller adds one volume per claim template.
        claims = _names(get(obj.data, ("spec", "volumeClaimTemplates")), "metadata", "name")
    known = volumes | claims
    for path, container in obj.containers:
        for list_name in MOUNT_LISTS:
            for index, mount in enumerate(as_list(container.get(list_name))):
                name = as_dict(mount).get("name")
                if not isinstance(name, str) or name in known:
                    continue
                where = (*path, list_name, index, "name")
                offered = ", ".join(sorted(known)) or "none"
                source = "volumes or volumeClaimTemplates" if claims else "volumes"
                emit(
                    where,
                    RULE_VOLUME_MOUNT,
                    f'{dotted(where)}: "{name}" is not one of the pod\'s {source} ({offered})',
                )


def _integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@CROSSFIELD_RULES.check("HorizontalPodAutoscaler")
def check_hpa_replicas(obj: Obj, emit: Emit) -> None:
    spec = as_dict(obj.data.get("spec"))
    low, high = _integer(spec.get("minReplicas")), _integer(spec.get("maxReplicas"))
    if high is not None and high < 1:
        emit(("spec", "maxReplicas"), RULE_HPA_REPLICAS, f"spec.maxReplicas {high} must be >= 1")
    if low is not None and low < 1:  # 0 needs the HPAScaleToZero feature gate, off by default.
        emit(
            ("spec", "minReplicas"),
            RULE_HPA_REPLICAS,
            f"spec.minReplicas {low} must be >= 1 (0 only with the alpha HPAScaleToZero gate)",
        )
    if low is not None and high is not None and low > high:
        emit(
            ("spec", "minReplicas"),
            RULE_HPA_REPLICAS,
            f"spec.minReplicas {low} is greater than spec.maxReplicas {high}",
        )


@CROSSFIELD_RULES.check("PodDisruptionBudget")
def check_pdb_bounds(obj: Obj, emit: Emit) -> None:
    spec = as_dict(obj.data.get("spec"))
    if spec.get("minAvailable") is not None and spec.get("maxUnavailable") is not None:
        emit(
            ("spec", "maxUnavailable"),
            RULE_PDB_BOUNDS,
            "a PodDisruptionBudget may set minAvailable or maxUnavailable, not both",
        )
