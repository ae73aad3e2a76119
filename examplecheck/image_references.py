"""Where examples and pages name container images, with the line and column of each name.

Kubernetes objects: every container list of the pod template (containers, initContainers,
ephemeralContainers). Compose files: each service's ``image``. Dockerfiles: ``FROM`` with
ARG defaults substituted, skipping earlier stage names and ``scratch``. Pages: the console
and shell blocks' ``docker run``/``create``/``pull`` and ``kubectl run``/``create``/``debug``/
``set image`` commands. Rendered Helm manifests are Kubernetes objects; the runner moves their
findings to the chart's files.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

from .codeblocks import code_blocks
from .discover import display_path
from .images import Reference, canonical_name, parse_image
from .kubernetes.objects import containers
from .yamlload import YamlDocument, load_yaml

SHELL_LANGUAGES = {"console", "shell-session", "bash", "sh", "shell"}
_ARG_USE = re.compile(r"\$\{(\w+)(?::?[-+][^}]*)?\}|\$(\w+)")
_COMPOSE_DEFAULT = re.compile(r"\$\{(\w+):?-([^}]*)\}")
_SEPARATORS = {"|", "||", "&&", ";", "&", "|&", "(", ")"}
# `docker run`/`create` options that take no value; every other option takes one.
_RUN_BOOLEAN_LONG = {
    "--detach", "--rm", "--interactive", "--tty", "--read-only", "--init", "--privileged",
    "--publish-all", "--no-healthcheck", "--oom-kill-disable", "--quiet", "--sig-proxy",
    "--disable-content-trust", "--all-tags",
}  # fmt: skip
_RUN_VALUE_SHORT = set("epvwuhlmc")
_RUN_SHORT = _RUN_VALUE_SHORT | set("ditPqa")  # -a: `pull --all-tags`; rare in `run`


def kubernetes_references(document: YamlDocument) -> list[Reference]:
    references = []
    for path, container in containers(document.data):
        image = container.get("image")
        if isinstance(image, str):
            line, column = document.locate([*path, "image"])
            references.append(Reference(document.path, line, column, image, True))
    return references


def compose_references(document: YamlDocument) -> list[Reference]:
    data = document.data if isinstance(document.data, dict) else {}
    services = data.get("services")
    references = []
    for name, service in (services if isinstance(services, dict) else {}).items():
        image = service.get("image") if isinstance(service, dict) else None
        if isinstance(image, str):
            line, column = document.locate(["services", name, "image"])
            resolved = _COMPOSE_DEFAULT.sub(lambda m: m.group(2), image)
            references.append(Reference(document.path, line, column, resolved))
    return references


def dockerfile_references(commands: list, text: str, display: str) -> list[Reference]:
    """``FROM`` images of a parsed Dockerfile (``dockerfile.Command`` objects)."""
    lines = text.splitlines()
    defaults: dict[str, str] = {}
    stages: set[str] = set()
    references = []
    seen_from = False
    for command in commands:
        name = command.cmd.lower()
        if name == "arg" and not seen_from:  # only ARGs before the first FROM reach FROM
            for item in command.value:
                key, equals, value = item.partition("=")
                if equals:
                    defaults[key] = value.strip("\"'")
        if name != "from" or not command.value:
            continue
        seen_from = True
        written = command.value[0]
        image = _ARG_USE.sub(lambda m: defaults.get(m.group(1) or m.group(2), m.group(0)), written)
        if len(command.value) >= 3 and command.value[1].lower() == "as":
            stage = command.value[2].lower()
        else:
            stage = None
        if image.lower() not in stages and image.lower() != "scratch":
            raw = lines[command.start_line - 1] if command.start_line <= len(lines) else ""
            column = raw.find(written) + 1 if written in raw else 1
            references.append(Reference(display, command.start_line, column, image, True))
        if stage:
            stages.add(stage)
    return references


def page_references(text: str, display: str) -> list[Reference]:
    """Images named by the commands of a page's console and shell blocks."""
    page_lines = text.splitlines()
    commands = list(_page_commands(text))
    built = frozenset(image for _, argv in commands for image in _built_names(argv))
    references = []
    for line, argv in commands:
        for image, kind in _named_images(argv):
            at_line, column = _position(page_lines, line, image)
            names = built if kind in ("run", "pull") else frozenset()
            reference = Reference(
                display, at_line, column, image, local_ok=kind == "run", local_names=names
            )
            references.append(reference)
    return references


def _page_commands(text: str) -> Iterator[tuple[int, list[str]]]:
    """(page line, argv) of every simple command in the page's shell blocks."""
    for block in code_blocks(text):
        if block.language not in SHELL_LANGUAGES:
            continue
        console = block.language in ("console", "shell-session")
        pending: list[str] = []
        start = 0
        for number, _offset, line in block.lines:
            if not pending:
                if console and not line.startswith("$ "):
                    continue
                start = number
                line = line[2:] if console else line
            if line.rstrip().endswith("\\"):
                pending.append(line.rstrip()[:-1])
                continue
            pending.append(line)
            yield from ((start, argv) for argv in _simple_commands(" ".join(pending)))
            pending = []


