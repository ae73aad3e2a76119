"""Defect operators: each takes one example file and returns its mutants, one defect each.

An operator is ``(text, context) -> list[Mutant]``. Every mutant says which rule ids may
report it and on which lines (1-based, in the mutated text) — the region. The region is the
changed line itself unless the checker's documented place is elsewhere: a missing field is
reported on the mapping that lacks it, a selector problem on the selector block, a request
above its limit on the request. Each operator's docstring says which applies.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import yaml

from examplecheck.kubernetes.rules.names import name_problem

from .yamltext import (
    Entry,
    YamlContext,
    delete_entry,
    insert_after,
    last_line,
    lines_of,
    replace_span,
    set_line,
    span,
)

KUBERNETES, COMPOSE, DOCKERFILE = "kubernetes", "compose", "dockerfile"
HELM_TEMPLATE = "helm-template"  # a chart's templates/*.yaml: Go templates, edited as lines


@dataclass(frozen=True)
class Mutant:
    description: str
    mutated_text: str
    region_lines: frozenset[int]
    expected_rules: frozenset[str]
    operator: str = ""


@dataclass
class Context:
    """What an operator may look at: the file's kind, path and (for YAML) its parsed keys."""

    kind: str  # KUBERNETES, COMPOSE, DOCKERFILE or HELM_TEMPLATE
    path: str  # relative to the repository root, for descriptions
    text: str
    yaml: YamlContext | None = None


Operator = Callable[[str, Context], list[Mutant]]
OPERATORS: dict[str, tuple[str, frozenset[str], Operator]] = {}


def operator(defect_class: str, *kinds: str) -> Callable[[Operator], Operator]:
    """Register an operator under its function name for the file kinds it applies to."""

    def register(function: Operator) -> Operator:
        OPERATORS[function.__name__] = (defect_class, frozenset(kinds), function)
        return function

    return register


def mutants_for(text: str, context: Context) -> list[Mutant]:
    out = []
    for name, (_, kinds, function) in OPERATORS.items():
        if context.kind in kinds:
            for mutant in function(text, context):
                assert mutant.mutated_text != text, f"{name} produced an unchanged file"
                out.append(replace(mutant, operator=name))
    return out


def _m(description: str, text: str, region: Iterable[int], *rules: str) -> Mutant:
    return Mutant(description, text, frozenset(region), frozenset(rules))


def _set(ctx: Context, entry: Entry, new: str, description: str, *rules: str) -> Mutant:
    """Replace a scalar value written on the key's line; reported on that line."""
    return _m(description, replace_span(ctx.text, entry.value, new), {entry.line}, *rules)


def _docs(ctx: Context) -> range:
    return range(len(ctx.yaml.documents)) if ctx.yaml else range(0)


def _inline_scalars(ctx: Context, name: str, doc: int) -> list[Entry]:
    return [e for e in ctx.yaml.named(name, doc) if e.value_is_inline_scalar]


def _typo(word: str) -> str:
    """A plausible typo that is still a valid name: a doubled letter before the end."""
    return word[:-1] + word[-2] + word[-1] if len(word) > 2 else word + "x"


# --- YAML syntax (Kubernetes and Compose files) ------------------------------------------------

YAML_RULES = ("yaml-syntax", "yamllint-syntax")


def _nested_keys(ctx: Context) -> list[Entry]:
    """Keys indented under a parent, not opening a list item, not the first of their mapping."""
    out = []
    lines = lines_of(ctx.text)
    for entry in ctx.yaml.entries:
        line = lines[entry.line - 1]
        col = entry.key.start_mark.column
        if col >= 2 and line[:col].strip() == "" and not entry.first_in_parent:
            out.append(entry)
    return out


