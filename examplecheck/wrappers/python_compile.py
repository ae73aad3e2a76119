"""Python examples (a locustfile, a small app): they must at least compile."""

from __future__ import annotations

import warnings

from ..findings import Finding, Severity
from ..rules import RuleSet

TOOL = "python-compile"
PYTHON = RuleSet(
    TOOL,
    applies_to=("python",),
    title_ko="Python 코드",
    title_en="Python code",
)
PYTHON_SYNTAX = PYTHON.rule(
    "python-syntax",
    ko="Python 파일이 컴파일되지 않습니다(문법 오류). 코드는 실행하지 않습니다.",
    en="The Python file does not compile (a syntax error); nothing is executed.",
    fix_ko="메시지가 가리키는 줄과 열을 고칩니다.",
    fix_en="Fix the line and column the message names.",
)
PYTHON_COMPILE_WARNING = PYTHON.rule(
    "python-compile-warning",
    severity=Severity.WARNING,
    ko='Python 컴파일러가 경고했습니다(예: `"\\d"` 같은 잘못된 이스케이프).',
    en='The Python compiler warned (e.g. an invalid escape such as "\\d").',
    fix_ko='원시 문자열(`r"\\d"`)을 쓰거나 이스케이프를 고칩니다.',
    fix_en='Use a raw string (r"\\d") or fix the escape.',
)


def check(text: str, display: str) -> list[Finding]:
    """A syntax error as a finding at its line and column; nothing is executed.

    Compiler warnings (an invalid escape such as ``"\\d"``) become warning findings
    instead of text on stderr.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            compile(text, display, "exec", dont_inherit=True)
        except SyntaxError as exc:
            return [PYTHON_SYNTAX.finding(display, exc.lineno or 1, exc.offset or 1, str(exc.msg))]
        except ValueError as exc:  # source with NUL bytes (read_text rejects those first)
            return [PYTHON_SYNTAX.finding(display, 1, 1, str(exc))]
    return [
        PYTHON_COMPILE_WARNING.finding(
            display, warning.lineno or 1, 1, f"{warning.category.__name__}: {warning.message}"
        )
        for warning in caught
    ]
