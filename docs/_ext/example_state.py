"""What the example machinery remembers between builds (pickled with the environment).

Which pages show which example files, what the checker said about each, and the refusals
found while reading pages. Paths are repository-relative POSIX strings ("examples/...").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment

from examplecheck.discover import chart_root_of


@dataclass
class UnitResult:
    """What the checker said about one unit (a file, or a whole Helm chart)."""

    digest: str
    findings: list = field(default_factory=list)  # examplecheck.findings.Finding
    files: dict[str, str] = field(default_factory=dict)
    checked_by: dict[str, list] = field(default_factory=dict)  # examplecheck.findings.Check


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
    # example path -> the unit it was checked in (examplecheck.discover.check_unit_of)
    unit_of: dict[str, str] = field(default_factory=dict)
    catalogue_fingerprint: str = ""

    # --- the combined view of all units
    def findings_for(self, path: str) -> list:
        unit = self.units.get(self.unit_of.get(path, ""))
        if unit is None:
            return []
        found = {f for f in unit.findings if f.path == path}
        return sorted(found, key=lambda f: f.sort_key())

    def kind_of(self, path: str) -> str:
        unit = self.units.get(self.unit_of.get(path, ""))
        return unit.files.get(path, "") if unit else ""

    def checked_by(self, path: str) -> list:
        unit = self.units.get(self.unit_of.get(path, ""))
        return list(unit.checked_by.get(path, [])) if unit else []

    def pages_using(self, path: str) -> list[str]:
        return sorted(doc for doc, used in self.usage.items() if path in used)

    def pages_using_chart(self, path: str) -> list[str]:
        """Pages that show any file of the Helm chart ``path`` belongs to (or ``path``)."""
        bundle = chart_or_file(path, self.example_files)
        return sorted(
            doc
            for doc, used in self.usage.items()
            if any(chart_or_file(other, self.example_files) == bundle for other in used)
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


def chart_or_file(path: str, example_files: Iterable[str]) -> str:
    """A Helm chart is one example (its templates need its values); any other file is one."""
    return chart_root_of(path, example_files) or path


def status_signature(state: ExampleState, path: str) -> tuple:
    """What a page shows about an example; when it changes the page must be re-read."""
    return (
        state.kind_of(path),
        tuple(state.checked_by(path)),
        tuple((*f.sort_key(), f.message) for f in state.findings_for(path)),
    )


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
