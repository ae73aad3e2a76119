"""The pages' ``kubectl create configmap|secret generic`` commands and ``echo … | base64`` lines
produce what the example files store: run the real kubectl (client-side dry run, offline) and the
real base64, and compare with the example's data.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.doc_commands import (
    DOCS,
    ROOT,
    CommandLine,
    all_command_lines,
    command_lines,
    commands_of,
)
from tests.required_tools import needs

EXAMPLES = ROOT / "examples"
KUBECTL = shutil.which("kubectl") or (
    "/usr/bin/kubectl" if Path("/usr/bin/kubectl").is_file() else None
)
BASE64 = shutil.which("base64")
needs_kubectl = needs(KUBECTL, "kubectl is not installed: the generated objects cannot be produced")
needs_base64 = needs(BASE64, "base64 (coreutils) is not installed")
_VALUE_FLAGS = {"-n", "--namespace", "-o", "--output", "--context", "--kubeconfig", "--type"}
_EXAMPLE_DIRECTIVE = re.compile(r"^\s*[`~:]{3,}\{example\}\s+(\S+)", re.MULTILINE)
_ECHO_BASE64 = re.compile(
    r"^echo (?P<n>-n )?'(?P<value>[^']*)' \| base64(?P<decode> -d| --decode)?$"
)


@dataclass(frozen=True)
class Generation:
    """A page's kubectl create command for a ConfigMap or a generic Secret."""

    where: str
    kind: str  # "ConfigMap" or "Secret"
    name: str
    argv: list[str]


def generation_of(argv: list[str]) -> tuple[str, str] | None:
    """(kind, name) when ``argv`` is kubectl create configmap|secret generic with --from-*."""
    words = argv[1:]
    if words[:2] == ["create", "configmap"] or words[:2] == ["create", "cm"]:
        kind, rest = "ConfigMap", words[2:]
    elif words[:3] == ["create", "secret", "generic"]:
        kind, rest = "Secret", words[3:]
    else:
        return None
    if not any(w.startswith(("--from-literal", "--from-file")) for w in rest):
        return None
    previous = ""
    for word in rest:
        if not word.startswith("-") and previous not in _VALUE_FLAGS:
            return kind, word
        previous = word
    return None


def page_generations(lines: list[CommandLine]) -> list[Generation]:
    found = []
    for command_line, argv in commands_of(lines, "kubectl"):
        if (kind_name := generation_of(argv)) is not None:
            found.append(Generation(command_line.where(), *kind_name, argv))
    return found


def example_objects(kind: str, name: str) -> list[tuple[Path, dict]]:
    """Every document of kind ``kind`` named ``name`` in examples/ (chart templates excluded)."""
    found = []
    for path in sorted(EXAMPLES.rglob("*.y*ml")):
        if "templates" in path.parts:
            continue
        try:
            documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        except yaml.YAMLError:
            continue  # the checker reports broken YAML; nothing to compare here
        for document in documents:
            if (
                isinstance(document, dict)
                and document.get("kind") == kind
                and (document.get("metadata") or {}).get("name") == name
            ):
                found.append((path, document))
    return found


def from_file_paths(argv: list[str]) -> list[str]:
    paths = []
    for word in argv:
        if word.startswith("--from-file="):
            value = word.split("=", 1)[1]
            # --from-file=key=path names the key first
            paths.append(value.split("=", 1)[1] if "=" in value else value)
    return paths


def working_folder(argv: list[str], example: Path) -> Path:
    """Where the --from-file paths exist: the repository root (as the pages say) or the
    example's folder and its parents up to examples/ (as an example's own comment may say)."""
    files = from_file_paths(argv)
    candidates = [ROOT, *[p for p in example.parents if p.is_relative_to(EXAMPLES)]]
    for folder in candidates:
        if all((folder / f).exists() for f in files):
            return folder
    raise AssertionError(f"--from-file {files} exist neither under {ROOT} nor near {example}")


