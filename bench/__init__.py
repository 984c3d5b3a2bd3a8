"""gilbench: what the GIL really costs, measured across interpreters.

The package is split in two, and imports only go downward:

- guest, ``bench.measure``: runs inside every measured interpreter (standard
  library and ``requests`` only, Python >= 3.9, PyPy, free-threaded builds);
- host, ``bench.provision`` and ``bench.report``: runs under nox's Python;
- shared by both: ``bench.result`` (the result model), ``bench.layout`` (names
  and places), ``bench.errors``, and ``bench.server`` (the page server, which
  always runs in a process of its own).
"""

__version__ = "0.1.0"
