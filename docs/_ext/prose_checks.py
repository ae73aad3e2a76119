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
from korean_search import kiwi
from prose_blocks import ProseBlock, prose_blocks
from prose_markup import markup_findings
from prose_particles import particle_findings
from prose_register import register_findings
from prose_terms import TERMS_FILE, Term, TermsError, load_terms, term_findings
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

# After the handlers that add generated content to a page when it is read (default 500).
READ_PRIORITY = 900


@dataclass(frozen=True)
class ProseFinding:
    rule: str  # register | term | markup | particle
    message: str
    line: int | None
    source: str | None = None  # a file other than the page's own (an included file)


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


class _SourceLines:
    """The lines of the files a page is read from, to put a finding on its exact line.

    MyST gives a table cell the line of its row or of the table, and a block's soft line
    breaks are the only other guide; the line that really holds the words wins.
    """

    def __init__(self) -> None:
        self._files: dict[str, list[str]] = {}

    def line_of(self, block: ProseBlock, offset: int, needle: str) -> int | None:
        guess = block.line_at(offset)
        lines = self._lines(block.source)
        if guess is None or not lines or not needle:
            return guess
        if 0 < guess <= len(lines) and needle in lines[guess - 1]:
            return guess
        first = max(block.line or guess, 1)
        for number in range(first, min(guess + 12, len(lines)) + 1):
            if needle in lines[number - 1]:
                return number
        return guess

    def _lines(self, source: str) -> list[str]:
        if source not in self._files:
            try:
                self._files[source] = Path(source).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError, ValueError):
                self._files[source] = []
        return self._files[source]


def _needle(words: str) -> str:
    """The part of a finding's words that a source line holds as written (no markup)."""
    first = words.split()[0] if words.split() else ""
    return first.strip("*_") or first


def block_findings(
    block: ProseBlock, terms: list[Term], lines: _SourceLines
) -> list[tuple[int | None, str, str]]:
    """(line, rule, message) of everything wrong in one block of prose."""
    tokens = kiwi().tokenize(block.masked)
    found = []
    for item in register_findings(block, tokens):
        message = f"{item.kind} ending in '{item.word}': {item.advice}"
        found.append((lines.line_of(block, item.offset, _needle(item.word)), "register", message))
    for item in term_findings(block, terms):
        message = (
            f"'{item.written}': write '{item.term.preferred}' "
            f"({item.term.reason}; listed in {TERMS_FILE})"
        )
        found.append((lines.line_of(block, item.offset, _needle(item.written)), "term", message))
    for item in markup_findings(block):
        fix = (
            f"write '{item.suggestion}'"
            if item.suggestion
            else "bold only the term ('**컨피그맵**(ConfigMap)에'), and write identifiers as `code`"
        )
        message = (
            f"literal '{item.delimiter}' shown to the reader in '{item.context}': MyST does not "
            f"close emphasis whose closing {item.delimiter} follows punctuation and is followed "
            f"by a letter; {fix}"
        )
        found.append((lines.line_of(block, item.offset, _needle(item.context)), "markup", message))
    for item in particle_findings(block, tokens):
        message = (
            f"space before the particle '{item.particle}' after '{item.before}': a particle "
            f"attaches to the word before it ('{item.before}{item.particle}'); if a bold term "
            "ends in ')', bold only the term: '**컨피그맵**(ConfigMap)에'"
        )
        found.append((lines.line_of(block, item.offset, _needle(item.before)), "particle", message))
    return found


def check_page(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: record the prose findings of the page just read."""
    env = app.env
    state = state_of(env)
    env.note_dependency(str(terms_path(app)))  # a new term list re-reads every page
    own_source = str(env.doc2path(env.docname))
    lines = _SourceLines()
    findings = []
    for block in prose_blocks(doctree):
        source = None if block.source in ("", own_source) else block.source
        for line, rule, message in block_findings(block, state.terms, lines):
            findings.append(ProseFinding(rule, message, line, source))
    state.findings[env.docname] = sorted(
        set(findings), key=lambda f: (f.source or "", f.line or 0, f.rule, f.message)
    )


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
