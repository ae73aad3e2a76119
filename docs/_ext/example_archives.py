"""One zip per example set, and one of all of ``examples/``, written into the built site.

A set is what the checker groups (``examplecheck.discover.check_unit_of``: a Helm chart, a
folder, or the folders conf/sets.yaml merges) with one addition: a folder holding a
``Dockerfile`` is a build context, so its whole subtree (the Spring Boot project's ``src/``) is
one set, like a chart. A folder's archive holds the folder with its subfolders. Entries keep
their repository paths (``examples/kubernetes/workloads/deployment.yaml``): unzipped anywhere,
the commands of the pages (``kubectl apply -f examples/...``) run unchanged from that folder,
and several archives unzip into one tree. The bytes depend only on the files: sorted entries,
fixed timestamps and modes. Build by-products are left out by
``examplecheck.discover.example_files``.

``{example-archives}`` lists every archive on a page; ``archive_link`` gives the catalogue
and the ``{example}`` lines a link to the archive of a file's set. Builders that ship no files
(EPUB) link to the published site instead, or leave the link out in a local build.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from docutils import nodes
from example_state import (
    ExampleState,
    repo_root,
    state_of,
)
from site_files import site_link
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import ExtensionMetadata

from examplecheck import discover
from examplecheck.discover import EXAMPLES, chart_root_of

ARCHIVE_DIR = "_downloads/sets"  # under the site root
ALL_ARCHIVE = "_downloads/examples.zip"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold
BUILD_CONTEXT_FILE = "Dockerfile"


# --- which files form which set


def build_context_of(path: str, example_files: Iterable[str]) -> str | None:
    """The nearest folder above ``path`` holding a Dockerfile (a build context), if any."""
    files = set(example_files)
    for parent in PurePosixPath(path).parents:
        if parent.as_posix() in ("", ".", EXAMPLES):
            break
        if (parent / BUILD_CONTEXT_FILE).as_posix() in files:
            return parent.as_posix()
    return None


def set_of(path: str, example_files: Iterable[str], unit_of: Mapping[str, str]) -> str:
    """The set a file is downloaded with: its chart, its build context, else its check unit."""
    files = list(example_files)
    return (
        chart_root_of(path, files)
        or build_context_of(path, files)
        or unit_of.get(path)
        or PurePosixPath(path).parent.as_posix()
    )


def example_sets(example_files: Iterable[str], unit_of: Mapping[str, str]) -> dict[str, list[str]]:
    """Set name → its files, sorted; a folder's set holds its subfolders' files too."""
    files = sorted(example_files)
    members: dict[str, set[str]] = {}
    for path in files:
        members.setdefault(set_of(path, files, unit_of), set()).add(path)
    for name, found in members.items():
        found.update(p for p in files if p.startswith(name + "/"))
    return {name: sorted(found) for name, found in sorted(members.items())}


def archive_name(set_name: str) -> str:
    """``examples/kubernetes/workloads`` → ``kubernetes-workloads.zip``."""
    below = PurePosixPath(set_name)
    if below.parts[:1] == (EXAMPLES,):
        below = PurePosixPath(*below.parts[1:]) if len(below.parts) > 1 else PurePosixPath("top")
    return "-".join(below.parts) + ".zip"


def folders_of(files: Iterable[str]) -> list[str]:
    """The outermost folders a set's files live in (what the reader finds on disk)."""
    parents = sorted({PurePosixPath(p).parent.as_posix() for p in files})
    return [f for f in parents if not any(f.startswith(o + "/") for o in parents if o != f)]


# --- the archive bytes


def write_archive(dest: Path, root: Path, paths: Iterable[str]) -> None:
    """Zip ``root/<path>`` for each repository-relative path, deterministically, to ``dest``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for path in sorted(set(paths)):
            source = root / path
            info = zipfile.ZipInfo(path, date_time=_FIXED_TIME)
            info.create_system = 3  # Unix, so the mode below means what it says
            executable = os.access(source, os.X_OK)
            info.external_attr = (0o100755 if executable else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, source.read_bytes(), compresslevel=9)
    partial.replace(dest)  # a reader never downloads half an archive


def write_archives(outdir: Path, root: Path, sets: Mapping[str, list[str]]) -> list[Path]:
    """Every set's archive and the one of all examples; returns the files written."""
    names: dict[str, str] = {}
    for set_name in sets:
        name = archive_name(set_name)
        if name in names:
            raise ExtensionError(
                f"example sets {names[name]} and {set_name} would share the archive {name}"
            )
        names[name] = set_name
    written = []
    for name, set_name in sorted(names.items()):
        dest = outdir / ARCHIVE_DIR / name
        write_archive(dest, root, sets[set_name])
        written.append(dest)
    dest = outdir / ALL_ARCHIVE
    write_archive(dest, root, discover.example_files(root))
    written.append(dest)
    return written


# --- links to the archives


def sets_of_state(state: ExampleState) -> dict[str, list[str]]:
    return example_sets(state.example_files, state.unit_of)


def archive_link(
    app: Sphinx, fromdocname: str, path: str, label: str | None = None
) -> nodes.Node | None:
    """A link to the archive of the set ``path`` (an example file) belongs to.

    ``label`` defaults to the archive's file name.
    """
    state = state_of(app.env)
    name = archive_name(set_of(path, state.example_files, state.unit_of))
    link = site_link(app, fromdocname, f"{ARCHIVE_DIR}/{name}", label or name)
    if link is not None:
        link["classes"].append("example-archive")
    return link


