"""Headless Chromium, to look at the HTML report the way a reader does (tests and docs screenshots).

Host code.  The flags keep a root, offline machine quiet: no sandbox (root),
no GPU, and none of the background connections Chromium would otherwise try.
"""

from __future__ import annotations

import hashlib
import json
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


SOURCE_SUFFIX = ".source.json"
"""Beside a screenshot: which report it shows, and that report's SHA-256, so a test can tell a picture that is
older than the report it claims to show."""


def source_of(picture: Path) -> Path:
    return picture.with_name(picture.name + SOURCE_SUFFIX)


def page_digest(page: Path) -> str:
    return hashlib.sha256(page.read_bytes()).hexdigest()


def record_source(picture: Path, page: Path, root: Path) -> Path:
    """Write the record of which page (relative to ``root``) ``picture`` shows, as it is now."""
    record = {"page": page.resolve().relative_to(root.resolve()).as_posix(), "sha256": page_digest(page)}
    target = source_of(picture)
    target.write_text(json.dumps(record, indent=2) + "\n")
    return target
