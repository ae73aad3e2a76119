"""Run the example checker once per build and remember which pages show which examples.

The checker (``examplecheck.api:check_paths`` unless ``example_checker`` says otherwise) runs
when Sphinx decides what to re-read, before any page is read, so every ``{example}`` on every
page sees the same report. Results are cached on the environment by content hash: an
incremental build re-checks only the files (or Helm charts) that changed.

Refusals (errors in an example, orphan examples, missing includes, inline YAML) are recorded
while pages are read and emitted after reading on *every* build, so a broken site stays
broken until it is fixed, even when no page is re-read.
"""

from __future__ import annotations

import fnmatch
import hashlib
import importlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

EXAMPLES = "examples"
# Build by-products of running an example, never examples themselves.
_SKIPPED_DIRS = frozenset({"__pycache__", ".pytest_cache"})
_SKIPPED_SUFFIXES = frozenset({".pyc"})

Check = Callable[..., object]  # check_paths(paths: list[Path], root: Path) -> Report


@dataclass
class UnitResult:
    """What the checker said about one unit (a file, or a whole Helm chart)."""

    digest: str
    findings: list = field(default_factory=list)  # examplecheck.findings.Finding
    files: dict[str, str] = field(default_factory=dict)
    checked_by: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Refusal:
    """A reason the build must fail, found while reading a page."""

    subtype: str  # "missing" | "inline"
    message: str
    lineno: int


@dataclass
class ExampleState:
    """Everything the example machinery keeps between builds (pickled with the env)."""

    units: dict[str, UnitResult] = field(default_factory=dict)
    # docname -> example path ("examples/...") -> line of the first include on that page
    usage: dict[str, dict[str, int]] = field(default_factory=dict)
    refusals: dict[str, list[Refusal]] = field(default_factory=dict)
    catalogue_docs: set[str] = field(default_factory=set)
    example_files: list[str] = field(default_factory=list)
    catalogue_fingerprint: str = ""

    # --- the combined view of all units
    def findings_for(self, path: str) -> list:
        unit = self.units.get(unit_key_of(path, self.example_files))
        if unit is None:
            return []
        found = {f for f in unit.findings if f.path == path}
        return sorted(found, key=lambda f: f.sort_key())

    def kind_of(self, path: str) -> str:
        unit = self.units.get(unit_key_of(path, self.example_files))
        return unit.files.get(path, "") if unit else ""

    def checked_by(self, path: str) -> list[str]:
        unit = self.units.get(unit_key_of(path, self.example_files))
        return list(unit.checked_by.get(path, [])) if unit else []

    def pages_using(self, path: str) -> list[str]:
        return sorted(doc for doc, used in self.usage.items() if path in used)

    def pages_using_unit(self, path: str) -> list[str]:
        """Pages that show any file of the Helm chart ``path`` belongs to (or ``path``)."""
        unit = unit_key_of(path, self.example_files)
        return sorted(
            doc
            for doc, used in self.usage.items()
            if any(unit_key_of(other, self.example_files) == unit for other in used)
        )


def state_of(env: BuildEnvironment) -> ExampleState:
    """The environment's example state, created on first use (a fresh env has none)."""
    state = getattr(env, "example_state", None)
    if state is None:
        state = ExampleState()
        env.example_state = state  # type: ignore[attr-defined]
    return state


# --- where the examples are


def repo_root(config: Config, srcdir: str | Path) -> Path:
    """The folder holding ``examples/`` and ``conf/``: the config value, or the docs' parent."""
    configured = config.example_repo_root
    return Path(configured) if configured else Path(srcdir).parent


def list_example_files(root: Path) -> list[str]:
    """Every file under ``root/examples`` as a repo-relative POSIX path, sorted."""
    found = []
    base = root / EXAMPLES
    for folder, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIPPED_DIRS)
        for name in sorted(filenames):
            file = Path(folder) / name
            if file.suffix in _SKIPPED_SUFFIXES:
                continue
            found.append(PurePosixPath(file.relative_to(root)).as_posix())
    return sorted(found)


