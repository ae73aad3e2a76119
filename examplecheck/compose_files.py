"""The files a Compose file needs on disk: checks of our own, where `config` says nothing.

``docker compose config`` never opens a build context, a bind mount's source or a secret's
file, but ``docker compose build``/``up`` fail without them; this module looks for them, and
lists the files a Compose file reads, so that they count as its data, not as unclassified
files. (examplecheck.wrappers.docker_compose runs the real Compose for everything else.)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .findings import Finding
from .rules import Rule, RuleSet
from .yamlload import YamlDocument

COMPOSE_FILES = RuleSet(
    "docker-compose",
    applies_to=("compose",),
    title_ko="Compose 파일이 디스크에서 읽는 파일",
    title_en="Files a Compose file reads from disk",
)
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://|^git@|\.git(#|$)", re.I)
_RUNTIME_KO = (
    " `docker compose config`는 통과하지만 빌드나 실행에서 실패하므로 검사기가 직접 확인합니다."
)
_RUNTIME_EN = " docker compose config passes it but build or up fails, so the checker looks itself."
COMPOSE_BUILD_CONTEXT_MISSING = COMPOSE_FILES.rule(
    "compose-build-context-missing",
    ko="빌드 컨텍스트 폴더나 그 안의 Dockerfile이 없습니다." + _RUNTIME_KO,
    en="A build context folder or its Dockerfile is missing." + _RUNTIME_EN,
    fix_ko="`build:` 경로를 고치거나 Dockerfile을 추가합니다.",
    fix_en="Correct the build: path or add the Dockerfile.",
)
COMPOSE_BIND_SOURCE_MISSING = COMPOSE_FILES.rule(
    "compose-bind-source-missing",
    ko="상대 경로 바인드 마운트의 원본이 없습니다. 짧은 문법이면 엔진이 그 자리에 빈 디렉터리를 "
    "만들어 "
    "마운트하려던 파일이 사라집니다." + _RUNTIME_KO,
    en="A relative bind mount source is missing; with the short syntax the engine creates an "
    "empty directory in its place." + _RUNTIME_EN,
    fix_ko="원본 파일을 예제에 추가하거나 경로를 고칩니다.",
    fix_en="Add the source file to the example, or correct the path.",
)
COMPOSE_FILE_MISSING = COMPOSE_FILES.rule(
    "compose-file-missing",
    ko="시크릿이나 컨피그의 `file:`이 가리키는 파일이 없습니다. `docker compose up`이 마운트하지 "
    "못합니다." + _RUNTIME_KO,
    en="The file a secret's or config's file: names is missing; docker compose up cannot mount "
    "it." + _RUNTIME_EN,
    fix_ko="파일을 예제에 추가하거나, 독자가 만들 파일이면 페이지에 만드는 명령을 적고 경로를 "
    "맞춥니다.",
    fix_en="Add the file, or show the reader the command that creates it.",
)


# -- what `config` accepts but `docker compose build`/`up` refuses ---------------------------
def runtime_findings(documents: list[YamlDocument], path: Path, display: str) -> list[Finding]:
    """Files on disk that `docker compose config` never opens, but build and run need:

    - ``compose-build-context-missing``: a build context folder or its Dockerfile is missing;
      ``docker compose build`` fails ("unable to prepare context: path not found").
    - ``compose-bind-source-missing``: a bind mount's relative source is missing. With the long
      syntax the engine refuses to create the container ("bind source path does not exist");
      with the short syntax it creates an empty directory there, so a mounted file is lost.
    - ``compose-file-missing``: a `secrets:`/`configs:` `file:` is missing; it is bind-mounted
      into the container, so `up` fails like a bind mount.

    Paths with ``${...}`` or URLs are the reader's to choose and are skipped.
    """
    findings: list[Finding] = []
    folder = path.parent

    def missing(document: YamlDocument, where: list, rule: Rule, message: str) -> None:
        line, column = document.locate(where)
        findings.append(_finding(display, line, column, rule, message))

    for document in documents:
        data = document.data if isinstance(document.data, dict) else {}
        services = data.get("services")
        for name, service in (services if isinstance(services, dict) else {}).items():
            if not isinstance(service, dict):
                continue
            at = ["services", str(name)]
            for where, problem in _build_problems(service.get("build"), folder):
                missing(document, [*at, *where], COMPOSE_BUILD_CONTEXT_MISSING, problem)
            for where, source, long_syntax in _bind_sources(service.get("volumes")):
                if not (folder / source).exists():
                    effect = (
                        "the engine refuses to create the container (bind source path does "
                        "not exist)"
                        if long_syntax
                        else "the engine creates an empty directory in its place"
                    )
                    missing(
                        document,
                        [*at, "volumes", *where],
                        COMPOSE_BIND_SOURCE_MISSING,
                        f"bind mount source {source!r} does not exist next to this file: {effect}",
                    )
        for section in ("secrets", "configs"):
            entries = data.get(section)
            for name, entry in (entries if isinstance(entries, dict) else {}).items():
                written = entry.get("file") if isinstance(entry, dict) else None
                if isinstance(written, str) and "$" not in written:
                    if (folder / written).is_file():
                        continue
                    missing(
                        document,
                        [section, str(name), "file"],
                        COMPOSE_FILE_MISSING,
                        f"{section[:-1]} file {written!r} does not exist next to this file: "
                        "`docker compose up` fails to mount it",
                    )
    return findings


def _build_problems(build: Any, folder: Path) -> list[tuple[list, str]]:
    if isinstance(build, str):
        build, where = {"context": build}, ["build"]
    elif isinstance(build, dict):
        where = ["build", "context"]
    else:
        return []
    context = build.get("context", ".")
    if not isinstance(context, str) or "$" in context or _URL.search(context):
        return []
    if not (folder / context).is_dir():
        return [(where, f"build context {context!r} is not a folder next to this file: "
                        "`docker compose build` fails")]  # fmt: skip
    dockerfile = build.get("dockerfile")
    if not isinstance(dockerfile, str) or "$" in dockerfile:
        return []
    if (folder / context / dockerfile).is_file():
        return []
    return [(["build", "dockerfile"], f"Dockerfile {dockerfile!r} is not in the build context "
                                      f"{context!r}: the build fails")]  # fmt: skip


def _bind_sources(volumes: Any) -> list[tuple[list, str, bool]]:
    """(where, relative source, long syntax) of each bind mount written relative to the file."""
    found = []
    for index, volume in enumerate(volumes if isinstance(volumes, list) else []):
        if isinstance(volume, str) and ":" in volume:
            source, where, long_syntax = volume.split(":", 1)[0], [index], False
        elif isinstance(volume, dict) and volume.get("type") == "bind":
            source, where = volume.get("source"), [index, "source"]
            bind = volume.get("bind")
            long_syntax = not (isinstance(bind, dict) and bind.get("create_host_path") is True)
        else:
            continue
        if isinstance(source, str) and source.startswith(".") and "$" not in source:
            found.append((where, source, long_syntax))
    return found


# -- the files a Compose file reads (so they count as its data, not unclassified) -------------
def references(documents: list[YamlDocument], path: Path) -> set[Path]:
    """env files, included files, bind sources, build files, secret and config files, and the
    `.env` Compose reads for interpolation. Only names: existence is checked above."""
    folder = path.parent
    written: list[str] = [".env"]
    for document in documents:
        data = document.data if isinstance(document.data, dict) else {}
        included = data.get("include")
        for entry in included if isinstance(included, list) else []:
            written.extend(include_paths(entry))
            if isinstance(entry, dict) and isinstance(entry.get("env_file"), str):
                written.append(entry["env_file"])
        for section in ("secrets", "configs"):
            entries = data.get(section)
            for entry in (entries if isinstance(entries, dict) else {}).values():
                if isinstance(entry, dict) and isinstance(entry.get("file"), str):
                    written.append(entry["file"])
        services = data.get("services")
        for service in (services if isinstance(services, dict) else {}).values():
            if isinstance(service, dict):
                written.extend(_service_files(service))
    files: set[Path] = set()
    for relative in written:
        if "$" in relative or _URL.search(relative):
            continue
        target = (folder / relative).resolve()
        if target.is_file():
            files.add(target)
        elif target.is_dir():
            files.update(p.resolve() for p in target.rglob("*") if p.is_file())
    return files


def _service_files(service: dict) -> list[str]:
    written: list[str] = []
    for section in ("env_file", "label_file"):
        entries = service.get(section)
        for entry in entries if isinstance(entries, list) else [entries]:
            value = entry.get("path") if isinstance(entry, dict) else entry
            if isinstance(value, str):
                written.append(value)
    written.extend(source for _, source, _ in _bind_sources(service.get("volumes")))
    develop = service.get("develop")
    watch = develop.get("watch") if isinstance(develop, dict) else None
    for rule in watch if isinstance(watch, list) else []:  # `docker compose watch` syncs these
        if isinstance(rule, dict) and isinstance(rule.get("path"), str):
            written.append(rule["path"])
    build = service.get("build")
    if isinstance(build, dict) and isinstance(build.get("dockerfile"), str):
        context = build.get("context", ".")
        if isinstance(context, str):
            written.append(str(Path(context) / build["dockerfile"]))
    return written


def _finding(display: str, line: int, column: int, rule: Rule, message: str) -> Finding:
    return rule.finding(display, line, column, message)


def include_paths(entry: Any) -> list[str]:
    """An include entry's files: `- file.yaml`, or `- path: file.yaml` / `path: [a, b]`."""
    written = entry.get("path") if isinstance(entry, dict) else entry
    listed = written if isinstance(written, list) else [written]
    return [w for w in listed if isinstance(w, str) and not _URL.search(w)]
