"""Run the handbook's locustfile headless with the real locust CLI against a loopback server.

The server stands in for the page's test target (traefik/whoami answers every path with 200),
except paths under /fail, which answer 500 so a drifted locustfile can be shown to fail.

Locust is stopped with SIGTERM once the server has answered enough requests, not with
``-t``: gevent starts the run-time timer from the event loop's cached clock, which is stale by
the seconds locust spends importing, so on a slow machine ``-t 4s`` fired after 0.1 s with
zero requests. ``-t`` stays on the command line as an upper bound only.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCUSTFILE = ROOT / "examples" / "locust" / "locustfile.py"
USERS = 5
WANTED_REQUESTS = USERS  # every user runs one task at once on start; wait_time comes after it
START_TIMEOUT = 60.0  # seconds until the server must have seen WANTED_REQUESTS
EXIT_TIMEOUT = 30.0
FAILING_PREFIX = "/fail"


class _CountingHandler(BaseHTTPRequestHandler):
    """200 for every path, 500 under /fail; counts every request by path."""

    counts: Counter  # set per server, see _serve()
    lock: threading.Lock

    def do_GET(self):
        status = 500 if self.path.startswith(FAILING_PREFIX) else 200
        with self.lock:
            self.counts[self.path.split("?", 1)[0]] += 1
        body = b"ok\n"
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # keep pytest output quiet
        pass


@dataclass
class LocustRun:
    returncode: int
    server_counts: Counter
    stats: list[dict]  # locust's --json-file entries (name, method, num_requests, num_failures)
    output: str

    @property
    def server_total(self) -> int:
        return sum(self.server_counts.values())


def locust_command() -> list[str]:
    binary = Path(sys.executable).with_name("locust")
    if binary.is_file():
        return [str(binary)]
    if shutil.which("locust"):
        return ["locust"]
    return [sys.executable, "-m", "locust"]


def run_locust(locustfile: Path, workdir: Path) -> LocustRun:
    """Run ``locustfile`` headless against a fresh loopback server and collect both sides."""
    handler = type("Handler", (_CountingHandler,), {"counts": Counter(), "lock": threading.Lock()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)  # port 0: a free port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host = f"http://127.0.0.1:{server.server_address[1]}"
    stats_prefix = workdir / "stats"
    command = [
        *locust_command(),
        "-f",
        str(locustfile),
        "--headless",
        "-u",
        str(USERS),
        "-r",
        str(USERS),
        "-t",
        "60s",  # upper bound only (see the module docstring)
        "--host",
        host,
        "--json-file",
        str(stats_prefix),
        "--loglevel",
        "WARNING",
    ]
    log = workdir / "locust.log"
    try:
        with log.open("w") as out:
            process = subprocess.Popen(command, cwd=workdir, stdout=out, stderr=subprocess.STDOUT)
            try:
                deadline = time.monotonic() + START_TIMEOUT
                while time.monotonic() < deadline and process.poll() is None:
                    with handler.lock:
                        seen = sum(handler.counts.values())
                    if seen >= WANTED_REQUESTS:
                        break
                    time.sleep(0.05)
                time.sleep(0.3)  # let the answered requests reach locust's statistics
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)  # locust writes its JSON stats on SIGTERM
                returncode = process.wait(timeout=EXIT_TIMEOUT)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
    finally:
        server.shutdown()
        server.server_close()
    stats_file = stats_prefix.with_suffix(".json")
    stats = json.loads(stats_file.read_text()) if stats_file.is_file() else []
    return LocustRun(returncode, Counter(handler.counts), stats, log.read_text())


def run_problems(run: LocustRun) -> list[str]:
    """What is wrong with a run: no requests on either side, or any failure."""
    problems = []
    requests = sum(entry["num_requests"] for entry in run.stats)
    failures = sum(entry["num_failures"] for entry in run.stats)
    if run.server_total == 0:
        problems.append("the server received no requests")
    if requests == 0:
        problems.append("locust's statistics show no requests")
    if failures:
        failed = sorted(
            f"{entry['method']} {entry['name']}" for entry in run.stats if entry["num_failures"]
        )
        problems.append(f"{failures} failed requests: {', '.join(failed)}")
    if run.returncode != 0:
        problems.append(f"locust exited with status {run.returncode}")
    return problems


def drifted_copy(source: str) -> str:
    """The locustfile with every request path moved under /fail (the server answers 500)."""
    drifted, count = re.subn(
        r'self\.client\.get\((f?)"/', rf'self.client.get(\1"{FAILING_PREFIX}/', source
    )
    assert count >= 1, "the locustfile has no self.client.get(...) call to drift"
    return drifted


def test_locustfile_exists():
    assert LOCUSTFILE.is_file(), f"{LOCUSTFILE} is missing"


@pytest.mark.slow
def test_locustfile_runs_headless_without_failures(tmp_path):
    run = run_locust(LOCUSTFILE, tmp_path)
    assert run_problems(run) == [], run.output
    answered = sum(entry["num_requests"] for entry in run.stats)
    # Locust counts only finished requests; the server may have answered a few more.
    assert 0 < answered <= run.server_total, (answered, run.server_counts)


@pytest.mark.slow
def test_drifted_locustfile_hitting_a_failing_path_is_reported(tmp_path):
    drifted = tmp_path / "locustfile.py"
    drifted.write_text(drifted_copy(LOCUSTFILE.read_text(encoding="utf-8")), encoding="utf-8")
    run = run_locust(drifted, tmp_path)
    assert all(path.startswith(FAILING_PREFIX) for path in run.server_counts), run.server_counts
    problems = run_problems(run)
    assert any("failed requests" in problem for problem in problems), (problems, run.output)


def test_run_problems_reports_an_idle_run():
    idle = LocustRun(0, Counter(), [], "")
    assert run_problems(idle) == [
        "the server received no requests",
        "locust's statistics show no requests",
    ]


def test_run_problems_accepts_a_clean_run():
    clean = LocustRun(
        0,
        Counter({"/": 3}),
        [{"name": "/", "method": "GET", "num_requests": 3, "num_failures": 0}],
        "",
    )
    assert run_problems(clean) == []


def test_drifted_copy_moves_every_request():
    source = LOCUSTFILE.read_text(encoding="utf-8")
    drifted = drifted_copy(source)
    calls = len(re.findall(r'self\.client\.get\(f?"/', source))
    assert calls >= 1
    assert drifted.count(f'"{FAILING_PREFIX}/') == calls
    paths = re.findall(r'self\.client\.get\(f?"(/[^"]*)"', drifted)
    assert paths and all(path.startswith(f"{FAILING_PREFIX}/") for path in paths), paths
