"""Every rule of the checker, from the rule sets of the modules that produce them.

This is the one list of rule sets: a new rule in an existing set needs nothing here, a new
set (a new tool wrapper) is one line in ``RULE_SETS``. The site's rule page
(docs/_ext/rule_catalogue.py), CONTRIBUTING's rule table (tools/rule_table.py) and the links
every finding carries are made from it; a finding whose id it does not know is a checker bug.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from . import (
    cli_flags,
    compose_files,
    document_shapes,
    executables,
    images,
    listed_files,
    references,
    run,
    yamlload,
)
from .apiserver import answers
from .findings import Finding
from .kubernetes.engines import violations
from .kubernetes.rules import (
    apirules,
    crossfield,
    crossfile,
    names,
    ports,
    practices,
    quantities,
    valuesets,
)
from .rules import Rule, RuleSet
from .wrappers import (
    buildkit,
    docker_compose,
    hadolint,
    helm,
    kustomize,
    python_compile,
    shellcheck,
    yamllint,
)

# In the order the rule page lists them: what every file meets first, Kubernetes, the rest.
RULE_SETS: tuple[RuleSet, ...] = (
    yamlload.LOADER,
    yamllint.YAMLLINT,
    violations.SCHEMA_RULES,
    names.NAME_RULES,
    apirules.API,
    ports.PORT_RULES,
    valuesets.VALUE_RULES,
    quantities.QUANTITY_RULES,
    crossfield.CROSSFIELD_RULES,
    crossfile.SET_RULES,
    practices.PRACTICES,
    answers.APISERVER,
    images.IMAGES,
    buildkit.BUILDKIT,
    hadolint.HADOLINT,
    docker_compose.COMPOSE,
    compose_files.COMPOSE_FILES,
    helm.HELM,
    kustomize.KUSTOMIZE,
    shellcheck.SHELLCHECK,
    cli_flags.COMMANDS,
    python_compile.PYTHON,
    document_shapes.SHAPES,
    references.REFERENCES,
    listed_files.EXCEPTIONS,
    run.RUN_RULES,
    executables.TOOL_RULES,
)

# The site's rule page, relative to the site root; every finding links to its entry there.
RULE_PAGE = "rules.html"


class UnregisteredRule(Exception):
    """A finding carries an id no rule set declares: a checker bug (exit status 2)."""


def all_rules() -> list[Rule]:
    return [rule for ruleset in RULE_SETS for rule in ruleset.rules]


@cache
def _by_id() -> dict[str, Rule]:
    found: dict[str, Rule] = {}
    for rule in all_rules():
        if rule.id in found:
            raise ValueError(f"rule {rule.id} is declared in two rule sets")
        found[rule.id] = rule
    return found


def lookup(rule_id: str) -> Rule | None:
    """The rule a finding's id belongs to: its own declaration or the family it is one of."""
    exact = _by_id().get(rule_id)
    if exact is not None:
        return exact
    return next((r for r in all_rules() if r.family and r.matches(rule_id)), None)


def require_registered(findings: Iterable[Finding]) -> None:
    """Raise UnregisteredRule for the first finding whose id no rule declares."""
    for finding in findings:
        if lookup(finding.rule) is None:
            raise UnregisteredRule(
                f"internal error: {finding.path}:{finding.line}: rule {finding.rule!r} (from "
                f"{finding.tool}) is declared in no rule set of examplecheck.catalogue; please "
                "report it"
            )


def docs_link(rule_id: str, site_url: str) -> str:
    """Where a finding's rule is explained: the rule page entry (a family member: the tool's
    own page for its code). ``site_url`` is the site's base URL, ending in "/"."""
    rule = lookup(rule_id)
    if rule is None:
        return f"{site_url}{RULE_PAGE}"
    if rule.family is not None and rule.docs_url is not None:
        return rule.member_url(rule_id) or f"{site_url}{RULE_PAGE}#{rule.anchor}"
    return f"{site_url}{RULE_PAGE}#{rule.anchor}"