class example_archive_link(nodes.Inline, nodes.TextElement):
    """Placeholder for ``archive_link`` (text: the label; ``prefix``: text before the link).

    The set of a file is known for sure only when writing: adding a Dockerfile or a
    Chart.yaml above it changes the set without touching the page.
    """


def resolve_archive_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: archive placeholders become links; EPUB's downloads point online."""
    for node in list(doctree.findall(example_archive_link)):
        link = archive_link(app, docname, node["path"], node.astext())
        if link is None:
            node.parent.remove(node)
        else:
            node.replace_self([nodes.Text(node.get("prefix", "")), link])
    if app.builder.download_support:
        return
    for node in list(doctree.findall(addnodes.download_reference)):
        if "filename" not in node:
            continue
        link = site_link(app, docname, f"_downloads/{node['filename']}", node.astext())
        if link is None:
            node.parent.remove(node)
        else:
            node.replace_self(link)


# --- the list of archives on a page


class example_archive_list(nodes.General, nodes.Element):
    """Placeholder replaced by the table of archives in ``doctree-resolved``."""


class ExampleArchivesDirective(SphinxDirective):
    """``{example-archives}``: a table of every set's archive and the one of all examples."""

    def run(self) -> list[nodes.Node]:
        _archive_docs(self.env).add(self.env.docname)
        return [example_archive_list("")]


def _archive_docs(env: BuildEnvironment) -> set[str]:
    if not hasattr(env, "example_archive_docs"):
        env.example_archive_docs = set()  # type: ignore[attr-defined]
    return env.example_archive_docs  # type: ignore[attr-defined]


def _cell(*children: nodes.Node) -> nodes.entry:
    entry = nodes.entry()
    paragraph = nodes.paragraph()
    paragraph.extend(children)
    entry += paragraph
    return entry


def _joined(items: list[nodes.Node]) -> list[nodes.Node]:
    out: list[nodes.Node] = []
    for item in items:
        if out:
            out.append(nodes.Text(", "))
        out.append(item)
    return out or [nodes.Text("—")]


def _page_links(app: Sphinx, fromdocname: str, docs: Iterable[str]) -> list[nodes.Node]:
    links: list[nodes.Node] = []
    for doc in sorted(docs):
        title = app.env.titles[doc].astext() if doc in app.env.titles else doc
        uri = app.builder.get_relative_uri(fromdocname, doc)
        links.append(nodes.reference(title, title, internal=True, refuri=uri))
    return links


def build_archive_table(app: Sphinx, fromdocname: str) -> nodes.table:
    """One row per archive: link, the folders it holds, file count, the pages showing it."""
    state = state_of(app.env)
    headers = ("내려받기", "폴더", "파일 수", "사용 페이지")
    table = nodes.table(classes=["example-archives"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for width in (30, 35, 10, 25):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for header in headers:
        row += _cell(nodes.Text(header))
    head += row
    body = nodes.tbody()
    group += body
    rows = []
    for set_name, files in sets_of_state(state).items():
        docs = {doc for path in files for doc in state.pages_using(path)}
        pages = _joined(_page_links(app, fromdocname, docs))
        name = archive_name(set_name)
        rows.append((name, f"{ARCHIVE_DIR}/{name}", folders_of(files), len(files), pages))
    everything = [nodes.Text("모든 예제")]
    rows.append(("examples.zip", ALL_ARCHIVE, [EXAMPLES], len(state.example_files), everything))
    for name, target, folders, count, pages in rows:
        link = site_link(app, fromdocname, target, name)
        row = nodes.row()
        row += _cell(link if link is not None else nodes.literal(name, name))
        row += _cell(*_joined([nodes.literal(f + "/", f + "/") for f in folders]))
        row += _cell(nodes.Text(str(count)))
        row += _cell(*pages)
        body += row
    return table


def fill_archive_lists(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    for placeholder in list(doctree.findall(example_archive_list)):
        placeholder.replace_self(build_archive_table(app, fromdocname))


def archives_fingerprint(state: ExampleState) -> str:
    sets = sets_of_state(state)
    pages = {path: state.pages_using(path) for path in state.example_files}
    return hashlib.sha256(repr((sets, pages)).encode()).hexdigest()


def archive_lists_outdated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: re-write the pages listing archives when the sets or their pages changed."""
    fingerprint = archives_fingerprint(state_of(env))
    if fingerprint == getattr(env, "example_archives_fingerprint", ""):
        return []
    env.example_archives_fingerprint = fingerprint  # type: ignore[attr-defined]
    return sorted(_archive_docs(env) & env.found_docs)


def purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _archive_docs(env).discard(docname)


def merge_info(
    app: Sphinx, env: BuildEnvironment, docnames: Iterable[str], other: BuildEnvironment
) -> None:
    _archive_docs(env).update(_archive_docs(other) & set(docnames))


def write_site_archives(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: write the archives into every builder's output that ships files."""
    if exception is not None or not app.builder.download_support:
        return
    if app.builder.format != "html":
        return
    state = state_of(app.env)
    root = repo_root(app.config, app.srcdir)
    write_archives(Path(app.outdir), root, sets_of_state(state))


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("example_checks")
    app.setup_extension("site_files")
    app.add_node(example_archive_link)
    app.add_node(example_archive_list)
    app.add_directive("example-archives", ExampleArchivesDirective)
    app.connect("doctree-resolved", resolve_archive_links)
    app.connect("doctree-resolved", fill_archive_lists)
    app.connect("env-updated", archive_lists_outdated)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    app.connect("build-finished", write_site_archives)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
