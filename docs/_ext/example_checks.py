"""Run the example checker once per build, before any page is read, cached by content.

The checker (``examplecheck.api:check_paths`` unless ``example_checker`` names another
``module:function``) runs when Sphinx decides what to re-read, so every ``{example}`` on every
page sees the same findings. Results are cached on the environment by content hash: an
incremental build re-checks only the units that changed and re-reads the pages whose badge or
warnings changed without their example changing (e.g. after a change in conf/).

A unit is what the checker must see together: a Helm chart, else an example set (a folder, or
the folders conf/sets.yaml groups). References across sets, such as a Compose build context in
another folder, are re-checked when the referring set changes; ``nox -s validate`` checks all.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable, Iterable
from pathlib import Path

from example_state import (
    UnitResult,
    merge_info,
    purge_doc,
    repo_root,
    state_of,
    status_signature,
)
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

from examplecheck import discover
from examplecheck.settings import ConfigError

logger = logging.getLogger(__name__)

Check = Callable[..., object]  # check_paths(paths: list[Path], *, root: Path) -> Report


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


def refresh_checks(
    app: Sphinx, env: BuildEnvironment, added: set, changed: set, removed: set
) -> list[str]:
    """``env-get-outdated``: re-check changed units; return pages whose badges changed."""
    state = state_of(env)
    root = repo_root(app.config, app.srcdir)
    files = discover.example_files(root)
    before = {path: status_signature(state, path) for path in state.example_files}
    salt = _conf_fingerprint(root)

    try:
        groups = discover.set_groups(root)
    except ConfigError as exc:  # the checker says the same, and the build must fail
        logger.warning("%s", exc, type="example", subtype="checker")
        groups = {}
    unit_of = {path: discover.check_unit_of(path, files, groups) for path in files}
    grouped: dict[str, list[str]] = {}
    for path in files:
        grouped.setdefault(unit_of[path], []).append(path)
    digests = {unit: _digest(root, members, salt) for unit, members in grouped.items()}
    stale = sorted(u for u, d in digests.items() if getattr(state.units.get(u), "digest", "") != d)

    results: dict[str, UnitResult] = {u: state.units[u] for u in grouped if u not in stale}
    if stale:
        check = load_checker(app.config.example_checker)
        logger.info("checking %d example unit(s) with %s", len(stale), app.config.example_checker)
        try:
            report = check([root / p for unit in stale for p in grouped[unit]], root=root)
        except Exception as exc:  # a missing tool or a bad conf/ must fail the build, clearly
            logger.warning(
                "the example checker could not run (%s): %s",
                type(exc).__name__,
                exc,
                type="example",
                subtype="checker",
            )
            state.example_files, state.unit_of = files, unit_of
            state.units = results  # stale units stay unchecked and are retried next build
            return []
        for unit in stale:
            results[unit] = UnitResult(digests[unit])
        # Findings about conf/ or the pages are the validate session's business, not a page's.
        for path, kind in report.files.items():
            if path in unit_of:
                results[unit_of[path]].files[path] = kind
        for path, tools in report.checked_by.items():
            if path in unit_of:
                results[unit_of[path]].checked_by[path] = list(tools)
        for finding in report.findings:
            if finding.path in unit_of:
                results[unit_of[finding.path]].findings.append(finding)
    state.units = results
    state.example_files, state.unit_of = files, unit_of

    after = {path: status_signature(state, path) for path in files}
    changed_paths = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    return sorted({doc for doc, used in state.usage.items() if changed_paths & set(used)})


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("example_checker", "examplecheck.api:check_paths", "env", types=[str])
    app.add_config_value("example_repo_root", None, "env", types=[str, type(None)])
    app.connect("env-get-outdated", refresh_checks)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
