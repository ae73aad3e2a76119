"""A stand-in for kubeconform where the binary cannot run: it plays back recorded reports.

Nothing here validates anything. tools/record_kubeconform.py ran the real kubeconform v0.7.0
with the checker's command line over the fixtures and kept, per file (by SHA-256) and
Kubernetes version, the resources it printed (tests/fixtures/kubernetes/kubeconform/
recorded.json). This script takes that same command line and prints those resources for
the files it is given, as one ``-output json`` report, with kubeconform's exit status. A
file that was not recorded is an error (exit 3), never a pass.

REPLAY_KUBECONFORM_MODE=sleep|crash|garbage makes it misbehave, for the wrapper's failure
paths (the real binary cannot be made to); REPLAY_KUBECONFORM_ARGV=<file> gets each run's
argv as a line.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path

RECORDING = Path(__file__).parent / "fixtures" / "kubernetes" / "kubeconform" / "recorded.json"
SCHEMAS = "{schemas}"
# The flags the recording was made with; other command lines would print other reports.
REQUIRED = {"-strict": None, "-output": "json", "-verbose": None, "-n": "1"}


def fail(message: str, status: int) -> None:
    sys.stderr.write(f"kubeconform replay: {message}\n")
    sys.exit(status)


def parse_args(args: list[str]) -> tuple[dict[str, str | None], list[str]]:
    flags: dict[str, str | None] = {}
    files: list[str] = []
    with_value = {"-output", "-n", "-schema-location", "-kubernetes-version"}
    while args:
        arg = args.pop(0)
        if arg in with_value and args:
            flags[arg] = args.pop(0)
        elif arg in ("-strict", "-verbose"):
            flags[arg] = None
        elif arg.startswith("-"):
            fail(f"flag provided but not defined: {arg}", 1)
        else:
            files.append(arg)
    for flag, value in REQUIRED.items():
        if flag not in flags or flags[flag] != value:
            fail(f"the recording was made with {flag} {value or ''}".rstrip(), 2)
    return flags, files


def main() -> None:
    mode = os.environ.get("REPLAY_KUBECONFORM_MODE", "")
    if os.environ.get("REPLAY_KUBECONFORM_ARGV"):  # One line per run: runs go side by side.
        with Path(os.environ["REPLAY_KUBECONFORM_ARGV"]).open("a", encoding="utf-8") as out:
            out.write(json.dumps(sys.argv[1:]) + "\n")
    if mode == "sleep":
        time.sleep(30)
    if mode == "crash":
        fail("panic: runtime error: invalid memory address", 2)
    if mode == "garbage":
        print("fixtures/x.yaml - Deployment web is invalid: something")
        sys.exit(1)
    flags, files = parse_args(sys.argv[1:])
    version = (flags.get("-kubernetes-version") or "").removesuffix(".0")
    location = flags.get("-schema-location") or ""
    # The template's folder part: <cache>/{{ .NormalizedKubernetesVersion }}-local...
    cache = Path(location.split("{{", 1)[0])
    schemas = (cache / f"v{version}.0-local-strict").resolve().as_uri()
    by_digest = {
        entry["sha256"]: (name, entry)
        for name, entry in json.loads(RECORDING.read_text("utf-8"))["files"].items()
    }
    resources = []
    for filename in files:
        digest = hashlib.sha256(Path(filename).read_bytes()).hexdigest()
        if digest not in by_digest:
            fail(
                f"no recording of {filename} (sha256 {digest[:12]}); run tools/record_kubeconform",
                3,
            )
        name, entry = by_digest[digest]
        if version not in entry["reports"]:
            fail(f"{name} was not recorded for Kubernetes {version}", 3)
        for item in entry["reports"][version]:
            replayed = {"filename": filename, **item}
            replayed["msg"] = item.get("msg", "").replace(SCHEMAS, schemas)
            resources.append(replayed)
    print(json.dumps({"resources": resources}, indent=2))
    failed = any(r["status"] in ("statusInvalid", "statusError") for r in resources)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
