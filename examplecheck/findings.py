"""The one findings model every check produces and every reporter consumes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, order=False)
class Finding:
    """One thing a check found. ``line`` and ``column`` are 1-based (0 = whole file)."""

    path: str
    line: int
    column: int
    severity: Severity
    rule: str
    tool: str
    message: str

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, _SEVERITY_ORDER[self.severity], self.rule)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data


@dataclass(frozen=True)
class Check:
    """One check a file went through, as data the site and reports read (never parsed text).

    ``done=False`` names a check that was not made offline (a custom resource's spec schema);
    ``where`` then says where it is made instead.
    """

    tool: str  # the tool or engine: "kubeconform", "kubernetes-schema", "yamllint", ...
    versions: tuple[str, ...] = ()  # the Kubernetes versions it checked against
    strict: bool = False  # unknown fields are errors (kubeconform -strict)
    scope: str = ""  # part of the file: "metadata" (a custom resource's ObjectMeta only)
    done: bool = True
    where: str = ""  # for done=False: where the check is made instead

    @property
    def label(self) -> str:
        """One line for people: "kubeconform (Kubernetes 1.33–1.37, strict)"."""
        details = []
        if self.versions:
            first, last = self.versions[0], self.versions[-1]
            details.append(f"Kubernetes {first}–{last}" if first != last else f"Kubernetes {first}")
        if self.strict:
            details.append("strict")
        if self.scope:
            details.append(f"{self.scope} only")
        if not self.done:
            details.append(f"not checked offline; {self.where}" if self.where else "not checked")
        return f"{self.tool} ({', '.join(details)})" if details else self.tool


@dataclass
class Report:
    """Findings of one run plus what was looked at, so 'nothing found' is distinguishable."""

    findings: list[Finding] = field(default_factory=list)
    # path -> file kind ("kubernetes", "compose", "dockerfile", "shell", "yaml", "python", ...)
    files: dict[str, str] = field(default_factory=dict)
    # path -> the checks it went through, in order, for the site's badges
    checked_by: dict[str, list[Check]] = field(default_factory=dict)

    def tools_of(self, path: str) -> list[str]:
        """The tools that checked ``path``, in order."""
        return [check.tool for check in self.checked_by.get(path, [])]

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    def sorted_findings(self) -> list[Finding]:
        return sorted(set(self.findings), key=Finding.sort_key)

    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    def for_path(self, path: str) -> list[Finding]:
        return [f for f in self.sorted_findings() if f.path == path]

    def summary(self) -> dict:
        counts = Counter(str(f.severity) for f in set(self.findings))
        return {
            "files": len(self.files),
            "errors": counts.get("error", 0),
            "warnings": counts.get("warning", 0),
            "infos": counts.get("info", 0),
        }
