"""Run the example checker once per build, before any page is read, cached by content.

The checker (``examplecheck.api:check_paths`` unless ``example_checker`` names another
``module:function``) runs when Sphinx decides what to re-read, so every ``{example}`` on every
page sees the same findings. Results are cached on the environment by content hash: an
incremental build re-checks only the files (or Helm charts) that changed, and re-reads the
pages whose badge or warnings changed without their example changing (e.g. a new conf/).
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable, Iterable
from pathlib import Path

from example_state import (
    UnitResult,
    list_example_files,
    merge_info,
    purge_doc,
    repo_root,
    state_of,
    status_signature,
    unit_key_of,
)
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

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
    files = list_example_files(root)
    before = {path: status_signature(state, path) for path in state.example_files}
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
