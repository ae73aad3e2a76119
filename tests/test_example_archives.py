"""The example archives (docs/_ext/example_archives.py): which files form a set, and the zip bytes.

The archive writer must give the same bytes for the same files whenever and wherever it runs,
leave build by-products out, and keep every entry's repository path; the browser suite
(tests/browser/test_downloads.py) compares the archives of the real site with examples/.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from sphinx.errors import ExtensionError

from tests.fixtures.site.site_build import build, copy_fixture, extension

example_archives = extension("example_archives")
example_state = extension("example_state")
from examplecheck import discover  # noqa: E402


def make_repo(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


REPO = {
    "examples/k8s/web/deployment.yaml": "kind: Deployment\n",
    "examples/k8s/web/service.yaml": "kind: Service\n",
    "examples/k8s/web/extra/job.yaml": "kind: Job\n",
    "examples/chart/Chart.yaml": "name: chart\n",
    "examples/chart/templates/deployment.yaml": "kind: Deployment\n",
    "examples/app/Dockerfile": "FROM scratch\n",
    "examples/app/.dockerignore": "target/\n",
    "examples/app/src/main/App.java": "class App {}\n",
    "examples/app/src/main/resources/app.properties": "a=1\n",
}


def zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_same_files_give_the_same_bytes_whatever_their_times(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", REPO)
    paths = discover.example_files(root)
    first, second = tmp_path / "one.zip", tmp_path / "two.zip"
    example_archives.write_archive(first, root, paths)
    for path in paths:  # a fresh checkout: every file gets another modification time
        os.utime(root / path, (1_900_000_000, 1_900_000_000))
    example_archives.write_archive(second, root, reversed(paths))
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(paths)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_a_changed_byte_changes_the_archive(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", REPO)
    paths = discover.example_files(root)
    example_archives.write_archive(tmp_path / "before.zip", root, paths)
    (root / "examples/k8s/web/service.yaml").write_text("kind: Service \n", encoding="utf-8")
    example_archives.write_archive(tmp_path / "after.zip", root, paths)
    assert (tmp_path / "before.zip").read_bytes() != (tmp_path / "after.zip").read_bytes()


def test_entries_hold_the_files_bytes_under_their_repository_paths(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", REPO)
    paths = discover.example_files(root)
    example_archives.write_archive(tmp_path / "all.zip", root, paths)
    members = zip_members((tmp_path / "all.zip").read_bytes())
    assert members == {p: (root / p).read_bytes() for p in REPO}
    assert "examples/app/.dockerignore" in members  # dotfiles are examples too


def test_executable_files_keep_their_mode(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"examples/tools/run.sh": "#!/bin/sh\n"})
    (root / "examples/tools/run.sh").chmod(0o755)
    example_archives.write_archive(tmp_path / "a.zip", root, ["examples/tools/run.sh"])
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        assert archive.getinfo("examples/tools/run.sh").external_attr >> 16 == 0o100755


def test_build_by_products_are_left_out(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "repo",
        {
            **REPO,
            "examples/locust/locustfile.py": "print()\n",
            "examples/locust/__pycache__/locustfile.cpython-312.pyc": "x",
            "examples/locust/stale.pyc": "x",
            "examples/locust/.pytest_cache/v/cache/lastfailed": "{}",
        },
    )
    files = discover.example_files(root)
    sets = example_archives.example_sets(files, {})
    written = example_archives.write_archives(tmp_path / "site", root, sets)
    names = {name for path in written for name in zip_members(path.read_bytes())}
    assert "examples/locust/locustfile.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or "pytest" in n]


def test_sets_follow_the_checker_with_charts_and_build_contexts_whole(tmp_path: Path) -> None:
    files = sorted(REPO)
    unit_of = {
        path: discover.check_unit_of(path, files, {"examples/k8s/web/extra": "shop"})
        for path in files
    }
    sets = example_archives.example_sets(files, unit_of)
    assert sets["examples/chart"] == [
        "examples/chart/Chart.yaml",
        "examples/chart/templates/deployment.yaml",
    ]
    # A folder with a Dockerfile is a build context: the project's src/ tree belongs to it.
    assert sets["examples/app"] == sorted(p for p in REPO if p.startswith("examples/app/"))
    # A folder's archive holds its subfolders; a conf/sets.yaml group is a set of its own.
    assert sets["examples/k8s/web"] == sorted(p for p in REPO if p.startswith("examples/k8s/"))
    assert sets["shop"] == ["examples/k8s/web/extra/job.yaml"]
    assert example_archives.archive_name("examples/k8s/web") == "k8s-web.zip"


def test_two_sets_may_not_share_an_archive_name(tmp_path: Path) -> None:
    files = {"examples/a-b/x.yaml": "a: 1\n", "examples/a/b/y.yaml": "b: 2\n"}
    root = make_repo(tmp_path / "repo", files)
    sets = example_archives.example_sets(discover.example_files(root), {})
    with pytest.raises(ExtensionError, match=r"a-b\.zip"):
        example_archives.write_archives(tmp_path / "site", root, sets)


def test_the_site_build_writes_every_archive_and_links_it_under_the_example(tmp_path: Path) -> None:
    site = copy_fixture("examples-site", tmp_path / "site")
    result = build(site)
    assert result.warnings == ""
    out = site / "_build" / "html"
    page = (out / "k8s" / "deploy.html").read_text(encoding="utf-8")
    link = re.search(r'href="(\.\./_downloads/sets/[^"]+\.zip)">묶음 전체\(zip\)', page)
    assert link, "no archive link under the example"
    members = zip_members((out / "k8s" / link.group(1)).resolve().read_bytes())
    expected = {p for p in discover.example_files(site) if p.startswith("examples/k8s/")}
    assert set(members) == expected
    everything = zip_members((out / "_downloads" / "examples.zip").read_bytes())
    assert set(everything) == set(discover.example_files(site))
