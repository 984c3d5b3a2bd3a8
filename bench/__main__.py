"""``python -m bench``: one entry point for guest and host commands.

Guest code: this file imports only the standard library at module level, so
``python -m bench run`` works under PyPy 3.9 and free-threaded builds; host
commands (provision, interpreters, report) import their modules only when chosen.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from bench import __version__
from bench.errors import EXIT_INTERRUPTED, EXIT_USAGE, EXIT_WRITE_FAILED, OneLineParser, UsageError, WriteError

if TYPE_CHECKING:
    from bench.provision.specs import InterpreterSpec


def _specs(args: argparse.Namespace) -> list[InterpreterSpec]:
    """The SPEC arguments (default: the default set); a bad one is a one-line usage error."""
    from bench.provision.specs import DEFAULT_SPECS, SpecError, parse_specs

    try:
        return parse_specs(args.specs or list(DEFAULT_SPECS))
    except SpecError as exc:
        raise UsageError(str(exc)) from exc


def _provision(args: argparse.Namespace) -> int:
    from bench.interrupts import stop_on_signals
    from bench.provision.provisioner import provision

    stop_on_signals()  # a build stopped by SIGTERM or SIGHUP is killed and removed like one stopped by Ctrl-C
    specs = _specs(args)
    print(f"provisioning {', '.join(spec.label for spec in specs)}", flush=True)
    _, errors = provision(specs)
    return EXIT_USAGE if errors else 0


def _interpreters(args: argparse.Namespace) -> int:
    from bench.provision.discovery import find

    missing = 0
    for spec in _specs(args):
        search = find(spec)
        if search.resolved is not None:
            print(search.resolved.describe())
        else:
            missing += 1
            print(f"{spec.label:<8} missing: {search.tried()}")
    return 1 if missing else 0


def _run(args: argparse.Namespace) -> int:
    import contextlib

    from bench.interrupts import stop_on_signals
    from bench.measure import introspect, loop
    from bench.measure.config import resolve_config

    stop_on_signals()  # from the start: a SIGTERM while the run is set up also ends in 130, leaving nothing
    introspect.one_thread_each()  # before any workload's module is imported: BLAS reads these when it loads
    if args.out:  # absolute before the workloads are imported, like the results folder
        import os

        args.out = os.path.abspath(args.out)
    if args.dry_run:
        return loop.dry_run(resolve_config(args))
    with contextlib.ExitStack() as resources:  # the run's folder and page server, released at its end
        try:
            config = resolve_config(args, resources)
        except UsageError as exc:
            _tell_conductor(args.driven, str(exc))
            raise
        return loop.run(config)


def _tell_conductor(driven: str | None, refusal: str) -> None:
    """A driven runner that refuses its options (a workload it cannot import in this interpreter's environment)
    says why on its channel before it exits, so the run records the reason, not only an exit code."""
    import json
    import os

    if not driven:
        return
    try:
        replies = int(driven.split(",")[1])
        os.write(replies, (json.dumps({"refused": refusal}) + "\n").encode())
    except (IndexError, ValueError, OSError):
        pass  # no usable channel: the conductor names the exit code instead


def _cell(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    from bench.measure.cell import run_cell
    from bench.measure.orphans import PARENT_FD_VARIABLE, become_subreaper, kill_leftovers, watch_parent

    parent_fd = os.environ.get(PARENT_FD_VARIABLE)

    def watch() -> None:  # after the workload's imports (see run_cell)
        if parent_fd is not None:  # started by a runner (not forked): end with it
            watch_parent(int(parent_fd), Path(args.spec).parent.parent)

    become_subreaper()
    try:
        return run_cell(args.spec, args.result, args.round, watch)
    finally:
        kill_leftovers()  # nothing the workload started outlives its cell


def _conduct(args: argparse.Namespace) -> int:
    from bench.host import conductor

    return conductor.main(args)


def _report(args: argparse.Namespace) -> int:
    from bench import report

    return report.main(args.paths, args.out, args.format, args.timeline, args.quiet)


def _check(args: argparse.Namespace) -> int:
    try:
        from bench.host import selfcheck
    except ImportError as exc:
        raise UsageError(
            f"the self-check needs the report extras ({exc.name} is not installed): pip install -e '.[report]', "
            "or use `nox -s check`"
        ) from None

    return selfcheck.main(args.python, args.runs, args.workload, args.load, args.repeat, pin=args.pin)


def _serve(args: argparse.Namespace) -> int:
    from bench import server

    return server.serve(args.latency_ms, args.size, args.port, args.parent_pid, args.head_timeout)


def _command(commands: Any, name: str, handler: Callable[[argparse.Namespace], int], summary: str, about: str) -> Any:
    """One subcommand: its one-line help in the list, its description on its own --help, its handler."""
    parser = commands.add_parser(name, help=summary, description=about)
    parser.set_defaults(handler=handler)
    return parser


CONSOLE_SCRIPT = "gilbench"
"""The console script pip installs with the package: the same commands as ``python -m bench``."""


def program_name(argv0: str) -> str:
    """How this run was started, as errors and --help name it: ``gilbench`` (the console script) or
    ``python -m bench``."""
    return CONSOLE_SCRIPT if Path(argv0).name == CONSOLE_SCRIPT else "python -m bench"


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog=program_name(sys.argv[0]), description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"gilbench {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    commands.required = True
    _interpreter_commands(commands)
    _measuring_commands(commands)
    _report_command(commands)
    _check_command(commands)
    cell = commands.add_parser("cell")  # internal (a cell started as a new interpreter): no help, so not listed
    cell.add_argument("spec")
    cell.add_argument("result")
    cell.add_argument("round", type=int)
    cell.set_defaults(handler=_cell)
    return parser


def _interpreter_commands(commands: Any) -> None:
    """``provision`` and ``interpreters``: the interpreters to measure, made ready or listed."""
    provision = _command(
        commands, "provision", _provision, "find, install or build interpreters", "Make interpreters ready to measure."
    )
    provision.add_argument(
        "specs", nargs="*", metavar="SPEC", help="3.13, 3.13t, pypy3, 3.14t, a path ... (default: 3.13 3.13t pypy3)"
    )
    interpreters = _command(
        commands,
        "interpreters",
        _interpreters,
        "list what is available now, provisioning nothing",
        "List available interpreters.",
    )
    interpreters.add_argument("specs", nargs="*", metavar="SPEC", help="specs to look for (default: 3.13 3.13t pypy3)")


def _measuring_commands(commands: Any) -> None:
    """``run`` (one interpreter), ``serve`` (its pages) and ``conduct`` (every interpreter in the same rounds)."""
    from bench import server
    from bench.measure.config import add_run_options

    add_run_options(
        _command(
            commands,
            "run",
            _run,
            "measure the workload matrix under this interpreter, write JSON",
            "Measure workloads x executors x workers under this interpreter and write one JSON result.",
        )
    )
    server.add_serve_options(
        _command(
            commands,
            "serve",
            _serve,
            "the embedded page server (127.0.0.1 only)",
            server.__doc__.splitlines()[0] if server.__doc__ else "",
        )
    )
    conduct = _command(
        commands,
        "conduct",
        _conduct,
        "measure several interpreters in the same rounds (what nox -s bench runs), one JSON each",
        "One run across interpreters: every (interpreter, cell) once per round, in a shuffled, recorded order.",
    )
    conduct.add_argument(
        "--python", action="append", metavar="LABEL=EXECUTABLE", help="an interpreter to measure (repeatable)"
    )
    conduct.add_argument("--run-id", help="the run's id (default: a new timestamp, its folder reserved)")
    conduct.add_argument("--command", help=argparse.SUPPRESS)  # how nox was called, for the manifest
    conduct.add_argument("--missing", help=argparse.SUPPRESS)  # JSON: interpreters nox could not prepare, and why
    conduct.add_argument("--simulate", action="append", help=argparse.SUPPRESS)  # LABEL=FILE, for fixtures
    conduct.add_argument("runner_args", nargs=argparse.REMAINDER, help="-- then options of `run` for every runner")


def _report_command(commands: Any) -> None:
    report = _command(
        commands,
        "report",
        _report,
        "merge result files into the GIL-impact report (needs the report extras)",
        "Merge result files (run folders or single files) into report.md, report.html and results.csv.",
    )
    report.add_argument("paths", nargs="*", metavar="PATH", help="results folders or files (default: results/latest)")
    report.add_argument("--out", help="folder for the report (default: the results folder, if there is one)")
    report.add_argument(
        "--format",
        help="comma list of markdown, json, html, csv, rst, latex, pyperf (default: markdown,json,html,csv,pyperf)",
    )
    report.add_argument(
        "--timeline",
        action="append",
        metavar="WORKLOAD:EXECUTOR:WORKERS",
        help="also draw the task timeline of this cell (repeatable; the talk's pictures already show cpu, io, mixed)",
    )
    report.add_argument("--quiet", action="store_true", help="print only the answer's table (errors still show)")


def _check_command(commands: Any) -> None:
    check = _command(
        commands,
        "check",
        _check,
        "A/A self-check: measure two cells that cost the same, show how often gilbench calls them different",
        "Run `bench run` N times on serial against a 1-thread pool (equal cost) and report the ratios.",
    )
    check.add_argument("--python", help="interpreter to measure (default: this one; use a GIL build)")
    check.add_argument("--runs", type=int, default=10, help="how many runs (default 10)")
    check.add_argument("--workload", default="cpu=850000", help="the workload of both cells (default cpu=850000)")
    check.add_argument("--load", type=int, default=8, help="tasks per cell (default 8)")
    check.add_argument("--repeat", type=int, help="rounds per run (default: the runner's)")
    check.add_argument(
        "--pin", help="CPUs for every cell, as `bench run --pin` (e.g. 0: both labels' cells on one CPU); default: none"
    )


def main(argv: list[str] | None = None) -> int:
    from bench import layout

    layout.pin_results_root()  # before any workload is imported: one that changes the working folder moves nothing
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.handler(args)
    except UsageError as exc:
        sys.stderr.write(f"gilbench: error: {exc}\n")
        return EXIT_USAGE
    except WriteError as exc:
        sys.stderr.write(f"gilbench: error: {exc}\n")
        return EXIT_WRITE_FAILED
    except KeyboardInterrupt:
        sys.stderr.write("gilbench: interrupted\n")
        return EXIT_INTERRUPTED
    return result


if __name__ == "__main__":
    sys.exit(main())
