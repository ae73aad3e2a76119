"""The rule registry (examplecheck.catalogue): each rule declared once, documented, and shown
rejecting something.

- Every declaration is complete (Korean and English description and remediation) and its id
  is new and well formed.
- CONTRIBUTING.md's table is what tools/rule_table.py writes from the registry.
- Every rule is produced by some fixture: the whole tests/fixtures tree is checked once and
  each rule must appear, except the few that only arise from the machine (a missing tool, a
  timeout, a crash, the real API server), each listed with the test that produces it.
- Each folder under tests/fixtures/rules/ is a rule's fixture: its files mark with
  ``expect: <rule id>`` the lines where that rule must be reported, and it is reported there
  and nowhere else in the folder. A new rule needs one such folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from examplecheck import catalogue
from examplecheck.api import CheckerCouldNotRun, check_paths
from examplecheck.findings import Finding, Severity
from tools import rule_table

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
RULE_FIXTURES = FIXTURES / "rules"
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
EXPECT = re.compile(r"expect: ([a-z0-9-]+)")

# Rules no file can produce (they come from the machine or from outside tests/fixtures), each
# with the test that shows them: the test must exist and name the rule.
PRODUCED_BY_TESTS = {
    "file-unreadable": "tests/test_crash_paths.py",  # a symlink loop or FIFO made at run time
    "file-too-large": "tests/test_hostile_inputs.py",  # a 50 MB file made at run time
    "k8s-schema-enum": "tests/test_kubernetes_kubeconform.py",  # kubeconform's wording
    "k8s-schema-tool-error": "tests/test_kubernetes_kubeconform.py",  # kubeconform failing
    "k8s-apiserver": "tests/test_apiserver_parts.py",  # the real server's answer
    "k8s-apiserver-warning": "tests/test_apiserver_parts.py",
    "image-unknown": "tests/test_images.py",  # only under examples/ and docs/
    "compose-unchecked": "tests/test_compose.py",  # no Compose binary
    "compose-include-invalid": "tests/test_compose.py",
    "helm-render": "tests/test_helm_chart_render.py",
    "kustomize-build": "tests/test_kustomize.py",
    "command-flag-newer-than-cli": "tests/test_command_blocks.py",  # depends on the CLI version
    "command-cli-missing": "tests/test_command_blocks.py",  # a CLI missing
    "stale-exception": "tests/test_classify.py",  # an entry of a conf/exceptions.yaml
    "checker-crash": "tests/test_cli.py",  # a check that raises
    "tool-failed": "tests/test_shellcheck.py",
    "tool-timeout": "tests/test_shellcheck.py",
    "tool-missing": "tests/test_kustomize.py",  # kustomize missing
}


def test_every_rule_is_declared_once_and_documented() -> None:
    rules = catalogue.all_rules()
    ids = [rule.id for rule in rules]
    assert len(ids) == len(set(ids))
    for rule in rules:
        assert ID.match(rule.id), rule.id
        for text in (rule.summary_ko, rule.summary_en, rule.fix_ko, rule.fix_en):
            assert text.strip() and not text.endswith(" "), (rule.id, text)
        assert re.search(r"[가-힣]", rule.summary_ko + rule.fix_ko), rule.id
        assert rule.fix_ko.endswith("."), (rule.id, rule.fix_ko)
        assert catalogue.lookup(rule.id) is rule


def test_a_finding_with_an_unregistered_id_is_a_checker_bug() -> None:
    ok = Finding("x.yaml", 1, 1, Severity.ERROR, "k8s-missing-name", "kubernetes-api", "m")
    catalogue.require_registered([ok])
    member = Finding("Dockerfile", 1, 1, Severity.WARNING, "DL3007", "hadolint", "m")
    catalogue.require_registered([member])
    unknown = Finding("x.yaml", 3, 1, Severity.ERROR, "k8s-made-up", "kubernetes-api", "m")
    with pytest.raises(catalogue.UnregisteredRule, match=r"x\.yaml:3: rule 'k8s-made-up'"):
        catalogue.require_registered([ok, unknown])


def test_check_paths_refuses_a_finding_with_an_unregistered_id(monkeypatch) -> None:
    from examplecheck.wrappers import python_compile

    def made_up(text: str, display: str) -> list[Finding]:
        return [Finding(display, 1, 1, Severity.ERROR, "python-made-up", "python", "x")]

    monkeypatch.setattr(python_compile, "check", made_up)
    with pytest.raises(CheckerCouldNotRun, match="python-made-up"):
        check_paths([FIXTURES / "python"], root=ROOT)


def test_a_rule_refuses_a_severity_it_does_not_declare() -> None:
    rule = catalogue.lookup("k8s-missing-name")
    with pytest.raises(ValueError, match="without severity"):
        rule.finding("x.yaml", 1, 1, "m", severity=Severity.WARNING)


def test_contributing_lists_every_rule_as_the_registry_says() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert rule_table.rewritten(text) == text, "run: python -m tools.rule_table"
    for rule in catalogue.all_rules():
        assert f"`{rule.id}`" in text


@pytest.fixture(scope="module")
def fixture_run():
    return check_paths([FIXTURES], root=ROOT)


def test_every_rule_is_produced_by_a_fixture_or_a_named_test(fixture_run) -> None:
    produced = {catalogue.lookup(f.rule).id for f in fixture_run.findings}
    missing = []
    for rule in catalogue.all_rules():
        if rule.id in produced:
            continue
        test_file = PRODUCED_BY_TESTS.get(rule.id)
        if test_file is None or rule.id not in (ROOT / test_file).read_text(encoding="utf-8"):
            missing.append(rule.id)
    assert missing == [], "add a folder tests/fixtures/rules/<id>/ for each"


def _expected(folder: Path) -> set[tuple[str, int]]:
    marks = set()
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        raw = file.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(raw.splitlines(), start=1):
            for found in EXPECT.finditer(line):
                assert found.group(1) == folder.name, f"{file}:{number} expects another rule"
                marks.add((file.relative_to(ROOT).as_posix(), number))
    return marks


@pytest.mark.parametrize("folder", sorted(RULE_FIXTURES.iterdir()), ids=lambda p: p.name)
def test_a_rule_fixture_is_reported_exactly_where_it_says(folder: Path, fixture_run) -> None:
    rule = catalogue.lookup(folder.name)
    assert rule is not None and rule.id == folder.name, f"{folder.name} is no rule id"
    expected = _expected(folder)
    assert expected, f"{folder} marks no line with `expect: {folder.name}`"
    prefix = folder.relative_to(ROOT).as_posix() + "/"
    found = {
        (f.path, f.line)
        for f in fixture_run.findings
        if f.path.startswith(prefix) and catalogue.lookup(f.rule) is rule
    }
    assert found == expected


def test_the_catalogue_is_whole_as_soon_as_it_is_imported() -> None:
    """Each rule set is declared in one module, which the catalogue imports: a fresh process
    that imports only the catalogue knows every rule, in the same order (the rule page and the
    table do not depend on what else was imported first)."""
    import subprocess
    import sys

    code = (
        "from examplecheck import catalogue; print(' '.join(r.id for r in catalogue.all_rules()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == [rule.id for rule in catalogue.all_rules()]
