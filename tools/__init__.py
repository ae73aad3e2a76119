"""Repository tools run by nox sessions and CI jobs (not part of the examplecheck package)."""
