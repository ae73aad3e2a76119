"""Scaffold a new example file under ``examples/`` and print the line that includes it on a page.

``nox -s new-example -- kubernetes/<topic>/<name>.yaml`` runs ``main``. The template depends on the
file type; an existing file is never overwritten.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = "examples"

KUBERNETES_TEMPLATE = """\
# TODO: 이 매니페스트가 보여 주는 것을 한 줄로 적습니다.
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}
  labels:
    app.kubernetes.io/name: {name}
data:
  greeting: "안녕하세요"
"""

COMPOSE_TEMPLATE = """\
# TODO: 이 구성이 보여 주는 것을 한 줄로 적습니다.
services:
  web:
    image: nginx:1.28.0-alpine
    ports:
      - "8080:80"
"""

DOCKERFILE_TEMPLATE = """\
# syntax=docker/dockerfile:1
# TODO: 이 이미지가 보여 주는 것을 한 줄로 적습니다.
FROM nginx:1.28.0-alpine
EXPOSE 80
"""

SHELL_TEMPLATE = """\
#!/usr/bin/env bash
# TODO: 이 스크립트가 하는 일을 한 줄로 적습니다.
set -euo pipefail

echo "안녕하세요"
"""

COMPOSE_NAME = re.compile(r"^(docker-)?compose(\.[\w-]+)?\.ya?ml$")


class ScaffoldError(Exception):
    """The path is unusable: outside examples/, already there, or of no known type."""


def example_path(given: str) -> PurePosixPath:
    """The path relative to ``examples/``; an ``examples/`` prefix is accepted and dropped."""
    path = PurePosixPath(given.replace("\\", "/"))
    if path.parts and path.parts[0] == EXAMPLES:
        path = PurePosixPath(*path.parts[1:])
    if path.is_absolute() or ".." in path.parts or len(path.parts) < 2:
        raise ScaffoldError(
            f"{given}: give a path inside examples/, like kubernetes/<topic>/<name>.yaml"
        )
    return path


def resource_name(stem: str) -> str:
    """A DNS-1123 name from the file name, as Kubernetes requires for metadata.name."""
    name = re.sub(r"[^a-z0-9-]+", "-", stem.lower()).strip("-")
    return name[:63].strip("-") or "example"


def template_for(path: PurePosixPath) -> str:
    """The starting content of an example, chosen by where it goes and what it is called."""
    name = path.name
    if name == "Dockerfile" or name.endswith(".Dockerfile"):
        return DOCKERFILE_TEMPLATE
    if COMPOSE_NAME.match(name):
        return COMPOSE_TEMPLATE
    if name.endswith(".sh"):
        return SHELL_TEMPLATE
    if path.parts[0] == "kubernetes" and path.suffix in {".yaml", ".yml"}:
        return KUBERNETES_TEMPLATE.format(name=resource_name(path.stem))
    raise ScaffoldError(
        f"{path}: no template for this file type (kubernetes/**/*.yaml, compose.yaml, "
        "Dockerfile, *.sh); create the file by hand"
    )


def include_line(path: PurePosixPath) -> str:
    """The MyST directive a page uses to show the file."""
    return f"```{{example}} {path.as_posix()}\n```"


def scaffold(given: str, root: Path = ROOT) -> tuple[Path, str]:
    """Write the template to ``examples/<path>`` and return the file and its include line."""
    path = example_path(given)
    content = template_for(path)
    target = root / EXAMPLES / Path(*path.parts)
    if target.exists():
        raise ScaffoldError(f"{EXAMPLES}/{path} already exists; not overwriting it")
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as out:  # "x": never replace a file created meanwhile
        out.write(content)
    return target, include_line(path)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: nox -s new-example -- kubernetes/<topic>/<name>.yaml", file=sys.stderr)
        return 2
    try:
        target, line = scaffold(args[0])
    except ScaffoldError as error:
        print(f"new-example: {error}", file=sys.stderr)
        return 2
    relative = target.relative_to(ROOT).as_posix()
    print(f"created {relative}\n\ninclude it on a page with:\n\n{line}\n")
    print(f"then check it: nox -s validate -- {target.parent.relative_to(ROOT).as_posix()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
