"""Peak memory: read from the kernel, reset before a repetition, larger after memory was really used."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bench.measure import memory


def test_the_peak_grows_with_memory_really_touched() -> None:
    if not memory.reset_peak():  # else the peak may already be above what this test touches
        pytest.skip("this kernel does not let a process reset its peak (/proc/self/clear_refs)")
    before = memory.peak_rss_bytes()
    assert before is not None and before > 0
    block = bytearray(64 * 1024 * 1024)  # zero pages are mapped on write: touch every page
    for offset in range(0, len(block), 4096):
        block[offset] = 1
    after = memory.peak_rss_bytes()
    assert after is not None and after >= before + 60 * 1024 * 1024
    del block


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="VmHWM is Linux's")
def test_a_gone_process_has_no_peak() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    assert memory.peak_rss_bytes(int(done.stdout)) is None
