"""The hash task: C code over a buffer made once, so a task is the hashing alone."""

from __future__ import annotations

import hashlib

from bench.measure import hashing


def test_sha256_hashes_the_whole_buffer() -> None:
    digest = hashing.sha256(1)
    assert digest == hashlib.sha256(hashing._buffer(1)).hexdigest()
    assert len(hashing._buffer(1.5)) == int(1.5 * 1024 * 1024)


def test_the_buffer_is_made_once_per_size() -> None:
    assert hashing._buffer(2) is hashing._buffer(2)
