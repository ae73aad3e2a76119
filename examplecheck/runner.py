"""One run: discover → classify → check each file with its tools → one Report."""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from . import (
    cli_flags,
    docker_compose,
    dockerfile_check,
    hadolint,
    helm_chart,
    image_references,
    images,
    kustomize,
    python_check,
    shellcheck,
    yamllint_check,
)
from .classify import (
    COMPOSE,
    DATA,
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
    UNKNOWN,
    YAML,
    ExampleFile,
    classify,
    matches,
)
from .config import Config, ListedFile
from .discover import discover, display_path
from .findings import Finding, Report, Severity
from .tools import CheckerCouldNotRun
from .yamlload import YamlDocument

TOOL = "examplecheck"
CRASHED = "crashed"  # classification itself failed: reported once as checker-crash
KubernetesChecker = Callable[..., Any]
# `kubectl create configmap --from-file=key=path`, `--from-env-file`, `docker run --env-file`.
_FILE_FLAG = re.compile(r"--(?:from-file|from-env-file|env-file)[= ]+['\"]?([^\s'\";|&]+)")


def load_kubernetes_checker() -> KubernetesChecker:
    """``examplecheck.kubernetes.check_kubernetes`` (imported only when a run needs it)."""
    try:
        from .kubernetes import check_kubernetes
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
        self.checked_by: dict[str, list[str]] = defaultdict(list)
        self.referenced: set[Path] = set()
        self.kubernetes_documents: list[YamlDocument] = []
        self.dockerfiles: list[hadolint.DockerfileInput] = []
        self.scripts: list[shellcheck.ScriptInput] = []
        self.page_blocks: list[shellcheck.ScriptInput] = []
        self.page_texts: list[tuple[ExampleFile, str]] = []
        self.pages: list[tuple[str, str]] = []  # (display, text): commands vs the CLIs' --help
        self.charts: dict[Path, list[str]] = defaultdict(list)
        self.rendered: dict[str, helm_chart.RenderedTemplate] = {}
        self.chart_overlays: list[helm_chart.Render] = []  # renders with values-*.yaml
        self.kustomizations: list[ExampleFile] = []
        self.kustomize: kustomize.Binary | None = None
        self.image_references: list[images.Reference] = []
        self.compose_fragments: set[Path] = set()  # files other Compose files extend
        self._yamllint_config: Any = None

    # -- the run --------------------------------------------------------------------------
    def run(self, paths: list[Path]) -> Report:
        files = discover(paths, self.root, pages_dir=self.config.pages_dir)
        examples = [self._classify(path) for path in files]
        self._apply_conf(examples, paths)
        self._kustomize_parts(examples)
        self.compose_fragments = docker_compose.extended_files(
            [(e.documents, e.path) for e in examples if e.kind == COMPOSE]
        )
        for example in examples:
            self._guard(example.display, self._check_file, example)
        self._resolve_references(examples)
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

    def _apply_conf(self, examples: list[ExampleFile], paths: list[Path]) -> None:
        """`unchecked:` entries take files out with their reason; `data:` marks inputs.
        An entry that matches nothing under the checked paths is stale: an error."""
        for example in examples:
            listed = _first_match(example.display, self.config.unchecked)
            if listed is not None:
                example.kind, example.reason = EXCEPTION, listed.reason
                continue
            listed = _first_match(example.display, self.config.data)
            if listed is not None and example.kind == UNKNOWN:
                example.kind, example.reason = DATA, listed.reason
        scopes = [display_path(p if p.is_absolute() else self.root / p, self.root) for p in paths]
        displays = [e.display for e in examples]
        for section, entries in (("unchecked", self.config.unchecked), ("data", self.config.data)):
            for entry in entries:
                in_scope = any(s in ("", ".") or matches(entry.pattern, s) for s in scopes)
                if in_scope and not any(matches(d, entry.pattern) for d in displays):
                    self.report.findings.append(
                        Finding(
                            self.config.exceptions_file,
                            entry.line,
                            1,
                            Severity.ERROR,
                            "stale-exception",
                            TOOL,
                            f"`{section}` entry {entry.pattern!r} matches no file: remove it",
                        )
                    )

    # -- per file -------------------------------------------------------------------------
    def _check_file(self, example: ExampleFile) -> None:
        if example.kind in (EXCEPTION, CRASHED):
            return
        self.report.extend(example.load_findings)
        text = example.text
        if example.is_yaml and text is not None:
            self._yamllint(example, text)
        if example.kind == YAML:
            self.report.extend(_non_mapping_documents(example))
        if example.kind in (HELM_CHART, HELM_TEMPLATE) and example.chart_root is not None:
            self.charts[example.chart_root].append(example.display)
        if text is None:
            return
        self.referenced |= _text_references(example, text)
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
            if not any(f.rule == "compose-unchecked" for f in findings):
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
            self.report.extend(python_check.check(text, example.display))
            self._ran(example.display, python_check.TOOL)
        elif example.kind == JSON:
            self._json(example, text)

    def _yamllint(self, example: ExampleFile, text: str) -> None:
        # The loader refused the file as hostile; yamllint (pure Python) would take minutes.
        if any(f.rule in _LOADER_REFUSALS for f in example.load_findings):
            return
        if self._yamllint_config is None:  # parsed once per run
            self._yamllint_config = yamllint_check.load_config(self.config.yamllint_config)
        config = self._yamllint_config
        has_syntax = any(f.rule == "yaml-syntax" for f in example.load_findings)
        self.report.extend(
            yamllint_check.lint(text, example.display, config, has_syntax_finding=has_syntax)
        )
        self._ran(example.display, yamllint_check.TOOL)

    def _kubernetes_file(self, example: ExampleFile) -> None:
        for document in example.documents:
            data = document.data
            if isinstance(data, dict) and data.get("apiVersion") and data.get("kind"):
                self.kubernetes_documents.append(document)
                continue
            mapping = data if isinstance(data, dict) else {}
            missing = [k for k in ("apiVersion", "kind") if not mapping.get(k)]
            self.report.findings.append(
                Finding(
                    example.display,
                    document.line,
                    1,
                    Severity.ERROR,
                    "kubernetes-object-incomplete",
                    TOOL,
                    f"document {document.index + 1} has no {' or '.join(missing)}: "
                    "not a Kubernetes object, so nothing could check it",
                )
            )

    def _dockerfile(self, example: ExampleFile, text: str) -> None:
        findings, commands = dockerfile_check.check(text, example.display)
        self.report.extend(findings)
        self._ran(example.display, dockerfile_check.TOOL)
        after_heredoc = frozenset(c.end_line + 1 for c in commands if c.heredocs)
        self.dockerfiles.append(
            hadolint.DockerfileInput(example.path, example.display, after_heredoc)
        )
        self.referenced |= _dockerfile_references(example.path.parent, commands)
        self.image_references.extend(
            image_references.dockerfile_references(commands, text, example.display)
        )

    def _json(self, example: ExampleFile, text: str) -> None:
        try:
            json.loads(text)
        except ValueError as exc:
            line, column = getattr(exc, "lineno", 1), getattr(exc, "colno", 1)
            finding = Finding(
                example.display, line, column, Severity.ERROR, "json-syntax", "json", str(exc)
            )
            self.report.findings.append(finding)
        self._ran(example.display, "json")

    # -- references: which plain files are inputs of an example ---------------------------
    def _resolve_references(self, examples: list[ExampleFile]) -> None:
        """Unclassified files referred to by another example are its data; the rest errors."""
        # Pages run commands from various folders: a page's reference matches by path suffix.
        page_refs = [
            match.group(1).rsplit("=", 1)[-1].removeprefix("./")
            for _, text in self.page_texts
            for match in _FILE_FLAG.finditer(text)
        ]
        unknown = [e for e in examples if e.kind == UNKNOWN]
        if any(e.path.resolve() not in self.referenced for e in unknown):
            self.referenced |= self._sibling_references(unknown, examples)
        for example in unknown:
            if example.path.resolve() in self.referenced or any(
                ref and (example.display == ref or example.display.endswith("/" + ref))
                for ref in page_refs
            ):
                example.kind = DATA
                continue
            self.report.findings.append(
                Finding(
                    example.display,
                    0,
                    0,
                    Severity.ERROR,
                    "unclassified-file",
                    TOOL,
                    "not a Kubernetes manifest, Compose file, Dockerfile, shell script, Python, "
                    "YAML or page, and no example refers to it: list it in conf/exceptions.yaml "
                    "(`data:` or `unchecked:`) with a reason",
                )
            )

    def _sibling_references(
        self, unknown: list[ExampleFile], examples: list[ExampleFile]
    ) -> set[Path]:
        """References from the files next to an unclassified one that this run did not take
        (a writer checking one file): its folder is its example set."""
        seen = {e.path for e in examples}
        references: set[Path] = set()
        for folder in sorted({e.path.parent for e in unknown}):
            for sibling in sorted(folder.iterdir()):
                if sibling in seen or not sibling.is_file():
                    continue
                seen.add(sibling)
                try:
                    references |= _all_references(classify(sibling, sibling.name, self.root))
                except Exception:  # a sibling's problems belong to its own run
                    continue
        return references

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
        except CheckerCouldNotRun:
            raise
        except Exception as exc:
            for display in _unique(displays):
                self._crash(display, exc)
            return
        self.report.extend(findings)
        failed = {f.path for f in findings if f.rule in ("tool-failed", "tool-timeout")}
        for display in _unique(displays):
            if display not in failed:
                self._ran(display, tool)

    def _check_chart(self, chart_dir: Path, files: list[str]) -> None:
        result = helm_chart.check_chart(chart_dir, self.root, files)
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
        seen = {helm_chart.finding_key(f) for f in found}
        for overlay in self.chart_overlays:
            if overlay.documents:
                moved = self._kubernetes_findings(checker, overlay.documents, overlay.rendered)
                self.report.findings.extend(helm_chart.tagged(moved, overlay.label, seen))

    def _kubernetes_findings(
        self,
        checker: KubernetesChecker,
        documents: list[YamlDocument],
        rendered: dict[str, helm_chart.RenderedTemplate],
        one_set: str | None = None,
    ) -> list[Finding]:
        extra = {"one_set": one_set} if one_set else {}
        try:
            result = checker(
                documents, versions=list(self.config.kubernetes_versions), root=self.root, **extra
            )
        except CheckerCouldNotRun:
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
            helm_chart.remap(f, rendered[f.path]) if f.path in rendered else f
            for f in result.findings
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
                    Finding(
                        example.display,
                        0,
                        0,
                        Severity.WARNING,
                        "tool-missing",
                        TOOL,
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
        seen = {helm_chart.finding_key(f) for f in self.report.findings}
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
            self.report.findings.extend(helm_chart.tagged(moved, render.label, seen))

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
            self.report.findings.append(
                helm_chart.remap(finding, rendered) if rendered else finding
            )

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
        except (CheckerCouldNotRun, yamllint_check.YamllintConfigUnusable):
            raise  # the checker cannot run: exit 2 with the reason
        except Exception as exc:
            self._crash(display, exc)

    def _crash(self, display: str, exc: BaseException) -> None:
        self.report.findings.append(
            Finding(
                display,
                0,
                0,
                Severity.ERROR,
                "checker-crash",
                TOOL,
                f"the checker failed on this file ({type(exc).__name__}: {exc}); please report it",
            )
        )

    def _ran(self, display: str, tool: str) -> None:
        self.checked_by[display].append(tool)


_LOADER_REFUSALS = frozenset({"yaml-alias-limit", "yaml-depth-limit"})


def _non_mapping_documents(example: ExampleFile) -> list[Finding]:
    """A top-level list or scalar is none of the things an example here can be."""
    findings = []
    for document in example.documents:
        if isinstance(document.data, dict):
            continue
        shape = "a list" if isinstance(document.data, list) else "a scalar"
        findings.append(
            Finding(
                example.display,
                document.line,
                1,
                Severity.ERROR,
                "yaml-not-a-mapping",
                TOOL,
                f"document {document.index + 1} is {shape}, not a mapping: not a Kubernetes "
                "object (kubectl cannot apply it), a Compose file or a configuration file",
            )
        )
    return findings


def _first_match(display: str, entries: Iterable[ListedFile]) -> ListedFile | None:
    return next((e for e in entries if matches(display, e.pattern)), None)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _text_references(example: ExampleFile, text: str) -> set[Path]:
    """Files named by flags (also in comments: "made with kubectl create configmap
    --from-file=app.properties") and by kustomization generators."""
    folder = example.path.parent
    references: set[Path] = set()
    if example.kind in (KUBERNETES, YAML, COMPOSE, SHELL, DOCKERFILE):
        for match in _FILE_FLAG.finditer(text):
            references |= _reference_glob(folder, match.group(1).rsplit("=", 1)[-1])
    if example.kind in (KUBERNETES, YAML):
        for document in example.documents:
            references |= _generator_references(folder, document.data)
    return references


def _generator_references(folder: Path, data: Any) -> set[Path]:
    """kustomization.yaml's configMapGenerator/secretGenerator `files`, `envs`, `env`."""
    references: set[Path] = set()
    if not isinstance(data, dict):
        return references
    for section in ("configMapGenerator", "secretGenerator"):
        for generator in data.get(section) or []:
            if not isinstance(generator, dict):
                continue
            for key in ("files", "envs", "env"):
                values = generator.get(key) or []
                for value in values if isinstance(values, list) else [values]:
                    if isinstance(value, str):
                        references |= _reference_glob(folder, value.rsplit("=", 1)[-1])
    return references


def _dockerfile_references(folder: Path, commands: list) -> set[Path]:
    """COPY/ADD sources in the build context (the Dockerfile's folder) and .dockerignore."""
    references = {(folder / ".dockerignore").resolve()}  # read by `docker build .`
    for command in commands:
        if command.cmd.lower() not in ("copy", "add") or command.heredocs:
            continue
        if any(flag.startswith("--from") for flag in command.flags):
            continue
        for source in command.value[:-1]:
            if "://" not in source and "$" not in source:
                references |= _reference_glob(folder, source)
    return references


def _all_references(example: ExampleFile) -> set[Path]:
    """Everything ``example`` refers to, without its findings (for files outside the run)."""
    if example.text is None:
        return set()
    references = _text_references(example, example.text)
    if example.kind == COMPOSE and example.documents:
        references |= docker_compose.references(example.documents, example.path)
    elif example.kind == DOCKERFILE:
        _, commands = dockerfile_check.check(example.text, example.display)
        references |= _dockerfile_references(example.path.parent, commands)
    return references


def _reference_glob(folder: Path, pattern: str) -> set[Path]:
    pattern = pattern.strip().lstrip("/")  # COPY /x is relative to the build context too
    if not pattern:
        return set()
    if pattern.startswith("..") or not any(c in pattern for c in "*?["):
        candidates = [(folder / pattern).resolve()]
    else:
        candidates = [p.resolve() for p in folder.glob(pattern)]
    references: set[Path] = set()
    for candidate in candidates:
        if candidate.is_dir():
            references.update(p.resolve() for p in candidate.rglob("*") if p.is_file())
        else:
            references.add(candidate)
    return references
