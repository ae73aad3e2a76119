"""The reader query set (queries.yaml) and the figures a search engine earns on it.

An engine's answer to a query is the list of docnames it shows, best first. Per query: recall
is the share of the `must` pages shown; precision the share of judged shown pages that are in
`must` or `also`; the first right page is the rank of the first `must` page among the judged
pages shown. Pages missing from `judged` (added after the truth was written) are left out of
precision and rank and listed as unjudged. Figures are means over queries (macro averages).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

QUERIES = Path(__file__).with_name("queries.yaml")
TOP = 3  # "first right page in the top 3"


@dataclass(frozen=True)
class Query:
    q: str
    cat: str
    must: tuple[str, ...]
    also: tuple[str, ...]
    holdout: bool

    @property
    def relevant(self) -> frozenset[str]:
        return frozenset(self.must) | frozenset(self.also)


@dataclass(frozen=True)
class QuerySet:
    floors: Mapping[str, float]
    categories: Mapping[str, str]
    judged: frozenset[str]
    queries: tuple[Query, ...]


@dataclass(frozen=True)
class Outcome:
    query: Query
    shown: tuple[str, ...]
    recall: float
    precision: float
    first_right: int | None  # 1-based rank among judged pages; None when no must page shown
    unjudged: tuple[str, ...]

    @property
    def missed(self) -> tuple[str, ...]:
        return tuple(doc for doc in self.query.must if doc not in self.shown)

    @property
    def wrong(self) -> tuple[str, ...]:
        return tuple(
            doc for doc in self.shown if doc not in self.query.relevant and doc not in self.unjudged
        )


class QuerySetError(ValueError):
    """queries.yaml is not a query set this module can score; the message says where."""


def load(path: Path = QUERIES) -> QuerySet:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise QuerySetError(f"{path}: cannot read the query set: {error}") from None
    if not isinstance(data, dict):
        raise QuerySetError(f"{path}: expected a mapping at the top")
    for key in ("floors", "categories", "judged", "queries"):
        if key not in data:
            raise QuerySetError(f"{path}: no `{key}:`")
    judged = frozenset(data["judged"])
    categories = data["categories"]
    queries, seen = [], set()
    for number, item in enumerate(data["queries"], 1):
        where = f"{path}: query {number} ({item.get('q')!r})" if isinstance(item, dict) else path
        if not isinstance(item, dict) or not isinstance(item.get("q"), str) or not item["q"]:
            raise QuerySetError(f"{where}: each query needs a non-empty `q`")
        if item.get("cat") not in categories:
            raise QuerySetError(f"{where}: category {item.get('cat')!r} is not in `categories`")
        must, also = tuple(item.get("must") or ()), tuple(item.get("also") or ())
        if not must:
            raise QuerySetError(f"{where}: no `must` page")
        unknown = [doc for doc in must + also if doc not in judged]
        if unknown:
            raise QuerySetError(f"{where}: {unknown} not in `judged`")
        if set(must) & set(also):
            raise QuerySetError(f"{where}: a page is both must and also")
        if item["q"] in seen:
            raise QuerySetError(f"{where}: duplicate query")
        seen.add(item["q"])
        queries.append(Query(item["q"], item["cat"], must, also, bool(item.get("holdout"))))
    return QuerySet(dict(data["floors"]), dict(categories), judged, tuple(queries))


def judge(query: Query, shown: Sequence[str], judged: frozenset[str]) -> Outcome:
    shown = tuple(dict.fromkeys(shown))  # a page listed twice counts once, at its first rank
    unjudged = tuple(doc for doc in shown if doc not in judged)
    ranked = [doc for doc in shown if doc in judged]
    found = [doc for doc in query.must if doc in ranked]
    right = [doc for doc in ranked if doc in query.relevant]
    first = next((rank for rank, doc in enumerate(ranked, 1) if doc in query.must), None)
    return Outcome(
        query=query,
        shown=shown,
        recall=len(found) / len(query.must),
        precision=len(right) / len(ranked) if ranked else 0.0,
        first_right=first,
        unjudged=unjudged,
    )


def judge_all(query_set: QuerySet, answers: Mapping[str, Sequence[str]]) -> list[Outcome]:
    missing = [query.q for query in query_set.queries if query.q not in answers]
    if missing:
        raise QuerySetError(f"no answer for {len(missing)} queries, e.g. {missing[:3]}")
    return [judge(query, answers[query.q], query_set.judged) for query in query_set.queries]


@dataclass(frozen=True)
class Figures:
    queries: int
    recall: float
    precision: float
    top3: float  # share of queries whose first right page is in the top 3
    empty: int  # queries with no result at all
    shown: float  # mean number of pages shown

    def meets(self, floors: Mapping[str, float]) -> list[str]:
        """What falls short of the floors, in words; empty when every floor is met."""
        short = []
        if self.recall < floors["recall"]:
            short.append(f"recall {self.recall:.3f} < {floors['recall']}")
        if self.precision < floors["precision"]:
            short.append(f"precision {self.precision:.3f} < {floors['precision']}")
        if self.top3 < floors["first_right_in_top3"]:
            short.append(
                f"first right page in top 3 {self.top3:.3f} < {floors['first_right_in_top3']}"
            )
        if self.empty:
            short.append(f"{self.empty} queries with no result")
        return short


def figures(outcomes: Sequence[Outcome]) -> Figures:
    n = len(outcomes)
    if not n:
        return Figures(0, 0.0, 0.0, 0.0, 0, 0.0)
    return Figures(
        queries=n,
        recall=sum(o.recall for o in outcomes) / n,
        precision=sum(o.precision for o in outcomes) / n,
        top3=sum(1 for o in outcomes if o.first_right is not None and o.first_right <= TOP) / n,
        empty=sum(1 for o in outcomes if not o.shown),
        shown=sum(len(o.shown) for o in outcomes) / n,
    )


def by_category(query_set: QuerySet, outcomes: Sequence[Outcome]) -> dict[str, Figures]:
    table = {
        cat: figures([o for o in outcomes if o.query.cat == cat]) for cat in query_set.categories
    }
    table["holdout"] = figures([o for o in outcomes if o.query.holdout])
    table["all"] = figures(outcomes)
    return table


def report(query_set: QuerySet, outcomes: Sequence[Outcome], title: str = "") -> str:
    """A table per category, then every query that misses a page, shows a wrong one or ranks low."""
    lines = [title] if title else []
    lines.append(
        f"{'category':<13}{'n':>4}{'recall':>8}{'prec.':>8}{'top3':>7}{'empty':>6}{'shown':>7}"
    )
    for cat, fig in by_category(query_set, outcomes).items():
        lines.append(
            f"{cat:<13}{fig.queries:>4}{fig.recall:>8.3f}{fig.precision:>8.3f}"
            f"{fig.top3:>7.3f}{fig.empty:>6}{fig.shown:>7.1f}"
        )
    unjudged = sorted({doc for o in outcomes for doc in o.unjudged})
    if unjudged:
        lines.append(f"unjudged pages shown (left out of precision and rank): {unjudged}")
    for o in outcomes:
        notes = []
        if o.missed:
            notes.append(f"missed {list(o.missed)}")
        if o.wrong:
            notes.append(f"wrong {list(o.wrong)}")
        if o.first_right is not None and o.first_right > TOP:
            notes.append(f"first right at {o.first_right}")
        if notes:
            lines.append(f"  [{o.query.cat}] {o.query.q}: {'; '.join(notes)} <- {list(o.shown)}")
    return "\n".join(lines)
