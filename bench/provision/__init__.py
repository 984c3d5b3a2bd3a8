"""Host side: interpreters on demand (specs, discovery, sources, builds, cache, system packages).

Runs under the Python that runs nox.  It never imports measuring code: it runs
``bench/measure/introspect.py`` as a script under each candidate instead.
"""
