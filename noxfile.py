"""gilbench's sessions: provision interpreters, measure them, report, test, lint.

Interpreters are resolved by gilbench, not by nox's own discovery: ``provision``
finds, installs or builds each spec and links the chosen executables into
``$XDG_CACHE_HOME/gilbench/bin``, which this file puts first on ``PATH``.  So
``python="3.13"`` in a session means the interpreter gilbench chose (the GIL
twin of its free-threaded build), not whatever ``python3.13`` comes first.

The interpreter set is ``GILBENCH_PYTHONS`` (comma separated, each entry a spec
or ``LABEL=SPEC``) or the default ``3.13,3.13t,pypy3``; nox's ``-p`` selects a
subset of it.  ``nox -s bench`` prepares one virtual environment per
interpreter (a session each, so one that fails does not stop the others), then
measures them all in one run, in the same shuffled rounds (``measure``, which
runs ``python -m bench conduct``), then reports.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import nox

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT))

from bench import layout  # noqa: E402  (needs the project on sys.path)
from bench.errors import UsageError  # noqa: E402
from bench.host.requirements import (  # noqa: E402
    UserRequirements,
    absolute_options,
    check_against_pins,
    from_options,
)
from bench.provision.cache import link_dir  # noqa: E402
from bench.provision.specs import DEFAULT_SPECS  # noqa: E402


def _labelled(entries: str) -> dict[str, str]:
    """``GILBENCH_PYTHONS``: comma-separated specs, each optionally ``LABEL=SPEC`` (``3.13,again=3.13`` measures one
    interpreter twice, under two labels, for an A/A check; ``distro=/usr/bin/python3`` labels a path)."""
    labelled: dict[str, str] = {}
    for entry in entries.split(","):
        label, sep, spec = (part.strip() for part in entry.strip().partition("="))
        if not label and not spec:
            continue  # "3.13, ,3.13t": blanks between commas are nothing named
        spec = spec if sep else label
        if not spec:
            raise UsageError(f"GILBENCH_PYTHONS entry {entry.strip()!r}: expected SPEC or LABEL=SPEC, e.g. 3.13t")
        if sep:
            layout.check_name(label, "GILBENCH_PYTHONS label")
        labelled[label or spec] = spec
    if not labelled:
        raise UsageError(f"GILBENCH_PYTHONS {entries!r}: no interpreter named; expected specs like 3.13,3.13t,pypy3")
    return labelled


try:
    LABELS = _labelled(os.environ.get("GILBENCH_PYTHONS", ",".join(DEFAULT_SPECS)))
except UsageError as _bad:
    sys.stderr.write(f"gilbench: error: {_bad}\n")
    sys.exit(2)
"""Each interpreter's label -> its spec."""


def _unusable(spec: str) -> str | None:
    """Why an interpreter given as a path cannot be used, or None: checked when the noxfile loads (one start of
    that interpreter, about 20 ms for a CPython), so that nox never makes a session for it, whose failure would be a
    traceback; specs that gilbench provisions (3.13t, pypy3) are made or named by `prepare` instead."""
    if os.sep not in spec:
        return None
    try:
        done = subprocess.run([spec, "-c", "import sys"], capture_output=True, timeout=60, check=False)
    except OSError as exc:
        return f"{spec} cannot be run ({exc.strerror})"
    except subprocess.TimeoutExpired:
        return f"{spec} did not start within 60 s"
    if done.returncode < 0:
        return f"{spec} was killed by {signal.Signals(-done.returncode).name} as it started"
    if done.returncode != 0:
        last = (done.stderr.decode(errors="replace").strip().splitlines() or [""])[-1]
        return f"{spec} exited with code {done.returncode} as it started" + (f" ({last})" if last else "")
    return None


UNUSABLE = {label: reason for label, spec in LABELS.items() if (reason := _unusable(spec)) is not None}
"""Interpreters given as paths that cannot start: no nox session; `prepare` records why, and the run says so."""
PYTHONS = list(dict.fromkeys(spec for label, spec in LABELS.items() if label not in UNUSABLE))
"""The specs, once each: one nox session (and one virtual environment) per spec."""


def _nox_python(spec: str) -> str:
    """What nox is given for a spec: the spec itself, or for an optimized build (``3.13+opt``) its label, the name
    of a link ``provision`` publishes on PATH, so its sessions are named and selected by label (``-p 3.13t+opt``)."""
    from bench.provision.specs import OPTIMIZED_SUFFIX, SpecError, parse_spec

    if not spec.lower().endswith(OPTIMIZED_SUFFIX):
        return spec
    try:
        return parse_spec(spec).label
    except SpecError:
        return spec  # refused, with the reason, where it is provisioned


