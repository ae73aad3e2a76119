"""Discovery and classification: every file is checked or listed with a reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from examplecheck.api import check_paths
from examplecheck.classify import classify
from examplecheck.config import ConfigError
from examplecheck.discover import UsageError, discover
from tests.checker_support import no_kubernetes

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def run(paths, root=ROOT):
    return check_paths(paths, root=root, kubernetes_checker=no_kubernetes)


@pytest.mark.parametrize(
    ("relative", "kind"),
    [
        ("dockerfile/good/Dockerfile", "dockerfile"),
        ("dockerfile/by-content/Buildfile", "dockerfile"),
        ("compose/good/compose.yaml", "compose"),
        ("compose/by-content/stack.yaml", "compose"),
        ("classify/manifest/two-docs.yaml", "kubernetes"),
        ("shell/good.sh", "shell"),
        ("shell/run-app", "shell"),
        ("python/locustfile.py", "python"),
        ("python/broken-tool", "python"),
        ("yaml/good.yaml", "yaml"),
        ("pages/good.md", "page"),
        ("helm/good/Chart.yaml", "helm-chart"),
        ("helm/good/values.yaml", "helm-chart"),
        ("helm/good/templates/deployment.yaml", "helm-template"),
        ("helm/good/templates/_helpers.tpl", "helm-template"),
        ("json/daemon.json", "json"),
        ("classify/unknown/notes.txt", "unknown"),
    ],
)
def test_kind_by_content_and_name(relative, kind):
    path = FIXTURES / relative
    assert classify(path, relative, ROOT).kind == kind


def test_unclassifiable_file_is_an_error():
    report = run([FIXTURES / "classify" / "unknown"])
    [finding] = report.findings
    assert (finding.path, finding.line, finding.rule) == (
        "tests/fixtures/classify/unknown/notes.txt",
        0,
        "unclassified-file",
    )


def test_referenced_plain_files_are_data():
    report = run([FIXTURES / "classify" / "referenced"])
    assert report.findings == []
    assert report.files["tests/fixtures/classify/referenced/app.env"] == "data"  # env_file
    props = "tests/fixtures/classify/referenced/application.properties"  # --from-file
    assert report.files[props] == "data"


def test_document_without_kind_in_a_manifest_is_an_error():
    report = run([FIXTURES / "classify" / "manifest"])
    assert [(f.line, f.rule) for f in report.findings] == [(8, "kubernetes-object-incomplete")]


def test_discover_skips_bytecode_and_keeps_everything_else(tmp_path):
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\x00")
    (tmp_path / "b.pyc").write_bytes(b"\x00")
    (tmp_path / ".env").write_text("A=1\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.yaml").write_text("a: 1\n")
    found = discover([tmp_path], tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [".env", "sub/x.yaml"]


def test_discover_takes_only_pages_from_docs(tmp_path):
    (tmp_path / "docs" / "_ext").mkdir(parents=True)
    (tmp_path / "docs" / "page.md").write_text("# x\n")
    (tmp_path / "docs" / "conf.py").write_text("x = 1\n")
    (tmp_path / "docs" / "_ext" / "ext.py").write_text("x = 1\n")
    found = discover([tmp_path / "docs"], tmp_path)
    assert [p.name for p in found] == ["page.md"]


def test_missing_path_is_a_usage_error():
    with pytest.raises(UsageError):
        run([ROOT / "no-such-folder"])


def _root_with_exceptions(tmp_path: Path, exceptions: str) -> Path:
    (tmp_path / "conf").mkdir()
    for name in ("versions.yaml", "yamllint.yaml", "hadolint.yaml"):
        shutil.copy(ROOT / "conf" / name, tmp_path / "conf" / name)
    (tmp_path / "conf" / "exceptions.yaml").write_text(exceptions)
    examples = tmp_path / "examples" / "demo"
    examples.mkdir(parents=True)
    (examples / "notes.txt").write_text("not an example\n")
    (examples / "settings.ini").write_text("[a]\nb = 1\n")
    return tmp_path


def test_listed_files_are_excepted_or_data_and_stale_entries_fail(tmp_path):
    root = _root_with_exceptions(
        tmp_path,
        "data:\n"
        "  - path: examples/demo/settings.ini\n"
        "    reason: read by the demo app\n"
        "unchecked:\n"
        "  - path: examples/demo/notes.txt\n"
        "    reason: prose for the reader\n"
        "  - path: examples/demo/gone.txt\n"
        "    reason: was deleted\n",
    )
    report = run([root / "examples"], root=root)
    assert report.files == {
        "examples/demo/notes.txt": "exception",
        "examples/demo/settings.ini": "data",
    }
    assert [(f.path, f.line, f.rule) for f in report.findings] == [
        ("conf/exceptions.yaml", 7, "stale-exception")
    ]


def test_exception_out_of_the_checked_paths_is_not_stale(tmp_path):
    root = _root_with_exceptions(
        tmp_path,
        "data: []\nunchecked:\n  - path: examples/other/x.bin\n    reason: a binary\n",
    )
    report = run([root / "examples" / "demo" / "settings.ini"], root=root)
    assert [f.rule for f in report.findings] == ["unclassified-file"]


def test_exception_without_a_reason_is_refused(tmp_path):
    root = _root_with_exceptions(
        tmp_path, "data: []\nunchecked:\n  - path: examples/demo/notes.txt\n"
    )
    with pytest.raises(ConfigError, match="reason"):
        run([root / "examples"], root=root)


def test_repository_exceptions_file_is_valid():
    from examplecheck.config import load_config

    config = load_config(ROOT)
    assert all(entry.reason for entry in (*config.unchecked, *config.data))


def test_json_files_must_parse():
    report = run([FIXTURES / "json"])
    assert [(f.path, f.line, f.column, f.rule) for f in report.findings] == [
        ("tests/fixtures/json/broken.json", 3, 34, "json-syntax")
    ]
    assert report.tools_of("tests/fixtures/json/daemon.json") == ["json"]


def test_python_compiles_and_warnings_are_findings():
    from examplecheck.wrappers.python_compile import check

    report = run([FIXTURES / "python"])
    assert [(f.path, f.line, f.rule) for f in report.findings] == [
        ("tests/fixtures/python/broken-tool", 3, "python-syntax")
    ]
    assert report.tools_of("tests/fixtures/python/locustfile.py") == ["python-compile"]
    [warning] = check('pattern = "\\d+"\n', "w.py")
    assert (warning.line, warning.rule, str(warning.severity)) == (
        1,
        "python-compile-warning",
        "warning",
    )


def test_a_data_file_checked_alone_is_recognised_through_its_siblings():
    report = run([FIXTURES / "classify" / "referenced" / "application.properties"])
    assert report.findings == []
    assert report.files == {"tests/fixtures/classify/referenced/application.properties": "data"}


def test_a_crash_while_classifying_is_one_finding(monkeypatch):
    from examplecheck import run as checker_run

    def boom(path, display, root):
        raise MemoryError("simulated")

    monkeypatch.setattr(checker_run, "classify", boom)
    report = run([FIXTURES / "yaml" / "good.yaml"])
    assert [(f.path, f.rule) for f in report.findings] == [
        ("tests/fixtures/yaml/good.yaml", "checker-crash")
    ]
    assert report.files == {"tests/fixtures/yaml/good.yaml": "crashed"}
