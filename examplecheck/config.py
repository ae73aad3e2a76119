"""The checker's settings, read from ``conf/*.yaml`` into one value passed explicitly."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .conffile import load_problem
from .yamlload import load_yaml

VERSION_RE = re.compile(r"^\d+\.\d+$")


class ConfigError(Exception):
    """``conf/`` is unusable: the checker cannot run (exit status 2)."""


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
    """Read ``conf/versions.yaml`` and ``conf/exceptions.yaml`` under ``root``."""
    root = root.resolve()
    conf = root / "conf"
    versions = _versions(conf / "versions.yaml") if kubernetes_versions is None else None
    chosen = tuple(kubernetes_versions) if kubernetes_versions is not None else versions
    for version in chosen or ():
        if not VERSION_RE.match(version):
            raise ConfigError(f"Kubernetes version {version!r} is not of the form X.Y")
    if not chosen:
        raise ConfigError("no Kubernetes version given (conf/versions.yaml `kubernetes:`)")
    unchecked, data = _exceptions(conf / "exceptions.yaml")
    from .images import load_known_images  # images imports ConfigError from here

    images = load_known_images(conf / "images.yaml")
    from .cli_flags import load_cli_settings  # cli_flags imports ConfigError from here

    cli = load_cli_settings(conf / "cli.yaml")
    return Config(
        root=root,
        kubernetes_versions=chosen,
        unchecked=unchecked,
        data=data,
        images=images,
        cli=cli,
        ci=os.environ.get("CI", "").strip().lower() == "true",
    )


def _versions(path: Path) -> tuple[str, ...]:
    loaded = load_yaml(path, "conf/versions.yaml")
    if loaded.findings or not loaded.documents:
        raise ConfigError(load_problem("conf/versions.yaml", loaded.findings))
    data = loaded.documents[0].data
    versions = data.get("kubernetes") if isinstance(data, dict) else None
    if not isinstance(versions, list) or not all(isinstance(v, str) for v in versions):
        raise ConfigError("conf/versions.yaml: `kubernetes` must be a list of quoted X.Y strings")
    return tuple(versions)


def _exceptions(path: Path) -> tuple[tuple[ListedFile, ...], tuple[ListedFile, ...]]:
    if not path.exists():
        return (), ()
    loaded = load_yaml(path, "conf/exceptions.yaml")
    if loaded.findings:
        raise ConfigError(load_problem("conf/exceptions.yaml", loaded.findings))
    document = loaded.documents[0]
    data = document.data
    if not isinstance(data, dict) or set(data) - {"unchecked", "data"}:
        raise ConfigError("conf/exceptions.yaml: expected a mapping with `unchecked` and `data`")
    sections = []
    for section in ("unchecked", "data"):
        entries = data.get(section) or []
        if not isinstance(entries, list):
            raise ConfigError(f"conf/exceptions.yaml: `{section}` must be a list")
        listed = []
        for index, entry in enumerate(entries):
            line, _ = document.locate([section, index])
            if not (
                isinstance(entry, dict)
                and isinstance(entry.get("path"), str)
                and isinstance(entry.get("reason"), str)
                and entry["reason"].strip()
                and set(entry) == {"path", "reason"}
            ):
                raise ConfigError(
                    f"conf/exceptions.yaml:{line}: each `{section}` entry needs exactly "
                    "`path` and a non-empty `reason`"
                )
            listed.append(ListedFile(entry["path"].strip("/"), entry["reason"].strip(), line))
        sections.append(tuple(listed))
    return sections[0], sections[1]
