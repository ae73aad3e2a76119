"""Warnings that teach: a manifest the API server accepts but a reader should not copy.

Every pod-bearing object (Pod, the workload controllers, Job, CronJob's template) is read for
a floating image tag, missing memory limits and requests, a root user and, for long-running
workloads, a missing readiness probe. Findings are warnings (they never fail a run) with a
short Korean message the site shows under the example; the rules run in-process, so both
schema engines give the same ones. Lines are those ``YamlDocument.locate`` gives, read from
one event scan per file (valid files get warnings too, and composing every one is slow).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import yaml

from ...findings import Finding, Severity
from ...rules import Rule, RuleSet
from ...yamlload import SafeLoader, YamlDocument
from ..linemap import JsonPath
from ..objects import Emit, Obj, as_dict

TOOL = "kubernetes-practice"

PRACTICES = RuleSet(
    TOOL,
    applies_to=("kubernetes",),
    severity=Severity.WARNING,
    title_ko="권장 사항(경고)",
    title_en="Practices (warnings)",
    message_says_fix=True,  # the warnings are written for the site's readers, in Korean
)
RULE_IMAGE_LATEST = PRACTICES.rule(
    "k8s-image-latest",
    ko="컨테이너 이미지에 태그가 없거나 `:latest`입니다. 다시 받거나 새 노드에서 띄우면 검증하지 "
    "않은 다른 이미지가 실행될 수 있습니다.",
    en="A container image has no tag or :latest: a re-pull or a new node may run an image that "
    "was never tested.",
    fix_ko="버전 태그나 다이제스트(`@sha256:…`)로 고정합니다.",
    fix_en="Pin a version tag or a digest (@sha256:...).",
)
RULE_NO_LIMITS = PRACTICES.rule(
    "k8s-no-resource-limits",
    ko="컨테이너에 메모리 상한(`resources.limits.memory`)이 없습니다. 메모리가 새는 컨테이너 "
    "하나가 "
    "노드의 다른 파드까지 OOM으로 종료시킬 수 있습니다.",
    en="A container has no memory limit: one leaking container can get other pods of the node "
    "OOM-killed.",
    fix_ko="컨테이너마다 `resources.limits.memory`를 정합니다.",
    fix_en="Set resources.limits.memory on each container.",
)
RULE_NO_REQUESTS = PRACTICES.rule(
    "k8s-no-resource-requests",
    ko="컨테이너에 CPU나 메모리 요청(`resources.requests`)이 없습니다. 스케줄러가 노드의 여유를 "
    "보고 "
    "배치할 수 없습니다.",
    en="A container requests no CPU or memory: the scheduler cannot place it by the node's "
    "free capacity.",
    fix_ko="`resources.requests.cpu`와 `resources.requests.memory`를 정합니다.",
    fix_en="Set resources.requests.cpu and resources.requests.memory.",
)
RULE_RUNS_AS_ROOT = PRACTICES.rule(
    "k8s-runs-as-root",
    ko="컨테이너가 root로 실행될 수 있습니다(`runAsNonRoot`도, 0이 아닌 `runAsUser`도 없음).",
    en="A container may run as root (neither runAsNonRoot nor a non-zero runAsUser).",
    fix_ko="`securityContext`에 `runAsNonRoot: true`나 0이 아닌 `runAsUser`를 둡니다.",
    fix_en="Set runAsNonRoot: true or a non-zero runAsUser in the securityContext.",
)
RULE_NO_PROBES = PRACTICES.rule(
    "k8s-no-probes",
    applies_to=("Deployment", "StatefulSet", "DaemonSet"),
    ko="오래 실행되는 워크로드의 컨테이너에 준비성 프로브(`readinessProbe`)가 없습니다. 준비되기 "
    "전의 "
    "파드가 트래픽을 받고, 롤링 업데이트가 먼저 넘어갑니다.",
    en="A long-running workload's container has no readinessProbe: pods get traffic before they "
    "are ready and rolling updates move on too early.",
    fix_ko="준비성·활성 프로브를 두어 트래픽과 재시작을 쿠버네티스에 맡깁니다.",
    fix_en="Add a readiness (and liveness) probe.",
)

# Containers that run for the pod's life; ephemeral (debug) containers take no resources.
RUNNING_LISTS = ("initContainers", "containers")
# Controllers that keep pods running and send them traffic: readiness gates that traffic.
LONG_RUNNING_KINDS = {"Deployment", "StatefulSet", "DaemonSet"}


# A warning to place: (document, path, rule, message, key) as a rule emits it.
Pending = tuple[YamlDocument, JsonPath, str, str, str | None]
# Where a warning points: the node at a path, or with a key, that key inside the mapping there.
Target = tuple[JsonPath, str | None]


def check_practices(documents: Iterable[YamlDocument]) -> list[Finding]:
    """All best-practice warnings for these Kubernetes documents."""
    pending: list[Pending] = []
    for document in documents:
        data = document.data
        if not isinstance(data, dict):
            continue
        obj = Obj(data)
        if obj.pod_spec is None:  # Not pod-bearing (or a template the schema check rejects).
            continue
        emit = _emitter(document, pending)
        for check in PRACTICES.checks_for(obj.kind):
            check(obj, emit)
    return _place(pending)


def _emitter(document: YamlDocument, pending: list[Pending]) -> Emit:
    def emit(path: JsonPath, rule: Rule, message: str, key: str | None = None) -> None:
        pending.append((document, path, rule, message, key))

    return emit


def _list_name(path: JsonPath) -> Any:
    return path[-2]


def _floating_tag(image: str) -> str | None:
    """The tag to blame when ``image`` floats (no tag or :latest); None when pinned."""
    if "@" in image:  # A digest pins the content whatever the tag says.
        return None
    last = image.rsplit("/", 1)[-1]  # A registry port ("host:5000/app") is not a tag.
    if ":" not in last:
        return "태그가 없어 :latest를 받으니"
    tag = last.rsplit(":", 1)[1]
    return ":latest 태그이니" if tag == "latest" else None


@PRACTICES.check()
def check_image_tag(obj: Obj, emit: Emit) -> None:
    # A floating tag means a re-pull or a new node runs different code than was tested.
    for path, container in obj.containers:
        image = container.get("image")
        if not isinstance(image, str):
            continue
        tag = _floating_tag(image)
        if tag:
            emit(
                (*path, "image"),
                RULE_IMAGE_LATEST,
                f'이미지 "{image}"는 {tag} 버전 태그나 다이제스트(@sha256:)로 고정합니다.',
            )


def _resources(container: dict) -> tuple[dict, dict]:
    resources = as_dict(container.get("resources"))
    return as_dict(resources.get("requests")), as_dict(resources.get("limits"))


@PRACTICES.check()
def check_limits(obj: Obj, emit: Emit) -> None:
    # Without a memory limit one leaking container can exhaust the node and get others OOM-killed.
    for path, container in obj.containers:
        if _list_name(path) not in RUNNING_LISTS:
            continue
        _requests, limits = _resources(container)
        if "memory" not in limits:
            emit(
                path,
                RULE_NO_LIMITS,
                "메모리 상한이 없어 노드 메모리가 바닥나면 다른 파드까지 OOM으로 종료될 수 있으니 "
                "resources.limits.memory를 정합니다.",
                _key(container, "resources"),
            )


@PRACTICES.check()
def check_requests(obj: Obj, emit: Emit) -> None:
    # The scheduler places pods by requests; a missing one defaults to the limit, else to zero.
    for path, container in obj.containers:
        if _list_name(path) not in RUNNING_LISTS:
            continue
        requests, limits = _resources(container)
        missing = [r for r in ("cpu", "memory") if r not in requests and r not in limits]
        if missing:
            names = ", ".join(f"resources.requests.{r}" for r in missing)
            emit(
                path,
                RULE_NO_REQUESTS,
                f"스케줄러가 노드의 여유를 보고 배치할 수 있도록 {names}를 정합니다.",
                _key(container, "resources"),
            )


def _key(container: dict, key: str) -> str:
    """Where to point: the container's ``key`` when it has one, else its name."""
    return key if key in container else "name"


