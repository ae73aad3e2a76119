"""One real kube-apiserver for the whole session (nox -s apiserver), set up like the pages.

Without Go the tests skip, saying so; with CI=true they fail instead: the default run is
meant to check against the real server on every machine that has Go.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from examplecheck.apiserver.binaries import Binaries, BuildError, build
from examplecheck.apiserver.client import ApiClient
from examplecheck.apiserver.server import Endpoint, LocalServer, ServerError
from tests.required_tools import missing
from tools.apiserver_check import ServerCheck, _runner, install_gateway_crds, placed_objects
from tools.cluster_dry_run import Cluster, find_sets

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Served:
    binaries: Binaries
    endpoint: Endpoint
    client: ApiClient
    kubectl: Cluster
    check: ServerCheck


def _unavailable(reason: str) -> None:
    missing(f"{reason}: the API server tests need Go (nox -s apiserver builds it)")


@pytest.fixture(scope="session")
def binaries() -> Binaries:
    try:
        return build(log=lambda line: print(line))
    except BuildError as error:
        _unavailable(str(error))
        raise


@pytest.fixture(scope="session")
def served(binaries: Binaries, tmp_path_factory: pytest.TempPathFactory):
    """The server with the Gateway API CRDs, and every example set's namespaces and
    service accounts created for real, as a reader who followed the pages has them."""
    folder = tmp_path_factory.mktemp("apiserver")
    try:
        server = LocalServer(binaries, folder / "server")
        endpoint = server.__enter__()
    except ServerError as error:
        pytest.fail(f"the API server did not start: {error}", pytrace=False)
    try:
        kubectl = Cluster(
            _runner(endpoint.kubeconfig), str(binaries.kubectl), os.environ.get("HELM", "helm")
        )
        client = ApiClient(endpoint)
        client.ensure_default_service_account("default")
        failure = install_gateway_crds(kubectl, binaries)
        assert failure is None, failure
        check = ServerCheck(client, kubectl, f"kube-apiserver {binaries.kubernetes_version}", ROOT)
        for example_set in find_sets(ROOT):
            files, failed = kubectl.render(example_set, folder)
            assert not failed, failed
            findings, _kept = check.setup(placed_objects(example_set, files, ROOT))
            assert not findings, findings
        yield Served(binaries, endpoint, client, kubectl, check)
        client.close()
    finally:
        server.stop()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """The differential table: defect class by who rejects it."""
    from . import test_differential

    table = test_differential.LAST.get("table")
    if not table:
        return
    write = terminalreporter.write_line
    terminalreporter.section("checker against kube-apiserver, by defect class")
    write(f"{'class':<15} {'both':>6} {'server only':>12} {'checker only':>13} {'neither':>8}")
    for name, row in table.items():
        write(
            f"{name:<15} {row['both']:>6} {row['server_only']:>12} {row['checker_only']:>13} "
            f"{row['neither']:>8}"
        )
    write(f"written {test_differential.REPORT.relative_to(ROOT)}")
