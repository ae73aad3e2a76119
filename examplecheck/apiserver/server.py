"""A real kube-apiserver with its etcd on 127.0.0.1, for the length of one check run.

Both processes get a temporary folder: etcd's data, the serving certificate the server
generates for itself (``--cert-dir``), a service-account key pair, a static token file
and a kubeconfig for kubectl. The default admission plugins run (Pod Security among them).
No controller manager runs, so what its controllers would make (the ``default`` service
account of a namespace) the check creates itself; see ``client.ApiClient.ensure_namespace``.

Anything that keeps the server from coming up (a binary that exits, a port in use, no
readiness in time) raises ServerError with one line saying why; both processes are stopped
when the ``with`` block ends, on failure too.
"""

from __future__ import annotations

import secrets
import signal
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from .binaries import Binaries

READY_TIMEOUT_SECONDS = 120
SERVICE_RANGE = "10.96.0.0/16"
USER = "handbook-admin"


class ServerError(Exception):
    """The server or etcd could not be started; the message is one line that says why."""


@dataclass(frozen=True)
class Endpoint:
    """How a client reaches the running server."""

    url: str  # https://127.0.0.1:PORT
    token: str
    ca_file: Path  # the server's self-signed serving certificate
    kubeconfig: Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def _service_account_keys(folder: Path) -> tuple[Path, Path]:
    """An RSA key pair for signing service-account tokens (the server requires one)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = folder / "sa.key"
    public = folder / "sa.pub"
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private, public


def _kubeconfig(url: str, ca_file: Path, token: str) -> str:
    return f"""apiVersion: v1
kind: Config
clusters:
  - name: handbook
    cluster:
      server: {url}
      certificate-authority: {ca_file}
users:
  - name: {USER}
    user:
      token: {token}
contexts:
  - name: handbook
    context:
      cluster: handbook
      user: {USER}
current-context: handbook
"""


class LocalServer:
    """``with LocalServer(binaries, folder) as endpoint:`` runs etcd and kube-apiserver."""

    def __init__(
        self,
        binaries: Binaries,
        folder: Path,
        *,
        port: int | None = None,
        ready_timeout: float = READY_TIMEOUT_SECONDS,
    ) -> None:
        self.binaries = binaries
        self.folder = folder
        self.port = port
        self.ready_timeout = ready_timeout
        self.processes: list[subprocess.Popen] = []
        self.endpoint: Endpoint | None = None

    def __enter__(self) -> Endpoint:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("wb")
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a Ctrl-C of the run reaches us, and we stop it
            )
        except OSError as error:
            raise ServerError(f"cannot start {name} ({command[0]}): {error}") from error
        finally:
            log.close()
        self.processes.append(process)
        return process

    def _log_tail(self, name: str) -> str:
        log = self.folder / f"{name}.log"
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        meaningful = [line for line in lines if line.strip()]
        return meaningful[-1][:300] if meaningful else "(no output)"

    def _wait(self, name: str, process: subprocess.Popen, ready) -> None:
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                tail = self._log_tail(name)
                if "address already in use" in tail:
                    raise ServerError(f"{name} could not listen: a port is in use ({tail})")
                raise ServerError(f"{name} exited with status {process.returncode}: {tail}")
            if ready():
                return
            time.sleep(0.2)
        raise ServerError(
            f"{name} was not ready after {self.ready_timeout:.0f} s; "
            f"its log is {self.folder / (name + '.log')}"
        )

    def start(self) -> Endpoint:
        self.folder.mkdir(parents=True, exist_ok=True)
        port = self.port or free_port()
        if port_in_use(port):
            raise ServerError(f"kube-apiserver cannot listen on 127.0.0.1:{port}: it is in use")
        etcd_client, etcd_peer = free_port(), free_port()
        etcd_url = f"http://127.0.0.1:{etcd_client}"
        peer_url = f"http://127.0.0.1:{etcd_peer}"
        etcd = self._spawn(
            "etcd",
            [
                str(self.binaries.etcd),
                "--name=handbook",
                f"--data-dir={self.folder / 'etcd'}",
                f"--listen-client-urls={etcd_url}",
                f"--advertise-client-urls={etcd_url}",
                f"--listen-peer-urls={peer_url}",
                f"--initial-advertise-peer-urls={peer_url}",
                f"--initial-cluster=handbook={peer_url}",
                "--listen-metrics-urls=",
                "--unsafe-no-fsync",  # a throwaway store: durability buys nothing here
                "--log-level=warn",
            ],
        )
        self._wait("etcd", etcd, lambda: _http_ok(f"{etcd_url}/health"))

        token = secrets.token_hex(24)
        tokens = self.folder / "tokens.csv"
        tokens.write_text(f"{token},{USER},{USER},system:masters\n", encoding="utf-8")
        signing_key, public_key = _service_account_keys(self.folder)
        certs = self.folder / "certs"
        server = self._spawn(
            "kube-apiserver",
            [
                str(self.binaries.kube_apiserver),
                f"--etcd-servers={etcd_url}",
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                f"--secure-port={port}",
                f"--cert-dir={certs}",
                f"--token-auth-file={tokens}",
                "--authorization-mode=RBAC",
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                f"--service-account-key-file={public_key}",
                f"--service-account-signing-key-file={signing_key}",
                f"--service-cluster-ip-range={SERVICE_RANGE}",
                "--endpoint-reconciler-type=none",  # a loopback address has no endpoints
                "--profiling=false",
                "--v=0",
            ],
        )
        url = f"https://127.0.0.1:{port}"
        ca_file = certs / "apiserver.crt"
        self._wait("kube-apiserver", server, lambda: _https_ready(url, ca_file, token))
        kubeconfig = self.folder / "kubeconfig"
        kubeconfig.write_text(_kubeconfig(url, ca_file, token), encoding="utf-8")
        self.endpoint = Endpoint(url, token, ca_file, kubeconfig)
        return self.endpoint

    def stop(self) -> None:
        for process in reversed(self.processes):  # the server first, then its etcd
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=15)
        self.processes.clear()


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _https_ready(url: str, ca_file: Path, token: str) -> bool:
    if not ca_file.is_file():
        return False  # the server writes its certificate before it listens
    try:
        context = ssl.create_default_context(cafile=str(ca_file))
        request = urllib.request.Request(
            f"{url}/readyz", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=2, context=context) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ssl.SSLError):
        return False
