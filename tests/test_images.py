"""The `image-unknown` rule: every image the site names is the handbook's own or listed in
conf/images.yaml; each seeded unpullable image is rejected at its file and line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from checker_support import no_kubernetes

from examplecheck.api import check_paths
from examplecheck.config import ConfigError
from examplecheck.image_references import (
    compose_references,
    dockerfile_references,
    kubernetes_references,
    page_references,
)
from examplecheck.images import load_known_images, parse_image
from examplecheck.wrappers.buildkit import check as parse_dockerfile
from examplecheck.yamlload import load_yaml
from tools import image_registry

ROOT = Path(__file__).resolve().parents[1]
HANDBOOK = "ghcr.io/docker-k8s-handbook/handbook/myapp"
KNOWN = load_known_images(ROOT)


def real_references() -> list:
    """Every image reference of examples/ and docs/, read by the extractors directly."""
    references = []
    for path in sorted((ROOT / "examples").rglob("*")):
        display = path.relative_to(ROOT).as_posix()
        if not path.is_file() or "/templates/" in display:
            continue
        if path.name.startswith("Dockerfile"):
            text = path.read_text(encoding="utf-8")
            commands = parse_dockerfile(text, display)[1]
            references += dockerfile_references(commands, text, display)
        elif path.suffix == ".yaml":
            for document in load_yaml(path, display).documents:
                if "services" in (document.data or {}):
                    references += compose_references(document)
                else:
                    references += kubernetes_references(document)
    for page in sorted((ROOT / "docs").rglob("*.md")):
        display = page.relative_to(ROOT).as_posix()
        references += page_references(page.read_text(encoding="utf-8"), display)
    return references


def test_every_image_the_site_names_is_known_and_there_are_many() -> None:
    references = real_references()
    kinds = Counter(
        "page" if r.path.endswith(".md") else "dockerfile" if "Dockerfile" in r.path else "yaml"
        for r in references
    )
    print(f"image references: {len(references)} ({dict(kinds)})")
    assert kinds["page"] >= 20 and kinds["dockerfile"] == 7 and kinds["yaml"] >= 25
    problems = [(r.path, r.line, KNOWN.problem(r)) for r in references if KNOWN.problem(r)]
    assert problems == []
    handbook = [r for r in references if r.image.startswith(HANDBOOK + ":")]
    print(f"handbook image references: {len(handbook)}")
    assert len(handbook) >= 10


def test_the_real_run_reports_no_image_unknown() -> None:
    report = check_paths(
        [ROOT / "examples", ROOT / "docs"], root=ROOT, kubernetes_checker=no_kubernetes
    )
    assert [f for f in report.findings if f.rule == "image-unknown"] == []


def test_each_handbook_build_exists_and_each_public_entry_is_one_tag() -> None:
    for image in KNOWN.handbook:
        assert image.name.startswith("ghcr.io/docker-k8s-handbook/handbook/")
        for dockerfile in image.dockerfiles:
            assert (ROOT / image.context / dockerfile).is_file(), (image.context, dockerfile)
    assert sum(len(tags) for tags in KNOWN.public.values()) >= 10


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A root with the real conf/ and nothing else: seeded examples go under examples/."""
    shutil.copytree(ROOT / "conf", tmp_path / "conf")
    return tmp_path


def write(root: Path, relative: str, text: str) -> None:
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def unknown(root: Path, kubernetes: bool = False) -> list[tuple[str, int, str]]:
    checker = None if kubernetes else no_kubernetes
    report = check_paths([root / "examples"], root=root, kubernetes_checker=checker)
    found = [(f.path, f.line, f.message) for f in report.findings if f.rule == "image-unknown"]
    return sorted(found)


POD = """apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  initContainers:
    - name: wait
      image: {init}
  containers:
    - name: app
      image: {image}
"""


@pytest.mark.parametrize(
    ("image", "evidence"),
    [
        ("registry.example.com/myapp:1.0.0", "neither built by the handbook nor listed"),
        ("quay.io/prometheus/node-exporter:v1.9.1", "neither built by the handbook nor listed"),
        ("postgres:16.4", "with tag(s) 17.6, 17.6-alpine, not '16.4'"),
        (f"{HANDBOOK}:2.0.0", "is built with tag(s) 1.0.0, 1.0.0-distroless only"),
        ("myapp:1.0.0", "exists only on a machine that built it"),
        ("busybox:1.37.0@sha256:" + "0" * 64, "but conf/images.yaml records"),
    ],
)
def test_a_manifest_naming_an_unpullable_image_is_rejected_at_its_line(
    site: Path, image: str, evidence: str
) -> None:
    write(site, "examples/k8s/pod.yaml", POD.format(init="busybox:1.37.0", image=image))
    [(path, line, message)] = unknown(site, kubernetes=True)
    assert (path, line) == ("examples/k8s/pod.yaml", 11)
    assert evidence in message


