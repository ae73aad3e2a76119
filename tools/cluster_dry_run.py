"""Send every Kubernetes example set to a real API server with ``kubectl apply --dry-run=server``.

The CI ``cluster`` job runs this against a kind cluster: the server runs its own validation and
admission (Pod Security, quotas, CRD schemas and CEL rules), which no offline schema catches.
A set is a folder of manifests (or a group from ``conf/sets.yaml``), a Helm chart (rendered with
``helm template``) or a kustomization (rendered with ``kubectl kustomize``).

Files listed ``unchecked:`` in ``conf/exceptions.yaml`` are skipped with their reason, as every
tool skips them. Objects that other objects' admission looks up (namespaces, CRDs, service
accounts, quotas ...) are applied for real first, because a dry run persists nothing; they are
deleted afterwards.
Exit status: 0 every set accepted, 1 the server rejected something, 2 unusable input.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from examplecheck import discover
from examplecheck.client_config import CLIENT_CONFIG_GROUPS
from examplecheck.config import listed_files
from examplecheck.discover import EXAMPLES
from examplecheck.listed_files import first_match

ROOT = Path(__file__).resolve().parents[1]
MANIFEST_SUFFIXES = (".yaml", ".yml")
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")

# Applied for real before the dry run, in this order: admission of other objects reads them.
SETUP_FIRST = ("Namespace", "CustomResourceDefinition")
SETUP_THEN = ("ServiceAccount", "PriorityClass", "RuntimeClass", "LimitRange", "ResourceQuota")

Runner = Callable[[list[str]], subprocess.CompletedProcess]


@dataclass
class ExampleSet:
    """One unit sent to the server: a folder or group of files, a chart or a kustomization."""

    name: str  # folder (or group name) relative to the root
    source: str  # "manifests", "chart" or "kustomize"
    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


@dataclass
class Outcome:
    name: str
    ok: bool
    output: str


def relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def client_config_reason(documents: list) -> str | None:
    """Why a file is not for the API server, or None when it is a manifest to apply."""
    objects = [doc for doc in documents if doc is not None]
    if not objects:
        return "empty file"
    for doc in objects:
        if not isinstance(doc, dict) or "apiVersion" not in doc or "kind" not in doc:
            return "not a Kubernetes object (no apiVersion/kind): an input of another example"
        group = str(doc["apiVersion"]).rpartition("/")[0]
        if group in CLIENT_CONFIG_GROUPS:
            return f"client-side configuration ({doc['apiVersion']}), not served by an API server"
        if doc["apiVersion"] == "v1" and doc["kind"] == "Config":
            return "a kubeconfig file, read by kubectl"
    return None


def load_documents(path: Path) -> list | None:
    """The YAML documents of a file, or None when it does not parse (the server will say why)."""
    try:
        return list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, UnicodeDecodeError):
        return None


def _kustomization_root(path: str, files: set[str]) -> str | None:
    """The outermost folder above ``path`` holding a kustomization: it is rendered as one."""
    for parent in reversed(PurePosixPath(path).parents):
        if any((parent / name).as_posix() in files for name in KUSTOMIZATION_FILES):
            return parent.as_posix()
    return None


def find_sets(root: Path, top: str = EXAMPLES) -> list[ExampleSet]:
    """Every example set under ``top`` holding Kubernetes objects, in a stable order.

    The files and their sets come from examplecheck.discover (what the checker and the site
    use); a Helm chart or a kustomization folder is sent rendered, as one unit.
    """
    prefix = top.strip("/") + "/"
    files = [f for f in discover.example_files(root) if f.startswith(prefix)]
    known = set(files)
    groups = discover.set_groups(root)
    unchecked = listed_files(root, "unchecked")
    found: dict[str, ExampleSet] = {}
    for path in files:
        rendered = _kustomization_root(path, known)
        source = "kustomize"
        if rendered is None:
            rendered, source = discover.chart_root_of(path, files), "chart"
        if rendered is not None:
            found.setdefault(rendered, ExampleSet(rendered, source, [root / rendered]))
            continue
        if not path.endswith(MANIFEST_SUFFIXES):
            continue
        set_name = discover.set_of(path, groups)
        example_set = found.setdefault(set_name, ExampleSet(set_name, "manifests"))
        listed = first_match(path, unchecked)  # matched as the checker matches it
        documents = load_documents(root / path)
        reason = None if documents is None else client_config_reason(documents)
        if listed is not None:
            reason = f"listed in conf/exceptions.yaml: {listed.reason}"
        if reason:
            example_set.skipped.append((root / path, reason))
        else:
            example_set.files.append(root / path)
    # A folder of Compose files or Dockerfiles is no Kubernetes set: drop it quietly.
    return [found[key] for key in sorted(found) if found[key].files]


def setup_objects(documents: Iterable) -> tuple[list[dict], list[dict]]:
    """The objects to create for real before the dry run: (namespaces and CRDs, the rest)."""
    first, then = [], []
    for doc in documents:
        if isinstance(doc, dict) and doc.get("kind") in SETUP_FIRST:
            first.append(doc)
        elif isinstance(doc, dict) and doc.get("kind") in SETUP_THEN:
            then.append(doc)
    first.sort(key=lambda doc: SETUP_FIRST.index(doc["kind"]))
    return first, then


def referenced_namespaces(documents: Iterable) -> list[str]:
    """Namespaces named by objects but not declared in the set: the reader creates them."""
    declared, used = set(), set()
    for doc in documents:
        if not isinstance(doc, dict):
            continue
        metadata = doc.get("metadata") or {}
        if doc.get("kind") == "Namespace" and metadata.get("name"):
            declared.add(str(metadata["name"]))
        elif metadata.get("namespace"):
            used.add(str(metadata["namespace"]))
    return sorted(used - declared - {"default"})


def crd_names(documents: Iterable) -> list[str]:
    return [
        doc["metadata"]["name"]
        for doc in documents
        if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition"
    ]


QUOTED_FILE = re.compile(r'"([^"]+\.ya?ml)"')


def annotations(output: str, example_set: ExampleSet, root: Path) -> list[str]:
    """GitHub error annotations for the server's rejections, on the file kubectl names."""
    found = []
    for line in output.splitlines():
        if not line.lower().startswith("error"):
            continue
        match = QUOTED_FILE.search(line)
        file = Path(match.group(1)) if match else None
        shown = example_set.name
        if file is not None and file.is_absolute() and file.is_relative_to(root):
            shown = relative(file, root)
        message = line.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        found.append(f"::error file={shown},title=kubectl apply --dry-run=server::{message}")
    return found


