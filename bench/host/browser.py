"""Headless Chromium, to look at the HTML report the way a reader does (tests and docs screenshots).

Host code.  The flags keep a root, offline machine quiet: no sandbox (root),
no GPU, and none of the background connections Chromium would otherwise try.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def find_chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def run_chromium(chromium: str, profile: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with a fresh profile folder; ``args`` say what to do with which page."""
    return subprocess.run(
        [chromium, *CHROMIUM_FLAGS, "--enable-logging=stderr", "--v=0", f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def screenshot(
    chromium: str, page: Path, out: Path, profile: Path, size: str = "1400,2000"
) -> subprocess.CompletedProcess[str]:
    return run_chromium(chromium, profile, f"--screenshot={out}", f"--window-size={size}", page.resolve().as_uri())