def chart_root_of(path: str, example_files: Iterable[str]) -> str | None:
    """The Helm chart folder ``path`` belongs to (nearest folder with a Chart.yaml), if any."""
    files = set(example_files)
    for parent in PurePosixPath(path).parents:
        if (parent / "Chart.yaml").as_posix() in files:
            return parent.as_posix()
    return None


def unit_key_of(path: str, example_files: Iterable[str]) -> str:
    """A chart is checked as one unit (its templates need its values); any other file alone."""
    return chart_root_of(path, example_files) or path


def _digest(root: Path, paths: Iterable[str], salt: str) -> str:
    sha = hashlib.sha256(salt.encode())
    for path in sorted(paths):
        sha.update(path.encode() + b"\0")
        sha.update((root / path).read_bytes())
        sha.update(b"\0")
    return sha.hexdigest()


def _conf_fingerprint(root: Path) -> str:
    """The checker's settings: a change in conf/ re-checks everything."""
    conf = root / "conf"
    files = sorted(p for p in conf.glob("*.y*ml")) if conf.is_dir() else []
    sha = hashlib.sha256()
    for file in files:
        sha.update(file.name.encode() + b"\0" + file.read_bytes())
    return sha.hexdigest()


def load_checker(dotted: str) -> Check:
    """``module:function`` → the function; a clear build error when it cannot be imported."""
    module_name, _, attr = dotted.partition(":")
    try:
        return getattr(importlib.import_module(module_name), attr or "check_paths")
    except (ImportError, AttributeError) as exc:
        raise ExtensionError(f"example_checker {dotted!r} cannot be loaded: {exc}") from exc


def _status_signature(state: ExampleState, path: str) -> tuple:
    """What a page shows about an example; when it changes the page must be re-read."""
    return (
        state.kind_of(path),
        tuple(state.checked_by(path)),
        tuple((*f.sort_key(), f.message) for f in state.findings_for(path)),
    )


def refresh_checks(
    app: Sphinx, env: BuildEnvironment, added: set, changed: set, removed: set
) -> list[str]:
    """``env-get-outdated``: re-check changed units; return pages whose badges changed."""
    state = state_of(env)
    root = repo_root(app.config, app.srcdir)
    files = list_example_files(root)
    before = {path: _status_signature(state, path) for path in state.example_files}
    salt = _conf_fingerprint(root)

    grouped: dict[str, list[str]] = {}
    for path in files:
        grouped.setdefault(unit_key_of(path, files), []).append(path)
    digests = {unit: _digest(root, members, salt) for unit, members in grouped.items()}
    stale = sorted(u for u, d in digests.items() if getattr(state.units.get(u), "digest", "") != d)

    results: dict[str, UnitResult] = {u: state.units[u] for u in grouped if u not in stale}
    if stale:
        check = load_checker(app.config.example_checker)
        logger.info("checking %d example unit(s) with %s", len(stale), app.config.example_checker)
        try:
            report = check([root / unit for unit in stale], root=root)
        except Exception as exc:  # a missing tool or a bad conf/ must fail the build, clearly
            logger.warning(
                "the example checker could not run (%s): %s",
                type(exc).__name__,
                exc,
                type="example",
                subtype="checker",
            )
            state.example_files = files
            state.units = results  # stale units stay unchecked and are retried next build
            return []
        for unit in stale:
            results[unit] = UnitResult(digests[unit])
        for path, kind in report.files.items():
            if path in grouped.get(unit_key_of(path, files), ()):
                results[unit_key_of(path, files)].files[path] = kind
        for path, tools in report.checked_by.items():
            if path in grouped.get(unit_key_of(path, files), ()):
                results[unit_key_of(path, files)].checked_by[path] = list(tools)
        for finding in report.findings:
            # Findings about conf/ or the pages are the validate session's business.
            if finding.path in grouped.get(unit_key_of(finding.path, files), ()):
                results[unit_key_of(finding.path, files)].findings.append(finding)
    state.units = results
    state.example_files = files

    after = {path: _status_signature(state, path) for path in files}
    changed_paths = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    return sorted({doc for doc, used in state.usage.items() if changed_paths & set(used)})


