"""The docker job's driver: real builds where the folder allows one, compose config everywhere."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tools.docker_examples import (
    build_command,
    compose_commands,
    instructions,
    local_sources,
    main,
    plan_dockerfiles,
)


def write(root: Path, path: str, text: str = "") -> Path:
    file = root / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")
    return file


def test_continuations_are_joined_and_comments_dropped() -> None:
    text = "# a comment\nRUN apk add \\\n  # inside\n  curl\nCOPY a b ./\n"
    assert instructions(text) == ["RUN apk add  curl", "COPY a b ./"]


@pytest.mark.parametrize(
    ("instruction", "sources"),
    [
        ("COPY pom.xml ./", ["pom.xml"]),
        ("COPY --chown=10001:10001 src ./src", ["src"]),
        ('COPY ["a.txt", "b.txt", "/dst/"]', ["a.txt", "b.txt"]),
        ("COPY --from=build /workspace/app.jar ./", []),
        ("ADD https://example.com/tool.tar.gz /opt/", []),
        ("COPY <<EOF /etc/motd", []),
        ("RUN cp a b", []),
    ],
)
def test_only_build_context_sources_count(instruction: str, sources: list[str]) -> None:
    assert local_sources(instruction) == sources


def test_a_self_contained_folder_is_built_and_a_project_template_only_checked(
    tmp_path: Path,
) -> None:
    write(tmp_path, "examples/docker/site/Dockerfile", "FROM nginx:1.28.0\nCOPY index.html /x/\n")
    write(tmp_path, "examples/docker/site/index.html", "<p>hi</p>")
    write(
        tmp_path,
        "examples/docker/app/Dockerfile",
        "FROM maven:3.9\nCOPY pom.xml ./\nCOPY src ./src\n",
    )
    plans = {plan.dockerfile.parent.name: plan for plan in plan_dockerfiles(tmp_path)}
    site, app = plans["site"], plans["app"]
    assert site.missing == ()
    assert "--check" not in build_command(site)
    assert app.missing == ("pom.xml", "src")
    assert "--check" in build_command(app)


def test_a_named_variant_is_built_with_its_own_file_from_the_shared_project(
    tmp_path: Path,
) -> None:
    # Dockerfile.distroless shares the folder's pom.xml and src/ with the plain Dockerfile.
    project = "examples/docker/app"
    write(tmp_path, f"{project}/pom.xml", "<project/>")
    write(tmp_path, f"{project}/src/main/java/App.java", "class App {}")
    write(tmp_path, f"{project}/README.md", "not a Dockerfile")
    for name in ("Dockerfile", "Dockerfile.distroless"):
        write(tmp_path, f"{project}/{name}", "FROM maven:3.9\nCOPY pom.xml ./\nCOPY src ./src\n")
    plans = plan_dockerfiles(tmp_path)
    assert [plan.dockerfile.name for plan in plans] == ["Dockerfile", "Dockerfile.distroless"]
    variant = build_command(plans[1])
    assert variant == [
        "docker",
        "build",
        "--file",
        str(tmp_path / project / "Dockerfile.distroless"),
        str(tmp_path / project),
    ]


def test_compose_files_are_resolved_alone_and_with_each_override(tmp_path: Path) -> None:
    write(tmp_path, "examples/compose/app/compose.yaml", "services: {}\n")
    write(tmp_path, "examples/compose/app/compose.prod.yaml", "services: {}\n")
    commands = compose_commands(tmp_path)
    base = str(tmp_path / "examples/compose/app/compose.yaml")
    prod = str(tmp_path / "examples/compose/app/compose.prod.yaml")
    assert commands == [
        ["docker", "compose", "-f", base, "config", "--quiet"],
        ["docker", "compose", "-f", base, "-f", prod, "config", "--quiet"],
    ]


def test_a_failing_docker_command_fails_the_job_with_an_annotation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "examples/compose/app/compose.yaml", "services: {}\n")
    write(tmp_path, "examples/docker/site/Dockerfile", "FROM nginx:1.28.0\n")

    def docker(command: list[str]) -> subprocess.CompletedProcess:
        failed = "compose" in command
        return subprocess.CompletedProcess(command, int(failed), "", "invalid" if failed else "")

    assert main([], run=docker, root=tmp_path) == 1
    assert "::error file=examples/compose/app/compose.yaml::" in capsys.readouterr().out


def test_everything_passing_means_success(tmp_path: Path) -> None:
    write(tmp_path, "examples/docker/site/Dockerfile", "FROM nginx:1.28.0\n")

    def docker(command: list[str]) -> subprocess.CompletedProcess:
        return subprocess.CompletedProcess(command, 0, "", "")

    assert main([], run=docker, root=tmp_path) == 0
