"""API-server rules that relate fields of one object to each other.

A volume mount must name a volume of its pod, an autoscaler's bounds must be ordered, a
disruption budget may set only one of its two bounds. Each is a schema-valid document that
the API server (pkg/apis/core, autoscaling and policy validation) rejects.
"""

from __future__ import annotations

from typing import Any

from .linemap import dotted
from .objects import Emit, Obj, as_dict, as_list, get

RULE_VOLUME_MOUNT = "k8s-volume-mount-unknown"
RULE_HPA_REPLICAS = "k8s-hpa-replicas"
RULE_PDB_BOUNDS = "k8s-pdb-bounds"

MOUNT_LISTS = ("volumeMounts", "volumeDevices")


def _names(items: Any, *path: str) -> set[str]:
    return {n for item in as_list(items) if isinstance(n := get(item, path), str)}


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


def check_hpa_replicas(obj: Obj, emit: Emit) -> None:
    if obj.kind != "HorizontalPodAutoscaler":
        return
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


def check_pdb_bounds(obj: Obj, emit: Emit) -> None:
    if obj.kind != "PodDisruptionBudget":
        return
    spec = as_dict(obj.data.get("spec"))
    if spec.get("minAvailable") is not None and spec.get("maxUnavailable") is not None:
        emit(
            ("spec", "maxUnavailable"),
            RULE_PDB_BOUNDS,
            "a PodDisruptionBudget may set minAvailable or maxUnavailable, not both",
        )
