"""The copy button copies exactly what a reader should get, on every code block of every page.

What each block should copy is derived here from the sources, not from the copy extension:
an ``{example}`` block copies its file under ``examples/`` (only the ``:lines:`` it shows), a
console block copies its commands as the page's Markdown writes them (prompt removed,
continuation lines kept, output dropped), any other block its text. The test clicks each real
button in Chromium and reads the clipboard. A second check reaches a button by keyboard and
asks that it can be seen and is named in Korean.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from sphinx.util import parselinenos

from examplecheck.codeblocks import code_blocks

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SESSION_LEXERS = {"console", "shell-session", "bash-session", "sh-session"}
_EXAMPLE = re.compile(r"^( *)(`{3,}|~{3,})\{example\}\s+(\S+)\s*$")
_OPTION = re.compile(r"^\s*:([\w-]+):\s*(.*)$")
# literalinclude options that change which lines are shown; only :lines: is derived here.
_SELECTIONS = {"start-after", "start-at", "end-before", "end-at", "pyobject", "dedent"}
_HEREDOC = re.compile(r"(?<!<)<<(?!<)(-?)[ \t]*(['\"]?)(\w+)\2")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_LATIN = re.compile(r"[A-Za-z]")
SENTINEL = "\u2063copy-test-sentinel"


@dataclass(frozen=True)
class Expected:
    """What one code block of a page should copy, derived from the page's source."""

    kind: str  # "example", "console" or "text"
    text: str
    line: int  # page line of the block's source
    path: str | None = None  # examples/... for an {example}
    output: tuple[str, ...] = ()  # console: the lines that are output


@dataclass
class Tally:
    blocks: int = 0
    exact: int = 0
    with_output: int = 0
    output_dropped: int = 0
    problems: list[str] = field(default_factory=list)


# --- what the sources say each block copies


def _example_text(path: str, lines: str | None) -> str:
    text = (ROOT / path).read_bytes().decode("utf-8")
    if lines is None:
        return text
    kept = text.splitlines(keepends=True)
    return "".join(kept[i] for i in parselinenos(lines, len(kept)))


def _examples(source: str) -> list[Expected]:
    out = []
    page = source.splitlines()
    for number, line in enumerate(page, start=1):
        match = _EXAMPLE.match(line)
        if not match:
            continue
        options = {}
        for option_line in page[number:]:
            option = _OPTION.match(option_line)
            if not option:
                break
            options[option.group(1)] = option.group(2).strip()
        path = f"examples/{match.group(3)}"
        if _SELECTIONS & options.keys():
            raise ValueError(f"line {number}: cannot derive {sorted(_SELECTIONS & options.keys())}")
        out.append(Expected("example", _example_text(path, options.get("lines")), number, path))
    return out


def session_expectation(lines: list[str]) -> tuple[str, tuple[str, ...]]:
    """(commands, output lines) of a console block as its Markdown shows it."""
    commands, output = [], []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.startswith("$ "):
            output.append(line)
            continue
        commands.append(line[2:])
        delimiters = [m[2] for m in _HEREDOC.findall(line)]
        while commands[-1].endswith("\\") and index < len(lines):
            commands.append(lines[index].removeprefix("> "))
            delimiters += [m[2] for m in _HEREDOC.findall(lines[index])]
            index += 1
        for delimiter in delimiters:
            while index < len(lines):
                commands.append(lines[index].removeprefix("> "))
                index += 1
                if commands[-1].strip() == delimiter:
                    break
    return "\n".join(commands), tuple(line for line in output if line.strip())


def expected_blocks(source: str) -> list[Expected]:
    """Every code block of a page in page order, with what its copy button should copy."""
    out = _examples(source)
    for block in code_blocks(source):
        if not block.lines:
            continue
        body = [text for _, _, text in block.lines]
        first = block.lines[0][0] - 1  # the fence line
        if block.language in SESSION_LEXERS:
            commands, output = session_expectation(body)
            out.append(Expected("console", commands, first, output=output))
        else:
            out.append(Expected("text", "".join(f"{line}\n" for line in body), first))
    return sorted(out, key=lambda expected: expected.line)


