"""The search index the browser loads: BM25F term weights per page, computed at build time.

For every term and page the index holds one integer, the page's BM25 weight for the term
(``SCALE`` × idf × saturated tf), where tf adds up the term's occurrences by the kind of block
they are in (a title counts ``FIELD_WEIGHTS['title']`` times, code a fraction of one) and the
length normalisation uses the page's weighted length. A landing page (one with a table of
contents) keeps ``HUB_FACTOR`` of its weights: it lists the topics other pages explain. The
browser (search_ko.js) only adds weights up, so the scoring model lives here.

Snippets come from small per-page files (``SnippetFile``) the results page fetches for the
results it shows, never from the pages themselves.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from search_terms import ENDINGS, QUERY_STOPWORDS, Aliases

FIELD_WEIGHTS = {"title": 12.0, "heading": 4.0, "prose": 1.0, "list": 0.4, "code": 0.25}
K1 = 2.0  # tf saturation: the topic page's many mentions should count for more than one mention
B = 0.4  # length normalisation: a short page is not the better answer just for being short
HUB_FACTOR = 0.5
SCALE = 10  # weights are stored as integers: one decimal is enough to rank
SNIPPET_SECTION_CHARS = 1200  # text kept per section for snippets


@dataclass
class PageTerms:
    """What the index needs from one page; built at read time, kept in Sphinx's environment."""

    title: str
    hub: bool
    counts: dict[str, list[int]] = field(default_factory=dict)  # term → count per kind
    lengths: list[int] = field(default_factory=lambda: [0] * len(FIELD_WEIGHTS))
    sections: list[tuple[str, str, str]] = field(default_factory=list)  # anchor, title, text


def page_terms(title: str, hub: bool, blocks: Iterable[tuple[str, list[list[str]]]]) -> PageTerms:
    """``blocks``: (kind, terms of each word) in page order."""
    kinds = list(FIELD_WEIGHTS)
    page = PageTerms(title=title, hub=hub)
    for kind, words in blocks:
        slot = kinds.index(kind)
        page.lengths[slot] += len(words)
        for terms in words:
            for term in terms:
                page.counts.setdefault(term, [0] * len(kinds))[slot] += 1
    return page


def _weighted(values: list[int]) -> float:
    return sum(w * v for w, v in zip(FIELD_WEIGHTS.values(), values, strict=True))


def term_weights(pages: Mapping[str, PageTerms]) -> dict[str, dict[str, int]]:
    """term → {docname: integer BM25F weight}."""
    n = len(pages)
    lengths = {doc: max(_weighted(page.lengths), 1.0) for doc, page in pages.items()}
    average = sum(lengths.values()) / n if n else 1.0
    df: Counter[str] = Counter(term for page in pages.values() for term in page.counts)
    weights: dict[str, dict[str, int]] = {}
    for doc, page in pages.items():
        norm = K1 * (1 - B + B * lengths[doc] / average)
        for term, counts in page.counts.items():
            tf = _weighted(counts)
            idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
            score = idf * tf * (K1 + 1) / (tf + norm)
            if page.hub:
                score *= HUB_FACTOR
            weights.setdefault(term, {})[doc] = max(1, round(score * SCALE))
    return weights


def index_payload(pages: Mapping[str, PageTerms], table: Aliases) -> dict:
    """The object search_ko.js receives: pages, postings, and the rules the query side shares."""
    docnames = sorted(pages)
    number = {doc: i for i, doc in enumerate(docnames)}
    postings = {}
    for term, by_doc in sorted(term_weights(pages).items()):
        flat: list[int] = []
        for doc, weight in sorted(by_doc.items(), key=lambda item: number[item[0]]):
            flat += [number[doc], weight]
        postings[term] = flat
    return {
        "docs": [[doc, pages[doc].title] for doc in docnames],
        "terms": postings,
        "aliases": {word: term for word, term in sorted(table.canonical.items()) if word != term},
        "phrases": [[term, list(words)] for term, words in table.phrases],
        "endings": list(ENDINGS),
        "stopwords": sorted(QUERY_STOPWORDS),
    }


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
