"""Furo's English labels outside gettext, routed through the site's catalogue (docs/locales).

Furo writes some labels as plain text in its templates (aria-labels, the titles of its SVG
icons, the "'s" of the footer credit) and builds the toggle label of every navigation entry in
Python, so no catalogue can translate them. This extension rewrites the template text into
gettext calls before Jinja compiles furo's templates, and translates the navigation labels
after furo has built the tree. The translations themselves live in the .po file.
"""

from __future__ import annotations

import re
from pathlib import Path

import furo
from jinja2.ext import Extension
from sphinx.application import Sphinx
from sphinx.locale import _
from sphinx.util.typing import ExtensionMetadata

FURO_TEMPLATES = Path(furo.__file__).resolve().parent / "theme"

# Literal English only: values with Jinja in them already go through gettext.
_ARIA_LABEL = re.compile(r'aria-label="([A-Za-z][^"{}]*)"')
_SVG_TITLE = re.compile(r"<title>([A-Za-z][^<{}]*)</title>")
_POSSESSIVE = re.compile(r"</a>'s\b")  # "<a>@pradyunsg</a>'s Furo"
_NAVIGATION_TOGGLE = re.compile(r'aria-label="Toggle navigation of ([^"]*)"')


def _gettext_call(message: str) -> str:
    return "{{ _(" + repr(message) + ")|e }}"


def wrap_literal_labels(source: str) -> str:
    """Furo template source with its literal English labels turned into gettext calls."""
    source = _ARIA_LABEL.sub(lambda m: f'aria-label="{_gettext_call(m.group(1))}"', source)
    source = _SVG_TITLE.sub(lambda m: f"<title>{_gettext_call(m.group(1))}</title>", source)
    return _POSSESSIVE.sub(lambda m: "</a>" + _gettext_call("'s"), source)


class FuroLabels(Extension):
    """Jinja preprocessor applied to furo's own templates only."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if filename and Path(filename).resolve().is_relative_to(FURO_TEMPLATES):
            return wrap_literal_labels(source)
        return source


def translate_navigation(html: str) -> str:
    """Furo's navigation tree with each "Toggle navigation of X" label translated."""
    message = _("Toggle navigation of %(title)s")
    return _NAVIGATION_TOGGLE.sub(
        lambda m: 'aria-label="{}"'.format(message % {"title": m.group(1)}), html
    )


def _install_preprocessor(app: Sphinx) -> None:
    templates = getattr(app.builder, "templates", None)
    environment = getattr(templates, "environment", None)
    if environment is not None:
        environment.add_extension(FuroLabels)


def _translate_page_navigation(app, pagename, templatename, context, doctree) -> None:
    if context.get("furo_navigation_tree"):
        context["furo_navigation_tree"] = translate_navigation(context["furo_navigation_tree"])


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("builder-inited", _install_preprocessor)
    # After furo's own html-page-context handler (priority 500), which builds the tree.
    app.connect("html-page-context", _translate_page_navigation, priority=600)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
