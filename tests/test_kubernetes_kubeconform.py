"""The kubeconform wrapper: command line, report parsing, mapping to documents, failure paths.

Two kinds of tests. Those marked ``real`` run the kubeconform binary that `nox -s tests`
builds into its bin from noxfile.py's GO_TOOLS (or $KUBECONFORM): the checker's findings with
it must equal the in-process engine's, and the recording must still be what it prints.
Without the binary they skip, saying so; with CI=true they fail. The others replay reports
the real binary printed (tests/kubeconform_replay.py, recorded by tools/record_kubeconform.py)
and so run everywhere.
"""

from __future__ import annotations

import json
import os
import re

import pytest
import yaml
from kubernetes_support import (
    FIXTURES,
    REPO,
    VERSIONS,
    install_recorded_kubeconform,
    load,
    run,
)

from examplecheck.kubernetes.check import check_kubernetes
from examplecheck.kubernetes.engines import kubeconform
from examplecheck.kubernetes.engines.schemas import ensure_cache, kubeconform_location
from examplecheck.yamlload import SourceText, YamlDocument
from tests.required_tools import missing
from tools import record_kubeconform

OURS = FIXTURES / "kubeconform"
RECORDING = json.loads((OURS / "recorded.json").read_text("utf-8"))
# Where the engines cannot agree, each for a reason the tests below show.
DISAGREE = {
    OURS / "duplicate-key.yaml": "kubeconform -strict refuses duplicate keys; PyYAML keeps one",
    OURS / "separator-line-content.yaml": "kubeconform drops a document on a '---' line",
}
AGREEMENT_INPUTS = [
    *sorted((FIXTURES / "schema").glob("*.yaml")),
    *sorted((FIXTURES / "api").glob("*.yaml")),
    *sorted((FIXTURES / "sets").iterdir()),
    FIXTURES / "valid",
    FIXTURES / "practices",
    FIXTURES / "custom",
    *sorted(p for p in OURS.glob("*.yaml") if p not in DISAGREE),
]
REAL_BINARY = kubeconform.find_binary()


def _recorded(name: str, version: str = "1.35") -> list[dict]:
    return RECORDING["files"][f"tests/fixtures/kubernetes/kubeconform/{name}"]["reports"][version]


@pytest.fixture
def replay(tmp_path, monkeypatch):
    environ = {"PATH": os.environ.get("PATH", "")}
    install_recorded_kubeconform(tmp_path / "bin", environ)
    monkeypatch.setenv("PATH", environ["PATH"])
    monkeypatch.delenv("KUBECONFORM", raising=False)
    return tmp_path


@pytest.fixture
def real_binary(monkeypatch):
    """The real kubeconform, or a loud skip (a failure with CI=true)."""
    if REAL_BINARY is None:
        missing("no kubeconform binary: `nox -s tests` builds it (noxfile.py GO_TOOLS)")
    if real_is_replay():
        pytest.fail("the kubeconform on PATH is the replay stand-in", pytrace=False)
    return REAL_BINARY


def real_is_replay() -> bool:
    with open(REAL_BINARY, "rb") as handle:  # A script that runs the replay names it early.
        return b"kubeconform_replay" in handle.read(4096)


def _comparable(findings):
    return sorted((f.path, f.line, f.column, f.rule, f.severity, f.message) for f in findings)


def _where(findings, name):
    return sorted((f.line, f.rule) for f in findings if f.path.endswith(name))


def test_command_line_is_strict_json_verbose_ordered_local_and_versioned():
    command = kubeconform.build_command("kc", "1.35", "/c/{{ .ResourceKind }}.json", ["a.yaml"])
    assert command == [
        "kc", "-strict", "-output", "json", "-verbose", "-n", "1",
        "-schema-location", "/c/{{ .ResourceKind }}.json", "-kubernetes-version", "1.35.0",
        "a.yaml",
    ]  # fmt: skip


@pytest.mark.slow
def test_each_version_runs_with_the_cache_template(replay, monkeypatch):
    argv = replay / "argv.jsonl"
    monkeypatch.setenv("REPLAY_KUBECONFORM_ARGV", str(argv))
    result = run(FIXTURES / "valid", engine="kubeconform")
    assert result.fatal is None and result.findings == []
    runs = [json.loads(line) for line in argv.read_text().splitlines()]
    location = kubeconform_location(ensure_cache(VERSIONS, REPO))
    assert sorted(r[r.index("-kubernetes-version") + 1] for r in runs) == [
        f"{v}.0" for v in VERSIONS
    ]
    for recorded in runs:
        assert recorded[:9] == [
            "-strict", "-output", "json", "-verbose", "-n", "1", "-schema-location", location,
            "-kubernetes-version",
        ]  # fmt: skip
        assert recorded[10] == str(REPO / "tests/fixtures/kubernetes/valid/app.yaml")
    first = result.checked_by["tests/fixtures/kubernetes/valid/app.yaml"][0]
    assert first.label == "kubeconform (Kubernetes 1.33–1.37, strict)"


