"""Apply every Kubernetes example set to a real kube-apiserver, as the pages tell readers to.

The server, kubectl and etcd are built from tools/kubernetes-go (examplecheck.apiserver);
the server runs on 127.0.0.1 for this run only, with the Gateway API CRDs of the release
the pages name installed the way services.md tells (``kubectl apply --server-side``).
For each set (a folder or a ``conf/sets.yaml`` group, a Helm chart rendered with every
values file, a kustomization rendered), as on the pages:

1. the namespaces it declares or names are created for real, and the objects other objects'
   admission looks up (service accounts, quotas ...) are applied for real;
2. every object goes to the server as a dry-run create over REST: its Status causes become
   findings on the line of the field they name (rule ``k8s-apiserver``), its warnings
   warning findings (``k8s-apiserver-warning``); a Service is then created for real in a
   throwaway namespace and deleted, because only a real create checks its node ports;
3. the reader's own command runs: ``kubectl apply --dry-run=server -f <files>`` (``-k
   <folder>`` for a kustomization); a rejection the REST pass did not explain becomes a
   finding too;
4. the objects of step 1 other than namespaces and CRDs are deleted again.

Exit status: 0 every set accepted, 1 findings, 2 the check could not run (no Go, a build
error, a server that does not start): one line says why.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from examplecheck.apiserver.answers import RULE_REJECTED, findings_for
from examplecheck.apiserver.binaries import Binaries, BuildError, build
from examplecheck.apiserver.client import DRY_RUN_HIDES, Answer, ApiClient
from examplecheck.apiserver.server import LocalServer, ServerError
from examplecheck.findings import Finding, Report, Severity
from examplecheck.report import FORMATS, render
from examplecheck.yamlload import YamlDocument, load_yaml
from tools.cluster_dry_run import (
    EXAMPLES,
    SETUP_THEN,
    Cluster,
    ExampleSet,
    find_sets,
    referenced_namespaces,
    relative,
)

ROOT = Path(__file__).resolve().parents[1]
SOURCE_COMMENT = "# Source: "


@dataclass
class Placed:
    """One object to send, and where its text is: the file shown and its YAML document."""

    obj: dict
    path: str  # the file findings name, relative to the root
    document: YamlDocument | None  # None for rendered output: no line to point at
    prefix: tuple[str | int, ...] = ()


@dataclass
class SetResult:
    name: str
    findings: list[Finding] = field(default_factory=list)
    kubectl_ok: bool = True
    kubectl_output: str = ""
    objects: int = 0


def _objects(document: YamlDocument) -> list[tuple[dict, tuple[str | int, ...]]]:
    data = document.data
    if not isinstance(data, dict):
        return []
    if data.get("kind") == "List" and isinstance(data.get("items"), list):
        return [(item, ("items", i)) for i, item in enumerate(data["items"])]
    return [(data, ())]


def placed_objects(example_set: ExampleSet, files: list[Path], root: Path) -> list[Placed]:
    """The objects of a set. Rendered output names its template by ``# Source:``."""
    placed: list[Placed] = []
    rendered = example_set.source != "manifests"
    for file in files:
        display = relative(example_set.files[0], root) if rendered else relative(file, root)
        loaded = load_yaml(file, display)
        for document in loaded.documents:
            shown, where = display, document
            if rendered:
                shown, where = _template_of(document, display), None
            for obj, prefix in _objects(document):
                placed.append(Placed(obj, shown, where, prefix))
    return placed


def _template_of(document: YamlDocument, folder: str) -> str:
    """``# Source: web/templates/deployment.yaml`` above a rendered document -> its file."""
    lines = document.source.text.splitlines()
    for index in range(min(document.line, len(lines)) - 1, -1, -1):
        line = lines[index].strip()
        if line.startswith(SOURCE_COMMENT):
            template = line[len(SOURCE_COMMENT) :].split("/", 1)[-1]
            return f"{folder}/{template}"
        if line == "---":
            break
    return folder


