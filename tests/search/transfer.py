"""What a page downloads: every finished request's response body, in bytes on the wire.

Record before navigating, then read the total once the page is idle and before its context
closes (a response read after that fails).
"""

from __future__ import annotations


class Transfers:
    def __init__(self, page) -> None:
        self.requests: list = []
        page.on("requestfinished", lambda request: self.requests.append(request))

    def clear(self) -> None:
        self.requests.clear()

    def sizes(self) -> dict[str, int]:
        return {r.url: r.sizes()["responseBodySize"] for r in self.requests}

    def total(self) -> int:
        return sum(self.sizes().values())
