"""The talk's IO task: download a page with one ``requests.Session`` per thread.

Guest code: standard library and ``requests``, imported with this module: only
io workloads import it, and a subinterpreter pays for it while it is set up
(the strategy's start-up), not inside its first task.
"""

from __future__ import annotations

import threading
from typing import Any

import requests

_thread_local = threading.local()


def _session() -> Any:
    """One ``requests.Session`` per thread (and so per process), as in the talk."""
    session = getattr(_thread_local, "session", None)
    if session is None:
        session = requests.Session()
        _thread_local.session = session
    return session


def download(url: str) -> int:
    """The talk's IO-bound task: fetch a page, return how many bytes were read."""
    with _session().get(url, timeout=30) as response:
        response.raise_for_status()
        return len(response.content)
