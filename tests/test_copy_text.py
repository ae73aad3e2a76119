"""The copy button's rules (docs/_ext/copy_text.py): commands of a session, files verbatim."""

from __future__ import annotations

import pytest

from tests.fixtures.site.site_build import extension

_rules = extension("copy_text")
PROMPT_RULES, copy_text, is_session = _rules.PROMPT_RULES, _rules.copy_text, _rules.is_session


def test_the_prompt_is_removed() -> None:
    assert copy_text("console", "$ kubectl get pods\n") == "kubectl get pods"


def test_output_lines_are_dropped() -> None:
    block = (
        "$ kubectl get pods\n"
        "NAME    READY   STATUS\n"
        "web-1   1/1     Running\n"
        "\n"
        "$ kubectl get svc\n"
        "NAME   TYPE\n"
    )
    assert copy_text("console", block) == "kubectl get pods\nkubectl get svc"


def test_continuation_lines_are_kept_as_shown() -> None:
    block = "$ docker run -d \\\n    --name web \\\n    nginx:1.28.0-alpine\nabc123\n"
    shown = "docker run -d \\\n    --name web \\\n    nginx:1.28.0-alpine"
    assert copy_text("console", block) == shown


def test_a_continuation_prompt_is_removed() -> None:
    assert copy_text("console", "$ echo a \\\n> b\na b\n") == "echo a \\\nb"


@pytest.mark.parametrize("opener", ["<<EOF", "<<'EOF'", '<<"EOF"', "<< EOF"])
def test_a_heredoc_body_is_kept_up_to_its_delimiter(opener: str) -> None:
    block = (
        f"$ cat {opener} | kubectl apply -f -\n"
        "# 주석도 본문입니다\n"
        "apiVersion: v1\n"
        "EOF\n"
        "configmap/x created\n"
    )
    assert copy_text("console", block) == (
        f"cat {opener} | kubectl apply -f -\n# 주석도 본문입니다\napiVersion: v1\nEOF"
    )


def test_a_dash_heredoc_ends_at_a_tab_indented_delimiter() -> None:
    block = "$ cat <<-EOF\n\tbody\n\tEOF\noutput\n"
    assert copy_text("console", block) == "cat <<-EOF\n\tbody\n\tEOF"


def test_a_here_string_opens_no_body() -> None:
    assert copy_text("console", "$ grep x <<< EOF\nEOF\n") == "grep x <<< EOF"


def test_hash_is_no_prompt_of_the_pages_sessions() -> None:
    # The pages write no root prompt; a "# " line of a session is output, never a command.
    assert copy_text("console", "$ id -u\n# 0\n") == "id -u"


def test_a_yaml_comment_keeps_its_hash() -> None:
    text = "# 파드 하나를 실행합니다.\napiVersion: v1\nkind: Pod\n"
    assert copy_text("yaml", text) == text


def test_a_dockerfile_comment_and_a_dollar_line_are_file_content() -> None:
    text = "# syntax=docker/dockerfile:1\nFROM alpine:3.22\n$ not a prompt here\n"
    assert copy_text("dockerfile", text) == text


def test_the_trailing_newline_is_kept() -> None:
    assert copy_text("yaml", "a: 1\n").endswith("\n")
    assert copy_text("text", "line\n\n") == "line\n\n"


@pytest.mark.parametrize("lexer", ["bash", "text", "json", "python", "no-such-lexer", ""])
def test_every_other_lexer_copies_verbatim(lexer: str) -> None:
    text = "$ echo hi\n# comment\n>>> 1 + 1\n"
    assert copy_text(lexer, text) == text
    assert not is_session(lexer)


def test_every_session_lexer_drops_output_whatever_its_case() -> None:
    for lexer in PROMPT_RULES:
        assert copy_text(lexer.upper(), "$ ls\nfile\n") == "ls"
