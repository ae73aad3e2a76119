"""The server's answer for one object, as data: a dry-run create (or apply) over REST.

kubectl prints the server's Status as one line of text; the causes inside it (field path,
type, message) are what a finding needs to point at a line, so the check asks the server
itself. A request is what ``kubectl apply --dry-run=server`` sends: a create with
``dryRun=All`` and ``fieldValidation=Strict``, or, for an object that exists already
(a namespace created for real), a server-side apply patch with ``dryRun=All``.
"""

from __future__ import annotations

import http.client
import json
import ssl
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from .server import Endpoint

REQUEST_TIMEOUT_SECONDS = 60
FIELD_MANAGER = "handbook-check"
# Kinds whose dry run skips a rule that a real create applies: a Service's node ports and
# cluster IPs are allocated (and range-checked) only when it is stored. Measured on
# kube-apiserver 1.37.2: `nodePort: 80` passes --dry-run=server and fails a create.
DRY_RUN_HIDES = frozenset({"Service"})
THROWAWAY_NAMESPACE = "handbook-real-create"


@dataclass(frozen=True)
class Cause:
    field: str  # "spec.template.spec.containers[1].name", "" when the server names none
    reason: str  # "FieldValueDuplicate", ...
    message: str


@dataclass
class Answer:
    """What the server said of one object."""

    accepted: bool
    status: int  # HTTP status; 0 when the request was never sent (no such kind)
    reason: str = ""  # "Invalid", "Forbidden", "BadRequest", "NotFound", ...
    message: str = ""
    causes: list[Cause] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Resource:
    plural: str
    namespaced: bool


