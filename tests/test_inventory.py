"""Every line of the source notes' inventory is covered by a page section and its examples.

conf/inventory.yaml maps each inventory ID (D1, K13, T3 …) to the page that covers it, the
MyST target label above that section and the example files the section shows. Its
``additions:`` do the same for topics added later (DA1, KA1 …), each with the reason it was
added. These tests hold the map to the pages, to examples/ and to
../shared/seeds/INVENTORY.md.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from examplecheck import settings

ROOT = Path(__file__).resolve().parents[1]
INVENTORY_MAP = Path("conf") / "inventory.yaml"
SEED_INVENTORY = ROOT.parent / "shared" / "seeds" / "INVENTORY.md"

# "(inv-d5)=" on its own line: a MyST target.
_TARGET_RE = re.compile(r"^\((?P<label>[^()\s]+)\)=\s*$", re.MULTILINE)
# ```{example} docker/spring-boot/Dockerfile  or  :::{example} …
_EXAMPLE_RE = re.compile(r"^\s*(?:`{3,}|:{3,})\{example\}\s+(?P<path>\S+)", re.MULTILINE)
# "- D5 Image commands …" in INVENTORY.md.
_SEED_ID_RE = re.compile(r"^- (?P<id>[DKT]\d+)\s", re.MULTILINE)
_ID_RE = re.compile(r"^[DKT][1-9]\d*$")
# An addition's ID puts "A" after the area letter, so it can never be a seed ID.
_ADDED_ID_RE = re.compile(r"^[DKT]A[1-9]\d*$")


@dataclass(frozen=True)
class Entry:
    """One inventory item: where it is covered and with which example files."""

    item_id: str
    title: str
    page: str
    label: str
    examples: tuple[str, ...]
    reason: str | None = None  # an addition's: why a topic the notes lack is covered


def load_entries(root: Path) -> dict[str, Entry]:
    """Read conf/inventory.yaml under ``root`` into entries keyed by inventory ID: the seed
    inventory's ``items`` and the later ``additions``."""
    data = settings.data_of(root, "inventory")
    entries = {}
    for section in ("items", "additions"):
        for item_id, fields in (data.get(section) or {}).items():
            entries[str(item_id)] = Entry(
                item_id=str(item_id),
                title=fields["title"],
                page=fields["page"],
                label=fields["label"],
                examples=tuple(fields["examples"] or ()),
                reason=fields.get("reason", "") if section == "additions" else None,
            )
    return entries


def seed_entries(entries: dict[str, Entry]) -> set[str]:
    """The IDs that map seed inventory lines (not additions)."""
    return {item_id for item_id, entry in entries.items() if entry.reason is None}


def entry_shape_problems(entry: Entry) -> list[str]:
    """What is malformed in one entry: ID, label spelling, field types."""
    problems = []
    if entry.reason is None and not _ID_RE.match(entry.item_id):
        problems.append(f"{entry.item_id}: not an inventory ID like D5 or K13")
    if entry.reason is not None and not _ADDED_ID_RE.match(entry.item_id):
        problems.append(f"{entry.item_id}: not an addition ID like DA1 or KA2")
    if entry.reason is not None and (not isinstance(entry.reason, str) or not entry.reason.strip()):
        problems.append(f"{entry.item_id}: an addition needs a reason")
    if entry.label != f"inv-{entry.item_id.lower()}":
        problems.append(
            f"{entry.item_id}: label {entry.label!r} should be inv-{entry.item_id.lower()}"
        )
    if not isinstance(entry.title, str) or not entry.title.strip():
        problems.append(f"{entry.item_id}: title is empty")
    if not isinstance(entry.page, str) or entry.page.endswith(".md"):
        problems.append(f"{entry.item_id}: page {entry.page!r} should be a docname without .md")
    if not all(isinstance(path, str) for path in entry.examples):
        problems.append(f"{entry.item_id}: examples must be a list of paths")
    return problems


def page_text(root: Path, docname: str) -> str | None:
    """The Markdown source of a page, or None when the page does not exist."""
    path = root / "docs" / f"{docname}.md"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def labels_on(text: str) -> set[str]:
    """The MyST target labels a page defines."""
    return {match["label"] for match in _TARGET_RE.finditer(text)}


def labels_above_headings(text: str) -> set[str]:
    """The labels whose next non-blank line is a heading: labels that name a section."""
    lines = [line for line in text.splitlines() if line.strip()]
    return {
        match["label"]
        for line, following in zip(lines, [*lines[1:], ""], strict=True)
        if (match := _TARGET_RE.match(line)) and following.startswith("#")
    }


