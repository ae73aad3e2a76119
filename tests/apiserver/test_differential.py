"""The in-process checker against the real API server, defect class by defect class.

Every Kubernetes and Helm-template mutant of the mutation suite, every unmutated example
and every manifest of the valid corpus goes to both: the checker (one batch, as the
mutation test runs it) and the server, through the reader's own command,
``kubectl apply --dry-run=server -f <folder>`` (one kubectl run over all the files, so
kubectl's parsing, strict field validation and the server's validation and admission all
take part). A Service the dry run accepts is also created for real in a throwaway
namespace (client.DRY_RUN_HIDES: node ports are range-checked only then). The table is
printed at the end and written to build/apiserver-differential.json.

Each disagreement is either listed below with its reason, or the test fails: a new one is
a rule to add (the server rejects what we let through) or a reason to write down.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from examplecheck.apiserver.client import DRY_RUN_HIDES
from examplecheck.wrappers import kustomize
from tests.mutation import harness
from tests.mutation.operators import HELM_TEMPLATE, KUBERNETES
from tools.cluster_dry_run import referenced_namespaces

MUTANTS = harness.all_mutants()
SERVED_KINDS = (KUBERNETES, HELM_TEMPLATE)
REPORT = harness.ROOT / "build" / "apiserver-differential.json"
CORPUS = harness.ROOT / "tests" / "corpus" / "valid"
_FILE = re.compile(r"(?:^|/)(m\d{5}|e\d{5})\.yaml")

# Defect classes only the checker rejects, by design: the server checks each object alone.
CHECKER_ONLY_CLASSES = {
    "set-reference": (
        "a reference to another object of the example set (a Service selecting no pod, a "
        "missing ConfigMap key ...): the API server takes objects one by one and accepts a "
        "dangling reference; the failure comes later, at run time"
    ),
}
# Operators only the checker rejects, by design: what the server accepts but loses or
# breaks later. Each must still disagree somewhere (test_listed_disagreements_still_disagree).
CHECKER_ONLY_OPERATORS = {
    "yaml_duplicate_key": (
        "kubectl turns YAML into JSON keeping the last of two equal keys and sends no "
        "duplicate to the server: the first value is lost without a word, which is the "
        "defect the checker is there to catch"
    ),
    "yaml_missing_document_separator": (
        "without the ---, two objects merge into one mapping whose later keys win; kubectl "
        "sends one valid object and the other is silently gone"
    ),
    "k8s_probe_port_unknown": (
        "the server checks that a named probe port is a valid name, not that the container "
        "declares it; the kubelet's probe then fails on the running pod"
    ),
}
_GATEWAY = (
    "a Gateway API custom resource: the server validates it against the v1.5.1 CRD schema, "
    "which no offline engine of the checker has (conf/crds.yaml); the apiserver session "
    "catches it in the default run"
)
# (file, operator, mutant) -> why the two disagree, for single mutants.
CHECKER_ONLY: dict[tuple[str, str, str], str] = {}
SERVER_ONLY: dict[tuple[str, str, str], str] = {
    ("examples/kubernetes/gateway/gateway.yaml", "k8s_wrong_type", 'port: "80"'): _GATEWAY,
    ("examples/kubernetes/gateway/httproute.yaml", "k8s_wrong_type", 'port: "80"'): _GATEWAY,
    ("examples/kubernetes/gateway/httproute.yaml", "k8s_misspelled_field", "rules -> rule"): (
        _GATEWAY
    ),
    (
        "examples/kubernetes/gateway/httproute-https-redirect.yaml",
        "k8s_misspelled_field",
        "rules -> rule",
    ): _GATEWAY,
}


@dataclass
class Row:
    index: int
    key: tuple[str, str, str]
    defect_class: str
    checker: bool  # the checker reports an error on the mutated file
    server: bool  # kubectl apply --dry-run=server fails on it
    server_said: str


def _key(index: int) -> tuple[str, str, str]:
    example, mutant = MUTANTS[index]
    return (example.relative, mutant.operator, mutant.description)


def _served_indices() -> list[int]:
    return [i for i, (example, _) in enumerate(MUTANTS) if example.kind in SERVED_KINDS]


def _render_chart(served, example, text: str, folder: Path) -> tuple[str | None, str]:
    """helm template of the chart with one template replaced: (output, or None; error)."""
    copy = folder / example.chart.name
    subprocess.run(["cp", "-r", str(example.chart), str(copy)], check=True)
    (copy / example.path.relative_to(example.chart)).write_text(text, "utf-8")
    done = served.kubectl.run([served.kubectl.helm, "template", copy.name, str(copy)])
    subprocess.run(["rm", "-rf", str(copy)], check=True)
    if done.returncode != 0:
        return None, (done.stderr.strip().splitlines() or ["helm template failed"])[-1]
    return done.stdout, ""


def kubectl_verdicts(served, texts: dict[str, str], folder: Path) -> dict[str, str]:
    """file stem -> what kubectl said of it (empty: accepted), one kubectl run for all."""
    folder.mkdir(parents=True, exist_ok=True)
    for stem, text in texts.items():
        (folder / f"{stem}.yaml").write_text(text, "utf-8")
    done = served.kubectl.run(
        [served.kubectl.kubectl, "apply", "--dry-run=server", "-f", str(folder)]
    )
    said: dict[str, str] = {stem: "" for stem in texts}
    for line in done.stderr.splitlines():
        for stem in _FILE.findall(line):
            if stem in said and not said[stem]:
                said[stem] = line.strip()[:400]
    if done.returncode != 0 and not any(said.values()):
        raise AssertionError(f"kubectl failed naming no file: {done.stderr[-2000:]}")
    return said


@pytest.fixture(scope="module")
def checker(tmp_path_factory: pytest.TempPathFactory) -> harness.BatchResult:
    return harness.run_batch(MUTANTS, tmp_path_factory.mktemp("differential-checker"))


@pytest.fixture(scope="module")
def server(served, tmp_path_factory: pytest.TempPathFactory) -> dict[int, str]:
    """mutant index -> what kubectl and the server said (empty: accepted)."""
    work = tmp_path_factory.mktemp("differential-server")
    texts: dict[str, str] = {}
    before: dict[int, str] = {}  # rejected before reaching kubectl (helm cannot render)
    for index in _served_indices():
        example, mutant = MUTANTS[index]
        text = mutant.mutated_text
        if example.kind == HELM_TEMPLATE:
            rendered, error = _render_chart(served, example, text, work)
            if rendered is None:
                before[index] = f"helm template: {error}"
                continue
            text = rendered
        texts[f"m{index:05d}"] = text
    said = kubectl_verdicts(served, texts, work / "mutants")
    for stem, words in said.items():
        if not words:
            said[stem] = real_create_verdict(served, texts[stem])
    return {**before, **{int(stem[1:]): words for stem, words in said.items()}}


def real_create_verdict(served, text: str) -> str:
    """What a real create of the text's Services says (empty: accepted), as the check does."""
    try:
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return ""  # kubectl parsed it; PyYAML's stricter reading is not the server's
    for obj in documents:
        if isinstance(obj, dict) and obj.get("kind") in DRY_RUN_HIDES:
            answer = served.client.create_in_throwaway(obj)
            if not answer.accepted:
                return f"created for real: {answer.message}"[:400]
    return ""


