"""The {cron-schedule} directive (docs/_ext/cron_schedule.py): next run times with croniter,
in the CronJob's spec.timeZone, from a fixed reference time."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.fixtures.site.site_build import build, extension

ROOT = Path(__file__).resolve().parents[1]
cron_schedule = extension("cron_schedule")
REFERENCE = cron_schedule.parse_reference(cron_schedule.DEFAULT_REFERENCE)

CRONJOB = """\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-backup
spec:
  schedule: "{schedule}"
{zone}  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: backup
              image: busybox:1.37
"""


def cronjob(schedule: str, zone: str | None = "Asia/Seoul") -> str:
    return CRONJOB.format(schedule=schedule, zone=f'  timeZone: "{zone}"\n' if zone else "")


def test_reference_is_fixed_and_utc():
    assert datetime(2026, 1, 1, tzinfo=UTC) == REFERENCE


def test_daily_schedule_in_seoul():
    runs = cron_schedule.next_runs("0 2 * * *", "Asia/Seoul", REFERENCE, 5)
    # 2026-01-01 00:00 UTC is 09:00 in Seoul: today's 02:00 has passed.
    assert [cron_schedule.format_run(r) for r in runs[:2]] == [
        "2026-01-02(금) 02:00 KST",
        "2026-01-03(토) 02:00 KST",
    ]
    assert runs[0].astimezone(UTC) == datetime(2026, 1, 1, 17, 0, tzinfo=UTC)
    assert all(b - a == timedelta(days=1) for a, b in itertools.pairwise(runs))


def test_time_zone_follows_daylight_saving():
    start = cron_schedule.parse_reference("2026-03-06T00:00:00Z")
    runs = cron_schedule.next_runs("0 9 * * *", "America/New_York", start, 4)
    assert [r.astimezone(UTC).hour for r in runs] == [14, 14, 13, 13]  # EST, then EDT
    assert [r.hour for r in runs] == [9, 9, 9, 9]


def test_without_time_zone_runs_are_in_utc():
    runs = cron_schedule.next_runs("*/30 * * * *", None, REFERENCE, 3)
    assert [cron_schedule.format_run(r) for r in runs] == [
        "2026-01-01(목) 00:30 UTC",
        "2026-01-01(목) 01:00 UTC",
        "2026-01-01(목) 01:30 UTC",
    ]


def test_macros_are_understood():
    [run] = cron_schedule.next_runs("@weekly", None, REFERENCE, 1)
    assert run == datetime(2026, 1, 4, tzinfo=UTC)  # the first Sunday 00:00


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (cronjob("0 25 * * *"), "CronJob nightly-backup: invalid cron schedule '0 25 * * *'"),
        (cronjob("0 2 * * *", "Asia/Busan"), "CronJob nightly-backup: unknown time zone"),
        (cronjob("0 2 * *"), "invalid cron schedule '0 2 * *'"),
        ("kind: CronJob\nmetadata: {name: x}\nspec: {}\n", "spec.schedule is missing"),
        ("kind: CronJob\n  bad: [\n", "not YAML"),
    ],
)
def test_broken_cronjobs_are_refused(text, message):
    with pytest.raises(cron_schedule.ScheduleError) as caught:
        cron_schedule.cron_schedules(text, REFERENCE, 5)
    assert message in str(caught.value)


def test_every_cronjob_example_has_a_computable_schedule():
    found = 0
    for path in sorted((ROOT / "examples").rglob("*.yaml")):
        if "templates" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "kind: CronJob" not in text:
            continue
        schedules = cron_schedule.cron_schedules(text, REFERENCE, 5)
        assert schedules and all(len(s.runs) == 5 for s in schedules), path
        found += len(schedules)
    assert found >= 1


# --- in a Sphinx build ------------------------------------------------------------------------


def _site(tmp_path: Path, cronjob_text: str, directive: str) -> Path:
    (tmp_path / "examples" / "workloads").mkdir(parents=True)
    (tmp_path / "examples" / "workloads" / "cronjob.yaml").write_text(cronjob_text)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(
        'extensions = ["myst_parser", "cron_schedule"]\nlanguage = "ko"\n'
        'exclude_patterns = ["_build"]\n'
    )
    (docs / "index.md").write_text(f"# 크론잡\n\n{directive}\n")
    return tmp_path


def test_directive_renders_the_next_runs(tmp_path):
    repo = _site(tmp_path, cronjob("0 2 * * *"), "```{cron-schedule} workloads/cronjob.yaml\n```")
    result = build(repo)
    assert "cron-schedule" not in result.warnings and "ERROR" not in result.warnings
    html = (repo / "_build" / "html" / "index.html").read_text(encoding="utf-8")
    assert "2026-01-01 00:00 UTC 기준" in html
    assert html.count("02:00 KST") == 5
    assert "2026-01-02(금) 02:00 KST" in html
    assert "Asia/Seoul" in html


def test_directive_options_and_missing_zone(tmp_path):
    directive = (
        "```{cron-schedule} workloads/cronjob.yaml\n:count: 2\n:from: 2026-06-01T00:00:00Z\n```"
    )
    repo = _site(tmp_path, cronjob("15 3 * * 1", None), directive)
    build(repo)
    html = (repo / "_build" / "html" / "index.html").read_text(encoding="utf-8")
    assert "2026-06-01(월) 03:15 UTC" in html and "2026-06-08(월) 03:15 UTC" in html
    assert "2026-06-15" not in html
    assert "timeZone 없음" in html


@pytest.mark.parametrize(
    ("text", "argument", "message"),
    [
        (cronjob("0 25 * * *"), "workloads/cronjob.yaml", "invalid cron schedule '0 25 * * *'"),
        (cronjob("0 2 * * *"), "workloads/missing.yaml", "example file not found"),
        ("kind: ConfigMap\n", "workloads/cronjob.yaml", "no CronJob in the file"),
        (cronjob("0 2 * * *"), "../docs/conf.py", "example file not found"),
    ],
)
def test_directive_reports_drift_as_a_build_error(tmp_path, text, argument, message):
    repo = _site(tmp_path, text, f"```{{cron-schedule}} {argument}\n```")
    result = build(repo)
    assert "ERROR" in result.warnings and message in result.warnings, result.warnings
