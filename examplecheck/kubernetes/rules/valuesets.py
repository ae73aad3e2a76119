"""Closed value sets the API server enforces although the schemas carry no enum.

The OpenAPI schemas only name these sets in descriptions ("Possible enum values: ..."), so a
typo such as ``type: Rolling`` passes schema validation and is rejected by the API server's
validation (pkg/apis/*/validation). An empty string is left alone: defaulting fills it in.
"""

from __future__ import annotations

import re
from typing import Any

from ...rules import RuleSet
from ..linemap import JsonPath, dotted
from ..objects import Emit, Obj, get, walk

VALUE_RULES = RuleSet(
    "kubernetes-api",
    applies_to=("kubernetes",),
    title_ko="API 서버 규칙: 정해진 값",
    title_en="API server rules: closed value sets",
)
RULE_VALUE = VALUE_RULES.rule(
    "k8s-invalid-value",
    ko="API 서버가 정해진 값만 받는 필드(프로토콜, 접근 모드, 전략 종류, 정책 …)에 다른 값이 "
    "있거나, 개수나 백분율만 받는 필드에 다른 값이 있습니다. 스키마에는 열거형이 없어 통과합니다.",
    en="A field the API server restricts to a closed set (protocol, access mode, strategy type, "
    "policy ...) holds another value, or a count-or-percentage field holds neither; the schemas "
    "carry no enum for it.",
    fix_ko='메시지에 나열된 값 중 하나를 대소문자까지 그대로 씁니다. 백분율은 `"25%"`처럼 씁니다.',
    fix_en='Use one of the values the message lists, with the same case; percentages as "25%".',
)

PROTOCOLS = ("TCP", "UDP", "SCTP")
ACCESS_MODES = ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")
VOLUME_MODES = ("Filesystem", "Block")
TRAFFIC_POLICIES = ("Cluster", "Local")
PROFILE_TYPES = ("RuntimeDefault", "Unconfined", "Localhost")
RETAIN_OR_DELETE = ("Retain", "Delete")
HOST_PATH_TYPES = (
    "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice",
    "BlockDevice",
)  # fmt: skip
METRIC_SOURCES = ("resource", "containerResource", "pods", "object", "external")