def test_msg_tree_leaves_are_the_errors_not_validation_errors():
    """kubeconform's validationErrors hold only "/spec: validation failed"; msg has the rest."""
    (report,) = _recorded("many-errors.yaml")
    assert report["status"] == kubeconform.STATUS_INVALID
    assert {"path": "/spec", "msg": "validation failed"} in report["validationErrors"]
    leaves = kubeconform.parse_tree(report["msg"])
    assert sorted(leaves) == [
        ("/metadata/labels/tier", "got number, want null or string"),
        ("/spec/replicas", "got string, want null or integer"),
        ("/spec/template/spec/containers/0", "additional properties 'port' not allowed"),
        ("/spec/template/spec/containers/0/resources", "additional properties 'limit' not allowed"),
        ("/spec/template/spec/containers/1/ports/0", "missing property 'containerPort'"),
        # A Quantity is oneOf string or number: the node is the error, not its alternatives.
        ("/spec/template/spec/containers/1/resources/requests/memory",
         "oneOf failed, none matched"),
        ("/spec/template/spec/dnsPolicy", "got array, want null or string"),
    ]  # fmt: skip


def test_msg_tree_in_another_order_has_the_same_leaves():
    """The causes' order changes between runs: reverse the top-level causes of a real msg."""
    (report,) = _recorded("many-errors.yaml")
    head, _, body = report["msg"].partition(" - at ")
    top = re.split(r"(?<=\S) (?=- at ')", "- at " + body)  # depth 0: one space before "-"
    assert len(top) >= 2
    reordered = head + " " + " ".join(reversed(top))
    assert sorted(kubeconform.parse_tree(reordered)) == sorted(
        kubeconform.parse_tree(report["msg"])
    )


def test_integers_kubeconform_calls_number_are_integers():
    recorded = RECORDING["files"]["tests/fixtures/kubernetes/schema/configmap-nonstring.yaml"]
    (report,) = recorded["reports"]["1.35"]
    assert "got number" in report["msg"]
    (result,) = kubeconform.parse_output(json.dumps({"resources": [report | {"filename": "x"}]}))
    data = load(FIXTURES / "schema" / "configmap-nonstring.yaml")[0].data
    messages = [v.message for v in kubeconform.violations_of(result, data)]
    assert messages and all(m.endswith("got integer") for m in messages), messages


def test_quoted_names_are_unescaped():
    data = {"metadata": {"it's": 1}}
    (violation,) = kubeconform.violation_from(
        "/metadata", "additional properties 'it\\'s' not allowed", data
    )
    assert violation.key == "it's"
    tree = "jsonschema validation failed with 'x#' - at '/data/it\\'s': got number, want string"
    assert kubeconform.parse_tree(tree) == [("/data/it's", "got number, want string")]


def test_a_msg_without_a_tree_falls_back_to_validation_errors():
    # kubeconform before jsonschema/v6 (0.6): msg is one sentence, validationErrors the leaves.
    error = {"path": "/spec", "msg": "additional property 'x' not allowed"}
    report = {"filename": "x", "kind": "Pod", "name": "p", "version": "v1",
              "status": "statusInvalid", "msg": "Additional property x is not allowed",
              "validationErrors": [error]}  # fmt: skip
    (result,) = kubeconform.parse_output(json.dumps({"resources": [report]}))
    assert kubeconform.parse_tree(result.msg) is None
    (violation,) = kubeconform.violations_of(result, {"spec": {"x": 1}})
    assert (violation.rule.id, violation.key) == ("k8s-schema-unknown-field", "x")


def test_empty_report_means_all_valid():
    assert kubeconform.parse_output('{\n  "resources": []\n}\n') == []


