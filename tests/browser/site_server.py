"""Serve a built site on 127.0.0.1 for the browser suite, optionally with pages replaced.

The overrides let a test seed a bad page (a mutated copy of a real one) without copying the
whole site: a request for an overridden path gets the given bytes, every other path the file
from the built site. The server stops when the ``with`` block ends.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Handler(http.server.SimpleHTTPRequestHandler):
    overrides: Mapping[str, bytes] = {}

    def do_GET(self) -> None:  # http.server's naming
        rel = unquote(urlsplit(self.path).path).lstrip("/")
        if rel.endswith("/") or rel == "":
            rel += "index.html"
        body = self.overrides.get(rel)
        if body is None:
            super().do_GET()
            return
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(rel))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the suite reports what it checks, not every request


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A browser that stops reading (a page closed mid-download) is not a server error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(root: Path, overrides: Mapping[str, bytes] | None = None) -> Iterator[str]:
    """Serve ``root`` on a free loopback port; yields the base URL ending in '/'."""
    handler = type("Handler", (_Handler,), {"overrides": dict(overrides or {})})
    factory = functools.partial(handler, directory=str(root))
    server = _Server(("127.0.0.1", 0), factory)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
