"""Refuse YAML, Dockerfile and Compose code written inline in a page.

Such code is never checked; it belongs in ``examples/`` and on the page through ``{example}``.
The refusal is recorded per page and emitted on every build by ``example_checks``.
"""

from __future__ import annotations

from docutils import nodes
from example_state import note_refusal
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

# Pygments names (and aliases writers use) of the languages that must come from examples/.
REFUSED_LANGUAGES = frozenset(
    {
        "yaml",
        "yml",
        "yaml+jinja",
        "dockerfile",
        "docker",
        "containerfile",
        "compose",
        "docker-compose",
    }
)


def refuse_inline_code(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: note every refused inline code block of the page just read."""
    for block in doctree.findall(nodes.literal_block):
        language = str(block.get("language", "")).lower()
        if language not in REFUSED_LANGUAGES or "example-code" in block["classes"]:
            continue
        note_refusal(
            app.env,
            "inline",
            f"inline {language} code block: put the file under examples/ and show it with "
            "```{example} <path>``` so it is checked",
            block.line or 0,
        )


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("example_checks")
    app.connect("doctree-read", refuse_inline_code)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