@pytest.fixture(scope="module")
def rows(checker: harness.BatchResult, server: dict[int, str]) -> list[Row]:
    found = []
    for index in _served_indices():
        _example, mutant = MUTANTS[index]
        found.append(
            Row(
                index,
                _key(index),
                harness.defect_class(mutant.operator),
                bool(checker.verdicts[index].said),
                bool(server[index]),
                server[index],
            )
        )
    _write_report(found)
    return found


def _write_report(rows: list[Row]) -> None:
    table: dict[str, dict[str, int]] = defaultdict(
        lambda: {"both": 0, "server_only": 0, "checker_only": 0, "neither": 0}
    )
    for row in rows:
        cell = (
            "both"
            if row.checker and row.server
            else "server_only"
            if row.server
            else "checker_only"
            if row.checker
            else "neither"
        )
        table[row.defect_class][cell] += 1
    disagreements = [
        {
            "file": row.key[0],
            "operator": row.key[1],
            "mutant": row.key[2],
            "class": row.defect_class,
            "rejected_by": "server" if row.server else "checker",
            "server_said": row.server_said,
            "reason": _reason(row),
        }
        for row in rows
        if row.checker != row.server
    ]
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(
        json.dumps(
            {"by_class": dict(sorted(table.items())), "disagreements": disagreements},
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        "utf-8",
    )
    LAST["table"] = dict(sorted(table.items()))


LAST: dict = {}


def _reason(row: Row) -> str | None:
    if row.checker and not row.server:
        return (
            CHECKER_ONLY_CLASSES.get(row.defect_class)
            or CHECKER_ONLY_OPERATORS.get(row.key[1])
            or CHECKER_ONLY.get(row.key)
        )
    if row.server and not row.checker:
        return SERVER_ONLY.get(row.key)
    return None


def test_every_disagreement_has_a_reason(rows: list[Row]) -> None:
    unexplained = [
        f"{'only the server' if r.server else 'only the checker'} rejects "
        f"{r.key[0]} {r.key[1]} ({r.key[2]}): {r.server_said or '(server accepts)'}"
        for r in rows
        if r.checker != r.server and _reason(r) is None
    ]
    assert not unexplained, "\n".join(unexplained)


def test_listed_disagreements_still_disagree(rows: list[Row]) -> None:
    """A stale entry would hide the next real disagreement."""
    by_key = {r.key: r for r in rows}
    for key in CHECKER_ONLY:
        assert key in by_key and by_key[key].checker and not by_key[key].server, key
    for key in SERVER_ONLY:
        assert key in by_key and by_key[key].server and not by_key[key].checker, key
    for operator in CHECKER_ONLY_OPERATORS:
        assert any(r.key[1] == operator and r.checker and not r.server for r in rows), operator


def test_every_mutant_reaches_the_server(rows: list[Row]) -> None:
    assert len(rows) == len(_served_indices()) > 500


def _kustomizations() -> tuple[list[Path], set[Path]]:
    """The kustomization folders of the examples and the corpus, and the files they render
    (a patch is a partial object: it reaches the server only inside its render)."""
    files = [
        p
        for top in (harness.EXAMPLES, CORPUS)
        for p in top.rglob("*")
        if p.name in kustomize.FILE_NAMES
    ]
    parts: set[Path] = set()
    for file in files:
        parts |= kustomize.parts(file.resolve(), yaml.safe_load(file.read_text("utf-8")))
    return sorted(f.parent for f in files), parts


def test_examples_and_valid_corpus_are_accepted(served, tmp_path: Path) -> None:
    """The unmutated examples (charts and kustomizations rendered) and the valid corpus:
    nothing to reject."""
    texts: dict[str, str] = {}
    names: dict[str, str] = {}
    examples, _ = harness.find_examples()
    charts = sorted({e.chart for e in examples if e.chart})
    kustomized, parts = _kustomizations()
    manifests = [e.path for e in examples if e.kind == KUBERNETES and e.path.resolve() not in parts]
    corpus = sorted(
        p
        for p in CORPUS.rglob("*.y*ml")
        if harness._is_manifest(p)
        and p.name not in kustomize.FILE_NAMES
        and p.resolve() not in parts
    )
    for path in manifests + corpus:
        stem = f"e{len(texts):05d}"
        texts[stem], names[stem] = path.read_text("utf-8"), path.relative_to(harness.ROOT)
    for chart in charts:
        done = served.kubectl.run([served.kubectl.helm, "template", chart.name, str(chart)])
        assert done.returncode == 0, done.stderr
        stem = f"e{len(texts):05d}"
        texts[stem], names[stem] = done.stdout, chart.relative_to(harness.ROOT)
    for folder in kustomized:  # as `kubectl apply -k` renders it
        done = served.kubectl.run([served.kubectl.kubectl, "kustomize", str(folder)])
        assert done.returncode == 0, done.stderr
        documents = [d for d in yaml.safe_load_all(done.stdout) if d]
        for namespace in referenced_namespaces(documents):
            served.client.ensure_namespace(namespace)
        stem = f"e{len(texts):05d}"
        texts[stem], names[stem] = done.stdout, folder.relative_to(harness.ROOT)
    for path in corpus:  # its namespaces, created for real first as the pages do
        documents = [d for d in yaml.safe_load_all(path.read_text("utf-8")) if d]
        declared = [d["metadata"]["name"] for d in documents if d.get("kind") == "Namespace"]
        for namespace in declared + referenced_namespaces(documents):
            served.client.ensure_namespace(namespace)
    said = kubectl_verdicts(served, texts, tmp_path / "valid")
    for stem, words in said.items():
        said[stem] = words or real_create_verdict(served, texts[stem])
    rejected = {str(names[stem]): words for stem, words in said.items() if words}
    assert not rejected
    assert len(corpus) >= 10, "the valid corpus went missing"