def test_init_and_ephemeral_containers_and_cronjob_templates_are_read(site: Path) -> None:
    write(site, "examples/k8s/pod.yaml", POD.format(init="alpine:3.22", image=f"{HANDBOOK}:1.0.0"))
    write(
        site,
        "examples/k8s/cronjob.yaml",
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n"
        '  schedule: "0 3 * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n'
        "          restartPolicy: Never\n          containers:\n            - name: c\n"
        "              image: example/backup:1.0\n",
    )
    found = unknown(site, kubernetes=True)
    assert [(p, line) for p, line, _ in found] == [
        ("examples/k8s/cronjob.yaml", 14),
        ("examples/k8s/pod.yaml", 8),
    ]
    document = load_yaml(site / "examples/k8s/pod.yaml", "pod").documents[0]
    document.data["spec"]["ephemeralContainers"] = [{"name": "d", "image": "nicolaka/netshoot"}]
    assert "nicolaka/netshoot" in [r.image for r in kubernetes_references(document)]


def test_a_compose_image_is_rejected_at_its_line(site: Path) -> None:
    write(
        site,
        "examples/compose/app/compose.yaml",
        f"services:\n  app:\n    image: {HANDBOOK}:1.0.0\n"
        "  db:\n    image: registry.example.com:5000/team/db:1.0.0\n"
        "  cache:\n    image: redis:${REDIS_TAG:-7.4.5-alpine}\n"
        "  proxy:\n    image: nginx\n",
    )
    found = unknown(site)
    assert [(p, line) for p, line, _ in found] == [
        ("examples/compose/app/compose.yaml", 5),
        ("examples/compose/app/compose.yaml", 9),  # no tag: no other rule reads Compose tags
    ]
    assert "no version tag" in found[1][2]


def test_a_dockerfile_from_is_rejected_but_stages_scratch_and_args_are_resolved(
    site: Path,
) -> None:
    write(
        site,
        "examples/docker/app/Dockerfile",
        "ARG BASE=eclipse-temurin:21.0.8_9-jre-alpine\n"
        "FROM maven:3.9.11-eclipse-temurin-21 AS build\n"
        "RUN echo built > /out\n"
        "FROM build AS test\n"
        "FROM scratch AS empty\n"
        "FROM ${BASE}\n"
        "COPY --from=build /out /out\n"
        "FROM golang:1.25 AS tools\n",
    )
    found = unknown(site)
    assert [(p, line) for p, line, _ in found] == [("examples/docker/app/Dockerfile", 8)]
    assert "golang:1.25" in found[0][2]


def test_an_arg_that_changes_the_base_image_is_checked_with_its_default(site: Path) -> None:
    write(site, "examples/docker/app/Dockerfile", "ARG TAG=3.9\nFROM maven:${TAG}\n")
    [(path, line, message)] = unknown(site)
    assert (path, line) == ("examples/docker/app/Dockerfile", 2) and "'3.9'" in message


def test_a_helm_values_image_is_rejected_at_the_values_line(site: Path) -> None:
    chart = ROOT / "examples/helm/web-app"
    shutil.copytree(chart, site / "examples/helm/web-app")
    values = site / "examples/helm/web-app/values.yaml"
    text = values.read_text(encoding="utf-8")
    values.write_text(text.replace('tag: ""', 'tag: "1.27.5-alpine"'), encoding="utf-8")
    [(path, line, message)] = unknown(site, kubernetes=True)
    assert path == "examples/helm/web-app/values.yaml"
    assert text.splitlines()[line - 1].strip() == 'tag: ""'
    assert "not '1.27.5-alpine'" in message


PAGE = """# 페이지

```console
$ docker build -t demo:0.1 .
$ docker run -d --name demo -p 8080:8080 demo:0.1
$ docker run --rm -it -v "$(pwd):/w" -e A=b busybox:1.37.0 sh
$ docker run -d myapp:1.0.0
$ docker pull registry.example.com:5000/team/myapp:1.0.0
$ kubectl run debug --rm -it --image=busybox:1.36 --restart=Never -- sh
$ kubectl create deployment web --image nginx:1.28.0-alpine
$ kubectl set image deployment/web web=nginx:1.29.0 \\
    --record=false
$ kubectl set image deployment/myapp myapp="$REGISTRY/myapp:1.1.0"
$ kubectl run local --image=myapp:1.0.0
```
"""


def test_page_commands_are_checked_at_their_page_lines(site: Path) -> None:
    write(site, "docs/page.md", PAGE)
    report = check_paths([site / "docs"], root=site, kubernetes_checker=no_kubernetes)
    found = [(f.line, f.message) for f in report.findings if f.rule == "image-unknown"]
    assert [line for line, _ in found] == [8, 9, 11, 14]
    assert "registry.example.com:5000/team/myapp:1.0.0" in found[0][1]
    assert "busybox" in found[1][1] and "nginx" in found[2][1]
    assert "exists only on a machine that built it" in found[3][1]


def test_the_docker_run_operand_is_found_past_every_option() -> None:
    text = (
        "```console\n$ docker run -d --name x --read-only --tmpfs /tmp --cap-drop ALL "
        "--security-opt no-new-privileges:true -p 8080:8080 -eX=1 -it image:1 arg\n```\n"
    )
    assert [r.image for r in page_references(text, "p.md")] == ["image:1"]