def examples_on(text: str) -> set[str]:
    """The example paths (relative to examples/) a page shows with the {example} directive."""
    return {match["path"] for match in _EXAMPLE_RE.finditer(text)}


def label_problems(root: Path, entry: Entry) -> list[str]:
    """Whether the entry's page exists and defines the entry's label."""
    text = page_text(root, entry.page)
    if text is None:
        return [f"{entry.item_id}: page docs/{entry.page}.md does not exist"]
    if entry.label not in labels_on(text):
        return [f"{entry.item_id}: docs/{entry.page}.md has no ({entry.label})= target"]
    if entry.label not in labels_above_headings(text):
        return [f"{entry.item_id}: ({entry.label})= in docs/{entry.page}.md is not above a heading"]
    return []


def example_problems(root: Path, entry: Entry) -> list[str]:
    """Whether each of the entry's examples exists and is shown on the entry's page."""
    text = page_text(root, entry.page) or ""
    shown = examples_on(text)
    problems = []
    for rel in entry.examples:
        if not (root / "examples" / rel).is_file():
            problems.append(f"{entry.item_id}: examples/{rel} does not exist")
        elif rel not in shown:
            problems.append(f"{entry.item_id}: docs/{entry.page}.md does not show {rel}")
    return problems


def seed_ids(text: str) -> list[str]:
    """The IDs of INVENTORY.md, in order."""
    return [match["id"] for match in _SEED_ID_RE.finditer(text)]


def id_set_problems(expected: list[str], mapped: set[str]) -> list[str]:
    """IDs of the inventory that the map lacks, and IDs the map has that the inventory lacks."""
    missing = [f"{i}: in INVENTORY.md, not in {INVENTORY_MAP}" for i in expected if i not in mapped]
    extra = [
        f"{i}: in {INVENTORY_MAP}, not in INVENTORY.md" for i in sorted(mapped - set(expected))
    ]
    return missing + extra


def coverage_problems(root: Path) -> list[str]:
    """Every shape, label and example problem of the whole map under ``root``."""
    problems = []
    for entry in load_entries(root).values():
        problems += entry_shape_problems(entry)
        problems += label_problems(root, entry)
        problems += example_problems(root, entry)
    return problems


# --- The real repository ---------------------------------------------------------------------

ENTRIES = load_entries(ROOT)


def test_every_entry_is_well_formed() -> None:
    problems = [line for entry in ENTRIES.values() for line in entry_shape_problems(entry)]
    assert problems == []


@pytest.mark.parametrize("item_id", sorted(ENTRIES))
def test_label_is_on_its_page(item_id: str) -> None:
    assert label_problems(ROOT, ENTRIES[item_id]) == []


@pytest.mark.parametrize("item_id", sorted(ENTRIES))
def test_examples_exist_and_are_shown_on_its_page(item_id: str) -> None:
    assert example_problems(ROOT, ENTRIES[item_id]) == []


def test_map_has_exactly_the_ids_of_the_seed_inventory() -> None:
    if not SEED_INVENTORY.is_file():
        pytest.skip(
            f"{SEED_INVENTORY} is not beside this clone; the ID set is checked where the seeds are"
        )
    expected = seed_ids(SEED_INVENTORY.read_text(encoding="utf-8"))
    assert expected, "INVENTORY.md lists no IDs: its format changed"
    assert id_set_problems(expected, seed_entries(ENTRIES)) == []


def test_additions_are_listed_and_cover_the_issue_16_topics() -> None:
    added = {e.item_id: e for e in ENTRIES.values() if e.reason is not None}
    assert added, "conf/inventory.yaml has no additions section"
    shown = {path for entry in added.values() for path in entry.examples}
    for example in (
        "kubernetes/daemonset/daemonset.yaml",
        "kubernetes/workloads/deployment-with-init.yaml",
        "kubernetes/rbac/rolebinding.yaml",
        "kubernetes/kustomize/overlays/prod/kustomization.yaml",
        "kubernetes/security/deployment-userns.yaml",
        "docker/spring-boot/Dockerfile.buildkit",
        "compose/dev-watch/compose.yaml",
    ):
        assert example in shown, example