# Paths relative to the pod spec.
POD_SPEC_VALUES: dict[JsonPath, tuple[str, ...]] = {
    ("restartPolicy",): ("Always", "OnFailure", "Never"),
    ("dnsPolicy",): ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"),
    ("preemptionPolicy",): ("PreemptLowerPriority", "Never"),
    ("securityContext", "seccompProfile", "type"): PROFILE_TYPES,
    ("securityContext", "appArmorProfile", "type"): PROFILE_TYPES,
    ("securityContext", "fsGroupChangePolicy"): ("OnRootMismatch", "Always"),
    # Lt and Gt: documented by the 1.35+ schemas (feature gate TaintTolerationComparisonOperators)
    ("tolerations", "*", "operator"): ("Exists", "Equal", "Lt", "Gt"),
    ("tolerations", "*", "effect"): ("NoSchedule", "PreferNoSchedule", "NoExecute"),
    ("topologySpreadConstraints", "*", "whenUnsatisfiable"): ("DoNotSchedule", "ScheduleAnyway"),
    ("topologySpreadConstraints", "*", "nodeAffinityPolicy"): ("Honor", "Ignore"),
    ("topologySpreadConstraints", "*", "nodeTaintsPolicy"): ("Honor", "Ignore"),
    ("volumes", "*", "hostPath", "type"): HOST_PATH_TYPES,
    ("volumes", "*", "ephemeral", "volumeClaimTemplate", "spec", "accessModes", "*"): ACCESS_MODES,
    ("volumes", "*", "ephemeral", "volumeClaimTemplate", "spec", "volumeMode"): VOLUME_MODES,
}
# Paths relative to each container.
CONTAINER_VALUES: dict[JsonPath, tuple[str, ...]] = {
    ("imagePullPolicy",): ("Always", "IfNotPresent", "Never"),
    ("terminationMessagePolicy",): ("File", "FallbackToLogsOnError"),
    ("ports", "*", "protocol"): PROTOCOLS,
    ("securityContext", "seccompProfile", "type"): PROFILE_TYPES,
    ("securityContext", "appArmorProfile", "type"): PROFILE_TYPES,
    ("securityContext", "procMount"): ("Default", "Unmasked"),
    ("resizePolicy", "*", "restartPolicy"): ("NotRequired", "RestartContainer"),
    ("volumeMounts", "*", "mountPropagation"): ("None", "HostToContainer", "Bidirectional"),
    **{
        (probe, "httpGet", "scheme"): ("HTTP", "HTTPS")
        for probe in ("livenessProbe", "readinessProbe", "startupProbe")
    },
}
_JOB_SPEC_VALUES: dict[JsonPath, tuple[str, ...]] = {
    ("completionMode",): ("NonIndexed", "Indexed"),
    ("podReplacementPolicy",): ("TerminatingOrFailed", "Failed"),
    ("podFailurePolicy", "rules", "*", "action"): ("FailJob", "FailIndex", "Ignore", "Count"),
    ("podFailurePolicy", "rules", "*", "onExitCodes", "operator"): ("In", "NotIn"),
}
_CLAIM_SPEC_VALUES: dict[JsonPath, tuple[str, ...]] = {
    ("accessModes", "*"): ACCESS_MODES,
    ("volumeMode",): VOLUME_MODES,
}
# Paths relative to the object, per kind.
KIND_VALUES: dict[str, dict[JsonPath, tuple[str, ...]]] = {
    "Deployment": {("spec", "strategy", "type"): ("Recreate", "RollingUpdate")},
    "DaemonSet": {("spec", "updateStrategy", "type"): ("RollingUpdate", "OnDelete")},
    "StatefulSet": {
        ("spec", "updateStrategy", "type"): ("RollingUpdate", "OnDelete"),
        ("spec", "podManagementPolicy"): ("OrderedReady", "Parallel"),
        ("spec", "persistentVolumeClaimRetentionPolicy", "whenDeleted"): RETAIN_OR_DELETE,
        ("spec", "persistentVolumeClaimRetentionPolicy", "whenScaled"): RETAIN_OR_DELETE,
        **{
            ("spec", "volumeClaimTemplates", "*", "spec", *p): v
            for p, v in _CLAIM_SPEC_VALUES.items()
        },
    },
    "Service": {
        ("spec", "type"): ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"),
        ("spec", "externalTrafficPolicy"): TRAFFIC_POLICIES,
        ("spec", "internalTrafficPolicy"): TRAFFIC_POLICIES,
        ("spec", "sessionAffinity"): ("None", "ClientIP"),
        ("spec", "ipFamilyPolicy"): ("SingleStack", "PreferDualStack", "RequireDualStack"),
        ("spec", "ipFamilies", "*"): ("IPv4", "IPv6"),
        ("spec", "ports", "*", "protocol"): PROTOCOLS,
    },
    "PersistentVolume": {
        ("spec", "accessModes", "*"): ACCESS_MODES,
        ("spec", "volumeMode"): VOLUME_MODES,
        ("spec", "persistentVolumeReclaimPolicy"): ("Retain", "Delete", "Recycle"),
    },
    "PersistentVolumeClaim": {("spec", *p): v for p, v in _CLAIM_SPEC_VALUES.items()},
    "Ingress": {
        ("spec", "rules", "*", "http", "paths", "*", "pathType"): (
            "Exact",
            "Prefix",
            "ImplementationSpecific",
        ),
    },
    "Job": {("spec", *p): v for p, v in _JOB_SPEC_VALUES.items()},
    "CronJob": {
        ("spec", "concurrencyPolicy"): ("Allow", "Forbid", "Replace"),
        **{("spec", "jobTemplate", "spec", *p): v for p, v in _JOB_SPEC_VALUES.items()},
    },
    "NetworkPolicy": {
        ("spec", "policyTypes", "*"): ("Ingress", "Egress"),
        ("spec", "ingress", "*", "ports", "*", "protocol"): PROTOCOLS,
        ("spec", "egress", "*", "ports", "*", "protocol"): PROTOCOLS,
    },
    "HorizontalPodAutoscaler": {
        ("spec", "metrics", "*", "type"): (
            "Object",
            "Pods",
            "Resource",
            "ContainerResource",
            "External",
        ),
        **{
            ("spec", "metrics", "*", source, "target", "type"): (
                "Utilization",
                "Value",
                "AverageValue",
            )
            for source in METRIC_SOURCES
        },
        **{
            ("spec", "behavior", direction, "selectPolicy"): ("Max", "Min", "Disabled")
            for direction in ("scaleUp", "scaleDown")
        },
        **{
            ("spec", "behavior", direction, "policies", "*", "type"): ("Pods", "Percent")
            for direction in ("scaleUp", "scaleDown")
        },
    },
    "PodDisruptionBudget": {
        ("spec", "unhealthyPodEvictionPolicy"): ("IfHealthyBudget", "AlwaysAllow"),
    },
}