@pytest.mark.parametrize(
    ("reference", "name", "tag", "digest"),
    [
        ("localhost:5000/team/myapp", "localhost:5000/team/myapp", None, None),
        ("postgres:17.6@sha256:ab", "postgres", "17.6", "sha256:ab"),
        ("ghcr.io/o/r/myapp:1.0.0", "ghcr.io/o/r/myapp", "1.0.0", None),
    ],
)
def test_references_split_into_name_tag_and_digest(reference, name, tag, digest) -> None:
    parsed = parse_image(reference)
    assert (parsed.name, parsed.tag, parsed.digest) == (name, tag, digest)
    assert parse_image("postgres").canonical == parse_image("docker.io/library/postgres").canonical


BROKEN_CONF = [
    ("repository: Docker/Handbook\nhandbook: []\npublic: []\n", "conf/images.yaml:1"),
    ("repository: a/b\nhandbook: []\npublic: []\n", "`handbook` must be a non-empty list"),
    (
        "repository: a/b\nhandbook:\n  - name: app\n    context: x\n    builds:\n"
        "      - dockerfile: Dockerfile\n        tag: latest\n"
        "public:\n  - image: busybox\n    tag: '1.37.0'\n    digest: sha256:00\n"
        "    source: s\n",
        "conf/images.yaml:7: tag 'latest' is not a version tag",
    ),
    (
        "repository: a/b\nhandbook:\n  - name: app\n    context: x\n    builds:\n"
        "      - dockerfile: Dockerfile\n        tag: '1.0'\n"
        "public:\n  - image: busybox\n    tag: '1.37.0'\n    digest: sha256:00\n"
        "    source: s\n",
        "conf/images.yaml:11: `digest` must be sha256: and 64 hex digits",
    ),
    ("repository: [a\n", "conf/images.yaml is unusable"),
]


@pytest.mark.parametrize(("text", "evidence"), BROKEN_CONF)
def test_a_malformed_images_conf_stops_the_checker_with_exit_2(
    site: Path, text: str, evidence: str
) -> None:
    (site / "conf/images.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_known_images(site)
    assert evidence in str(caught.value)
    write(site, "examples/k8s/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
    done = subprocess.run(
        [sys.executable, "-m", "examplecheck", "--root", str(site), str(site / "examples")],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert evidence in done.stderr


class FakeDocker:
    """``docker buildx imagetools inspect`` answering from a table of name@digest / name:tag."""

    def __init__(self, exists: set[str], tags: dict[str, str]) -> None:
        self.exists, self.tags, self.calls = exists, tags, []

    def __call__(self, command: list[str]) -> subprocess.CompletedProcess:
        self.calls.append(command)
        reference = command[5] if command[4] == "--raw" else command[4]
        if "@" in reference:
            ok, out = reference in self.exists, "{}"
        else:
            ok = reference in self.tags
            out = json.dumps({"digest": self.tags.get(reference, "")})
        return subprocess.CompletedProcess(command, 0 if ok else 1, out, "" if ok else "not found")


def test_verify_public_fails_on_a_missing_digest_and_warns_when_a_tag_moved(capsys) -> None:
    listed = [
        (KNOWN.public_names[c], tag, digest)
        for c, tags in KNOWN.public.items()
        for tag, digest in tags.items()
    ]
    everything = FakeDocker(
        {f"{n}@{d}" for n, _, d in listed}, {f"{n}:{t}": d for n, t, d in listed}
    )
    assert image_registry.main(["verify-public"], run=everything) == 0
    assert len(everything.calls) == 2 * len(listed)
    name, tag, digest = listed[0]
    moved = FakeDocker(
        everything.exists, {**everything.tags, f"{name}:{tag}": "sha256:" + "1" * 64}
    )
    assert image_registry.main(["verify-public"], run=moved) == 0
    assert f"::warning file=conf/images.yaml::{name}:{tag} now points to" in capsys.readouterr().out
    missing = FakeDocker(everything.exists - {f"{name}@{digest}"}, everything.tags)
    assert image_registry.main(["verify-public"], run=missing) == 1
    assert f"{name}@{digest} does not exist" in capsys.readouterr().out


def test_publishing_refuses_another_repository_and_pushes_every_handbook_tag() -> None:
    assert image_registry.main(["check-repository", "Docker-K8s-Handbook/handbook"]) == 0
    assert image_registry.main(["check-repository", "someone/fork"]) == 1
    calls: list[list[str]] = []

    def docker(command: list[str]) -> subprocess.CompletedProcess:
        calls.append(command)
        return subprocess.CompletedProcess(command, 0, "", "")

    assert image_registry.main(["publish", "--revision", "abc"], run=docker) == 0
    pushed = [c[2] for c in calls if c[:2] == ["docker", "push"]]
    assert pushed == [f"{HANDBOOK}:1.0.0", f"{HANDBOOK}:1.0.0-distroless"]
    builds = [c for c in calls if c[:2] == ["docker", "build"]]
    assert [Path(c[c.index("--file") + 1]).name for c in builds] == [
        "Dockerfile",
        "Dockerfile.distroless",
    ]