@pytest.mark.parametrize(
    ("pointer", "msg", "rule", "text"),
    [
        ("/spec", "additional properties 'templates' not allowed", "k8s-schema-unknown-field",
         'unknown field "templates" in spec'),
        ("/spec", "additionalProperties 'templates' not allowed", "k8s-schema-unknown-field",
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
        ("/spec/replicas", "must be >= 0 but found -1", "k8s-schema-invalid",
         "spec.replicas: must be >= 0 but found -1"),
    ],
)  # fmt: skip
def test_kubeconform_wordings_map_to_our_rules(pointer, msg, rule, text):
    data = {"spec": {"replicas": "3", "ports": [{"targetPort": []}]}, "kind": "Deploy"}
    (violation,) = kubeconform.violation_from(pointer, msg, data)
    assert violation.rule.id == rule
    assert violation.message.startswith(text)


@pytest.mark.parametrize("bad", ["", "not json", "[]", '{"resources": {}}', '{"resources": [1]}'])
def test_garbage_report_is_a_failure_not_a_pass(bad):
    with pytest.raises(kubeconform.KubeconformFailed):
        kubeconform.parse_output(bad)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("crash", "exited with status 2: kubeconform replay: panic"),
     ("garbage", "printed no JSON report")],
)  # fmt: skip
def test_crash_and_garbage_output_make_the_run_fatal(replay, monkeypatch, mode, expected):
    monkeypatch.setenv("REPLAY_KUBECONFORM_MODE", mode)
    result = run(FIXTURES / "valid", engine="auto")
    assert result.fatal is not None and expected in result.fatal


def test_timeout_makes_the_run_fatal(replay, monkeypatch):
    monkeypatch.setenv("REPLAY_KUBECONFORM_MODE", "sleep")
    monkeypatch.setenv("EXAMPLECHECK_KUBECONFORM_TIMEOUT", "1")
    result = run(FIXTURES / "valid", engine="kubeconform")
    assert result.fatal == "kubeconform timed out after 1s"


def test_a_file_without_recording_fails_the_replay(replay, tmp_path):
    path = tmp_path / "new.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new\n", "utf-8")
    result = run(path, engine="kubeconform", root=tmp_path)
    assert result.fatal and "no recording of" in result.fatal


