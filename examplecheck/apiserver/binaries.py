"""Build kube-apiserver, kubectl and etcd from the Go module in tools/kubernetes-go.

The binaries are cached outside the repository, in a folder named after the hash of the
module's go.mod and go.sum: a fresh machine builds them once (about 5 minutes on 2 cores),
later runs reuse them, and a change of release builds the new one beside the old.
The Gateway API CRDs come from the same module graph (sigs.k8s.io/gateway-api), read from
the Go module cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULE = ROOT / "tools" / "kubernetes-go"
GO_FALLBACK = Path("/usr/local/go/bin/go")
# name of the binary -> Go package (a `tool` line of go.mod)
PROGRAMS = {
    "kube-apiserver": "k8s.io/kubernetes/cmd/kube-apiserver",
    "kubectl": "k8s.io/kubernetes/cmd/kubectl",
    "etcd": "go.etcd.io/etcd/server/v3",
}
GATEWAY_MODULE = "sigs.k8s.io/gateway-api"
GATEWAY_CRDS = Path("config/crd/standard")
BUILD_TIMEOUT_SECONDS = 45 * 60


class BuildError(Exception):
    """The binaries could not be had; the message is one line that says why."""


@dataclass(frozen=True)
class Binaries:
    kube_apiserver: Path
    kubectl: Path
    etcd: Path
    kubernetes_version: str  # "v1.37.2"
    gateway_version: str  # "v1.5.1"
    gateway_crds: Path  # folder of the standard-channel CRD files


def cache_root() -> Path:
    """Where built binaries live: $HANDBOOK_CACHE, else $XDG_CACHE_HOME or ~/.cache."""
    if os.environ.get("HANDBOOK_CACHE"):
        return Path(os.environ["HANDBOOK_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "docker-k8s-handbook"


def find_go() -> str | None:
    found = shutil.which("go")
    if found:
        return found
    return str(GO_FALLBACK) if os.access(GO_FALLBACK, os.X_OK) else None


def module_key(module: Path = MODULE) -> str:
    digest = hashlib.sha256()
    for name in ("go.mod", "go.sum"):
        digest.update((module / name).read_bytes())
    return digest.hexdigest()[:16]


def _go(go: str, module: Path, *args: str, timeout: float = 600) -> str:
    env = {**os.environ, "GOFLAGS": "-mod=readonly", "CGO_ENABLED": "0"}
    try:
        done = subprocess.run(
            [go, *args],
            cwd=module,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise BuildError(f"go {' '.join(args)} did not finish in {timeout:.0f} s") from error
    except OSError as error:
        raise BuildError(f"cannot run {go}: {error}") from error
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        last = lines[-1] if lines else f"exit status {done.returncode}"
        raise BuildError(f"go {' '.join(args[:2])} failed in {module}: {last}")
    return done.stdout


def module_versions(go: str, module: Path = MODULE) -> dict[str, dict]:
    """``go list -m -json`` of the modules that matter: version and (downloaded) folder."""
    wanted = ["k8s.io/kubernetes", "go.etcd.io/etcd/server/v3", GATEWAY_MODULE]
    _go(go, module, "mod", "download", *wanted)
    output = _go(go, module, "list", "-m", "-json", *wanted)
    decoder = json.JSONDecoder()
    found: dict[str, dict] = {}
    position = 0
    while position < len(output):
        if output[position].isspace():
            position += 1
            continue
        data, position = decoder.raw_decode(output, position)
        found[data["Path"]] = data
    return found


def _ldflags(version: str) -> str:
    """Strip symbols, and stamp the release the way Kubernetes' own build does."""
    major, minor = version.removeprefix("v").split(".")[:2]
    flags = ["-s", "-w"]
    for package in ("k8s.io/component-base/version", "k8s.io/client-go/pkg/version"):
        flags += [
            f"-X {package}.gitVersion={version}",
            f"-X {package}.gitMajor={major}",
            f"-X {package}.gitMinor={minor}",
            f"-X {package}.gitTreeState=clean",
        ]
    return " ".join(flags)


def build(module: Path = MODULE, cache: Path | None = None, log=print) -> Binaries:
    """The binaries of the module's release, built into the cache unless there already."""
    go = find_go()
    if go is None:
        raise BuildError("Go is not installed: cannot build kube-apiserver, kubectl and etcd")
    if not (module / "go.mod").is_file():
        raise BuildError(f"no Go module at {module}")
    versions = module_versions(go, module)
    gateway = versions[GATEWAY_MODULE]
    folder = (cache or cache_root()) / "kubernetes-go" / module_key(module)
    paths = {name: folder / "bin" / name for name in PROGRAMS}
    for name, package in PROGRAMS.items():
        if paths[name].is_file() and os.access(paths[name], os.X_OK):
            continue
        log(f"apiserver: building {name} ({package}) into {folder}; the first build is slow")
        partial = paths[name].with_suffix(".partial")
        partial.parent.mkdir(parents=True, exist_ok=True)
        _go(
            go,
            module,
            "build",
            "-trimpath",
            f"-ldflags={_ldflags(versions['k8s.io/kubernetes']['Version'])}",
            "-o",
            str(partial),
            package,
            timeout=BUILD_TIMEOUT_SECONDS,
        )
        partial.replace(paths[name])  # only a whole binary gets the final name
    crds = Path(gateway["Dir"]) / GATEWAY_CRDS
    if not crds.is_dir():
        raise BuildError(f"{GATEWAY_MODULE} {gateway['Version']} has no {GATEWAY_CRDS}")
    return Binaries(
        kube_apiserver=paths["kube-apiserver"],
        kubectl=paths["kubectl"],
        etcd=paths["etcd"],
        kubernetes_version=versions["k8s.io/kubernetes"]["Version"],
        gateway_version=gateway["Version"],
        gateway_crds=crds,
    )
