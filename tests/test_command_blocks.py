"""examplecheck's page-command rules (examplecheck.cli_flags): every docker, docker compose,
kubectl, helm and minikube command a page shows names a real subcommand and real flags, as the
installed CLI's own --help says.

The real pages give no error; seeded pages give command-unknown-flag and
command-unknown-subcommand at the page's file, line and column; CLIs absent here are reported
per page (a note when conf/cli.yaml lists them as not installable, else a warning, an error
under CI=true). Tests that need a real CLI are skipped without it, except under CI=true.
"""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

import pytest

from examplecheck import cli_flags
from examplecheck.api import check_paths
from examplecheck.cli import main
from examplecheck.cli_flags import Clis, CliSettings, NewerFlag, load_cli_settings
from examplecheck.cli_help import Cli, CommandHelp, parse_help
from examplecheck.config import ConfigError, load_config
from examplecheck.findings import Severity
from examplecheck.page_commands import command_lines, simple_commands
from tests.checker_support import no_kubernetes
from tests.required_tools import needs

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "commands"
PAGES = sorted(p for p in (ROOT / "docs").rglob("*.md") if "_build" not in p.parts)
MACHINE = cli_flags.machine_clis()
SETTINGS = load_cli_settings(ROOT)
RULES = ("command-unknown-flag", "command-unknown-subcommand", "tool-failed")


def _needs(*programs: str):
    """Skip without the real CLI, except under CI=true, where a missing one must fail."""
    absent = [p for p in programs if not _installed(p)]
    return needs(not absent, f"not installed: {absent}")


def _installed(program: str) -> bool:
    if program in ("docker compose", "docker buildx"):
        return MACHINE.by_program["docker"].plugins[program.split()[1]].installed
    return MACHINE.by_program[program].installed