NOX_PYTHONS = {spec: _nox_python(spec) for spec in PYTHONS}
"""Each spec -> the ``python=`` of its sessions."""
SPEC_OF = {python: spec for spec, python in NOX_PYTHONS.items()}

os.environ["PATH"] = os.pathsep.join([str(link_dir()), os.environ.get("PATH", "")])

RESULTS = Path(os.environ.get("GILBENCH_RESULTS_DIR") or ROOT / layout.RESULTS_DIR_NAME)
DRY_RUN = "--dry-run"
QUIET = "--quiet"
"""`nox -s bench -- --quiet`: gilbench prints the answer's table alone (and warnings, errors; nox's own lines stay)."""
PREPARED = ".prepared"
"""In a run's folder: one record per interpreter label, written by its bench session (ready, or why not)."""

nox.options.sessions = ["bench"]
nox.options.reuse_venv = "yes"
# Deliberate: a spec that cannot be had is reported (by `provision` and in the
# report) rather than failing every other interpreter's session, even with CI
# set.  The `tests` session still fails when `provision` cannot make one.
nox.options.error_on_missing_interpreters = False


def _host_python(session: nox.Session, *args: str) -> None:
    """Run gilbench's host side with the Python that runs nox (it needs no venv).  Ctrl-C reaches it too, and it
    gets time to let every runner save what it measured before nox would terminate it."""
    session.run(sys.executable, "-m", "bench", *args, external=True, interrupt_timeout=30.0, terminate_timeout=30.0)


def _install_key(args: tuple[str, ...], also: str) -> str:
    pyproject = (ROOT / "pyproject.toml").read_bytes()
    constraints = b"".join((ROOT / path).read_bytes() for flag, path in zip(args, args[1:]) if flag == "-c")
    return hashlib.sha256(pyproject + constraints + repr(args).encode() + also.encode()).hexdigest()


def _venv(session: nox.Session) -> Path | None:
    location = getattr(session.virtualenv, "location", None)
    return Path(location) if location else None


def _needs_install(session: nox.Session, key: str, also: str) -> bool:
    """False when this venv already holds exactly this; when it held other user requirements (or now must hold
    some), it is made again first, so nothing of an earlier set stays."""
    venv = _venv(session)
    stamp = venv / ".gilbench-installed" if venv else None
    if stamp is None or not stamp.is_file():
        return True
    if stamp.read_text() == key:
        session.log("dependencies already installed (delete the venv or pyproject.toml changes to reinstall)")
        return False
    if also or (venv / USER_MARK).is_file():  # type: ignore[operator]
        session.log("its requirements changed: making the environment again")
        venv_env: Any = session.virtualenv  # a VirtualEnv here (bench sessions have one)
        venv_env.reuse_existing = False
        venv_env.create()
    return True


def _installed(session: nox.Session, key: str, also: str) -> None:
    venv = _venv(session)
    if venv is not None:
        (venv / ".gilbench-installed").write_text(key)
        (venv / USER_MARK).unlink(missing_ok=True)
        if also:
            (venv / USER_MARK).write_text(also)


def install_once(session: nox.Session, *args: str) -> None:
    """``session.install``, skipped when this venv already has exactly this (a reused venv costs ~0 s)."""
    key = _install_key(args, "")
    if _needs_install(session, key, ""):
        session.install(*args)
        _installed(session, key, "")


USER_MARK = ".gilbench-user-requirements"
"""In a bench venv that holds a user's requirements: their fingerprint (the venv is made again when they change)."""


def _run_folder(session: nox.Session) -> Path:
    """This invocation's run folder, reserved by `prepare` (its id travels in GILBENCH_RUN_ID)."""
    run_id = os.environ.get("GILBENCH_RUN_ID")
    if not run_id:
        session.error("bench sessions run after `prepare`; use `nox -s bench`")
    return RESULTS / run_id


def _record(folder: Path, label: str, **facts: str) -> None:
    """What one interpreter's bench session says of its environment (ready, with its Python; or why not)."""
    (folder / PREPARED).mkdir(parents=True, exist_ok=True)
    record = json.dumps({"label": label, **facts})
    layout.write_atomically(folder / PREPARED / f"{layout.file_name(label)}.json", record)


def _status(folder: Path, label: str) -> str:
    path = folder / PREPARED / f"{layout.file_name(label)}.json"
    try:
        return str(json.loads(path.read_text()).get("status", ""))
    except (OSError, ValueError):
        return ""


