"""Facts about the running interpreter and the machine it runs on.

Guest code: standard library only, Python >= 3.9, PyPy and free-threaded
CPython alike.  The host runs this file as a script (``python -I
introspect.py``) to verify what an interpreter really is before trusting it,
and the runner embeds the same facts in every result file, so the report and
the provisioner never disagree about what "free-threaded" or "GIL on" means.

Importing this module must not switch the GIL back on: it imports nothing
compiled beyond the standard library.
"""

from __future__ import annotations

import json
import os
import platform
import re
import sys
import sysconfig
from typing import Any, Optional

GOVERNOR_PATH = "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"
BUILD_INFO_NAME = "gilbench-build.json"
"""File that gilbench writes into the prefix of every interpreter it builds.

The same as ``bench.layout.BUILD_INFO_NAME`` (a test checks): this file is also
run on its own as a script, with nothing else of gilbench importable."""


def free_threaded_build() -> bool:
    """True for a ``--disable-gil`` build (``Py_GIL_DISABLED == 1``)."""
    return bool(sysconfig.get_config_var("Py_GIL_DISABLED") == 1)


def gil_enabled() -> bool:
    """Whether the GIL is on *now* in this process.

    On a free-threaded build an extension module without free-threading
    support re-enables the GIL when imported, so callers ask this after
    importing everything their workload needs.  Interpreters older than 3.13
    and PyPy always have a GIL.
    """
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    if is_enabled is None:
        return True
    return bool(is_enabled())


def jit_state() -> str:
    """Describe the JIT: "pypy" (tracing JIT, always on), "on"/"off" for CPython's."""
    if sys.implementation.name == "pypy":
        return "pypy"
    jit = getattr(sys, "_jit", None)
    if jit is not None and hasattr(jit, "is_enabled"):
        return "on" if jit.is_enabled() else "off"
    if sysconfig.get_config_var("_Py_JIT"):
        return "available"
    return "none"


DPKG_INFO = "/var/lib/dpkg/info"


def system_package(executable: str) -> Optional[str]:
    """``Debian package pypy3 7.3.11+dfsg-2+deb12u3`` when dpkg installed ``executable``, else None.

    Read from dpkg's own files (no subprocess), so a report says where an interpreter came from in words that
    hold on any machine, not as a path that only existed on the one that made the run.
    """
    if not os.path.isdir(DPKG_INFO):
        return None
    try:
        names = sorted(name for name in os.listdir(DPKG_INFO) if name.endswith(".list"))
        for name in names:
            with open(os.path.join(DPKG_INFO, name), encoding="utf-8", errors="replace") as handle:
                if any(line.rstrip("\n") == executable for line in handle):
                    package = name[: -len(".list")].split(":")[0]
                    return f"Debian package {package} {_dpkg_version(package) or ''}".rstrip()
    except OSError:
        return None
    return None


def _dpkg_version(package: str) -> Optional[str]:
    try:
        with open("/var/lib/dpkg/status", encoding="utf-8", errors="replace") as handle:
            current = None
            for line in handle:
                if line.startswith("Package: "):
                    current = line[len("Package: ") :].strip()
                elif current == package and line.startswith("Version: "):
                    return line[len("Version: ") :].strip()
    except OSError:
        return None
    return None


def build_facts() -> dict[str, Any]:
    """How this interpreter was compiled, so the report can warn when twins differ."""
    config = sysconfig.get_config_var
    facts: dict[str, Any] = {
        "compiler": platform.python_compiler(),
        "build_date": " ".join(platform.python_build()[1:]),
        "config_args": config("CONFIG_ARGS") or "",
        "cflags": config("OPT") or "",
        "pgo": "--enable-optimizations" in (config("CONFIG_ARGS") or ""),
        "lto": "--with-lto" in (config("CONFIG_ARGS") or ""),
    }
    package = system_package(os.path.realpath(getattr(sys, "_base_executable", sys.executable)))
    if package:
        facts["system_package"] = package
    info_path = os.path.join(sys.base_prefix, BUILD_INFO_NAME)
    if os.path.isfile(info_path):
        try:
            with open(info_path, encoding="utf-8") as handle:
                facts["gilbench_build"] = json.load(handle)
        except (OSError, ValueError):
            facts["gilbench_build"] = {"error": "unreadable " + info_path}
    return facts


def interpreter_facts() -> dict[str, Any]:
    """The interpreter block of the JSON contract (without the ``label``)."""
    return {
        "implementation": sys.implementation.name,
        "version": platform.python_version(),
        "version_info": list(sys.version_info[:3]),
        "implementation_version": ".".join(str(part) for part in sys.implementation.version[:3]),
        "executable": sys.executable,
        "base_executable": os.path.realpath(getattr(sys, "_base_executable", sys.executable)),
        "base_prefix": sys.base_prefix,
        "free_threaded_build": free_threaded_build(),
        "gil_enabled": gil_enabled(),
        "python_gil_env": os.environ.get("PYTHON_GIL"),
        "jit": jit_state(),
        "build": build_facts(),
        "packages": guest_packages(),
    }


GUEST_PACKAGES = ("requests", "urllib3", "idna", "charset-normalizer", "certifi", "chardet")
"""``requests`` and what it pulls in: the only packages a measured interpreter imports (io, mixed)."""


