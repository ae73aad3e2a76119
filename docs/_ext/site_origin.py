"""Where the site comes from: repository, branch and public URL, read from the environment.

In GitHub Actions the repository is ``GITHUB_SERVER_URL`` + ``GITHUB_REPOSITORY`` and the branch
``GITHUB_REF_NAME`` (``GITHUB_BASE_REF`` for a pull request, whose ref is ``<n>/merge``); the Pages
workflow passes the public URL as ``SITE_URL`` (actions/configure-pages' ``base_url``). With none
of these set the build is a local one: it links to no repository and claims no public URL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

_REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_PULL_REQUEST_REF = re.compile(r"^\d+/merge$")


class SiteOriginError(ValueError):
    """The environment names a repository or site URL, but not a usable one."""


@dataclass(frozen=True)
class SiteOrigin:
    repository_url: str  # "https://github.com/owner/name", "" for a local build
    branch: str  # "" for a local build
    site_url: str  # "https://owner.github.io/name/" (always ends in "/"), "" when unknown

    @property
    def published(self) -> bool:
        """The build knows its repository (a GitHub Actions run), so it may link to it."""
        return bool(self.repository_url)

    @property
    def url_path(self) -> str:
        """The path the site is served under: "/name/" on GitHub Pages, "/" when unknown."""
        return urlsplit(self.site_url).path if self.site_url else "/"


LOCAL = SiteOrigin(repository_url="", branch="", site_url="")


def site_origin(environ: Mapping[str, str]) -> SiteOrigin:
    """The origin `environ` describes; SiteOriginError if it is partial or malformed."""
    server = environ.get("GITHUB_SERVER_URL", "").strip()
    repository = environ.get("GITHUB_REPOSITORY", "").strip()
    site_url = _site_url(environ.get("SITE_URL", "").strip())
    if not server and not repository:
        if site_url:
            raise SiteOriginError("SITE_URL is set but GITHUB_REPOSITORY is not")
        return LOCAL
    if not server or not repository:
        missing = "GITHUB_SERVER_URL" if not server else "GITHUB_REPOSITORY"
        raise SiteOriginError(f"{missing} is missing while the other GITHUB_* variable is set")
    if not _is_http_url(server) or urlsplit(server).path not in ("", "/"):
        raise SiteOriginError(f"GITHUB_SERVER_URL is not a server URL: {server!r}")
    if not _REPOSITORY.match(repository):
        raise SiteOriginError(f"GITHUB_REPOSITORY is not owner/name: {repository!r}")
    return SiteOrigin(
        repository_url=f"{server.rstrip('/')}/{repository}",
        branch=_branch(environ),
        site_url=site_url,
    )


def _branch(environ: Mapping[str, str]) -> str:
    ref_name = environ.get("GITHUB_REF_NAME", "").strip()
    if _PULL_REQUEST_REF.match(ref_name) or not ref_name:
        # A pull request's merge ref exists on no branch page; its target branch does.
        ref_name = environ.get("GITHUB_BASE_REF", "").strip()
    if not ref_name:
        raise SiteOriginError("GITHUB_REF_NAME (or GITHUB_BASE_REF) is missing")
    return ref_name


def _site_url(value: str) -> str:
    if not value:
        return ""
    if not _is_http_url(value) or urlsplit(value).query or urlsplit(value).fragment:
        raise SiteOriginError(f"SITE_URL is not an http(s) URL of a site: {value!r}")
    return value.rstrip("/") + "/"


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value
