"""Shared by the tests of the non-Kubernetes checks: run the checker without its Kubernetes part."""

from __future__ import annotations

from types import SimpleNamespace


def no_kubernetes(documents, **_):
    """A stand-in Kubernetes checker that finds nothing, so a test sees only its own tool."""
    return SimpleNamespace(findings=[], checked_by={}, fatal=None)
