"""Which plain files are inputs of an example, so that no file goes unchecked silently.

A file no tool can check (an application.properties, a .env) is an example's *data* when an
example refers to it: a `--from-file`/`--env-file` flag (also in comments and on the pages),
a kustomization generator, a Dockerfile's COPY/ADD, a Compose file's env_file or bind mount.
Any other unclassified file is an error until conf/exceptions.yaml lists it with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import compose_files
from .classify import (
    COMPOSE,
    DATA,
    DOCKERFILE,
    KUBERNETES,
    SHELL,
    UNKNOWN,
    YAML,
    ExampleFile,
    classify,
)
from .findings import Finding
from .rules import RuleSet
from .wrappers import buildkit

REFERENCES = RuleSet(
    "examplecheck",
    applies_to=("every file",),
    title_ko="예제가 읽는 파일",
    title_en="Files examples read",
)
UNCLASSIFIED_FILE = REFERENCES.rule(
    "unclassified-file",
    ko="매니페스트, Compose 파일, Dockerfile, 셸 스크립트, Python, YAML, 페이지 중 아무것도 "
    "아니고, 다른 "
    "예제가 읽는 입력도 아닙니다. 아무 도구도 검사하지 않는 파일은 둘 수 없습니다.",
    en="Not a manifest, Compose file, Dockerfile, shell script, Python, YAML or page, and no "
    "example refers to it: no file may go unchecked silently.",
    fix_ko="`conf/exceptions.yaml`의 `data:`(다른 예제의 입력) 또는 `unchecked:`(검사하지 않는 "
    "파일)에 "
    "이유와 함께 적습니다.",
    fix_en="List it in conf/exceptions.yaml under data: (an input) or unchecked:, with a reason.",
)
# `kubectl create configmap --from-file=key=path`, `--from-env-file`, `docker run --env-file`.
FILE_FLAG = re.compile(r"--(?:from-file|from-env-file|env-file)[= ]+['\"]?([^\s'\";|&]+)")
Crash = Callable[[str, BaseException], None]


def resolve(
    examples: list[ExampleFile],
    referenced: set[Path],
    page_texts: list[str],
    root: Path,
    on_crash: Crash,
) -> list[Finding]:
    """Unclassified files referred to by another example become its data; the rest errors.

    ``page_texts`` are the pages' command blocks: pages run commands from various folders,
    so a page's reference matches by path suffix.
    """
    page_refs = [
        match.group(1).rsplit("=", 1)[-1].removeprefix("./")
        for text in page_texts
        for match in FILE_FLAG.finditer(text)
    ]
    unknown = [e for e in examples if e.kind == UNKNOWN]
    if any(e.path.resolve() not in referenced for e in unknown):
        referenced = referenced | sibling_references(unknown, examples, root, on_crash)
    findings = []
    for example in unknown:
        if example.path.resolve() in referenced or any(
            ref and (example.display == ref or example.display.endswith("/" + ref))
            for ref in page_refs
        ):
            example.kind = DATA
            continue
        findings.append(
            UNCLASSIFIED_FILE.finding(
                example.display,
                0,
                0,
                "not a Kubernetes manifest, Compose file, Dockerfile, shell script, Python, "
                "YAML or page, and no example refers to it: list it in conf/exceptions.yaml "
                "(`data:` or `unchecked:`) with a reason",
            )
        )
    return findings


def sibling_references(
    unknown: list[ExampleFile], examples: list[ExampleFile], root: Path, on_crash: Crash
) -> set[Path]:
    """References from the files next to an unclassified one that the run did not take (a
    writer checking one file): its folder is its example set. A sibling the checker fails on
    is reported as a crash of that sibling, not passed over."""
    seen = {e.path for e in examples}
    references: set[Path] = set()
    for folder in sorted({e.path.parent for e in unknown}):
        for sibling in sorted(folder.iterdir()):
            if sibling in seen or not sibling.is_file():
                continue
            seen.add(sibling)
            try:
                references |= all_references(classify(sibling, sibling.name, root))
            except Exception as exc:  # a checker bug: a finding, never a traceback
                on_crash(sibling.name, exc)
    return references


def text_references(example: ExampleFile, text: str) -> set[Path]:
    """Files named by flags (also in comments: "made with kubectl create configmap
    --from-file=app.properties") and by kustomization generators."""
    folder = example.path.parent
    references: set[Path] = set()
    if example.kind in (KUBERNETES, YAML, COMPOSE, SHELL, DOCKERFILE):
        for match in FILE_FLAG.finditer(text):
            references |= reference_glob(folder, match.group(1).rsplit("=", 1)[-1])
    if example.kind in (KUBERNETES, YAML):
        for document in example.documents:
            references |= generator_references(folder, document.data)
    return references


def generator_references(folder: Path, data: Any) -> set[Path]:
    """kustomization.yaml's configMapGenerator/secretGenerator `files`, `envs`, `env`."""
    references: set[Path] = set()
    if not isinstance(data, dict):
        return references
    for section in ("configMapGenerator", "secretGenerator"):
        for generator in data.get(section) or []:
            if not isinstance(generator, dict):
                continue
            for key in ("files", "envs", "env"):
                values = generator.get(key) or []
                for value in values if isinstance(values, list) else [values]:
                    if isinstance(value, str):
                        references |= reference_glob(folder, value.rsplit("=", 1)[-1])
    return references


def dockerfile_references(folder: Path, commands: list) -> set[Path]:
    """COPY/ADD sources in the build context (the Dockerfile's folder) and .dockerignore."""
    references = {(folder / ".dockerignore").resolve()}  # read by `docker build .`
    for command in commands:
        if command.cmd.lower() not in ("copy", "add") or command.heredocs:
            continue
        if any(flag.startswith("--from") for flag in command.flags):
            continue
        for source in command.value[:-1]:
            if "://" not in source and "$" not in source:
                references |= reference_glob(folder, source)
    return references


def all_references(example: ExampleFile) -> set[Path]:
    """Everything ``example`` refers to, without its findings (for files outside the run)."""
    if example.text is None:
        return set()
    references = text_references(example, example.text)
    if example.kind == COMPOSE and example.documents:
        references |= compose_files.references(example.documents, example.path)
    elif example.kind == DOCKERFILE:
        _, commands = buildkit.check(example.text, example.display)
        references |= dockerfile_references(example.path.parent, commands)
    return references


def reference_glob(folder: Path, pattern: str) -> set[Path]:
    pattern = pattern.strip().lstrip("/")  # COPY /x is relative to the build context too
    if not pattern:
        return set()
    if pattern.startswith("..") or not any(c in pattern for c in "*?["):
        candidates = [(folder / pattern).resolve()]
    else:
        candidates = [p.resolve() for p in folder.glob(pattern)]
    references: set[Path] = set()
    for candidate in candidates:
        if candidate.is_dir():
            references.update(p.resolve() for p in candidate.rglob("*") if p.is_file())
        else:
            references.add(candidate)
    return references