def guest_packages() -> dict[str, str]:
    """The installed version of each guest package (those not installed are left out)."""
    from importlib import metadata

    found = {}
    for name in GUEST_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def requirement_names(requirements: list[str]) -> list[str]:
    """The distribution names of requirement lines (``numpy>=2; python_version >= "3.10"`` -> ``numpy``); option
    lines (``-e ../project``) name none."""
    names = []
    for line in requirements:
        found = _NAME.match(line.strip())
        if found and not line.strip().startswith("-"):
            names.append(found.group(0))
    return list(dict.fromkeys(names))


def package_versions(names: list[str]) -> dict[str, str]:
    """Each name's installed version, or "not installed": what the interpreter's environment holds of them."""
    from importlib import metadata

    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
"""The thread pools of BLAS and OpenMP libraries (numpy's among them): each would use every CPU by itself."""


_SET_HERE: set[str] = set()
"""The :data:`THREAD_VARIABLES` that :func:`one_thread_each` set (the rest were the user's)."""


def thread_counts() -> dict[str, str]:
    """What each of :data:`THREAD_VARIABLES` is, or will be once :func:`one_thread_each` ran: the user's value, or
    1, and who set it."""
    return {
        name: f"{os.environ[name]} (yours)" if name in os.environ and name not in _SET_HERE else "1 (gilbench's)"
        for name in THREAD_VARIABLES
    }


def one_thread_each() -> None:
    """Set each of :data:`THREAD_VARIABLES` to 1 unless the user set it: a serial numpy cell would otherwise use
    every CPU (and every strategy's comparison with it would be off).  It must run before any workload's module
    is imported: OpenBLAS reads its variable once, when numpy loads it, and a pool of two spinning BLAS threads
    on a pinned cell's one CPU made a 120x120 matmul 30x slower."""
    for name in THREAD_VARIABLES:
        if name not in os.environ:
            os.environ[name] = "1"
            _SET_HERE.add(name)


def _read_first_line(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.readline().strip() or None
    except OSError:
        return None


def cpu_model() -> str:
    """The CPU's marketing name, from /proc/cpuinfo where there is one."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


MAX_CPU_NUMBER = 8191
"""The kernel's own ceiling (CONFIG_NR_CPUS); a larger number is a typo, not a CPU, and ``0-200000000`` would
otherwise build a set of 200 million numbers."""


def parse_cpu_list(text: str) -> set[int]:
    """ "0-3,6" -> {0, 1, 2, 3, 6} (the kernel's list format, also used by --pin)."""
    cpus: set[int] = set()
    for item in text.split(","):
        part = item.strip()
        if not part:
            continue
        low, dash, high = part.partition("-")
        first, last = int(low), int(high if dash else low)
        if first < 0 or last < first or last > MAX_CPU_NUMBER:
            raise ValueError(part)
        cpus.update(range(first, last + 1))
    return cpus


def allowed_cpus() -> set[int]:
    """CPUs this process may run on (its affinity), even where os.sched_getaffinity is missing (PyPy 3.9)."""
    if hasattr(os, "sched_getaffinity"):
        return set(os.sched_getaffinity(0))
    try:
        with open("/proc/self/status", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("Cpus_allowed_list:"):
                    return parse_cpu_list(line.split(":", 1)[1])
    except (OSError, ValueError):
        pass
    return set(range(os.cpu_count() or 1))


def usable_cpus() -> int:
    """CPUs this process may run on (affinity mask), not merely those present."""
    return len(allowed_cpus()) or 1


def memory_bytes() -> int | None:
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return None


def load_average() -> list[float] | None:
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def _cpu_times() -> tuple[int, int] | None:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    try:
        with open("/proc/stat", encoding="utf-8") as handle:
            fields = [int(value) for value in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def others_cpu_share(seconds: float = 0.5) -> float | None:
    """Share of all CPUs that other processes kept busy over ``seconds`` while we slept."""
    import time

    before = _cpu_times()
    time.sleep(seconds)
    after = _cpu_times()
    if before is None or after is None or after[1] == before[1]:
        return None
    return round((after[0] - before[0]) / (after[1] - before[1]), 3)


def turbo_state() -> str | None:
    """ "on"/"off" where the kernel tells (intel_pstate or cpufreq boost), else None."""
    no_turbo = _read_first_line("/sys/devices/system/cpu/intel_pstate/no_turbo")
    if no_turbo is not None:
        return "off" if no_turbo == "1" else "on"
    boost = _read_first_line("/sys/devices/system/cpu/cpufreq/boost")
    if boost is not None:
        return "on" if boost == "1" else "off"
    return None


def machine_facts() -> dict[str, Any]:
    """Facts that explain a number: cores, memory, OS, load and frequency policy."""
    uname = platform.uname()
    return {
        "hostname": uname.node,
        "cpu_model": cpu_model(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": usable_cpus(),
        "memory_bytes": memory_bytes(),
        "os": uname.system,
        "kernel": uname.release,
        "arch": uname.machine,
        "platform": platform.platform(),
        "load_average": load_average(),
        "cpu_governor": _read_first_line(GOVERNOR_PATH),
    }


if __name__ == "__main__":
    json.dump(interpreter_facts(), sys.stdout)
    sys.stdout.write("\n")
