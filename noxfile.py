"""Sessions of the handbook: one per verb. `nox -l` lists them, `nox` runs what a PR must pass."""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["validate", "apiserver", "tests", "lint", "docs", "browser"]

ROOT = Path(__file__).parent
REQUIREMENTS = "requirements.txt"
SPHINX_ARGS = ["-n", "-W", "--keep-going", "-b", "html", "docs", "build/html"]


def _install(session: nox.Session) -> None:
    session.install("-r", REQUIREMENTS)


# Go tools the sessions build into their own bin with `go install module@version`, pinned
# here and nowhere else; the module system verifies each module against Go's checksum database.
GO_TOOLS = {
    "kubeconform": "github.com/yannh/kubeconform/cmd/kubeconform@v0.7.0",
    # renders kustomizations (examplecheck/wrappers/kustomize.py); v5.8.2 builds with Go 1.26
    "kustomize": "sigs.k8s.io/kustomize/kustomize/v5@v5.8.2",
    # the pages' helm commands against `helm --help` (cli_flags), the page's `helm template`
    # against the SDK render; about 2 minutes to build once on 2 cores, then cached
    "helm": "helm.sh/helm/v4/cmd/helm@v4.3.2",
    # the pages' `docker buildx` commands against its --help where docker has no buildx plugin
    # (cli_flags runs it standalone); about 3 minutes to build once on 2 cores, then cached
    "buildx": "github.com/docker/buildx/cmd/buildx@v0.38.2",
}
GO_FALLBACK = Path("/usr/local/go/bin/go")  # where Go's own archive installs, often off PATH


def _install_go_tools(session: nox.Session, *names: str) -> None:
    """`go install` each named GO_TOOLS entry into the session's bin (on PATH in the session).

    A stamp file per tool keeps reused sessions from rebuilding. Without Go the run says so
    (the checks then use their fallbacks or skip, saying which); with CI=true it fails.
    """
    import os

    bin_dir = Path(session.bin)
    found = shutil.which("go")
    go = found or (str(GO_FALLBACK) if os.access(GO_FALLBACK, os.X_OK) else None)
    for name in names:
        module = GO_TOOLS[name]
        stamp = bin_dir / f".{name}.go-tool"
        if (bin_dir / name).is_file() and stamp.is_file() and stamp.read_text() == module:
            continue
        if go is None:
            message = f"Go is not installed: cannot build {name} ({module})"
            if os.environ.get("CI", "").lower() == "true":
                session.error(f"{message}; CI=true needs it")
            session.warn(f"{message}; the checks fall back or skip and say so")
            continue
        session.run(go, "install", module, env={"GOBIN": str(bin_dir)}, external=True)
        stamp.write_text(module)


@nox.session
def validate(session: nox.Session) -> None:
    """Check every file under examples/ (kubeconform or the in-process engine, hadolint, ...)."""
    _install(session)
    _install_go_tools(session, "kubeconform", "kustomize", "helm", "buildx")
    session.run("python", "-m", "examplecheck", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite with pytest."""
    _install(session)
    _install_go_tools(session, "kubeconform", "kustomize", "helm", "buildx")  # real-binary tests
    # The browser suite tests the built site, the apiserver suite a running server: each is
    # its own session (nox -s browser, nox -s apiserver).
    session.run(
        "python",
        "-m",
        "pytest",
        "--ignore=tests/browser",
        "--ignore=tests/apiserver",
        *session.posargs,
    )


@nox.session
def apiserver(session: nox.Session) -> None:
    """Apply every example set to a real kube-apiserver, and compare the checker with it."""
    # kube-apiserver, kubectl and etcd are built from tools/kubernetes-go into a cache outside
    # the repository (about 5 minutes once on 2 cores, then reused). Without Go the session
    # says so and skips; with CI=true it fails.
    import os

    _install(session)
    _install_go_tools(session, "helm")  # the chart is rendered before the server sees it
    if shutil.which("go") is None and not os.access(GO_FALLBACK, os.X_OK):
        message = "Go is not installed: cannot build kube-apiserver, kubectl and etcd"
        if os.environ.get("CI", "").lower() == "true":
            session.error(f"{message}; CI=true needs them")
        session.warn(f"{message}; the apiserver check is skipped")
        return
    env = {"PATH": f"{GO_FALLBACK.parent}:{os.environ.get('PATH', '')}"}
    session.run("python", "-m", "tools.apiserver_check", env=env)
    session.run("python", "-m", "pytest", "tests/apiserver", *session.posargs, env=env)


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
    """Build the HTML site into build/html, with an EPUB and a single-page edition in it."""
    _install(session)
    shutil.rmtree(ROOT / "build" / "html", ignore_errors=True)
    session.run("sphinx-build", *SPHINX_ARGS, *session.posargs)
    _offline_editions(session)


OFFLINE = ROOT / "build" / "html" / "_offline"  # docs/download.md links what is here


def _offline_editions(session: nox.Session) -> None:
    """EPUB and single page from the HTML build's doctrees (no page is read again).

    The incremental HTML build of the browser session leaves _offline/ alone: Sphinx never
    deletes what it did not write.
    """
    shared = ["-n", "-W", "--keep-going", "-d", "build/html/.doctrees"]
    shutil.rmtree(ROOT / "build" / "epub", ignore_errors=True)
    shutil.rmtree(OFFLINE, ignore_errors=True)
    session.run("sphinx-build", *shared, "-b", "epub", "docs", "build/epub")
    session.run("sphinx-build", *shared, "-b", "singlehtml", "docs", str(OFFLINE / "single"))
    shutil.copy2(ROOT / "build" / "epub" / "docker-k8s-handbook.epub", OFFLINE)


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


@nox.session
def browser(session: nox.Session) -> None:
    """Test the built site as a reader gets it, in Chromium (copy, download, layout, search)."""
    _install(session)
    _ensure_browser(session)
    # Incremental: after `nox -s docs` nothing is re-read, so this costs seconds; the offline
    # editions are rebuilt from the same doctrees so the suite never tests a stale copy.
    session.run("sphinx-build", *SPHINX_ARGS)
    _offline_editions(session)
    session.run("python", "-m", "pytest", "tests/browser", *session.posargs)


def _ensure_browser(session: nox.Session) -> None:
    """Install Debian's chromium and fonts-noto-cjk when missing and apt-get can (as root)."""
    import os
    import sys

    sys.path.insert(0, str(ROOT))  # nox's own interpreter: the finder needs nothing installed
    from tests.browser.browser_launch import find_browser, korean_font_installed

    wanted = []
    if find_browser() is None:
        wanted.append("chromium")
    if not korean_font_installed():
        wanted.append("fonts-noto-cjk")
    if not wanted:
        return
    apt = shutil.which("apt-get")
    sudo = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if apt is None or sudo is None:
        session.warn(f"cannot install {' '.join(wanted)}: no apt-get, or not root and no sudo")
        return  # the suite then says loudly what is missing (and fails with CI=true)
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    session.run(*sudo, apt, "update", "-q", external=True, env=env)
    session.run(
        *sudo,
        apt,
        "install",
        "-y",
        "-q",
        "--no-install-recommends",
        *wanted,
        external=True,
        env=env,
    )
