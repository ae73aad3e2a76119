"""Which files are examples, and which belong together: the one discovery.

The checker (the paths it is given), the site (every file under examples/, checked and
downloaded set by set) and the CI tools (the sets sent to an API server, the folders a
pre-commit hook checks) all find example files and group them here:

- a *set* is a folder, or the group of folders conf/sets.yaml merges (the cross-file rules
  work within a set);
- a *check unit* is what must be checked together: a Helm chart (its templates need its
  values), else the file's set.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from . import settings

EXAMPLES = "examples"
CHART_FILE = "Chart.yaml"
# Build by-products of running an example, never examples themselves.
SKIPPED_DIRS = frozenset({"__pycache__", ".pytest_cache"})
SKIPPED_SUFFIXES = frozenset({".pyc"})


def walk(folder: Path) -> Iterator[Path]:
    """Every file under ``folder`` but build by-products, in a stable order."""
    for current, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
        for name in sorted(filenames):
            if Path(name).suffix not in SKIPPED_SUFFIXES:
                yield Path(current) / name


def example_files(root: Path) -> list[str]:
    """Every file under ``root/examples`` as a repository-relative POSIX path, sorted."""
    return sorted(PurePosixPath(f.relative_to(root)).as_posix() for f in walk(root / EXAMPLES))


def set_groups(root: Path) -> dict[str, str]:
    """Folder -> set name, for the folders conf/sets.yaml merges (``groups:``)."""
    groups = {}
    for group in settings.data_of(root, "sets").get("groups") or []:
        for folder in group["folders"]:
            groups[PurePosixPath(folder).as_posix()] = group["name"]
    return groups


def set_of(path: str, groups: dict[str, str]) -> str:
    """The set of a repository-relative file: its folder, or the group that merges it."""
    folder = PurePosixPath(path).parent.as_posix()
    return groups.get(folder, folder)


def chart_root_of(path: str, files: Iterable[str]) -> str | None:
    """The Helm chart folder ``path`` belongs to (nearest folder with a Chart.yaml), if any."""
    known = set(files)
    for parent in PurePosixPath(path).parents:
        if (parent / CHART_FILE).as_posix() in known:
            return parent.as_posix()
    return None


def check_unit_of(path: str, files: Iterable[str], groups: dict[str, str]) -> str:
    """What is checked together with ``path``: its chart, else its set."""
    return chart_root_of(path, files) or set_of(path, groups)


def check_units(files: Iterable[str], groups: dict[str, str]) -> dict[str, list[str]]:
    """Check unit -> its files, both sorted."""
    files = sorted(files)
    units: dict[str, list[str]] = {}
    for path in files:
        units.setdefault(check_unit_of(path, files, groups), []).append(path)
    return dict(sorted(units.items()))


class UsageError(Exception):
    """A path given on the command line does not exist (exit status 2)."""


def display_path(path: Path, root: Path) -> str:
    """The path as findings show it: relative to the repository root, POSIX separators."""
    absolute = Path(os.path.abspath(path))  # not resolve(): a symlink keeps its own name
    try:
        return PurePosixPath(absolute.relative_to(os.path.abspath(root))).as_posix()
    except ValueError:
        return absolute.as_posix()


def discover(paths: list[Path], root: Path, *, pages_dir: str = "docs") -> list[Path]:
    """Every file under ``paths`` (files given directly are taken as they are).

    Under the pages folder only the Markdown pages count: their shell code blocks are the
    examples; the site's own code there (conf.py, extensions, CSS) is checked by ruff.
    """
    pages = Path(os.path.abspath(root / pages_dir))
    found: dict[Path, None] = {}
    for given in paths:
        path = given if given.is_absolute() else root / given
        if not path.exists():
            raise UsageError(_missing(given, path))
        if not path.is_dir():  # a FIFO or device too: its read gives the finding
            found[Path(os.path.abspath(path))] = None
            continue
        for walked in walk(path):
            file = Path(os.path.abspath(walked))
            if file.is_relative_to(pages) and file.suffix != ".md":
                continue
            found[file] = None
    return sorted(found)


def _missing(given: Path, path: Path) -> str:
    """Why a path given on the command line cannot be read: a loop is not "no such file"."""
    if not path.is_symlink():
        return f"no such file or folder: {given}"
    try:
        path.resolve(strict=True)
    except RuntimeError:  # Python 3.11 and 3.12 say "Symlink loop" this way
        return f"symlink loop: {given} (a link that leads back to itself)"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"symlink loop: {given} (a link that leads back to itself)"
    return f"broken symlink: {given} -> {os.readlink(path)} (no such file or folder)"
