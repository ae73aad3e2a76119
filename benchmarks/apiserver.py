"""What the real API server costs: build, start, a check of every example set, memory.

Run: ``python benchmarks/apiserver.py [--cold]`` (in the apiserver session's venv, with Go)

* build: ``examplecheck.apiserver.binaries.build`` with the binaries cached (a warm run),
  and with ``--cold`` into an empty binary cache and an empty Go build cache, which is what
  a fresh machine pays once (the module download is not in it when the module cache is
  filled; on a fresh machine add about a minute);
* start: etcd and kube-apiserver from nothing to /readyz;
* check: every example set through tools.apiserver_check (REST dry run, kubectl, Services
  created for real), against the peer in the same process tree: the in-process checker
  (``examplecheck.api.check_paths``) over the same example folders;
* memory: the peak resident size (VmHWM) of kube-apiserver and etcd at the end of the run,
  and of the Go build's children with ``--cold``.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from examplecheck.api import check_paths  # noqa: E402
from examplecheck.apiserver.binaries import build  # noqa: E402
from examplecheck.apiserver.client import ApiClient  # noqa: E402
from examplecheck.apiserver.server import LocalServer  # noqa: E402
from tools.apiserver_check import ServerCheck, _runner, install_gateway_crds  # noqa: E402
from tools.cluster_dry_run import Cluster, find_sets  # noqa: E402


def _peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _timed(function):
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", action="store_true", help="also time a build from nothing")
    args = parser.parse_args()
    quiet = lambda _line: None  # noqa: E731
    binaries, warm_build = _timed(lambda: build(log=quiet))
    print(f"build, binaries cached:          {warm_build:8.1f} s")
    if args.cold:
        with tempfile.TemporaryDirectory(prefix="apiserver-bench-") as tmp:
            saved = os.environ.get("GOCACHE")
            os.environ["GOCACHE"] = str(Path(tmp) / "gocache")
            try:
                _, cold_build = _timed(lambda: build(cache=Path(tmp) / "bin", log=quiet))
            finally:
                if saved is None:
                    os.environ.pop("GOCACHE")
                else:
                    os.environ["GOCACHE"] = saved
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"build from nothing (--cold):     {cold_build:8.1f} s   "
            f"({cold_build / warm_build:,.0f}x the warm build; peak child {children:,.0f} MiB)"
        )

    sets = find_sets(ROOT)
    with tempfile.TemporaryDirectory(prefix="apiserver-bench-") as tmp:
        server = LocalServer(binaries, Path(tmp) / "server")
        endpoint, start = _timed(server.__enter__)
        try:
            kubectl = Cluster(_runner(endpoint.kubeconfig), str(binaries.kubectl),
                              os.environ.get("HELM", "helm"))  # fmt: skip
            client = ApiClient(endpoint)
            client.ensure_default_service_account("default")
            _, crds = _timed(lambda: install_gateway_crds(kubectl, binaries))
            check = ServerCheck(client, kubectl, "kube-apiserver", ROOT)
            results, checking = _timed(
                lambda: [check.check(example_set, Path(tmp)) for example_set in sets]
            )
            peaks = {p.args[0].rsplit("/", 1)[-1]: _peak_mib(p.pid) for p in server.processes}
            client.close()
        finally:
            server.stop()
    folders = sorted({str(path.relative_to(ROOT)) for s in sets for path in s.files})
    _, peer = _timed(lambda: check_paths([ROOT / f for f in folders], root=ROOT))
    objects = sum(r.objects for r in results)
    print(f"server start to /readyz:         {start:8.1f} s")
    print(f"Gateway API CRDs installed:      {crds:8.1f} s")
    print(
        f"{len(sets)} sets, {objects} objects on the server: {checking:8.1f} s   "
        f"({objects / checking:,.1f} objects/s)"
    )
    print(
        f"peer, in-process checker, same files: {peer:8.1f} s   "
        f"(the server check takes {checking / peer:,.1f}x as long)"
    )
    for name, mib in sorted(peaks.items()):
        print(f"peak resident {name:<18} {mib:8.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
