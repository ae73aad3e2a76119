"""The search index the browser loads: BM25F term weights per page, computed at build time.

For every term and page the index holds one integer, BM25's saturated tf of the term on the
page (tf / (tf + k1 × length norm), scaled to 1–100); the browser multiplies it by the term's
idf, which it computes from the number of pages listed. tf adds up the term's occurrences by
the kind of block they are in (a title counts ``FIELD_WEIGHTS['title']`` times, code a
fraction of one), and the length normalisation uses the page's weighted length. A landing
page (one with a table of contents) keeps ``HUB_FACTOR`` of its weights: it lists the topics
other pages explain. The browser (search_ko.js) adds weights up, scaled by the share of the
query a page covers and by title hits.

Snippets come from small per-page files the results page fetches for the results it shows,
never from the pages themselves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from search_terms import ENDINGS, QUERY_STOPWORDS, Aliases

FIELD_WEIGHTS = {
    "title": 20.0,
    "heading": 8.0,
    "label": 3.0,
    "prose": 1.0,
    "list": 0.4,
    "code": 0.25,
}
# tf saturation, far above BM25's usual 1.2–2: on a site of topic pages the page about a term
# mentions it fifty times and the pages that use it five, and that difference must count
K1 = 20.0
B = 0.4  # length normalisation: a short page is not the better answer just for being short
HUB_FACTOR = 0.5
SCALE = 100  # weights are stored as integers from 1 to 100
SNIPPET_SECTION_CHARS = 600  # text kept per section for snippets
# Postings are written as text: per page its number and its weight in this alphabet's digits
# (one digit for the page while there are at most 64 pages, two for the weight), a third of
# the size of a JSON list of numbers.
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"


@dataclass
class PageTerms:
    """What the index needs from one page; built at read time, kept in Sphinx's environment."""

    title: str
    hub: bool
    title_terms: list[str] = field(default_factory=list)
    counts: dict[str, list[int]] = field(default_factory=dict)  # term → count per kind
    lengths: list[int] = field(default_factory=lambda: [0] * len(FIELD_WEIGHTS))
    sections: list[tuple[str, str, str]] = field(default_factory=list)  # anchor, title, text


def page_terms(title: str, hub: bool, blocks: Iterable[tuple[str, list[list[str]]]]) -> PageTerms:
    """``blocks``: (kind, terms of each word) in page order."""
    kinds = list(FIELD_WEIGHTS)
    page = PageTerms(title=title, hub=hub)
    for kind, words in blocks:
        if kind == "title":
            page.title_terms = list(dict.fromkeys(t for terms in words for t in terms))
        slot = kinds.index(kind)
        page.lengths[slot] += len(words)
        for terms in words:
            for term in terms:
                page.counts.setdefault(term, [0] * len(kinds))[slot] += 1
    return page


_HANGUL = re.compile(r"^[가-힣]+$")
COMPOUND_PART = 0.5  # a compound's occurrence counts this much for each of its parts


def segment(word: str, known: set[str]) -> list[str] | None:
    """A Hangul compound as two or three known words of 2+ syllables (search_ko.js segment)."""
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 12), end - 1):
            prev, part = best[start], word[start:end]
            better = best[end] is None or (prev is not None and len(prev) + 1 < len(best[end]))
            if prev is not None and part in known and part != word and better:
                best[end] = [*prev, part]
    parts = best[len(word)]
    return parts if parts and 2 <= len(parts) <= 3 else None


def with_compound_parts(pages: Mapping[str, PageTerms]) -> dict[str, dict[str, list[float]]]:
    """Each page's counts, where a compound (퍼시스턴트볼륨) also counts for its parts (볼륨)."""
    known = {term for page in pages.values() for term in page.counts}
    splits = {
        term: parts
        for term in known
        if len(term) >= 4 and _HANGUL.match(term) and (parts := segment(term, known))
    }
    out = {}
    for doc, page in pages.items():
        counts = {term: [float(c) for c in values] for term, values in page.counts.items()}
        for term, values in page.counts.items():
            for part in splits.get(term, ()):
                slots = counts.setdefault(part, [0.0] * len(values))
                for i, value in enumerate(values):
                    slots[i] += COMPOUND_PART * value
        out[doc] = counts
    return out


