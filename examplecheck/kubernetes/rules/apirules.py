"""Rules the API server enforces that the OpenAPI schemas do not express, run per document.

Each rule is what ``kubectl apply`` would reject on a real cluster. This module holds the
workload rules (selectors that do not match their template, a Job that restarts Always, an
unparsable cron schedule or time zone, a rolling update that can replace nothing, Secret data
that is not base64) and ``check_document``, which runs every rule set of the API server:
names.py (names, labels), ports.py (ports, probe ports), valuesets.py (closed value sets),
quantities.py (quantities, requests against limits) and crossfield.py (volume mounts,
autoscaler and disruption budget bounds).
"""

from __future__ import annotations

import base64
import binascii
import re
import zoneinfo
from functools import cache
from typing import Any

from croniter import croniter

from ...findings import Finding
from ...rules import Rule, RuleSet
from ...yamlload import YamlDocument
from ..linemap import JsonPath, dotted
from ..objects import Emit, Obj, as_dict, as_list, get, map_selector_matches, selector_matches
from .crossfield import CROSSFIELD_RULES
from .names import NAME_RULES, RULE_MISSING_NAME
from .ports import PORT_RULES
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

CRON_MACROS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
_CRON_TERM = r"(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(/[0-9]+)?"
CRON_FIELD = re.compile(rf"^{_CRON_TERM}(,{_CRON_TERM})*$")
CRON_NAMES = (
    frozenset(),
    frozenset(),
    frozenset(),
    frozenset(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]),
    frozenset(["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
)
SELECTOR_KINDS = {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"}
JOB_KINDS = {"Job", "CronJob"}


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
RULE_SETS = (NAME_RULES, API, PORT_RULES, VALUE_RULES, QUANTITY_RULES, CROSSFIELD_RULES)
