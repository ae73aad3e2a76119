"""Links to files the build puts into the site itself (example archives, offline editions).

Such a file has no source Sphinx knows, so no role of Sphinx can link to it; and where the
link must point depends on the builder: relative to the page in the HTML site, up from
``offline_single_dir`` in the single-page edition (for files of the site root), and to the
published site in an EPUB, which ships no files (a local EPUB build has no such address, so
the label stays as plain text). ``{site-file}`Label <path/under/the/site>``` writes one.
"""

from __future__ import annotations

import posixpath
import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxRole
from sphinx.util.typing import ExtensionMetadata

_LABELLED = re.compile(r"^(?P<label>.+?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)


def site_link(
    app: Sphinx, fromdocname: str, target: str, label: str, *, in_outdir: bool = True
) -> nodes.reference | None:
    """A link from a page to ``target`` (a path under the site root), or None.

    ``in_outdir``: the builder writes the file into its own output too (the archives); else
    it exists only in the HTML site, which the single-page edition reaches from below.
    """
    builder = app.builder
    if builder.download_support:
        page = builder.get_target_uri(fromdocname).split("#")[0]
        here = posixpath.dirname(page) or "."
        if not in_outdir and builder.name == "singlehtml":
            here = posixpath.join(app.config.offline_single_dir, here)
        uri = posixpath.relpath(target, here)
    elif app.config.html_baseurl:
        uri = app.config.html_baseurl.rstrip("/") + "/" + target
    else:
        return None
    local = builder.download_support  # a file of this site, not another one
    return nodes.reference(label, label, internal=local, refuri=uri, classes=["site-file"])


class site_file(nodes.Inline, nodes.TextElement):
    """Placeholder of ``{site-file}`` (text: the label; ``target``: the path in the site)."""


class SiteFileRole(SphinxRole):
    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        match = _LABELLED.match(self.text)
        if match is None:
            message = self.inliner.reporter.error(
                f"site-file needs 'Label <path>', got {self.text!r}", line=self.lineno
            )
            return [], [message]
        label, target = match["label"], match["target"].strip().lstrip("/")
        return [site_file(self.rawtext, label, target=target)], []


def resolve_site_files(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: each placeholder becomes a link, or its label where none can be."""
    for node in list(doctree.findall(site_file)):
        label = node.astext()
        in_outdir = node.get("in_outdir", False)
        link = site_link(app, docname, node["target"], label, in_outdir=in_outdir)
        classes = node.get("classes", [])
        if link is not None:
            link["classes"].extend(classes)
        # docutils refuses to drop classes: a label with classes stays an inline element.
        text = nodes.inline(label, label, classes=classes) if classes else nodes.Text(label)
        node.replace_self(link if link is not None else text)


def setup(app: Sphinx) -> ExtensionMetadata:
    # Where nox -s docs puts the single-page edition, relative to the HTML site's root.
    app.add_config_value("offline_single_dir", "_offline/single", "html", types=[str])
    app.add_node(site_file)
    app.add_role("site-file", SiteFileRole())
    app.connect("doctree-resolved", resolve_site_files)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
