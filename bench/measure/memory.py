"""Peak resident memory, from the kernel's own accounting.

Guest code: standard library only.  On Linux ``VmHWM`` in ``/proc/<pid>/status``
is a process's peak resident set; writing 5 to ``/proc/self/clear_refs``
resets it to the current size, so a repetition's peak is its own and not the
warm-up's.  Pages a forked worker shares with its parent count in both
(that is what each process holds resident), so a process pool's sum is what
the kernel charges, not what a fresh machine would need.  Elsewhere the peak
comes from ``getrusage`` (this process only, never reset).
"""

from __future__ import annotations

import sys
from typing import Optional, Union


def reset_peak() -> bool:
    """Start this process's peak over from its current size (Linux); False where the kernel does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def peak_rss_bytes(pid: Union[int, str] = "self") -> Optional[int]:
    """A process's peak resident memory in bytes, None where it cannot be read (the process is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    if pid != "self":
        return None
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)  # bytes on macOS, KiB elsewhere
