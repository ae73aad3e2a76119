"""One run: discover → classify → check each file with its tools → one Report.

The run collects each tool's inputs file by file (Dockerfiles for hadolint, scripts and page
blocks for ShellCheck, pages for the --help check, charts, kustomizations, every Kubernetes
document), runs the batch tools once, then the Kubernetes checks over every document at once
(the set rules need them together), then the image rule. A check that raises is a
``checker-crash`` finding on its file, never a traceback; a missing tool or an unusable
``conf/`` stops the run (exit 2).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from . import cli_flags, image_references, images, references
from .classify import (
    COMPOSE,
    DOCKERFILE,
    EXCEPTION,
    HELM_CHART,
    HELM_TEMPLATE,
    JSON,
    KUBERNETES,
    KUSTOMIZATION,
    KUSTOMIZE_PART,
    PAGE,
    PYTHON,
    SHELL,
    YAML,
    ExampleFile,
    classify,
)
from .config import Config
from .discover import discover, display_path
from .document_shapes import json_syntax, kubernetes_objects, non_mapping_documents
from .executables import TOOL_FAILED, TOOL_MISSING, TOOL_TIMEOUT, CheckerCouldNotRun
from .findings import Check, Finding, Report
from .listed_files import apply_exceptions
from .references import dockerfile_references, text_references
from .rules import RuleSet
from .settings import ConfigError
from .wrappers import (
    buildkit,
    docker_compose,
    hadolint,
    helm,
    kustomize,
    python_compile,
    shellcheck,
    yamllint,
)
from .yamlload import YAML_ALIAS_LIMIT, YAML_DEPTH_LIMIT, YAML_SYNTAX, YamlDocument

TOOL = "examplecheck"
RUN_RULES = RuleSet(TOOL, applies_to=("every file",), title_ko="검사기", title_en="The checker")
CHECKER_CRASH = RUN_RULES.rule(
    "checker-crash",
    ko="검사기가 이 파일에서 예상하지 못한 예외로 멈췄습니다. 파일보다 검사기의 결함일 가능성이 "
    "큽니다.",
    en="The checker failed on this file with an unexpected exception: most likely a checker bug.",
    fix_ko="메시지와 파일을 저장소에 이슈로 알립니다.",
    fix_en="Please report it with the message and the file.",
)
CRASHED = "crashed"  # classification itself failed: reported once as checker-crash
KubernetesChecker = Callable[..., Any]


def load_kubernetes_checker() -> KubernetesChecker:
    """``examplecheck.kubernetes.check_kubernetes`` (imported only when a run needs it)."""
    try:
        from .kubernetes.check import check_kubernetes
    except ImportError as exc:
        raise CheckerCouldNotRun(f"the Kubernetes checker cannot be imported: {exc}") from exc
    return check_kubernetes


def run(
    paths: list[Path], config: Config, *, kubernetes_checker: KubernetesChecker | None = None
) -> Report:
    """Check every file under ``paths``; raises CheckerCouldNotRun when a tool is missing."""
    return _Run(config, kubernetes_checker).run(paths)


class _Run:
    def __init__(self, config: Config, kubernetes_checker: KubernetesChecker | None) -> None:
        self.config = config
        self.root = config.root
        self.kubernetes_checker = kubernetes_checker
        self.report = Report()
        self.checked_by: dict[str, list[Check]] = defaultdict(list)
        self.referenced: set[Path] = set()
        self.kubernetes_documents: list[YamlDocument] = []
        self.dockerfiles: list[hadolint.DockerfileInput] = []
        self.scripts: list[shellcheck.ScriptInput] = []
        self.page_blocks: list[shellcheck.ScriptInput] = []
        self.page_texts: list[tuple[ExampleFile, str]] = []
        self.pages: list[tuple[str, str]] = []  # (display, text): commands vs the CLIs' --help
        self.charts: dict[Path, list[str]] = defaultdict(list)
        self.rendered: dict[str, helm.RenderedTemplate] = {}
        self.chart_overlays: list[helm.Render] = []  # renders with values-*.yaml
        self.kustomizations: list[ExampleFile] = []
        self.kustomize: kustomize.Binary | None = None
        self.image_references: list[images.Reference] = []
        self.compose_fragments: set[Path] = set()  # files other Compose files extend
        self._yamllint_config: Any = None

    # -- the run --------------------------------------------------------------------------
    def run(self, paths: list[Path]) -> Report:
        files = discover(paths, self.root, pages_dir=self.config.pages_dir)
        examples = [self._classify(path) for path in files]
        self.report.extend(apply_exceptions(examples, self.config, paths))
        self._kustomize_parts(examples)
        self.compose_fragments = docker_compose.extended_files(
            [(e.documents, e.path) for e in examples if e.kind == COMPOSE]
        )
        for example in examples:
            self._guard(example.display, self._check_file, example)
        page_texts = [text for _, text in self.page_texts]
        self.report.extend(
            references.resolve(examples, self.referenced, page_texts, self.root, self._crash)
        )
        self._run_batches()
        for chart_dir, chart_files in sorted(self.charts.items()):
            self._guard(
                display_path(chart_dir / "Chart.yaml", self.root),
                self._check_chart,
                chart_dir,
                chart_files,
            )
        self._check_kubernetes()
        self._check_kustomizations()
        self._check_images()
        for example in examples:
            self.report.files[example.display] = example.kind
            labels = self.checked_by.get(example.display, [])
            self.report.checked_by[example.display] = _unique(labels)
        return self.report

    def _classify(self, path: Path) -> ExampleFile:
        display = display_path(path, self.root)
        try:
            return classify(path, display, self.root)
        except Exception as exc:  # bad input must become a finding, never a traceback
            self._crash(display, exc)
            return ExampleFile(path, display, CRASHED)

    # -- per file -------------------------------------------------------------------------
    def _check_file(self, example: ExampleFile) -> None:
        if example.kind in (EXCEPTION, CRASHED):
            return
        self.report.extend(example.load_findings)
        text = example.text
        if example.is_yaml and text is not None:
            self._yamllint(example, text)
        if example.kind == YAML:
            self.report.extend(non_mapping_documents(example))
        if example.kind in (HELM_CHART, HELM_TEMPLATE) and example.chart_root is not None:
            self.charts[example.chart_root].append(example.display)
        if text is None:
            return
        self.referenced |= text_references(example, text)
        if example.kind == KUBERNETES:
            self._kubernetes_file(example)
        elif example.kind == KUSTOMIZATION and example.documents:  # unreadable: yaml-syntax
            self.kustomizations.append(example)
        elif example.kind == COMPOSE and example.documents:
            findings, files = docker_compose.check(
                example.documents,
                example.path,
                example.display,
                timeout=self.config.tool_timeout,
                fragment=example.path.resolve() in self.compose_fragments,
            )
            self.report.extend(findings)
            self.referenced |= files
            for document in example.documents:
                self.image_references.extend(image_references.compose_references(document))
            if not any(f.rule == docker_compose.COMPOSE_UNCHECKED.id for f in findings):
                self._ran(example.display, docker_compose.TOOL)
        elif example.kind == DOCKERFILE:
            self._dockerfile(example, text)
        elif example.kind == SHELL:
            self.scripts.append(shellcheck.ScriptInput(example.display, text))
        elif example.kind == PAGE:
            blocks = shellcheck.page_blocks(text, example.display)
            self.page_blocks.extend(blocks)
            self.page_texts.append((example, "\n".join(b.text for b in blocks)))
            self.pages.append((example.display, text))
            self.image_references.extend(image_references.page_references(text, example.display))
        elif example.kind == PYTHON:
            self.report.extend(python_compile.check(text, example.display))
            self._ran(example.display, python_compile.TOOL)
        elif example.kind == JSON:
            self._json(example, text)

    def _yamllint(self, example: ExampleFile, text: str) -> None:
        # The loader refused the file as hostile; yamllint (pure Python) would take minutes.
        if any(f.rule in _LOADER_REFUSALS for f in example.load_findings):
            return
        if self._yamllint_config is None:  # parsed once per run
            self._yamllint_config = yamllint.load_config(self.config.yamllint_config)
        config = self._yamllint_config
        has_syntax = any(f.rule == YAML_SYNTAX.id for f in example.load_findings)
        self.report.extend(
            yamllint.lint(text, example.display, config, has_syntax_finding=has_syntax)
        )
        self._ran(example.display, yamllint.TOOL)

    def _kubernetes_file(self, example: ExampleFile) -> None:
        objects, findings = kubernetes_objects(example)
        self.kubernetes_documents.extend(objects)
        self.report.extend(findings)

    def _dockerfile(self, example: ExampleFile, text: str) -> None:
        findings, commands = buildkit.check(text, example.display)
        self.report.extend(findings)
        self._ran(example.display, buildkit.TOOL)
        after_heredoc = frozenset(c.end_line + 1 for c in commands if c.heredocs)
        self.dockerfiles.append(
            hadolint.DockerfileInput(example.path, example.display, after_heredoc)
        )
        self.referenced |= dockerfile_references(example.path.parent, commands)
        self.image_references.extend(
            image_references.dockerfile_references(commands, text, example.display)
        )

    def _json(self, example: ExampleFile, text: str) -> None:
        self.report.extend(json_syntax(example.display, text))
        self._ran(example.display, "json")

    # -- batches, charts, Kubernetes -----------------------------------------------------
    def _run_batches(self) -> None:
        timeout = self.config.tool_timeout
        self._batch(
            [d.display for d in self.dockerfiles],
            hadolint.TOOL,
            lambda: hadolint.check(
                self.dockerfiles, config=self.config.hadolint_config, timeout=timeout, cwd=self.root
            ),
        )
        self._batch(
            [s.display for s in self.scripts],
            shellcheck.TOOL,
            lambda: shellcheck.check(self.scripts, page_blocks=False, timeout=timeout),
        )
        self._batch(
            [b.display for b in self.page_blocks],
            shellcheck.TOOL,
            lambda: shellcheck.check(self.page_blocks, page_blocks=True, timeout=timeout),
        )
        if self.config.cli is not None:  # None: a Config made without conf/ (some tests)
            self._batch(
                [display for display, _ in self.pages],
                cli_flags.TOOL,
                lambda: cli_flags.check_pages(self.pages, self.config.cli, ci=self.config.ci),
            )

    def _batch(self, displays: list[str], tool: str, call: Callable[[], list[Finding]]) -> None:
        if not displays:
            return
        try:
            findings = call()
        except (CheckerCouldNotRun, ConfigError):
            raise
        except Exception as exc:
            for display in _unique(displays):
                self._crash(display, exc)
            return
        self.report.extend(findings)
        failed = {f.path for f in findings if f.rule in (TOOL_FAILED.id, TOOL_TIMEOUT.id)}
        for display in _unique(displays):
            if display not in failed:
                self._ran(display, tool)

    def _check_chart(self, chart_dir: Path, files: list[str]) -> None:
        result = helm.check_chart(chart_dir, self.root, files)
        self.report.extend(result.findings)
        for display in result.checked:
            self._ran(display, "helm-lint")
        for display in result.rendered:
            self._ran(display, "helm-render")
        self.rendered.update(result.rendered)
        self.kubernetes_documents.extend(result.documents)
        self.chart_overlays.extend(result.overlays)

    def _check_kubernetes(self) -> None:
        if not self.kubernetes_documents:
            return
        checker = self.kubernetes_checker or load_kubernetes_checker()
        found = self._kubernetes_findings(checker, self.kubernetes_documents, self.rendered)
        self.report.findings.extend(found)
        # Each values-*.yaml render is checked on its own (its objects share names with the
        # defaults' render); only what it adds is reported, saying which file it used.
        seen = {helm.finding_key(f) for f in found}
        for overlay in self.chart_overlays:
            if overlay.documents:
                moved = self._kubernetes_findings(checker, overlay.documents, overlay.rendered)
                self.report.findings.extend(helm.tagged(moved, overlay.label, seen))

    def _kubernetes_findings(
        self,
        checker: KubernetesChecker,
        documents: list[YamlDocument],
        rendered: dict[str, helm.RenderedTemplate],
        one_set: str | None = None,
    ) -> list[Finding]:
        extra = {"one_set": one_set} if one_set else {}
        try:
            result = checker(
                documents, versions=list(self.config.kubernetes_versions), root=self.root, **extra
            )
        except (CheckerCouldNotRun, ConfigError):
            raise
        except Exception as exc:
            for display in _unique(d.path for d in documents):
                self._crash(display, exc)
            return []
        if result.fatal:
            raise CheckerCouldNotRun(result.fatal)
        for path, labels in result.checked_by.items():
            self.checked_by[path].extend(labels)
        return [
            helm.remap(f, rendered[f.path]) if f.path in rendered else f for f in result.findings
        ]

    def _kustomize_parts(self, examples: list[ExampleFile]) -> None:
        """The resources and patches kustomizations read are checked in their renders (a
        patch alone is a partial object); without kustomize they stay plain manifests."""
        listed = [e for e in examples if e.kind == KUSTOMIZATION and e.documents]
        if not listed:
            return
        self.kustomize = kustomize.find_binary()
        if self.kustomize is None:
            message = kustomize.missing_binary_message()
            if os.environ.get("CI") == "true":
                raise CheckerCouldNotRun(message)
            for example in listed:
                self.report.findings.append(
                    TOOL_MISSING.finding(
                        example.display,
                        0,
                        0,
                        message + ": not rendered, its resources checked one by one",
                    )
                )
            return
        parts: set[Path] = set()
        for example in listed:
            parts |= kustomize.parts(example.path.resolve(), example.documents[0].data)
        for example in examples:
            if example.kind in (KUBERNETES, YAML) and example.path.resolve() in parts:
                example.kind = KUSTOMIZE_PART

    def _check_kustomizations(self) -> None:
        """Each kustomization rendered and checked; what several renders share is reported
        once, saying which build found it."""
        if self.kustomize is None:
            return
        checker = self.kubernetes_checker or load_kubernetes_checker()
        seen = {helm.finding_key(f) for f in self.report.findings}
        for example in self.kustomizations:
            if kustomize.is_component(example.documents):
                continue  # built only as part of the kustomization that lists it
            render = kustomize.build(
                self.kustomize,
                example.path,
                example.documents[0].data,
                self.root,
                timeout=self.config.tool_timeout,
            )
            self.report.extend(render.findings)
            if render.findings:
                continue
            self._ran(example.display, self.kustomize.label)
            if not render.documents:
                continue
            # What `kubectl apply -k` sends together is one set: an overlay's PDB selects the
            # base's pods although their files sit in different folders.
            folder = example.display.rpartition("/")[0] or "."
            found = self._kubernetes_findings(checker, render.documents, {}, one_set=folder)
            moved = [kustomize.remap(f, render) for f in found]
            self.report.findings.extend(helm.tagged(moved, render.label, seen))

    def _check_images(self) -> None:
        """Every image named is the handbook's own or listed in conf/images.yaml."""
        known = self.config.images
        if known is None:
            return
        references = list(self.image_references)
        from .kubernetes.lists import expand_lists  # loaded already: these documents were checked

        for document in expand_lists(self.kubernetes_documents, TOOL)[0]:
            try:
                found = image_references.kubernetes_references(document)
            except Exception as exc:
                self._crash(document.path, exc)
                continue
            references.extend(self._in_chart(found))
        # The rule guards what the site publishes (examples/, docs/), not the tests' fixtures.
        site = tuple(folder.rstrip("/") + "/" for folder in self.config.default_paths)
        references = [r for r in references if r.path.startswith(site)]
        for finding in images.check(references, known):
            rendered = self.rendered.get(finding.path)
            self.report.findings.append(helm.remap(finding, rendered) if rendered else finding)

    def _in_chart(self, found: list[images.Reference]) -> list[images.Reference]:
        """A rendered chart's image points at the values file that chose it, when one did."""
        moved = []
        for reference in found:
            if reference.path not in self.rendered:
                moved.append(reference)
                continue
            template = (self.root / reference.path).resolve()
            chart = next((c for c in self.charts if template.is_relative_to(c.resolve())), None)
            values = None
            if chart is not None:
                values = image_references.helm_values_reference(reference, chart, self.root)
            moved.append(values or reference)
        return moved

    # -- helpers --------------------------------------------------------------------------
    def _guard(self, display: str, call: Callable[..., None], *args: Any) -> None:
        try:
            call(*args)
        except (CheckerCouldNotRun, ConfigError):
            raise  # the checker cannot run: exit 2 with the reason
        except Exception as exc:
            self._crash(display, exc)

    def _crash(self, display: str, exc: BaseException) -> None:
        self.report.findings.append(
            CHECKER_CRASH.finding(
                display,
                0,
                0,
                f"the checker failed on this file ({type(exc).__name__}: {exc}); please report it",
            )
        )

    def _ran(self, display: str, tool: str) -> None:
        self.checked_by[display].append(Check(tool))


_LOADER_REFUSALS = frozenset({YAML_ALIAS_LIMIT.id, YAML_DEPTH_LIMIT.id})


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