class Cluster:
    """The kubectl and helm command lines, run through one function (a fake one in tests)."""

    def __init__(self, run: Runner, kubectl: str = "kubectl", helm: str = "helm") -> None:
        self.run = run
        self.kubectl = kubectl
        self.helm = helm

    def render(self, example_set: ExampleSet, workdir: Path) -> tuple[list[Path], str]:
        """The set's manifest files; a chart (once per values file) or kustomization rendered."""
        if example_set.source == "manifests":
            return example_set.files, ""
        folder = example_set.files[0]
        if example_set.source == "chart":
            variants = [[]] + [["-f", str(v)] for v in sorted(folder.glob("values-*.y*ml"))]
            commands = [[self.helm, "template", folder.name, str(folder), *v] for v in variants]
        else:
            commands = [[self.kubectl, "kustomize", str(folder)]]
        rendered = []
        for index, command in enumerate(commands):
            done = self.run(command)
            if done.returncode != 0:
                return [], f"$ {' '.join(command)}\n{done.stdout}{done.stderr}"
            output = workdir / f"rendered-{index}.yaml"
            output.write_text(done.stdout, encoding="utf-8")
            rendered.append(output)
        return rendered, ""

    def apply(self, files: list[Path], *, dry_run: bool) -> subprocess.CompletedProcess:
        command = [self.kubectl, "apply"]
        if dry_run:
            command.append("--dry-run=server")
        for file in files:
            command += ["-f", str(file)]
        return self.run(command)

    def apply_set(
        self, example_set: ExampleSet, files: list[Path], *, dry_run: bool
    ) -> subprocess.CompletedProcess:
        """The reader's own command: ``kubectl apply -k <folder>`` for a kustomization (as the
        pages say), ``-f`` with the files (or the rendered chart) otherwise."""
        if example_set.source != "kustomize":
            return self.apply(files, dry_run=dry_run)
        command = [self.kubectl, "apply", *(["--dry-run=server"] if dry_run else [])]
        return self.run([*command, "-k", str(example_set.files[0])])

    def check(self, example_set: ExampleSet, root: Path) -> Outcome:
        with tempfile.TemporaryDirectory(prefix="dry-run-") as tmp:
            workdir = Path(tmp)
            files, failure = self.render(example_set, workdir)
            if failure:
                return Outcome(example_set.name, False, failure)
            documents = [doc for file in files for doc in (load_documents(file) or [])]
            first, then = setup_objects(documents)
            namespaces = referenced_namespaces(documents)
            log: list[str] = []
            created: list[Path] = []
            created_namespaces: list[str] = []
            try:
                for namespace in namespaces:
                    # Fails when it exists already (kube-system ...): then it is not ours to delete.
                    if self.run([self.kubectl, "create", "namespace", namespace]).returncode == 0:
                        created_namespaces.append(namespace)
                        log.append(f"(created namespace {namespace}: the page has you create it)")
                for index, objects in enumerate((first, then)):
                    if not objects:
                        continue
                    setup = workdir / f"setup-{index}.yaml"
                    setup.write_text(yaml.safe_dump_all(objects), encoding="utf-8")
                    done = self.apply([setup], dry_run=False)
                    log.append(f"$ kubectl apply (setup: {', '.join(_names(objects))})")
                    log.append(done.stdout + done.stderr)
                    if done.returncode != 0:
                        return Outcome(example_set.name, False, "\n".join(log))
                    created.append(setup)
                    for crd in crd_names(objects):
                        self.run(
                            [self.kubectl, "wait", "--for=condition=Established", f"crd/{crd}"]
                        )
                done = self.apply_set(example_set, files, dry_run=True)
                flag = "-k" if example_set.source == "kustomize" else "-f"
                log.append(f"$ kubectl apply --dry-run=server {flag} {example_set.name}")
                log.append(done.stdout + done.stderr)
                return Outcome(example_set.name, done.returncode == 0, "\n".join(log))
            finally:
                for setup in reversed(created):
                    self.run([self.kubectl, "delete", "--ignore-not-found", "-f", str(setup)])
                for namespace in created_namespaces:
                    self.run([self.kubectl, "delete", "namespace", "--ignore-not-found", namespace])