# --- recording while pages are read


def note_usage(env: BuildEnvironment, path: str, lineno: int) -> None:
    state_of(env).usage.setdefault(env.docname, {}).setdefault(path, lineno)


def note_refusal(env: BuildEnvironment, subtype: str, message: str, lineno: int) -> None:
    state_of(env).refusals.setdefault(env.docname, []).append(Refusal(subtype, message, lineno))


def purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    state = state_of(env)
    state.usage.pop(docname, None)
    state.refusals.pop(docname, None)
    state.catalogue_docs.discard(docname)


def merge_info(
    app: Sphinx, env: BuildEnvironment, docnames: Iterable[str], other: BuildEnvironment
) -> None:
    mine, theirs = state_of(env), state_of(other)
    for docname in docnames:
        if docname in theirs.usage:
            mine.usage[docname] = theirs.usage[docname]
        if docname in theirs.refusals:
            mine.refusals[docname] = theirs.refusals[docname]
        if docname in theirs.catalogue_docs:
            mine.catalogue_docs.add(docname)


# --- refusals, emitted on every build


def is_support_file(path: str, support: dict[str, str]) -> bool:
    """Listed in ``example_support_files`` (glob → reason): used by other examples, not shown."""
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in support)


def orphans(state: ExampleState, support: dict[str, str]) -> list[str]:
    """Example files no page shows.

    A file counts as shown when a page includes it, or when it belongs to a Helm chart of
    which a page includes any file (a chart is one example: its templates need its values).
    """
    shown = {path for used in state.usage.values() for path in used}
    shown_units = {unit_key_of(path, state.example_files) for path in shown}
    return [
        path
        for path in state.example_files
        if path not in shown
        and unit_key_of(path, state.example_files) not in shown_units
        and not is_support_file(path, support)
    ]


def emit_refusals(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: warn about everything that must block publishing; refresh the catalogue."""
    state = state_of(env)
    for docname in sorted(state.refusals):
        for refusal in state.refusals[docname]:
            logger.warning(
                refusal.message,
                type="example",
                subtype=refusal.subtype,
                location=(docname, refusal.lineno),
            )
    support = app.config.example_support_files
    for pattern, reason in support.items():
        if not str(reason).strip():
            logger.warning(
                "example_support_files: %r needs a reason",
                pattern,
                type="example",
                subtype="config",
            )
    for path in orphans(state, support):
        logger.warning(
            "%s: example file is not shown on any page; include it with {example} "
            "or remove it (or list it in example_support_files with a reason)",
            path,
            type="example",
            subtype="orphan",
        )
    for path in state.example_files:
        for finding in state.findings_for(path):
            if str(finding.severity) != "error":
                continue
            pages = ", ".join(state.pages_using(path)) or "no page"
            logger.warning(
                "%s:%d: %s [%s/%s] (shown on: %s)",
                path,
                finding.line,
                finding.message,
                finding.tool,
                finding.rule,
                pages,
                type="example",
                subtype="error",
            )
    fingerprint = catalogue_fingerprint(state)
    if fingerprint != state.catalogue_fingerprint:
        state.catalogue_fingerprint = fingerprint
        return sorted(state.catalogue_docs & env.found_docs)
    return []


def catalogue_fingerprint(state: ExampleState) -> str:
    """What the catalogue shows; it is re-written only when this changes."""
    sha = hashlib.sha256()
    for path in state.example_files:
        pages = (state.pages_using(path), state.pages_using_unit(path))
        sha.update(repr((path, pages, _status_signature(state, path))).encode())
    return sha.hexdigest()


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("example_checker", "examplecheck.api:check_paths", "env", types=[str])
    app.add_config_value("example_repo_root", None, "env", types=[str, type(None)])
    # glob -> reason: files under examples/ that other examples use and no page shows
    app.add_config_value("example_support_files", {}, "env", types=[dict])
    app.connect("env-get-outdated", refresh_checks)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    app.connect("env-updated", emit_refusals)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
