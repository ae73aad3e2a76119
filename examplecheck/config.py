"""The checker's settings, read from ``conf/*.yaml`` into one value passed explicitly."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import settings
from .cli_flags import load_cli_settings
from .images import load_known_images
from .settings import ConfigError

VERSION_RE = re.compile(r"^\d+\.\d+$")


@dataclass(frozen=True)
class ListedFile:
    """A ``conf/exceptions.yaml`` entry: a path or glob relative to the root, with its reason."""

    pattern: str
    reason: str
    line: int  # line of the entry in conf/exceptions.yaml, for stale-exception findings


@dataclass(frozen=True)
class Config:
    root: Path
    kubernetes_versions: tuple[str, ...]
    # Files checked by no tool on purpose (conf/exceptions.yaml `unchecked:`).
    unchecked: tuple[ListedFile, ...] = ()
    # Plain inputs of other examples, e.g. an application.properties (`data:`).
    data: tuple[ListedFile, ...] = ()
    default_paths: tuple[str, ...] = ("examples", "docs")
    pages_dir: str = "docs"  # only the Markdown pages of this folder are examples (code blocks)
    tool_timeout: float = 60.0
    conf_dir: Path = field(default=Path("conf"))
    # conf/images.yaml (examplecheck.images.KnownImages); None where a root has none.
    images: Any = None
    # conf/cli.yaml (examplecheck.cli_flags.CliSettings): CLIs not installable, newer flags.
    cli: Any = None
    # CI=true: a CLI a page uses that is missing and not listed as not installable is an error.
    ci: bool = False

    @property
    def exceptions_file(self) -> str:
        return "conf/exceptions.yaml"

    @property
    def yamllint_config(self) -> Path:
        return self.root / self.conf_dir / "yamllint.yaml"

    @property
    def hadolint_config(self) -> Path:
        return self.root / self.conf_dir / "hadolint.yaml"


def load_config(root: Path, kubernetes_versions: list[str] | None = None) -> Config:
    """The run's settings from ``conf/`` under ``root`` (examplecheck.settings reads them)."""
    root = root.resolve()
    versions = settings.data_of(root, "versions").get("kubernetes")
    chosen = tuple(kubernetes_versions) if kubernetes_versions is not None else versions
    for version in chosen or ():
        if not VERSION_RE.match(version):
            raise ConfigError(f"Kubernetes version {version!r} is not of the form X.Y")
    if not chosen:
        raise ConfigError("no Kubernetes version given (conf/versions.yaml `kubernetes:`)")

    return Config(
        root=root,
        kubernetes_versions=tuple(chosen),
        unchecked=listed_files(root, "unchecked"),
        data=listed_files(root, "data"),
        images=load_known_images(root),
        cli=load_cli_settings(root),
        ci=os.environ.get("CI", "").strip().lower() == "true",
    )


def listed_files(root: Path, section: str) -> tuple[ListedFile, ...]:
    """The ``unchecked:`` or ``data:`` entries of conf/exceptions.yaml under ``root``."""
    exceptions = settings.read(root, "exceptions")
    if exceptions is None:
        return ()
    entries = exceptions.data.get(section) or []
    return tuple(
        ListedFile(
            entry["path"].strip("/"),
            entry["reason"].strip(),
            exceptions.line_of(section, index),
        )
        for index, entry in enumerate(entries)
    )


def site_url(root: Path) -> str:
    """The published site's base URL, where each finding's rule is explained: the GitHub Pages
    site of the repository conf/images.yaml names (pages.yml refuses to publish under another
    name); "" where there is none (relative links then)."""
    repository = settings.data_of(root, "images").get("repository", "")
    owner, _, name = repository.partition("/")
    return f"https://{owner}.github.io/{name}/" if owner and name else ""