def _rel(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


# --- the real pages -----------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES, ids=_rel)
def test_page_commands_use_real_subcommands_and_flags(page: Path):
    text = page.read_text(encoding="utf-8")
    findings = cli_flags.check_page(_rel(page), text, SETTINGS, MACHINE)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    assert errors == [], "\n".join(f"{f.path}:{f.line}:{f.column} {f.message}" for f in errors)


def test_the_run_says_what_was_not_checked_on_the_real_pages(capsys):
    """Through the checker itself: each page is checked by cli-help, and every command left
    unchecked is a finding naming its CLI, never a silent skip."""
    report = check_paths([ROOT / "docs"], root=ROOT, kubernetes_checker=no_kubernetes)
    ours = [f for f in report.sorted_findings() if f.tool == cli_flags.TOOL]
    assert not [f for f in ours if f.severity is Severity.ERROR]
    assert all("cli-help" in report.tools_of(_rel(p)) for p in PAGES)
    unchecked = Counter()
    for finding in ours:
        if finding.rule == "command-not-checked":
            count, cli = finding.message.split(" `", 1)
            unchecked[cli.split("`", 1)[0]] += int(count)
    # every CLI left unchecked is one conf/cli.yaml says cannot be installed here
    assert set(unchecked) <= set(SETTINGS.not_installable)
    checked = Counter()
    for page in PAGES:
        for program in cli_flags.PROGRAMS:
            for _, argv in cli_flags.commands_of(command_lines(page.read_text()), program):
                result = MACHINE.by_program[program].check(argv)
                if not result.absent:
                    compose = result.command.startswith("docker compose")
                    checked["docker compose" if compose else program] += 1
    with capsys.disabled():
        print(f"\ncommands checked against --help: {dict(checked)}; unchecked: {dict(unchecked)}")
    assert sum(checked.values()) > 0


# --- seeded pages: findings at the page's file, line and column ---------------------------


@_needs("kubectl", "docker", "docker compose")
@_needs("kubectl", "docker", "docker compose", "helm")
def test_seeded_page_gets_findings_at_its_lines():
    report = check_paths([FIXTURES], root=ROOT, kubernetes_checker=no_kubernetes)
    found = [
        (f.path, f.line, f.column, f.rule)
        for f in report.sorted_findings()
        if f.tool == cli_flags.TOOL
    ]
    bad = "tests/fixtures/commands/bad.md"
    assert found == [
        (bad, 6, 20, "command-unknown-flag"),  # $ kubectl get pods --colour
        (bad, 7, 10, "command-unknown-subcommand"),  # $ docker contaner ls
        (bad, 14, 3, "command-unknown-flag"),  # docker compose up -d \ (next line) --biuld
        (bad, 19, 28, "command-unknown-flag"),  # $ helm install web ./chart --atomc
        (bad, 23, 3, "command-not-checked"),  # minikube: conf/cli.yaml says why it is absent
    ]
    messages = {f.line: f.message for f in report.findings if f.tool == cli_flags.TOOL}
    assert messages[6].startswith("`kubectl get` has no flag --colour: `kubectl get --help`")
    assert "use a flag it lists" in messages[6]
    assert messages[7].startswith("`docker` has no subcommand 'contaner'")
    assert "use one of the subcommands it lists" in messages[7]
    assert "`docker compose up` has no flag --biuld" in messages[14]
    assert report.tools_of("tests/fixtures/commands/good.md") == ["shellcheck", "cli-help"]


@_needs("kubectl", "docker")
def test_seeded_page_fails_the_command_line_run(capsys):
    assert main([str(FIXTURES / "bad.md"), "--root", str(ROOT)]) == 1
    out = capsys.readouterr().out
    assert "tests/fixtures/commands/bad.md:6:20: error command-unknown-flag" in out
    assert "tests/fixtures/commands/bad.md:7:10: error command-unknown-subcommand" in out
    assert main([str(FIXTURES / "good.md"), "--root", str(ROOT)]) == 0


@_needs("kubectl")
@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("kubectl -n prod get pods -A", None),
        ("kubectl create secret generic s --from-literal=a=b --dry-run=client -o yaml", None),
        ("kubectl rollout status deployment/web --timeout=60s", None),
        ("kubectl exec -it web-0 -- sh -c 'echo --not-a-flag'", None),
        ("kubectl run t --rm -it --image=busybox:1.37 --restart=Never -- wget -qO- web", None),
        (
            "kubectl create secret generics s",
            "`kubectl create secret` has no subcommand 'generics'",
        ),
        ("kubectl rollout statuss deployment/web", "`kubectl rollout` has no subcommand 'statuss'"),
        ("kubectl get pods -Z", "`kubectl get` has no flag -Z"),
        (
            "kubectl logs -f web --tail=10 --since-time-bogus=1",
            "`kubectl logs` has no flag --since-time-bogus",
        ),
    ],
)
def test_kubectl_lines(line, problem):
    [argv] = simple_commands(line)
    result = MACHINE.by_program["kubectl"].check(argv)
    assert [str(p) for p in result.problems] == ([] if problem is None else [problem])


@_needs("docker")
@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("DOCKER_CONTENT_TRUST=1 docker push registry.example.com/app:1.0", None),
        ("docker container ps -a", None),
        ("docker image ls --filter dangling=true", None),
        ("docker --debug -H unix:///var/run/docker.sock ps", None),
        ("docker run --rm -v data:/data busybox:1.37 tar czf /b.tgz -C /data .", None),
        ("docker run -it -p8080:80 nginx", None),
        ("docker run -d --nmae web nginx", "`docker run` has no flag --nmae"),
        ("docker run -itz nginx", "`docker run` has no flag -z"),
        ("docker image lss", "`docker image` has no subcommand 'lss'"),
        ("docker ps --debug", "`docker ps` has no flag --debug"),  # global flags go first
    ],
)
def test_docker_lines(line, problem):
    [argv] = simple_commands(line)
    result = MACHINE.by_program["docker"].check(argv)
    assert [str(p) for p in result.problems] == ([] if problem is None else [problem])


@_needs("docker", "docker compose")
@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("docker compose -f compose.yaml --profile debug up -d --build", None),
        ("docker compose exec web sh -c 'ls -la'", None),  # sh's flags are not compose's
        ("docker compose run --rm web --some-app-flag", None),
        ("docker compose up --biuld", "`docker compose up` has no flag --biuld"),
        ("docker compose up -f compose.yaml", "`docker compose up` has no flag -f"),  # goes first
        ("docker compose upp", "`docker compose` has no subcommand 'upp'"),
    ],
)
def test_docker_compose_lines(line, problem):
    """`docker compose` through the docker CLI's plugin, or the standalone docker-compose."""
    [argv] = simple_commands(line)
    result = MACHINE.by_program["docker"].check(argv)
    assert result.absent is None
    assert [str(p) for p in result.problems] == ([] if problem is None else [problem])


