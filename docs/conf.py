"""Sphinx configuration of the Docker & Kubernetes handbook (Korean)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
# The checker package lives at the repository root; the site's own extensions in docs/_ext.
sys.path[:0] = [str(ROOT), str(DOCS / "_ext")]

from site_origin import site_origin  # noqa: E402 (needs docs/_ext on sys.path)

from examplecheck import settings  # noqa: E402 (the one reader of conf/)

# Repository, branch and public URL come from the build environment (GitHub Actions); a local
# build links to no repository and claims no public URL.
_origin = site_origin(os.environ)
if _origin.published:
    tags.add("published")  # noqa: F821 (Sphinx puts `tags` into conf.py's namespace)

project = "도커와 쿠버네티스 핸드북"
author = "Docker & Kubernetes 핸드북 기여자"
copyright = "2026, " + author
language = "ko"

extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinxext.opengraph",
    "notfound.extension",
    "example_directive",
    "example_catalogue",
    "rule_catalogue",  # docs/rules.md: every checker rule, from examplecheck.catalogue
    "korean_search",
    "cron_schedule",
    "offline_editions",  # EPUB and single page (nox -s docs): tab sets in turn, valid XHTML
    "furo_labels",  # furo's plain-English labels through the catalogue
    "catalogue_js",  # the catalogue for Sphinx's scripts (the search summary)
    "copy_button",  # copies what copy_text.py decides per lexer: commands, or the file as shown
    "prose_checks",  # 합니다체, conf/terms.yaml, stray ** or __, particles after ')' (prose.*)
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "_templates", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]

# --- Korean interface: docs/locales/ko/LC_MESSAGES/sphinx.po, compiled at every build (the .mo
# is not committed); it covers what Sphinx's own Korean catalogue leaves in English.
locale_dirs = ["locales"]
gettext_auto_build = True

# --- MyST
myst_enable_extensions = [
    "colon_fence",
    "deflist",
    "substitution",
    "attrs_block",
    "attrs_inline",
    "fieldlist",
]
myst_heading_anchors = 3
# The versions every example is checked against; conf/versions.yaml is the single source.
_versions = settings.data_of(ROOT, "versions")
_k8s = _versions["kubernetes"]
myst_substitutions = {
    "k8s_versions": f"{_k8s[0]}–{_k8s[-1]}",
    "k8s_latest": _k8s[-1],
    "docker_engine": _versions["docker"]["engine"],
    "repository_url": _origin.repository_url,
    "site_url": _origin.site_url,
}

# --- HTML
html_theme = "furo"
html_title = project
html_static_path = ["_static"]
html_css_files = ["handbook.css", "example_badges.css", ("print.css", {"media": "print"})]
# Printing shows every tab panel and dropdown body; closed <details> need a script to open.
html_js_files = ["print_expand.js"]
html_baseurl = _origin.site_url
html_theme_options = {
    "navigation_with_keys": True,
}
if _origin.published:
    html_theme_options |= {
        "source_repository": _origin.repository_url + "/",
        "source_branch": _origin.branch,
        "source_directory": "docs/",
    }
# Last-updated dates from git (sphinx_last_updated_by_git), e.g. "2026년 3월 5일", Korean time.
html_last_updated_fmt = "%Y년 %-m월 %-d일"
git_last_updated_timezone = "Asia/Seoul"
# Only a git work tree has dates; a copy of docs/ elsewhere (tests build those) has none.
_in_git = (
    shutil.which("git")
    and not subprocess.run(
        ["git", "-C", str(DOCS), "rev-parse", "--is-inside-work-tree"], capture_output=True
    ).returncode
)
if _in_git:
    extensions.append("sphinx_last_updated_by_git")
html_favicon = "_static/favicon.svg"

# --- Offline editions: nox -s docs builds them into build/html/_offline/ (download.md links them)
# EPUB3 needs a version; the edition is named after the Kubernetes versions it is checked with.
version = release = f"k8s-{_k8s[0]}-{_k8s[-1]}"
epub_basename = "docker-k8s-handbook"
epub_title = project
epub_author = epub_publisher = author
epub_copyright = copyright
epub_identifier = _origin.site_url or "urn:x-docker-k8s-handbook"
epub_scheme = "URL" if _origin.site_url else "URN"
epub_exclude_files = ["404.xhtml", "search.xhtml"]
offline_single_dir = "_offline/single"  # where the single page lives in the site (site_files)

# --- OpenGraph, sitemap, 404
ogp_site_url = html_baseurl
ogp_site_name = project
ogp_enable_meta_description = True
ogp_social_cards = {"enable": False}  # needs matplotlib and fonts; not worth it offline
# A sitemap lists public URLs, so only a build that knows the site URL writes one.
if _origin.site_url:
    extensions.append("sphinx_sitemap")
sitemap_url_scheme = "{link}"
sitemap_excludes = ["search.html", "genindex.html", "404.html"]
sitemap_locales = [None]
notfound_urls_prefix = _origin.url_path

# Treat every broken reference as an error (nox runs sphinx-build with -n -W --keep-going).
nitpicky = True
linkcheck_timeout = 15
linkcheck_anchors = False
