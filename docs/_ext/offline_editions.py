"""What the offline editions (nox -s docs: EPUB and single page) need from the pages.

EPUB: valid XHTML an e-book reader can show. sphinx-design turns a tab set into radio
``<input>`` elements (void, so not XML) switched by CSS. E-book readers have no use for a
control that hides text, so the EPUB shows every tab's content in turn under its label: the
structure sphinx-design itself keeps for non-HTML output, with its tab classes removed so its
stylesheet does not hide the panels.

Single page: Sphinx feeds its search indexer though the single page has no search page; with
the Korean tokenizer that is most of the build's time, so the single page builds none.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.typing import ExtensionMetadata

_TAB_CLASSES = {"sd-tab-set", "sd-tab-item", "sd-tab-label", "sd-tab-content"}


class TabsAsSections(SphinxPostTransform):
    """Before sphinx-design's own HTML transform (priority 200): untab every tab set."""

    default_priority = 150
    builders = ("epub",)

    def run(self, **kwargs: object) -> None:
        for node in list(self.document.findall(nodes.Element)):
            component = node.get("design_component")
            if component not in {"tab-set", "tab-item", "tab-content"}:
                continue
            del node["design_component"]
            node["classes"] = [c for c in node["classes"] if c not in _TAB_CLASSES]
            node["classes"].append(f"epub-{component}")
            if component == "tab-item" and node.children:
                label = node.children[0]
                if isinstance(label, nodes.rubric):
                    label["classes"] = [c for c in label["classes"] if c not in _TAB_CLASSES]
                    label["classes"].append("epub-tab-label")


def no_search_index_for_single_page(app: Sphinx) -> None:
    if app.builder.name == "singlehtml":
        app.builder.search = False


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_post_transform(TabsAsSections)
    app.connect("builder-inited", no_search_index_for_single_page)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