def _simple_commands(text: str) -> list[list[str]]:
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        tokens = list(lexer)
    except ValueError:  # unbalanced quotes: shellcheck reports the block
        return []
    commands, current = [], []
    for token in tokens:
        if token in _SEPARATORS:
            commands.append(current)
            current = []
        else:
            current.append(token)
    commands.append(current)
    return [_without_prefixes(c) for c in commands if c]


def _without_prefixes(argv: list[str]) -> list[str]:
    while argv and (argv[0] in ("sudo", "time", "exec") or re.match(r"^\w+=", argv[0])):
        argv = argv[1:]
    return argv


def _named_images(argv: list[str]) -> Iterator[tuple[str, str]]:
    """(image, "run" | "pull" | "kubectl") for each image a command runs or pulls."""
    if len(argv) < 2:
        return
    tool, rest = argv[0], argv[1:]
    if tool == "docker":
        if rest[:2] in (["container", "run"], ["container", "create"], ["image", "pull"]):
            rest = rest[1:]
        if rest and rest[0] in ("run", "create"):
            image = _first_operand(rest[1:])
            if image:
                yield image, "run"
        elif rest and rest[0] == "pull":
            image = _first_operand(rest[1:])
            if image:
                yield image, "pull"
    elif tool == "kubectl" and rest:
        if rest[0] in ("run", "debug", "create"):
            yield from ((image, "kubectl") for image in _flag_values(rest, "--image"))
        elif rest[:2] == ["set", "image"]:
            for word in rest[3:]:
                if not word.startswith("-") and "=" in word:
                    yield word.split("=", 1)[1], "kubectl"


def _first_operand(words: list[str]) -> str | None:
    """The first word of ``docker run [OPTIONS] IMAGE`` that is not an option or its value."""
    index = 0
    while index < len(words):
        word = words[index]
        if word == "--":
            return words[index + 1] if index + 1 < len(words) else None
        if word.startswith("--"):
            takes_value = "=" not in word and word not in _RUN_BOOLEAN_LONG
            index += 2 if takes_value else 1
        elif word.startswith("-") and len(word) > 1:
            letters = word[1:]
            attached = "=" in letters or not set(letters) <= _RUN_SHORT
            index += 2 if not attached and letters[-1] in _RUN_VALUE_SHORT else 1
        else:
            return word
    return None


def _flag_values(words: list[str], flag: str) -> Iterator[str]:
    for index, word in enumerate(words):
        if word.startswith(flag + "="):
            yield word.split("=", 1)[1]
        elif word == flag and index + 1 < len(words):
            yield words[index + 1]


def _built_names(argv: list[str]) -> Iterator[str]:
    """Names a page gives images on the reader's machine: ``docker build -t``, ``docker tag``."""
    if not argv or argv[0] != "docker":
        return
    rest = argv[1:]
    if rest[:1] in (["image"], ["buildx"]):
        rest = rest[1:]
    if rest[:1] == ["build"]:
        for index, word in enumerate(rest):
            if word in ("-t", "--tag") and index + 1 < len(rest):
                yield rest[index + 1]
            elif word.startswith("--tag="):
                yield word.split("=", 1)[1]
    elif rest[:1] == ["tag"] and len(rest) >= 3:
        yield rest[2]


def _position(lines: list[str], start: int, image: str) -> tuple[int, int]:
    """Line and column of ``image`` in the command starting at page line ``start``."""
    for number in range(start, min(start + 20, len(lines)) + 1):
        column = lines[number - 1].find(image)
        if column >= 0:
            return number, column + 1
    return start, 1


def helm_values_reference(reference: Reference, chart: Path, root: Path) -> Reference | None:
    """The same image at the chart's ``values.yaml`` ``image.tag`` (when it sets the tag
    rendered) or ``image.repository``, where a reader fixes it; None when values.yaml does not
    name this image."""
    path = chart / "values.yaml"
    if not path.is_file():
        return None
    loaded = load_yaml(path, display_path(path, root))
    if loaded.findings or not loaded.documents:
        return None
    document = loaded.documents[0]
    image = document.data.get("image") if isinstance(document.data, dict) else None
    if not isinstance(image, dict) or not isinstance(image.get("repository"), str):
        return None
    parsed = parse_image(reference.image)
    if canonical_name(image["repository"]) != parsed.canonical:
        return None
    key = "tag" if image.get("tag") and image.get("tag") == parsed.tag else "repository"
    line, column = document.locate(["image", key])
    return Reference(document.path, line, column, reference.image, reference.floating_reported)
