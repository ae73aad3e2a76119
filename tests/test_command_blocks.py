"""Every docker, docker compose, kubectl, helm and minikube command the pages show names a real
subcommand and real flags, checked against the installed CLI's own --help (tests/clicheck.py).

CLIs that are not installed here (helm, minikube, the docker compose plugin) are reported as a
warning with how many command lines went unchecked; the rest are checked.
"""

from __future__ import annotations

import json
import re
import subprocess
import warnings
from collections import Counter
from pathlib import Path

import pytest

from tests.clicheck import CheckResult, Cli, CommandHelp, parse_help
from tests.doc_commands import ROOT, CommandLine, command_lines, commands_of, pages, simple_commands

PROGRAMS = ("docker", "kubectl", "helm", "minikube")
CHECKABLE = {program: Cli(program) for program in PROGRAMS}  # each absent one reports itself

# Flags the site's newest CLI has and an older installed one lacks: on an older CLI the finding
# becomes a "not checked" warning; on that version or newer the flag is checked like any other.
NEWER_THAN_INSTALLED = {
    "`kubectl autoscale` has no flag --cpu": (
        (1, 34),
        "kubectl 1.34 added --cpu (kubernetes/kubernetes#129373); the page's other tab shows "
        "--cpu-percent for older kubectl",
    ),
}


