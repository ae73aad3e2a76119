"""conf/exceptions.yaml applied to a run: files no tool checks, plain inputs, stale entries.

``unchecked:`` entries take files out of the run with their reason; ``data:`` marks inputs of
other examples. An entry that matches nothing under the checked paths is stale: an error, so
the list cannot rot.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .classify import DATA, EXCEPTION, UNKNOWN, ExampleFile, matches
from .config import Config, ListedFile
from .discover import display_path
from .findings import Finding
from .rules import RuleSet

EXCEPTIONS = RuleSet(
    "examplecheck",
    applies_to=("every file",),
    title_ko="의도한 예외(conf/exceptions.yaml)",
    title_en="Intended exceptions (conf/exceptions.yaml)",
)
STALE_EXCEPTION = EXCEPTIONS.rule(
    "stale-exception",
    ko="`conf/exceptions.yaml`의 항목이 검사한 경로 안의 어떤 파일과도 맞지 않습니다. 낡은 예외는 "
    "새 파일을 몰래 빼놓을 수 있어 오류입니다.",
    en="An entry of conf/exceptions.yaml matches no file under the checked paths; a stale "
    "exception could silently exempt a new file.",
    fix_ko="항목을 지우거나 경로를 고칩니다.",
    fix_en="Remove the entry or correct its path.",
)


def apply_exceptions(
    examples: list[ExampleFile], config: Config, paths: list[Path]
) -> list[Finding]:
    """Mark listed files (kind and reason) and return the stale entries' findings."""
    for example in examples:
        listed = first_match(example.display, config.unchecked)
        if listed is not None:
            example.kind, example.reason = EXCEPTION, listed.reason
            continue
        listed = first_match(example.display, config.data)
        if listed is not None and example.kind == UNKNOWN:
            example.kind, example.reason = DATA, listed.reason
    root = config.root
    scopes = [display_path(p if p.is_absolute() else root / p, root) for p in paths]
    displays = [e.display for e in examples]
    findings = []
    for section, entries in (("unchecked", config.unchecked), ("data", config.data)):
        for entry in entries:
            in_scope = any(s in ("", ".") or matches(entry.pattern, s) for s in scopes)
            if in_scope and not any(matches(d, entry.pattern) for d in displays):
                findings.append(
                    STALE_EXCEPTION.finding(
                        config.exceptions_file,
                        entry.line,
                        1,
                        f"`{section}` entry {entry.pattern!r} matches no file: remove it",
                    )
                )
    return findings


def first_match(display: str, entries: Iterable[ListedFile]) -> ListedFile | None:
    """The first entry whose pattern matches ``display`` (a path, a glob or a folder)."""
    return next((e for e in entries if matches(display, e.pattern)), None)
