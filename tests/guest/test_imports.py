"""The guest side imports only what it may: the standard library, ``requests``, and guest or shared gilbench modules.

Run under every provisioned interpreter (``nox -s guest_tests``): importing
every guest module in a fresh process must load no host module (``bench.provision``,
``bench.report``), nothing else from outside the standard library and
``requests``, and must leave the GIL off on a free-threaded build.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

GUEST_MODULES = [
    "bench",
    "bench.__main__",
    "bench.errors",
    "bench.interrupts",
    "bench.result",
    "bench.layout",
    "bench.vocabulary",
    "bench.verdict",
    "bench.measure",
    "bench.measure.workloads",
    "bench.measure.tasks",
    "bench.measure.downloads",
    "bench.measure.hashing",
    "bench.measure.strategy",
    "bench.measure.strategies",
    "bench.measure.strategies.serial",
    "bench.measure.strategies.threads",
    "bench.measure.strategies.processes",
    "bench.measure.strategies.interpreters",
    "bench.measure.strategies.asyncio",
    "bench.measure.strategies.offload",
    "bench.measure.async_tasks",
    "bench.measure.http_client",
    "bench.measure.introspect",
    "bench.measure.hygiene",
    "bench.measure.config",
    "bench.measure.surroundings",
    "bench.measure.cell",
    "bench.measure.loop",
    "bench.measure.estimate",
    "bench.measure.memory",
    "bench.measure.probe",
    "bench.measure.orphans",
]
REQUESTS_AND_ITS_DEPENDENCIES = {"requests", "urllib3", "idna", "charset_normalizer", "certifi", "chardet"}
GUEST_AND_SHARED = (
    "bench.measure",
    "bench.result",
    "bench.layout",
    "bench.errors",
    "bench.interrupts",
    "bench.vocabulary",
    "bench.verdict",
    "bench.__main__",
)

PROBE = """
import json, os, sys, sysconfig
before = set(sys.modules)
import importlib
for name in sys.argv[1:]:
    importlib.import_module(name)
from bench.measure import workloads
workloads.import_dependencies([workloads.parse_workload(name) for name in workloads.BUILTINS])
stdlib_dirs = {os.path.realpath(sysconfig.get_paths()[key]) for key in ("stdlib", "platstdlib")}
loaded = {}
for name in set(sys.modules) - before:
    module = sys.modules[name]
    path = getattr(module, "__file__", None) or ""
    real = os.path.realpath(path) if path else ""
    in_stdlib = not path or any(real.startswith(d + os.sep) and "site-packages" not in real for d in stdlib_dirs)
    loaded[name] = in_stdlib
gil = getattr(sys, "_is_gil_enabled", lambda: True)()
print(json.dumps({"loaded": loaded, "gil": gil, "free_threaded": sysconfig.get_config_var("Py_GIL_DISABLED") == 1}))
"""


def test_guest_modules_load_only_the_standard_library_and_requests() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *GUEST_MODULES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},  # no PYTHONPATH, no PYTHON_GIL: what a measured cell sees
    )
    report = json.loads(done.stdout)
    loaded: dict[str, bool] = report["loaded"]
    gilbench = sorted(name for name in loaded if name == "bench" or name.startswith("bench."))
    host = [name for name in gilbench if name not in ("bench",) and not name.startswith(GUEST_AND_SHARED)]
    assert host == [], f"guest code loaded host modules: {host}"
    outside = sorted(
        name
        for name, in_stdlib in loaded.items()
        if not in_stdlib
        and name.split(".")[0] not in REQUESTS_AND_ITS_DEPENDENCIES
        and not name.endswith("__mypyc")  # charset_normalizer's compiled helper; the GIL check below covers it
        and not (name == "bench" or name.startswith("bench."))
    )
    assert outside == [], f"guest code loaded modules from outside the standard library and requests: {outside}"
    assert set(GUEST_MODULES) <= set(gilbench) | {"bench"}
    if report["free_threaded"]:
        assert report["gil"] is False, "importing the guest modules switched the GIL back on"


def test_every_guest_module_is_in_the_import_check() -> None:
    """A new module in bench/measure must join the list above, or the import check would miss it."""
    measure = ROOT / "bench" / "measure"
    found = {
        "bench." + ".".join(path.relative_to(measure.parent).with_suffix("").parts) for path in measure.rglob("*.py")
    }
    found = {name.removesuffix(".__init__") for name in found}
    assert found <= set(GUEST_MODULES)