def dry_run_argv(argv: list[str]) -> list[str]:
    """The page's arguments with the output made a client-side dry run as YAML."""
    kept, skip = [], False
    for word in argv[1:]:
        if skip:
            skip = False
        elif word in ("-o", "--output"):
            skip = True
        elif word.startswith(("-o=", "--output=", "--dry-run")) or (
            word.startswith("-o") and len(word) > 2
        ):
            continue
        else:
            kept.append(word)
    return [KUBECTL or "kubectl", *kept, "--dry-run=client", "-o", "yaml"]


def generate(argv: list[str], cwd: Path) -> dict:
    completed = subprocess.run(
        dry_run_argv(argv), cwd=cwd, capture_output=True, text=True, timeout=30, check=False
    )
    assert completed.returncode == 0, f"kubectl failed: {completed.stderr.strip()}"
    return yaml.safe_load(completed.stdout)


def secret_bytes(document: dict) -> dict[str, bytes]:
    """A Secret's values as bytes: data decoded from base64, stringData encoded as UTF-8."""
    values = {
        k: base64.b64decode(str(v), validate=True) for k, v in (document.get("data") or {}).items()
    }
    values.update({k: str(v).encode() for k, v in (document.get("stringData") or {}).items()})
    return values


def data_differences(generated: dict, example: dict) -> list[str]:
    """What differs between kubectl's object and the example's, key by key."""
    if generated["kind"] == "Secret":
        got, want = secret_bytes(generated), secret_bytes(example)
        problems = []
        if generated.get("type", "Opaque") != example.get("type", "Opaque"):
            problems.append(
                f"type: kubectl gives {generated.get('type')!r}, "
                f"example has {example.get('type')!r}"
            )
    else:
        got = {**(generated.get("data") or {}), **(generated.get("binaryData") or {})}
        want = {**(example.get("data") or {}), **(example.get("binaryData") or {})}
        problems = []
    for key in sorted(set(got) | set(want)):
        if key not in want:
            problems.append(f"key {key!r}: the command makes it, the example lacks it")
        elif key not in got:
            problems.append(f"key {key!r}: the example has it, the command does not make it")
        elif got[key] != want[key]:
            problems.append(
                f"key {key!r}: the command gives {got[key]!r}, the example has {want[key]!r}"
            )
    return problems


def check_generation(generation: Generation) -> list[str]:
    """Differences between what the page's command generates and the matching example file."""
    matches = example_objects(generation.kind, generation.name)
    if not matches:
        return [f"no example file holds {generation.kind} {generation.name!r}"]
    problems = []
    for path, document in matches:
        generated = generate(generation.argv, working_folder(generation.argv, path))
        shown = path.relative_to(ROOT)
        problems.extend(f"{shown}: {p}" for p in data_differences(generated, document))
    return problems


def comment_command_lines(path: Path) -> list[CommandLine]:
    """The shell commands an example file shows in its comments (``#   kubectl create …``),
    joined over ``\\`` continuations; they are on the page wherever the file is shown."""
    found = []
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        text = lines[index].strip()
        start = index + 1
        index += 1
        if not text.startswith("#"):
            continue
        command = text.lstrip("#").strip()
        if not command.startswith(("kubectl ", "echo ")):
            continue
        while command.endswith("\\") and index < len(lines):
            command = command[:-1].rstrip() + " " + lines[index].strip().lstrip("#").strip()
            index += 1
        found.append(CommandLine(path, start, command, "comment"))
    return found


def example_comment_lines() -> list[CommandLine]:
    return [
        line
        for path in sorted(EXAMPLES.rglob("*.y*ml"))
        if "templates" not in path.parts
        for line in comment_command_lines(path)
    ]


GENERATIONS = page_generations(all_command_lines()) + page_generations(example_comment_lines())


def test_the_pages_show_generation_commands():
    # The config page's two commands (plus their --dry-run twins) and the Locust ConfigMap.
    assert len(GENERATIONS) >= 4, GENERATIONS
    assert any(g.where.startswith("examples/") for g in GENERATIONS), "no example comment seen"


@needs_kubectl
@pytest.mark.parametrize("generation", GENERATIONS, ids=lambda g: g.where)
def test_page_command_generates_the_example_data(generation):
    assert check_generation(generation) == []