@operator("yaml-syntax", KUBERNETES, COMPOSE)
def yaml_indentation_break(text: str, ctx: Context) -> list[Mutant]:
    """Dedent one nested key by one space: the mapping it belonged to is broken there."""
    keys = _nested_keys(ctx)
    if not keys:
        return []
    entry = keys[len(keys) // 2]
    line = lines_of(text)[entry.line - 1].rstrip("\r\n")
    mutated = set_line(text, entry.line, line[1:])
    return [_m(f"dedent `{entry.name}` by one space", mutated, {entry.line}, *YAML_RULES)]


@operator("yaml-syntax", KUBERNETES, COMPOSE)
def yaml_tab_indentation(text: str, ctx: Context) -> list[Mutant]:
    """Indent one nested key with a tab instead of spaces (YAML forbids tabs there)."""
    keys = _nested_keys(ctx)
    if not keys:
        return []
    entry = keys[0]
    line = lines_of(text)[entry.line - 1].rstrip("\r\n")
    mutated = set_line(text, entry.line, "\t" + line.lstrip(" "))
    return [_m(f"tab before `{entry.name}`", mutated, {entry.line}, *YAML_RULES)]


@operator("yaml-syntax", KUBERNETES, COMPOSE)
def yaml_duplicate_key(text: str, ctx: Context) -> list[Mutant]:
    """Repeat a `key: value` line right below itself; reported on the second copy."""
    keys = [e for e in _nested_keys(ctx) if e.value_is_inline_scalar]
    if not keys:
        return []
    entry = keys[0]
    line = lines_of(text)[entry.line - 1].rstrip("\r\n")
    mutated = insert_after(text, entry.line, line)
    return [
        _m(f"duplicate key `{entry.name}`", mutated, {entry.line + 1}, "yamllint-key-duplicates")
    ]


@operator("yaml-syntax", KUBERNETES)
def yaml_missing_document_separator(text: str, ctx: Context) -> list[Mutant]:
    """Delete the `---` between two documents: the second object's keys repeat the first's.
    Reported on the first repeated key, the first key of the former second document."""
    if len(ctx.yaml.documents) < 2:
        return []
    second = ctx.yaml.documents[1][1]
    if not isinstance(second, yaml.MappingNode):
        return []
    first_key_line = second.value[0][0].start_mark.line + 1
    lines = lines_of(text)
    separator = next(
        (n for n in range(first_key_line - 1, 0, -1) if lines[n - 1].startswith("---")), None
    )
    if separator is None:
        return []
    del lines[separator - 1]
    return [
        _m(
            "delete the --- before document 2",
            "".join(lines),
            {first_key_line - 1},
            "yamllint-key-duplicates",
        )
    ]


# --- Kubernetes schema --------------------------------------------------------------------

UNKNOWN_FIELD = "k8s-schema-unknown-field"
SCHEMA_TYPE = "k8s-schema-type"
REQUIRED = "k8s-schema-required"
ENUM_RULES = ("k8s-schema-enum", "k8s-invalid-value")
MISSPELLINGS = {
    "containers": "contianers",
    "selector": "selecter",
    "template": "templates",
    "ports": "port",
    "data": "date",
    "rules": "rule",
    "schedule": "scedule",
    "scaleTargetRef": "scaleTargetref",
    "accessModes": "accessMode",
    "limits": "limit",
    "podSelector": "podselector",
}


@operator("schema", KUBERNETES)
def k8s_misspelled_field(text: str, ctx: Context) -> list[Mutant]:
    """Misspell a well-known field (`containers` -> `contianers`); strict schemas reject the
    unknown key on its own line."""
    out = []
    for doc in _docs(ctx):
        for entry in ctx.yaml.under((), doc):
            wrong = MISSPELLINGS.get(entry.name)
            if wrong:
                mutated = replace_span(text, entry.key, wrong)
                out.append(
                    _m(f"{entry.name} -> {wrong}", mutated, {entry.line}, UNKNOWN_FIELD, REQUIRED)
                )
                break
    return out


INTEGER_FIELDS = ("replicas", "containerPort", "port", "maxReplicas", "backoffLimit", "number")


@operator("schema", KUBERNETES)
def k8s_wrong_type(text: str, ctx: Context) -> list[Mutant]:
    """Quote an integer (`replicas: "3"`): a string where the schema wants an integer."""
    out = []
    for doc in _docs(ctx):
        for name in INTEGER_FIELDS:
            entries = [
                e for e in _inline_scalars(ctx, name, doc) if e.value.tag == "tag:yaml.org,2002:int"
            ]
            if entries:
                entry = entries[0]
                new = f'"{entry.value.value}"'
                # An int-or-string port given as digits in quotes is a port *name* without a
                # letter, which the API server rejects.
                port_name = ("k8s-invalid-port",) if ctx.yaml.kind(doc) == "NetworkPolicy" else ()
                out.append(_set(ctx, entry, new, f"{name}: {new}", SCHEMA_TYPE, *port_name))
                break
    return out


@operator("schema", KUBERNETES)
def k8s_misspelled_kind(text: str, ctx: Context) -> list[Mutant]:
    """`kind: Deploymnet`: no schema serves that kind."""
    out = []
    for doc in _docs(ctx):
        entry = ctx.yaml.find(doc, ("kind",))
        if entry and entry.value_is_inline_scalar and len(entry.value.value) > 3:
            word = entry.value.value
            wrong = word[:-3] + word[-2] + word[-3] + word[-1]  # swap two letters
            out.append(_set(ctx, entry, wrong, f"kind: {wrong}", "k8s-unknown-kind"))
    return out


@operator("schema", KUBERNETES)
def k8s_string_map_value_not_string(text: str, ctx: Context) -> list[Mutant]:
    """A bare number where Kubernetes wants a string (a label value, a ConfigMap value, an
    env `value`): YAML makes `8080` an integer and the API rejects it."""
    out = []
    for doc in _docs(ctx):
        candidates = [
            e
            for e in ctx.yaml.under((), doc)
            if e.value_is_inline_scalar
            and e.value.style is None
            and (
                e.path[:2] == ("metadata", "labels")
                or (ctx.yaml.kind(doc) == "ConfigMap" and e.path[:1] == ("data",))
                or (e.name == "value" and len(e.path) > 2 and e.path[-3] == "env")
            )
        ]
        if candidates:
            entry = candidates[0]
            out.append(_set(ctx, entry, "8080", f"{'.'.join(map(str, entry.path))}: 8080",
                            SCHEMA_TYPE))  # fmt: skip
    return out


# (kind or "*" for any pod-bearing kind, path suffix of the key to delete)
REQUIRED_FIELDS = (
    ("*", ("containers", 0, "name")),
    ("Service", ("spec", "ports", 0, "port")),
    ("Deployment", ("spec", "selector")),
    ("StatefulSet", ("spec", "selector")),
    ("ReplicaSet", ("spec", "selector")),
    ("HorizontalPodAutoscaler", ("spec", "maxReplicas")),
    ("CronJob", ("spec", "schedule")),
    ("Ingress", ("backend", "service", "name")),
    ("LimitRange", ("spec", "limits", 0, "type")),
    ("PersistentVolume", ("spec", "hostPath", "path")),
    ("Role", ("rules", 0, "verbs")),
)


@operator("schema", KUBERNETES)
def k8s_missing_required(text: str, ctx: Context) -> list[Mutant]:
    """Delete a required field (a container's `name`, a Service port's `port`, ...). The
    schema reports it on the mapping that lacks it: the line that mapping now starts on, or
    the line of the key holding it."""
    out = []
    for doc in _docs(ctx):
        kind = ctx.yaml.kind(doc)
        for wanted_kind, suffix in REQUIRED_FIELDS:
            if wanted_kind not in ("*", kind):
                continue
            entry = next(
                (
                    e
                    for e in ctx.yaml.under((), doc)
                    if e.path[-len(suffix) :] == suffix and len(e.parent.value) > 1
                ),
                None,
            )
            if entry is None:
                continue
            mutated, parent_start = delete_entry(text, entry)
            holder = _holder_line(ctx, entry)
            region = {parent_start} | ({holder} if holder else set())
            out.append(_m(f"delete required {'.'.join(map(str, suffix))}", mutated, region,
                          REQUIRED))  # fmt: skip
    return out


def _holder_line(ctx: Context, entry: Entry) -> int | None:
    """Line of the key whose value is the mapping holding ``entry`` (directly or as an item)."""
    for other in ctx.yaml.entries:
        value = other.value
        if value is entry.parent or (
            isinstance(value, yaml.SequenceNode) and any(i is entry.parent for i in value.value)
        ):
            return other.line
    return None


# (field name, bad value, kinds it applies to or None for any)
BAD_ENUMS = (
    ("imagePullPolicy", "Sometimes", None),
    ("type", "Balancer", {"Service"}),
    ("protocol", "tcp", None),
    ("restartPolicy", "Sometimes", {"Pod", "Deployment", "StatefulSet", "ReplicaSet"}),
    ("pathType", "Prefixed", {"Ingress"}),
    ("concurrencyPolicy", "Never", {"CronJob"}),
    ("type", "Rolling", {"Deployment"}),
    ("accessModes", "ReadWriteSometimes", {"PersistentVolumeClaim", "PersistentVolume"}),
    ("persistentVolumeReclaimPolicy", "Keep", {"PersistentVolume"}),
    ("policyTypes", "Incoming", {"NetworkPolicy"}),
)


@operator("schema", KUBERNETES)
def k8s_bad_enum(text: str, ctx: Context) -> list[Mutant]:
    """Set a closed-set field to a value outside it (imagePullPolicy: Sometimes, Service
    type: Balancer, ...); where the file lacks imagePullPolicy it is added to the first
    container. Reported on the value's line."""
    out = []
    for doc in _docs(ctx):
        kind = ctx.yaml.kind(doc)
        for name, bad, kinds in BAD_ENUMS:
            if kinds is not None and kind not in kinds:
                continue
            entries = [e for e in ctx.yaml.named(name, doc)]
            entry = entries[0] if entries else None
            if entry is None:
                if name == "imagePullPolicy":
                    out.extend(_add_to_first_container(ctx, doc, f"imagePullPolicy: {bad}"))
                elif name == "type" and kind == "Service":
                    out.extend(_add_under_spec(ctx, doc, f"type: {bad}"))
                continue
            if entry.value_is_inline_scalar:
                out.append(_set(ctx, entry, bad, f"{name}: {bad}", *ENUM_RULES))
            elif isinstance(entry.value, yaml.SequenceNode) and entry.value.value:
                item = entry.value.value[0]
                if isinstance(item, yaml.ScalarNode):
                    line = item.start_mark.line + 1
                    mutated = replace_span(text, item, bad)
                    out.append(_m(f"{name}[0]: {bad}", mutated, {line}, *ENUM_RULES))
    return out


def _add_under_spec(ctx: Context, doc: int, line_text: str) -> list[Mutant]:
    spec = ctx.yaml.find(doc, ("spec",))
    if spec is None or not isinstance(spec.value, yaml.MappingNode) or not spec.value.value:
        return []
    indent = " " * spec.value.value[0][0].start_mark.column
    mutated = insert_after(ctx.text, spec.line, indent + line_text)
    return [_m(f"add `{line_text}` under spec", mutated, {spec.line + 1}, *ENUM_RULES)]


def _add_to_first_container(ctx: Context, doc: int, line_text: str) -> list[Mutant]:
    items = [e for e in ctx.yaml.named("containers", doc) if isinstance(e.value, yaml.SequenceNode)]
    if not items or not items[0].value.value:
        return []
    first = items[0].value.value[0]
    if not isinstance(first, yaml.MappingNode):
        return []
    key = first.value[0][0]
    line = key.start_mark.line + 1
    mutated = insert_after(ctx.text, line, " " * key.start_mark.column + line_text)
    return [_m(f"add `{line_text}` to the first container", mutated, {line + 1}, *ENUM_RULES)]


# --- API lifecycle -------------------------------------------------------------------------

REMOVED_API_VERSIONS = {
    ("networking.k8s.io/v1", "Ingress"): "extensions/v1beta1",
    ("policy/v1", "PodDisruptionBudget"): "policy/v1beta1",
    ("autoscaling/v2", "HorizontalPodAutoscaler"): "autoscaling/v2beta2",
    ("batch/v1", "CronJob"): "batch/v1beta1",
    ("apps/v1", "Deployment"): "apps/v1beta2",
    ("apps/v1", "StatefulSet"): "apps/v1beta2",
    ("apps/v1", "ReplicaSet"): "apps/v1beta2",
    ("apps/v1", "DaemonSet"): "apps/v1beta2",
    ("networking.k8s.io/v1", "NetworkPolicy"): "extensions/v1beta1",
    ("v1", "Service"): "v1beta1",
    ("v1", "ConfigMap"): "v1beta1",
}


@operator("api-lifecycle", KUBERNETES)
def k8s_removed_api_version(text: str, ctx: Context) -> list[Mutant]:
    """Swap apiVersion for one the supported Kubernetes versions no longer serve; reported on
    the apiVersion line."""
    out = []
    for doc in _docs(ctx):
        data = ctx.yaml.doc_data(doc)
        old = REMOVED_API_VERSIONS.get((data.get("apiVersion"), data.get("kind")))
        entry = ctx.yaml.find(doc, ("apiVersion",))
        if old and entry:
            out.append(_set(ctx, entry, old, f"apiVersion: {old}", "k8s-api-version-unavailable"))
    return out


# --- API-server rules the schema cannot express ----------------------------------------------

WORKLOADS = {"Deployment", "StatefulSet", "ReplicaSet", "DaemonSet"}


def _selector_label_mutant(
    ctx: Context, doc: int, selector: Entry, description: str, rule: str
) -> list[Mutant]:
    """Change the first matchLabels (or map selector) value; reported on the selector block."""
    labels = [
        e
        for e in ctx.yaml.under(selector.path, doc)
        if e.value_is_inline_scalar and e.path[-2] in ("matchLabels", "selector")
    ]
    if not labels:
        return []
    label = labels[0]
    mutated = replace_span(ctx.text, label.value, label.value.value + "-typo")
    region = {selector.line, *span(selector.value)}
    return [_m(f"{description}: {label.name}={label.value.value}-typo", mutated, region, rule)]


@operator("api-server", KUBERNETES)
def k8s_selector_mismatch(text: str, ctx: Context) -> list[Mutant]:
    """A workload's spec.selector that no longer matches its pod template's labels."""
    out = []
    for doc in _docs(ctx):
        if ctx.yaml.kind(doc) in WORKLOADS:
            selector = ctx.yaml.find(doc, ("spec", "selector"))
            if selector:
                out += _selector_label_mutant(
                    ctx, doc, selector, "selector", "k8s-selector-mismatch"
                )
    return out


@operator("api-server", KUBERNETES)
def k8s_invalid_name(text: str, ctx: Context) -> list[Mutant]:
    """metadata.name `Upper_Case`: not a DNS-1123 name (kinds whose names are path segments,
    RBAC objects and PodDisruptionBudgets, take it, so they get no such mutant)."""
    out = []
    for doc in _docs(ctx):
        entry = ctx.yaml.find(doc, ("metadata", "name"))
        if name_problem(ctx.yaml.kind(doc), "Upper_Case") is None:
            continue
        if entry and entry.value_is_inline_scalar:
            out.append(_set(ctx, entry, "Upper_Case", "name: Upper_Case", "k8s-invalid-name"))
    return out


@operator("api-server", KUBERNETES)
def k8s_invalid_container_name(text: str, ctx: Context) -> list[Mutant]:
    """A container named `My_App`: container names are DNS-1123 labels."""
    out = []
    for doc in _docs(ctx):
        for entry in _inline_scalars(ctx, "name", doc):
            if len(entry.path) >= 3 and entry.path[-3] == "containers":
                out.append(_set(ctx, entry, "My_App", "container name: My_App", "k8s-invalid-name"))
                break
    return out


PORT_RULES = ("k8s-invalid-port", "k8s-schema-invalid")


@operator("api-server", KUBERNETES)
def k8s_port_out_of_range(text: str, ctx: Context) -> list[Mutant]:
    """containerPort 70000, Service port 0, targetPort 70000: outside 1-65535."""
    out = []
    for doc in _docs(ctx):
        for name, bad in (("containerPort", "70000"), ("port", "0"), ("targetPort", "70000")):
            entries = [
                e
                for e in _inline_scalars(ctx, name, doc)
                if "probe" not in " ".join(map(str, e.path)).lower()
                and e.value.tag == "tag:yaml.org,2002:int"
            ]
            if name == "port" and ctx.yaml.kind(doc) != "Service":
                continue
            if entries:
                out.append(_set(ctx, entries[0], bad, f"{name}: {bad}", *PORT_RULES))
    return out


@operator("api-server", KUBERNETES)
def k8s_port_number_as_string(text: str, ctx: Context) -> list[Mutant]:
    """A Service targetPort or a probe port quoted (`"8080"`): an int-or-string given as a
    string is a port name, and a name needs a letter; the API server rejects it."""
    out = []
    for doc in _docs(ctx):
        for entry in ctx.yaml.under((), doc):
            probe = entry.name == "port" and any(str(p).endswith("Probe") for p in entry.path)
            target = entry.name == "targetPort"
            if (probe or target) and entry.value_is_inline_scalar:
                value = entry.value.value
                new = f'"{value}"' if value.isdigit() else '"8080"'  # a name becomes digits
                out.append(_set(ctx, entry, new, f"{entry.name}: {new}", "k8s-invalid-port"))
                break
    return out


@operator("api-server", KUBERNETES)
def k8s_job_restart_always(text: str, ctx: Context) -> list[Mutant]:
    """A Job's or CronJob's pod restartPolicy: Always (the API server wants Never/OnFailure)."""
    out = []
    for doc in _docs(ctx):
        if ctx.yaml.kind(doc) in ("Job", "CronJob"):
            for entry in _inline_scalars(ctx, "restartPolicy", doc):
                description = "restartPolicy: Always"
                out.append(_set(ctx, entry, "Always", description, "k8s-job-restart-policy"))
    return out


@operator("api-server", KUBERNETES)
def k8s_cron_schedule_invalid(text: str, ctx: Context) -> list[Mutant]:
    """schedule `61 * * * *`: minute 61 does not exist; `0 0 L * *`: croniter takes `L`
    (last day of the month), the API server's cron parser does not."""
    out = []
    for doc in _docs(ctx):
        entry = ctx.yaml.find(doc, ("spec", "schedule"))
        if entry and ctx.yaml.kind(doc) == "CronJob":
            for bad in ("61 * * * *", "0 0 L * *"):
                out.append(_set(ctx, entry, f'"{bad}"', f"schedule {bad}", "k8s-cron-schedule"))
    return out


@operator("api-server", KUBERNETES)
def k8s_missing_name(text: str, ctx: Context) -> list[Mutant]:
    """Delete metadata.name (where metadata holds more): reported on the metadata line."""
    out = []
    for doc in _docs(ctx):
        entry = ctx.yaml.find(doc, ("metadata", "name"))
        if entry is None or len(entry.parent.value) < 2:
            continue
        mutated, parent_start = delete_entry(text, entry)
        metadata = ctx.yaml.find(doc, ("metadata",))
        region = {parent_start} | ({metadata.line} if metadata else set())
        out.append(_m("delete metadata.name", mutated, region, "k8s-missing-name"))
    return out


@operator("api-server", KUBERNETES)
def k8s_duplicate_container_name(text: str, ctx: Context) -> list[Mutant]:
    """A second container copied from the first, name and all: reported on the copy's name."""
    out = []
    for doc in _docs(ctx):
        lists = [
            e for e in ctx.yaml.named("containers", doc) if isinstance(e.value, yaml.SequenceNode)
        ]
        if not lists or not lists[0].value.value:
            continue
        first = lists[0].value.value[0]
        if not isinstance(first, yaml.MappingNode) or first.flow_style:
            continue
        start, end = first.start_mark.line + 1, last_line(first)
        lines = text.splitlines(keepends=True)
        block = lines[start - 1 : end]
        if not block[-1].endswith("\n"):
            block[-1] += "\n"
        mutated = "".join(lines[:end] + block + lines[end:])
        name_line = next(
            (k.start_mark.line + 1 for k, _v in first.value if k.value == "name"), start
        )
        region = {name_line + len(block)}
        out.append(_m("copy the first container", mutated, region,
                      "k8s-duplicate-container-name"))  # fmt: skip
        break
    return out


@operator("api-server", KUBERNETES)
def k8s_rolling_update_zero(text: str, ctx: Context) -> list[Mutant]:
    """A Deployment's maxSurge and maxUnavailable both 0 (set where written, or a
    `strategy:` added under spec): reported on maxUnavailable, or on the added line."""
    out = []
    for doc in _docs(ctx):
        if ctx.yaml.kind(doc) != "Deployment":
            continue
        surge = ctx.yaml.find(doc, ("spec", "strategy", "rollingUpdate", "maxSurge"))
        unavailable = ctx.yaml.find(doc, ("spec", "strategy", "rollingUpdate", "maxUnavailable"))
        if (
            surge
            and unavailable
            and surge.value_is_inline_scalar
            and unavailable.value_is_inline_scalar
        ):
            mutated = replace_span(replace_span(text, surge.value, "0"), unavailable.value, "0")
            out.append(_m("maxSurge: 0 and maxUnavailable: 0", mutated, {unavailable.line},
                          "k8s-rolling-update-zero"))  # fmt: skip
        elif ctx.yaml.find(doc, ("spec", "strategy")) is None:
            spec = ctx.yaml.find(doc, ("spec",))
            if spec is None or not isinstance(spec.value, yaml.MappingNode):
                continue
            indent = " " * spec.value.value[0][0].start_mark.column
            line = f"{indent}strategy: {{rollingUpdate: {{maxSurge: 0, maxUnavailable: 0}}}}"
            mutated = insert_after(text, spec.line, line)
            out.append(_m("add strategy with maxSurge 0 and maxUnavailable 0", mutated,
                          {spec.line + 1}, "k8s-rolling-update-zero"))  # fmt: skip
    return out


@operator("api-server", KUBERNETES)
def k8s_cron_timezone_invalid(text: str, ctx: Context) -> list[Mutant]:
    """timeZone `Asia/Sejong`: not in the IANA database (added under schedule if absent)."""
    out = []
    for doc in _docs(ctx):
        if ctx.yaml.kind(doc) != "CronJob":
            continue
        entry = ctx.yaml.find(doc, ("spec", "timeZone"))
        if entry:
            description = "timeZone Asia/Sejong"
            out.append(_set(ctx, entry, '"Asia/Sejong"', description, "k8s-cron-timezone"))
        elif (schedule := ctx.yaml.find(doc, ("spec", "schedule"))) is not None:
            indent = " " * schedule.key.start_mark.column
            mutated = insert_after(text, schedule.line, f'{indent}timeZone: "Asia/Sejong"')
            out.append(_m("add timeZone Asia/Sejong", mutated, {schedule.line + 1},
                          "k8s-cron-timezone"))  # fmt: skip
    return out


@operator("api-server", KUBERNETES)
def k8s_secret_invalid_base64(text: str, ctx: Context) -> list[Mutant]:
    """A Secret `data` value that is not base64 (plain text where stringData was meant)."""
    out = []
    for doc in _docs(ctx):
        if ctx.yaml.kind(doc) != "Secret":
            continue
        entries = [e for e in ctx.yaml.under(("data",), doc) if e.value_is_inline_scalar]
        if entries:
            out.append(_set(ctx, entries[0], "not base64!", "data value not base64",
                            "k8s-secret-base64"))  # fmt: skip
    return out


@operator("api-server", KUBERNETES)
def k8s_requests_exceed_limits(text: str, ctx: Context) -> list[Mutant]:
    """requests.cpu raised above limits.cpu; reported on the request (or the limit)."""
    out = []
    for doc in _docs(ctx):
        for request in ctx.yaml.under((), doc):
            if request.path[-3:-1] != ("resources", "requests"):
                continue
            limit = ctx.yaml.find(doc, (*request.path[:-2], "limits", request.name))
            if limit is None or not request.value_is_inline_scalar:
                continue
            bigger = "64" if request.name == "cpu" else "64Gi"
            mutated = replace_span(text, request.value, bigger)
            region = {request.line, limit.line}
            out.append(_m(f"requests.{request.name}: {bigger} above its limit", mutated, region,
                          "k8s-request-exceeds-limit"))  # fmt: skip
            break
    return out


@operator("api-server", KUBERNETES)
def k8s_invalid_quantity(text: str, ctx: Context) -> list[Mutant]:
    """memory `64MB` (Kubernetes writes 64M or 64Mi): not a quantity."""
    out = []
    for doc in _docs(ctx):
        for entry in _inline_scalars(ctx, "memory", doc):
            if "resources" in entry.path or "hard" in entry.path or "max" in entry.path:
                mutated = replace_span(text, entry.value, "64MB")
                out.append(_m("memory: 64MB", mutated, {entry.line}, "k8s-invalid-quantity",
                              "k8s-schema-invalid"))  # fmt: skip
                break
    return out


@operator("api-server", KUBERNETES)
def k8s_probe_port_unknown(text: str, ctx: Context) -> list[Mutant]:
    """A probe naming a port the container does not declare (`port: htpp`)."""
    out = []
    for doc in _docs(ctx):
        for entry in _inline_scalars(ctx, "port", doc):
            if any(str(p).endswith("Probe") for p in entry.path):
                out.append(_set(ctx, entry, "htpp", "probe port: htpp", "k8s-probe-port-unknown"))
                break
    return out


@operator("api-server", KUBERNETES)
def k8s_invalid_label_value(text: str, ctx: Context) -> list[Mutant]:
    """A label value with a space (`my app`): label values are [A-Za-z0-9_.-], 63 max."""
    out = []
    for doc in _docs(ctx):
        labels = [
            e
            for e in ctx.yaml.under(("metadata", "labels"), doc)
            if e.value_is_inline_scalar and len(e.path) == 3
        ]
        if labels:
            out.append(_set(ctx, labels[0], '"my app"', "label value 'my app'",
                            "k8s-invalid-label"))  # fmt: skip
    return out


@operator("api-server", KUBERNETES)
def k8s_invalid_label_key(text: str, ctx: Context) -> list[Mutant]:
    """A label key with a space (`my label`): keys are [prefix/]name of [A-Za-z0-9_.-]."""
    out = []
    for doc in _docs(ctx):
        labels = [e for e in ctx.yaml.under(("metadata", "labels"), doc) if len(e.path) == 3]
        if labels:
            mutated = replace_span(text, labels[0].key, '"my label"')
            out.append(_m("label key 'my label'", mutated, {labels[0].line}, "k8s-invalid-label"))
    return out


@operator("api-server", KUBERNETES)
def k8s_node_port_out_of_range(text: str, ctx: Context) -> list[Mutant]:
    """nodePort 80: outside the API server's default NodePort range 30000-32767."""
    out = []
    for doc in _docs(ctx):
        for entry in _inline_scalars(ctx, "nodePort", doc):
            out.append(_set(ctx, entry, "80", "nodePort: 80", "k8s-invalid-port"))
            break
    return out


@operator("api-server", KUBERNETES)
def k8s_volume_mount_undefined(text: str, ctx: Context) -> list[Mutant]:
    """A volumeMount naming a volume the pod does not define (the API server: Not found)."""
    out = []
    for doc in _docs(ctx):
        for entry in _inline_scalars(ctx, "name", doc):
            if len(entry.path) >= 3 and entry.path[-3] == "volumeMounts":
                out.append(_rename(ctx, entry, "volumeMounts.name", "k8s-volume-mount-unknown"))
                break
    return out


@operator("api-server", KUBERNETES)
def k8s_hpa_min_above_max(text: str, ctx: Context) -> list[Mutant]:
    """minReplicas above maxReplicas (the API server: must be less than or equal)."""
    out = []
    for doc in _docs(ctx):
        low = ctx.yaml.find(doc, ("spec", "minReplicas"))
        high = ctx.yaml.find(doc, ("spec", "maxReplicas"))
        if low and high and high.value.value.isdigit():
            new = str(int(high.value.value) + 1)
            mutated = replace_span(text, low.value, new)
            out.append(_m(f"minReplicas: {new} above maxReplicas", mutated,
                          {low.line, high.line}, "k8s-hpa-replicas"))  # fmt: skip
    return out


@operator("api-server", KUBERNETES)
def k8s_pdb_both_bounds(text: str, ctx: Context) -> list[Mutant]:
    """A PDB with both minAvailable and maxUnavailable (the API server allows one)."""
    out = []
    for doc in _docs(ctx):
        if ctx.yaml.kind(doc) != "PodDisruptionBudget":
            continue
        entry = ctx.yaml.find(doc, ("spec", "minAvailable")) or ctx.yaml.find(
            doc, ("spec", "maxUnavailable")
        )
        if entry:
            other = "maxUnavailable" if entry.name == "minAvailable" else "minAvailable"
            indent = " " * entry.key.start_mark.column
            mutated = insert_after(text, entry.line, f"{indent}{other}: 1")
            out.append(_m(f"add {other} next to {entry.name}", mutated,
                          {entry.line, entry.line + 1}, "k8s-pdb-bounds"))  # fmt: skip
    return out


# --- references inside an example set ------------------------------------------------------


@operator("set-reference", KUBERNETES)
def set_service_selects_nothing(text: str, ctx: Context) -> list[Mutant]:
    """A Service selector value no pod template of the set carries."""
    out = []
    for doc in _docs(ctx):
        if ctx.yaml.kind(doc) == "Service":
            selector = ctx.yaml.find(doc, ("spec", "selector"))
            if selector and isinstance(selector.value, yaml.MappingNode):
                out += _selector_label_mutant(
                    ctx, doc, selector, "Service selector", "k8s-service-selects-nothing"
                )
    return out


@operator("set-reference", KUBERNETES)
def set_service_target_port_unknown(text: str, ctx: Context) -> list[Mutant]:
    """A Service's targetPort renamed to `htpp`, a name no selected container declares."""
    out = []
    for doc in _docs(ctx):
        if ctx.yaml.kind(doc) != "Service" or ctx.yaml.find(doc, ("spec", "selector")) is None:
            continue
        for entry in _inline_scalars(ctx, "targetPort", doc):
            out.append(_set(ctx, entry, "htpp", "targetPort: htpp", "k8s-target-port-unknown"))
            break
    return out


@operator("set-reference", KUBERNETES)
def set_pdb_selects_nothing(text: str, ctx: Context) -> list[Mutant]:
    """A PodDisruptionBudget selector no pod template of the set carries."""
    out = []
    for doc in _docs(ctx):
        if ctx.yaml.kind(doc) == "PodDisruptionBudget":
            selector = ctx.yaml.find(doc, ("spec", "selector"))
            if selector:
                out += _selector_label_mutant(
                    ctx, doc, selector, "PDB selector", "k8s-pdb-selects-nothing"
                )
    return out


def _rename(ctx: Context, entry: Entry, description: str, *rules: str) -> Mutant:
    new = _typo(entry.value.value)
    return _set(ctx, entry, new, f"{description} -> {new}", *rules)


@operator("set-reference", KUBERNETES)
def set_backend_service_missing(text: str, ctx: Context) -> list[Mutant]:
    """An Ingress backend or HTTPRoute backendRef naming a Service the set lacks."""
    out = []
    for doc in _docs(ctx):
        for entry in _inline_scalars(ctx, "name", doc):
            path = entry.path
            ingress = path[-3:-1] == ("backend", "service")
            route = len(path) >= 3 and path[-3] == "backendRefs"
            if ingress or route:
                out.append(_rename(ctx, entry, "backend service", "k8s-backend-service-missing"))
                break
    return out


@operator("set-reference", KUBERNETES)
def set_backend_port_missing(text: str, ctx: Context) -> list[Mutant]:
    """An Ingress backend or HTTPRoute backendRef naming a port its Service lacks."""
    out = []
    for doc in _docs(ctx):
        for entry in ctx.yaml.under((), doc):
            path = entry.path
            if not entry.value_is_inline_scalar:
                continue
            ingress = path[-2:] in (("port", "name"), ("port", "number")) and "backend" in path
            route = len(path) >= 3 and path[-3] == "backendRefs" and path[-1] == "port"
            if ingress or route:
                value = entry.value.value
                new = str(int(value) + 1) if value.isdigit() else _typo(value)
                out.append(_set(ctx, entry, new, f"backend port -> {new}",
                                "k8s-backend-port-missing"))  # fmt: skip
                break
    return out


@operator("set-reference", KUBERNETES)
def set_scale_target_missing(text: str, ctx: Context) -> list[Mutant]:
    """An HPA scaleTargetRef naming a workload the set lacks."""
    out = []
    for doc in _docs(ctx):
        entry = ctx.yaml.find(doc, ("spec", "scaleTargetRef", "name"))
        if entry:
            out.append(_rename(ctx, entry, "scaleTargetRef.name", "k8s-scale-target-missing"))
    return out


REF_HOLDERS = ("configMapKeyRef", "secretKeyRef", "configMapRef", "secretRef", "configMap")


@operator("set-reference", KUBERNETES)
def set_config_ref_missing(text: str, ctx: Context) -> list[Mutant]:
    """configMapKeyRef / secretKeyRef / envFrom / volume naming a ConfigMap or Secret the
    set lacks."""
    out = []
    for doc in _docs(ctx):
        seen: set[str] = set()
        for entry in ctx.yaml.under((), doc):
            holder = entry.path[-2] if len(entry.path) > 1 else None
            is_name = entry.name == "name" and holder in REF_HOLDERS
            is_secret_volume = entry.name == "secretName" and holder == "secret"
            wanted = (is_name or is_secret_volume) and entry.value_is_inline_scalar
            if wanted and holder not in seen:
                seen.add(str(holder))
                out.append(_rename(ctx, entry, f"{holder}.name", "k8s-ref-missing"))
    return out


@operator("set-reference", KUBERNETES)
def set_config_key_missing(text: str, ctx: Context) -> list[Mutant]:
    """configMapKeyRef / secretKeyRef / volume items naming a key the object lacks."""
    out = []
    for doc in _docs(ctx):
        seen: set[str] = set()
        for entry in ctx.yaml.under((), doc):
            holder = entry.path[-2] if len(entry.path) > 1 else None
            in_items = len(entry.path) > 2 and entry.path[-3] == "items"
            if entry.name != "key" or not entry.value_is_inline_scalar:
                continue
            label = "items" if in_items else str(holder)
            if (holder in ("configMapKeyRef", "secretKeyRef") or in_items) and label not in seen:
                seen.add(label)
                out.append(_rename(ctx, entry, f"{label}.key", "k8s-ref-key-missing"))
    return out


@operator("set-reference", KUBERNETES)
def set_pvc_missing(text: str, ctx: Context) -> list[Mutant]:
    """A volume's persistentVolumeClaim.claimName the set does not define."""
    out = []
    for doc in _docs(ctx):
        for entry in _inline_scalars(ctx, "claimName", doc):
            out.append(_rename(ctx, entry, "claimName", "k8s-pvc-missing"))
            break
    return out


# --- Dockerfiles --------------------------------------------------------------------------

_INSTRUCTION = re.compile(r"^(\s*)([A-Za-z]+)(\s|$)")


def _instructions(text: str) -> list[tuple[int, str, str]]:
    """(1-based line, instruction in upper case, the line) of each instruction start."""
    out = []
    continued = False  # inside a backslash continuation, where comments may interleave
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not continued and (match := _INSTRUCTION.match(line)):
            out.append((number, match.group(2).upper(), line))
        continued = stripped.endswith("\\")
    return out


@operator("dockerfile", DOCKERFILE)
def docker_unknown_instruction(text: str, ctx: Context) -> list[Mutant]:
    """`FROM` typed as `FORM`."""
    for number, name, line in _instructions(text):
        if name == "FROM":
            mutated = set_line(text, number, line.replace(line.lstrip()[:4], "FORM", 1))
            return [_m("FROM -> FORM", mutated, {number}, "dockerfile-unknown-instruction")]
    return []


@operator("dockerfile", DOCKERFILE)
def docker_copy_one_argument(text: str, ctx: Context) -> list[Mutant]:
    """`COPY src` without a destination (COPY needs at least two arguments)."""
    for number, name, line in _instructions(text):
        words = line.split()
        if name == "COPY" and len(words) >= 3 and not line.rstrip().endswith("\\"):
            mutated = set_line(text, number, " ".join(words[:-1]))
            return [_m("COPY with one argument", mutated, {number}, "DL1000",
                       "dockerfile-copy-arguments")]  # fmt: skip
    return []


@operator("dockerfile", DOCKERFILE)
def docker_broken_exec_form(text: str, ctx: Context) -> list[Mutant]:
    """`CMD ["a", ` : exec form cut short; Docker silently runs it through /bin/sh."""
    for number, name, line in _instructions(text):
        if name in ("CMD", "ENTRYPOINT") and line.rstrip().endswith("]") and "[" in line:
            cut = line[: line.index(",") + 1] + " " if "," in line else line.rstrip()[:-1]
            mutated = set_line(text, number, cut)
            return [_m(f"{name} exec form cut short", mutated, {number},
                       "dockerfile-exec-form-invalid")]  # fmt: skip
    return []


@operator("dockerfile", DOCKERFILE)
def docker_missing_from(text: str, ctx: Context) -> list[Mutant]:
    """The first FROM deleted: the file starts with another instruction. hadolint reports
    on that first instruction (the line the FROM's successor now has)."""
    instructions = _instructions(text)
    for index, (number, name, _line) in enumerate(instructions):
        if name == "FROM":
            lines = lines_of(text)
            del lines[number - 1]
            mutated = "".join(lines)
            following = instructions[index + 1][0] - 1 if index + 1 < len(instructions) else number
            return [_m("first FROM deleted", mutated, {following}, "DL3061",
                       "dockerfile-missing-from")]  # fmt: skip
    return []


@operator("dockerfile", DOCKERFILE)
def docker_expose_out_of_range(text: str, ctx: Context) -> list[Mutant]:
    """`EXPOSE 70000`: not a port."""
    for number, name, _line in _instructions(text):
        if name == "EXPOSE":
            mutated = set_line(text, number, "EXPOSE 70000")
            return [_m("EXPOSE 70000", mutated, {number}, "DL3011")]
    return []


# --- Compose -------------------------------------------------------------------------------


def _services(ctx: Context) -> list[Entry]:
    return [e for e in ctx.yaml.entries if len(e.path) == 2 and e.path[0] == "services"]


@operator("compose", COMPOSE)
def compose_unknown_service_key(text: str, ctx: Context) -> list[Mutant]:
    """A misspelled service key (`image` -> `imgae`)."""
    for service in _services(ctx):
        entry = ctx.yaml.find(0, (*service.path, "image"))
        if entry:
            mutated = replace_span(text, entry.key, "imgae")
            return [_m("image -> imgae", mutated, {entry.line}, "compose-unknown-key",
                       "compose-schema")]  # fmt: skip
    return []


@operator("compose", COMPOSE)
def compose_depends_on_undefined(text: str, ctx: Context) -> list[Mutant]:
    """depends_on naming a service the file does not define."""
    for entry in ctx.yaml.entries:
        if entry.name != "depends_on":
            continue
        value = entry.value
        if isinstance(value, yaml.SequenceNode) and value.value:
            target = value.value[0]
        elif isinstance(value, yaml.MappingNode) and value.value:
            target = value.value[0][0]
        else:
            continue
        new = _typo(target.value)
        mutated = replace_span(text, target, new)
        line = target.start_mark.line + 1
        return [_m(f"depends_on {new}", mutated, {line}, "compose-depends-on-missing")]
    return []


def _service_insert(ctx: Context, line_text: str) -> tuple[str, int] | None:
    """Add a key line under the first service, after its first key."""
    services = _services(ctx)
    if not services or not isinstance(services[0].value, yaml.MappingNode):
        return None
    first = services[0].value.value[0]
    key, value = first
    after = last_line(value)
    indent = " " * key.start_mark.column
    return insert_after(ctx.text, after, indent + line_text), after + 1


def _compose_named_reference(ctx: Context, section: str, rule: str) -> list[Mutant]:
    """Rename a service's named volume/network, or add one that is not declared."""
    for entry in ctx.yaml.entries:
        if len(entry.path) == 3 and entry.path[0] == "services" and entry.name == section:
            value = entry.value
            if isinstance(value, yaml.SequenceNode):
                for item in value.value:
                    if not isinstance(item, yaml.ScalarNode):
                        continue
                    name = item.value.split(":", 1)[0]
                    if name.startswith((".", "/", "~", "$")):
                        continue  # a bind mount, not a named volume
                    new = "undeclared-" + name
                    mutated = replace_span(ctx.text, item, new + item.value[len(name) :])
                    return [_m(f"{section}: {new}", mutated, {item.start_mark.line + 1}, rule)]
    extra = "undeclared-data:/data" if section == "volumes" else "undeclared-net"
    services = _services(ctx)
    existing = ctx.yaml.find(0, (*services[0].path, section)) if services else None
    if existing is not None and isinstance(existing.value, yaml.SequenceNode):
        # The service lists some already (bind mounts only): add one more item.
        item = existing.value.value[-1]
        line = last_line(item)
        prefix = lines_of(ctx.text)[item.start_mark.line][: item.start_mark.column]
        mutated = insert_after(ctx.text, line, f'{prefix}"{extra}"')
        return [_m(f"add {section} item {extra}", mutated, {line + 1}, rule)]
    inserted = _service_insert(ctx, f'{section}: ["{extra}"]')
    if inserted is None:
        return []
    mutated, line = inserted
    return [_m(f"add {section}: [{extra}]", mutated, {line}, rule)]


@operator("compose", COMPOSE)
def compose_volume_undeclared(text: str, ctx: Context) -> list[Mutant]:
    """A service using a named volume the top-level `volumes:` does not declare."""
    return _compose_named_reference(ctx, "volumes", "compose-volume-undeclared")


@operator("compose", COMPOSE)
def compose_network_undeclared(text: str, ctx: Context) -> list[Mutant]:
    """A service joining a network the top-level `networks:` does not declare."""
    return _compose_named_reference(ctx, "networks", "compose-network-undeclared")


@operator("compose", COMPOSE)
def compose_ports_wrong_type(text: str, ctx: Context) -> list[Mutant]:
    """`ports: "8080:80"` — a string where Compose wants a list."""
    for entry in ctx.yaml.entries:
        if len(entry.path) == 3 and entry.path[0] == "services" and entry.name == "ports":
            item = entry.value.value[0] if isinstance(entry.value, yaml.SequenceNode) else None
            if item is None or not isinstance(item, yaml.ScalarNode):
                continue
            lines = lines_of(text)
            first, last = entry.line, span(entry.value)[-1]
            indent = " " * entry.key.start_mark.column
            ending = "\r\n" if lines[0].endswith("\r\n") else "\n"
            lines[first - 1 : last] = [f'{indent}ports: "{item.value}"{ending}']
            return [_m("ports as a string", "".join(lines), {first}, "compose-schema")]
    return []


@operator("compose", COMPOSE)
def compose_env_file_missing(text: str, ctx: Context) -> list[Mutant]:
    """env_file naming a file that does not exist next to the Compose file."""
    for entry in ctx.yaml.entries:
        if entry.name == "env_file" and entry.value_is_inline_scalar:
            return [_rename(ctx, entry, "env_file", "compose-env-file-missing")]
    inserted = _service_insert(ctx, "env_file: missing.env")
    if inserted is None:
        return []
    mutated, line = inserted
    return [_m("add env_file: missing.env", mutated, {line}, "compose-env-file-missing")]


# --- Helm chart templates (checked after rendering; findings come back on template lines) ----


def _template_line(text: str, pattern: str) -> tuple[int, str] | None:
    for number, line in enumerate(text.splitlines(), 1):
        if re.search(pattern, line):
            return number, line
    return None


@operator("helm", HELM_TEMPLATE)
def helm_misspelled_field(text: str, ctx: Context) -> list[Mutant]:
    """`containers:` -> `contianers:` (or `ports:` -> `port:`) in a template; the rendered
    manifest's unknown field is mapped back to the template line."""
    for pattern, wrong in ((r"^\s*containers:", "contianers:"), (r"^\s*ports:", "port:")):
        found = _template_line(text, pattern)
        if found:
            number, line = found
            mutated = set_line(text, number, re.sub(r"\w+:", wrong, line, count=1))
            return [_m(f"template {wrong}", mutated, {number}, UNKNOWN_FIELD)]
    return []


@operator("helm", HELM_TEMPLATE)
def helm_removed_api_version(text: str, ctx: Context) -> list[Mutant]:
    """A template's apiVersion swapped for a removed one (apps/v1 -> apps/v1beta2)."""
    found = _template_line(text, r"^apiVersion:")
    kind = _template_line(text, r"^kind:")
    if not found or not kind:
        return []
    key = (found[1].split(":", 1)[1].strip(), kind[1].split(":", 1)[1].strip())
    old = REMOVED_API_VERSIONS.get(key)
    if not old:
        return []
    mutated = set_line(text, found[0], f"apiVersion: {old}")
    return [_m(f"template apiVersion: {old}", mutated, {found[0]}, "k8s-api-version-unavailable")]


@operator("helm", HELM_TEMPLATE)
def helm_unclosed_action(text: str, ctx: Context) -> list[Mutant]:
    """A template action left open (`{{ include "x" .` without `}}`): helm cannot render.
    A Go template action may span lines, so the parser reports the line after it, where the
    swallowed text stops making sense; both lines are the region."""
    found = _template_line(text, r"\{\{[^}]*\}\}\s*$")
    if not found:
        return []
    number, line = found
    mutated = set_line(text, number, line.rstrip()[:-2].rstrip())
    region = {number, number + 1}
    return [_m("template action without }}", mutated, region, "helm-lint", "helm-render")]
