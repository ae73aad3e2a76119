"""Schema violations as both engines report them, before they become findings.

kubeconform and the in-process engine word their errors differently; both are reduced to
one ``SchemaViolation`` (JSON path, optional key, rule id, our own message) so that the same
mistake yields the same finding whichever engine ran. A violation seen in several Kubernetes
versions becomes one finding that names the versions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ...findings import Finding
from ...rules import Rule, RuleSet
from ...yamlload import YamlDocument
from ..linemap import JsonPath, dotted, locate

# kubeconform, or the in-process engine where its binary is absent (the finding says which).
SCHEMA_RULES = RuleSet(
    "kubeconform",
    applies_to=("kubernetes",),
    title_ko="쿠버네티스 스키마(kubeconform)",
    title_en="Kubernetes schemas (kubeconform)",
)
_VERSIONS_KO = " 메시지 끝에 그 오류가 나온 쿠버네티스 버전이 적혀 있습니다."
_VERSIONS_EN = " The message ends with the Kubernetes versions it occurs in."
RULE_UNKNOWN_FIELD = SCHEMA_RULES.rule(
    "k8s-schema-unknown-field",
    ko="스키마에 없는 필드입니다(오타, 잘못된 들여쓰기나 위치). 엄격 모드라 오류입니다."
    + _VERSIONS_KO,
    en="A field the schema does not have (a typo, a wrong indentation or place); an error in "
    "strict mode." + _VERSIONS_EN,
    fix_ko="필드 이름과 들여쓰기를 `kubectl explain <종류>.<필드>`로 확인합니다.",
    fix_en="Check the field's name and indentation with kubectl explain <kind>.<field>.",
)
RULE_REQUIRED = SCHEMA_RULES.rule(
    "k8s-schema-required",
    ko="스키마가 요구하는 필드가 없습니다." + _VERSIONS_KO,
    en="A field the schema requires is missing." + _VERSIONS_EN,
    fix_ko="메시지가 말하는 필드를 그 위치에 추가합니다.",
    fix_en="Add the field the message names at that place.",
)
RULE_TYPE = SCHEMA_RULES.rule(
    "k8s-schema-type",
    ko="값의 형식이 스키마와 다릅니다(숫자 자리에 문자열, 목록 자리에 매핑 …)." + _VERSIONS_KO,
    en="A value of the wrong type (a string where a number goes, a mapping where a list goes "
    "...)." + _VERSIONS_EN,
    fix_ko="숫자는 따옴표 없이, 목록은 `-`로, 문자열 맵의 값은 따옴표로 감싸 씁니다.",
    fix_en="Write numbers unquoted, lists with '-', and quote the values of string maps.",
)
RULE_ENUM = SCHEMA_RULES.rule(
    "k8s-schema-enum",
    ko="스키마가 정한 값 중 하나가 아닙니다." + _VERSIONS_KO,
    en="Not one of the values the schema allows." + _VERSIONS_EN,
    fix_ko="메시지에 나열된 값 중 하나를 대소문자까지 그대로 씁니다.",
    fix_en="Use one of the listed values, with the same case.",
)
RULE_INVALID = SCHEMA_RULES.rule(
    "k8s-schema-invalid",
    ko="스키마의 다른 제약(형식, 최솟값, 패턴 …)을 어깁니다." + _VERSIONS_KO,
    en="The value breaks another schema constraint (format, minimum, pattern ...)." + _VERSIONS_EN,
    fix_ko="메시지가 말하는 제약에 맞게 값을 고칩니다.",
    fix_en="Change the value to meet the constraint the message names.",
)
RULE_UNAVAILABLE = SCHEMA_RULES.rule(
    "k8s-api-version-unavailable",
    ko="`conf/versions.yaml`의 어떤 쿠버네티스 버전이 그 `apiVersion`을 제공하지 "
    "않습니다(제거되었거나 "
    "아직 없음).",
    en="A Kubernetes version of conf/versions.yaml does not serve that apiVersion (removed, or "
    "not there yet).",
    fix_ko="메시지가 제안하는 현재 API 버전으로 바꿉니다(예: `autoscaling/v2`).",
    fix_en="Use the current API version the message suggests (e.g. autoscaling/v2).",
)
RULE_UNKNOWN_KIND = SCHEMA_RULES.rule(
    "k8s-unknown-kind",
    ko="어떤 쿠버네티스 버전의 스키마에도 없고 `conf/crds.yaml`에도 선언되지 않은 "
    "종류(kind)입니다.",
    en="A kind no Kubernetes version's schema serves and conf/crds.yaml does not declare.",
    fix_ko="`kind`의 철자를 고칩니다. 사용자 정의 리소스라면 `conf/crds.yaml`에 선언합니다.",
    fix_en="Correct the kind's spelling; declare a custom resource in conf/crds.yaml.",
)
RULE_NOT_A_RESOURCE = SCHEMA_RULES.rule(
    "k8s-not-a-resource",
    ko="매니페스트의 문서에 문자열 `apiVersion`과 `kind`가 없습니다.",
    en="A manifest document has no string apiVersion and kind.",
    fix_ko="문서마다 `apiVersion`과 `kind`를 적습니다. 매니페스트가 아닌 입력 파일이면 다른 폴더나 "
    "이름으로 둡니다.",
    fix_en="Give each document an apiVersion and a kind; keep non-manifest inputs elsewhere.",
)
RULE_TOOL_ERROR = SCHEMA_RULES.rule(
    "k8s-schema-tool-error",
    ko="kubeconform이 문서를 검사하지 못하고 오류를 냈습니다(읽을 수 없는 문서, 스키마 문제).",
    en="kubeconform could not check the document and reported an error (an unreadable document, "
    "a schema problem).",
    fix_ko="메시지가 가리키는 줄을 고칩니다. 검사기의 문제로 보이면 저장소에 이슈로 알립니다.",
    fix_en="Fix the line the message names; report it if it looks like a checker problem.",
)
RULE_LIST_ITEMS = SCHEMA_RULES.rule(
    "k8s-list-items",
    ko="`kind: List`에 객체 목록인 `items:`가 없습니다. kubectl은 List의 항목을 하나씩 적용합니다.",
    en="A kind: List has no items: list of objects; kubectl applies a List item by item.",
    fix_ko="`items:` 아래에 객체 목록을 둡니다.",
    fix_en="Put a list of objects under items:.",
)
RULE_NULL_KEY = SCHEMA_RULES.rule(
    "k8s-null-key",
    ko="매니페스트에 null 키(`~:`나 빈 키)가 있습니다. kubectl이 객체를 JSON으로 바꾸지 못해, 그 "
    "객체의 "
    "나머지는 검사하지 않았습니다. 정수·불리언 키(`1:`)는 kubectl처럼 문자열로 읽어 검사합니다.",
    en="A null key (~: or an empty key): kubectl cannot turn the object into JSON, so nothing "
    "else in it was checked. Integer and boolean keys are read as strings, as kubectl does.",
    fix_ko="키를 따옴표로 감싼 문자열로 씁니다.",
    fix_en="Write the key as a quoted string.",
)


@dataclass(frozen=True)
class SchemaViolation:
    path: JsonPath
    rule: Rule
    message: str
    key: str | None = None  # For unknown/missing fields: the field's name inside ``path``.


def json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def unknown_field(path: JsonPath, name: str) -> SchemaViolation:
    where = dotted(path)
    return SchemaViolation(
        path, RULE_UNKNOWN_FIELD, f'unknown field "{name}" in {where} (strict schema)', name
    )


def required_field(path: JsonPath, name: str) -> SchemaViolation:
    return SchemaViolation(
        path, RULE_REQUIRED, f'required field "{name}" is missing in {dotted(path)}', name
    )


def wrong_type(path: JsonPath, expected: Iterable[str], got: str) -> SchemaViolation:
    wanted = " or ".join(sorted(set(expected) - {"null"})) or "null"
    return SchemaViolation(path, RULE_TYPE, f"{dotted(path)}: expected {wanted}, got {got}")


def not_in_enum(path: JsonPath, options: Sequence[object]) -> SchemaViolation:
    allowed = ", ".join(repr(o) if not isinstance(o, str) else f'"{o}"' for o in options)
    return SchemaViolation(path, RULE_ENUM, f"{dotted(path)}: must be one of {allowed}")


def invalid(path: JsonPath, detail: str) -> SchemaViolation:
    return SchemaViolation(path, RULE_INVALID, f"{dotted(path)}: {detail}")


def version_span(versions: Sequence[str], configured: Sequence[str]) -> str:
    """``1.33–1.35`` for a run of consecutive configured versions, else a comma list."""
    order = {v: i for i, v in enumerate(configured)}
    chosen = sorted(set(versions), key=lambda v: order.get(v, len(order)))
    runs: list[list[str]] = []
    for version in chosen:
        if runs and order.get(version, -9) == order.get(runs[-1][-1], -99) + 1:
            runs[-1].append(version)
        else:
            runs.append([version])
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def merge_to_findings(
    document: YamlDocument,
    per_version: dict[str, list[SchemaViolation]],
    configured: Sequence[str],
    tool: str,
) -> list[Finding]:
    """One finding per distinct violation, naming the versions in which it occurs."""
    versions_of: dict[SchemaViolation, list[str]] = {}
    for version, violations in per_version.items():
        for violation in violations:
            versions_of.setdefault(violation, []).append(version)
    findings = []
    for violation, versions in versions_of.items():
        line, column = locate(document, violation.path, violation.key)
        span = version_span(versions, configured)
        findings.append(
            violation.rule.finding(
                document.path, line, column, f"{violation.message} (Kubernetes {span})", tool=tool
            )
        )
    return findings
