"""A free-threaded build whose GIL the workloads switch back on: said at once in one line naming the module, or
refused with --require-free-threading (exit 2).  A real C extension without ``Py_mod_gil``, built here against this
interpreter's own headers, and a real ``PYTHON_GIL=1``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
from pathlib import Path

import pytest

from bench.measure import introspect
from tests.conftest import run_bench

pytestmark = pytest.mark.skipif(
    not introspect.free_threaded_build(), reason="only a free-threaded build has a GIL to switch back on"
)

EXTENSION = r"""
#include <Python.h>
static PyObject *work(PyObject *self, PyObject *arg) { return PyLong_FromLong(1); }
static PyMethodDef methods[] = {{"work", work, METH_O, NULL}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "gilful", NULL, -1, methods};
PyMODINIT_FUNC PyInit_gilful(void) { return PyModule_Create(&module); }  /* no Py_mod_gil: the GIL goes on */
"""


@pytest.fixture(scope="module")
def gilful(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with ``gilful`` (the extension) and ``usesgil`` (a workload module that imports it)."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler here to build the extension")
    folder = tmp_path_factory.mktemp("gilful")
    (folder / "gilful.c").write_text(EXTENSION)
    target = folder / f"gilful{sysconfig.get_config_var('EXT_SUFFIX')}"
    include = sysconfig.get_paths()["include"]
    subprocess.run(
        [compiler, "-shared", "-fPIC", f"-I{include}", str(folder / "gilful.c"), "-o", str(target)], check=True
    )
    (folder / "usesgil.py").write_text("import gilful\n\n\ndef work(n):\n    return gilful.work(n)\n")
    return folder


def dry_run(folder: Path | None, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    paths = [str(folder)] if folder else []
    environ = {"PYTHONPATH": os.pathsep.join([*paths, os.environ.get("PYTHONPATH", "")]), **env}
    return run_bench("run", "--dry-run", *args, env=environ, timeout=120)


def test_an_extension_without_py_mod_gil_is_named_at_once_on_one_line(gilful: Path) -> None:
    done = dry_run(gilful, "--workloads", "usesgil:work=1")
    assert done.returncode == 0, done.stderr
    [line] = [line for line in done.stderr.splitlines() if "its GIL is on" in line]
    assert line.startswith("gilbench: warning: ") and "importing gilful switched it back on" in line
    assert "--require-free-threading makes this an error" in line and "PYTHON_GIL=0" in line
    assert "GIL on after importing" in done.stdout


def test_require_free_threading_refuses_it_before_anything_is_measured(gilful: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    done = run_bench(
        "run", "--workloads", "usesgil:work=1", "--executors", "serial", "--repeat", "1", "--load", "1",
        "--require-free-threading", "--out", str(out),
        env={"PYTHONPATH": os.pathsep.join([str(gilful), os.environ.get("PYTHONPATH", "")])}, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()[-1:]
    assert line.startswith("gilbench: error: ") and "importing gilful switched it back on" in line
    assert line.endswith("--require-free-threading refuses to measure it")
    assert not out.exists()  # nothing measured, nothing written


def test_python_gil_1_is_named_as_the_cause() -> None:
    done = dry_run(None, "--workloads", "cpu=1000", PYTHON_GIL="1")
    assert done.returncode == 0, done.stderr
    assert "its GIL is on: PYTHON_GIL=1 is set" in done.stderr
    refused = dry_run(None, "--workloads", "cpu=1000", "--require-free-threading", PYTHON_GIL="1")
    assert refused.returncode == 2 and "refuses to measure it" in refused.stderr


def test_a_free_threading_run_says_nothing_when_the_gil_stays_off() -> None:
    done = dry_run(None, "--workloads", "cpu=1000", "--require-free-threading", PYTHON_GIL="0")
    assert done.returncode == 0, done.stderr
    assert "GIL is on" not in done.stderr
