"""The handbook's Helm chart lints strictly and renders with the values the pages use, and every
rendered manifest passes the Kubernetes checker (helm_python: the Helm SDK, no helm binary).

The values sets come from two places so none is forgotten: every ``values-*.yaml`` beside the
chart, and every ``helm template|install|upgrade`` line of the pages that names the chart (its
``-f`` files and ``--set`` expressions, layered the way helm layers them).
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import helm_python as helm  # pinned in requirements.txt: never a skip
import pytest
import yaml

from examplecheck.config import load_config
from examplecheck.findings import Severity
from examplecheck.kubernetes.check import check_kubernetes
from examplecheck.yamlload import load_yaml
from tests.doc_commands import ROOT, all_command_lines, commands_of
from tests.required_tools import needs

CHART = ROOT / "examples" / "helm" / "web-app"
RELEASE = "web"
_HELM_VERBS = ("template", "install", "upgrade")
# An image reference as the container runtime parses it (distribution/reference grammar):
# [registry[:port]/]path[:tag][@digest]. The schema only says "string", so a values mistake such
# as an object for image.tag ("repo:map[major:1]") would otherwise render as valid.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
IMAGE_REFERENCE = re.compile(
    rf"^(?:[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*(?::[0-9]+)?/)?{_COMPONENT}(?:/{_COMPONENT})*"
    r"(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$"
)


@dataclass
class ValuesSet:
    """The user-supplied values of one render, and where they come from."""

    label: str
    files: list[Path] = field(default_factory=list)
    sets: list[str] = field(default_factory=list)

    def values(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for path in self.files:
            merged = deep_merge(merged, yaml.safe_load(path.read_text(encoding="utf-8")) or {})
        for expression in self.sets:
            merged = deep_merge(merged, helm.parse_set_string(expression))
        return merged


def deep_merge(base: dict, override: dict) -> dict:
    """Helm's layering of -f files and --set: maps merge key by key, anything else replaces."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def page_values_sets(chart: Path = CHART) -> list[ValuesSet]:
    """The values of every page command that templates, installs or upgrades ``chart``."""
    found = []
    for command_line, argv in commands_of(all_command_lines(), "helm"):
        if len(argv) < 2 or argv[1] not in _HELM_VERBS:
            continue
        words = argv[2:]
        if not any((ROOT / w).resolve() == chart.resolve() for w in words if "/" in w):
            continue
        values = ValuesSet(command_line.where())
        for index, word in enumerate(words):
            following = words[index + 1] if index + 1 < len(words) else ""
            if word in ("-f", "--values"):
                values.files.append(ROOT / following)
            elif word.startswith("--values="):
                values.files.append(ROOT / word.split("=", 1)[1])
            elif word == "--set":
                values.sets.append(following)
            elif word.startswith("--set="):
                values.sets.append(word.split("=", 1)[1])
        found.append(values)
    return found


def values_sets(chart: Path = CHART) -> list[ValuesSet]:
    beside = [
        ValuesSet(str(path.relative_to(ROOT)), files=[path])
        for path in sorted(chart.glob("values-*.yaml"))
    ]
    return [ValuesSet("values.yaml (chart defaults)"), *beside, *page_values_sets(chart)]


def lint_problems(chart: Path, values: dict[str, Any]) -> list[str]:
    """helm lint --strict: warnings count as errors, as on the page."""
    report = helm.lint(str(chart), values or None, strict=True)
    return [
        f"{message.get('path')}: {message.get('error')}"
        for message in report.get("messages", [])
        if message.get("severity", 0) >= 2
    ] + list(report.get("errors") or [])


def render(chart: Path, values: dict[str, Any], release: str = RELEASE) -> dict[str, str]:
    with helm.Chart.load(str(chart)) as loaded:
        return loaded.render(values or None, name=release, namespace="default")


def yaml_manifests(manifests: dict[str, str]) -> dict[str, str]:
    """The rendered YAML manifests (not NOTES.txt, not templates these values switch off)."""
    return {
        name: text
        for name, text in manifests.items()
        if name.endswith((".yaml", ".yml")) and text.strip()
    }


def _containers(node: Any):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("containers", "initContainers", "ephemeralContainers") and isinstance(
                value, list
            ):
                yield from (c for c in value if isinstance(c, dict))
            else:
                yield from _containers(value)
    elif isinstance(node, list):
        for item in node:
            yield from _containers(item)


def image_problems(documents) -> list[str]:
    """Container images that are not image references (see IMAGE_REFERENCE)."""
    return [
        f"{document.path}: container {container.get('name')!r} image "
        f"{container.get('image')!r} is not an image reference"
        for document in documents
        for container in _containers(document.data)
        if not IMAGE_REFERENCE.match(str(container.get("image", "")))
    ]


