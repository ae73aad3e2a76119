"""``python -m examplecheck [PATH ...] [--format text|json|github] [--kubernetes-version X.Y]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .api import CheckerCouldNotRun, ConfigError, UsageError, check_paths
from .config import VERSION_RE, site_url
from .report import FORMATS, render, schema_engine_line

EXIT_OK, EXIT_FINDINGS, EXIT_COULD_NOT_RUN = 0, 1, 2


def _version(value: str) -> str:
    if not VERSION_RE.match(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a Kubernetes minor version like 1.35")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="examplecheck",
        description="Check the handbook's examples (Kubernetes manifests, Compose files, "
        "Dockerfiles, shell scripts and the pages' shell blocks, Helm charts) with the "
        "field's own tools. Exit status: 0 no errors, 1 errors found, 2 could not run.",
    )
    p.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or folders (default: examples/ and the Markdown pages under docs/)",
    )
    p.add_argument("--format", choices=FORMATS, default="text", help="output format")
    p.add_argument(
        "--kubernetes-version",
        action="append",
        type=_version,
        metavar="X.Y",
        dest="versions",
        help="check against this Kubernetes version (repeatable; default: conf/versions.yaml)",
    )
    p.add_argument(
        "--root",
        type=Path,
        default=None,
        help="repository root holding conf/ (default: the nearest folder up with conf/)",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)  # usage errors exit 2 (argparse)
    cwd = Path.cwd()
    root = (args.root or find_root(cwd)).resolve()
    paths = [cwd / p for p in args.paths] or [root / "examples", root / "docs"]
    if not args.paths:
        paths = [p for p in paths if p.exists()]
        if not paths:
            return _could_not_run(f"no examples/ or docs/ under {root}")
    try:
        report = check_paths(paths, root=root, kubernetes_versions=args.versions)
    except (CheckerCouldNotRun, ConfigError, UsageError) as exc:
        return _could_not_run(str(exc))
    sys.stdout.write(render(report, args.format, site_url=site_url(root)))
    engine = schema_engine_line(report)
    if engine:  # stderr: the JSON and annotation formats stay machine-readable on stdout
        print(f"examplecheck: {engine}", file=sys.stderr)
    if args.format == "github":
        from .report import summary_line

        print(summary_line(report), file=sys.stderr)
    return EXIT_FINDINGS if report.has_errors() else EXIT_OK


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding conf/versions.yaml (else ``start``),
    so the checker also runs from inside examples/."""
    for folder in (start, *start.parents):
        if (folder / "conf" / "versions.yaml").is_file():
            return folder
    return start


def _could_not_run(reason: str) -> int:
    print(f"examplecheck: could not run: {' '.join(reason.split())}", file=sys.stderr)
    return EXIT_COULD_NOT_RUN
