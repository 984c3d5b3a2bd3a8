"""Debian packages gilbench may install: build dependencies, PyPy, the browser for the HTML test.

Host code.  Installing is allowed only as root with apt-get, and never when
``GILBENCH_SYSTEM_PACKAGES=0``; every caller says what to install by hand otherwise.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path


def system_packages_allowed() -> bool:
    """Installing Debian packages is allowed as root with apt, unless GILBENCH_SYSTEM_PACKAGES=0."""
    return (
        os.environ.get("GILBENCH_SYSTEM_PACKAGES", "1") != "0"
        and hasattr(os, "geteuid")
        and os.geteuid() == 0
        and shutil.which("apt-get") is not None
    )


def apt_install(packages: list[str], log: Path) -> bool:
    """``apt-get install`` (running ``apt-get update`` once if the lists are stale)."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    with open(log, "a") as handle:
        for attempt in range(2):
            if attempt:
                subprocess.run(["apt-get", "update"], stdout=handle, stderr=subprocess.STDOUT, env=env, check=False)
            done = subprocess.run(
                ["apt-get", "install", "-y", "--no-install-recommends", *packages],
                stdout=handle,
                stderr=subprocess.STDOUT,
                env=env,
                check=False,
            )
            if done.returncode == 0:
                return True
    return False