def kubectl_version() -> tuple[int, int] | None:
    cli = CHECKABLE["kubectl"]
    if not cli.installed:
        return None
    completed = subprocess.run(
        [cli.binary, "version", "--client", "-o", "json"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    try:
        client = json.loads(completed.stdout)["clientVersion"]
        return int(client["major"]), int(re.sub(r"\D.*", "", client["minor"]))
    except (ValueError, KeyError):
        return None


INSTALLED_KUBECTL = kubectl_version()


def older_cli_excuse(problem: str, installed: tuple[int, int] | None) -> str | None:
    """The reason a finding is the installed CLI's age, not the page's fault, or None."""
    if problem not in NEWER_THAN_INSTALLED or installed is None:
        return None
    since, reason = NEWER_THAN_INSTALLED[problem]
    return f"{reason} (installed: {installed[0]}.{installed[1]})" if installed < since else None


def check_command(argv: list[str]) -> CheckResult:
    cli = CHECKABLE.get(argv[0])
    if cli is None:
        return CheckResult(absent=f"{argv[0]} (no help parser)", command=argv[0])
    return cli.check(argv)


def page_problems(
    lines: list[CommandLine], installed: tuple[int, int] | None = None
) -> tuple[list[str], Counter]:
    """``file:line: problem`` for each bad command; how many command lines each absent CLI left
    (a flag newer than the installed kubectl counts there, with its reason)."""
    installed = INSTALLED_KUBECTL if installed is None else installed
    problems: list[str] = []
    absent: Counter = Counter()
    for program in PROGRAMS:
        for command_line, argv in commands_of(lines, program):
            result = check_command(argv)
            if result.absent:
                absent[result.absent] += 1
            for problem in result.problems:
                excuse = older_cli_excuse(problem, installed)
                if excuse:
                    absent[f"{command_line.where()}: {problem}: {excuse}"] += 1
                else:
                    problems.append(f"{command_line.where()}: {problem}  [{command_line.text}]")
    return sorted(problems), absent


PAGES = pages()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_page_commands_use_real_subcommands_and_flags(page: Path):
    problems, _ = page_problems(list(command_lines(page)))
    assert problems == [], "\n".join(problems)


def test_report_what_could_not_be_checked():
    """A visible warning, not a silent skip: which CLIs are absent and how much they leave."""
    lines = [line for page in PAGES for line in command_lines(page)]
    _, absent = page_problems(lines)
    checked = sum(
        1
        for program in CHECKABLE
        for _ in commands_of(lines, program)
        if CHECKABLE[program].installed
    )
    assert checked > 0 or not any(cli.installed for cli in CHECKABLE.values())
    if absent:
        summary = ", ".join(f"{cli}: {count} command(s)" for cli, count in sorted(absent.items()))
        warnings.warn(f"not checked here (CLI absent or older): {summary}", stacklevel=1)


# --- seeded drift on a synthetic page ---------------------------------------------------------

SYNTHETIC = """\
# 예시

```console
$ kubectl get pods --colour
$ docker contaner ls
$ kubectl get pods -o wide
$ docker run -it --rm -p 8080:80 busybox:1.37 sh -c 'ls -la'
```
"""

needs_kubectl = pytest.mark.skipif(not CHECKABLE["kubectl"].installed, reason="kubectl absent")
needs_docker = pytest.mark.skipif(not CHECKABLE["docker"].installed, reason="docker absent")


@needs_kubectl
@needs_docker
def test_synthetic_page_bogus_flag_and_subcommand_are_caught(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(SYNTHETIC, encoding="utf-8")
    problems, _ = page_problems(list(command_lines(page)))
    assert [p.split("  [")[0] for p in problems] == [
        f"{page}:4: `kubectl get` has no flag --colour",
        f"{page}:5: `docker` has no subcommand 'contaner'",
    ]


@needs_kubectl
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
    result = CHECKABLE["kubectl"].check(argv)
    assert result.problems == ([] if problem is None else [problem])


@needs_docker
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
    result = CHECKABLE["docker"].check(argv)
    assert result.problems == ([] if problem is None else [problem])


def test_pipes_substitutions_and_continuations_are_split(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "```bash\n"
        "# a comment\n"
        "IMAGE=$(docker image inspect --format '{{.Id}}' app) && echo \"$IMAGE\"\n"
        "kubectl get secret s -o jsonpath='{.data}' | base64 -d > out.txt 2>&1\n"
        "docker run -d \\\n  --name web \\\n  nginx\n"
        "```\n",
        encoding="utf-8",
    )
    lines = list(command_lines(page))
    assert [(line.line, line.text) for line in lines][2] == (5, "docker run -d --name web nginx")
    assert simple_commands(lines[0].text) == [
        ["echo", "$IMAGE"],
        ["docker", "image", "inspect", "--format", "{{.Id}}", "app"],
    ]
    assert simple_commands(lines[1].text) == [
        ["kubectl", "get", "secret", "s", "-o", "jsonpath={.data}"],
        ["base64", "-d"],
    ]


def test_a_newer_flag_is_excused_only_on_an_older_kubectl(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("```console\n$ kubectl autoscale deployment web --cpu=50% --max=3\n```\n")
    lines = list(command_lines(page))
    if INSTALLED_KUBECTL is None or INSTALLED_KUBECTL >= (1, 34):
        pytest.skip("needs a kubectl older than 1.34 to see --cpu missing")
    problems, absent = page_problems(lines, installed=INSTALLED_KUBECTL)
    assert problems == [] and len(absent) == 1
    problems, _ = page_problems(lines, installed=(1, 34))  # a 1.34 kubectl must have it
    assert [p.split("  [")[0] for p in problems] == [
        f"{page}:2: `kubectl autoscale` has no flag --cpu"
    ]


def test_absent_cli_is_reported_not_failed():
    fake = Cli("docker", binary=None)
    fake.binary = None
    assert fake.check(["docker", "ps"]).absent == "docker"
    assert check_command(["podman", "ps"]).absent == "podman (no help parser)"


def _fake_cli(program: str, helps: dict[tuple[str, ...], str]) -> Cli:
    """A CLI whose --help pages are given: the help text per command path (and "options")."""

    def runner(argv):
        import subprocess

        words = tuple(w for w in argv[1:] if w != "--help")
        text = helps.get(words)
        return subprocess.CompletedProcess(argv, 0 if text else 1, stdout=text or "", stderr="")

    return Cli(program, binary=program, runner=runner)


# Shaped like helm v3/v4 (cobra's default template) and minikube (kubectl's template).
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
    assert helm.check(simple_commands(ok)[0]).problems == []
    assert helm.check(["helm", "repo", "add", "x", "https://x", "--force-update"]).problems == []
    assert helm.check(["helm", "install", "web", "./c", "--atomc"]).problems == [
        "`helm install` has no flag --atomc"
    ]
    assert helm.check(["helm", "repo", "ad", "x"]).problems == [
        "`helm repo` has no subcommand 'ad'"
    ]
    assert helm.check(["helm", "instal", "web"]).problems == ["`helm` has no subcommand 'instal'"]


def test_minikube_help_is_parsed_like_kubectl():
    minikube = _fake_cli(
        "minikube",
        {(): MINIKUBE_TOP, ("start",): MINIKUBE_START, ("options",): MINIKUBE_OPTIONS},
    )
    assert (
        minikube.check(["minikube", "start", "--cpus", "4", "-p", "dev", "--force"]).problems == []
    )
    assert minikube.check(["minikube", "start", "--cpu=4"]).problems == [
        "`minikube start` has no flag --cpu"
    ]
    assert minikube.check(["minikube", "strat"]).problems == [
        "`minikube` has no subcommand 'strat'"
    ]


def test_missing_docker_plugin_is_absent_not_bogus():
    top = "Usage:  docker [OPTIONS] COMMAND\n\nCommands:\n  ps   List containers\n"

    def runner(argv):
        import subprocess

        return subprocess.CompletedProcess(argv, 0, stdout=top, stderr="")

    cli = Cli("docker", binary="docker", runner=runner)
    assert cli.check(["docker", "compose", "up", "-d"]).absent == "docker compose"
    assert cli.check(["docker", "composer", "up"]).problems == [
        "`docker` has no subcommand 'composer'"
    ]


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


def test_blocks_inside_directives_and_code_block_directives_are_found(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "# x\n````{tab-item} a\n```console\n$ kubectl get pods --colour\n```\n````\n\n"
        "```{code-block} bash\n:caption: x\ndocker contaner ls\n```\n",
        encoding="utf-8",
    )
    assert [(line.line, line.text) for line in command_lines(page)] == [
        (4, "kubectl get pods --colour"),
        (10, "docker contaner ls"),
    ]
