"""Custom resources: Gateway API kinds are declared not schema-checked, yet get the other rules."""

from __future__ import annotations

import pytest
from kubernetes_support import FIXTURES, REPO, SHARED_CACHE, run

from examplecheck.kubernetes.crds import (
    SPEC_NOT_CHECKED,
    load_custom_resources,
    unchecked_kinds,
)
from examplecheck.settings import ConfigError


def test_gateway_api_kinds_are_declared_with_a_reason():
    kinds = {c.kind: c for c in unchecked_kinds(REPO)}
    assert {"Gateway", "GatewayClass", "HTTPRoute", "GRPCRoute", "ReferenceGrant"} <= set(kinds)
    assert all(c.group == "gateway.networking.k8s.io" and c.reason for c in kinds.values())


def test_httproute_is_labelled_and_still_checked_by_set_rules():
    result = run(FIXTURES / "sets" / "httproute-port-missing")
    path = "tests/fixtures/kubernetes/sets/httproute-port-missing/all.yaml"
    assert SPEC_NOT_CHECKED in result.checked_by[path]
    assert [f.rule for f in result.findings] == ["k8s-backend-port-missing"]


def test_undeclared_custom_resource_is_an_unknown_kind(tmp_path, monkeypatch):
    monkeypatch.setenv("EXAMPLECHECK_CACHE", str(SHARED_CACHE))
    path = tmp_path / "cert.yaml"
    path.write_text(
        "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\n", "utf-8"
    )
    (finding,) = run(path, root=tmp_path).findings
    assert (finding.rule, finding.line) == ("k8s-unknown-kind", 2)


def test_crd_names_are_checked_by_api_rules(tmp_path, monkeypatch):
    monkeypatch.setenv("EXAMPLECHECK_CACHE", str(SHARED_CACHE))
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "crds.yaml").write_text((REPO / "conf" / "crds.yaml").read_text())
    path = tmp_path / "gw.yaml"
    path.write_text(
        "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: Shared_GW\n"
        "spec:\n  gatewayClassName: example\n  listeners: []\n",
        "utf-8",
    )
    result = run(path, root=tmp_path)
    assert [(f.rule, f.line) for f in result.findings] == [("k8s-invalid-name", 4)]
    assert result.checked_by["gw.yaml"][0] == SPEC_NOT_CHECKED


@pytest.mark.parametrize(
    "text",
    [
        "custom_resources:\n  - group: x.io\n    kinds: [A]\n",  # No reason.
        "custom_resources:\n  - group: x.io\n    kinds: [A]\n    reason: r\n"
        "    schema_checked: true\n",  # A claim nothing backs.
    ],
)
def test_malformed_crds_config_is_rejected(tmp_path, text):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "crds.yaml").write_text(text, "utf-8")
    with pytest.raises(ConfigError):
        load_custom_resources(tmp_path)