def _runs_as_non_root(pod_context: dict, container_context: dict) -> bool:
    """What the kubelet enforces: the container's setting wins over the pod's."""
    user = container_context.get("runAsUser", pod_context.get("runAsUser"))
    if isinstance(user, int) and not isinstance(user, bool):
        return user != 0
    non_root = container_context.get("runAsNonRoot", pod_context.get("runAsNonRoot"))
    return non_root is True


@PRACTICES.check()
def check_non_root(obj: Obj, emit: Emit) -> None:
    # A process that is root in the container is one escape away from root on the node.
    pod_spec = as_dict(obj.pod_spec[1]) if obj.pod_spec else {}
    pod_context = as_dict(pod_spec.get("securityContext"))
    for path, container in obj.containers:
        if _list_name(path) not in RUNNING_LISTS:
            continue
        context = as_dict(container.get("securityContext"))
        if _runs_as_non_root(pod_context, context):
            continue
        emit(
            path,
            RULE_RUNS_AS_ROOT,
            "root로 실행될 수 있으니 securityContext에 runAsNonRoot: true나 0이 아닌 "
            "runAsUser를 둡니다.",
            _key(container, "securityContext"),
        )


@PRACTICES.check(*LONG_RUNNING_KINDS)
def check_readiness(obj: Obj, emit: Emit) -> None:
    # Without a readiness probe a pod counts as ready once started: a Service sends it traffic
    # and a rolling update moves on before it can answer.
    for path, container in obj.containers:
        if _list_name(path) != "containers" or "readinessProbe" in container:
            continue
        emit(
            path,
            RULE_NO_PROBES,
            "준비되기 전의 파드가 트래픽을 받거나 롤링 업데이트가 먼저 넘어가지 않도록 "
            "readinessProbe를 둡니다.",
            "name",
        )


