"""site_origin: the repository, branch and site URL a build links to, from its environment."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs" / "_ext"))

from site_origin import LOCAL, SiteOriginError, site_origin

ACTIONS = {
    "GITHUB_ACTIONS": "true",
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_REPOSITORY": "kim-dev/docker-k8s-handbook",
    "GITHUB_REF_NAME": "main",
    "SITE_URL": "https://kim-dev.github.io/docker-k8s-handbook",
}


def test_a_pages_build_in_actions_knows_repository_branch_and_site() -> None:
    origin = site_origin(ACTIONS)
    assert origin.repository_url == "https://github.com/kim-dev/docker-k8s-handbook"
    assert origin.branch == "main"
    assert origin.site_url == "https://kim-dev.github.io/docker-k8s-handbook/"
    assert origin.url_path == "/docker-k8s-handbook/"
    assert origin.published


def test_a_ci_build_without_site_url_links_the_repository_but_claims_no_site() -> None:
    origin = site_origin({k: v for k, v in ACTIONS.items() if k != "SITE_URL"})
    assert origin.published
    assert origin.site_url == ""
    assert origin.url_path == "/"


def test_a_custom_domain_is_served_from_the_root() -> None:
    origin = site_origin(ACTIONS | {"SITE_URL": "https://handbook.example.org/"})
    assert origin.site_url == "https://handbook.example.org/"
    assert origin.url_path == "/"


def test_an_enterprise_server_and_a_pull_request_use_the_target_branch() -> None:
    env = ACTIONS | {
        "GITHUB_SERVER_URL": "https://git.corp.internal/",
        "GITHUB_REF_NAME": "42/merge",
        "GITHUB_BASE_REF": "release-1",
    }
    origin = site_origin(env)
    assert origin.repository_url == "https://git.corp.internal/kim-dev/docker-k8s-handbook"
    assert origin.branch == "release-1"


def test_a_local_build_links_nowhere() -> None:
    origin = site_origin({"HOME": "/home/me", "PATH": "/usr/bin"})
    assert origin == LOCAL
    assert not origin.published
    assert (origin.repository_url, origin.branch, origin.site_url) == ("", "", "")
    assert origin.url_path == "/"


def test_blank_values_count_as_unset() -> None:
    assert site_origin({"GITHUB_SERVER_URL": " ", "GITHUB_REPOSITORY": "", "SITE_URL": ""}) == LOCAL


@pytest.mark.parametrize(
    ("change", "evidence"),
    [
        ({"GITHUB_SERVER_URL": None}, "GITHUB_SERVER_URL is missing"),
        ({"GITHUB_REPOSITORY": None}, "GITHUB_REPOSITORY is missing"),
        ({"GITHUB_REF_NAME": None}, "GITHUB_REF_NAME"),
        ({"GITHUB_REF_NAME": "7/merge"}, "GITHUB_REF_NAME"),
        ({"GITHUB_REPOSITORY": "just-a-name"}, "not owner/name"),
        ({"GITHUB_REPOSITORY": "a/b/c"}, "not owner/name"),
        ({"GITHUB_SERVER_URL": "github.com"}, "not a server URL"),
        ({"GITHUB_SERVER_URL": "https://github.com/kim-dev"}, "not a server URL"),
        ({"SITE_URL": "kim-dev.github.io/docker-k8s-handbook"}, "SITE_URL"),
        ({"SITE_URL": "ftp://kim-dev.github.io/"}, "SITE_URL"),
        ({"SITE_URL": "https://kim-dev.github.io/?preview=1"}, "SITE_URL"),
    ],
)
def test_a_partial_or_malformed_environment_is_refused(
    change: dict[str, str | None], evidence: str
) -> None:
    env = {k: v for k, v in (ACTIONS | change).items() if v is not None}
    with pytest.raises(SiteOriginError, match=evidence):
        site_origin(env)


def test_a_site_url_without_a_repository_is_refused() -> None:
    with pytest.raises(SiteOriginError, match="SITE_URL is set"):
        site_origin({"SITE_URL": "https://kim-dev.github.io/docker-k8s-handbook/"})
