"""The kubeconform wrapper: command line, JSON parsing, failure paths, agreement with the engine.

There is no kubeconform binary on these machines; a fake (tests/fixtures/kubernetes/
fake_kubeconform.py) stands in with kubeconform's flags, schema lookup and JSON report, and
validates with python-jsonschema, not with our engine.
"""

from __future__ import annotations

import json
import os

import pytest
import yaml
from test_kubernetes_support import (
    FIXTURES,
    REPO,
    VERSIONS,
    install_fake_kubeconform,
    load,
    run,
)

from examplecheck.kubernetes import check_kubernetes, kubeconform
from examplecheck.kubernetes.schemas import ensure_cache, kubeconform_location

# A report in the format of kubeconform 0.7's -output json -summary (pkg/output/json.go):
# only failing resources are listed; validationErrors carry a JSON pointer and jsonschema
# v6's wording. Our own sample, not a copy.
SAMPLE_REPORT = """{
  "resources": [
    {
      "filename": "examples/web/deployment.yaml",
      "kind": "Deployment",
      "name": "web",
      "version": "apps/v1",
      "status": "statusInvalid",
      "msg": "jsonschema validation failed - at '/spec/replicas': got string, want null or integer",
      "validationErrors": [
        {
          "path": "/spec/replicas",
          "msg": "got string, want null or integer"
        },
        {
          "path": "/spec/template/spec/containers/0",
          "msg": "additional properties 'port' not allowed"
        }
      ]
    },
    {
      "filename": "examples/web/widget.yaml",
      "kind": "Widget",
      "name": "w",
      "version": "example.com/v1",
      "status": "statusError",
      "msg": "could not find schema for Widget"
    }
  ],
  "summary": {
    "valid": 3,
    "invalid": 1,
    "errors": 1,
    "skipped": 0
  }
}
"""
# The older format (kubeconform before validationErrors; still in its README): msg only.
OLD_REPORT = """{
  "resources": [
    {
      "filename": "examples/web/rc.yaml",
      "kind": "ReplicationController",
      "version": "v1",
      "status": "INVALID",
      "msg": "Additional property replica is not allowed"
    }
  ]
}"""


@pytest.fixture
def fake(tmp_path, monkeypatch):
    environ = {"PATH": os.environ.get("PATH", "")}
    install_fake_kubeconform(tmp_path / "bin", environ)
    monkeypatch.setenv("PATH", environ["PATH"])
    monkeypatch.delenv("KUBECONFORM", raising=False)
    return tmp_path


def test_command_line_is_strict_json_local_and_versioned():
    command = kubeconform.build_command("kc", "1.35", "/c/{{ .ResourceKind }}.json", ["a.yaml"])
    assert command == [
        "kc", "-strict", "-output", "json", "-schema-location", "/c/{{ .ResourceKind }}.json",
        "-kubernetes-version", "1.35.0", "a.yaml",
    ]  # fmt: skip


@pytest.mark.slow
def test_each_version_runs_with_the_cache_template(fake, monkeypatch):
    argv = fake / "argv.json"
    monkeypatch.setenv("FAKE_KUBECONFORM_ARGV", str(argv))
    result = run(FIXTURES / "valid", engine="kubeconform")
    assert result.fatal is None and result.findings == []
    recorded = json.loads(argv.read_text())  # The last run: the newest version.
    location = kubeconform_location(ensure_cache(VERSIONS, REPO))
    assert recorded[:8] == [
        "-strict", "-output", "json", "-schema-location", location,
        "-kubernetes-version", f"{VERSIONS[-1]}.0",
        str(REPO / "tests/fixtures/kubernetes/valid/app.yaml"),
    ]  # fmt: skip
    assert result.checked_by["tests/fixtures/kubernetes/valid/app.yaml"][0].startswith(
        "kubeconform (Kubernetes 1.33–1.37, strict)"
    )


def test_parse_json_report():
    invalid, error = kubeconform.parse_output(SAMPLE_REPORT)
    assert invalid == kubeconform.ResourceResult(
        "examples/web/deployment.yaml", "Deployment", "web", "apps/v1", "statusInvalid",
        "jsonschema validation failed - at '/spec/replicas': got string, want null or integer",
        (
            ("/spec/replicas", "got string, want null or integer"),
            ("/spec/template/spec/containers/0", "additional properties 'port' not allowed"),
        ),
    )  # fmt: skip
    assert (error.status, error.msg) == ("statusError", "could not find schema for Widget")
    data = {"spec": {"replicas": "2", "template": {"spec": {"containers": [{"port": 80}]}}}}
    assert [(v.rule, v.path, v.key) for v in kubeconform.violations_of(invalid, data)] == [
        ("k8s-schema-type", ("spec", "replicas"), None),
        ("k8s-schema-unknown-field", ("spec", "template", "spec", "containers", 0), "port"),
    ]


