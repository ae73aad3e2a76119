"""site_origin: the repository, branch and site URL a build links to, from its environment."""

from __future__ import annotations

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx.util.tags import Tags

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


# --- docs/conf.py wires the origin into Sphinx; a published build writes a clean sitemap

ROOT = Path(__file__).resolve().parents[1]
ENV_NAMES = ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_REF_NAME", "GITHUB_BASE_REF")


def read_conf(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> tuple[dict, Tags]:
    """docs/conf.py's settings under ``env``, executed the way Sphinx does (with ``tags``)."""
    for name in (*ENV_NAMES, "SITE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    tags = Tags()
    return runpy.run_path(str(ROOT / "docs" / "conf.py"), init_globals={"tags": tags}), tags


def test_conf_of_a_local_build_claims_no_repository_and_no_site(monkeypatch) -> None:
    config, tags = read_conf(monkeypatch, {})
    assert not tags.has("published")
    assert config["html_baseurl"] == ""
    assert "source_repository" not in config["html_theme_options"]
    assert "sphinx_sitemap" not in config["extensions"]
    assert config["myst_substitutions"]["repository_url"] == ""
    assert config["myst_substitutions"]["site_url"] == ""
    assert config["notfound_urls_prefix"] == "/"


def test_conf_of_a_pages_build_links_its_repository_and_site(monkeypatch) -> None:
    config, tags = read_conf(
        monkeypatch, {k: v for k, v in ACTIONS.items() if k != "GITHUB_ACTIONS"}
    )
    assert tags.has("published")
    assert config["html_baseurl"] == "https://kim-dev.github.io/docker-k8s-handbook/"
    assert config["ogp_site_url"] == config["html_baseurl"]
    assert config["html_theme_options"]["source_repository"] == (
        "https://github.com/kim-dev/docker-k8s-handbook/"
    )
    assert config["html_theme_options"]["source_branch"] == "main"
    assert "sphinx_sitemap" in config["extensions"]
    assert config["myst_substitutions"]["repository_url"] == (
        "https://github.com/kim-dev/docker-k8s-handbook"
    )
    assert config["notfound_urls_prefix"] == "/docker-k8s-handbook/"


def test_no_placeholder_url_is_left_in_the_repository() -> None:
    placeholder = re.compile(r"example\.github\.io|github\.com/example/")
    tracked = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files"], capture_output=True, text=True, check=True
    ).stdout.split()
    found = [
        name
        for name in tracked
        if not name.startswith("tests/")  # tests seed placeholders to show they are caught
        and (ROOT / name).is_file()
        and placeholder.search((ROOT / name).read_text(encoding="utf-8", errors="replace"))
    ]
    assert not found, f"placeholder URLs in {found}"


@pytest.mark.slow
def test_a_pages_build_lists_content_pages_only_in_its_sitemap(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in (*ENV_NAMES, "SITE_URL")}
    env |= {k: v for k, v in ACTIONS.items() if k != "GITHUB_ACTIONS"}
    out = tmp_path / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-n", "-W", "--keep-going", "-b", "html",
         "-d", str(tmp_path / "doctrees"), str(ROOT / "docs"), str(out)],
        capture_output=True, text=True, env=env, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    site = "https://kim-dev.github.io/docker-k8s-handbook/"
    listed = re.findall(r"<loc>([^<]+)</loc>", (out / "sitemap.xml").read_text(encoding="utf-8"))
    pages = {
        site + path.relative_to(out).as_posix()
        for path in out.rglob("*.html")
        if not path.relative_to(out).as_posix().startswith(("_", "search", "genindex", "404"))
    }
    assert sorted(listed) == sorted(pages)
    assert not [url for url in listed if re.search(r"/(search|genindex|404)\.html$", url)]
    page = (out / "docker" / "images.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{site}docker/images.html"' in page
    edit = "https://github.com/kim-dev/docker-k8s-handbook/edit/main/docs/docker/images.md"
    assert f'href="{edit}"' in page
    assert 'href="/docker-k8s-handbook/_static/' in (out / "404.html").read_text(encoding="utf-8")
