"""Does a gilbench threads cell scale the way a plain program that imports the same loops does?

On free-threaded 3.13, how well a loop scales over threads depends on where and when its objects were made
(code imported from a module or defined in ``__main__``; before or after the process's first thread), so a
harness that starts a thread of its own before it imports the workload measures a program nobody writes.
This checks gilbench against the plain program a user would write:

* the plain program imports the module that holds the loops, then starts two threads, and for each loop times
  two calls on the main thread against one call on each of the two threads (the median of 7 such ratios);
* gilbench measures ``MODULE:LOOP`` with ``serial`` and ``threads`` (2 workers) on 2 tasks, 7 rounds, and
  takes the median over rounds of serial's time / threads' time (paired by round).

The two are interleaved (plain, gilbench, plain, gilbench ...) ``--trials`` times, and the medians over trials
are printed with their ratio.  The goal printed beside them (nothing is asserted): gilbench within 10% of the
plain program for every loop.

Run with ``nox -s plain-program -- --module-path DIR --module NAME LOOP ...`` (the provisioned 3.13t), or
``python benchmarks/plain_program.py --python /path/to/python3.13t --module-path DIR --module NAME LOOP ...``.
The loops are the user's (for example CPython's ``Tools/ftscalingbench`` loops copied into a scratch module):
nothing here ships them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 7
GOAL = 0.10

PLAIN_PROGRAM = f"""
import importlib, queue, statistics, sys, threading, time
module = importlib.import_module(sys.argv[1])
inboxes, outboxes = [queue.Queue(), queue.Queue()], [queue.Queue(), queue.Queue()]
def work(inbox, outbox):
    while True:
        function = inbox.get()
        function()
        outbox.put(None)
for inbox, outbox in zip(inboxes, outboxes):
    threading.Thread(target=work, args=(inbox, outbox), daemon=True).start()
for name in sys.argv[2:]:
    function = getattr(module, name)
    ratios = []
    for _ in range({ROUNDS}):
        t0 = time.perf_counter(); function(); function(); t1 = time.perf_counter()
        for inbox in inboxes: inbox.put(function)
        for outbox in outboxes: outbox.get()
        t2 = time.perf_counter()
        ratios.append((t1 - t0) / (t2 - t1))
    print(name, statistics.median(ratios), flush=True)
"""


def plain(python: str, env: dict[str, str], module: str, loops: list[str]) -> dict[str, float]:
    """Each loop's two-thread speed-up in the plain program."""
    output = subprocess.run(
        [python, "-c", PLAIN_PROGRAM, module, *loops], env=env, check=True, capture_output=True, text=True
    ).stdout
    return {name: float(value) for name, value in (line.split() for line in output.splitlines())}


def gilbench(python: str, env: dict[str, str], module: str, loops: list[str], out: Path) -> dict[str, float]:
    """Each loop's two-thread speed-up in gilbench: median over rounds of serial / threads (paired by round)."""
    workloads = ",".join(f"{module}:{loop}" for loop in loops)
    command = [python, "-m", "bench", "run", "--workloads", workloads, "--executors", "serial,threads"]
    command += ["--workers", "2", "--load", "2", "--repeat", str(ROUNDS), "--warmup", "1", "--out", str(out)]
    subprocess.run([*command, "--force"], env=env, check=True, cwd=ROOT, capture_output=True)
    cells = {(c["workload"], c["executor"]): c for c in json.loads(out.read_text())["cells"]}
    speedups = {}
    for loop in loops:
        serial, threads = (
            {run["round"]: run["wall_s"] for run in cells[(f"{module}:{loop}", executor)]["runs"]}
            for executor in ("serial", "threads")
        )
        speedups[loop] = statistics.median(serial[r] / threads[r] for r in serial if r in threads)
    return speedups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", required=True, help="the interpreter to compare under (e.g. a 3.13t)")
    parser.add_argument("--module-path", required=True, help="the folder that holds the loops' module")
    parser.add_argument("--module", required=True, help="the loops' module, imported by both programs")
    parser.add_argument("--trials", type=int, default=3, help="plain/gilbench alternations (default 3)")
    parser.add_argument("loops", nargs="+", help="names of functions in the module, each called with no argument")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([args.module_path, str(ROOT)])}
    by_plain: dict[str, list[float]] = {loop: [] for loop in args.loops}
    by_gilbench: dict[str, list[float]] = {loop: [] for loop in args.loops}
    with tempfile.TemporaryDirectory() as folder:
        for trial in range(args.trials):
            for loop, value in plain(args.python, env, args.module, args.loops).items():
                by_plain[loop].append(value)
            out = Path(folder) / f"trial{trial}.json"
            for loop, value in gilbench(args.python, env, args.module, args.loops, out).items():
                by_gilbench[loop].append(value)
            print(f"trial {trial + 1}/{args.trials} done", file=sys.stderr, flush=True)
    print(f"two threads against two calls on one, {args.trials} interleaved trials (medians), under {args.python}")
    print(f"{'loop':<20} {'plain':>6} {'gilbench':>9} {'gilbench/plain':>15}")
    within = 0
    for loop in args.loops:
        mine, theirs = statistics.median(by_gilbench[loop]), statistics.median(by_plain[loop])
        ok = abs(mine / theirs - 1) <= GOAL
        within += ok
        print(f"{loop:<20} {theirs:6.2f}x {mine:8.2f}x {mine / theirs:14.2f}{'' if ok else '  (over 10%)'}")
    print(f"{within} of {len(args.loops)} loops within 10% of the plain program (goal: all)")


if __name__ == "__main__":
    main()