def test_parse_old_report_without_validation_errors():
    (result,) = kubeconform.parse_output(OLD_REPORT)
    assert (result.kind, result.status, result.name) == ("ReplicationController", "INVALID", "")
    (violation,) = kubeconform.violations_of(result, {})
    assert violation.rule == "k8s-schema-invalid" and "replica" in violation.message


def test_empty_report_means_all_valid():
    assert kubeconform.parse_output('{\n  "resources": []\n}\n') == []


@pytest.mark.parametrize(
    ("pointer", "msg", "rule", "text"),
    [
        ("/spec", "additional properties 'templates' not allowed", "k8s-schema-unknown-field",
         'unknown field "templates" in spec'),
        ("/spec", "additionalProperties 'templates' not allowed", "k8s-schema-unknown-field",
         'unknown field "templates" in spec'),
        ("/spec", "additional property 'templates' not allowed", "k8s-schema-unknown-field",
         'unknown field "templates" in spec'),
        ("/spec", "missing property 'selector'", "k8s-schema-required",
         'required field "selector" is missing in spec'),
        ("/spec", "missing properties: 'selector'", "k8s-schema-required",
         'required field "selector" is missing in spec'),
        ("/spec/replicas", "got string, want null or integer", "k8s-schema-type",
         "spec.replicas: expected integer, got string"),
        ("/spec/replicas", "expected integer or null, but got string", "k8s-schema-type",
         "spec.replicas: expected integer, got string"),
        ("/kind", "value must be one of 'Deployment'", "k8s-schema-enum",
         'kind: must be one of "Deployment"'),
        ("/spec/ports/0/targetPort", "oneOf failed, none matched", "k8s-schema-invalid",
         "spec.ports[0].targetPort: value matches none of the allowed forms"),
        ("/spec/ports/0/targetPort", "'oneOf' failed, none matched", "k8s-schema-invalid",
         "spec.ports[0].targetPort: value matches none of the allowed forms"),
        ("/spec/replicas", "must be >= 0 but found -1", "k8s-schema-invalid",
         "spec.replicas: must be >= 0 but found -1"),
    ],
)  # fmt: skip
def test_kubeconform_wordings_map_to_our_rules(pointer, msg, rule, text):
    data = {"spec": {"replicas": "3", "ports": [{"targetPort": []}]}, "kind": "Deploy"}
    (violation,) = kubeconform.violation_from(pointer, msg, data)
    assert violation.rule == rule
    assert violation.message.startswith(text)


@pytest.mark.parametrize("bad", ["", "not json", "[]", '{"resources": {}}', '{"resources": [1]}'])
def test_garbage_report_is_a_failure_not_a_pass(bad):
    with pytest.raises(kubeconform.KubeconformFailed):
        kubeconform.parse_output(bad)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("crash", "exited with status 2: panic"), ("garbage", "printed no JSON report")],
)
def test_crash_and_garbage_output_make_the_run_fatal(fake, monkeypatch, mode, expected):
    monkeypatch.setenv("FAKE_KUBECONFORM_MODE", mode)
    result = run(FIXTURES / "valid", engine="auto")
    assert result.fatal is not None and expected in result.fatal


def test_timeout_makes_the_run_fatal(fake, monkeypatch):
    monkeypatch.setenv("FAKE_KUBECONFORM_MODE", "sleep")
    monkeypatch.setenv("EXAMPLECHECK_KUBECONFORM_TIMEOUT", "1")
    result = run(FIXTURES / "valid", engine="kubeconform")
    assert result.fatal == "kubeconform timed out after 1s"