# --- echo … | base64 ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Base64Line:
    where: str
    page: Path
    value: str
    newline: bool  # echo without -n: the value ends with a newline
    decode: bool
    shown: str | None  # the output line the page shows under the command


def base64_lines(page: Path) -> list[Base64Line]:
    found = []
    lines = page.read_text(encoding="utf-8").splitlines()
    for command_line in command_lines(page):
        match = _ECHO_BASE64.match(command_line.text)
        if not match:
            continue
        following = lines[command_line.line] if command_line.line < len(lines) else ""
        output = following.strip()
        shown = output if output and not output.startswith(("$", "`", "~")) else None
        found.append(
            Base64Line(
                command_line.where(),
                page,
                match["value"],
                newline=match["n"] is None,
                decode=match["decode"] is not None,
                shown=shown,
            )
        )
    return found


def run_base64(line: Base64Line) -> str:
    """The real base64's output for the line's echo (the encoding or decoding side)."""
    data = line.value + ("\n" if line.newline else "")
    argv = [BASE64 or "base64", *(["-d"] if line.decode else [])]
    completed = subprocess.run(
        argv, input=data.encode(), capture_output=True, timeout=10, check=True
    )
    return completed.stdout.decode().rstrip("\n")


def page_secret_values(page: Path) -> dict[str, set[str]]:
    """base64 values of the data of every Secret example the page includes (for an example
    file: its own Secrets), by file."""
    values: dict[str, set[str]] = {}
    if page.suffix in {".yaml", ".yml"}:
        included = {page.name: page}
    else:
        text = page.read_text(encoding="utf-8")
        included = {rel: EXAMPLES / rel for rel in _EXAMPLE_DIRECTIVE.findall(text)}
    for relative, path in included.items():
        if path.suffix not in {".yaml", ".yml"} or not path.is_file():
            continue
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if isinstance(document, dict) and document.get("kind") == "Secret":
                encoded = {base64.b64encode(v).decode() for v in secret_bytes(document).values()}
                values.setdefault(relative, set()).update(encoded)
    return values


def base64_problems(line: Base64Line) -> list[str]:
    problems = []
    output = run_base64(line)
    if line.shown is not None and output != line.shown:
        problems.append(f"base64 prints {output!r}, the page shows {line.shown!r}")
    if not line.decode and not line.newline:  # echo -n: a value meant for a Secret's data
        secrets = page_secret_values(line.page)
        if not secrets:
            problems.append("the page includes no Secret example to hold this value")
        elif not any(output in values for values in secrets.values()):
            problems.append(f"{output!r} ({line.value!r}) is in none of {sorted(secrets)}")
    return problems


_COMMENT_ARROW = re.compile(r"^(?P<command>.*?)\s+→\s+(?P<shown>\S+)$")


def comment_base64_lines() -> list[Base64Line]:
    """``echo -n 'X' | base64  → Y`` in an example's comments: Y must be what base64 prints
    and a value of that file's Secret."""
    found = []
    for command_line in example_comment_lines():
        arrow = _COMMENT_ARROW.match(command_line.text)
        match = _ECHO_BASE64.match(arrow["command"] if arrow else command_line.text)
        if match:
            found.append(
                Base64Line(
                    command_line.where(),
                    command_line.page,
                    match["value"],
                    newline=match["n"] is None,
                    decode=match["decode"] is not None,
                    shown=arrow["shown"] if arrow else None,
                )
            )
    return found


BASE64_LINES = [
    *(line for page in sorted(DOCS.rglob("*.md")) for line in base64_lines(page)),
    *comment_base64_lines(),
]


def test_the_pages_show_base64_lines():
    assert any(not line.decode and not line.newline for line in BASE64_LINES), BASE64_LINES


@needs_base64
@pytest.mark.parametrize("line", BASE64_LINES, ids=lambda line: line.where)
def test_base64_line_matches_the_page_and_the_secret(line):
    assert base64_problems(line) == []


# --- seeded drift ------------------------------------------------------------------------------