def _names(objects: list[dict]) -> list[str]:
    return [f"{doc['kind']}/{(doc.get('metadata') or {}).get('name')}" for doc in objects]


def run_command(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)


def main(argv: list[str] | None = None, run: Runner = run_command, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tops", nargs="*", default=[EXAMPLES], metavar="FOLDER")
    parser.add_argument("--plan", action="store_true", help="list the sets; touch no cluster")
    args = parser.parse_args(argv)
    missing = [top for top in args.tops if not (root / top).is_dir()]
    if missing:
        print(f"cluster-dry-run: no such folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    sets = [example_set for top in args.tops for example_set in find_sets(root, top)]
    cluster = Cluster(run, os.environ.get("KUBECTL", "kubectl"), os.environ.get("HELM", "helm"))
    failed = []
    for example_set in sets:
        print(f"== {example_set.name} ({example_set.source})")
        for path, reason in example_set.skipped:
            print(f"   skipped {relative(path, root)}: {reason}")
        if args.plan:
            for path in example_set.files:
                print(f"   {relative(path, root)}")
            continue
        outcome = cluster.check(example_set, root)
        print(outcome.output)
        if not outcome.ok:
            failed.append(outcome.name)
            print("\n".join(annotations(outcome.output, example_set, root)))
    print(f"{len(sets)} sets, {len(failed)} rejected by the API server")
    for name in failed:
        print(f"  rejected: {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
