"""The entry point the site extension, the CLI and the tests call."""

from __future__ import annotations

from pathlib import Path

from .catalogue import UnregisteredRule, require_registered
from .config import ConfigError, load_config
from .discover import UsageError
from .executables import CheckerCouldNotRun
from .findings import Report
from .run import KubernetesChecker, run

__all__ = ["CheckerCouldNotRun", "ConfigError", "UsageError", "check_paths"]


def check_paths(
    paths: list[Path],
    *,
    root: Path,
    kubernetes_versions: list[str] | None = None,
    kubernetes_checker: KubernetesChecker | None = None,
) -> Report:
    """Check ``paths`` (files or folders, relative to ``root`` or absolute).

    ``kubernetes_versions`` overrides conf/versions.yaml. Raises UsageError (a path does not
    exist), ConfigError (conf/ unusable) or CheckerCouldNotRun (a tool is missing): the CLI
    turns each into exit status 2.
    """
    config = load_config(root, kubernetes_versions)
    report = run(paths, config, kubernetes_checker=kubernetes_checker)
    try:
        require_registered(report.findings)
    except UnregisteredRule as exc:
        raise CheckerCouldNotRun(str(exc)) from exc
    return report
