"""What an installed CLI's own ``--help`` says a command line may use: subcommands and flags.

Nothing here lists flags by hand: each command path (``docker image ls``, ``kubectl create
secret generic``) is looked up by running ``<cli> <path> --help`` once and parsing its options.
A word is a subcommand when its help's usage line differs from its parent's (so aliases such as
``docker container ps`` resolve too); a parent with a command list that does not change usage
for the word has no such subcommand. Parsing follows pflag: ``--flag=value``, ``--flag value``,
combined short flags ``-it``, a value glued to a short flag ``-p8080:80``, and ``--`` ends flags.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field

# docker: "  -a, --attach list   Attach …" (a type word means the flag takes a value)
_DOCKER_OPTION = re.compile(
    r"^\s+(?:-(?P<short>\w), )?--(?P<long>[\w-]+)(?: (?P<type>[a-z]\w*))?(?:\s{2,}|$)"
)
_DOCKER_SHORT_ONLY = re.compile(r"^\s+-(?P<short>\w)(?: (?P<type>[a-z]\w*))?\s{2,}")
# kubectl: "    -A, --all-namespaces=false:" (true/false defaults are booleans)
_KUBECTL_OPTION = re.compile(r"^\s+(?:-(?P<short>\w), )?--(?P<long>[\w-]+)=(?P<default>.*):$")
_COMMAND_SECTION = re.compile(
    r"^(?=[A-Z])[^:]*\bCommands\b[^:]*:$|^Subcommands provided by plugins:$"
)
# `docker run IMAGE [COMMAND] [ARG...]`, `docker compose exec SERVICE COMMAND [ARGS...]`: cobra
# stops reading flags at the first argument, so what follows is the container's command.
_ARGS_END_FLAGS = re.compile(r"\[ARGS?\.\.\.\]")

Runner = Callable[[list[str]], "subprocess.CompletedProcess[str]"]


@dataclass(frozen=True)
class HelpStyle:
    """How one CLI prints help: the option format, where global flags are listed and go."""

    options: str  # "cobra" (docker, helm: "-f, --values strings") or "kubectl" ("--x='':")
    global_command: tuple[str, ...] | None  # ("options",): `kubectl options`; None: top help
    globals_anywhere: bool  # kubectl/helm: after the subcommand too; docker: before it only


STYLES = {
    "docker": HelpStyle("cobra", None, globals_anywhere=False),
    "docker compose": HelpStyle("cobra", None, globals_anywhere=False),
    "docker buildx": HelpStyle("cobra", None, globals_anywhere=False),
    "kubectl": HelpStyle("kubectl", ("options",), globals_anywhere=True),
    "helm": HelpStyle("cobra", None, globals_anywhere=True),
    "minikube": HelpStyle("kubectl", ("options",), globals_anywhere=True),
}


def run_help(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)


@dataclass
class CommandHelp:
    """What one command path's --help says: its usage, whether it has subcommands, its flags."""

    usage: str
    has_subcommands: bool
    long: dict[str, bool] = field(default_factory=dict)  # name -> takes a value
    short: dict[str, bool] = field(default_factory=dict)
    args_end_flags: bool = False  # docker run IMAGE [COMMAND] [ARG...]: later words are not ours


def parse_help(text: str, style: str) -> CommandHelp | None:
    lines = text.splitlines()
    usage = ""
    for index, line in enumerate(lines):
        if line.startswith("Usage:"):
            usage = line[len("Usage:") :].strip() or (
                lines[index + 1].strip() if index + 1 < len(lines) else ""
            )
            break
    if not usage:
        return None
    has_subcommands = any(_COMMAND_SECTION.match(line) for line in lines)
    help_ = CommandHelp(usage, has_subcommands, args_end_flags=bool(_ARGS_END_FLAGS.search(usage)))
    for line in lines:
        if style == "kubectl":
            match = _KUBECTL_OPTION.match(line)
            if match:
                takes_value = match["default"] not in ("true", "false")
                help_.long[match["long"]] = takes_value
                if match["short"]:
                    help_.short[match["short"]] = takes_value
            continue
        match = _DOCKER_OPTION.match(line) or _DOCKER_SHORT_ONLY.match(line)
        if match:
            takes_value = match["type"] is not None
            if match.groupdict().get("long"):
                help_.long[match["long"]] = takes_value
            if match["short"]:
                help_.short[match["short"]] = takes_value
    return help_