class ApiClient:
    """One keep-alive HTTPS connection to the server, with discovery cached per group."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        parsed = urllib.parse.urlsplit(endpoint.url)
        self._host, self._port = parsed.hostname or "127.0.0.1", parsed.port or 443
        self._context = ssl.create_default_context(cafile=str(endpoint.ca_file))
        self._connection: http.client.HTTPSConnection | None = None
        self._discovery: dict[str, dict[str, Resource]] = {}

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def request(
        self, method: str, path: str, body: Any = None, content_type: str = "application/json"
    ) -> tuple[int, dict, list[str]]:
        """(status, JSON body, warnings) of one request; reconnects once if the link dropped."""
        payload = None if body is None else json.dumps(body, default=str).encode("utf-8")
        headers = {"Authorization": f"Bearer {self.endpoint.token}", "Accept": "application/json"}
        if payload is not None:
            headers["Content-Type"] = content_type
        for attempt in (1, 2):
            if self._connection is None:
                self._connection = http.client.HTTPSConnection(
                    self._host, self._port, context=self._context, timeout=REQUEST_TIMEOUT_SECONDS
                )
            try:
                self._connection.request(method, path, body=payload, headers=headers)
                response = self._connection.getresponse()
                raw = response.read()
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
                continue
            warnings = [_warning_text(w) for w in response.headers.get_all("Warning") or []]
            try:
                data = json.loads(raw) if raw else {}
            except json.JSONDecodeError:
                data = {"message": raw.decode("utf-8", "replace")[:500]}
            return response.status, data if isinstance(data, dict) else {}, warnings
        raise AssertionError("unreachable")

    # --- discovery ----------------------------------------------------------------------

    def resources(self, api_version: str, refresh: bool = False) -> dict[str, Resource]:
        """kind -> resource of one group version (empty when the server does not serve it)."""
        if refresh or api_version not in self._discovery:
            base = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
            status, data, _ = self.request("GET", base)
            found = {}
            if status == 200:
                for item in data.get("resources") or []:
                    if "/" in item.get("name", ""):
                        continue  # a subresource (pods/status)
                    found[item["kind"]] = Resource(item["name"], bool(item.get("namespaced")))
            self._discovery[api_version] = found
        return self._discovery[api_version]

    def resource_path(self, obj: dict, default_namespace: str = "default") -> str | None:
        """The collection URL of ``obj`` (without a name), or None for an unserved kind."""
        api_version, kind = str(obj.get("apiVersion", "")), str(obj.get("kind", ""))
        resource = self.resources(api_version).get(kind)
        if resource is None:
            resource = self.resources(api_version, refresh=True).get(kind)  # a new CRD
        if resource is None:
            return None
        base = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
        if resource.namespaced:
            metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
            namespace = str(metadata.get("namespace") or default_namespace)
            return f"{base}/namespaces/{urllib.parse.quote(namespace)}/{resource.plural}"
        return f"{base}/{resource.plural}"

    # --- what the check sends -----------------------------------------------------------

    def dry_run(self, obj: Any, default_namespace: str = "default") -> Answer:
        """The server's verdict on ``obj`` as kubectl apply --dry-run=server would get it."""
        return self._send(obj, default_namespace, dry_run=True)

    def apply(self, obj: Any, default_namespace: str = "default") -> Answer:
        """Create ``obj`` for real (or apply it when it exists): setup the pages tell of."""
        return self._send(obj, default_namespace, dry_run=False)

    def _send(
        self, obj: Any, default_namespace: str, *, dry_run: bool, create_only: bool = False
    ) -> Answer:
        if not isinstance(obj, dict) or not obj.get("apiVersion") or not obj.get("kind"):
            return Answer(False, 0, "BadRequest", "not an object with apiVersion and kind")
        collection = self.resource_path(obj, default_namespace)
        if collection is None:
            return Answer(
                False,
                0,
                "NotFound",
                f'the server serves no kind "{obj["kind"]}" in "{obj["apiVersion"]}"',
            )
        query = {"fieldValidation": "Strict", "fieldManager": FIELD_MANAGER}
        if dry_run:
            query["dryRun"] = "All"
        status, data, warnings = self.request(
            "POST", f"{collection}?{urllib.parse.urlencode(query)}", obj
        )
        metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
        name = metadata.get("name")
        if status == 409 and data.get("reason") == "AlreadyExists" and name and not create_only:
            query["force"] = "true"
            status, data, more = self.request(
                "PATCH",
                f"{collection}/{urllib.parse.quote(str(name))}?{urllib.parse.urlencode(query)}",
                obj,
                content_type="application/apply-patch+yaml",  # JSON is YAML
            )
            warnings += more
        return _answer(status, data, warnings)

    def create_in_throwaway(self, obj: dict) -> Answer:
        """Create ``obj`` for real in a namespace of its own, then delete it again."""
        self.ensure_namespace(THROWAWAY_NAMESPACE)
        metadata = dict(obj.get("metadata") or {})
        metadata["namespace"] = THROWAWAY_NAMESPACE
        copy = {**obj, "metadata": metadata}
        answer = self._send(copy, THROWAWAY_NAMESPACE, dry_run=False, create_only=True)
        if answer.accepted:
            self.delete(copy, THROWAWAY_NAMESPACE)
        return answer

    def ensure_namespace(self, name: str) -> Answer:
        """Create a namespace for real, with the ``default`` service account.

        The service-account controller of kube-controller-manager makes that account in a
        real cluster; no controller manager runs here, and the ServiceAccount admission
        plugin rejects a Pod whose account does not exist.
        """
        answer = self.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        if not answer.accepted:
            return answer
        return self.ensure_default_service_account(name)

    def ensure_default_service_account(self, namespace: str) -> Answer:
        account = {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": "default", "namespace": namespace},
        }
        return self.apply(account, namespace)

    def delete(self, obj: dict, default_namespace: str = "default") -> None:
        collection = self.resource_path(obj, default_namespace)
        name = (obj.get("metadata") or {}).get("name")
        if collection and name:
            self.request("DELETE", f"{collection}/{urllib.parse.quote(str(name))}")


def _answer(status: int, data: dict, warnings: list[str]) -> Answer:
    if 200 <= status < 300:
        return Answer(True, status, warnings=warnings)
    details = data.get("details") if isinstance(data.get("details"), dict) else {}
    causes = [
        Cause(str(c.get("field", "")), str(c.get("reason", "")), str(c.get("message", "")))
        for c in details.get("causes") or []
        if isinstance(c, dict)
    ]
    return Answer(
        False,
        status,
        str(data.get("reason", "")),
        str(data.get("message", "")),
        causes,
        warnings,
    )


def _warning_text(header: str) -> str:
    """``299 - "message"`` -> ``message`` (RFC 7234 warning header as Kubernetes sends it)."""
    code, _, rest = header.partition(" ")
    _agent, _, text = rest.partition(" ")
    return text.strip().strip('"') if code == "299" else header
