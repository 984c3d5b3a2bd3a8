"""The HTML report in a real headless browser (Debian's chromium): it loads, runs, shows every section."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from bench.host.browser import find_chromium, run_chromium, screenshot
from tests.conftest import run_bench

FIXTURE = Path(__file__).parent / "fixtures" / "run-basic"


@pytest.fixture(scope="module")
def chromium() -> str:
    found = find_chromium()
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


def test_page_loads_without_errors_and_shows_every_section(chromium: str, report_page: Path, tmp_path: Path) -> None:
    done = run_chromium(chromium, tmp_path / "profile", "--dump-dom", report_page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert 'data-ready="ok"' in dom, "the page's script did not run to the end"
    assert "Uncaught" not in done.stderr
    for anchor in (
        "the-answer",
        "what-was-measured",
        "the-machine-during-the-run",
        "gil-impact",
        "cost-of-free-threading-on-one-thread",
        "interpreters-against-each-other",
        "every-cell",
        "pictures",
    ):
        assert f'id="{anchor}"' in dom
    # the talk's pictures (cpu, io), speed-up curves, interpreters, probe
    assert len(re.findall(r"<img [^>]*src=\"data:image/png;base64,", dom)) == 5
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", dom)  # self-contained: nothing to fetch


def test_warnings_come_first(chromium: str, tmp_path: Path) -> None:
    folder = tmp_path / "run"
    folder.mkdir()
    for path in FIXTURE.glob("*.json"):
        if path.name != "pypy3.json":
            (folder / path.name).write_text(path.read_text())
    assert run_bench("report", str(folder)).returncode == 0
    dom = run_chromium(chromium, tmp_path / "profile", "--dump-dom", (folder / "report.html").as_uri()).stdout
    assert 'id="warnings"' in dom
    assert dom.index('id="warnings"') < dom.index('id="what-was-measured"')
    assert "Interpreter pypy3 is missing from this run" in dom


def test_tables_sort_by_their_numbers_in_the_browser(chromium: str, tmp_path: Path) -> None:
    """The answer table opened sorted by "per cell (ms)", its sixth column: 20.0 < 105 < 500 (as text, 105 would
    come first)."""
    folder = tmp_path / "run"
    shutil.copytree(Path(__file__).parent / "fixtures" / "run-verdicts", folder)
    assert run_bench("report", str(folder)).returncode == 0
    page = (folder / "report.html").as_uri() + "#sort=the-answer-in-detail:5"
    dom = run_chromium(chromium, tmp_path / "profile", "--dump-dom", page).stdout
    answer = dom.split('id="the-answer-in-detail"', 1)[1].split("</table>", 1)[0]
    workloads = re.findall(r"<tr><td>(\w+)</td>", answer)
    assert workloads == ["cpu", "io", "io", "io", "objects", "cpu", "objects", "cpu", "objects"]


def test_screenshot_of_the_report(chromium: str, report_page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    done = screenshot(chromium, report_page, shot, tmp_path / "profile", size="1400,2400")
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a page with tables and pictures, not a blank one