# --- the page reader: which words are commands, and where they stand ----------------------


def test_pipes_substitutions_continuations_and_heredocs_are_split():
    text = (
        "```bash\n"
        "# a comment\n"
        "IMAGE=$(docker image inspect --format '{{.Id}}' app) && echo \"$IMAGE\"\n"
        "kubectl get secret s -o jsonpath='{.data}' | base64 -d > out.txt 2>&1\n"
        "docker run -d \\\n  --name web \\\n  nginx\n"
        "cat <<EOF | kubectl apply -f -\nkubectl not-a-command\nEOF\n"
        "kubectl get pods <<< here-string\n"
        "```\n"
    )
    lines = list(command_lines(text))
    assert [(line.line, line.text) for line in lines] == [
        (3, "IMAGE=$(docker image inspect --format '{{.Id}}' app) && echo \"$IMAGE\""),
        (4, "kubectl get secret s -o jsonpath='{.data}' | base64 -d > out.txt 2>&1"),
        (5, "docker run -d --name web nginx"),
        (8, "cat <<EOF | kubectl apply -f -"),  # its body is input, not commands
        (11, "kubectl get pods <<< here-string"),  # a here-string has no body
    ]
    assert simple_commands(lines[0].text) == [
        ["echo", "$IMAGE"],
        ["docker", "image", "inspect", "--format", "{{.Id}}", "app"],
    ]
    assert simple_commands(lines[1].text) == [
        ["kubectl", "get", "secret", "s", "-o", "jsonpath={.data}"],
        ["base64", "-d"],
    ]
    assert lines[2].position_of("nginx") == (7, 3)  # on its continuation line
    assert lines[2].position_of("--name") == (6, 3)


def test_blocks_inside_directives_and_code_block_directives_are_found():
    text = (
        "# x\n````{tab-item} a\n```console\n$ kubectl get pods --colour\n```\n````\n\n"
        "```{code-block} bash\n:caption: x\ndocker contaner ls\n```\n\n"
        "- item\n\n  ```console\n  $ kubectl get  pods\n  ```\n"
    )
    found = list(command_lines(text))
    assert [(line.line, line.text) for line in found] == [
        (4, "kubectl get pods --colour"),
        (10, "docker contaner ls"),
        (16, "kubectl get  pods"),
    ]
    assert found[0].position_of("--colour") == (4, 20)
    assert found[2].position_of("pods") == (16, 18)  # the list item's indent and the prompt


# --- CLIs that are absent, older or silent ------------------------------------------------


def _fake_cli(program: str, helps: dict[tuple[str, ...], str], plugins=None) -> Cli:
    """A CLI whose --help pages are given: the help text per command path (and "options")."""

    def runner(argv):
        words = tuple(w for w in argv[1:] if w != "--help")
        text = helps.get(words)
        return subprocess.CompletedProcess(argv, 0 if text else 1, stdout=text or "", stderr="")

    return Cli(program, program, runner, plugins)


KUBECTL_TOP = "Basic Commands:\n  get   Display\n  autoscale  Scale\n\nUsage:\n  kubectl [flags]\n"
KUBECTL_AUTOSCALE = (
    "Options:\n    --cpu-percent=-1:\n\tpercent\n\n    --max=-1:\n\tmax\n\n"
    "Usage:\n  kubectl autoscale (-f FILENAME | TYPE NAME) [options]\n"
)


def _kubectl(version: tuple[int, int] | None, binary: bool = True) -> Clis:
    kubectl = _fake_cli("kubectl", {(): KUBECTL_TOP, ("autoscale",): KUBECTL_AUTOSCALE})
    if not binary:
        kubectl.binary = None
    return Clis({"kubectl": kubectl}, versions={"kubectl": version})


AUTOSCALE_PAGE = "```console\n$ kubectl autoscale deployment web --cpu=50% --max=3\n```\n"
NEWER = CliSettings(
    newer_flags=(NewerFlag("kubectl autoscale", "--cpu", (1, 34), "added in 1.34"),)
)


