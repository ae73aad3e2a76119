"""Hostile and odd inputs through the real CLI: each gives a clear finding in bounded memory,
never a traceback or a hang.

Every case runs ``python -m examplecheck FILE --format json`` in a child process; the child's
own peak RSS comes from ``os.wait4`` (the rusage of exactly that child, not of every child
the test session ever had). The child is started by a small launcher process, not by the test
process itself: Linux carries a process's peak RSS across fork and exec, so a child forked from
a pytest process of 500 MB would report 500 MB before it ran a line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_SECONDS = 20  # the child is killed after this: a hang fails, it does not block CI
MAX_RSS_MB = 500

_MANIFEST_WITH_TYPO = (
    "apiVersion: v1\n"
    "kind: ConfigMap\n"
    "metadata:\n"
    "  name: odd-input\n"
    "  lables:\n"  # line 5: the unknown field the checker must still find
    "    app: web\n"
    "data:\n"
    "  key: value\n"
)


def _billion_laughs() -> bytes:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


def _fifty_megabytes() -> bytes:
    line = b"key-%07d: some value to fill the file up\n"
    return b"".join(line % i for i in range(1_250_000))  # about 52 MB


def _deep_block_mapping() -> bytes:
    # 1,500 levels with one-space indentation stays near 1 MB, under the size limit.
    lines = ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: deep", "data:"]
    lines += [" " * (level + 1) + f"k{level}:" for level in range(1500)]
    return ("\n".join(lines) + " v\n").encode()


@dataclass(frozen=True)
class Case:
    name: str
    filename: str  # relative to the case's tmp folder
    content: Callable[[], bytes]
    # (rule, line) pairs that must all be reported on the file; line None = any line.
    expected: tuple[tuple[str, int | None], ...]


CASES = [
    Case("alias-bomb", "bomb.yaml", _billion_laughs, (("yaml-alias-limit", 1),)),
    Case("fifty-megabytes", "big.yaml", _fifty_megabytes, (("file-too-large", 0),)),
    Case(
        "invalid-utf8",
        "latin1.yaml",
        lambda: _MANIFEST_WITH_TYPO.replace("value", "caf\xe9").encode("latin-1"),
        (("file-encoding", 8),),
    ),
    Case("binary-named-yaml", "image.yaml", lambda: bytes(range(256)) * 64, (("file-binary", 1),)),
    Case(
        "binary-without-nul",
        "noise.yaml",
        lambda: bytes(range(128, 256)) * 64,
        (("file-encoding", 1),),
    ),
    Case("empty", "empty.yaml", lambda: b"", (("file-empty", 0),)),
    Case("whitespace-only", "blank.yaml", lambda: b"\n  \n\t\n", (("file-empty", 0),)),
    Case(
        "only-comments",
        "comments.yaml",
        lambda: b"# a manifest will go here\n# one day\n",
        (("file-empty", None),),
    ),
    # A list is not an object kubectl can apply ("cannot unmarshal array"): say so.
    Case(
        "document-is-a-list",
        "list.yaml",
        lambda: b"- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: x\n",
        (("yaml-not-a-mapping", 1),),
    ),
    Case(
        "document-is-a-scalar",
        "scalar.yaml",
        lambda: b"just a sentence, not a manifest\n",
        (("yaml-not-a-mapping", 1),),
    ),
    Case(
        "crlf-line-endings",
        "crlf.yaml",
        lambda: _MANIFEST_WITH_TYPO.replace("\n", "\r\n").encode(),
        (("yamllint-new-lines", 1), ("k8s-schema-unknown-field", 5)),
    ),
    # The BOM is decoded away; what matters is that the file is still checked, lines intact.
    Case(
        "utf8-bom",
        "bom.yaml",
        lambda: b"\xef\xbb\xbf" + _MANIFEST_WITH_TYPO.encode(),
        (("k8s-schema-unknown-field", 5),),
    ),
    Case(
        "deep-flow-10000",
        "deep-flow.yaml",
        lambda: b"[" * 10_000 + b"]" * 10_000 + b"\n",
        (("yaml-depth-limit", 1),),
    ),
    Case(
        "deep-block-10000",
        "deep-block.yaml",
        lambda: b"- " * 10_000 + b"x\n",
        (("yaml-depth-limit", 1),),
    ),
    Case(
        "deep-block-mapping-1500",
        "deep-map.yaml",
        _deep_block_mapping,
        (("yaml-depth-limit", 1),),
    ),
    Case("binary-dockerfile", "Dockerfile", lambda: bytes(range(256)) * 64, (("file-binary", 1),)),
    Case(
        "compose-file-is-a-list",
        "compose.yaml",
        lambda: b"- services\n- web\n",
        (("compose-schema", 1),),
    ),
]


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float


# Spawns argv[2:], waits, writes the child's peak RSS (KiB) to argv[1], exits with its code.
_LAUNCHER = """
import os, sys
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
"""


def run_cli(path: Path) -> Outcome:
    """The CLI on ``path`` in a grandchild whose peak RSS the small launcher reads with wait4."""
    rss_file = path.with_name(path.name + ".rss")
    checker = [sys.executable, "-m", "examplecheck", str(path), "--format", "json"]
    command = [sys.executable, "-c", _LAUNCHER, str(rss_file), *checker]
    started = time.perf_counter()
    child = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # the killer stops launcher and checker together
    )
    streams: dict[str, str] = {}
    readers = [
        threading.Thread(target=lambda n=name, s=stream: streams.__setitem__(n, s.read()))
        for name, stream in (("out", child.stdout), ("err", child.stderr))
    ]
    for reader in readers:
        reader.start()
    killer = threading.Timer(TIMEOUT_SECONDS, os.killpg, (child.pid, 9))  # a hang fails
    killer.start()
    try:
        _, status, usage = os.wait4(child.pid, 0)
    finally:
        killer.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    for reader in readers:
        reader.join()
    return Outcome(
        child.returncode,
        streams.get("out", ""),
        streams.get("err", ""),
        time.perf_counter() - started,
        int(rss_file.read_text() or 0) / 1024 if rss_file.exists() else usage.ru_maxrss / 1024,
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input_gives_a_clear_finding(case: Case, tmp_path: Path) -> None:
    path = tmp_path / case.filename
    path.write_bytes(case.content())
    outcome = run_cli(path)
    context = f"{case.name}: exit {outcome.returncode}, stderr {outcome.stderr[-400:]!r}"
    assert "Traceback" not in outcome.stderr, context
    assert outcome.returncode in (0, 1), context  # 2 = could not run, -9 = killed (hang)
    report = json.loads(outcome.stdout)
    found = {(f["rule"], f["line"]) for f in report["findings"] if f["path"] == str(path)}
    for rule, line in case.expected:
        hit = any(r == rule and (line is None or n == line) for r, n in found)
        assert hit, f"{case.name}: expected {rule} at line {line}; the checker said {found}"
    assert outcome.peak_rss_mb < MAX_RSS_MB, f"{case.name} peaked at {outcome.peak_rss_mb:.0f} MB"


def test_run_cli_measures_the_child_and_kills_a_hang(tmp_path: Path, monkeypatch) -> None:
    """The harness itself: a child that allocates shows up in its RSS; a hang is cut short."""
    fake = tmp_path / "fake-python"
    fake.write_text(
        f"#!{sys.executable}\n"
        "import sys, time\n"
        "block = bytearray(120 * 1024 * 1024)\n"  # touch 120 MB
        "block[::4096] = b'x' * len(block[::4096])\n"
        "time.sleep(float(__import__('os').environ.get('SLEEP', '0')))\n"
    )
    fake.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(fake))
    outcome = run_cli(tmp_path / "x.yaml")
    assert outcome.returncode == 0
    assert outcome.peak_rss_mb > 100
    monkeypatch.setenv("SLEEP", "60")
    monkeypatch.setattr(sys.modules[__name__], "TIMEOUT_SECONDS", 1)
    outcome = run_cli(tmp_path / "x.yaml")
    assert outcome.returncode == -9 and outcome.seconds < 10