def test_requested_kubeconform_without_binary_is_fatal(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("KUBECONFORM", raising=False)
    result = run(FIXTURES / "valid", engine="kubeconform")
    assert result.fatal and "kubeconform not found" in result.fatal
    assert run(FIXTURES / "valid", engine="auto").fatal is None  # auto falls back in-process.


def test_binary_named_by_environment(fake, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("KUBECONFORM", str(fake / "bin" / "kubeconform"))
    assert kubeconform.find_binary() == str(fake / "bin" / "kubeconform")


def test_unreadable_status_error_becomes_a_finding(fake, tmp_path, monkeypatch):
    script = tmp_path / "bin" / "kubeconform"
    report = {"resources": [{"filename": "", "kind": "Deployment", "name": "web",
                             "version": "apps/v1", "status": "statusError",
                             "msg": "error unmarshalling resource: duplicate key"}]}  # fmt: skip
    script.write_text(f"#!/bin/sh\ncat <<'EOF'\n{json.dumps(report)}\nEOF\nexit 1\n")
    documents = load(FIXTURES / "schema" / "type-replicas.yaml")
    # The filename kubeconform reports is the path it was given.
    report["resources"][0]["filename"] = str(REPO / documents[0].path)
    script.write_text(f"#!/bin/sh\ncat <<'EOF'\n{json.dumps(report)}\nEOF\nexit 1\n")
    result = check_kubernetes(
        documents, versions=["1.33"], root=REPO, engine="kubeconform", practices=False
    )
    assert [(f.rule, f.tool) for f in result.findings] == [("k8s-schema-tool-error", "kubeconform")]
    assert "duplicate key" in result.findings[0].message


def _comparable(findings):
    return sorted((f.path, f.line, f.column, f.rule, f.severity, f.message) for f in findings)


AGREEMENT_INPUTS = [
    *sorted((FIXTURES / "schema").glob("*.yaml")),
    *sorted((FIXTURES / "api").glob("*.yaml")),
    *sorted((FIXTURES / "sets").iterdir()),
    FIXTURES / "valid",
]


@pytest.mark.slow
def test_both_engines_report_the_same_findings(fake):
    """Every fixture at once (one kubeconform run per version): same rules, lines, messages."""
    builtin = run(*AGREEMENT_INPUTS, engine="builtin")
    external = run(*AGREEMENT_INPUTS, engine="kubeconform")
    assert builtin.fatal is None and external.fatal is None
    assert _comparable(builtin.findings) == _comparable(external.findings)
    schema_rules = {f.rule for f in external.findings if f.tool == "kubeconform"}
    assert {"k8s-schema-type", "k8s-schema-unknown-field", "k8s-schema-required"} <= schema_rules
    assert len(external.findings) >= 35  # Every fixture's finding is in the comparison.


def test_documents_not_on_disk_are_written_for_kubeconform(fake):
    from examplecheck.yamlload import SourceText, YamlDocument

    text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: x\n"
    document = YamlDocument(SourceText("docs/page.md#block-1", text), 0, yaml.safe_load(text), 1)
    result = check_kubernetes([document], versions=VERSIONS, root=REPO, engine="kubeconform")
    assert [(f.rule, f.line) for f in result.findings] == [("k8s-schema-type", 7)]


def test_rendered_text_is_checked_not_the_file_on_disk(fake, tmp_path):
    """A Helm template's display path exists, but kubeconform must see the rendered text."""
    from examplecheck.yamlload import SourceText, YamlDocument

    template = REPO / "tests/fixtures/kubernetes/valid/jobs.yaml"  # Valid on disk.
    rendered = template.read_text("utf-8").replace('"0 3 * * *"', "5")  # schedule: 5
    data = yaml.safe_load(rendered)
    display = "tests/fixtures/kubernetes/valid/jobs.yaml"
    document = YamlDocument(SourceText(display, rendered), 0, data, 1)
    result = check_kubernetes([document], versions=VERSIONS, root=REPO, engine="kubeconform")
    assert ("k8s-schema-type", 6) in [(f.rule, f.line) for f in result.findings]


@pytest.mark.slow
@pytest.mark.skipif(kubeconform.find_binary() is None, reason="no kubeconform binary here")
def test_real_kubeconform_agrees_with_the_builtin_engine():
    """Where CI installs kubeconform: the same rules at the same places, no tool errors.

    This also proves kubeconform resolves the offline copy's references without the network:
    an unresolved reference makes kubeconform report the resource as an error.
    """
    builtin = run(*AGREEMENT_INPUTS, engine="builtin")
    external = run(*AGREEMENT_INPUTS, engine="kubeconform")
    assert external.fatal is None
    assert [f for f in external.findings if f.rule == "k8s-schema-tool-error"] == []
    where = sorted((f.path, f.line, f.column, f.rule) for f in builtin.findings)
    assert sorted((f.path, f.line, f.column, f.rule) for f in external.findings) == where