def _check(clis: Clis, settings: CliSettings, text: str = AUTOSCALE_PAGE, ci: bool = False):
    clis.by_program.setdefault("docker", Cli("docker", None))
    for program in cli_flags.PROGRAMS:
        clis.by_program.setdefault(program, Cli(program, None))
    return [
        (f.line, f.column, f.severity, f.rule)
        for f in cli_flags.check_page("p.md", text, settings, clis, ci=ci)
    ]


def test_a_newer_flag_is_a_note_only_on_an_older_cli():
    assert _check(_kubectl((1, 32)), NEWER) == [
        (2, 36, Severity.INFO, "command-flag-newer-than-cli")
    ]
    # a 1.34 kubectl must have it, and so must a kubectl whose version cannot be read
    for version in ((1, 34), (1, 35), None):
        assert _check(_kubectl(version), NEWER) == [(2, 36, Severity.ERROR, "command-unknown-flag")]
    assert _check(_kubectl((1, 32)), CliSettings()) == [
        (2, 36, Severity.ERROR, "command-unknown-flag")
    ]


def test_real_pages_excuse_is_configured():
    """conf/cli.yaml's entry is what lets the autoscaling page's --cpu tab pass on kubectl 1.32."""
    assert (
        NewerFlag(
            "kubectl autoscale",
            "--cpu",
            (1, 34),
            SETTINGS.newer_flags[0].reason,
        )
        in SETTINGS.newer_flags
    )
    page = ROOT / "docs" / "kubernetes" / "autoscaling.md"
    assert "--cpu=" in page.read_text(encoding="utf-8")


def test_an_absent_cli_is_a_note_if_listed_a_warning_if_not_and_an_error_under_ci():
    absent = _kubectl((1, 32), binary=False)
    listed = CliSettings(not_installable={"kubectl": "cannot be had here"})
    assert _check(absent, listed) == [(2, 3, Severity.INFO, "command-not-checked")]
    assert _check(absent, listed, ci=True) == [(2, 3, Severity.INFO, "command-not-checked")]
    assert _check(absent, CliSettings()) == [(2, 3, Severity.WARNING, "command-cli-missing")]
    assert _check(absent, CliSettings(), ci=True) == [(2, 3, Severity.ERROR, "command-cli-missing")]
    [finding] = cli_flags.check_page("p.md", AUTOSCALE_PAGE * 2, CliSettings(), absent, ci=True)
    assert finding.message.startswith("2 `kubectl` commands on this page not checked")
    assert "install kubectl" in finding.message and "`not_installable`" in finding.message


def test_a_cli_whose_help_prints_no_usage_is_tool_failed():
    silent = Clis({"kubectl": _fake_cli("kubectl", {})}, versions={"kubectl": None})
    assert _check(silent, CliSettings()) == [(2, 3, Severity.ERROR, "tool-failed")]


def test_ci_true_in_the_environment_makes_missing_clis_errors(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert load_config(ROOT).ci is True
    monkeypatch.setenv("CI", "false")
    assert load_config(ROOT).ci is False


def test_missing_docker_plugin_is_absent_not_bogus():
    top = "Usage:  docker [OPTIONS] COMMAND\n\nCommands:\n  ps   List containers\n"

    def runner(argv):
        return subprocess.CompletedProcess(argv, 0, stdout=top, stderr="")

    compose = Cli("docker compose", None)
    cli = Cli("docker", "docker", runner, {"compose": compose})
    assert cli.check(["docker", "compose", "up", "-d"]).absent == "docker compose"
    assert [str(p) for p in cli.check(["docker", "composer", "up"]).problems] == [
        "`docker` has no subcommand 'composer'"
    ]


def test_docker_compose_falls_back_to_the_standalone_binary():
    """Without the plugin, docker's help does not know `compose`; docker-compose answers."""
    docker = _fake_cli("docker", {(): "Usage:  docker [OPTIONS] COMMAND\n\nCommands:\n  ps  x\n"})
    compose = _fake_cli(
        "docker compose",
        {
            (): "Usage:  docker compose [OPTIONS] COMMAND\n\nCommands:\n  up  x\n\nOptions:\n"
            "  -f, --file stringArray   Compose configuration files\n",
            ("up",): "Usage:  docker compose up [OPTIONS] [SERVICE...]\n\nOptions:\n"
            "  -d, --detach   Detached mode\n",
        },
    )
    docker.plugins = {"compose": compose}
    assert docker.check(["docker", "compose", "-f", "c.yaml", "up", "-d"]).problems == []
    assert [str(p) for p in docker.check(["docker", "compose", "up", "--wait"]).problems] == [
        "`docker compose up` has no flag --wait"
    ]


@_needs("docker", "docker buildx")
@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("docker buildx build --platform linux/amd64,linux/arm64 -t r/app:1 --push .", None),
        ("docker buildx build -f Dockerfile.buildkit -t app:1 --load .", None),
        ("docker buildx imagetools inspect eclipse-temurin:21-jre-alpine", None),
        ("docker buildx create --driver docker-container --driver-opt network=host --use", None),
        (
            "docker buildx build --platfrom linux/arm64 .",
            "`docker buildx build` has no flag --platfrom",
        ),
        (
            "docker buildx imagetools inspekt x",
            "`docker buildx imagetools` has no subcommand 'inspekt'",
        ),
    ],
)
def test_docker_buildx_lines(line, problem):
    """`docker buildx` through the docker CLI's plugin, or the standalone buildx nox builds."""
    [argv] = simple_commands(line)
    result = MACHINE.by_program["docker"].check(argv)
    assert result.absent is None
    assert [str(p) for p in result.problems] == ([] if problem is None else [problem])


