"""Check the Korean prose of every page on every build: register, terms, markup, particles.

Each page is checked when it is read (after the other extensions added their nodes), and what
is found is kept with the environment and warned about after reading on *every* build, with
the page's file and line, so ``sphinx-build -W`` fails until the page is fixed (the way
``example_refusals`` does it). The warnings are of type ``prose``:

- ``prose.register``: a final ending that is not 합니다체 (prose_register);
- ``prose.term``: a spelling ``conf/terms.yaml`` replaces (prose_terms);
- ``prose.markup``: a literal ``**`` or ``__`` the reader sees (prose_markup);
- ``prose.particle``: a particle set apart from a closing parenthesis or code (prose_particles);
- ``prose.config``: an entry of ``conf/terms.yaml`` that cannot be used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes
from prose_findings import ProseFinding, doctree_findings
from prose_terms import TERMS_FILE, Term, TermsError, load_terms
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

# After the handlers that add generated content to a page when it is read (default 500).
READ_PRIORITY = 900


@dataclass
class ProseState:
    findings: dict[str, list[ProseFinding]] = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # conf/terms.yaml entries not usable


def state_of(env: BuildEnvironment) -> ProseState:
    state = getattr(env, "prose_state", None)
    if state is None:
        state = ProseState()
        env.prose_state = state  # type: ignore[attr-defined]
    return state


def terms_path(app: Sphinx) -> Path:
    configured = app.config.prose_terms_file
    return Path(configured) if configured else Path(app.srcdir).parent / TERMS_FILE


def load_settings(app: Sphinx) -> None:
    """``builder-inited``: read conf/terms.yaml once per build."""
    state = state_of(app.env)
    try:
        state.terms, state.problems = load_terms(terms_path(app))
    except TermsError as exc:
        state.terms, state.problems = [], [str(exc)]


def check_page(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: record the prose findings of the page just read."""
    env = app.env
    state = state_of(env)
    env.note_dependency(str(terms_path(app)))  # a new term list re-reads every page
    own_source = str(env.doc2path(env.docname))
    state.findings[env.docname] = doctree_findings(doctree, state.terms, own_source)


def emit_findings(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: warn about every finding of every page, and about conf/terms.yaml."""
    state = state_of(env)
    for problem in state.problems:
        logger.warning(problem, type="prose", subtype="config")
    for docname in sorted(state.findings):
        for finding in state.findings[docname]:
            if finding.source is None:
                location: tuple | str = (docname, finding.line)
            else:
                location = f"{finding.source}:{finding.line}" if finding.line else finding.source
            logger.warning(finding.message, type="prose", subtype=finding.rule, location=location)


def purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    state_of(env).findings.pop(docname, None)


def merge_info(app: Sphinx, env: BuildEnvironment, docnames, other: BuildEnvironment) -> None:
    mine, theirs = state_of(env), state_of(other)
    for docname in docnames:
        if docname in theirs.findings:
            mine.findings[docname] = theirs.findings[docname]


def setup(app: Sphinx) -> ExtensionMetadata:
    # "" = conf/terms.yaml beside the docs folder (the repository's conf/)
    app.add_config_value("prose_terms_file", "", "env", types=[str])
    app.connect("builder-inited", load_settings)
    app.connect("doctree-read", check_page, priority=READ_PRIORITY)
    app.connect("env-updated", emit_findings)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
