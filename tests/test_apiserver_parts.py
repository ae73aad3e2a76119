"""The apiserver check's parts that need no server: field paths, findings, and every way the
server path can fail to run (each one clear line and exit 2, never a hang or a traceback).

The check against the real server is tests/apiserver (nox -s apiserver).
"""

from __future__ import annotations

import re
import shutil
import socket
import textwrap
from pathlib import Path

import pytest

from examplecheck.apiserver import binaries as binaries_module
from examplecheck.apiserver.answers import findings_for, parse_field
from examplecheck.apiserver.binaries import Binaries, BuildError, build
from examplecheck.apiserver.client import Answer, Cause
from examplecheck.apiserver.server import LocalServer, ServerError
from examplecheck.yamlload import load_yaml
from tests.required_tools import missing
from tools import apiserver_check


@pytest.mark.parametrize(
    ("field", "path"),
    [
        ("spec.template.spec.containers[1].name", ("spec", "template", "spec", "containers", 1,
                                                   "name")),
        ("metadata.labels[app.kubernetes.io/name]", ("metadata", "labels",
                                                     "app.kubernetes.io/name")),
        ("spec.rules[0].http.paths[0]", ("spec", "rules", 0, "http", "paths", 0)),
        ("metadata.name", ("metadata", "name")),
        ("<nil>", ()),
        ("", ()),
    ],
)  # fmt: skip
def test_server_field_paths_become_json_paths(field: str, path: tuple) -> None:
    assert parse_field(field) == path


DEPLOYMENT = textwrap.dedent(
    """\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
            - name: web
              image: nginx:1.27
            - name: web
              image: busybox:1.37
    """
)


def test_a_rejection_points_at_the_line_of_the_field(tmp_path: Path) -> None:
    file = tmp_path / "deployment.yaml"
    file.write_text(DEPLOYMENT, "utf-8")
    document = load_yaml(file, "examples/deployment.yaml").documents[0]
    answer = Answer(
        False,
        422,
        "Invalid",
        'Deployment.apps "web" is invalid: ...',
        [Cause("spec.template.spec.containers[1].name", "FieldValueDuplicate",
               'Duplicate value: "web"')],
        ["spec.template.spec.containers[1].image: a warning"],
    )  # fmt: skip
    found = findings_for(
        answer, document.data, path=document.path, document=document, tool="kube-apiserver v1"
    )
    errors = [f for f in found if f.rule == "k8s-apiserver"]
    assert [(f.line, f.column) for f in errors] == [(15, 17)]  # the value of the second name
    assert "Deployment/web" in errors[0].message and "Duplicate value" in errors[0].message
    assert [f.rule for f in found if f.severity == "warning"] == ["k8s-apiserver-warning"]


def test_a_rejection_without_causes_is_one_finding_with_the_reason() -> None:
    answer = Answer(False, 403, "Forbidden", 'pods "x" is forbidden: violates PodSecurity')
    found = findings_for(answer, {"kind": "Pod"}, path="p.yaml", document=None, tool="t")
    assert len(found) == 1
    assert (found[0].line, found[0].rule) == (1, "k8s-apiserver")
    assert "(Forbidden)" in found[0].message and "PodSecurity" in found[0].message


def _fake_binaries(tmp_path: Path, etcd: str) -> Binaries:
    return Binaries(
        kube_apiserver=Path("/nonexistent/kube-apiserver"),
        kubectl=Path("/nonexistent/kubectl"),
        etcd=Path(etcd),
        kubernetes_version="v1.37.2",
        gateway_version="v1.5.1",
        gateway_crds=tmp_path,
    )


def test_a_port_in_use_is_one_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = LocalServer(_fake_binaries(tmp_path, "/bin/true"), tmp_path / "s", port=port)
        with pytest.raises(ServerError, match=rf"127\.0\.0\.1:{port}: it is in use"):
            server.__enter__()
    assert not server.processes


def test_a_binary_that_exits_is_one_clear_error(tmp_path: Path) -> None:
    false = shutil.which("false") or "/bin/false"
    server = LocalServer(_fake_binaries(tmp_path, false), tmp_path / "s")
    with pytest.raises(ServerError, match="etcd exited with status 1"):
        server.__enter__()
    assert not server.processes


def test_a_server_that_never_gets_ready_is_stopped(tmp_path: Path) -> None:
    sleeper = tmp_path / "etcd"
    sleeper.write_text("#!/bin/sh\nexec sleep 600\n", "utf-8")
    sleeper.chmod(0o755)
    server = LocalServer(_fake_binaries(tmp_path, str(sleeper)), tmp_path / "s", ready_timeout=1)
    with pytest.raises(ServerError, match="etcd was not ready after 1 s"):
        server.__enter__()
    assert not server.processes  # stopped, not left sleeping


def test_no_go_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(binaries_module, "find_go", lambda: None)
    with pytest.raises(BuildError, match="Go is not installed"):
        build()


def test_a_module_that_does_not_build_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if binaries_module.find_go() is None:
        missing("Go is not installed: it builds the apiserver test's module")
    (tmp_path / "go.mod").write_text(
        "module example.invalid/broken\n\ngo 1.26.0\n\nrequire example.invalid/none v1.0.0\n"
    )
    (tmp_path / "go.sum").write_text("")
    monkeypatch.setenv("GOPROXY", "off")  # no network: the failure must come fast
    monkeypatch.setenv("GOFLAGS", "")
    with pytest.raises(BuildError) as raised:
        build(module=tmp_path, cache=tmp_path / "cache")
    assert "\n" not in str(raised.value) and "failed" in str(raised.value)


def test_the_check_exits_2_with_one_line_when_it_cannot_build(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    def cannot(**_kwargs):
        raise BuildError("Go is not installed: cannot build kube-apiserver, kubectl and etcd")

    monkeypatch.setattr(apiserver_check, "build", cannot)
    assert apiserver_check.main([]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "apiserver-check: could not run: Go is not installed: cannot build kube-apiserver, "
        "kubectl and etcd"
    ]


def test_the_check_exits_2_with_one_line_when_the_server_cannot_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    false = shutil.which("false") or "/bin/false"
    monkeypatch.setattr(apiserver_check, "build", lambda **_: _fake_binaries(tmp_path, false))
    assert apiserver_check.main([]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [err[0]] and err[0].startswith("apiserver-check: could not run: etcd exited")


def test_a_missing_folder_is_exit_2(capsys: pytest.CaptureFixture) -> None:
    assert apiserver_check.main(["no-such-folder"]) == 2
    assert "no such folder: no-such-folder" in capsys.readouterr().err


def test_the_gateway_crds_are_the_release_the_page_installs() -> None:
    root = Path(__file__).resolve().parents[1]
    go_mod = (root / "tools" / "kubernetes-go" / "go.mod").read_text("utf-8")
    page = (root / "docs" / "kubernetes" / "services.md").read_text("utf-8")
    [module] = re.findall(r"sigs\.k8s\.io/gateway-api (v[\d.]+)", go_mod)
    named = set(re.findall(r"gateway-api/releases/download/(v[\d.]+)/", page))
    assert named == {module}, f"services.md installs {named}, the check uses {module}"