def _chosen_pythons(argv: list[str]) -> set[str] | None:
    """The interpreters nox's ``-p``/``--python``/``--pythons`` chose on this command line (None: all of them), so
    `prepare` names as missing only interpreters that were asked for."""
    chosen: set[str] = set()
    given = False
    words = iter(argv[: argv.index("--")] if "--" in argv else argv)
    for word in words:
        option, _, value = word.partition("=")
        if option in ("-p", "--python", "--pythons"):
            given = True
            if value:
                chosen.update(part for part in value.split(",") if part)
                continue
            for following in words:
                if following.startswith("-"):
                    break
                chosen.update(part for part in following.split(",") if part)
    return chosen if given else None


def typed_command() -> str:
    """The command as the user typed it, with GILBENCH_PYTHONS when it was set (the run's manifest keeps it)."""
    chosen = os.environ.get("GILBENCH_PYTHONS")
    prefix = f"GILBENCH_PYTHONS={shlex.quote(chosen)} " if chosen else ""
    return prefix + shlex.join(["nox", *sys.argv[1:]])


@nox.session(python=False, default=False)
def prepare(session: nox.Session) -> None:
    """(Run by `bench`.) Check the options, provision every interpreter, reserve the run's folder."""
    from bench.provision.provisioner import provision as provision_specs
    from bench.provision.specs import SpecError, parse_spec

    def parse_label(spec: str) -> str:
        try:
            return parse_spec(spec).label
        except SpecError:
            return spec

    # The options, checked once, and the run's estimated time from earlier runs here (every label, any Python);
    # your modules are imported in each interpreter's own environment, where their requirements are installed.
    posargs = _posargs(session)
    try:
        check_against_pins(_requirements(session), ROOT / GUEST_CONSTRAINTS)
    except UsageError as exc:
        session.error(str(exc))
    _host_python(
        session,
        "conduct",
        *(f"--python={label}={sys.executable}" for label in LABELS if label not in UNUSABLE),
        "--",
        "--dry-run",
        "--options-only",
        *posargs,
    )
    specs, refused = [], {}
    for spec in PYTHONS:
        try:
            specs.append(parse_spec(spec))
        except SpecError as exc:
            refused[spec] = str(exc)
    quiet = QUIET in session.posargs
    # what cannot be had is said here and again in the report; the others go on
    _, errors = provision_specs(specs, report=(lambda _: None) if quiet else print)
    chosen = _chosen_pythons(sys.argv[1:])
    why_not = {
        label: UNUSABLE.get(label) or refused.get(spec) or errors.get(spec) or errors.get(parse_label(spec))
        for label, spec in LABELS.items()
        if chosen is None or spec in chosen or NOX_PYTHONS.get(spec) in chosen
    }
    for label, reason in why_not.items():
        if reason:
            session.warn(f"{label} is left out of this run: {reason.splitlines()[0]}")
    if DRY_RUN in session.posargs:
        return  # each interpreter checks the options in its own session; nothing is measured
    if os.environ.get("GILBENCH_RUN_ID"):
        try:
            run_id = layout.check_name(os.environ["GILBENCH_RUN_ID"], "GILBENCH_RUN_ID")
        except UsageError as exc:
            session.error(str(exc))
        (RESULTS / run_id).mkdir(parents=True, exist_ok=True)  # a result already there is refused by the runner
    else:  # two `nox -s bench` started in the same second get a folder each
        run_id, _ = layout.reserve_run_dir(RESULTS)
        os.environ["GILBENCH_RUN_ID"] = run_id  # what the sessions of this invocation share
    for label, reason in why_not.items():  # every interpreter asked for, even one whose session never runs
        if reason:
            _record(RESULTS / run_id, label, status="failed", reason=reason.splitlines()[0])
        else:
            _record(RESULTS / run_id, label, status="expected", reason="its nox session did not run")
    session.log(f"run {run_id}: results in {RESULTS / run_id}")


