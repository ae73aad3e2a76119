"""Refuse to publish what is broken or unused, on every build.

Errors in an example, example files no page shows (orphans), includes of missing files and
inline YAML are Sphinx warnings (type ``example``), so ``sphinx-build -W`` fails. They are
emitted after reading on *every* build, not only when the page is read, so a broken site
stays broken until it is fixed even when nothing is re-read.
"""

from __future__ import annotations

import fnmatch

from example_state import ExampleState, chart_or_file, state_of
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)


def is_support_file(path: str, support: dict[str, str]) -> bool:
    """Listed in ``example_support_files`` (glob → reason): used by other examples, not shown."""
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in support)


def orphans(state: ExampleState, support: dict[str, str]) -> list[str]:
    """Example files no page shows.

    A file counts as shown when a page includes it, or when it belongs to a Helm chart of
    which a page includes any file (a chart is one example: its templates need its values).
    """
    shown = {path for used in state.usage.values() for path in used}
    shown_charts = {chart_or_file(path, state.example_files) for path in shown}
    return [
        path
        for path in state.example_files
        if path not in shown
        and chart_or_file(path, state.example_files) not in shown_charts
        and not is_support_file(path, support)
    ]


def emit_refusals(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: warn about everything that must block publishing."""
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


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("example_checks")
    # glob -> reason: files under examples/ that other examples use and no page shows
    app.add_config_value("example_support_files", {}, "env", types=[dict])
    app.connect("env-updated", emit_refusals)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
