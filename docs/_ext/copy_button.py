"""A copy button on every code block; what it copies is decided here, at build time.

For each literal block of a page the build computes the copy text with ``copy_text`` (the
rule of the block's lexer) and marks the block with the classes ``copy-block`` and
``copy-text-N``; Sphinx's HTML writer puts node classes on the block's ``highlight-*`` div,
wherever the block sits (tabs, dropdowns, an ``{example}`` caption wrapper). The page gets the
texts as one JSON list (``<script id="copy-texts">``, index N), and copy_button.js only copies
entry N. The text comes from the node, never from the rendered HTML, so line numbers are never
copied.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from copy_text import copy_text
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

BLOCK_CLASS = "copy-block"
INDEX_CLASS = "copy-text-{}"
DATA_ID = "copy-texts"
_TEXT_ATTRIBUTE = "copy_text"  # set on the node; the HTML writer ignores unknown attributes


def block_copy_text(node: nodes.literal_block, default_language: str) -> str:
    """The copy text of one literal block."""
    lexer = node.get("language") or default_language
    text = node.astext()
    if not _is_included_file(node) and not text.endswith("\n"):
        # A typed block's last line ends like every other line; an included file keeps its
        # own bytes (literalinclude gives the file's text, or exactly the lines selected).
        text += "\n"
    return copy_text(lexer, text)


def _is_included_file(node: nodes.literal_block) -> bool:
    source = node.get("source")  # literalinclude (and {example}) record the file read
    return bool(source) and Path(source).is_file()


def mark_blocks(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for index, node in enumerate(doctree.findall(nodes.literal_block)):
        node[_TEXT_ATTRIBUTE] = block_copy_text(node, app.config.highlight_language)
        node["classes"] += [BLOCK_CLASS, INDEX_CLASS.format(index)]


def page_data(doctree: nodes.document) -> str | None:
    """The page's ``<script>`` with the copy texts, or None when it has no code block."""
    texts = [node[_TEXT_ATTRIBUTE] for node in doctree.findall(nodes.literal_block)]
    if not texts:
        return None
    # Escaped so no text can close the script element ("</script>") or start a comment.
    payload = json.dumps(texts, ensure_ascii=False)
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="{DATA_ID}">{payload}</script>'


def add_page_data(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree
) -> None:
    if doctree is None or "body" not in context:
        return  # a page Sphinx generates (search, index): no code blocks of ours
    script = page_data(doctree)
    if script is not None:
        context["body"] += script


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("doctree-resolved", mark_blocks)
    app.connect("html-page-context", add_page_data)
    app.add_css_file("copy_button.css")
    app.add_js_file("copy_button.js", loading_method="defer")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
