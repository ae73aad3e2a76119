"""``{example-catalogue}``: a table of every example, filled in when the pages are resolved.

The directive leaves a placeholder; once every page is read the table is built from what
``example_checks`` recorded: path, kind(s), the pages that show it (links) and its status.
The catalogue page is re-written, not re-read, whenever that content changes.
"""

from __future__ import annotations

import hashlib

import example_archives
import example_badges
from docutils import nodes
from example_state import ExampleState, state_of, status_signature
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import ExtensionMetadata

_HEADERS = ("경로", "종류", "사용 페이지", "상태", "묶음 받기")
_KIND_NAMES = {
    "kubernetes": "쿠버네티스 매니페스트",
    "compose": "Compose 파일",
    "dockerfile": "Dockerfile",
    "helm": "Helm 차트",
    "helm-chart": "Helm 차트",
    "helm-template": "Helm 템플릿",
    "kustomization": "Kustomize 구성",
    "kustomize-part": "Kustomize 리소스·패치",
    "shell": "셸 스크립트",
    "python": "Python",
    "yaml": "YAML",
    "data": "데이터 파일",
}


class example_catalogue(nodes.General, nodes.Element):
    """Placeholder replaced by the table in ``doctree-resolved``."""


class ExampleCatalogueDirective(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        state_of(self.env).catalogue_docs.add(self.env.docname)
        return [example_catalogue("")]


def kind_text(state: ExampleState, path: str) -> str:
    kinds = [k.strip() for k in state.kind_of(path).split(",") if k.strip()]
    return ", ".join(_KIND_NAMES.get(k, k) for k in kinds) or "—"


def _cell(*children: nodes.Node) -> nodes.entry:
    entry = nodes.entry()
    paragraph = nodes.paragraph()
    paragraph.extend(children)
    entry += paragraph
    return entry


def build_table(app: Sphinx, fromdocname: str, state: ExampleState) -> nodes.table:
    table = nodes.table(classes=["example-catalogue"])
    group = nodes.tgroup(cols=len(_HEADERS))
    table += group
    for width in (32, 13, 20, 17, 18):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for header in _HEADERS:
        row += _cell(nodes.Text(header))
    head += row
    body = nodes.tbody()
    group += body
    env = app.env
    for path in state.example_files:
        row = nodes.row()
        row += _cell(nodes.literal(path, path))
        row += _cell(nodes.Text(kind_text(state, path)))
        links: list[nodes.Node] = []
        direct = state.pages_using(path)
        if not direct and state.pages_using_chart(path):
            links.append(nodes.Text("차트와 함께: "))
        for docname in direct or state.pages_using_chart(path):
            if links and isinstance(links[-1], nodes.reference):
                links.append(nodes.Text(", "))
            title = env.titles[docname].astext() if docname in env.titles else docname
            uri = app.builder.get_relative_uri(fromdocname, docname)
            links.append(nodes.reference(title, title, internal=True, refuri=uri))
        row += _cell(*(links or [nodes.Text("—")]))
        row += _cell(nodes.Text(example_badges.status_text(state, path)))
        # The archive of the file's set: the folder, chart or project it is used with.
        archive = example_archives.archive_link(app, fromdocname, path)
        row += _cell(archive if archive is not None else nodes.Text("—"))
        body += row
    return table


def fill_catalogue(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    """``doctree-resolved``: replace each placeholder with the current table."""
    state = state_of(app.env)
    for placeholder in list(doctree.findall(example_catalogue)):
        placeholder.replace_self(build_table(app, fromdocname, state))


def catalogue_fingerprint(state: ExampleState) -> str:
    """What the catalogue shows; it is re-written only when this changes."""
    sha = hashlib.sha256()
    for path in state.example_files:
        pages = (state.pages_using(path), state.pages_using_chart(path))
        sha.update(repr((path, pages, status_signature(state, path))).encode())
    return sha.hexdigest()


def catalogue_outdated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: re-write the catalogue (without re-reading it) when its content changed."""
    state = state_of(env)
    fingerprint = catalogue_fingerprint(state)
    if fingerprint == state.catalogue_fingerprint:
        return []
    state.catalogue_fingerprint = fingerprint
    return sorted(state.catalogue_docs & env.found_docs)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("example_checks")
    app.setup_extension("example_archives")
    app.add_node(example_catalogue)
    app.add_directive("example-catalogue", ExampleCatalogueDirective)
    app.connect("doctree-resolved", fill_catalogue)
    app.connect("env-updated", catalogue_outdated)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
