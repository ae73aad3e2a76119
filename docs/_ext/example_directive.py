"""The ``{example}`` directive: show a file from ``examples/`` on a page, with what was checked.

Built on ``literalinclude`` so ``:lines:``, ``:emphasize-lines:``, ``:caption:`` and the
other options keep working. The path is relative to the repository's ``examples/`` folder.
Under the code the reader gets a download link to the raw file and a badge saying which
checks passed; warnings of the checker become a short admonition that teaches the fix.
Refusals (missing file, inline YAML) are recorded here and emitted by ``example_checks``.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path, PurePosixPath
from typing import ClassVar

import example_archives
import example_badges
import example_excerpt
from docutils import nodes
from docutils.parsers.rst import directives
from example_state import note_refusal, note_usage, repo_root, state_of
from site_files import site_file
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.directives.code import LiteralInclude
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import ExtensionMetadata

from examplecheck.discover import EXAMPLES

_LANGUAGE_BY_NAME = {
    "Dockerfile": "dockerfile",
    "Containerfile": "dockerfile",
    "nginx.conf": "nginx",
    ".dockerignore": "text",
    ".env": "bash",
}
_LANGUAGE_BY_SUFFIX = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".py": "python",
    ".sh": "bash",
    ".json": "json",
    ".java": "java",
    ".xml": "xml",
    ".properties": "properties",
    ".tpl": "text",
    ".txt": "text",
    ".dockerfile": "dockerfile",
}


def language_for(path: PurePosixPath) -> str:
    """The Pygments lexer for an example file, from its name."""
    if "templates" in path.parts[:-1] and path.suffix in {".yaml", ".yml"}:
        return "yaml+jinja"  # Helm templates: Go template braces inside YAML
    if path.name in _LANGUAGE_BY_NAME or path.name.startswith("Dockerfile"):
        return _LANGUAGE_BY_NAME.get(path.name, "dockerfile")
    return _LANGUAGE_BY_SUFFIX.get(path.suffix, "text")


class ExampleDirective(LiteralInclude):
    """``literalinclude`` rooted at ``examples/`` with a path caption, badge and download link."""

    def run(self) -> list[nodes.Node]:  # type: ignore[override]
        rel = PurePosixPath(self.arguments[0].strip())
        root = repo_root(self.config, self.env.srcdir)
        examples_dir = (root / EXAMPLES).resolve()
        target = (examples_dir / rel).resolve()
        path = f"{EXAMPLES}/{rel.as_posix()}"
        if not target.is_relative_to(examples_dir) or not target.is_file():
            # Depend on it anyway: creating the file must rebuild this page.
            self.env.note_dependency(str(target))
            note_refusal(
                self.env,
                "missing",
                f"example file not found: {path} (the {{example}} path is relative to {EXAMPLES}/)",
                self.lineno,
            )
            return []
        self.env.note_dependency(str(target))
        note_usage(self.env, path, self.lineno)

        source_dir = Path(self.env.srcdir) / Path(self.env.docname).parent
        self.arguments[0] = os.path.relpath(target, source_dir).replace(os.sep, "/")
        caption = self.options.pop("caption", None)
        self.options.setdefault("language", language_for(rel))
        state = state_of(self.env)
        findings = state.findings_for(path)
        try:
            excerpt = example_excerpt.excerpt_of(target, self.options, self.config.source_encoding)
        except ValueError as exc:
            raise self.error(f"{{example}} {path}: {exc}") from None
        # An excerpt, or a file whose findings cite lines, numbers its lines as the file does
        # (Sphinx's linenos: the numbers are .linenos spans, which copying leaves out).
        numbered = not excerpt.whole or any(f.line for f in findings)
        if numbered:
            self.options.pop("lineno-match", None)
            self.options["lineno-start"] = excerpt.first
        included = super().run()
        literal = next((n for n in included if isinstance(n, nodes.literal_block)), None)
        if literal is None:  # literalinclude reported a problem (e.g. bad :lines:)
            return included
        literal["classes"].append("example-code")
        anchor = None
        if numbered:
            # Each shown line gets the id "<anchor>-<file line>", so a warning can link to it.
            anchor = f"example-{self.env.new_serialno('example-lines')}-L"
            literal["highlight_args"]["linespans"] = anchor
        figure = nodes.container(classes=["example"])
        figure += _with_caption(literal, path, caption, None if excerpt.whole else excerpt)
        figure += _meta_line(self.env.docname, self.arguments[0], path, state)
        shown = None if excerpt.whole else excerpt
        admonition = example_badges.warnings_admonition(findings, shown, anchor)
        if admonition is not None:
            figure += admonition
        return [figure]


def _with_caption(
    literal: nodes.literal_block,
    path: str,
    caption: str | None,
    excerpt: example_excerpt.Excerpt | None = None,
) -> nodes.Node:
    """The path as the caption (and the writer's own caption before it, if given);
    an excerpt says so, with its range in the file's lines."""
    wrapper = nodes.container("", literal_block=True, classes=["literal-block-wrapper"])
    title = nodes.caption("", "")
    if caption:
        title += nodes.Text(f"{caption} — ")
    title += nodes.literal(path, path, classes=["example-path"])
    if excerpt is not None:
        title += nodes.Text(" ")
        label = f"{excerpt.range_text} 발췌"
        title += nodes.inline(label, label, classes=["example-excerpt"])
    title.source, title.line = literal.source, literal.line
    wrapper += title
    wrapper += literal
    return wrapper


def _meta_line(docname: str, target: str, path: str, state) -> nodes.paragraph:
    """Badge and download link, on one line under the code (``target``: relative to the page)."""
    # no-search: the badge and link text on every page would only clutter the search index
    line = nodes.paragraph(classes=["example-meta", "no-search"])
    line += example_badges.badge_node(state, path)
    line += nodes.Text(" ")
    download = addnodes.download_reference(
        "", "", refdoc=docname, reftarget=target, refexplicit=True
    )
    download += nodes.inline("", "원본 파일 내려받기", classes=["example-download"])
    line += download
    # The set's archive (the whole chart or project); resolved when writing, per builder.
    line += example_archives.example_archive_link("", "묶음 전체(zip)", path=path, prefix=" · ")
    return line


DIAGRAMS_DIR = Path(__file__).resolve().parents[1] / "_static" / "diagrams"


class DiagramDirective(SphinxDirective):
    """Inline an SVG from ``docs/_static/diagrams`` so it inherits the theme's colours.

    An ``<img>`` cannot see the page's CSS variables; an inline SVG can, so diagrams drawn
    with ``currentColor`` and furo's variables read well in light and dark mode alike.
    The directive's content is the caption; ``:alt:`` is the text alternative.
    On a phone the drawing keeps its natural size in a box that scrolls sideways (shrunk to
    the screen its labels would be unreadable), and a link opens the file on its own.
    """

    required_arguments = 1
    has_content = True
    option_spec: ClassVar = {"alt": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        path = DIAGRAMS_DIR / self.arguments[0]
        if not path.is_file():
            raise self.error(f"diagram not found: {path.relative_to(DIAGRAMS_DIR.parents[1])}")
        self.env.note_dependency(str(path))
        svg = path.read_text(encoding="utf-8")
        alt = escape(self.options.get("alt", ""), quote=True)
        figure = nodes.figure(classes=["diagram"])
        # tabindex: a box that scrolls must be reachable by keyboard to be scrolled
        figure += nodes.raw(
            "",
            f'<div class="diagram-scroll" tabindex="0" role="img" aria-label="{alt}">{svg}</div>',
            format="html",
        )
        figure += _full_size_link(self.env.docname, self.arguments[0])
        if self.content:
            caption = nodes.caption()
            text, _messages = self.state.inline_text(" ".join(self.content), self.lineno)
            caption.extend(text)
            figure += caption
        return [figure]


def _full_size_link(docname: str, name: str) -> nodes.paragraph:
    """A link to the SVG as html_static_path copies it; every builder copies _static, so the
    link is resolved per builder (site_files: relative in the site and the single page)."""
    link = site_file("", "전체 크기로 보기", target=f"_static/diagrams/{name}", in_outdir=True)
    link["classes"].append("diagram-full-link")
    # Shown only where the drawing is wider than the screen (handbook.css).
    hint = nodes.inline("", "옆으로 밀면 나머지가 보입니다.", classes=["diagram-hint"])
    return nodes.paragraph("", "", hint, link, classes=["diagram-full", "no-search"])


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("example_checks")
    app.setup_extension("rule_catalogue")  # warnings link their rules to the rule page
    app.setup_extension("example_archives")
    app.setup_extension("example_refusals")
    app.setup_extension("inline_code_refusal")
    app.add_directive("example", ExampleDirective)
    app.add_directive("diagram", DiagramDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
