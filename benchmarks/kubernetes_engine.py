"""Documents per second: our in-process Kubernetes engine vs kubernetes_validate (and kubeconform).

Run: ``python benchmarks/kubernetes_engine.py [--documents N] [--sample N]``

One run generates a corpus of valid manifests (Deployments, Services, ConfigMaps, Secrets,
Ingresses, CronJobs, PVCs, HPAs, PDBs) as multi-document files, then times on one core:

* ours, end to end: read + parse (PyYAML C loader via examplecheck.yamlload) + strict schema
  validation for every configured version + API-server and set rules + line mapping of the
  failing documents (a share of broken documents makes line mapping part of the figure);
* kubernetes_validate.validate(strict=True) for ONE version on already-parsed documents,
  over a sample of the corpus (it runs at about 100 documents/s, so the full corpus would
  take minutes) -- a figure that flatters it: no parsing, one version instead of five;
* kubeconform, when the binary is on PATH or named by $KUBECONFORM: the same files, ``-n 1``,
  once per configured version (wall time of the child processes).

In-process figures use this process's CPU time (``time.process_time``), so that other load on
a shared machine does not decide them; the process is pinned to one core.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from examplecheck import settings  # noqa: E402
from examplecheck.kubernetes.check import check_kubernetes  # noqa: E402
from examplecheck.kubernetes.engines import kubeconform  # noqa: E402
from examplecheck.kubernetes.engines.schemas import ensure_cache, kubeconform_location  # noqa: E402
from examplecheck.yamlload import load_yaml  # noqa: E402

DOCS_PER_FILE = 10


def _workload(i: int, rng: random.Random) -> list[str]:
    app = f"app{i}"
    port = rng.choice([80, 8080, 3000, 5000])
    deployment = f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {app}
  labels:
    app.kubernetes.io/name: {app}
spec:
  replicas: {rng.randint(1, 5)}
  selector:
    matchLabels:
      app.kubernetes.io/name: {app}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {app}
    spec:
      securityContext:
        runAsNonRoot: true
      containers:
        - name: {app}
          image: registry.example.com/{app}:1.{i % 10}.0
          ports:
            - containerPort: {port}
              name: http
          envFrom:
            - configMapRef:
                name: {app}-config
          env:
            - name: PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {app}-secret
                  key: password
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              cpu: 500m
              memory: 256Mi
          volumeMounts:
            - name: data
              mountPath: /data
      volumes:
        - name: data
          persistentVolumeClaim:
            claimName: {app}-data
"""
    service = f"""apiVersion: v1
kind: Service
metadata:
  name: {app}
spec:
  selector:
    app.kubernetes.io/name: {app}
  ports:
    - name: http
      port: 80
      targetPort: http
"""
    config = f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: {app}-config
data:
  LOG_LEVEL: info
  FEATURE_X: "true"
"""
    secret = f"""apiVersion: v1
kind: Secret
metadata:
  name: {app}-secret
type: Opaque
data:
  password: c2VjcmV0
"""
    pvc = f"""apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {app}-data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
"""
    ingress = f"""apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {app}
spec:
  rules:
    - host: {app}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {app}
                port:
                  number: 80
"""
    hpa = f"""apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {app}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {app}
  minReplicas: 1
  maxReplicas: 5
"""
    pdb = f"""apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {app}
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: {app}
"""
    cronjob = f"""apiVersion: batch/v1
kind: CronJob
metadata:
  name: {app}-report
spec:
  schedule: "*/30 * * * *"
  timeZone: Asia/Seoul
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          securityContext:
            runAsNonRoot: true
            runAsUser: 65534
          containers:
            - name: report
              image: busybox:1.37
              resources:
                requests:
                  cpu: 10m
                  memory: 16Mi
                limits:
                  memory: 32Mi
"""
    namespace = f"""apiVersion: v1
kind: Namespace
metadata:
  name: team-{app}
"""
    return [deployment, service, config, secret, pvc, ingress, hpa, pdb, cronjob, namespace]


def _broken(text: str) -> str:
    """A schema error deep in the document, so its line must be mapped."""
    return text.replace("  replicas:", "  replicas: x\n  replicaz:", 1).replace(
        "replicas: x\n  replicaz:", "replicaz:", 1
    )


def generate(folder: Path, documents: int, broken_share: float) -> list[Path]:
    rng = random.Random(42)
    files = []
    for i in range(max(1, documents // DOCS_PER_FILE)):
        docs = _workload(i, rng)
        if rng.random() < broken_share:
            docs[0] = _broken(docs[0])
        # One folder per workload: that is the example set its references resolve in.
        path = folder / f"set{i:05d}" / "all.yaml"
        path.parent.mkdir()
        path.write_text("---\n".join(docs), "utf-8")
        files.append(path)
    return files


def versions() -> list[str]:
    return settings.data_of(ROOT, "versions")["kubernetes"]


def time_parse_floor(files: list[Path]) -> tuple[int, float]:
    """PyYAML's C loader alone on the same files: the floor any Python checker stands on."""
    start = time.process_time()
    count = 0
    for path in files:
        count += sum(1 for d in yaml.load_all(path.read_text("utf-8"), yaml.CSafeLoader) if d)
    return count, time.process_time() - start


