"""Preferred terms: ``conf/terms.yaml`` maps spellings that drift to the one the pages use.

Each entry names the preferred form, its variants and why (kubernetes.io/ko usage, the glossary
in ../shared/GLOSSARY.md, or the pages' own majority). A variant is matched anywhere in prose
(Korean words carry their particles, so there is no word boundary to wait for), a space in it
matches any whitespace (a line break inside "로드 밸런서" too), and code is never matched.
No tool knows this handbook's term choices, so this check is our own.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from prose_blocks import ProseBlock

from examplecheck import settings

TERMS_FILE = "conf/terms.yaml"


class TermsError(Exception):
    """conf/terms.yaml cannot be read at all."""


@dataclass(frozen=True)
class Term:
    preferred: str
    variants: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class TermFinding:
    offset: int
    written: str  # the variant as it appears in the text
    term: Term


@functools.cache
def _pattern(variant: str) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(part) for part in variant.split()))


def load_terms(path: Path, display: str = TERMS_FILE) -> tuple[list[Term], list[str]]:
    """The usable entries and one ``file:line: problem`` per entry that is not usable.

    The file's shape is conf/schemas/terms.schema.json's, read by examplecheck.settings (the
    one reader of conf/); TermsError when it is missing or not of that shape. What a schema
    cannot say (an entry twice, a variant of two terms, a variant inside a preferred form)
    leaves that entry out, with its problem.
    """
    if not path.exists():
        raise TermsError(f"{display} is unusable: no such file")
    try:
        conf = settings.read_file(path, display, "terms")
    except settings.ConfigError as exc:
        raise TermsError(str(exc)) from exc
    terms: list[Term] = []
    problems: list[str] = []
    owner: dict[str, str] = {}  # variant -> the preferred form of the entry that lists it
    lines: dict[str, int] = {}  # preferred form -> line of its entry
    for index, entry in enumerate(conf.data["terms"]):
        line = conf.line_of("terms", index)
        where = f"{display}:{line}"
        preferred, reason = entry["preferred"].strip(), entry["reason"].strip()
        cleaned = tuple(v.strip() for v in entry["variants"])
        if preferred in lines:
            problems.append(f"{where}: {preferred!r} has an entry already; merge the two")
            continue
        if preferred in cleaned:
            problems.append(f"{where}: {preferred!r} is listed as a variant of itself")
            continue
        listed = next((v for v in cleaned if v in owner), None)
        if listed is not None:
            problems.append(f"{where}: {listed!r} is a variant of {owner[listed]!r} already")
            continue
        for variant in cleaned:
            owner[variant] = preferred
        terms.append(Term(preferred, cleaned, reason))
        lines[preferred] = line
    usable = []
    for term in terms:
        clash = next((p for v in term.variants for p in lines if _pattern(v).search(p)), None)
        if clash is None:
            usable.append(term)
            continue
        problems.append(
            f"{display}:{lines[term.preferred]}: a variant of {term.preferred!r} occurs in the "
            f"preferred form {clash!r}, which would then be reported too"
        )
    return usable, problems


def term_findings(block: ProseBlock, terms: list[Term]) -> list[TermFinding]:
    """Variants in the block; where two overlap (퍼시스턴트 볼륨 클레임) the longer one counts."""
    matches = sorted(
        (
            (match.start(), -len(match.group()), term)
            for term in terms
            for variant in term.variants
            for match in _pattern(variant).finditer(block.masked)
        ),
        key=lambda m: (m[0], m[1]),
    )
    found, covered = [], 0
    for start, negative_length, term in matches:
        if start < covered:
            continue
        covered = start - negative_length
        found.append(TermFinding(start, block.text[start:covered], term))
    return found
