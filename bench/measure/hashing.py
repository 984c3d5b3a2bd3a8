"""The ``hash`` task: C code that releases the GIL while it works.

Guest code: standard library only.
"""

from __future__ import annotations

import hashlib

_buffers: dict[int, bytes] = {}


def _buffer(mebibytes: float) -> bytes:
    size = int(mebibytes * 1024 * 1024)
    buffer = _buffers.get(size)
    if buffer is None:
        buffer = bytes(range(256)) * (size // 256) + bytes(size % 256)
        _buffers[size] = buffer
    return buffer


def sha256(mebibytes: float) -> str:
    """Hash a buffer of ``mebibytes`` MiB; hashlib releases the GIL for large inputs."""
    return hashlib.sha256(_buffer(mebibytes)).hexdigest()
