"""The server path on example sets: the real ones pass, a broken one is rejected on its line."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tools.apiserver_check import ServerCheck
from tools.cluster_dry_run import find_sets

ROOT = Path(__file__).resolve().parents[2]

BROKEN = textwrap.dedent(
    """\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: twins
    spec:
      selector:
        matchLabels: {app: twins}
      template:
        metadata:
          labels: {app: twins}
        spec:
          containers:
            - name: app
              image: nginx:1.27
            - name: app
              image: nginx:1.27
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: twins
    spec:
      type: NodePort
      selector: {app: twins}
      ports:
        - port: 80
          nodePort: 80
    """
)


def test_every_real_example_set_is_accepted(served, tmp_path: Path) -> None:
    sets = find_sets(ROOT)
    assert len(sets) >= 10
    for example_set in sets:
        result = served.check.check(example_set, tmp_path)
        errors = [f for f in result.findings if f.severity == "error"]
        assert result.kubectl_ok and not errors, (example_set.name, result.kubectl_output, errors)


def test_a_broken_set_is_rejected_on_the_lines_of_its_fields(served, tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "examples" / "broken").mkdir(parents=True)
    (root / "examples" / "broken" / "app.yaml").write_text(BROKEN, "utf-8")
    check = ServerCheck(served.client, served.kubectl, "kube-apiserver", root)
    [example_set] = find_sets(root)
    result = check.check(example_set, tmp_path / "work")
    where = {(f.line, f.rule) for f in result.findings if f.severity == "error"}
    # the second container's name (a dry run says so), the node port (only a real create does)
    assert where == {(15, "k8s-apiserver"), (27, "k8s-apiserver")}, result.findings
    assert not result.kubectl_ok  # the reader's kubectl apply --dry-run=server fails too
    assert all(f.path == "examples/broken/app.yaml" for f in result.findings)