def source_of(rel: str) -> Path:
    return DOCS / Path(rel).with_suffix(".md")


# --- what the browser copies


def _reveal(page, block) -> None:
    """Open the dropdowns and tabs around a block, as a reader would."""
    for details in block.locator("xpath=ancestor::details").all():
        if not details.evaluate("d => d.open"):
            details.locator("xpath=./summary").click()
    for content in block.locator("xpath=ancestor::div[contains(@class,'sd-tab-content')]").all():
        label = page.locator(f'label[for="{content.get_attribute("id")[: -len("-content")]}"]')
        if not content.is_visible():
            label.click()


def _click_and_read(page, button) -> str:
    page.evaluate("t => navigator.clipboard.writeText(t)", SENTINEL)
    button.click()
    page.wait_for_function(
        "b => /copy-button--(done|failed)/.test(b.className)",
        arg=button.element_handle(),
        timeout=5000,
    )
    return page.evaluate("navigator.clipboard.readText()")


def first_difference(got: str, want: str) -> str:
    """Where two texts first differ, short enough to read in a failure message."""
    got_lines, want_lines = got.splitlines(keepends=True), want.splitlines(keepends=True)
    for number, (a, b) in enumerate(zip(got_lines, want_lines, strict=False), start=1):
        if a != b:
            return f"line {number}: copied {a!r}, want {b!r}"
    number = min(len(got_lines), len(want_lines))
    return (
        f"after line {number}: copied {got_lines[number:][:2]!r}, want {want_lines[number:][:2]!r}"
    )


def bash_parse_error(text: str) -> str | None:
    done = subprocess.run(
        ["bash", "-n"], input=text, capture_output=True, text=True, timeout=30, check=False
    )
    return done.stderr.strip() or None if done.returncode else None


def copy_problems(page, rel: str, tally: Tally | None = None) -> list[str]:
    """Problems of the copy buttons of one loaded page; counts go to ``tally``."""
    tally = tally if tally is not None else Tally()
    problems: list[str] = []
    blocks = page.locator("div[class*='highlight-']:has(> div.highlight)").all()
    source = source_of(rel)
    if not source.is_file():
        return [f"{rel}: {len(blocks)} code blocks but no source {source}"] if blocks else []
    try:
        expected = expected_blocks(source.read_text(encoding="utf-8"))
    except ValueError as exc:
        return [f"{rel}: {exc}"]
    if len(blocks) != len(expected):
        problems.append(f"{rel}: {len(blocks)} code blocks on the page, {len(expected)} in source")
    for number, (block, want) in enumerate(zip(blocks, expected, strict=False), start=1):
        tally.blocks += 1
        where = f"{rel} block {number} ({want.path or want.kind}, source line {want.line})"
        caption = block.locator("xpath=../div[contains(@class,'code-block-caption')]//code")
        shown_path = caption.first.text_content() if caption.count() else None
        if shown_path != want.path:
            problems.append(f"{where}: caption shows {shown_path!r}, source includes {want.path!r}")
            continue
        button = block.locator(":scope > button.copy-button")
        if button.count() != 1:
            problems.append(f"{where}: {button.count()} copy buttons, want 1")
            continue
        _reveal(page, block)
        got = _click_and_read(page, button)
        if got == want.text:
            tally.exact += 1
        else:
            problems.append(f"{where}: copied text differs: {first_difference(got, want.text)}")
        if want.kind == "console":
            if want.output:
                tally.with_output += 1
                copied = set(got.splitlines())
                leaked = [line for line in want.output if line in copied]
                if leaked:
                    problems.append(f"{where}: output copied with the commands: {leaked[:3]!r}")
                else:
                    tally.output_dropped += 1
            error = bash_parse_error(got)
            if error:
                problems.append(f"{where}: bash -n rejects the copied commands: {error}")
    tally.problems += problems
    return problems