def time_safe_loader(files: list[Path], corpus: Path) -> float:
    """examplecheck.yamlload alone: the loader every check shares (size, alias, depth guards)."""
    start = time.process_time()
    for path in files:
        load_yaml(path, path.relative_to(corpus).as_posix())
    return time.process_time() - start


def time_ours(files: list[Path], corpus: Path, configured: list[str]) -> tuple[int, float, int]:
    start = time.process_time()
    documents = []
    for path in files:
        documents.extend(load_yaml(path, path.relative_to(corpus).as_posix()).documents)
    result = check_kubernetes(documents, versions=configured, root=ROOT, engine="builtin")
    elapsed = time.process_time() - start
    assert result.fatal is None, result.fatal
    return len(documents), elapsed, len(result.findings)


def time_kubernetes_validate(files: list[Path], sample: int, version: str) -> tuple[int, float]:
    import kubernetes_validate

    documents = []
    for path in files:
        documents.extend(d for d in yaml.safe_load_all(path.read_text("utf-8")) if d)
        if len(documents) >= sample:
            break
    documents = documents[:sample]
    start = time.process_time()
    for document in documents:
        with contextlib.suppress(kubernetes_validate.ValidationError):
            kubernetes_validate.validate(document, version, strict=True)
    return len(documents), time.process_time() - start


def time_kubeconform(binary: str, files: list[Path], configured: list[str]) -> float:
    location = kubeconform_location(ensure_cache(configured, ROOT))
    start = time.perf_counter()
    for version in configured:
        command = kubeconform.build_command(binary, version, location, [str(f) for f in files])
        subprocess.run([command[0], "-n", "1", *command[1:]], capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=6000)
    parser.add_argument("--sample", type=int, default=300, help="kubernetes_validate sample")
    parser.add_argument("--broken", type=float, default=0.02, help="share of broken workloads")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best counts")
    args = parser.parse_args()
    if args.documents < 5000:
        parser.error("the benchmark needs a corpus of at least 5,000 documents")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # One core, as the target says.
    configured = versions()
    with tempfile.TemporaryDirectory(prefix="k8s-bench-") as tmp:
        corpus = Path(tmp)
        files = generate(corpus, args.documents, args.broken)
        ensure_cache(configured, ROOT)  # Derived once per installation, not per run.
        # Best of --repeat runs, as timeit does: the least disturbed run is the truest figure.
        parsed, parse_elapsed = min(time_parse_floor(files) for _ in range(args.repeat))
        safe_elapsed = min(time_safe_loader(files, corpus) for _ in range(args.repeat))
        count, cold, findings = time_ours(files, corpus, configured)
        elapsed = min(time_ours(files, corpus, configured)[1] for _ in range(args.repeat))
        ours = count / elapsed
        print(f"corpus: {count:,} documents in {len(files):,} files, {findings} findings")
        print(
            f"PyYAML CSafeLoader alone (the floor): {parsed / parse_elapsed:,.0f} documents/s "
            f"({parse_elapsed:.2f}s)"
        )
        print(
            f"examplecheck.yamlload.load_yaml alone (the shared safe loader): "
            f"{parsed / safe_elapsed:,.0f} documents/s ({safe_elapsed:.2f}s)"
        )
        scope = f"parse, strict schema x {len(configured)} versions, API + set rules, line mapping"
        print(
            f"examplecheck in-process engine, end to end ({scope}): "
            f"{ours:,.0f} documents/s ({elapsed:.2f}s, best of {args.repeat}); first run in a "
            f"process, compiling the validators: {count / cold:,.0f} documents/s ({cold:.2f}s)"
        )
        sampled, kv_elapsed = time_kubernetes_validate(files, args.sample, configured[-1])
        theirs = sampled / kv_elapsed
        print(
            f"kubernetes_validate.validate (strict, 1 version, pre-parsed, one run over a sample "
            f"of {sampled:,} documents): {theirs:,.0f} documents/s ({kv_elapsed:.2f}s)"
        )
        print(f"ratio: {ours / theirs:,.1f}x")
        binary = kubeconform.find_binary()
        if binary:
            kc_elapsed = time_kubeconform(binary, files, configured)
            print(
                f"kubeconform (-n 1, {len(configured)} versions): "
                f"{count / kc_elapsed:,.0f} documents/s ({kc_elapsed:.2f}s)"
            )
        else:
            print("kubeconform: not installed here (set KUBECONFORM or put it on PATH)")


if __name__ == "__main__":
    main()
