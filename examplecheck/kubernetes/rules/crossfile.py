"""Rules across the files of one example set: references must name objects the set defines.

A set is a folder by default; ``conf/sets.yaml`` may merge folders into one set and declares
intentional references to objects outside the set, each with a reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ... import discover, settings
from ...findings import Finding
from ...rules import Rule, RuleSet
from ...yamlload import YamlDocument
from ..linemap import JsonPath
from ..objects import (
    POD_TEMPLATE_PATHS,
    as_dict,
    as_list,
    containers,
    get,
    kind_of,
    map_selector_matches,
    name_of,
    namespace_of,
    pod_labels,
    pod_spec,
    selector_matches,
)

TOOL = "kubernetes-set"
CONFIG = Path("conf") / "sets.yaml"

SET_RULES = RuleSet(
    TOOL,
    applies_to=("kubernetes",),
    title_ko="예제 묶음 안의 참조",
    title_en="References within an example set",
)
_DECLARE_KO = " 일부러 묶음 밖에 둔 대상이면 `conf/sets.yaml`의 `external:`에 이유와 함께 적습니다."
_DECLARE_EN = (
    " If it lives outside the set on purpose, declare it under external: in conf/sets.yaml."
)
RULE_SERVICE_NO_PODS = SET_RULES.rule(
    "k8s-service-selects-nothing",
    applies_to=("Service",),
    ko="서비스의 셀렉터와 맞는 파드 템플릿이 같은 예제 묶음에 없습니다. 적용하면 엔드포인트가 없는 "
    "서비스가 됩니다.",
    en="No pod template of the example set carries the Service's selector labels: applied, the "
    "Service has no endpoints.",
    fix_ko="셀렉터를 워크로드의 파드 템플릿 레이블과 맞추거나 워크로드를 같은 폴더에 둡니다."
    + _DECLARE_KO,
    fix_en="Match the selector to a workload's pod template labels, or add the workload to the "
    "folder." + _DECLARE_EN,
)
RULE_BACKEND_SERVICE = SET_RULES.rule(
    "k8s-backend-service-missing",
    applies_to=("Ingress", "HTTPRoute"),
    ko="인그레스 백엔드나 HTTPRoute의 `backendRefs`가 같은 예제 묶음에 없는 서비스를 가리킵니다.",
    en="An Ingress backend or HTTPRoute backendRef names a Service the example set does not "
    "define.",
    fix_ko="서비스 이름을 고치거나 그 서비스를 같은 폴더에 추가합니다." + _DECLARE_KO,
    fix_en="Correct the Service name or add the Service to the folder." + _DECLARE_EN,
)
RULE_BACKEND_PORT = SET_RULES.rule(
    "k8s-backend-port-missing",
    applies_to=("Ingress", "HTTPRoute"),
    ko="백엔드가 가리키는 포트(번호나 이름)를 그 서비스가 열고 있지 않거나, 번호만 받는 필드에 "
    "문자열을 썼습니다.",
    en="A backend uses a port number or name its Service does not expose, or a string where "
    "only a number is allowed.",
    fix_ko="서비스의 `spec.ports`에 있는 `port` 번호나 `name`을 씁니다.",
    fix_en="Use a port number or name from the Service's spec.ports.",
)
RULE_SCALE_TARGET = SET_RULES.rule(
    "k8s-scale-target-missing",
    applies_to=("HorizontalPodAutoscaler",),
    ko="HPA의 `scaleTargetRef`가 같은 예제 묶음에 없는 워크로드를 가리킵니다.",
    en="An HPA's scaleTargetRef names a workload the example set does not define.",
    fix_ko="`kind`와 `name`을 대상 디플로이먼트(또는 스테이트풀셋)와 맞춥니다." + _DECLARE_KO,
    fix_en="Match kind and name to the target Deployment (or StatefulSet)." + _DECLARE_EN,
)
RULE_PDB_NO_PODS = SET_RULES.rule(
    "k8s-pdb-selects-nothing",
    applies_to=("PodDisruptionBudget",),
    ko="PodDisruptionBudget의 셀렉터와 맞는 파드 템플릿이 같은 예제 묶음에 없습니다. 아무 파드도 "
    "보호하지 않습니다.",
    en="No pod template of the example set matches the PodDisruptionBudget's selector: it "
    "protects nothing.",
    fix_ko="셀렉터를 워크로드의 파드 템플릿 레이블과 맞춥니다." + _DECLARE_KO,
    fix_en="Match the selector to a workload's pod template labels." + _DECLARE_EN,
)
RULE_REF_MISSING = SET_RULES.rule(
    "k8s-ref-missing",
    ko="파드가 참조하는 컨피그맵이나 시크릿(`env`, `envFrom`, `volumes`)이 같은 예제 묶음에 "
    "없습니다. "
    "적용하면 파드가 `CreateContainerConfigError`로 멈춥니다.",
    en="A ConfigMap or Secret the pod refers to (env, envFrom, volumes) is not in the example "
    "set: applied, the pod stops at CreateContainerConfigError.",
    fix_ko="그 컨피그맵이나 시크릿을 같은 폴더에 추가하거나 이름을 고칩니다. 없어도 되면 "
    "`optional: true`를 둡니다." + _DECLARE_KO,
    fix_en="Add the ConfigMap or Secret to the folder or correct the name; mark it optional: "
    "true if the pod can do without." + _DECLARE_EN,
)
RULE_REF_KEY_MISSING = SET_RULES.rule(
    "k8s-ref-key-missing",
    ko="파드가 참조하는 컨피그맵이나 시크릿에 그 키가 없습니다.",
    en="The ConfigMap or Secret the pod refers to has no such key.",
    fix_ko="키 이름을 `data`(또는 `stringData`)의 키와 맞춥니다.",
    fix_en="Match the key to one under data (or stringData).",
)
RULE_PVC_MISSING = SET_RULES.rule(
    "k8s-pvc-missing",
    ko="파드 볼륨의 `persistentVolumeClaim.claimName`이 같은 예제 묶음에 없는 PVC를 가리킵니다. "
    "파드가 Pending에 머뭅니다.",
    en="A pod volume's persistentVolumeClaim.claimName names a PVC the example set does not "
    "define: the pod stays Pending.",
    fix_ko="PVC를 같은 폴더에 추가하거나 이름을 고칩니다." + _DECLARE_KO,
    fix_en="Add the PVC to the folder or correct the name." + _DECLARE_EN,
)
RULE_TARGET_PORT = SET_RULES.rule(
    "k8s-target-port-unknown",
    applies_to=("Service",),
    ko="서비스의 이름 붙은 `targetPort`를 서비스가 고르는 컨테이너 중 아무도 선언하지 않았습니다. "
    "서버는 받아들이지만 그 포트에는 엔드포인트가 생기지 않습니다.",
    en="No container the Service selects declares its named targetPort: the server accepts it, "
    "but the port gets no endpoints.",
    fix_ko="컨테이너 `ports`에 그 `name`을 붙이거나 포트 번호를 씁니다.",
    fix_en="Give the container port that name, or use the port number.",
)


@dataclass(frozen=True)
class External:
    set: str | None
    kind: str
    name: str
    reason: str


@dataclass
class SetsConfig:
    folder_to_set: dict[str, str] = field(default_factory=dict)
    external: list[External] = field(default_factory=list)

    def set_of(self, path: str) -> str:
        return discover.set_of(path, self.folder_to_set)  # display paths: POSIX, relative

    def is_external(self, set_name: str, kind: str, name: str) -> bool:
        return any(
            e.kind == kind and e.name == name and e.set in (None, set_name) for e in self.external
        )


def load_sets_config(root: Path) -> SetsConfig:
    """conf/sets.yaml (its shape: conf/schemas/sets.schema.json); absent: folders are sets."""
    config = SetsConfig(folder_to_set=discover.set_groups(root))
    for entry in settings.data_of(root, "sets").get("external") or []:
        config.external.append(
            External(entry.get("set"), entry["kind"], entry["name"], entry["reason"])
        )
    return config


class ExampleSet:
    """The documents of one set, indexed by kind and name."""

    def __init__(self, name: str, documents: list[YamlDocument]) -> None:
        self.name = name
        self.documents = documents
        self.by_kind: dict[str, list[YamlDocument]] = defaultdict(list)
        for document in documents:
            self.by_kind[kind_of(document.data)].append(document)

    def find(self, kind: str, name: str, namespace: str | None) -> YamlDocument | None:
        for document in self.by_kind.get(kind, []):
            if name_of(document.data) != name:
                continue
            other = namespace_of(document.data)
            if namespace is None or other is None or namespace == other:
                return document
        return None

    def pod_label_sets(self) -> list[dict[str, str]]:
        out = []
        for document in self.documents:
            labels = pod_labels(document.data)
            if labels is not None:
                out.append(labels)
        return out


Emit = Callable[..., None]


def check_sets(
    documents: Iterable[YamlDocument], config: SetsConfig, one_set: str | None = None
) -> list[Finding]:
    """``one_set``: the documents are one set whatever folders they come from (the render of
    a kustomization, which `kubectl apply -k` sends together)."""
    groups: dict[str, list[YamlDocument]] = defaultdict(list)
    for document in documents:
        if isinstance(document.data, dict):
            groups[one_set or config.set_of(document.path)].append(document)
    findings: list[Finding] = []
    for set_name, members in sorted(groups.items()):
        example_set = ExampleSet(set_name, members)
        for document in members:

            def emit(
                path: JsonPath, rule: Rule, message: str, key: str | None = None,
                document: YamlDocument = document,
            ) -> None:  # fmt: skip
                line, column = document.locate(list(path), key)
                findings.append(rule.finding(document.path, line, column, message))

            for check in SET_RULES.checks_for(kind_of(document.data)):
                check(document.data, example_set, config, emit)
    return findings


def _missing(example_set: ExampleSet, config: SetsConfig, kind: str, name: str, data: Any) -> bool:
    if example_set.find(kind, name, namespace_of(data)) is not None:
        return False
    return not config.is_external(example_set.name, kind, name)


def _outside(set_name: str) -> str:
    return f"in set {set_name}; if it comes from elsewhere on purpose, declare it in {CONFIG}"


# --- Services, Ingress, HTTPRoute ------------------------------------------------------------


@SET_RULES.check("Service")
def check_service_selects(
    data: dict, example_set: ExampleSet, config: SetsConfig, emit: Emit
) -> None:
    if get(data, ("spec", "type")) == "ExternalName":
        return
    selector = get(data, ("spec", "selector"))
    if not isinstance(selector, dict) or not selector:
        return  # A Service without selector has manually managed endpoints.
    if any(map_selector_matches(selector, labels) for labels in example_set.pod_label_sets()):
        _check_target_port_names(data, selector, example_set, emit)
        return
    if config.is_external(example_set.name, "Service", name_of(data)):
        return
    shown = ", ".join(f"{k}={v}" for k, v in selector.items())
    emit(
        ("spec", "selector"),
        RULE_SERVICE_NO_PODS,
        f'Service "{name_of(data)}" selects {shown}, but no pod template carries these labels '
        f"{_outside(example_set.name)}",
    )


def _check_target_port_names(
    data: dict, selector: dict, example_set: ExampleSet, emit: Emit
) -> None:
    """A named targetPort must be a port name of a container the Service selects.

    The API server accepts any valid name (it checks objects one by one); the Service then
    has no endpoints for that port, which is why this is a set rule.
    """
    declared: set[str] = set()
    for document in example_set.documents:
        labels = pod_labels(document.data)
        if labels is None or not map_selector_matches(selector, labels):
            continue
        for _path, container in containers(document.data):
            for port in as_list(container.get("ports")):
                if isinstance(name := as_dict(port).get("name"), str):
                    declared.add(name)
    for index, port in enumerate(as_list(get(data, ("spec", "ports")))):
        target = as_dict(port).get("targetPort")
        if isinstance(target, str) and not target.isdigit() and target not in declared:
            shown = ", ".join(sorted(declared)) or "none"
            emit(
                ("spec", "ports", index, "targetPort"),
                RULE_TARGET_PORT,
                f'Service "{name_of(data)}" targets port name "{target}", but the containers '
                f"it selects declare port names: {shown}; name the container port so, or "
                "use the port number",
            )


def _service_ports(service: YamlDocument) -> tuple[set[int], set[str]]:
    numbers, names = set(), set()
    for port in as_list(get(service.data, ("spec", "ports"))):
        port = as_dict(port)
        if isinstance(port.get("port"), int):
            numbers.add(port["port"])
        if isinstance(port.get("name"), str):
            names.add(port["name"])
    return numbers, names


def _check_backend(
    data: dict, example_set: ExampleSet, config: SetsConfig, emit: Emit,
    path: JsonPath, name: Any, port: Any, port_path: JsonPath, what: str,
    integer_port: bool = False,
) -> None:  # fmt: skip
    if not isinstance(name, str):
        return
    service = example_set.find("Service", name, namespace_of(data))
    if service is None:
        if not config.is_external(example_set.name, "Service", name):
            emit(
                path,
                RULE_BACKEND_SERVICE,
                f'{what} names Service "{name}", which is not defined {_outside(example_set.name)}',
            )
        return
    numbers, names = _service_ports(service)
    if integer_port and isinstance(port, str):  # Only a number is allowed: no port names here.
        emit(
            port_path,
            RULE_BACKEND_PORT,
            f'{what} port "{port}" is a string, but this field is an integer (a port number, '
            "not a port name): write it without quotes",
        )
    elif isinstance(port, int) and not isinstance(port, bool) and port not in numbers:
        emit(
            port_path,
            RULE_BACKEND_PORT,
            f'{what} uses port {port}, but Service "{name}" exposes '
            f"{sorted(numbers) or 'no ports'}",
        )
    elif isinstance(port, str) and port not in names:
        emit(
            port_path,
            RULE_BACKEND_PORT,
            f'{what} uses port name "{port}", but Service "{name}" has port names '
            f"{sorted(names) or 'none'}",
        )


@SET_RULES.check("Ingress")
def check_ingress_backends(
    data: dict, example_set: ExampleSet, config: SetsConfig, emit: Emit
) -> None:
    backends: list[JsonPath] = [("spec", "defaultBackend")]
    for r, rule in enumerate(as_list(get(data, ("spec", "rules")))):
        for p, _ in enumerate(as_list(get(rule, ("http", "paths")))):
            backends.append(("spec", "rules", r, "http", "paths", p, "backend"))
    for path in backends:
        service = get(data, (*path, "service"))
        if not isinstance(service, dict):
            continue
        port = as_dict(service.get("port"))
        port_value, port_key = (
            (port.get("number"), "number") if "number" in port else (port.get("name"), "name")
        )
        _check_backend(
            data,
            example_set,
            config,
            emit,
            (*path, "service", "name"),
            service.get("name"),
            port_value,
            (*path, "service", "port", port_key),
            "Ingress backend",
        )


@SET_RULES.check("HTTPRoute")
def check_httproute_backends(
    data: dict, example_set: ExampleSet, config: SetsConfig, emit: Emit
) -> None:
    for r, rule in enumerate(as_list(get(data, ("spec", "rules")))):
        for b, ref in enumerate(as_list(as_dict(rule).get("backendRefs"))):
            ref = as_dict(ref)
            if ref.get("group", "") not in ("", None) or ref.get("kind", "Service") != "Service":
                continue
            path = ("spec", "rules", r, "backendRefs", b)
            _check_backend(
                data,
                example_set,
                config,
                emit,
                (*path, "name"),
                ref.get("name"),
                ref.get("port"),
                (*path, "port"),
                "HTTPRoute backendRef",
                integer_port=True,
            )


# --- HPA and PDB ----------------------------------------------------------------------------


@SET_RULES.check("HorizontalPodAutoscaler")
def check_scale_target(data: dict, example_set: ExampleSet, config: SetsConfig, emit: Emit) -> None:
    ref = as_dict(get(data, ("spec", "scaleTargetRef")))
    kind, name = ref.get("kind"), ref.get("name")
    if (
        isinstance(kind, str)
        and isinstance(name, str)
        and _missing(example_set, config, kind, name, data)
    ):
        emit(
            ("spec", "scaleTargetRef", "name"),
            RULE_SCALE_TARGET,
            f'HorizontalPodAutoscaler targets {kind} "{name}", which is not defined '
            f"{_outside(example_set.name)}",
        )


@SET_RULES.check("PodDisruptionBudget")
def check_pdb_selects(data: dict, example_set: ExampleSet, config: SetsConfig, emit: Emit) -> None:
    selector = get(data, ("spec", "selector"))
    if not isinstance(selector, dict):
        return
    if any(selector_matches(selector, labels) for labels in example_set.pod_label_sets()):
        return
    if config.is_external(example_set.name, "PodDisruptionBudget", name_of(data)):
        return
    emit(
        ("spec", "selector"),
        RULE_PDB_NO_PODS,
        f'PodDisruptionBudget "{name_of(data)}" selects no pod template '
        f"{_outside(example_set.name)}",
    )


# --- ConfigMap / Secret / PVC references ----------------------------------------------------


def _keys_of(document: YamlDocument) -> set[str]:
    keys: set[str] = set()
    for section in ("data", "binaryData", "stringData"):
        keys.update(str(k) for k in as_dict(document.data.get(section)))
    return keys


def _check_ref(
    data: dict, example_set: ExampleSet, config: SetsConfig, emit: Emit,
    kind: str, name: Any, keys: list[tuple[str, JsonPath]], path: JsonPath, optional: Any,
) -> None:  # fmt: skip
    if not isinstance(name, str) or optional is True:
        return
    target = example_set.find(kind, name, namespace_of(data))
    if target is None:
        if not config.is_external(example_set.name, kind, name):
            emit(
                path,
                RULE_REF_MISSING,
                f'{kind} "{name}" is referenced but not defined {_outside(example_set.name)}',
            )
        return
    present = _keys_of(target)
    for key, key_path in keys:
        if key not in present:
            emit(
                key_path,
                RULE_REF_KEY_MISSING,
                f'{kind} "{name}" has no key "{key}" (it has {sorted(present) or "no keys"})',
            )


@SET_RULES.check(*POD_TEMPLATE_PATHS)
def check_config_refs(data: dict, example_set: ExampleSet, config: SetsConfig, emit: Emit) -> None:
    found = pod_spec(data)
    if found is None:
        return
    spec_path, spec = found
    for list_name in ("initContainers", "containers", "ephemeralContainers"):
        for c, container in enumerate(as_list(spec.get(list_name))):
            cpath = (*spec_path, list_name, c)
            for e, env in enumerate(as_list(as_dict(container).get("env"))):
                source = as_dict(as_dict(env).get("valueFrom"))
                for ref_name, kind in (
                    ("configMapKeyRef", "ConfigMap"),
                    ("secretKeyRef", "Secret"),
                ):
                    ref = source.get(ref_name)
                    if isinstance(ref, dict):
                        rpath = (*cpath, "env", e, "valueFrom", ref_name)
                        keys = (
                            [(ref["key"], (*rpath, "key"))]
                            if isinstance(ref.get("key"), str)
                            else []
                        )
                        _check_ref(
                            data,
                            example_set,
                            config,
                            emit,
                            kind,
                            ref.get("name"),
                            keys,
                            (*rpath, "name"),
                            ref.get("optional"),
                        )
            for f, source in enumerate(as_list(as_dict(container).get("envFrom"))):
                for ref_name, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                    ref = as_dict(source).get(ref_name)
                    if isinstance(ref, dict):
                        rpath = (*cpath, "envFrom", f, ref_name)
                        _check_ref(
                            data,
                            example_set,
                            config,
                            emit,
                            kind,
                            ref.get("name"),
                            [],
                            (*rpath, "name"),
                            ref.get("optional"),
                        )
    for v, volume in enumerate(as_list(spec.get("volumes"))):
        volume = as_dict(volume)
        vpath = (*spec_path, "volumes", v)
        sources: list[tuple[JsonPath, dict, str, str]] = []
        if isinstance(volume.get("configMap"), dict):
            sources.append(((*vpath, "configMap"), volume["configMap"], "ConfigMap", "name"))
        if isinstance(volume.get("secret"), dict):
            sources.append(((*vpath, "secret"), volume["secret"], "Secret", "secretName"))
        for s, projected in enumerate(as_list(get(volume, ("projected", "sources")))):
            projected = as_dict(projected)
            for field_name, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
                if isinstance(projected.get(field_name), dict):
                    ppath = (*vpath, "projected", "sources", s, field_name)
                    sources.append((ppath, projected[field_name], kind, "name"))
        for path, ref, kind, name_field in sources:
            keys = [
                (item["key"], (*path, "items", i, "key"))
                for i, item in enumerate(as_list(ref.get("items")))
                if isinstance(item, dict) and isinstance(item.get("key"), str)
            ]
            _check_ref(
                data,
                example_set,
                config,
                emit,
                kind,
                ref.get(name_field),
                keys,
                (*path, name_field),
                ref.get("optional"),
            )
        claim = get(volume, ("persistentVolumeClaim", "claimName"))
        if isinstance(volume.get("name"), str) and volume["name"] in _claim_templates(data):
            continue  # the StatefulSet controller replaces this volume with its own claim
        if isinstance(claim, str) and _missing(
            example_set, config, "PersistentVolumeClaim", claim, data
        ):
            emit(
                (*vpath, "persistentVolumeClaim", "claimName"),
                RULE_PVC_MISSING,
                f'PersistentVolumeClaim "{claim}" is not defined {_outside(example_set.name)}',
            )


def _claim_templates(data: dict) -> set[str]:
    """Names of a StatefulSet's volumeClaimTemplates (a pod volume of that name is replaced)."""
    if data.get("kind") != "StatefulSet":
        return set()
    templates = as_list(get(data, ("spec", "volumeClaimTemplates")))
    return {name for t in templates if isinstance(name := get(t, ("metadata", "name")), str)}