# --- keyboard and language


def _korean(text: str | None) -> bool:
    return bool(text) and bool(_HANGUL.search(text)) and not _LATIN.search(text)


def _accessible_name(button) -> str | None:
    match = re.match(r'- button "(.*)"', button.aria_snapshot())
    return match.group(1) if match else None


def _settle(page, button, *, tries: int = 30) -> None:
    """Wait for the smooth scroll to the focused button (furo) and its fade-in to end."""
    last = None
    for _ in range(tries):
        page.wait_for_timeout(100)
        now = button.evaluate("b => [b.getBoundingClientRect().top, getComputedStyle(b).opacity]")
        if now == last:
            return
        last = now


def focus_problems(page, rel: str, *, max_tabs: int = 400) -> list[str]:
    """Problems of the first copy button a keyboard reader reaches with Tab."""
    if page.locator("button.copy-button").count() == 0:
        return []
    page.locator("body").focus()
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('copy-button')"):
            break
    else:
        return [f"{rel}: no copy button reached in {max_tabs} presses of Tab"]
    button = page.locator("button.copy-button:focus")
    problems = []
    _settle(page, button)
    style = button.evaluate(
        "b => { const s = getComputedStyle(b); const r = b.getBoundingClientRect();"
        " return {opacity: s.opacity, visibility: s.visibility, display: s.display,"
        " top: r.top, bottom: r.bottom, left: r.left, right: r.right,"
        " width: innerWidth, height: innerHeight}; }"
    )
    if float(style["opacity"]) < 0.99 or style["visibility"] != "visible":
        problems.append(f"{rel}: focused copy button is not visible: {style}")
    inside = (
        style["top"] >= 0
        and style["left"] >= 0
        and style["bottom"] <= style["height"]
        and style["right"] <= style["width"]
    )
    if not inside:
        problems.append(f"{rel}: focused copy button is outside the viewport: {style}")
    name = _accessible_name(button)
    if not _korean(name):
        problems.append(f"{rel}: copy button's accessible name {name!r} is not Korean")
    tooltip = button.locator(".copy-button__tooltip")
    if not tooltip.is_visible() or not _korean(tooltip.inner_text()):
        problems.append(f"{rel}: copy button's tooltip is not shown in Korean on focus")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    name = _accessible_name(button)
    if not _korean(name) or not _korean(tooltip.inner_text()) or name == "복사":
        problems.append(f"{rel}: after a copy by keyboard the button says {name!r}")
    return problems


# --- the real site


def test_every_code_block_copies_exactly_what_the_reader_should_get(site, open_page) -> None:
    tally = Tally()
    for rel in site.pages():
        copy_problems(open_page(rel), rel, tally)
    print(f"code blocks copied exactly {tally.exact}/{tally.blocks}")
    print(f"console blocks with output dropped {tally.output_dropped}/{tally.with_output}")
    assert tally.blocks > 0 and tally.with_output > 0
    assert not tally.problems, "\n".join(tally.problems)


def test_a_keyboard_reader_sees_a_korean_copy_button(site, open_page) -> None:
    problems, pages = [], 0
    for rel in site.pages():
        page = open_page(rel)
        if page.locator("button.copy-button").count():
            pages += 1
            problems += focus_problems(page, rel)
    print(f"copy button visible and Korean on keyboard focus {pages - len(problems)}/{pages}")
    assert pages > 0
    assert not problems, "\n".join(problems)


def test_the_button_is_always_shown_on_touch_screens(site, open_page) -> None:
    page = open_page("kubernetes/services.html", width=390, height=844, touch=True)
    opacities = page.locator("button.copy-button").evaluate_all(
        "bs => bs.map(b => getComputedStyle(b).opacity)"
    )
    assert opacities and set(opacities) == {"1"}


