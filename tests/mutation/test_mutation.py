"""Mutation test of the example checker: every defect a contributor can put into a real
example must be rejected with the right rule on the right line.

Each test is one mutant: one operator applied once to one file under examples/. All mutants
are checked in one batch (``harness.run_batch``); the tests read its verdicts. The kill table
and build/mutation-report.json come from conftest.py.
"""

from __future__ import annotations

import pytest

from examplecheck.findings import Finding, Severity

from . import harness
from .operators import OPERATORS, Mutant
from .yamltext import YamlContext, delete_entry, last_line

MUTANTS = harness.all_mutants()

_GATEWAY_OFFLINE = (
    "Gateway API kinds are custom resources whose CRD schemas the checker's offline engines "
    "lack (conf/crds.yaml); the apiserver session validates them against the v1.5.1 CRDs in "
    "the default run (tests/apiserver/test_differential.py SERVER_ONLY)"
)
# Mutants the checker is not meant to catch, each with its reason: (file, operator,
# description) -> reason. Only what is out of the checker's scope belongs here.
KNOWN_SURVIVORS: dict[tuple[str, str, str], str] = {
    ("examples/kubernetes/gateway/gateway.yaml", "k8s_wrong_type", 'port: "80"'): (
        _GATEWAY_OFFLINE
    ),
    # Not a defect at all: Listener.protocol is an open string (implementations add their
    # own), and kube-apiserver with the v1.5.1 CRDs accepts `tcp` too.
    ("examples/kubernetes/gateway/gateway.yaml", "k8s_bad_enum", "protocol: tcp"): (
        "Gateway listener protocol is no closed enum: the API server with the CRDs accepts it"
    ),
    (
        "examples/kubernetes/gateway/httproute-https-redirect.yaml",
        "k8s_misspelled_field",
        "rules -> rule",
    ): _GATEWAY_OFFLINE,
    ("examples/kubernetes/gateway/httproute.yaml", "k8s_misspelled_field", "rules -> rule"): (
        _GATEWAY_OFFLINE
    ),
    # The checker does flag this line, as k8s-backend-port-missing ("uses port name "80"");
    # HTTPRoute backendRefs[].port is an integer, so the schema type error is what is owed.
    ("examples/kubernetes/gateway/httproute.yaml", "k8s_wrong_type", 'port: "80"'): (
        _GATEWAY_OFFLINE
    ),
}


def _key(index: int) -> tuple[str, str, str]:
    example, mutant = MUTANTS[index]
    return (example.relative, mutant.operator, mutant.description)


def _params() -> list:
    params = []
    for index, (example, mutant) in enumerate(MUTANTS):
        reason = KNOWN_SURVIVORS.get(_key(index))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        test_id = f"{example.relative.removeprefix('examples/')}::{mutant.operator}::{index}"
        params.append(pytest.param(index, marks=marks, id=test_id))
    return params


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> harness.BatchResult:
    result = harness.run_batch(MUTANTS, tmp_path_factory.mktemp("mutants"))
    harness.LAST_RUN.update(mutants=MUTANTS, result=result, known=KNOWN_SURVIVORS, key=_key)
    return result


@pytest.mark.parametrize("index", _params())
def test_mutant_is_rejected(batch: harness.BatchResult, index: int) -> None:
    example, mutant = MUTANTS[index]
    verdict = batch.verdicts[index]
    assert verdict.killed, _survivor_message(example.relative, mutant, verdict.said)


def _survivor_message(path: str, mutant: Mutant, said: list[str]) -> str:
    return (
        f"mutant survived: {mutant.operator} on {path}: {mutant.description}\n"
        f"  expected an error {sorted(mutant.expected_rules)} on line(s) "
        f"{sorted(mutant.region_lines)}\n"
        f"  the checker said: {said or 'nothing (no error on this file)'}"
    )


def test_unmutated_copies_are_clean(batch: harness.BatchResult) -> None:
    """A kill only counts if the clean copy has no error: the finding is the mutant's."""
    dirty = {folder: errors for folder, errors in batch.baseline_errors.items() if errors}
    assert not dirty


def test_every_example_is_mutated_or_excluded_with_a_reason() -> None:
    examples, skipped = harness.find_examples()
    mutated = {e.relative for e, _ in MUTANTS}
    assert {e.relative for e in examples} == mutated, "an example no operator applies to"
    assert all(skipped.values()), {p: r for p, r in skipped.items() if not r}
    kinds = {e.kind for e in examples}
    assert kinds == {"kubernetes", "compose", "dockerfile", "helm-template"}


def test_every_operator_applies_to_some_example() -> None:
    used = {m.operator for _, m in MUTANTS}
    assert set(OPERATORS) == used, f"operators with no mutant: {set(OPERATORS) - used}"


def test_known_survivors_are_real_mutants() -> None:
    """A stale entry would silently stop protecting anything."""
    keys = {_key(i) for i in range(len(MUTANTS))}
    assert set(KNOWN_SURVIVORS) <= keys, set(KNOWN_SURVIVORS) - keys


def test_mutants_change_exactly_what_they_say() -> None:
    """Each mutant differs from its file, and its region is inside the mutated text."""
    for example, mutant in MUTANTS:
        lines = mutant.mutated_text.splitlines()
        assert mutant.region_lines, (example.relative, mutant.description)
        assert all(1 <= line <= len(lines) for line in mutant.region_lines), mutant.description
        assert mutant.expected_rules


# --- the text helpers operators rely on -------------------------------------------------------

_POD = """\
spec:
  containers:
    - name: web  # first key of a list item
      image: nginx
    - name: side
      image: busybox
  restartPolicy: Always
"""


def test_delete_first_key_of_list_item_moves_the_dash() -> None:
    ctx = YamlContext.parse(_POD)
    entry = ctx.find(0, ("spec", "containers", 0, "name"))
    mutated, parent_line = delete_entry(_POD, entry)
    assert mutated.splitlines()[2] == "    - image: nginx"
    assert parent_line == 3


def test_last_line_of_a_block_ignores_following_comments() -> None:
    text = "a:\n  b: 1\n  c:\n    d: 2\n# trailing comment\ne: 3\n"
    ctx = YamlContext.parse(text)
    assert last_line(ctx.find(0, ("a",)).value) == 4
    assert last_line(ctx.find(0, ("a", "c")).value) == 4


def test_only_the_expected_rule_on_the_region_kills() -> None:
    mutant = Mutant("x", "x", frozenset({4, 5}), frozenset({"k8s-schema-type"}), "op")

    def finding(line: int, rule: str, severity: Severity = Severity.ERROR) -> Finding:
        return Finding("f.yaml", line, 1, severity, rule, "tool", "message")

    assert harness.is_killed(mutant, [finding(5, "k8s-schema-type")])
    assert not harness.is_killed(mutant, [finding(6, "k8s-schema-type")])  # another line
    assert not harness.is_killed(mutant, [finding(4, "yaml-syntax")])  # another rule
    assert not harness.is_killed(mutant, [finding(4, "k8s-schema-type", Severity.WARNING)])
    assert not harness.is_killed(mutant, [])
