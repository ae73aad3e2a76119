"""Print the kill table at the end of the session and write build/mutation-report.json."""

from __future__ import annotations

import json
from collections import defaultdict

from . import harness

REPORT = harness.ROOT / "build" / "mutation-report.json"


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    run = harness.LAST_RUN
    if not run:
        return  # the mutation tests did not run (deselected)
    mutants, result, known, key = run["mutants"], run["result"], run["known"], run["key"]
    rows: dict[str, dict] = defaultdict(lambda: {"killed": 0, "total": 0, "class": ""})
    survivors = []
    for index, (example, mutant) in enumerate(mutants):
        row = rows[mutant.operator]
        row["class"] = harness.defect_class(mutant.operator)
        row["total"] += 1
        verdict = result.verdicts[index]
        if verdict.killed:
            row["killed"] += 1
        else:
            survivors.append(
                {
                    "file": example.relative,
                    "operator": mutant.operator,
                    "mutant": mutant.description,
                    "expected_rules": sorted(mutant.expected_rules),
                    "expected_lines": sorted(mutant.region_lines),
                    "checker_said": verdict.said,
                    "known_reason": known.get(key(index)),
                }
            )
    killed = sum(r["killed"] for r in rows.values())
    total = sum(r["total"] for r in rows.values())
    write = terminalreporter.write_line
    terminalreporter.section("mutation kill rate")
    write(f"{'class':<15} {'operator':<32} {'killed':>7} {'total':>6} {'rate':>7}")
    for name, row in sorted(rows.items(), key=lambda item: (item[1]["class"], item[0])):
        rate = row["killed"] / row["total"]
        write(f"{row['class']:<15} {name:<32} {row['killed']:>7} {row['total']:>6} {rate:>7.1%}")
    write(
        f"{'all':<15} {'':<32} {killed:>7} {total:>6} {killed / total:>7.1%}"
        f"   ({len([s for s in survivors if s['known_reason']])} known survivors; "
        f"checker batch {result.seconds:.1f} s over {result.files_checked} files)"
    )
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(
        json.dumps(
            {
                "killed": killed,
                "total": total,
                "kill_rate": round(killed / total, 4),
                "checker_seconds": round(result.seconds, 2),
                "files_checked": result.files_checked,
                "operators": {name: dict(row) for name, row in sorted(rows.items())},
                "survivors": survivors,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        "utf-8",
    )
    write(f"written {REPORT.relative_to(harness.ROOT)}")