def test_the_button_follows_the_dark_theme(site, open_page) -> None:
    colours = []
    for dark in (False, True):
        page = open_page("kubernetes/services.html", dark=dark)
        button = page.locator("button.copy-button").first
        button.hover()
        colours.append(button.evaluate("b => getComputedStyle(b).backgroundColor"))
        block = page.locator(".copy-block .highlight").first
        assert colours[-1] == block.evaluate("b => getComputedStyle(b).backgroundColor")
    assert colours[0] != colours[1]


# --- seeded bad pages: each check rejects what it guards against

_DATA = re.compile(r'(<script type="application/json" id="copy-texts">)(.*?)(</script>)', re.S)


def _with_texts(html: str, change) -> bytes:
    def replace(match: re.Match) -> str:
        texts = change(json.loads(match.group(2)))
        payload = json.dumps(texts, ensure_ascii=False).replace("<", "\\u003c")
        return match.group(1) + payload + match.group(3)

    return _DATA.sub(replace, html).encode("utf-8")


def test_copy_data_that_strips_a_yaml_comment_is_rejected(site, open_page, seeded_site) -> None:
    path = "examples/kubernetes/pods/pod-nginx.yaml"
    rel = "kubernetes/workloads.html"
    assert any(b.path == path for b in expected_blocks(source_of(rel).read_text("utf-8")))
    html = (site.root / rel).read_text(encoding="utf-8")

    def strip_comments(texts: list[str]) -> list[str]:
        return [re.sub(r"(?m)^# ", "", text) for text in texts]

    base = seeded_site({rel: _with_texts(html, strip_comments)})
    problems = copy_problems(open_page(rel, base=base), rel)
    assert any(f"({path}," in p and "copied" in p for p in problems), problems


def test_a_console_block_that_copies_output_is_rejected(site, open_page, seeded_site) -> None:
    rel = "kubernetes/workloads.html"
    source = source_of(rel).read_text(encoding="utf-8")
    blocks = expected_blocks(source)
    target = next(i for i, b in enumerate(blocks) if b.kind == "console" and b.output)
    html = (site.root / rel).read_text(encoding="utf-8")

    def with_output(texts: list[str]) -> list[str]:
        # What the old regex prompt did: strip "$ " and keep every other line too.
        texts[target] = texts[target] + "\n" + "\n".join(blocks[target].output)
        return texts

    base = seeded_site({rel: _with_texts(html, with_output)})
    problems = copy_problems(open_page(rel, base=base), rel)
    assert any("output copied with the commands" in p for p in problems), problems


def test_a_block_without_a_button_is_rejected(site, open_page, seeded_site) -> None:
    rel = "kubernetes/workloads.html"
    html = (site.root / rel).read_text(encoding="utf-8")
    base = seeded_site({rel: _DATA.sub("", html).encode("utf-8")})
    problems = copy_problems(open_page(rel, base=base), rel)
    assert any("0 copy buttons" in p for p in problems), problems


def test_a_button_invisible_on_focus_is_rejected(site, open_page, seeded_site) -> None:
    rel = "kubernetes/workloads.html"
    html = (site.root / rel).read_text(encoding="utf-8")
    hidden = html.replace(
        "</head>", "<style>.copy-button:focus-visible{opacity:0 !important}</style></head>"
    )
    base = seeded_site({rel: hidden.encode("utf-8")})
    problems = focus_problems(open_page(rel, base=base), rel)
    assert any("is not visible" in p for p in problems), problems


def test_an_english_tooltip_is_rejected(site, open_page, seeded_site) -> None:
    script = (site.root / "_static" / "copy_button.js").read_text(encoding="utf-8")
    english = (
        script.replace('"복사했습니다"', '"Copied!"')
        .replace('"복사"', '"Copy"')
        .replace('"복사하지 못했습니다. 직접 선택해 복사하십시오"', '"Copy failed"')
    )
    assert english != script
    base = seeded_site({"_static/copy_button.js": english.encode("utf-8")})
    rel = "kubernetes/workloads.html"
    problems = focus_problems(open_page(rel, base=base), rel)
    assert any("not Korean" in p for p in problems), problems
