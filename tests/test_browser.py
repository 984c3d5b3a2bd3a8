"""The HTML report in a real headless browser (Debian's chromium): it loads, runs, shows every section."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_bench

FIXTURE = Path(__file__).parent / "fixtures" / "run-basic"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = "chromium is not installed (apt-get install chromium)"
        if os.environ.get("GILBENCH_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html")
    done = run_bench("report", str(FIXTURE), "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out / "report.html"


def _browse(chromium: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_page_loads_without_errors_and_shows_every_section(chromium: str, report_page: Path, tmp_path: Path) -> None:
    done = _browse(chromium, tmp_path, "--dump-dom", report_page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert 'data-ready="ok"' in dom, "the page's script did not run to the end"
    assert "Uncaught" not in done.stderr
    for anchor in (
        "warnings",
        "what-was-measured",
        "gil-impact",
        "cost-of-free-threading-on-one-thread",
        "interpreters-against-each-other",
        "every-cell",
        "pictures",
    ):
        if anchor == "warnings" and 'id="warnings"' not in dom:
            continue  # the fixture run has nothing to warn about
        assert f'id="{anchor}"' in dom
    assert len(re.findall(r"<img [^>]*src=\"data:image/png;base64,", dom)) == 3  # speed-up, timeline, bars
    assert "http://" not in dom and "https://" not in dom  # self-contained: nothing to fetch


def test_screenshot_of_the_report(chromium: str, report_page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    done = _browse(chromium, tmp_path, f"--screenshot={shot}", "--window-size=1400,2400", report_page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a page with tables and pictures, not a blank one
