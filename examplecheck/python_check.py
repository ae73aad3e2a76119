"""Python examples (a locustfile, a small app): they must at least compile."""

from __future__ import annotations

import warnings

from .findings import Finding, Severity

TOOL = "python-compile"


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
            return [
                Finding(
                    display,
                    exc.lineno or 1,
                    exc.offset or 1,
                    Severity.ERROR,
                    "python-syntax",
                    TOOL,
                    str(exc.msg),
                )
            ]
        except ValueError as exc:  # source with NUL bytes (read_text rejects those first)
            return [Finding(display, 1, 1, Severity.ERROR, "python-syntax", TOOL, str(exc))]
    return [
        Finding(
            display,
            warning.lineno or 1,
            1,
            Severity.WARNING,
            "python-compile-warning",
            TOOL,
            f"{warning.category.__name__}: {warning.message}",
        )
        for warning in caught
    ]
