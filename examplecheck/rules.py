"""What a rule is: one declaration carrying its id, severity, producer, scope and advice.

A module that makes findings declares its rules once, in a ``RuleSet`` of its own:

    API = RuleSet("kubernetes-api", applies_to=("kubernetes",))
    ROLLING_UPDATE_ZERO = API.rule(
        "k8s-rolling-update-zero",
        ko="...", en="...", fix_ko="...", fix_en="...",
    )

    @API.check("Deployment")
    def check_rolling_update(obj, emit): ... emit(path, ROLLING_UPDATE_ZERO, message)

``examplecheck.catalogue`` lists every rule set; findings may carry only the ids it knows, the
rule page of the site and CONTRIBUTING's table are generated from it, and every finding links
to its entry. A wrapped tool's own codes (hadolint's DL3007, ShellCheck's SC2086) are one
declared *family* each, whose members link to the tool's own page for the code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .findings import Finding, Severity


@dataclass(frozen=True)
class Rule:
    """One rule: what it finds and what to do about it, in Korean and English."""

    id: str
    severity: Severity  # what its findings usually are (a tool may say otherwise: see `levels`)
    tool: str  # the engine or wrapped tool that produces it
    applies_to: tuple[str, ...]  # file kinds (classify) or Kubernetes kinds it looks at
    summary_ko: str
    summary_en: str
    fix_ko: str
    fix_en: str
    # Other severities its findings may have, e.g. a CLI missing is a warning locally and an
    # error with CI=true, yamllint's levels come from conf/yamllint.yaml.
    levels: tuple[Severity, ...] = ()
    # A family: the ids a wrapped tool makes (regex, whole id), and the tool's page for one.
    family: str | None = None
    docs_url: str | None = None  # "{code}" is replaced by the member's code
    # Its messages already say what to do, in Korean (the site then adds no remediation).
    message_says_fix: bool = False

    @property
    def anchor(self) -> str:
        """The rule's id on the generated rule page (docs/rules.md)."""
        return self.id

    def matches(self, rule_id: str) -> bool:
        if self.family is None:
            return rule_id == self.id
        return re.fullmatch(self.family, rule_id) is not None

    def member_url(self, rule_id: str) -> str | None:
        """The wrapped tool's own page for one member of a family."""
        if self.docs_url is None:
            return None
        match = re.fullmatch(self.family or re.escape(self.id), rule_id)
        code = match.group("code") if match and "code" in match.groupdict() else rule_id
        return self.docs_url.format(code=code)

    def finding(
        self,
        path: str,
        line: int,
        column: int,
        message: str,
        *,
        tool: str | None = None,
        severity: Severity | None = None,
        member: str | None = None,
    ) -> Finding:
        """A finding of this rule (``member``: the tool's own code, for a family)."""
        chosen = severity or self.severity
        if chosen is not self.severity and chosen not in self.levels:
            raise ValueError(f"rule {self.id} is declared without severity {chosen}")
        rule_id = member or self.id
        if member is not None and not self.matches(member):
            raise ValueError(f"{member!r} is no member of the rule family {self.id}")
        return Finding(path, line, column, chosen, rule_id, tool or self.tool, message)


Check = Callable[..., None]


class RuleSet:
    """The rules one module produces, and (for document rules) the checks that emit them."""

    def __init__(
        self,
        tool: str,
        *,
        applies_to: tuple[str, ...],
        severity: Severity = Severity.ERROR,
        title_ko: str = "",
        title_en: str = "",
        message_says_fix: bool = False,
    ) -> None:
        self.tool = tool
        self.message_says_fix = message_says_fix
        self.applies_to = applies_to
        self.severity = severity
        self.title_ko = title_ko or tool
        self.title_en = title_en or tool
        self.rules: list[Rule] = []
        self._checks: list[tuple[Check, frozenset[str]]] = []

    def rule(
        self,
        rule_id: str,
        *,
        ko: str,
        en: str,
        fix_ko: str,
        fix_en: str,
        severity: Severity | None = None,
        levels: Iterable[Severity] = (),
        applies_to: tuple[str, ...] | None = None,
        family: str | None = None,
        docs_url: str | None = None,
        tool: str | None = None,
    ) -> Rule:
        """Declare a rule of this set; the id must be new."""
        if any(r.id == rule_id for r in self.rules):
            raise ValueError(f"rule {rule_id} is declared twice")
        declared = Rule(
            rule_id,
            severity or self.severity,
            tool or self.tool,
            applies_to or self.applies_to,
            ko,
            en,
            fix_ko,
            fix_en,
            tuple(levels),
            family,
            docs_url,
            self.message_says_fix,
        )
        self.rules.append(declared)
        return declared

    def check(self, *kinds: str) -> Callable[[Check], Check]:
        """Register a check function for documents of these kinds (none: every document)."""

        def register(function: Check) -> Check:
            self._checks.append((function, frozenset(kinds)))
            return function

        return register

    def checks_for(self, kind: str) -> list[Check]:
        """The registered checks that look at ``kind``, in declaration order."""
        return [function for function, kinds in self._checks if not kinds or kind in kinds]

    @property
    def checks(self) -> list[Check]:
        return [function for function, _ in self._checks]