@nox.session(python=list(NOX_PYTHONS.values()), requires=["prepare"])
def bench(session: nox.Session) -> None:
    """Prepare and check this interpreter's environment (gilbench, then your requirements); the run itself
    measures every interpreter in the same rounds (`measure`, queued once)."""
    spec_here = SPEC_OF.get(str(session.python), str(session.python))
    labels = [label for label, spec in LABELS.items() if spec == spec_here]
    posargs = _posargs(session)
    if DRY_RUN in posargs:
        problem = _prepare_environment(session, labels[0], posargs)
        if problem:
            session.error(problem)
        return
    folder = _run_folder(session)
    session.notify("measure", posargs)  # queued once, after every interpreter's session
    labels = [label for label in labels if _status(folder, label) != "failed"]  # named by `prepare` already
    if not labels:
        session.skip("this interpreter could not be provisioned (see above)")
    for label in labels:
        _record(folder, label, status="expected", reason="its session did not finish")
    problem = _prepare_environment(session, labels[0], posargs)
    if problem:
        for label in labels:
            _record(folder, label, status="failed", reason=problem)
        session.error(problem)
    python = shutil.which("python", path=session.bin)
    for label in labels:
        _record(folder, label, status="ready", python=str(python))


GUEST_CONSTRAINTS = "bench/guest-constraints.txt"
GILBENCH_INSTALL = ("-c", GUEST_CONSTRAINTS, "-e", ".")
"""gilbench itself in a measured interpreter's environment, its guest packages at the versions every one shares."""


def _posargs(session: nox.Session) -> list[str]:
    """The options after `--`, with every --requirements file made absolute (sessions run from the project)."""
    return absolute_options(list(session.posargs), Path(session.invoked_from))


