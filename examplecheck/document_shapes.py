"""The shapes of YAML and JSON documents: checks of our own where no tool has one.

A YAML document that is a list or a scalar, a manifest document without apiVersion or kind,
and JSON that does not parse are each one finding; no linter of the field says these.
"""

from __future__ import annotations

import json

from .classify import ExampleFile
from .findings import Finding
from .rules import RuleSet
from .yamlload import YamlDocument

SHAPES = RuleSet(
    "examplecheck",
    applies_to=("yaml", "kubernetes", "json"),
    title_ko="문서의 모양",
    title_en="The shape of documents",
)
OBJECT_INCOMPLETE = SHAPES.rule(
    "kubernetes-object-incomplete",
    ko="쿠버네티스 매니페스트 파일의 문서에 `apiVersion`이나 `kind`가 없어 아무것도 검사할 수 "
    "없습니다.",
    en="A document of a Kubernetes manifest file has no apiVersion or kind, so nothing could "
    "check it.",
    fix_ko="문서마다 `apiVersion`과 `kind`를 적습니다.",
    fix_en="Give every document an apiVersion and a kind.",
)
NOT_A_MAPPING = SHAPES.rule(
    "yaml-not-a-mapping",
    ko="YAML 문서가 매핑이 아니라 목록이나 값 하나입니다. 쿠버네티스 객체도, Compose 파일도, 설정 "
    "파일도 될 수 없습니다.",
    en="A YAML document is a list or a scalar, not a mapping: no Kubernetes object, Compose file "
    "or settings file.",
    fix_ko="최상위를 `키: 값` 매핑으로 씁니다.",
    fix_en="Make the top level a key: value mapping.",
)
JSON_SYNTAX = SHAPES.rule(
    "json-syntax",
    tool="json",
    applies_to=("json",),
    ko="JSON으로 읽을 수 없습니다.",
    en="The file is not valid JSON.",
    fix_ko="메시지의 줄과 열을 고칩니다(끝의 쉼표, 작은따옴표, 주석은 JSON에서 쓸 수 없습니다).",
    fix_en="Fix the line and column named (no trailing commas, single quotes or comments in JSON).",
)


def non_mapping_documents(example: ExampleFile) -> list[Finding]:
    """A top-level list or scalar is none of the things an example here can be."""
    findings = []
    for document in example.documents:
        if isinstance(document.data, dict):
            continue
        shape = "a list" if isinstance(document.data, list) else "a scalar"
        findings.append(
            NOT_A_MAPPING.finding(
                example.display,
                document.line,
                1,
                f"document {document.index + 1} is {shape}, not a mapping: not a Kubernetes "
                "object (kubectl cannot apply it), a Compose file or a configuration file",
            )
        )
    return findings


def kubernetes_objects(example: ExampleFile) -> tuple[list[YamlDocument], list[Finding]]:
    """The documents of a manifest file that are objects, and a finding for each other one."""
    objects, findings = [], []
    for document in example.documents:
        data = document.data
        if isinstance(data, dict) and data.get("apiVersion") and data.get("kind"):
            objects.append(document)
            continue
        mapping = data if isinstance(data, dict) else {}
        missing = [k for k in ("apiVersion", "kind") if not mapping.get(k)]
        findings.append(
            OBJECT_INCOMPLETE.finding(
                example.display,
                document.line,
                1,
                f"document {document.index + 1} has no {' or '.join(missing)}: "
                "not a Kubernetes object, so nothing could check it",
            )
        )
    return objects, findings


def json_syntax(display: str, text: str) -> list[Finding]:
    try:
        json.loads(text)
    except ValueError as exc:
        line, column = getattr(exc, "lineno", 1), getattr(exc, "colno", 1)
        return [JSON_SYNTAX.finding(display, line, column, str(exc))]
    return []