def test_docker_buildx_falls_back_to_the_standalone_binary():
    """Without the plugin, docker's help does not know `buildx`; the buildx binary answers."""
    docker = _fake_cli("docker", {(): "Usage:  docker [OPTIONS] COMMAND\n\nCommands:\n  ps  x\n"})
    buildx = _fake_cli(
        "docker buildx",
        {
            (): "Usage:\n  buildx [command]\n\nAvailable Commands:\n  build  Start a build\n",
            ("build",): "Usage:\n  buildx build [OPTIONS] PATH | URL | -\n\nFlags:\n"
            "      --platform stringArray   Set target platform for build\n"
            "      --push                   Shorthand for --output=type=registry\n",
        },
    )
    docker.plugins = {"buildx": buildx}
    assert (
        docker.check(["docker", "buildx", "build", "--platform", "linux/arm64", "."]).problems == []
    )
    assert [
        str(p) for p in docker.check(["docker", "buildx", "build", "--load", "."]).problems
    ] == ["`docker buildx build` has no flag --load"]
    docker.plugins = {"buildx": Cli("docker buildx", None)}  # neither plugin nor binary
    assert docker.check(["docker", "buildx", "build", "."]).absent == "docker buildx"


# --- help formats: cobra (docker, compose, helm) and kubectl's (kubectl, minikube) ---------

HELM_TOP = """Usage:
  helm [command]

Available Commands:
  install     install a chart
  repo        add, list, remove, update, and index chart repositories

Flags:
  -h, --help                        help for helm
      --kube-context string         name of the kubeconfig context to use
  -n, --namespace string            namespace scope for this request
"""
HELM_INSTALL = """Usage:
  helm install [NAME] [CHART] [flags]

Flags:
      --atomic                 if set, the installation process deletes the installation on failure
      --create-namespace       create the release namespace if not present
  -f, --values strings         specify values in a YAML file or a URL (can specify multiple)
      --set stringArray        set values on the command line

Global Flags:
  -n, --namespace string            namespace scope for this request
"""
HELM_REPO = """Usage:
  helm repo [command]

Available Commands:
  add         add a chart repository
"""
HELM_REPO_ADD = (
    "Usage:\n  helm repo add [NAME] [URL] [flags]\n\nFlags:\n      --force-update   replace\n"
)
MINIKUBE_TOP = """Basic Commands:
  start            Starts a local Kubernetes cluster
  addons           Enable or disable a minikube addon

Usage:
  minikube [flags] [options]
"""
MINIKUBE_START = """Options:
    --cpus='2':
	Number of CPUs allocated to Kubernetes.

    --driver='':
	Driver is one of: docker, kvm2

    --force=false:
	Force minikube to perform possibly dangerous operations

Usage:
  minikube start [flags] [options]
"""
MINIKUBE_OPTIONS = """The following options can be passed to any command:

    -p, --profile='minikube':
	The name of the minikube VM being used.
"""


def _problems(cli: Cli, argv: list[str]) -> list[str]:
    return [str(p) for p in cli.check(argv).problems]


