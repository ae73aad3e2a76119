"""Walk the given paths and return the example files under them, in a stable order."""

from __future__ import annotations

import errno
import os
from pathlib import Path, PurePosixPath

# Build by-products of running an example, never examples themselves.
SKIPPED_DIRS = frozenset({"__pycache__"})
SKIPPED_SUFFIXES = frozenset({".pyc"})


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
        for folder, dirnames, filenames in os.walk(path):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
            for name in sorted(filenames):
                file = Path(os.path.abspath(Path(folder) / name))
                if file.suffix in SKIPPED_SUFFIXES:
                    continue
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
