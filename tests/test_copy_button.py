"""The copy button extension (docs/_ext/copy_button.py): every literal block of a page gets an
index class, and the page one JSON list with what each block copies, wherever the block sits."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.fixtures.site.site_build import build

PAGE = """\
# 복사

```console
$ kubectl get pods
NAME   READY
```

::::{tab-set}
:::{tab-item} 첫째
```console
$ echo tab
tab
```
:::
::::

:::{dropdown} 펼치기
```console
$ echo dropdown
dropdown
```
:::

```{code-block} yaml
:linenos:

# 번호를 붙인 블록
a: 1
```

```{literalinclude} ../files/pod.yaml
:language: yaml
:lines: 2-3
:linenos:
```

```text
</script><script>alert(1)</script>
```
"""
POD = "# 파드입니다\napiVersion: v1\nkind: Pod\nmetadata: {}\n"
_DATA = re.compile(r'<script type="application/json" id="copy-texts">(.*?)</script>', re.S)
_BLOCK = re.compile(r'<div class="([^"]*\bcopy-block\b[^"]*)">')


def _site(tmp_path: Path) -> Path:
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "pod.yaml").write_text(POD, encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_design", "copy_button"]\nlanguage = "ko"\n'
        'exclude_patterns = ["_build"]\nmyst_enable_extensions = ["colon_fence"]\n'
    )
    (docs / "index.md").write_text(PAGE, encoding="utf-8")
    return tmp_path


def _copy_texts(html: str) -> list[str]:
    """The copy text of each block, in the order of the blocks on the page."""
    data = json.loads(_DATA.search(html).group(1))
    out = []
    for classes in _BLOCK.findall(html):
        index = next(int(c.split("-")[-1]) for c in classes.split() if c.startswith("copy-text-"))
        out.append(data[index])
    return out


@pytest.mark.parametrize("parallel", [0, 2])
def test_each_block_copies_what_its_rule_says(tmp_path: Path, parallel: int) -> None:
    repo = _site(tmp_path)
    result = build(repo, parallel=parallel)
    assert "WARNING" not in result.warnings and "ERROR" not in result.warnings, result.warnings
    html = (repo / "_build" / "html" / "index.html").read_text(encoding="utf-8")
    assert _copy_texts(html) == [
        "kubectl get pods",
        "echo tab",  # in a tab
        "echo dropdown",  # in a dropdown
        "# 번호를 붙인 블록\na: 1\n",  # line numbers shown, never copied; last line ends too
        "apiVersion: v1\nkind: Pod\n",  # exactly the :lines: shown, from the file
        "</script><script>alert(1)</script>\n",
    ]
    # The blocks really sit where the texts say: in a tab, a dropdown, with line numbers.
    assert 'class="sd-tab-content' in html and "<details" in html and 'class="linenos"' in html
    # The data cannot close its own script element: the page keeps one.
    assert html.count("<script>alert(1)") == 0
    assert 'src="_static/copy_button.js' in html and "_static/copy_button.css" in html


def test_a_page_without_code_blocks_gets_no_data(tmp_path: Path) -> None:
    repo = _site(tmp_path)
    (repo / "docs" / "index.md").write_text("# 글만 있는 페이지\n\n본문입니다.\n", encoding="utf-8")
    build(repo)
    for page in ("index.html", "search.html", "genindex.html"):
        html = (repo / "_build" / "html" / page).read_text(encoding="utf-8")
        assert 'id="copy-texts"' not in html, page