def term_weights(
    pages: Mapping[str, PageTerms],
    k1: float = K1,
    b: float = B,
    fields: Mapping[str, float] = FIELD_WEIGHTS,
    hub: float = HUB_FACTOR,
) -> dict[str, dict[str, int]]:
    """term → {docname: BM25F tf part, 1–100}; the browser multiplies it by the term's idf."""
    n = len(pages)
    weights_of = list(fields.values())

    def weighted(values: list[float]) -> float:
        return sum(w * v for w, v in zip(weights_of, values, strict=True))

    lengths = {doc: max(weighted(page.lengths), 1.0) for doc, page in pages.items()}
    average = sum(lengths.values()) / n if n else 1.0
    counted = with_compound_parts(pages)
    out: dict[str, dict[str, int]] = {}
    for doc, page in pages.items():
        norm = k1 * (1 - b + b * lengths[doc] / average)
        factor = hub if page.hub else 1.0
        for term, counts in counted[doc].items():
            tf = weighted(counts)
            part = tf / (tf + norm) * factor  # BM25's saturated tf over (k1 + 1): 0–1
            out.setdefault(term, {})[doc] = max(1, round(part * SCALE))
    return out


def index_payload(pages: Mapping[str, PageTerms], table: Aliases, **tuning: object) -> dict:
    """The object search_ko.js receives: pages, postings, and the rules the query side shares."""
    docnames = sorted(pages)
    number = {doc: i for i, doc in enumerate(docnames)}
    width = 1 if len(docnames) <= len(DIGITS) else 2
    postings = {}
    for term, by_doc in sorted(term_weights(pages, **tuning).items()):
        ordered = sorted(by_doc.items(), key=lambda item: number[item[0]])
        postings[term] = "".join(_digits(number[d], width) + _digits(w, 2) for d, w in ordered)
    return {
        "docs": [[doc, pages[doc].title, pages[doc].title_terms] for doc in docnames],
        "width": width,
        "terms": postings,
        "aliases": {word: term for word, term in sorted(table.canonical.items()) if word != term},
        "phrases": [[term, list(words)] for term, words in table.phrases],
        "endings": list(ENDINGS),
        "stopwords": sorted(QUERY_STOPWORDS),
    }


def decode(text: str, width: int) -> list[tuple[int, int]]:
    """(page number, weight) pairs of one term's postings (search_ko.js decode)."""

    def number(digits: str) -> int:
        value = 0
        for digit in digits:
            value = value * len(DIGITS) + DIGITS.index(digit)
        return value

    step = width + 2
    return [
        (number(text[i : i + width]), number(text[i + width : i + step]))
        for i in range(0, len(text), step)
    ]


def _digits(value: int, width: int) -> str:
    out = ""
    for _ in range(width):
        value, digit = divmod(value, len(DIGITS))
        out = DIGITS[digit] + out
    return out


def snippet_payload(page: PageTerms) -> list[list[str]]:
    """[anchor, section title, text] per section with text, text cut at a sentence boundary."""
    out = []
    for anchor, title, text in page.sections:
        if len(text) > SNIPPET_SECTION_CHARS:
            cut = text.rfind(" ", 0, SNIPPET_SECTION_CHARS)
            text = text[: cut if cut > 0 else SNIPPET_SECTION_CHARS] + " …"
        if text:
            out.append([anchor, title, text])
    return out


def script(callback: str, *args: object) -> str:
    """A script that hands the data to the search page: loads from file:// as well as http."""
    body = ",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in args)
    return f"HandbookSearch.{callback}({body});\n"
