"""Write CONTRIBUTING.md's rule table from examplecheck.catalogue (``--check``: only compare).

Run: ``python -m tools.rule_table`` after declaring a rule; tests/test_rule_registry.py fails
while the table in CONTRIBUTING.md differs from what this writes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from examplecheck import catalogue

ROOT = Path(__file__).resolve().parents[1]
CONTRIBUTING = ROOT / "CONTRIBUTING.md"
START = "<!-- rule-table:start (python -m tools.rule_table writes this table) -->"
END = "<!-- rule-table:end -->"
_SEVERITY = {"error": "오류", "warning": "경고", "info": "참고"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table() -> str:
    """The table: one row a rule, in the order of the rule page, linked to its entry."""
    rows = ["| 규칙 | 심각도 | 뜻 | 고치는 방법 |", "|---|---|---|---|"]
    for rule in catalogue.all_rules():
        shown = "/".join(_SEVERITY[str(s)] for s in dict.fromkeys([rule.severity, *rule.levels]))
        name = f"`{rule.id}`" + (" 계열(코드별)" if rule.family else "")
        rows.append(f"| {name} | {shown} | {_cell(rule.summary_ko)} | {_cell(rule.fix_ko)} |")
    return "\n".join(rows)


def rewritten(text: str) -> str:
    """``text`` with the part between the markers replaced by the current table."""
    head, found, rest = text.partition(START)
    if not found or END not in rest:
        raise ValueError(f"{CONTRIBUTING.name} has no {START} ... {END} markers")
    _old, _, tail = rest.partition(END)
    return f"{head}{START}\n{table()}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the table is stale")
    args = parser.parse_args(argv)
    text = CONTRIBUTING.read_text(encoding="utf-8")
    try:
        new = rewritten(text)
    except ValueError as exc:
        print(f"rule-table: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if new != text:
            print("rule-table: CONTRIBUTING.md is stale: run python -m tools.rule_table")
            return 1
        return 0
    CONTRIBUTING.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
