"""Pre-commit entry: run the checker on the example sets (folders) that hold the changed files.

The checker's cross-file rules (a Service selects a pod template of its folder, ...) need the
whole folder, so a changed file is checked together with the rest of its set; a changed page
under docs/ is checked on its own (its shell blocks are the examples).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path, PurePosixPath

from examplecheck import discover

ROOT = Path(__file__).resolve().parents[1]


def targets(changed: list[str], groups: dict[str, str] | None = None) -> list[str]:
    """The folders (for examples: every folder of the file's set, examplecheck.discover) and
    pages (for docs) to hand to the checker, in order."""
    groups = discover.set_groups(ROOT) if groups is None else groups
    found: dict[str, None] = {}
    for name in changed:
        path = PurePosixPath(name.replace("\\", "/"))
        if path.parts[:1] == ("examples",) and len(path.parts) > 2:
            set_name = discover.set_of(path.as_posix(), groups)
            folders = [f for f, s in groups.items() if s == set_name] or [set_name]
            found.update(dict.fromkeys(sorted(folders)))
        elif path.parts[:1] in {("examples",), ("docs",)}:
            found[path.as_posix()] = None
    return list(found)


def main(argv: list[str] | None = None) -> int:
    paths = targets(sys.argv[1:] if argv is None else argv)
    if not paths:
        return 0
    return subprocess.call([sys.executable, "-m", "examplecheck", *paths])


if __name__ == "__main__":
    sys.exit(main())
