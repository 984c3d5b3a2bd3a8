"""The io task: a page from the real page server, with one ``requests.Session`` per thread, as the talk had it."""

from __future__ import annotations

import threading

from bench.measure import downloads


def test_download_reads_the_page_from_the_real_server(server_url: str) -> None:
    assert downloads.download(server_url + "page/0") == 20_000
    assert downloads.download(server_url + "page/1") == 20_000  # same session, kept alive


def test_each_thread_keeps_its_own_session(server_url: str) -> None:
    sessions = []

    def fetch() -> None:
        downloads.download(server_url + "page/0")
        sessions.append(id(downloads._session()))

    threads = [threading.Thread(target=fetch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    downloads.download(server_url + "page/0")
    assert len({*sessions, id(downloads._session())}) == 3