class ServerCheck:
    """The steps above for each set, against one running server."""

    def __init__(self, client: ApiClient, kubectl: Cluster, tool: str, root: Path) -> None:
        self.client = client
        self.kubectl = kubectl
        self.tool = tool
        self.root = root

    def findings(self, answer: Answer, item: Placed) -> list[Finding]:
        return findings_for(
            answer,
            item.obj,
            path=item.path,
            document=item.document,
            prefix=item.prefix,
            tool=self.tool,
        )

    def setup(self, placed: list[Placed]) -> tuple[list[Finding], list[dict]]:
        """Namespaces and CRDs for real (kept), then SETUP_THEN kinds for real (to delete)."""
        findings: list[Finding] = []
        objects = [p.obj for p in placed]
        for namespace in referenced_namespaces(objects):
            self.client.ensure_namespace(namespace)  # the page has the reader create it
        later: list[dict] = []
        for kinds in (("Namespace", "CustomResourceDefinition"), SETUP_THEN):
            for item in placed:
                if item.obj.get("kind") not in kinds:
                    continue
                answer = self.client.apply(item.obj)
                if not answer.accepted:
                    findings += self.findings(answer, item)
                    continue
                if item.obj["kind"] == "Namespace":
                    self.client.ensure_default_service_account(item.obj["metadata"]["name"])
                elif item.obj["kind"] == "CustomResourceDefinition":
                    self._established(item.obj["metadata"]["name"])
                else:
                    later.append(item.obj)
        return findings, later

    def _established(self, crd: str) -> None:
        self.kubectl.run(
            [
                self.kubectl.kubectl,
                "wait",
                "--for=condition=Established",
                "--timeout=60s",
                f"crd/{crd}",
            ]
        )

    def check(self, example_set: ExampleSet, workdir: Path) -> SetResult:
        result = SetResult(example_set.name)
        files, failure = self.kubectl.render(example_set, workdir)
        if failure:
            first = failure.splitlines()[1] if len(failure.splitlines()) > 1 else failure
            result.findings.append(
                RULE_REJECTED.finding(
                    example_set.name,
                    0,
                    0,
                    f"could not render the set for the server: {first}",
                    tool=self.tool,
                )
            )
            result.kubectl_ok = False
            return result
        placed = placed_objects(example_set, files, self.root)
        result.objects = len(placed)
        setup_findings, created = self.setup(placed)
        result.findings += setup_findings
        try:
            for item in placed:
                answer = self.client.dry_run(item.obj)
                if answer.accepted and item.obj.get("kind") in DRY_RUN_HIDES:
                    answer = self.client.create_in_throwaway(item.obj)
                result.findings += self.findings(answer, item)
            done = self.kubectl.apply_set(example_set, files, dry_run=True)
            result.kubectl_ok = done.returncode == 0
            result.kubectl_output = (done.stdout + done.stderr).strip()
            explained = any(f.severity is Severity.ERROR for f in result.findings)
            if not result.kubectl_ok and not explained:
                said = [line for line in done.stderr.splitlines() if line.strip()]
                result.findings.append(
                    RULE_REJECTED.finding(
                        relative(files[0], self.root)
                        if example_set.source == "manifests"
                        else example_set.name,
                        1,
                        1,
                        "kubectl apply --dry-run=server rejects the set: "
                        + (said[0] if said else f"exit status {done.returncode}"),
                        tool=self.tool,
                    )
                )
        finally:
            for obj in reversed(created):
                self.client.delete(obj)
        return result


def install_gateway_crds(kubectl: Cluster, binaries: Binaries) -> str | None:
    """``kubectl apply --server-side`` of the standard channel, as services.md shows."""
    files = sorted(binaries.gateway_crds.glob("*.yaml"))
    command = [kubectl.kubectl, "apply", "--server-side"]
    for file in files:
        command += ["-f", str(file)]
    done = kubectl.run(command)
    if done.returncode != 0:
        return (done.stderr or done.stdout).strip().splitlines()[-1]
    done = kubectl.run(
        [kubectl.kubectl, "wait", "--for=condition=Established", "--timeout=60s", "crd", "--all"]
    )
    if done.returncode != 0:
        return (done.stderr or done.stdout).strip().splitlines()[-1]
    return None


def _runner(kubeconfig: Path):
    env = {**os.environ, "KUBECONFIG": str(kubeconfig)}

    def run(command: list[str]) -> subprocess.CompletedProcess:
        try:
            return subprocess.run(
                command, capture_output=True, text=True, check=False, timeout=300, env=env
            )
        except OSError as error:  # helm not installed: the set says so, the run goes on
            said = f"cannot run {command[0]}: {error}"
            return subprocess.CompletedProcess(command, 127, "", said)
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess(command, 124, "", f"{command[0]} timed out (300 s)")

    return run


def _helm() -> str:
    return os.environ.get("HELM", "helm")


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tops", nargs="*", default=[EXAMPLES], metavar="FOLDER")
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument("--port", type=int, default=None, help="the server's port (default: free)")
    args = parser.parse_args(argv)
    missing = [top for top in args.tops if not (root / top).is_dir()]
    if missing:
        print(f"apiserver-check: no such folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        binaries = build(log=lambda line: print(line, file=sys.stderr))
    except BuildError as error:
        print(f"apiserver-check: could not run: {error}", file=sys.stderr)
        return 2
    sets = [example_set for top in args.tops for example_set in find_sets(root, top)]
    tool = f"kube-apiserver {binaries.kubernetes_version}"
    report = Report()
    with tempfile.TemporaryDirectory(prefix="apiserver-check-") as tmp:
        workdir = Path(tmp)
        try:
            with LocalServer(binaries, workdir / "server", port=args.port) as endpoint:
                kubectl = Cluster(_runner(endpoint.kubeconfig), str(binaries.kubectl), _helm())
                client = ApiClient(endpoint)
                client.ensure_default_service_account("default")
                failure = install_gateway_crds(kubectl, binaries)
                if failure:
                    print(
                        f"apiserver-check: could not run: Gateway API CRDs: {failure}",
                        file=sys.stderr,
                    )
                    return 2
                check = ServerCheck(client, kubectl, tool, root)
                for example_set in sets:
                    result = check.check(example_set, workdir)
                    report.extend(result.findings)
                    for path in example_set.files:
                        report.files[relative(path, root)] = "kubernetes"
                    verdict = "accepted" if result.kubectl_ok else "REJECTED"
                    print(
                        f"apiserver-check: {example_set.name} ({example_set.source}, "
                        f"{result.objects} objects): kubectl {verdict}",
                        file=sys.stderr,
                    )
                client.close()
        except ServerError as error:
            print(f"apiserver-check: could not run: {error}", file=sys.stderr)
            return 2
    sys.stdout.write(render(report, args.format))
    print(
        f"apiserver-check: {len(sets)} sets against {tool} with Gateway API "
        f"{binaries.gateway_version} CRDs in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )
    return 1 if report.has_errors() else 0


if __name__ == "__main__":
    sys.exit(main())
