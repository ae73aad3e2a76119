"""Which lines of an example file an ``{example}`` shows, counted in the file's own lines.

``literalinclude`` selects lines with ``:start-after:``/``:start-at:``, ``:end-before:``/
``:end-at:`` and ``:lines:`` (in that order); this repeats that selection on line numbers so the
caption can say "12–30행 발췌" and the code can number its lines as the file does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sphinx.util import parselinenos


class DisjointExcerpt(ValueError):
    """The selected lines are not one run: no single line numbering can match the file."""


@dataclass(frozen=True)
class Excerpt:
    first: int  # 1-based file line of the first shown line
    last: int
    total: int  # lines in the file

    @property
    def whole(self) -> bool:
        return self.first == 1 and self.last >= self.total

    @property
    def range_text(self) -> str:
        return f"{self.first}–{self.last}행" if self.last != self.first else f"{self.first}행"

    def contains(self, line: int) -> bool:
        return self.first <= line <= self.last


def _start(numbered: list[tuple[int, str]], options: dict) -> list[tuple[int, str]]:
    for option, skip in (("start-at", 0), ("start-after", 1)):
        if marker := options.get(option):
            for index, (_number, line) in enumerate(numbered):
                if marker in line:
                    return numbered[index + skip :]
            raise ValueError(f"{option} pattern not found: {marker}")
    return numbered


def _end(numbered: list[tuple[int, str]], options: dict) -> list[tuple[int, str]]:
    for option, keep in (("end-at", 1), ("end-before", 0)):
        if marker := options.get(option):
            for index, (_number, line) in enumerate(numbered):
                # as literalinclude: end-before never matches the first line
                if marker in line and (keep or index):
                    return numbered[: index + keep]
            raise ValueError(f"{option} pattern not found: {marker}")
    return numbered


def excerpt_of(file: Path, options: dict, encoding: str = "utf-8") -> Excerpt:
    """The file lines the directive with ``options`` shows; DisjointExcerpt if not one run."""
    lines = file.read_text(encoding=encoding).splitlines()
    numbered = _end(_start(list(enumerate(lines, 1)), options), options)
    if spec := options.get("lines"):
        picked = [i for i in parselinenos(spec, len(numbered)) if i < len(numbered)]
        numbered = [numbered[i] for i in picked]
    numbers = [n for n, _line in numbered]
    if not numbers:
        raise ValueError(f"no lines selected from {file.name}")
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        raise DisjointExcerpt(
            f"the selected lines of {file.name} are not one range ({options.get('lines')}): "
            "show each range in its own {example} so the line numbers match the file"
        )
    return Excerpt(numbers[0], numbers[-1], len(lines))