def checker_problems(manifests: dict[str, str]) -> list[str]:
    """Errors of the Kubernetes checker on every rendered YAML manifest."""
    versions = load_config(ROOT).kubernetes_versions
    documents, problems = [], []
    with tempfile.TemporaryDirectory(prefix="helm-render-") as folder:
        for index, (name, text) in enumerate(sorted(yaml_manifests(manifests).items())):
            path = Path(folder, f"{index:03d}.yaml")
            path.write_text(text, encoding="utf-8")
            loaded = load_yaml(path, name)
            documents.extend(loaded.documents)
            problems.extend(f"{f.path}:{f.line}: {f.message}" for f in loaded.findings)
        result = check_kubernetes(documents, versions=versions, root=ROOT)
        problems.extend(image_problems(documents))
    assert result.fatal is None, result.fatal
    problems.extend(
        f"{f.path}:{f.line}: [{f.rule}] {f.message}"
        for f in result.findings
        if f.severity is Severity.ERROR
    )
    if not documents:
        problems.append("the chart rendered no Kubernetes manifest")
    return problems


def chart_problems(chart: Path, values: dict[str, Any]) -> list[str]:
    """Everything wrong with one values set: lint, render, or the rendered manifests."""
    problems = lint_problems(chart, values)
    try:
        manifests = render(chart, values)
    except helm.HelmError as exc:
        return [*problems, f"render: {exc}"]
    return problems + checker_problems(manifests)


VALUES_SETS = values_sets()


def test_the_page_and_the_chart_folder_document_values():
    labels = [values.label for values in VALUES_SETS]
    assert any(label.endswith("values-prod.yaml") for label in labels), labels
    assert any(".md:" in label for label in labels), "no page command renders the chart"


@pytest.mark.parametrize("values_set", VALUES_SETS, ids=lambda v: v.label)
def test_chart_lints_renders_and_passes_the_checker(values_set):
    assert chart_problems(CHART, values_set.values()) == []


def test_prod_values_change_what_renders():
    prod = next(v for v in VALUES_SETS if v.label.endswith("values-prod.yaml"))
    manifests = yaml_manifests(render(CHART, prod.values()))
    deployment = next(
        doc
        for text in manifests.values()
        for doc in yaml.safe_load_all(text)
        if isinstance(doc, dict) and doc.get("kind") == "Deployment"
    )
    assert deployment["spec"]["replicas"] == prod.values()["replicaCount"]


# --- the real helm binary, where installed (CI pins one) -------------------------------------

HELM_BINARY = shutil.which("helm")
_CHART_COMMANDS = {values.label for values in page_values_sets()}
TEMPLATE_LINES = [  # the page's `helm template` lines that render this chart
    (command_line, argv)
    for command_line, argv in commands_of(all_command_lines(), "helm")
    if argv[1:2] == ["template"] and command_line.where() in _CHART_COMMANDS
]


def documents_by_name(text: str) -> dict[tuple[str, str], dict]:
    return {
        (doc["kind"], doc["metadata"]["name"]): doc
        for doc in yaml.safe_load_all(text)
        if isinstance(doc, dict) and "kind" in doc
    }


# noxfile.py GO_TOOLS builds helm for the tests session; without it, CI=true fails here.
@needs(HELM_BINARY, "no helm binary (nox -s tests builds it): helm_python renders above")
@pytest.mark.parametrize(
    ("command_line", "argv"), TEMPLATE_LINES, ids=[c.where() for c, _ in TEMPLATE_LINES]
)
def test_page_helm_template_matches_the_sdk_render(command_line, argv):
    completed = subprocess.run(
        [HELM_BINARY, *argv[1:]], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    values = next(v for v in page_values_sets() if v.label == command_line.where()).values()
    release = argv[2]  # helm template RELEASE CHART …
    sdk = "\n---\n".join(yaml_manifests(render(CHART, values, release)).values())
    assert documents_by_name(completed.stdout) == documents_by_name(sdk)


# --- seeded drift ------------------------------------------------------------------------------


def test_replica_count_as_text_fails():
    problems = chart_problems(CHART, {"replicaCount": "three"})
    assert any("replicas" in problem for problem in problems), problems


def test_image_tag_as_an_object_fails():
    problems = chart_problems(CHART, {"image": {"tag": {"major": 1, "minor": 29}}})
    assert len(problems) == 1 and "is not an image reference" in problems[0], problems


@pytest.mark.parametrize(
    "image",
    [
        "nginx",
        "nginxinc/nginx-unprivileged:1.29-alpine",
        "registry.example.com:5000/team/myapp:1.0.0",
        "busybox@sha256:" + "a" * 64,
    ],
)
def test_image_reference_accepts_real_references(image):
    assert IMAGE_REFERENCE.match(image)


@pytest.mark.parametrize("image", ["repo:map[major:1]", "Nginx", "repo:", "repo:tag with space"])
def test_image_reference_rejects_broken_references(image):
    assert not IMAGE_REFERENCE.match(image)


def test_values_file_breaking_the_chart_fails(tmp_path):
    broken = tmp_path / "values-broken.yaml"
    broken.write_text("replicaCount: three\nresources:\n  limits:\n    cpu: lots\n")
    problems = chart_problems(CHART, ValuesSet("broken", files=[broken]).values())
    assert len(problems) >= 2, problems


def test_layering_follows_helm():
    assert deep_merge({"a": {"b": 1, "c": 2}, "d": [1]}, {"a": {"b": 3}, "d": [2]}) == {
        "a": {"b": 3, "c": 2},
        "d": [2],
    }
    values = ValuesSet("x", sets=["image.tag=1.29-alpine"]).values()
    assert values == {"image": {"tag": "1.29-alpine"}}
