"""The ``{example}`` directive: show a file from ``examples/`` on a page.

Built on ``literalinclude`` so ``:lines:``, ``:emphasize-lines:``, ``:caption:`` and the
other options keep working. The path is relative to the repository's ``examples/`` folder.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from sphinx.application import Sphinx
from sphinx.directives.code import LiteralInclude
from sphinx.util.typing import ExtensionMetadata

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"

_LANGUAGE_BY_NAME = {
    "Dockerfile": "dockerfile",
    "Containerfile": "dockerfile",
}
_LANGUAGE_BY_SUFFIX = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".py": "python",
    ".sh": "bash",
    ".json": "json",
    ".properties": "properties",
    ".tpl": "text",
    ".txt": "text",
    ".env": "bash",
    ".dockerfile": "dockerfile",
}


def language_for(path: PurePosixPath) -> str:
    """The Pygments lexer for an example file, from its name."""
    if path.name in _LANGUAGE_BY_NAME or path.name.startswith("Dockerfile"):
        return _LANGUAGE_BY_NAME.get(path.name, "dockerfile")
    return _LANGUAGE_BY_SUFFIX.get(path.suffix, "text")


class ExampleDirective(LiteralInclude):
    """``literalinclude`` rooted at ``examples/`` with a path caption and a lexer by file type."""

    def run(self):  # type: ignore[override]
        rel = PurePosixPath(self.arguments[0].strip())
        source_dir = Path(self.env.srcdir) / Path(self.env.docname).parent
        target = EXAMPLES_DIR / rel
        self.arguments[0] = os.path.relpath(target, source_dir).replace(os.sep, "/")
        self.options.setdefault("caption", f"examples/{rel}")
        self.options.setdefault("language", language_for(rel))
        return super().run()


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_directive("example", ExampleDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
