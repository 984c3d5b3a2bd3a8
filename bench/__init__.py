"""gilbench: what the GIL really costs, measured across interpreters.

The package is split in two.  Guest modules (``workloads``, ``executors``,
``runner``, ``introspect``, ``cli`` and this file) run inside every measured
interpreter and import only the standard library and ``requests``.  Host
modules (provisioning, the IO server, the report) run under nox's Python.
"""

__version__ = "0.1.0"
