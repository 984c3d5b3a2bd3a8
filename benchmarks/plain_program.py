"""Does a gilbench threads cell scale the way a plain program that imports the same loops does?

On free-threaded 3.13, how well a loop scales over threads depends on where and when its objects were made
(code imported from a module or defined in ``__main__``; before or after the process's first thread), so a
harness that starts a thread of its own before it imports the workload measures a program nobody writes.
This checks gilbench against the plain program a user would write:

* the plain program imports the module that holds the loops, then starts two threads, and for each loop times
  two calls on the main thread against one call on each of the two threads, 7 times;
* gilbench measures ``MODULE:LOOP`` with ``serial`` and ``threads`` (2 workers) on 2 tasks, 7 rounds, each
  round's ratio serial's time / threads' time (paired by round).

Both take their 7 rounds the same way, in turns over the loops (round 1 of every loop, then round 2 ...), so a
loop's rounds are spread over each program's whole run rather than bunched in one second of it: on a shared VM
the cost of two CPUs writing one object flips between levels within seconds, and loops whose threads share a
reference count (a mortal constant, a module's globals) then scale 0.6x in one second and 1.2x in the next.
The two programs are interleaved (plain, gilbench, plain ...) ``--trials`` times, every round of every trial
is pooled, and each side's median and middle half (quartiles) are printed with the medians' ratio.  The goal
printed beside them (nothing is asserted): gilbench within 10% of the plain program for every loop.
``--timeline LOOP`` shows instead one plain program's rounds of one loop over time, one every 0.3 s.

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

PLAIN_PROGRAM = """
import importlib, queue, sys, threading, time
rounds, pause = int(sys.argv[2]), float(sys.argv[3])
module = importlib.import_module(sys.argv[1])
inboxes, outboxes = [queue.Queue(), queue.Queue()], [queue.Queue(), queue.Queue()]
def work(inbox, outbox):
    while True:
        function = inbox.get()
        function()
        outbox.put(None)
for inbox, outbox in zip(inboxes, outboxes):
    threading.Thread(target=work, args=(inbox, outbox), daemon=True).start()
start = time.perf_counter()
for round in range(rounds):
    for name in sys.argv[4:]:
        function = getattr(module, name)
        t0 = time.perf_counter(); function(); function(); t1 = time.perf_counter()
        for inbox in inboxes: inbox.put(function)
        for outbox in outboxes: outbox.get()
        t2 = time.perf_counter()
        print(name, (t1 - t0) / (t2 - t1), t0 - start, flush=True)
        time.sleep(pause)
"""


def plain(
    python: str, env: dict[str, str], module: str, loops: list[str], *, rounds: int = ROUNDS, pause: float = 0.0
) -> dict[str, list[tuple[float, float]]]:
    """Each loop's two-thread speed-up in the plain program: (seconds into the run, ratio) per round."""
    command = [python, "-c", PLAIN_PROGRAM, module, str(rounds), str(pause), *loops]
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    by_loop: dict[str, list[tuple[float, float]]] = {loop: [] for loop in loops}
    for line in output.splitlines():
        name, ratio, when = line.split()
        by_loop[name].append((float(when), float(ratio)))
    return by_loop


def gilbench(python: str, env: dict[str, str], module: str, loops: list[str], out: Path) -> dict[str, list[float]]:
    """Each loop's two-thread speed-up in gilbench: serial / threads per round (paired by round)."""
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
        speedups[loop] = [serial[r] / threads[r] for r in serial if r in threads]
    return speedups


def spread(ratios: list[float]) -> str:
    """Median and middle half of some rounds' ratios, as printed."""
    low, _, high = statistics.quantiles(ratios, n=4)
    return f"{statistics.median(ratios):5.2f}x [{low:.2f}-{high:.2f}]"


def timeline(python: str, env: dict[str, str], module: str, loop: str, rounds: int) -> None:
    """One plain program's rounds of one loop, 0.3 s apart: whether its scaling flips with time alone."""
    points = plain(python, env, module, [loop], rounds=rounds, pause=0.3)[loop]
    print(f"{loop} in one plain program under {python}, a round every 0.3 s (seconds: ratio)")
    print(" ".join(f"{when:.1f}:{ratio:.2f}" for when, ratio in points))
    print(
        f"{len(points)} rounds: {spread([ratio for _, ratio in points])}, lowest {min(r for _, r in points):.2f}x,"
        f" highest {max(r for _, r in points):.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", required=True, help="the interpreter to compare under (e.g. a 3.13t)")
    parser.add_argument("--module-path", required=True, help="the folder that holds the loops' module")
    parser.add_argument("--module", required=True, help="the loops' module, imported by both programs")
    parser.add_argument("--trials", type=int, default=5, help="plain/gilbench alternations (default 5)")
    parser.add_argument("--timeline", action="store_true", help="one plain program's rounds of one loop over time")
    parser.add_argument("loops", nargs="+", help="names of functions in the module, each called with no argument")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([args.module_path, str(ROOT)])}
    if args.timeline:
        for loop in args.loops:
            timeline(args.python, env, args.module, loop, rounds=40)
        return
    by_plain: dict[str, list[float]] = {loop: [] for loop in args.loops}
    by_gilbench: dict[str, list[float]] = {loop: [] for loop in args.loops}
    with tempfile.TemporaryDirectory() as folder:
        for trial in range(args.trials):
            for loop, points in plain(args.python, env, args.module, args.loops).items():
                by_plain[loop] += [ratio for _, ratio in points]
            out = Path(folder) / f"trial{trial}.json"
            for loop, ratios in gilbench(args.python, env, args.module, args.loops, out).items():
                by_gilbench[loop] += ratios
            print(f"trial {trial + 1}/{args.trials} done", file=sys.stderr, flush=True)
    print(
        f"two threads against two calls on one, {args.trials} interleaved trials of {ROUNDS} rounds (all rounds"
        f" pooled: median [middle half]), under {args.python}"
    )
    print(f"{'loop':<20} {'plain':>20} {'gilbench':>20} {'gilbench/plain':>15}")
    within = 0
    for loop in args.loops:
        mine, theirs = statistics.median(by_gilbench[loop]), statistics.median(by_plain[loop])
        ok = abs(mine / theirs - 1) <= GOAL
        within += ok
        print(
            f"{loop:<20} {spread(by_plain[loop]):>20} {spread(by_gilbench[loop]):>20} {mine / theirs:14.2f}"
            f"{'' if ok else '  (over 10%)'}"
        )
    print(f"{within} of {len(args.loops)} loops within 10% of the plain program (goal: all)")


if __name__ == "__main__":
    main()
