"""Find and start the system's Chromium for the browser suite.

Playwright's own browser download cannot work on this project's machines, so the suite drives
a browser from the operating system's packages (Debian's ``chromium``; on GitHub's Ubuntu
runners, the preinstalled Google Chrome) through ``executable_path``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# In order of preference; BROWSER_EXECUTABLE overrides all of them.
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# What the machine guide asks for a headless Chromium in a closed network: no background
# connections (they would be refused by the hundred), a fresh profile, no GPU, no sandbox (root).
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def find_browser() -> Path | None:
    """The Chromium executable to drive, or None when the machine has none."""
    named = os.environ.get("BROWSER_EXECUTABLE")
    if named:
        path = Path(named)
        return path if path.is_file() and os.access(path, os.X_OK) else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def korean_font_installed() -> bool:
    """True when fontconfig knows a font with Korean glyphs (fonts-noto-cjk or another)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    import subprocess

    out = subprocess.run(
        [fc_list, ":lang=ko", "family"], capture_output=True, text=True, timeout=30, check=False
    )
    return bool(out.stdout.strip())
