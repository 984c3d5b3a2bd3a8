"""gilbench's sessions: provision interpreters, measure them, report, test, lint.

Interpreters are resolved by gilbench, not by nox's own discovery: ``provision``
finds, installs or builds each spec and links the chosen executables into
``$XDG_CACHE_HOME/gilbench/bin``, which this file puts first on ``PATH``.  So
``python="3.13"`` in a session means the interpreter gilbench chose (the GIL
twin of its free-threaded build), not whatever ``python3.13`` comes first.

The interpreter set is ``GILBENCH_PYTHONS`` (comma separated) or the default
``3.13,3.13t,pypy3``; nox's ``-p`` selects a subset of it.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nox

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT))

from bench import layout  # noqa: E402  (needs the project on sys.path)
from bench.errors import EXIT_CELLS_FAILED, UsageError  # noqa: E402
from bench.provision.cache import link_dir  # noqa: E402
from bench.provision.specs import DEFAULT_SPECS  # noqa: E402
from bench.result import Document  # noqa: E402

PYTHONS = [
    spec.strip() for spec in os.environ.get("GILBENCH_PYTHONS", ",".join(DEFAULT_SPECS)).split(",") if spec.strip()
]

os.environ["PATH"] = os.pathsep.join([str(link_dir()), os.environ.get("PATH", "")])

RESULTS = Path(os.environ.get("GILBENCH_RESULTS_DIR") or ROOT / layout.RESULTS_DIR_NAME)

nox.options.sessions = ["bench"]
nox.options.reuse_venv = "yes"
# Deliberate: a spec that cannot be had is reported (by `provision` and in the
# report) rather than failing every other interpreter's session, even with CI
# set.  The `tests` session still fails when `provision` cannot make one.
nox.options.error_on_missing_interpreters = False


def _host_python(session: nox.Session, *args: str) -> None:
    """Run gilbench's host side with the Python that runs nox (it needs no venv)."""
    session.run(sys.executable, "-m", "bench", *args, external=True)


def install_once(session: nox.Session, *args: str) -> None:
    """``session.install``, skipped when this venv already has exactly this (a reused venv costs ~0 s)."""
    pyproject = (ROOT / "pyproject.toml").read_bytes()
    key = hashlib.sha256(pyproject + repr(args).encode()).hexdigest()
    venv = getattr(session.virtualenv, "location", None)
    stamp = Path(venv) / ".gilbench-installed" if venv else None
    if stamp is not None and stamp.is_file() and stamp.read_text() == key:
        session.log("dependencies already installed (delete the venv or pyproject.toml changes to reinstall)")
        return
    session.install(*args)
    if stamp is not None:
        stamp.write_text(key)


@dataclass
class BenchRun:
    """What the sessions of one `nox -s bench` invocation share."""

    run_id: str = ""
    directory: Path = RESULTS
    server: object | None = None
    server_url: str = ""
    expected: list[str] = field(default_factory=list)
    reported: bool = False


RUN = BenchRun()


def _queued_pythons(session: nox.Session) -> list[str]:
    """The interpreters whose bench sessions this invocation will run (nox -p selects them)."""
    try:
        listed = session._runner.manifest.list_all_sessions()  # no public API for the queue
        queued = [
            runner.func.python
            for runner, selected in listed
            if selected and str(runner.friendly_name).startswith("bench-")  # "bench-3.13t"; .name is "bench"
        ]
    except AttributeError:
        queued = []
    return [str(python) for python in queued] or list(PYTHONS)