@VALUE_RULES.check()
def check_value_sets(obj: Obj, emit: Emit) -> None:
    data = obj.data
    for pattern, allowed in KIND_VALUES.get(obj.kind, {}).items():
        _check_all(data, pattern, (), allowed, emit)
    if obj.pod_spec is not None:
        spec_path, spec = obj.pod_spec
        for pattern, allowed in POD_SPEC_VALUES.items():
            _check_all(spec, pattern, spec_path, allowed, emit)
    for path, container in obj.containers:
        for pattern, allowed in CONTAINER_VALUES.items():
            _check_all(container, pattern, path, allowed, emit)


def _check_all(
    data: Any, pattern: JsonPath, base: JsonPath, allowed: tuple[str, ...], emit: Emit
) -> None:
    for path, value in walk(data, pattern, base):
        if isinstance(value, str) and value and value not in allowed:
            emit(path, RULE_VALUE, f'{dotted(path)}: "{value}" is not one of {", ".join(allowed)}')


# Int-or-string fields that take a count or a percentage ("25%"), per kind.
INT_OR_PERCENT: dict[str, tuple[JsonPath, ...]] = {
    "PodDisruptionBudget": (("spec", "minAvailable"), ("spec", "maxUnavailable")),
    "Deployment": (
        ("spec", "strategy", "rollingUpdate", "maxSurge"),
        ("spec", "strategy", "rollingUpdate", "maxUnavailable"),
    ),
    "DaemonSet": (
        ("spec", "updateStrategy", "rollingUpdate", "maxSurge"),
        ("spec", "updateStrategy", "rollingUpdate", "maxUnavailable"),
    ),
    "StatefulSet": (("spec", "updateStrategy", "rollingUpdate", "maxUnavailable"),),
}
PERCENT = re.compile(r"^[0-9]+%$")


@VALUE_RULES.check(*INT_OR_PERCENT)
def check_int_or_percent(obj: Obj, emit: Emit) -> None:
    """A count must be >= 0; a string must be a percentage (ValidatePositiveIntOrPercent)."""
    for path in INT_OR_PERCENT.get(obj.kind, ()):
        value = get(obj.data, path)
        if isinstance(value, str) and not PERCENT.match(value):
            emit(
                path,
                RULE_VALUE,
                f'{dotted(path)}: "{value}" must be an integer or a percentage such as "25%"',
            )
        elif isinstance(value, int) and not isinstance(value, bool) and value < 0:
            emit(path, RULE_VALUE, f"{dotted(path)}: {value} must be >= 0")
