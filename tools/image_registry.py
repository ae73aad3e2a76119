"""conf/images.yaml against the real registries: the CI ``images`` job and pages.yml's publish job.

``verify-public``: every listed public digest exists in its repository
(``docker buildx imagetools inspect NAME@DIGEST``) and the listed tag exists; a tag that now
points at a newer build only warns (official images are rebuilt under the same tag).
``check-repository OWNER/NAME``: the repository the workflow runs in (``github.repository``)
is the one conf/images.yaml names, so published names match the pages.
``publish``: build and push every handbook image as ghcr.io/<repository>/<name>:<tag>.
Exit status: 0 all passed, 1 something failed, 2 unusable input.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from examplecheck.config import ConfigError
from examplecheck.images import CONF, KnownImages, load_known_images

ROOT = Path(__file__).resolve().parents[1]

Runner = Callable[[list[str]], subprocess.CompletedProcess]


def run_command(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=1800)


def verify_public(known: KnownImages, run: Runner) -> int:
    failed = 0
    for canonical, tags in sorted(known.public.items()):
        name = known.public_names[canonical]
        for tag, digest in sorted(tags.items()):
            pinned = run(["docker", "buildx", "imagetools", "inspect", "--raw", f"{name}@{digest}"])
            if pinned.returncode != 0:
                failed += 1
                reason = pinned.stderr.strip()
                print(f"::error file={CONF}::{name}@{digest} does not exist: {reason}")
                continue
            inspect = ["docker", "buildx", "imagetools", "inspect", f"{name}:{tag}"]
            current = run([*inspect, "--format", "{{json .Manifest}}"])
            if current.returncode != 0:
                failed += 1
                print(f"::error file={CONF}::{name}:{tag} does not exist: {current.stderr.strip()}")
                continue
            now = json.loads(current.stdout or "{}").get("digest")
            if now != digest:
                print(
                    f"::warning file={CONF}::{name}:{tag} now points to {now}; {digest} (listed) "
                    "still exists: record the new digest when you review the rebuild"
                )
            else:
                print(f"ok {name}:{tag}@{digest}")
    return 1 if failed else 0


def check_repository(known: KnownImages, actual: str) -> int:
    if actual.lower() != known.repository:
        print(
            f"::error file={CONF}::this workflow runs in {actual.lower()}, but {CONF} names "
            f"{known.repository}: the pages and manifests would name images nobody publishes. "
            f"Change `repository:` and every ghcr.io/{known.repository}/ name in examples/ and "
            "docs/ together."
        )
        return 1
    print(f"ok: publishing under ghcr.io/{known.repository}")
    return 0


def publish_commands(known: KnownImages, root: Path, revision: str) -> list[list[str]]:
    commands = []
    source = f"https://github.com/{known.repository}"
    for image in known.handbook:
        context = root / image.context
        for tag, dockerfile in zip(image.tags, image.dockerfiles, strict=True):
            name = f"{image.name}:{tag}"
            labels = [f"org.opencontainers.image.source={source}"]
            labels.append(f"org.opencontainers.image.revision={revision}")
            build = ["docker", "build", "--pull", "--file", str(context / dockerfile)]
            build += ["--tag", name]
            for label in labels:
                build += ["--label", label]
            commands.append([*build, str(context)])
            commands.append(["docker", "push", name])
    return commands


def publish(known: KnownImages, root: Path, revision: str, run: Runner) -> int:
    for image in known.handbook:
        for dockerfile in image.dockerfiles:
            if not (root / image.context / dockerfile).is_file():
                print(f"::error file={CONF}::{image.context}/{dockerfile} does not exist")
                return 1
    for command in publish_commands(known, root, revision):
        print("$ " + " ".join(command), flush=True)
        done = run(command)
        print(done.stdout + done.stderr, flush=True)
        if done.returncode != 0:
            print(f"::error file={CONF}::{' '.join(command[:2])} failed (see the log)")
            return 1
    return 0


def main(argv: list[str] | None = None, run: Runner = run_command, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("verify-public", help="check every listed public digest and tag")
    check = commands.add_parser("check-repository", help="compare with github.repository")
    check.add_argument("repository")
    publish_parser = commands.add_parser("publish", help="build and push the handbook images")
    publish_parser.add_argument("--revision", default="unknown", help="the commit SHA")
    args = parser.parse_args(argv)
    try:
        known = load_known_images(root)
    except ConfigError as exc:
        print(f"image-registry: {exc}", file=sys.stderr)
        return 2
    if known is None:
        print(f"image-registry: no {CONF} under {root}", file=sys.stderr)
        return 2
    if args.command == "verify-public":
        return verify_public(known, run)
    if args.command == "check-repository":
        return check_repository(known, args.repository)
    return publish(known, root, args.revision, run)


if __name__ == "__main__":
    sys.exit(main())
