"""The one error type that becomes a one-line message and exit code 2.

Guest code: standard library only.
"""

from __future__ import annotations

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input from the user.  The message names the bad value and what is accepted."""