def _finish_run() -> None:
    """At exit, even after Ctrl-C or a failed session: stop the server, report what finished."""
    if RUN.server is not None:
        RUN.server.stop()  # type: ignore[attr-defined]
        RUN.server = None
    if RUN.run_id and not RUN.reported and any(RUN.directory.glob("*.json")):
        print(f"nox > building the report of what finished in {RUN.directory}", flush=True)
        subprocess.run(
            [sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py"), "-s", "report", "--", str(RUN.directory)],
            check=False,
        )


@nox.session(python=False, default=False)
def prepare(session: nox.Session) -> None:
    """(Run by `bench`.) Provision, check the options, start the shared page server."""
    from bench.provision.provisioner import provision as provision_specs
    from bench.provision.specs import SpecError, parse_spec
    from bench.server import ServerProcess

    wanted = _queued_pythons(session)
    _host_python(session, "run", "--dry-run", *session.posargs)
    specs, missing = [], {}
    for label in wanted:
        try:
            specs.append(parse_spec(label))
        except SpecError as exc:
            missing[label] = str(exc)
    _, errors = provision_specs(specs)
    missing.update(errors)
    if os.environ.get("GILBENCH_RUN_ID"):
        try:
            RUN.run_id = layout.check_name(os.environ["GILBENCH_RUN_ID"], "GILBENCH_RUN_ID")
        except UsageError as exc:
            session.error(str(exc))
        RUN.directory = RESULTS / RUN.run_id
        RUN.directory.mkdir(parents=True, exist_ok=True)  # a result already there is refused by the runner
    else:  # two `nox -s bench` started in the same second get a folder each
        RUN.run_id, RUN.directory = layout.reserve_run_dir(RESULTS)
    RUN.expected = wanted
    server = ServerProcess(python=sys.executable)
    RUN.server, RUN.server_url = server, server.url
    atexit.register(_finish_run)
    command = (
        "nox -s bench"
        + (" -p " + " ".join(wanted) if wanted != PYTHONS else "")  # nox takes one -p with a list (the last -p wins)
        + (" -- " + shlex.join(session.posargs) if session.posargs else "")
    )
    layout.RunManifest(
        run_id=RUN.run_id,
        interpreters=tuple(wanted),
        missing=missing,
        command=command,
        server_url=server.url,
        started_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    ).write(RUN.directory)
    session.log(f"run {RUN.run_id}: results in {RUN.directory}, page server {server.url}")
    for label, reason in missing.items():
        session.warn(f"{label} will be skipped: {reason}")


@nox.session(python=PYTHONS, requires=["prepare"])
def bench(session: nox.Session) -> None:
    """Measure under this interpreter (args after -- go to `python -m bench run`)."""
    if not RUN.run_id:
        session.error("bench sessions run after `prepare`; use `nox -s bench`")
    install_once(session, "-e", ".")
    session.notify("report", [str(RUN.directory)])
    label = layout.file_name(str(session.python))  # "3.13t"; a path spec becomes a safe name
    out = layout.result_path(RUN.run_id, label, RESULTS)
    session.run(
        "python",
        "-m",
        "bench",
        "run",
        *session.posargs,
        # After the user's arguments, so these win: each interpreter its own label and file, one run, one server.
        "--label",
        label,
        "--run-id",
        RUN.run_id,
        "--server-url",
        RUN.server_url,
        "--out",
        str(out),
        interrupt_timeout=1.0,  # Ctrl-C reaches the runner too; it saves and exits at once
        terminate_timeout=15.0,  # a SIGTERM also makes it save what was measured
        success_codes=[0, EXIT_CELLS_FAILED],  # told below, after the other interpreters are queued to run
    )
    faulty = failed_cells(out)
    if faulty:
        # The session fails (so does `nox`, for CI), yet the other interpreters and the report still run.
        session.error(f"{label}: {len(faulty)} cells failed or timed out ({', '.join(faulty[:3])}); see the report")


def failed_cells(result: Path) -> list[str]:
    """The cells of a result file that failed or timed out, by name (the runner's exit code 3)."""
    faults = Document.loads(result.read_bytes()).faults
    return [f"{cell.name}: {cell.status}" for cell in faults]


@nox.session
def report(session: nox.Session) -> None:
    """Merge results into the GIL-impact report: `nox -s report -- FOLDER...` (default: results/latest)."""
    install_once(session, "-e", ".[report]")
    RUN.reported = True
    session.run("python", "-m", "bench", "report", *session.posargs)


@nox.session(python=False, default=False)
def provision(session: nox.Session) -> None:
    """Find, install or build the interpreters (GILBENCH_PYTHONS, or posargs)."""
    _host_python(session, "provision", *(session.posargs or PYTHONS))


@nox.session(python=False, default=False)
def interpreters(session: nox.Session) -> None:
    """List the interpreters available now, provisioning nothing."""
    _host_python(session, "interpreters", *(session.posargs or PYTHONS))


@nox.session(python=PYTHONS, requires=["provision"], default=False)
def guest_tests(session: nox.Session) -> None:
    """Guest-side tests, run by each measured interpreter itself."""
    install_once(session, "-e", ".", "pytest")
    session.run("python", "-m", "pytest", "tests/guest", *session.posargs)


def ensure_chromium(session: nox.Session) -> bool:
    """Debian's chromium for the browser test: installed with apt-get where we may (root), else skipped."""
    from bench.provision.system_packages import apt_install, system_packages_allowed
    from bench.report.browser import find_chromium

    if find_chromium():
        return True
    if not system_packages_allowed():
        session.warn("chromium is not installed and cannot be installed here: the browser test will be skipped")
        return False
    session.log("installing chromium with apt-get for the browser test")
    log = Path(session.create_tmp()) / "apt-chromium.log"
    if not apt_install(["chromium"], log):
        session.error(f"apt-get install chromium failed; see {log}")
    return True


@nox.session(requires=["guest_tests"], default=False)
def tests(session: nox.Session) -> None:
    """Host-side and end-to-end tests (after provisioning and the guest tests)."""
    install_once(session, "-e", ".[test,report]", "nox")
    env = {"GILBENCH_REQUIRE_PYTHONS": "1", "GILBENCH_REQUIRE_BROWSER": "1" if ensure_chromium(session) else "0"}
    session.run("python", "-m", "pytest", *session.posargs, env=env)


@nox.session(python=False, default=False)
def screenshot(session: nox.Session) -> None:
    """Screenshot of results/latest/report.html into docs/ (headless chromium)."""
    from bench.report.browser import find_chromium
    from bench.report.browser import screenshot as take_screenshot

    page = RESULTS / layout.LATEST / "report.html"
    if not page.is_file():
        session.error(f"{page} does not exist: run `nox -s bench` first")
    ensure_chromium(session)
    chromium = find_chromium()
    if chromium is None:
        session.error("chromium is not installed")
    done = take_screenshot(chromium, page, ROOT / "docs" / "report.png", Path(session.create_tmp()) / "profile")
    if done.returncode != 0:
        session.error(f"chromium failed: {done.stderr.strip().splitlines()[-1:]}")
    session.log(f"wrote {ROOT / 'docs' / 'report.png'}")


@nox.session(requires=["provision"], default=False)
def harness(session: nox.Session) -> None:
    """Benchmarks of gilbench itself: overhead, page server, free-threading not spoiled."""
    from bench.provision.discovery import find
    from bench.provision.specs import parse_spec

    install_once(session, "-e", ".[report]")
    pythons = []
    for label in PYTHONS:
        found = find(parse_spec(label)).resolved
        if found is not None:
            pythons += ["--python", f"{label}={found.executable}"]
    session.run("python", "benchmarks/harness.py", *pythons)


@nox.session(requires=["provision"], default=False)
def subinterpreters(session: nox.Session) -> None:
    """Benchmark of the interpreters strategy (speed-up, against processes, per-task overhead) on 3.13 and 3.13t."""
    from bench.provision.discovery import find
    from bench.provision.specs import parse_spec

    pythons = []
    for label in ("3.13", "3.13t"):
        found = find(parse_spec(label)).resolved
        if found is not None:
            pythons += ["--python", f"{label}={found.executable}"]
    if not pythons:
        session.error("neither 3.13 nor 3.13t is provisioned: run `nox -s provision`")
    session.run("python", "benchmarks/subinterpreters.py", *pythons)


@nox.session(default=False)
def check(session: nox.Session) -> None:
    """A/A self-check under the provisioned 3.13 (args after -- go to `python -m bench check`)."""
    from bench.provision.discovery import find
    from bench.provision.specs import parse_spec

    install_once(session, "-e", ".[report]")
    _host_python(session, "provision", "3.13")  # not `requires`: that session would take this one's arguments
    found = find(parse_spec("3.13")).resolved
    if found is None:
        session.error("3.13 is not provisioned: run `nox -s provision`")
    session.run("python", "-m", "bench", "check", "--python", str(found.executable), *session.posargs)


@nox.session(default=False)
def fixtures(session: nox.Session) -> None:
    """Rewrite the report's fixtures (real runner, simulated timings) and golden reports; review the diff."""
    install_once(session, "-e", ".[test,report]")
    session.run("python", "tests/fixtures/make_fixtures.py")
    session.run("python", "-m", "pytest", "-q", "tests/test_report.py", env={"UPDATE_GOLDEN": "1"})


@nox.session(default=False)
def lint(session: nox.Session) -> None:
    """ruff and mypy over the whole project."""
    install_once(session, "-e", ".[lint,report]", "nox")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