def _requirements(session: nox.Session) -> UserRequirements:
    try:
        return from_options(list(session.posargs), Path(session.invoked_from))
    except UsageError as exc:
        session.error(str(exc))


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def _prepare_environment(session: nox.Session, label: str, posargs: list[str]) -> str:
    """gilbench and the user's requirements in this interpreter's venv (made again when they changed), then the
    options and workloads checked there: "" when ready, else why not, in one line naming the interpreter and its
    environment (pip's last line when the requirements cannot be installed)."""
    requirements = _requirements(session)
    venv = _venv(session)
    also = "" if requirements.empty else requirements.fingerprint()
    key = _install_key(GILBENCH_INSTALL, also)
    if _needs_install(session, key, also):
        try:
            session.install(*GILBENCH_INSTALL)
        except nox.command.CommandFailed as exc:
            return f"{label}: gilbench could not be installed in {venv} ({exc.reason})"
        if not requirements.empty:
            command = ["python", "-m", "pip", "install", "-c", GUEST_CONSTRAINTS, *requirements.install_args()]
            session.log(shlex.join(command))
            done = subprocess.run(
                [shutil.which("python", path=session.bin) or "python", *command[1:]],
                cwd=ROOT, capture_output=True, text=True, check=False,
            )  # fmt: skip
            sys.stdout.write(done.stdout)
            sys.stderr.write(done.stderr)
            if done.returncode != 0:
                last = _last_line(done.stderr or done.stdout)
                return f"{label}: your requirements could not be installed in {venv}: {last}"
        _installed(session, key, also)
    # The options under this interpreter, and its GIL state once every workload's modules are imported.
    checked = subprocess.run(
        [shutil.which("python", path=session.bin) or "python", "-m", "bench", "run", "--dry-run", *posargs,
         "--label", label],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    sys.stdout.write(checked.stdout)
    sys.stderr.write(checked.stderr)
    if checked.returncode != 0:
        return f"{label} (environment {venv}): {_last_line(checked.stderr).removeprefix('gilbench: error: ')}"
    return ""


@nox.session(default=False)
def measure(session: nox.Session) -> None:
    """(Run by `bench`.) One run: every prepared interpreter, every cell, in the same shuffled rounds.  The
    conductor reads the answer's comparisons after the base rounds to add the rounds they need, with the
    report's own code: its environment has the report's libraries."""
    folder = _run_folder(session)
    records = [json.loads(path.read_text()) for path in (folder / PREPARED).glob("*.json")]
    order = list(LABELS)
    records.sort(key=lambda record: order.index(record["label"]) if record["label"] in order else len(order))
    ready = {record["label"]: record["python"] for record in records if record["status"] == "ready"}
    missing = {record["label"]: record["reason"] for record in records if record["status"] != "ready"}
    command = typed_command()
    if not ready:
        session.error(f"no interpreter could be prepared: {'; '.join(f'{k}: {v}' for k, v in missing.items())}")
    atexit.register(_report_unless_done, folder)
    session.notify("report", [*([QUIET] if QUIET in session.posargs else []), str(folder)])
    install_once(session, "-e", ".[report]")
    pythons = [f"--python={label}={python}" for label, python in ready.items()]
    session.run(
        "python",
        "-m",
        "bench",
        "conduct",
        *pythons,
        f"--run-id={folder.name}",
        f"--command={command}",
        f"--missing={json.dumps(missing)}",
        "--",
        *_posargs(session),
        interrupt_timeout=30.0,
        terminate_timeout=30.0,
    )


REPORTED: set[Path] = set()
"""Run folders the `report` session of this nox invocation reported after their run ended."""


def _report_unless_done(folder: Path) -> None:
    """At exit, even after Ctrl-C or a failed session: report what finished, unless this invocation's report
    session already did (a report made earlier, while the run was going, is rebuilt: the last report wins)."""
    if folder.resolve() in REPORTED or not any(folder.glob("*.json")):
        return
    print(f"nox > building the report of what finished in {folder}", flush=True)
    subprocess.run(
        [sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py"), "-s", "report", "--", str(folder)], check=False
    )


@nox.session
def report(session: nox.Session) -> None:
    """Merge results into the GIL-impact report: `nox -s report -- FOLDER...` (default: results/latest)."""
    install_once(session, "-e", ".[report]")
    session.run("python", "-m", "bench", "report", *session.posargs)
    REPORTED.update(Path(path).resolve() for path in session.posargs if Path(path).is_dir())


@nox.session(python=False, default=False)
def provision(session: nox.Session) -> None:
    """Find, install or build the interpreters (GILBENCH_PYTHONS, or posargs)."""
    _host_python(session, "provision", *(session.posargs or PYTHONS))


@nox.session(python=False, default=False)
def interpreters(session: nox.Session) -> None:
    """List the interpreters available now, provisioning nothing."""
    _host_python(session, "interpreters", *(session.posargs or PYTHONS))


@nox.session(python=list(NOX_PYTHONS.values()), requires=["provision"], default=False)
def guest_tests(session: nox.Session) -> None:
    """Guest-side tests, run by each measured interpreter itself."""
    install_once(session, *GILBENCH_INSTALL, "pytest")
    session.run("python", "-m", "pytest", "tests/guest", *session.posargs)


def ensure_chromium(session: nox.Session) -> bool:
    """Debian's chromium for the browser test: installed with apt-get where we may (root), else skipped."""
    from bench.host.browser import find_chromium
    from bench.provision.system_packages import apt_install, system_packages_allowed

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
    """Screenshot of a report into docs/report.png (headless chromium): `nox -s screenshot -- results/RUN_ID`
    (default: results/latest), with the report it shows recorded beside it."""
    from bench.host.browser import find_chromium, record_source
    from bench.host.browser import screenshot as take_screenshot

    folder = Path(session.posargs[0]) if session.posargs else RESULTS / layout.LATEST
    page = folder / "report.html"
    if not page.is_file():
        session.error(f"{page} does not exist: run `nox -s bench`, or name a folder with a report")
    ensure_chromium(session)
    chromium = find_chromium()
    if chromium is None:
        session.error("chromium is not installed")
    picture = ROOT / "docs" / "report.png"
    done = take_screenshot(chromium, page, picture, Path(session.create_tmp()) / "profile")
    if done.returncode != 0:
        session.error(f"chromium failed: {done.stderr.strip().splitlines()[-1:]}")
    record_source(picture, page.resolve(), ROOT)
    session.log(f"wrote {picture} (of {page})")


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
def overhead(session: nox.Session) -> None:
    """Benchmark: does a pool's cost fall under a quarter at the task length the report names?"""
    from bench.provision.discovery import find
    from bench.provision.specs import parse_spec

    install_once(session, "-e", ".[report]")
    pythons = []
    for label, spec in LABELS.items():
        found = find(parse_spec(spec)).resolved
        if found is not None:
            pythons += ["--python", f"{label}={found.executable}"]
    session.run("python", "benchmarks/overhead.py", *pythons)


@nox.session(name="big-result", default=False)
def big_result(session: nox.Session) -> None:
    """Benchmark: the report's time and peak memory for result files of 125,000 to 1,000,000 task records."""
    install_once(session, "-e", ".[report]")
    session.run("python", "benchmarks/big_result.py", *session.posargs)


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


@nox.session(name="plain-program", requires=["provision"], default=False)
def plain_program(session: nox.Session) -> None:
    """gilbench's threads cell against a plain program importing the same loops, on 3.13t (loops: your module)."""
    from bench.provision.discovery import find
    from bench.provision.specs import parse_spec

    found = find(parse_spec("3.13t")).resolved
    if found is None:
        session.error("3.13t is not provisioned: run `nox -s provision`")
    if not session.posargs:
        session.error("give the loops: nox -s plain-program -- --module-path DIR --module NAME LOOP ...")
    session.run("python", "benchmarks/plain_program.py", "--python", str(found.executable), *session.posargs)


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
