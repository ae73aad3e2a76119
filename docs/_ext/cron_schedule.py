"""The ``{cron-schedule}`` directive: the next run times of each CronJob in an example file.

    ```{cron-schedule} kubernetes/workloads/cronjob.yaml
    ```

The path is relative to the repository's ``examples/`` folder, as for ``{example}``. For every
CronJob document the page gets a table: its schedule, its time zone and the next runs, computed
at build time with croniter in ``spec.timeZone`` (zoneinfo) when the CronJob sets one, else in
UTC (the controller's own zone, which the manifest cannot know, is said in a note).

Runs are counted from a fixed reference time, ``cron_schedule_reference`` (default
2026-01-01T00:00:00+00:00), not from the build date: the same sources give the same page on every
build and in every preview, and the caption names the reference so readers can follow along.
Options: ``:count:`` (runs per schedule, default 5), ``:from:`` (another ISO 8601 reference).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from croniter import CroniterBadCronError, croniter
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import ExtensionMetadata

EXAMPLES = "examples"
DEFAULT_REFERENCE = "2026-01-01T00:00:00+00:00"
DEFAULT_COUNT = 5
MAX_COUNT = 20
_WEEKDAYS = "월화수목금토일"  # datetime.weekday(): Monday is 0


class ScheduleError(ValueError):
    """A CronJob whose schedule or time zone cannot be computed."""


@dataclass(frozen=True)
class CronSchedule:
    name: str
    schedule: str
    time_zone: str | None  # spec.timeZone, None when the CronJob does not set one
    runs: list[datetime]  # aware datetimes in the CronJob's zone (UTC when unset)


def parse_reference(text: str) -> datetime:
    """An aware datetime from ISO 8601; a naive one is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ScheduleError(f"reference time {text!r} is not ISO 8601") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def next_runs(
    schedule: str, time_zone: str | None, reference: datetime, count: int
) -> list[datetime]:
    """The next ``count`` run times after ``reference``, in ``time_zone`` (UTC when None)."""
    try:
        zone = ZoneInfo(time_zone) if time_zone else UTC
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleError(f"unknown time zone {time_zone!r}") from exc
    if not croniter.is_valid(schedule):
        raise ScheduleError(f"invalid cron schedule {schedule!r}")
    try:
        iterator = croniter(schedule, reference.astimezone(zone))
        return [iterator.get_next(datetime) for _ in range(count)]
    except (CroniterBadCronError, ValueError, KeyError) as exc:
        raise ScheduleError(f"cron schedule {schedule!r}: {exc}") from exc


def cron_schedules(text: str, reference: datetime, count: int) -> list[CronSchedule]:
    """Every CronJob of a YAML text with its next runs; ScheduleError when one cannot be read."""
    try:
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        raise ScheduleError(f"not YAML: {exc}") from exc
    found = []
    for document in documents:
        if not isinstance(document, dict) or document.get("kind") != "CronJob":
            continue
        name = str((document.get("metadata") or {}).get("name", "?"))
        spec: dict[str, Any] = document.get("spec") or {}
        schedule = spec.get("schedule")
        if not isinstance(schedule, str):
            raise ScheduleError(f"CronJob {name}: spec.schedule is missing or not a string")
        time_zone = spec.get("timeZone")
        try:
            runs = next_runs(schedule, time_zone, reference, count)
        except ScheduleError as exc:
            raise ScheduleError(f"CronJob {name}: {exc}") from exc
        found.append(CronSchedule(name, schedule, time_zone, runs))
    return found


def format_run(moment: datetime) -> str:
    """'2026-01-02(금) 02:00 KST' — the date, the Korean weekday, the time and the zone."""
    zone = moment.tzname() or moment.strftime("%z")
    return f"{moment:%Y-%m-%d}({_WEEKDAYS[moment.weekday()]}) {moment:%H:%M} {zone}"


def format_reference(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


class CronScheduleDirective(SphinxDirective):
    required_arguments = 1
    has_content = False
    option_spec = {  # noqa: RUF012 - docutils reads this class attribute
        "count": directives.positive_int,
        "from": directives.unchanged_required,
    }

    def run(self) -> list[nodes.Node]:
        relative = PurePosixPath(self.arguments[0].strip())
        examples_dir = (self._repo_root() / EXAMPLES).resolve()
        target = (examples_dir / relative).resolve()
        self.env.note_dependency(str(target))  # a changed schedule rebuilds the page
        if not target.is_relative_to(examples_dir) or not target.is_file():
            return self._error(f"example file not found: {EXAMPLES}/{relative}")
        count = min(self.options.get("count", DEFAULT_COUNT), MAX_COUNT)
        try:
            reference = parse_reference(
                self.options.get("from", self.config.cron_schedule_reference)
            )
            schedules = cron_schedules(target.read_text(encoding="utf-8"), reference, count)
        except ScheduleError as exc:
            return self._error(f"{EXAMPLES}/{relative}: {exc}")
        if not schedules:
            return self._error(f"{EXAMPLES}/{relative}: no CronJob in the file")
        return [self._table(schedules, reference, count, f"{EXAMPLES}/{relative}")]

    def _repo_root(self) -> Path:
        configured = getattr(self.config, "example_repo_root", None)  # set by example_directive
        return Path(configured) if configured else Path(self.env.srcdir).parent

    def _error(self, message: str) -> list[nodes.Node]:
        return [self.state.document.reporter.error(message, line=self.lineno)]

    def _table(
        self, schedules: list[CronSchedule], reference: datetime, count: int, path: str
    ) -> nodes.Node:
        table = nodes.table(classes=["cron-schedule"])
        title = f"{path}: 다음 {count}번의 실행 시각 ({format_reference(reference)} 기준)"
        table += nodes.title(title, title)
        group = nodes.tgroup(cols=3)
        table += group
        for width in (2, 2, 5):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        head += _row(["크론잡", "일정", "다음 실행"])
        group += head
        body = nodes.tbody()
        for item in schedules:
            zone = item.time_zone or "UTC (timeZone 없음: 컨트롤러의 시간대를 따릅니다)"
            runs = nodes.bullet_list()
            for run in item.runs:
                entry = nodes.list_item()
                entry += nodes.paragraph("", format_run(run))
                runs += entry
            body += _row(
                [
                    nodes.literal(item.name, item.name),
                    [nodes.literal(item.schedule, item.schedule), nodes.Text(f" ({zone})")],
                    runs,
                ]
            )
        group += body
        return table


def _row(cells: list) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        if isinstance(cell, str):
            entry += nodes.paragraph("", cell)
        elif isinstance(cell, nodes.bullet_list):
            entry += cell
        else:
            paragraph = nodes.paragraph()
            paragraph.extend(cell if isinstance(cell, list) else [cell])
            entry += paragraph
        row += entry
    return row


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("cron_schedule_reference", DEFAULT_REFERENCE, "env", types=[str])
    app.add_directive("cron-schedule", CronScheduleDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
