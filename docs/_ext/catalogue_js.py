"""The browser half of the site's catalogue: docs/locales messages for Sphinx's JavaScript.

Sphinx's scripts (the search page's summary, for one) read ``_static/translations.js``, which
Sphinx copies from its own Korean catalogue, not from ``locale_dirs``; that catalogue leaves the
search result count empty. This extension writes the site's .po messages to
``_static/site_translations.js``, loaded after Sphinx's file: ``Documentation.addTranslations``
merges, so the site's messages win.
"""

from __future__ import annotations

import json
from pathlib import Path

from babel.messages.pofile import read_po
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

SCRIPT = "site_translations.js"


def catalogue_files(srcdir: Path, locale_dirs: list[str], language: str) -> list[Path]:
    """The site's sphinx.po files for ``language``, first directory first."""
    found = (Path(srcdir, d, language, "LC_MESSAGES", "sphinx.po") for d in locale_dirs)
    return [path for path in found if path.is_file()]


def translations_script(po_files: list[Path], language: str) -> str:
    """JavaScript that adds every translated message of ``po_files`` to Sphinx's catalogue."""
    messages: dict[str, str | list[str]] = {}
    plural_expr = "0"
    for po_file in reversed(po_files):  # earlier directories win, as in Sphinx
        with po_file.open("rb") as stream:
            catalog = read_po(stream, locale=language)
        plural_expr = catalog.plural_expr
        for message in catalog:
            if not message.id or not message.string or message.fuzzy:
                continue
            if message.pluralizable:
                if all(message.string):
                    messages[message.id[0]] = list(message.string)
            else:
                messages[message.id] = message.string
    catalogue = {"locale": language, "plural_expr": plural_expr, "messages": messages}
    payload = json.dumps(catalogue, ensure_ascii=False, indent=1, sort_keys=True)
    return f"Documentation.addTranslations({payload});\n"


def _po_files(app: Sphinx) -> list[Path]:
    return catalogue_files(Path(app.srcdir), app.config.locale_dirs, app.config.language)


def _add_script(app: Sphinx) -> None:
    if app.builder.format == "html" and _po_files(app):
        app.add_js_file(SCRIPT)


def _write_script(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html" or not _po_files(app):
        return
    target = Path(app.outdir, "_static", SCRIPT)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(translations_script(_po_files(app), app.config.language), encoding="utf-8")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("builder-inited", _add_script)
    app.connect("build-finished", _write_script)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
