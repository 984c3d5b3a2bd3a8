"""Guest side: everything that runs inside a measured interpreter.

Standard library and ``requests`` only, Python >= 3.9, PyPy and free-threaded
builds alike; nothing here may import host code (``bench.provision``,
``bench.report``) or anything compiled that would switch the GIL back on.
``tests/guest/test_imports.py`` checks this under every provisioned interpreter.
"""