def test_requested_kubeconform_without_binary_is_fatal(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("KUBECONFORM", raising=False)
    result = run(FIXTURES / "valid", engine="kubeconform")
    assert result.fatal and "kubeconform not found" in result.fatal
    assert run(FIXTURES / "valid", engine="auto").fatal is None  # auto falls back in-process.


def test_binary_named_by_environment(replay, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("KUBECONFORM", str(replay / "bin" / "kubeconform"))
    assert kubeconform.find_binary() == str(replay / "bin" / "kubeconform")


def test_status_error_becomes_a_tool_error_finding(replay):
    """kubeconform -strict refuses a duplicate key (yamllint reports it on real examples)."""
    assert _recorded("duplicate-key.yaml")[1]["status"] == kubeconform.STATUS_ERROR
    assert "line 8: key" in _recorded("duplicate-key.yaml")[1]["msg"]  # Counted from "---".
    result = run(OURS / "duplicate-key.yaml", engine="kubeconform")
    assert [(f.line, f.rule, f.tool) for f in result.findings] == [
        (16, "k8s-schema-tool-error", "kubeconform")
    ]
    assert 'key "mode" already set in map' in result.findings[0].message
    assert run(OURS / "duplicate-key.yaml", engine="builtin").findings == []


def test_results_that_do_not_line_up_are_a_tool_error_not_a_guess(replay):
    """kubeconform never sees the document on the '---' line: say so on that document."""
    assert [r["name"] for r in _recorded("separator-line-content.yaml")] == ["first"]
    result = run(OURS / "separator-line-content.yaml", engine="kubeconform")
    assert [(f.line, f.rule) for f in result.findings] == [(6, "k8s-schema-tool-error")]
    assert "do not line up" in result.findings[0].message
    assert _where(run(OURS / "separator-line-content.yaml").findings, "content.yaml") == [
        (6, "k8s-schema-type")
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # The second "settings" ConfigMap is the invalid one, not the first.
        ("same-name-twice.yaml", [(15, "k8s-schema-type")]),
        # A List's items are two results in kubeconform's report (both valid); the Deployment after.
        ("list-then-deployment.yaml", [(23, "k8s-schema-type")]),
        # A comment-only document takes no place; a mapping without kind takes one.
        ("gaps.yaml", [(11, "k8s-not-a-resource"), (18, "k8s-schema-type")]),
        ("crlf.yaml", [(18, "k8s-schema-unknown-field"), (25, "k8s-schema-type")]),
        (
            "bom.yaml",
            [
                (5, "k8s-schema-unknown-field"),
                (9, "k8s-service-selects-nothing"),
                (11, "k8s-schema-type"),
            ],
        ),
        ("generate-name.yaml", [(7, "k8s-schema-type")]),
    ],
)
def test_each_result_lands_on_its_own_document(replay, name, expected):
    result = run(OURS / name, engine="kubeconform")
    assert result.fatal is None
    assert _where(result.findings, name) == expected
    assert _comparable(result.findings) == _comparable(run(OURS / name).findings)


def test_crlf_and_bom_fixtures_are_what_they_say():
    assert (OURS / "crlf.yaml").read_bytes().count(b"\r\n") == 25
    assert (OURS / "bom.yaml").read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.slow
def test_both_engines_report_the_same_findings(replay):
    """Every fixture at once (one kubeconform run per version): same rules, lines, messages."""
    builtin = run(*AGREEMENT_INPUTS, engine="builtin")
    external = run(*AGREEMENT_INPUTS, engine="kubeconform")
    assert builtin.fatal is None and external.fatal is None
    assert _comparable(builtin.findings) == _comparable(external.findings)
    schema_rules = {f.rule for f in external.findings if f.tool == "kubeconform"}
    assert {"k8s-schema-type", "k8s-schema-unknown-field", "k8s-schema-required",
            "k8s-schema-invalid"} <= schema_rules  # fmt: skip
    assert len(external.findings) >= 60  # Every fixture's finding is in the comparison.
    print(f"kubeconform (recorded) agrees with the in-process engine: {len(external.findings)}")


def _document(display: str, text: str) -> YamlDocument:
    return YamlDocument(SourceText(display, text), 0, yaml.safe_load(text), 1)


def test_documents_not_on_disk_are_written_for_kubeconform(replay):
    document = _document("docs/page.md#block-1", (OURS / "page-block.yaml").read_text("utf-8"))
    result = check_kubernetes([document], versions=VERSIONS, root=REPO, engine="kubeconform")
    assert [(f.rule, f.line) for f in result.findings] == [("k8s-schema-type", 7)]


def test_rendered_text_is_checked_not_the_file_on_disk(replay):
    """A Helm template's display path exists, but kubeconform must see the rendered text."""
    rendered = (OURS / "jobs-rendered.yaml").read_text("utf-8")  # valid/jobs.yaml, schedule: 5
    document = _document("tests/fixtures/kubernetes/valid/jobs.yaml", rendered)
    result = check_kubernetes([document], versions=VERSIONS, root=REPO, engine="kubeconform")
    assert ("k8s-schema-type", 6) in [(f.rule, f.line) for f in result.findings]


def test_two_renders_of_one_template_are_two_files_for_kubeconform(replay):
    on_disk = (FIXTURES / "valid" / "jobs.yaml").read_text("utf-8")
    rendered = (OURS / "jobs-rendered.yaml").read_text("utf-8")
    display = "tests/fixtures/kubernetes/valid/jobs.yaml"
    documents = [_document(display, on_disk), _document(display, rendered)]
    result = check_kubernetes(documents, versions=VERSIONS, root=REPO, engine="kubeconform")
    assert [(f.rule, f.line) for f in result.findings if f.tool == "kubeconform"] == [
        ("k8s-schema-type", 6)
    ]


@pytest.mark.slow
def test_real_kubeconform_agrees_with_the_builtin_engine(real_binary, monkeypatch):
    """The real binary: the same findings at the same places, no tool errors.

    This also proves kubeconform resolves the offline copy's references without the network:
    an unresolved reference makes kubeconform report the resource as an error.
    """
    monkeypatch.setenv("KUBECONFORM", real_binary)
    corpus = [p for p in sorted((REPO / "tests/corpus/valid").iterdir()) if p.is_dir()]
    inputs = [*AGREEMENT_INPUTS, *(p for p in corpus if list(p.glob("*.yaml")))]
    builtin = run(*inputs, engine="builtin")
    external = run(*inputs, engine="kubeconform")
    assert external.fatal is None
    assert [f for f in external.findings if f.rule == "k8s-schema-tool-error"] == []
    assert _comparable(external.findings) == _comparable(builtin.findings)
    print(f"kubeconform ({real_binary}) agrees on {len(external.findings)} findings")


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(p.name for p in DISAGREE))
def test_real_kubeconform_disagrees_only_where_said(real_binary, monkeypatch, name):
    monkeypatch.setenv("KUBECONFORM", real_binary)
    external = run(OURS / name, engine="kubeconform").findings
    assert [f.rule for f in external] == ["k8s-schema-tool-error"]


@pytest.mark.slow
def test_recording_is_what_the_real_binary_prints(real_binary, monkeypatch):
    """A stale recording would make the replayed tests test an old kubeconform."""
    monkeypatch.setenv("KUBECONFORM", real_binary)
    fresh = record_kubeconform.record(real_binary)
    assert record_kubeconform.differences(RECORDING, fresh) == []
    assert RECORDING["recorded_with"] == record_kubeconform.pinned_module()
