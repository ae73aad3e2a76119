"""The site's Korean catalogue covers furo's literal labels and reaches Sphinx's scripts."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jinja2
import sphinx
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

import catalogue_js  # noqa: E402
import furo_labels  # noqa: E402

PO = ROOT / "docs" / "locales" / "ko" / "LC_MESSAGES" / "sphinx.po"
SPHINX_PO = Path(sphinx.__file__).parent / "locale" / "ko" / "LC_MESSAGES" / "sphinx.po"
# Templates furo renders for this site's pages (Read the Docs menus are never shown here).
RENDERED = ("page.html", "base.html", "search.html", "genindex.html", "partials/icons.html",
            "components/edit-this-page.html", "components/view-this-page.html",
            "sidebar/search.html")  # fmt: skip


def translated(po: Path = PO) -> dict[str, str]:
    with po.open("rb") as stream:
        catalog = read_po(stream, locale="ko")
    return {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in catalog if m.id}


def test_literal_labels_become_gettext_calls_and_jinja_ones_stay() -> None:
    source = (
        '<button aria-label="Toggle Light / Dark / Auto color theme">'
        '<input aria-label="{{ _("Search") }}"><title>Menu</title>'
        '<a href="https://pradyunsg.me">@pradyunsg</a>\'s'
    )
    wrapped = furo_labels.wrap_literal_labels(source)
    assert "aria-label=\"{{ _('Toggle Light / Dark / Auto color theme')|e }}\"" in wrapped
    assert 'aria-label="{{ _("Search") }}"' in wrapped
    assert "<title>{{ _('Menu')|e }}</title>" in wrapped
    assert '</a>{{ _("\'s")|e }}' in wrapped
    jinja2.Environment(extensions=["jinja2.ext.i18n"]).parse(wrapped)  # still a valid template


def test_every_message_of_the_rendered_furo_templates_has_a_korean_translation() -> None:
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    sphinx_ko = translated(SPHINX_PO)
    ours = translated()
    missing = []
    for name in RENDERED:
        source = (furo_labels.FURO_TEMPLATES / "furo" / name).read_text(encoding="utf-8")
        for _line, _function, message in env.extract_translations(
            furo_labels.wrap_literal_labels(source)
        ):
            msgid = message if isinstance(message, str) else message[0]
            if "Furo</a>" in msgid:
                continue  # the Furo link is a name: it stays as it is
            if not (ours.get(msgid) or sphinx_ko.get(msgid)):
                missing.append(f"{name}: {msgid!r}")
    assert not missing, "\n".join(missing)


def test_the_navigation_toggle_label_is_translated() -> None:
    tree = '<label aria-label="Toggle navigation of 도커"></label>'
    # Without a loaded catalogue gettext returns the English message: the rewrite still applies.
    assert furo_labels.translate_navigation(tree) == tree
    assert "Toggle navigation of %(title)s" in translated()


def test_the_script_carries_the_search_count_as_a_plural_message(tmp_path: Path) -> None:
    script = catalogue_js.translations_script([PO], "ko")
    payload = json.loads(script.removeprefix("Documentation.addTranslations(").rstrip(");\n"))
    assert payload["locale"] == "ko"
    assert payload["plural_expr"] == "0"
    count = payload["messages"]["Search finished, found one page matching the search query."]
    assert isinstance(count, list) and "${resultCount}" in count[0]
    assert payload["messages"]["Back to top"] == "맨 위로"


def test_untranslated_and_fuzzy_messages_stay_out_of_the_script(tmp_path: Path) -> None:
    po = tmp_path / "sphinx.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: ko\\n"\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        'msgid "Next"\nmsgstr ""\n\n#, fuzzy\nmsgid "Previous"\nmsgstr "이전"\n\n'
        'msgid "Home"\nmsgstr "첫 페이지"\n',
        encoding="utf-8",
    )
    script = catalogue_js.translations_script([po], "ko")
    assert '"Home": "첫 페이지"' in script
    assert "Next" not in script and "Previous" not in script