@dataclass(frozen=True)
class Problem:
    """One thing the CLI's help does not know: a flag or a subcommand of ``command``."""

    kind: str  # "flag", "subcommand" or "no-usage"
    command: str  # the resolved command path, e.g. "kubectl get"
    name: str  # "--colour", "-Z", "lss"
    word: str  # the word as written, to find it on the page ("-itz", "--colour=x")

    def __str__(self) -> str:
        if self.kind == "no-usage":
            return f"`{self.command} --help` printed no usage"
        what = "flag" if self.kind == "flag" else "subcommand"
        shown = self.name if self.kind == "flag" else repr(self.name)
        return f"`{self.command}` has no {what} {shown}"


@dataclass
class CheckResult:
    problems: list[Problem] = field(default_factory=list)
    absent: str | None = None  # the CLI (or docker plugin) that is not installed here
    command: str = ""  # the resolved command path, e.g. "kubectl create secret generic"


class Cli:
    """One CLI, its help pages cached per command path. ``binary`` None: not installed here.

    ``program`` is what a page types (``docker compose``), ``binary`` what runs its help (the
    compose plugin, or the standalone ``docker-compose``); ``plugins`` are CLIs a word at the
    top hands over to when this CLI's own help does not know the word (docker's compose).
    """

    def __init__(
        self,
        program: str,
        binary: str | None,
        runner: Runner = run_help,
        plugins: dict[str, Cli] | None = None,
    ):
        if program not in STYLES:
            raise ValueError(f"no help parser for {program}")
        self.program = program
        self.style = STYLES[program]
        self.binary = binary
        self.plugins = plugins or {}
        self._run = runner
        self._cache: dict[tuple[str, ...], CommandHelp | None] = {}
        self._global: CommandHelp | None = None

    @property
    def installed(self) -> bool:
        return self.binary is not None

    def help(self, path: tuple[str, ...]) -> CommandHelp | None:
        if path not in self._cache:
            completed = self._run([self.binary or self.program, *path, "--help"])
            text = completed.stdout if completed.returncode == 0 else ""
            self._cache[path] = parse_help(text, self.style.options)
        return self._cache[path]

    def global_flags(self) -> CommandHelp:
        """Flags every command accepts: kubectl's ``kubectl options``, docker's top-level ones."""
        if self._global is None:
            if self.style.global_command:
                completed = self._run([self.binary or self.program, *self.style.global_command])
                text = f"Usage:\n  {self.program} options\n" + completed.stdout
                self._global = parse_help(text, self.style.options) or CommandHelp("", False)
            else:
                self._global = self.help(()) or CommandHelp("", False)
        return self._global

    def _flag(self, current: CommandHelp, at_top: bool, long: str | None, short: str | None):
        """Whether the flag takes a value, or None when the command does not know it."""
        tables = [current]
        # docker's global flags go before the subcommand; kubectl's and helm's go anywhere
        if self.style.globals_anywhere or at_top:
            tables.append(self.global_flags())
        for table in tables:
            if long is not None and long in table.long:
                return table.long[long]
            if short is not None and short in table.short:
                return table.short[short]
        if long == "help" or short == "h":
            return False
        return None

    def check(self, argv: list[str]) -> CheckResult:
        """Problems with ``argv`` (its first word is the program): unknown subcommands and
        flags. A CLI that is not installed, or a plugin that is not, sets ``absent``."""
        result = CheckResult(command=self.program)
        if not self.installed:
            result.absent = self.program
            return result
        path: tuple[str, ...] = ()
        current = self.help(path)
        if current is None:
            result.problems.append(Problem("no-usage", self.program, "", argv[0]))
            return result
        index, seen_argument = 1, False
        while index < len(argv):
            word = argv[index]
            index += 1
            name = " ".join((self.program, *path))
            if word == "--":
                break
            if word.startswith("--"):
                long, has_value, _ = word[2:].partition("=")
                takes_value = self._flag(current, not path, long, None)
                if takes_value is None:
                    result.problems.append(Problem("flag", name, f"--{long}", word))
                elif takes_value and not has_value:
                    index += 1  # the flag's value
            elif word.startswith("-") and word != "-":
                letters = word[1:]
                for position, letter in enumerate(letters):
                    takes_value = self._flag(current, not path, None, letter)
                    if takes_value is None:
                        result.problems.append(Problem("flag", name, f"-{letter}", word))
                        break
                    if takes_value:
                        if position == len(letters) - 1:
                            index += 1  # -n prod: the value is the next word
                        break  # -p8080:80 or -o=yaml: the rest is the value
            elif current.has_subcommands and not seen_argument:
                sub = self.help((*path, word))
                if sub is None or sub.usage == current.usage:
                    if not path and word in self.plugins:
                        return self.plugins[word].check([word, *argv[index:]])
                    result.problems.append(Problem("subcommand", name, word, word))
                    return result
                path, current = (*path, word), sub
            else:
                seen_argument = True
                if current.args_end_flags:
                    break  # the container's own command and arguments follow
        result.command = " ".join((self.program, *path))
        return result