# --- placing warnings on lines ----------------------------------------------------------------

_NODE_EVENTS = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent)


def _place(pending: list[Pending]) -> list[Finding]:
    """Findings with lines: one event scan per file, composing nodes only where it falls short.

    Warnings are common on valid files, and ``YamlDocument.locate`` composes and keeps every
    such file's node tree; an event scan keeps nothing, so warnings stay cheap (see
    benchmarks/kubernetes_engine.py).
    """
    wanted: dict[int, dict[int, set[Target]]] = {}
    for document, path, _rule, _message, key in pending:
        per_document = wanted.setdefault(id(document.source), {})
        per_document.setdefault(document.index, set()).add(((*document.prefix, *path), key))
    marks: dict[int, dict[int, dict[Target, tuple[int, int]]]] = {}
    findings: list[Finding] = []
    for document, path, rule, message, key in pending:
        source = id(document.source)
        if source not in marks:
            marks[source] = scan_marks(document.source.text, wanted[source])
        found = marks[source].get(document.index, {}).get(((*document.prefix, *path), key))
        line, column = found or document.locate(list(path), key)
        findings.append(rule.finding(document.path, line, column, message))
    return findings


def scan_marks(
    text: str, wanted: dict[int, set[Target]]
) -> dict[int, dict[Target, tuple[int, int]]]:
    """1-based (line, column) of each wanted target, per document index, as ``locate`` gives.

    Walks PyYAML's events (the node marks ``compose`` would copy from them). A target behind an
    alias or a merge key is left out, and the caller falls back to ``locate``.
    """
    found: dict[int, dict[Target, tuple[int, int]]] = {}
    if not wanted:
        return found
    last = max(wanted)
    index = -1
    targets: set[Target] = set()
    prefixes: set[JsonPath] = set()
    here: dict[Target, tuple[int, int]] = {}
    # Frames: [path or None (not wanted), is_mapping, expecting_key, next_index, key, seen_keys]
    stack: list[list] = []
    for event in yaml.parse(text, Loader=SafeLoader):
        kind = type(event)
        if kind is yaml.DocumentStartEvent:
            index += 1
            if index > last:
                break
            targets = wanted.get(index, set())
            prefixes = {t[0][:n] for t in targets for n in range(len(t[0]) + 1)}
            here = found.setdefault(index, {}) if targets else {}
            stack = []
            continue
        if not targets:  # Nothing wanted in this document.
            continue
        if kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
            stack.pop()
            continue
        if kind not in _NODE_EVENTS:
            continue
        path = _node_path(stack, event, kind, targets, here)
        mark = (event.start_mark.line + 1, event.start_mark.column + 1)
        if path is not None and kind is not yaml.AliasEvent and (path, None) in targets:
            here[(path, None)] = mark
        if kind in (yaml.MappingStartEvent, yaml.SequenceStartEvent):
            wanted_path = path if path in prefixes else None
            stack.append([wanted_path, kind is yaml.MappingStartEvent, True, 0, None, set()])
    return found


def _node_path(
    stack: list[list], event: Any, kind: type, targets: set[Target], here: dict
) -> JsonPath | None:
    """Path of the node this event starts (None when not wanted); records a wanted key's mark."""
    if not stack:
        return ()
    frame = stack[-1]
    parent = frame[0]
    if not frame[1]:  # A sequence item.
        frame[3] += 1
        return None if parent is None else (*parent, frame[3] - 1)
    if frame[2]:  # A mapping key: remember it (the first of duplicates wins, as in locate).
        frame[2] = False
        key = event.value if kind is yaml.ScalarEvent else None
        if key is not None and key in frame[5]:
            key = None
        elif key is not None:
            frame[5].add(key)
            if parent is not None and (parent, key) in targets:
                here[(parent, key)] = (event.start_mark.line + 1, event.start_mark.column + 1)
        frame[4] = key
        return None
    frame[2] = True
    return None if parent is None or frame[4] is None else (*parent, frame[4])