# --- The checks reject bad input -------------------------------------------------------------


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A copy of the map, the pages and the examples, to break on purpose."""
    skip_site_files = shutil.ignore_patterns("_static", "_ext", "_templates")
    for part in ("conf", "docs", "examples"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=skip_site_files)
    return tmp_path


@pytest.fixture
def tiny_repo(tmp_path: Path) -> Path:
    """An empty repository layout with one page folder, for checks of a single entry."""
    (tmp_path / "docs" / "together").mkdir(parents=True)
    (tmp_path / "examples").mkdir()
    return tmp_path


def test_removed_label_is_reported(repo_copy: Path) -> None:
    page = repo_copy / "docs" / "together" / "comparison.md"
    text = page.read_text(encoding="utf-8")
    assert "(inv-t3)=" in text, "the comparison page should carry T3's label"
    before = set(coverage_problems(repo_copy))
    page.write_text(text.replace("(inv-t3)=", ""), encoding="utf-8")
    after = set(coverage_problems(repo_copy))
    assert after - before == {"T3: docs/together/comparison.md has no (inv-t3)= target"}


def test_label_inside_a_word_does_not_count() -> None:
    assert labels_on("see (inv-t3)= here\n(inv-t4)=\n## 정리\n") == {"inv-t4"}


def test_label_that_names_no_section_is_reported(tiny_repo: Path) -> None:
    page = tiny_repo / "docs" / "together" / "comparison.md"
    page.write_text("# 비교\n\n(inv-t3)=\n표는 아래에 있습니다.\n\n## 표\n", encoding="utf-8")
    entry = Entry("T3", "x", "together/comparison", "inv-t3", ())
    assert label_problems(tiny_repo, entry) == [
        "T3: (inv-t3)= in docs/together/comparison.md is not above a heading"
    ]


def test_missing_page_is_reported(tiny_repo: Path) -> None:
    entry = Entry("T3", "x", "together/nowhere", "inv-t3", ())
    assert label_problems(tiny_repo, entry) == ["T3: page docs/together/nowhere.md does not exist"]


def test_missing_and_unshown_examples_are_reported(tiny_repo: Path) -> None:
    page = tiny_repo / "docs" / "together" / "comparison.md"
    page.write_text("# 비교\n\n(inv-t3)=\n## 표\n", encoding="utf-8")
    (tiny_repo / "examples" / "unshown.yaml").write_text("a: 1\n", encoding="utf-8")
    entry = Entry("T3", "x", "together/comparison", "inv-t3", ("unshown.yaml", "absent.yaml"))
    assert example_problems(tiny_repo, entry) == [
        "T3: docs/together/comparison.md does not show unshown.yaml",
        "T3: examples/absent.yaml does not exist",
    ]


def test_shown_example_is_accepted(tiny_repo: Path) -> None:
    page = tiny_repo / "docs" / "together" / "comparison.md"
    page.write_text("(inv-t3)=\n## 표\n\n```{example} shown.yaml\n```\n", encoding="utf-8")
    (tiny_repo / "examples" / "shown.yaml").write_text("a: 1\n", encoding="utf-8")
    entry = Entry("T3", "x", "together/comparison", "inv-t3", ("shown.yaml",))
    assert example_problems(tiny_repo, entry) == []


def test_malformed_additions_are_reported() -> None:
    seed_like = Entry("K42", "x", "kubernetes/security", "inv-k42", (), reason="issue #16")
    assert entry_shape_problems(seed_like) == ["K42: not an addition ID like DA1 or KA2"]
    no_reason = Entry("KA9", "x", "kubernetes/security", "inv-ka9", (), reason=" ")
    assert entry_shape_problems(no_reason) == ["KA9: an addition needs a reason"]
    assert entry_shape_problems(Entry("KA9", "x", "k/p", "inv-ka9", (), reason="why")) == []


def test_an_addition_is_not_counted_as_a_seed_id() -> None:
    entries = {
        "K1": Entry("K1", "x", "k/p", "inv-k1", ()),
        "KA1": Entry("KA1", "x", "k/p", "inv-ka1", (), reason="why"),
    }
    assert seed_entries(entries) == {"K1"}
    assert id_set_problems(["K1"], seed_entries(entries)) == []


def test_malformed_entries_are_reported() -> None:
    entry = Entry("X9", "", "docker/images.md", "inv-d5", ())
    assert entry_shape_problems(entry) == [
        "X9: not an inventory ID like D5 or K13",
        "X9: label 'inv-d5' should be inv-x9",
        "X9: title is empty",
        "X9: page 'docker/images.md' should be a docname without .md",
    ]


def test_missing_and_extra_ids_are_reported() -> None:
    text = "# Inventory\n## Docker\n- D1 What Docker is (000)\n- D2 Analogy (004)\n"
    assert seed_ids(text) == ["D1", "D2"]
    assert id_set_problems(["D1", "D2"], {"D1", "K99"}) == [
        f"D2: in INVENTORY.md, not in {INVENTORY_MAP}",
        f"K99: in {INVENTORY_MAP}, not in INVENTORY.md",
    ]
