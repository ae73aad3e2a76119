"""The ``{example}`` directive: show a file from ``examples/`` on a page.

Built on ``literalinclude`` so ``:lines:``, ``:emphasize-lines:``, ``:caption:`` and the
other options keep working. The path is relative to the repository's ``examples/`` folder.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path, PurePosixPath

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
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


DIAGRAMS_DIR = Path(__file__).resolve().parents[1] / "_static" / "diagrams"


class DiagramDirective(SphinxDirective):
    """Inline an SVG from ``docs/_static/diagrams`` so it inherits the theme's colours.

    An ``<img>`` cannot see the page's CSS variables; an inline SVG can, so diagrams drawn
    with ``currentColor`` and furo's variables read well in light and dark mode alike.
    The directive's content is the caption; ``:alt:`` is the text alternative.
    """

    required_arguments = 1
    has_content = True
    option_spec = {"alt": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        path = DIAGRAMS_DIR / self.arguments[0]
        if not path.is_file():
            raise self.error(f"diagram not found: {path.relative_to(DIAGRAMS_DIR.parents[1])}")
        self.env.note_dependency(str(path))
        svg = path.read_text(encoding="utf-8")
        alt = escape(self.options.get("alt", ""), quote=True)
        figure = nodes.figure(classes=["diagram"])
        figure += nodes.raw("", f'<div role="img" aria-label="{alt}">{svg}</div>', format="html")
        if self.content:
            caption = nodes.caption()
            text, _messages = self.state.inline_text(" ".join(self.content), self.lineno)
            caption.extend(text)
            figure += caption
        return [figure]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_directive("example", ExampleDirective)
    app.add_directive("diagram", DiagramDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