def test_helm_help_is_parsed_like_cobra():
    helm = _fake_cli(
        "helm",
        {
            (): HELM_TOP,
            ("install",): HELM_INSTALL,
            ("repo",): HELM_REPO,
            ("repo", "add"): HELM_REPO_ADD,
        },
    )
    ok = "helm install web ./chart -n prod --create-namespace -f values-prod.yaml --set a=b"
    assert _problems(helm, simple_commands(ok)[0]) == []
    assert _problems(helm, ["helm", "repo", "add", "x", "https://x", "--force-update"]) == []
    assert _problems(helm, ["helm", "install", "web", "./c", "--atomc"]) == [
        "`helm install` has no flag --atomc"
    ]
    assert _problems(helm, ["helm", "repo", "ad", "x"]) == ["`helm repo` has no subcommand 'ad'"]
    assert _problems(helm, ["helm", "instal", "web"]) == ["`helm` has no subcommand 'instal'"]


def test_minikube_help_is_parsed_like_kubectl():
    minikube = _fake_cli(
        "minikube",
        {(): MINIKUBE_TOP, ("start",): MINIKUBE_START, ("options",): MINIKUBE_OPTIONS},
    )
    assert _problems(minikube, ["minikube", "start", "--cpus", "4", "-p", "dev", "--force"]) == []
    assert _problems(minikube, ["minikube", "start", "--cpu=4"]) == [
        "`minikube start` has no flag --cpu"
    ]
    assert _problems(minikube, ["minikube", "strat"]) == ["`minikube` has no subcommand 'strat'"]


def test_parse_kubectl_help_reads_booleans_and_values():
    text = (
        "Options:\n    -A, --all-namespaces=false:\n\tall\n\n    -o, --output='':\n\tformat\n\n"
        "Usage:\n  kubectl get [flags] [options]\n"
    )
    parsed = parse_help(text, "kubectl")
    assert parsed == CommandHelp(
        "kubectl get [flags] [options]",
        False,
        long={"all-namespaces": False, "output": True},
        short={"A": False, "o": True},
    )


# --- conf/cli.yaml ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("not_installable: helm\n", "`not_installable` must be a list"),
        ("not_installable:\n  - cli: helm\n", "needs exactly `cli`, `reason`"),
        ("not_installable:\n  - {cli: podman, reason: x}\n", "`cli` must be one of"),
        (
            "newer_flags:\n  - {command: kubectl get, flag: cpu, since: '1.34', reason: x}\n",
            '`since` must be "X.Y"',
        ),
        ("excuses: []\n", "expected a mapping"),
        ("not_installable: [\n", "is unusable"),
    ],
)
def test_malformed_conf_cli_yaml_cannot_run(tmp_path, text, says):
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "cli.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=says.replace("(", r"\(").replace("[", r"\[")):
        load_cli_settings(tmp_path)
    (conf / "versions.yaml").write_text('kubernetes: ["1.35"]\n', encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "p.md").write_text("# p\n", encoding="utf-8")
    assert main(["--root", str(tmp_path), str(tmp_path / "docs")]) == 2


@_needs("kubectl", "docker")
def test_a_real_page_with_one_flag_misspelled_is_rejected_at_that_line():
    """Every real page whose commands pass: misspell the first long flag of each checked
    command and the rule must point at that page line."""
    seeded = 0
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for command, argv in cli_flags.commands_of(command_lines(text), "kubectl"):
            flag = next((w for w in argv if w.startswith("--") and len(w) > 3), None)
            if flag is None or len(command.pieces) != 1:
                continue
            name = flag.split("=", 1)[0]
            lines = text.splitlines(keepends=True)
            lines[command.line - 1] = lines[command.line - 1].replace(name, name + "zz", 1)
            findings = cli_flags.check_page(_rel(page), "".join(lines), SETTINGS, MACHINE)
            assert (command.line, "command-unknown-flag") in {(f.line, f.rule) for f in findings}
            seeded += 1
            break
    assert seeded >= 10, seeded  # the pages show kubectl with long flags on many pages


def test_the_cli_settings_schema_knows_exactly_the_clis_the_check_knows():
    from examplecheck import settings
    from examplecheck.cli_flags import BINARIES

    described = settings.schema("cli")["properties"]["not_installable"]["items"]["properties"]
    assert described["cli"]["enum"] == list(BINARIES)