def _config_generation(kind: str) -> Generation:
    for generation in GENERATIONS:
        if generation.kind == kind and "config.md" in generation.where:
            return generation
    raise AssertionError(f"the config page shows no kubectl create for a {kind}")


@needs_kubectl
def test_a_changed_secret_literal_is_reported():
    generation = _config_generation("Secret")
    argv = [w.replace("example-password-123", "example-password-124") for w in generation.argv]
    assert argv != generation.argv
    problems = check_generation(Generation(generation.where, "Secret", generation.name, argv))
    assert any("'db.password'" in p and "example-password-124" in p for p in problems), problems


@needs_kubectl
def test_a_changed_configmap_literal_is_reported():
    generation = _config_generation("ConfigMap")
    argv = [w.replace("db.host=postgres", "db.host=postgres-primary") for w in generation.argv]
    assert argv != generation.argv
    problems = check_generation(Generation(generation.where, "ConfigMap", generation.name, argv))
    assert any("'db.host'" in p and "postgres-primary" in p for p in problems), problems


@needs_kubectl
def test_a_missing_literal_is_reported():
    generation = _config_generation("Secret")
    argv = [w for w in generation.argv if not w.startswith("--from-literal=db.user=")]
    problems = check_generation(Generation(generation.where, "Secret", generation.name, argv))
    assert problems == [
        "examples/kubernetes/config/secret.yaml: key 'db.user': the example has it, "
        "the command does not make it"
    ]


def test_a_changed_example_value_is_reported():
    generated = {"kind": "Secret", "type": "Opaque", "data": {"db.user": "YXBw"}}
    example = {"kind": "Secret", "type": "Opaque", "stringData": {"db.user": "admin"}}
    assert data_differences(generated, example) == [
        "key 'db.user': the command gives b'app', the example has b'admin'"
    ]


def test_an_unknown_object_is_reported():
    generation = Generation("synthetic.md:1", "Secret", "no-such-secret", ["kubectl"])
    assert check_generation(generation) == ["no example file holds Secret 'no-such-secret'"]


@needs_base64
def test_a_drifted_base64_line_is_reported(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "```{example} kubernetes/config/secret.yaml\n```\n\n"
        "```console\n$ echo -n 'example-password-124' | base64\n"
        "ZXhhbXBsZS1wYXNzd29yZC0xMjM=\n```\n",
        encoding="utf-8",
    )
    [line] = base64_lines(page)
    problems = base64_problems(line)
    assert problems[0] == (
        "base64 prints 'ZXhhbXBsZS1wYXNzd29yZC0xMjQ=', "
        "the page shows 'ZXhhbXBsZS1wYXNzd29yZC0xMjM='"
    )
    assert "is in none of ['kubernetes/config/secret.yaml']" in problems[1]


def test_comment_commands_are_joined_and_a_drifted_comment_is_reported(tmp_path):
    example = tmp_path / "secret.yaml"
    example.write_text(
        "#   echo -n 'app' | base64   → YXBx\n"
        "#   kubectl create secret generic s --from-literal=a=b \\\n"
        "#     --dry-run=client -o yaml\n"
        "kind: Secret\ndata:\n  db.user: YXBw\n",
        encoding="utf-8",
    )
    echo, create = comment_command_lines(example)
    assert (create.line, create.text) == (
        2,
        "kubectl create secret generic s --from-literal=a=b --dry-run=client -o yaml",
    )
    arrow = _COMMENT_ARROW.match(echo.text)
    assert arrow is not None and arrow["shown"] == "YXBx"
    line = Base64Line("x", example, "app", newline=False, decode=False, shown=arrow["shown"])
    assert base64_problems(line) == ["base64 prints 'YXBw', the page shows 'YXBx'"]


def test_generation_of_reads_the_object_name():
    assert generation_of(
        ["kubectl", "create", "secret", "generic", "-n", "prod", "s1", "--from-literal=a=b"]
    ) == ("Secret", "s1")
    assert generation_of(["kubectl", "create", "configmap", "c1", "--from-env-file=x"]) is None
    assert generation_of(["kubectl", "create", "secret", "tls", "t", "--cert=c"]) is None
