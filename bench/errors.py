"""The errors that become one line, and gilbench's exit codes.

Guest code: standard library only.

Exit codes of ``python -m bench run`` (documented in the README, "What gilbench guarantees"):

- 0: every cell measured (or ``unsupported`` by this interpreter, a final answer);
- 2: bad input (:class:`UsageError`), refused before anything is measured;
- 3: the run finished and its file is written, but a cell failed or timed out;
- 4: the result could not be written (:class:`WriteError`, e.g. a full disk): the file keeps every cell
  saved before;
- 130: interrupted (Ctrl-C or SIGTERM): the file keeps every repetition measured so far.
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

EXIT_USAGE = 2
EXIT_CELLS_FAILED = 3
EXIT_WRITE_FAILED = 4
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """Bad input from the user.  The message names the bad value and what is accepted."""


class WriteError(Exception):
    """A result or report could not be written.  The message names the path, and what it still holds."""


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (no usage dump) and exit code 2: every parser of gilbench's."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        sys.exit(EXIT_USAGE)
