"""Record what the real kubeconform prints for the test fixtures, for tests that replay it.

    python -m tools.record_kubeconform            # (re)write the recording
    python -m tools.record_kubeconform --check    # exit 1 if the binary now says otherwise

Runs the pinned kubeconform (noxfile.py GO_TOOLS; found as the checker finds it: $KUBECONFORM
or PATH, e.g. .nox/tests/bin after `nox -s tests`) with the checker's own command line over
every fixture under RECORDED, once per Kubernetes version in conf/versions.yaml, and keeps
each file's resources, keyed by the file's SHA-256. tests/kubeconform_replay.py plays them
back where no binary runs. The cache folder in messages becomes ``{schemas}``.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

from examplecheck import settings

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "kubernetes"
RECORDED = [FIXTURES / name for name in ("schema", "api", "sets", "valid", "practices", "custom")]
RECORDED.append(FIXTURES / "kubeconform")
RECORDING = FIXTURES / "kubeconform" / "recorded.json"
SCHEMAS = "{schemas}"
_SCHEMA_URI = re.compile(r"file://[^']*?/(v\d+\.\d+\.\d+-local-strict)/")


def pinned_module(name: str = "kubeconform") -> str:
    """GO_TOOLS[name] of noxfile.py, read without importing nox."""
    tree = ast.parse((ROOT / "noxfile.py").read_text("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "GO_TOOLS" for t in node.targets
        ):
            return ast.literal_eval(node.value)[name]
    raise SystemExit("noxfile.py has no GO_TOOLS")


def inputs() -> list[Path]:
    return sorted(p for folder in RECORDED for p in folder.rglob("*.yaml"))


def versions() -> list[str]:
    return list(settings.data_of(ROOT, "versions")["kubernetes"])


def built_version(binary: str) -> str | None:
    """The module version Go stamped into the binary (`go version -m`), if Go can tell."""
    try:
        done = subprocess.run(
            ["go", "version", "-m", binary], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    for line in done.stdout.splitlines():
        fields = line.split()
        if fields[:2] == ["mod", "github.com/yannh/kubeconform"] and len(fields) > 2:
            return fields[2]
    return None


def record(binary: str) -> dict:
    from examplecheck.kubernetes.engines import kubeconform
    from examplecheck.kubernetes.engines.schemas import ensure_cache, kubeconform_location

    files = inputs()
    location = kubeconform_location(ensure_cache(versions(), ROOT))
    recorded: dict[str, dict] = {
        p.relative_to(ROOT).as_posix(): {
            "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
            "reports": {},
        }
        for p in files
    }
    for version in versions():
        command = kubeconform.build_command(binary, version, location, [str(p) for p in files])
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode not in (0, 1):
            raise SystemExit(f"kubeconform exited with {done.returncode}: {done.stderr[:300]}")
        for item in json.loads(done.stdout)["resources"]:
            name = Path(item.pop("filename")).relative_to(ROOT).as_posix()
            item["msg"] = _SCHEMA_URI.sub(SCHEMAS + "/", item.get("msg", ""))
            recorded[name]["reports"].setdefault(version, []).append(item)
    return {
        "recorded_with": pinned_module(),
        "command": "kubeconform -strict -output json -verbose -n 1 -schema-location "
        "<cache>/" + location.rsplit("/", 2)[-2] + "/... -kubernetes-version X.Y.0 FILES",
        "files": recorded,
    }


def comparable(report: list[dict]) -> list[tuple]:
    """A file's results with the error tree's leaves as a set: kubeconform's order varies."""
    from examplecheck.kubernetes.engines.kubeconform import parse_tree

    out = []
    for item in report:
        leaves = parse_tree(item.get("msg", ""))
        detail = sorted(leaves) if leaves is not None else item.get("msg", "")
        out.append((item["kind"], item["name"], item["version"], item["status"], str(detail)))
    return out


def differences(old: dict, new: dict) -> list[str]:
    found = []
    if old.get("recorded_with") != new["recorded_with"]:
        found.append(f"recorded with {old.get('recorded_with')}, pinned {new['recorded_with']}")
    for name in sorted(set(old.get("files", {})) | set(new["files"])):
        was, now = old.get("files", {}).get(name), new["files"].get(name)
        if was is None or now is None:
            found.append(f"{name}: {'not recorded' if was is None else 'no longer a fixture'}")
        elif was["sha256"] != now["sha256"]:
            found.append(f"{name}: the file changed since it was recorded")
        else:
            for version in sorted(set(was["reports"]) | set(now["reports"])):
                before = comparable(was["reports"].get(version, []))
                if before != comparable(now["reports"].get(version, [])):
                    found.append(f"{name}: kubeconform now reports otherwise for {version}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from examplecheck.kubernetes.engines.kubeconform import find_binary

    binary = find_binary()
    if binary is None:
        print("no kubeconform binary: run `nox -s tests` (it installs it) or set KUBECONFORM")
        return 2
    pinned = pinned_module().rpartition("@")[2]
    built = built_version(binary)
    if built not in (pinned, None):
        print(f"{binary} is kubeconform {built}; noxfile.py pins {pinned}")
        return 2
    new = record(binary)
    if args.check:
        old = json.loads(RECORDING.read_text("utf-8")) if RECORDING.is_file() else {}
        problems = differences(old, new)
        for problem in problems:
            print(problem)
        print(f"{len(new['files'])} files: {len(problems)} differences from {RECORDING.name}")
        return 1 if problems else 0
    RECORDING.write_text(json.dumps(new, indent=1, ensure_ascii=False) + "\n", "utf-8")
    count = sum(len(f["reports"]) for f in new["files"].values())
    print(f"recorded {len(new['files'])} files ({count} file-version reports) in {RECORDING}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
