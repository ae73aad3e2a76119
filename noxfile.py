"""Sessions of the handbook: one per verb. `nox -l` lists them, `nox` runs what a PR must pass."""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["validate", "tests", "lint", "docs"]

ROOT = Path(__file__).parent
REQUIREMENTS = "requirements.txt"
SPHINX_ARGS = ["-n", "-W", "--keep-going", "-b", "html", "docs", "build/html"]


def _install(session: nox.Session) -> None:
    session.install("-r", REQUIREMENTS)


@nox.session
def validate(session: nox.Session) -> None:
    """Check every file under examples/ (kubeconform or the in-process engine, hadolint, ...)."""
    _install(session)
    session.run("python", "-m", "examplecheck", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite with pytest."""
    _install(session)
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Lint Python (ruff), YAML (yamllint) and the GitHub workflows."""
    _install(session)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("yamllint", "--strict", "-c", "conf/yamllint.yaml", ".")
    # actionlint, zizmor --offline and check-jsonschema's vendored GitHub schemas on .github/
    session.run("python", "-m", "tools.workflow_lint")


@nox.session(name="new-example", python=False)
def new_example(session: nox.Session) -> None:
    """Create examples/<path> from a template by file type and print its include line."""
    import sys  # nox's own interpreter: the template tool needs nothing installed

    session.run(sys.executable, "-m", "tools.new_example", *session.posargs, external=True)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the HTML site into build/html (offline; any warning fails)."""
    _install(session)
    shutil.rmtree(ROOT / "build" / "html", ignore_errors=True)
    session.run("sphinx-build", *SPHINX_ARGS, *session.posargs)


@nox.session
def preview(session: nox.Session) -> None:
    """Serve the site on 127.0.0.1:8000 and rebuild on every change (for writers)."""
    _install(session)
    session.run(
        "sphinx-autobuild",
        "--host",
        "127.0.0.1",
        "--port",
        "8000",
        "--watch",
        "examples",
        *SPHINX_ARGS,
        *session.posargs,
    )


@nox.session
def linkcheck(session: nox.Session) -> None:
    """Check external links (needs the network; never part of the default run)."""
    _install(session)
    session.run("sphinx-build", "-b", "linkcheck", "docs", "build/linkcheck", *session.posargs)
