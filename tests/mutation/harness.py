"""Find the real examples, build their mutants, check every mutant in one checker run.

Each mutant lives in its own copy of its example's folder (so the set rules see the rest of
the set); the folders around it are symlinks to the real ones (so `../../docker/...` build
contexts still resolve). All copies go through one ``check_paths`` call per CPU: hadolint
and the Kubernetes schema engine then start once per process instead of once per mutant.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from examplecheck.api import check_paths
from examplecheck.findings import Finding, Severity
from examplecheck.wrappers.kustomize import FILE_NAMES as KUSTOMIZATION_FILES

from .operators import (
    COMPOSE,
    DOCKERFILE,
    HELM_TEMPLATE,
    KUBERNETES,
    OPERATORS,
    Context,
    Mutant,
    mutants_for,
)
from .yamltext import YamlContext

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
_COMPOSE_NAME = re.compile(r"^(docker-)?compose([.-][\w.-]*)?\.ya?ml$")
_DOCKERFILE_NAME = re.compile(r"^(Dockerfile|Containerfile)(\.[\w.-]+)?$")

# Files under examples/ no operator mutates, by reason. Anything else that is not a
# Kubernetes manifest, Compose file or Dockerfile fails test_every_example_is_mutated.
NOT_MUTATED_SUFFIXES = {
    ".conf": "nginx configuration: data of a Compose example, no checker rule reads inside it",
    ".properties": "Spring properties: data of a ConfigMap example, not parsed by the checker",
    ".py": "locustfile: Python, checked by ruff/py_compile in tests/test_locust.py",
    ".dockerignore": "build-context filter of a Dockerfile: no syntax to break",
    ".xml": "Maven pom.xml: build input of a Dockerfile example, built by the CI docker job",
    ".java": "Java source: build input of a Dockerfile example, compiled by the CI docker job",
    ".html": "HTML page: data a Dockerfile of a Compose example copies, no checker rule reads it",
    ".txt": "secret file of a Compose example: data, the checker only checks that it exists",
}
NOT_MUTATED_KUSTOMIZATION = (
    "kustomization: client-side configuration, not a manifest; a broken one fails the render "
    "(kustomize-build, yaml-syntax), which tests/test_kustomize.py covers, and the resources "
    "and patches it renders are mutated as manifests"
)
NOT_MUTATED_CHART_FILES = (
    "chart metadata, values and helpers: their defects surface as findings on the rendered "
    "templates, which the helm operators mutate directly"
)


SET_CLASSES = frozenset({"set-reference"})
SET_TOOL = "kubernetes-set"  # the tool name of the checker's set-rule findings
LAST_RUN: dict = {}  # filled by the test module's batch fixture, read by conftest's summary


@dataclass(frozen=True)
class Example:
    path: Path  # absolute
    kind: str
    chart: Path | None = None  # the chart folder of a template

    @property
    def folder(self) -> Path:
        """What a mutant's copy holds: the example's folder, or its whole chart."""
        return self.chart or self.path.parent

    @property
    def relative(self) -> str:
        return self.path.relative_to(ROOT).as_posix()


def find_examples() -> tuple[list[Example], dict[str, str]]:
    """The mutable examples, and every other file under examples/ with why it is left out."""
    examples: list[Example] = []
    skipped: dict[str, str] = {}
    charts = {p.parent for p in EXAMPLES.rglob("Chart.yaml")}
    for path in sorted(p for p in EXAMPLES.rglob("*") if p.is_file()):
        relative = path.relative_to(ROOT).as_posix()
        if "__pycache__" in path.parts:
            continue
        chart = next((c for c in charts if path.is_relative_to(c)), None)
        if chart is not None:
            if path.parent == chart / "templates" and path.suffix in (".yaml", ".yml"):
                examples.append(Example(path, HELM_TEMPLATE, chart))
            else:
                skipped[relative] = NOT_MUTATED_CHART_FILES
        elif _DOCKERFILE_NAME.match(path.name):
            examples.append(Example(path, DOCKERFILE))
        elif _COMPOSE_NAME.match(path.name):
            examples.append(Example(path, COMPOSE))
        elif path.name in KUSTOMIZATION_FILES:
            skipped[relative] = NOT_MUTATED_KUSTOMIZATION
        elif path.suffix in (".yaml", ".yml") and _is_manifest(path):
            examples.append(Example(path, KUBERNETES))
        else:
            key = path.name if path.name.startswith(".") else path.suffix
            skipped[relative] = NOT_MUTATED_SUFFIXES.get(key, "")
    return examples, skipped


def _is_manifest(path: Path) -> bool:
    documents = [d for d in yaml.safe_load_all(path.read_text("utf-8")) if d is not None]
    return bool(documents) and all(
        isinstance(d, dict) and "apiVersion" in d and "kind" in d for d in documents
    )


def context_for(example: Example) -> Context:
    text = example.path.read_text("utf-8")
    parsed = YamlContext.parse(text) if example.kind in (KUBERNETES, COMPOSE) else None
    return Context(example.kind, example.relative, text, parsed)


def all_mutants() -> list[tuple[Example, Mutant]]:
    examples, _ = find_examples()
    out = []
    for example in examples:
        context = context_for(example)
        out += [(example, mutant) for mutant in mutants_for(context.text, context)]
    return out


# --- the batch run ---------------------------------------------------------------------------


@dataclass
class Verdict:
    killed: bool
    said: list[str]  # what the checker reported on the mutated file (errors), for reports


@dataclass
class BatchResult:
    verdicts: dict[int, Verdict]  # index into the mutant list
    baseline_errors: dict[str, list[str]]  # example folder -> errors on the unmutated copy
    seconds: float
    files_checked: int
    by_operator: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))


def _workspace(tmp: Path, folder: Path, name: str, *, siblings: bool) -> Path:
    """A folder next to the copy of ``folder`` under ``tmp/examples`` (same depth, so
    `../../docker/...` references resolve), holding its files when ``siblings``."""
    target = tmp / folder.relative_to(ROOT).parent / f"{folder.name}__{name}"
    target.mkdir()
    if siblings:
        for child in folder.iterdir():
            if child.is_dir() and (folder / "Chart.yaml").is_file():
                shutil.copytree(child, target / child.name)  # templates/ is mutated in place
                continue
            if child.is_file():
                shutil.copyfile(child, target / child.name)
            else:
                (target / child.name).symlink_to(child)
    return target


def run_batch(mutants: list[tuple[Example, Mutant]], tmp: Path) -> BatchResult:
    """Write every mutant (and one clean copy per folder) and check them in one call."""
    shutil.copytree(EXAMPLES, tmp / EXAMPLES.name)  # what references outside a folder reach
    jobs: list[tuple[int, Path, bool]] = []  # (mutant index, mutated file, checked alone)
    baselines: dict[Path, Path] = {}  # real folder -> copied folder
    groups: list[list[Path]] = []  # one group per copied folder: a set never spans groups
    for folder in sorted({e.folder for e, _ in mutants}):
        copy = _workspace(tmp, folder, "base", siblings=True)
        baselines[folder] = copy
        groups.append(_checked_files(copy))
    for index, (example, mutant) in enumerate(mutants):
        # Set rules need the whole set in the run; Compose files and Dockerfiles refer to
        # their siblings on disk. A manifest under any other rule is judged on its own.
        in_set = defect_class(mutant.operator) in SET_CLASSES or example.kind != KUBERNETES
        copy = _workspace(tmp, example.folder, f"m{index}", siblings=in_set)
        mutated = copy / example.path.relative_to(example.folder)
        mutated.write_bytes(mutant.mutated_text.encode("utf-8"))
        whole = in_set and (defect_class(mutant.operator) in SET_CLASSES or example.chart)
        groups.append(_checked_files(copy) if whole else [mutated])
        jobs.append((index, mutated, not whole))
    started = time.perf_counter()
    errors: dict[str, list[Finding]] = defaultdict(list)
    for finding in check_in_parallel(groups):
        if finding.severity is Severity.ERROR:
            errors[finding.path].append(finding)
    seconds = time.perf_counter() - started
    baseline_errors = {
        folder.relative_to(ROOT).as_posix(): [
            f"{Path(f.path).name}:{f.line} {f.rule}"
            for p in copy.rglob("*")
            for f in errors.get(p.as_posix(), [])
        ]
        for folder, copy in baselines.items()
    }
    result = BatchResult({}, baseline_errors, seconds, sum(map(len, groups)))
    for index, mutated, alone in jobs:
        mutant = mutants[index][1]
        found = sorted(errors.get(mutated.as_posix(), []), key=lambda f: (f.line, f.rule))
        if alone:  # checked without its set: set findings are artifacts of that, not verdicts
            found = [f for f in found if f.tool != SET_TOOL]
        killed = is_killed(mutant, found)
        said = [f"{f.line}:{f.rule}: {f.message[:160]}" for f in found]
        result.verdicts[index] = Verdict(killed, said)
        result.by_operator[mutant.operator].append(killed)
    return result


def is_killed(mutant: Mutant, findings: list[Finding]) -> bool:
    """An error with an expected rule on a line of the mutated region; nothing else counts."""
    return any(
        f.severity is Severity.ERROR
        and f.rule in mutant.expected_rules
        and f.line in mutant.region_lines
        for f in findings
    )


def _checked_files(copy: Path) -> list[Path]:
    """The files of a copied folder to check; a chart is checked as the folder (rendered)."""
    if (copy / "Chart.yaml").is_file():
        return [copy]
    return sorted(p for p in copy.iterdir() if p.is_file())


def check_in_parallel(groups: list[list[Path]]) -> list[Finding]:
    """``check_paths`` over the groups, split across the CPUs (yamllint, pure Python, is most
    of the time and runs once per copied file)."""
    workers = max(1, min(len(os.sched_getaffinity(0)), 4, len(groups)))
    chunks = [[f for group in groups[i::workers] for f in group] for i in range(workers)]
    if workers == 1:
        return _check(chunks[0])
    # spawn, not fork: the test process has threads (the Helm SDK's Go runtime, gevent from
    # locust's pytest plugin) whose locks a forked child would inherit held, and hang on.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        return [f for found in pool.map(_check, chunks) for f in found]


def _check(files: list[Path]) -> list[Finding]:
    return check_paths(files, root=ROOT).findings


def defect_class(operator_name: str) -> str:
    return OPERATORS[operator_name][0]
