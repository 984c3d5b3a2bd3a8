"""``python -m bench conduct``: one run across every interpreter, in the same randomised rounds.

Host code (standard library only; it runs under the Python that runs nox).
Interpreters compared one after another are compared across whatever the
machine did in between (Abedi and Brecht, ICPE 2017: sequential trials on
cloud machines reported 38% differences between identical systems).  So the
conductor starts one long-lived runner per interpreter (``python -m bench run
--driven``), each with its own result file, and asks them, one cell at a time,
to measure every (interpreter, cell) once per round, in an order shuffled per
round from the run's seed and recorded in the run manifest.  Each cell is a
fresh process forked by its interpreter's runner, which waits on a blocking
read of its channel (no thread), so a cell starts from a one-thread process,
as a plain script does.  Between rounds the conductor runs the speed probe
itself, with one loop count, under one Python, and hands each runner the
point, so every file carries the same probe and the same round numbers.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import select
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any, Optional

from bench import layout
from bench.errors import EXIT_CELLS_FAILED, EXIT_INTERRUPTED, UsageError
from bench.interrupts import STOP_SIGNALS, ignore_signals, raise_if_stopping, stop_on_signals
from bench.measure.config import DEFAULT_READY_TIMEOUT_S
from bench.measure.probe import PROBE_LOOPS, own_cpu_s, probe
from bench.result import FAULTS
from bench.verdict import LOOK_STEP, planned_looks

STOP_WAIT_S = 5.0
"""How long a runner whose channel broke is given to finish exiting, so its exit code or signal can be named."""


def describe_exit(code: Optional[int]) -> str:
    """How a process ended, in words: ``was killed by SIGKILL``, ``exited with code 1``."""
    if code is None:
        return "stopped answering"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"was killed by {name}"
    return f"exited with code {code}"


class RunnerGone(Exception):
    """A runner's channel closed: the message says how the runner ended."""


@dataclass
class RunnerProcess:
    """One interpreter's runner, driven over a pair of pipes; its stderr passes through."""

    label: str
    process: Optional[subprocess.Popen[bytes]]  # None: it could not even be started
    commands: IO[bytes]
    replies: IO[bytes]
    cells: list[str] = field(default_factory=list)
    one_cpu: list[bool] = field(default_factory=list)  # per cell: put on the round's CPU (runs_on_one_cpu)
    own_cpu_s: float = 0.0
    failure: str = ""  # why it stopped answering (it is then left out of the rest of the run)
    faults: list[str] = field(default_factory=list)  # cells that failed or timed out: "name: status"
    python: str = ""  # its interpreter's executable, which names its environment

    def send(self, message: dict[str, Any]) -> None:
        self.commands.write(json.dumps(message).encode("utf-8") + b"\n")
        self.commands.flush()

    def receive(self) -> dict[str, Any]:
        line = self.replies.readline()
        if not line:
            raise RunnerGone(self.how_it_stopped())
        reply: dict[str, Any] = json.loads(line)
        return reply

    def how_it_stopped(self, error: Optional[BaseException] = None) -> str:
        """The runner's end in words, from its exit code or signal once it has exited (it is given a moment), else
        from what broke the channel."""
        code: Optional[int] = None
        with contextlib.suppress(subprocess.TimeoutExpired, AttributeError):
            code = self.process.wait(timeout=STOP_WAIT_S) if self.process is not None else None
        if code is None and error is not None:
            return f"stopped answering ({error})"
        return describe_exit(code)

    def ask(self, message: dict[str, Any]) -> Optional[dict[str, Any]]:
        """Send a command and read its reply; a runner that dies is marked failed, never fatal to the run."""
        if self.failure:
            return None
        try:
            self.send(message)
            return self.receive()
        except RunnerGone as exc:  # its channel closed: it has exited, and how is known
            self.failure = str(exc)
        except (OSError, ValueError) as exc:  # a broken pipe, a garbled reply: how it ended, once it has
            self.failure = self.how_it_stopped(exc)
        return None

    def kill(self) -> None:
        """Kill the runner's process group (its cells, its pools) and reap it."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.process.wait()


@dataclass(frozen=True)
class Plan:
    """What one conducted run measures: the interpreters (label -> executable) and the runner's options."""

    pythons: dict[str, str]
    runner_args: list[str]
    run_id: str
    repeat: int
    seed: int
    cpus: list[int]
    simulate: dict[str, str] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)  # interpreters expected but not measurable, and why
    command: str = ""
    ready_timeout_s: float = DEFAULT_READY_TIMEOUT_S
    quiet: bool = False  # --quiet: no progress or notes, warnings and errors only
    max_rounds: int = 0  # rounds the run may reach by adding rounds while its answer is not settled
    extra_time_s: float = 0.0  # the most time those rounds may take, from the end of the base rounds
    look_step: int = LOOK_STEP

    @property
    def looks(self) -> list[int]:
        return planned_looks(self.repeat, max(self.repeat, self.max_rounds), self.look_step)


def launch_runner(plan: Plan, label: str) -> RunnerProcess:
    """Start ``EXECUTABLE -m bench run --driven`` with its own channel, in a session of its own; it says when it
    is ready (:func:`wait_until_ready`)."""
    simulate = plan.simulate.get(label)
    commands_read, commands_write = os.pipe()
    replies_read, replies_write = os.pipe()
    command = [
        plan.pythons[label],
        "-m",
        "bench",
        "run",
        *plan.runner_args,
        # After the user's arguments, so these win: its label and file, this run, these rounds, this channel.
        "--label",
        label,
        "--run-id",
        plan.run_id,
        "--shared-rounds",
        ",".join(plan.pythons),
        "--driven",
        f"{commands_read},{replies_write}",
        *(["--same-cpu"] if len(plan.cpus) > 1 else []),
        *(["--simulate", simulate] if simulate else []),
    ]
    process: Optional[subprocess.Popen[bytes]] = None
    failure = ""
    try:
        process = subprocess.Popen(command, pass_fds=(commands_read, replies_write), start_new_session=True)
    except OSError as exc:  # no such file, not executable: named like any runner that did not start
        failure = f"did not start ({plan.pythons[label]}: {exc.strerror})"
    finally:
        os.close(commands_read)
        os.close(replies_write)
    runner = RunnerProcess(label, process, os.fdopen(commands_write, "wb"), os.fdopen(replies_read, "rb"))
    runner.python = plan.pythons[label]
    runner.failure = failure
    return runner


def _read_ready(runner: RunnerProcess) -> None:
    try:
        ready = runner.receive()
        if "refused" in ready:  # its options checked in its own environment: a workload it cannot import there
            runner.failure = f"refused the run under {runner.python} ({ready['refused']})"
            return
        runner.cells = [str(name) for name in ready["cells"]]
        flags = [bool(flag) for flag in ready.get("one_cpu") or []]  # absent (an older runner): pin nothing
        runner.one_cpu = (flags + [False] * len(runner.cells))[: len(runner.cells)]
    except (OSError, ValueError, KeyError, TypeError, RunnerGone) as exc:
        runner.failure = f"did not start ({exc})"


def wait_until_ready(runners: list[RunnerProcess], timeout_s: float) -> None:
    """Every runner's ready message, read as it comes (they start at the same time, so one slow or hung runner
    delays no other); a runner silent past ``timeout_s`` is killed with its process group and marked."""
    deadline = time.monotonic() + timeout_s
    waiting = {runner.replies.fileno(): runner for runner in runners if not runner.failure}
    while waiting:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        readable, _, _ = select.select(list(waiting), [], [], min(left, 1.0))
        for descriptor in readable:
            _read_ready(waiting.pop(descriptor))
    for runner in waiting.values():
        runner.kill()
        runner.failure = f"did not start within {timeout_s:g} s (killed with everything it started)"


Step = tuple[str, int, Optional[int]]
"""One measurement of a round: the interpreter's label, its cell's index, and the CPU it runs on (None: any)."""


def round_cpu(seed: int, round_number: int, cpus: list[int]) -> Optional[int]:
    """The CPU every one-CPU cell of this round runs on (None: one CPU usable, nothing to pair).  Balanced: each
    block of ``len(cpus)`` rounds uses every CPU once, in an order shuffled from the run's seed."""
    if len(cpus) < 2:
        return None
    block, at = divmod(round_number - 1, len(cpus))
    order = list(cpus)
    random.Random(f"{seed}:{block}:cpus").shuffle(order)  # noqa: S311 (a recorded, repeatable order)
    return order[at]


def round_plan(
    seed: int,
    round_number: int,
    runners: list[RunnerProcess],
    cpus: list[int],
    only: Optional[set[tuple[str, str]]] = None,
) -> list[Step]:
    """Every (interpreter, cell) once (an added round: those in ``only``), shuffled from the run's seed and the
    round number (repeatable).

    Shuffled in two levels, duet-style (Bulej et al., ICPE 2020): the cells in a random order, and each cell's
    interpreters back to back in a random order of their own.  Pairing by round removes what a whole round
    shares; a machine whose speed flips within seconds (as these shared VMs do) still differs between two
    measurements a round apart, so the comparisons that matter most (one cell under two interpreters: the
    GIL's cost, the A/A check) are measured next to each other, and their order alternates at random.

    Every cell that runs on one CPU runs, in this round, on the round's CPU (:func:`round_cpu`), whichever
    interpreter and cell it is: this VM's two CPUs differ by a few per cent at times, and pairing by CPU as by
    round takes that out of every comparison between such cells (A/A pairs, 40 rounds: the middle half of the
    per-round ratios 0.95-1.06 left to the scheduler, 0.98-1.03 on one CPU).  Over the rounds every CPU
    takes its turn, so no one CPU's speed stands for the machine's."""
    rng = random.Random(f"{seed}:{round_number}:run")  # noqa: S311 (a recorded, repeatable order)
    groups: dict[str, list[tuple[str, int]]] = {}
    pinned: dict[str, bool] = {}  # a cell is put on the round's CPU only if every interpreter's runner can
    for runner in runners:
        for index, (name, one_cpu) in enumerate(zip(runner.cells, runner.one_cpu)):
            if only is not None and (runner.label, name) not in only:
                continue
            groups.setdefault(name, []).append((runner.label, index))
            pinned[name] = pinned.get(name, True) and one_cpu
    names = list(groups)
    rng.shuffle(names)
    cpu = round_cpu(seed, round_number, cpus)
    steps: list[Step] = []
    for name in names:
        rng.shuffle(groups[name])
        steps += [(label, index, cpu if pinned[name] else None) for label, index in groups[name]]
    return steps


class Progress:
    """One line per measurement, with the time to the end estimated from the first round on."""

    def __init__(self, total: int, rounds: int, quiet: bool = False) -> None:
        self.total = total
        self.rounds = rounds
        self.done = 0
        self.started = time.monotonic()
        self.quiet = quiet  # --quiet: no progress lines

    def step(self, round_number: int, label: str, cell: str, reply: Optional[dict[str, Any]]) -> None:
        self.done += 1
        if self.quiet:
            return
        elapsed = time.monotonic() - self.started
        left = elapsed / self.done * (self.total - self.done)
        if reply is None:
            shown = "runner stopped"
        elif reply.get("wall_s") is not None and reply.get("status") == "ok":
            shown = f"{reply['wall_s']:.3f}s"
        else:
            shown = str(reply.get("status"))
        sys.stderr.write(
            f"[run] round {round_number}/{self.rounds}, {self.done}/{self.total}: {label} {cell} {shown} "
            f"({elapsed:.0f}s elapsed, ~{left:.0f}s left)\n"
        )
        sys.stderr.flush()


def probe_all(runners: list[RunnerProcess], label: str, at_s: float, cpus: list[int], simulated: bool) -> None:
    """One probe point, taken here (the host's Python, one loop count) and recorded in every runner's file.
    Simulated (the report's fixtures), the first runner's simulation gives the point, and every file gets it."""
    point = None
    if not simulated:
        taken = probe(label, at_s, PROBE_LOOPS, cpus)
        tree = own_cpu_s() + sum(runner.own_cpu_s for runner in runners)  # this process and every runner's tree
        point = replace(taken, own_cpu_s=round(tree, 3)).to_json()
    for runner in runners:
        reply = runner.ask({"do": "probe", "label": label, "point": point, "executable": sys.executable})
        if point is None and reply is not None:
            point = reply.get("point")


class Conductor:
    """One conducted run: its runners, the order of every round, what is missing and why."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.started_at = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        self.missing = dict(plan.missing)
        self.orders: list[tuple[Step, ...]] = []
        self.runners: list[RunnerProcess] = []
        self.took_s: dict[tuple[str, str], float] = {}  # each (interpreter, cell)'s last measurement, end to end
        self.probe_s = 0.0  # the last speed probe's time
        self.added: dict[str, Any] = {}  # what the added rounds did, for the manifest (empty: none planned)

    def write_manifest(self) -> None:
        layout.RunManifest(
            run_id=self.plan.run_id,
            interpreters=tuple([*self.plan.pythons, *self.plan.missing]),
            missing=self.missing,
            command=self.plan.command,
            started_at=self.started_at,
            round_orders=tuple(self.orders),
            added_rounds=dict(self.added),
        ).write(layout.results_root() / self.plan.run_id)

    def start(self) -> list[RunnerProcess]:
        """Every runner, started at once, each ready or named missing with the reason; the ones that answered."""
        for label in self.plan.pythons:
            self.runners.append(launch_runner(self.plan, label))  # known at once: Ctrl-C stops it too
        wait_until_ready(self.runners, self.plan.ready_timeout_s)
        for runner in self.runners:
            if runner.failure:
                self.missing[runner.label] = f"its runner {runner.failure}"
        live = [runner for runner in self.runners if not runner.failure]
        if not live:
            self.write_manifest()
            raise UsageError(f"no interpreter could start its runner: {'; '.join(self.missing.values())}")
        self.write_manifest()
        return live

    def note_lost(self, where: str) -> None:
        """Every runner lost since the last look, named in ``missing`` with how it ended and where."""
        for runner in self.runners:
            if runner.failure and runner.label not in self.missing:
                self.missing[runner.label] = f"its runner {runner.failure} {where}"

    def measure_round(
        self,
        round_number: int,
        live: list[RunnerProcess],
        progress: Progress,
        only: Optional[set[tuple[str, str]]] = None,
    ) -> None:
        """Every (interpreter, cell) once (an added round: those in ``only``), in this round's shuffled order."""
        steps = round_plan(self.plan.seed, round_number, live, self.plan.cpus, only)
        self.orders.append(tuple(steps))
        by_label = {runner.label: runner for runner in live}
        for runner in live:
            own = [index for label, index, _ in steps if label == runner.label]
            runner.ask({"do": "round", "round": round_number, "order": own})
        for label, index, cpu in steps:
            raise_if_stopping()
            runner = by_label[label]
            began = time.monotonic()
            reply = runner.ask({"do": "measure", "cell": index, "round": round_number, "cpu": cpu})
            self.took_s[(label, runner.cells[index])] = time.monotonic() - began
            if reply is not None:
                runner.own_cpu_s = float(reply.get("own_cpu_s") or 0.0)
                if reply.get("status") in FAULTS:
                    runner.faults.append(f"{runner.cells[index]}: {reply['status']}")
            self.note_lost(f"in round {round_number}, measuring {runner.cells[index]}")
            progress.step(round_number, label, runner.cells[index], reply)
        self.note_lost(f"in round {round_number}")

    def probe_after(self, round_number: int, live: list[RunnerProcess], clock: float, last: bool) -> None:
        """The speed probe after a round ("end" after the run's last), recorded by every runner."""
        point = "end" if last else f"after round {round_number}"
        began = time.monotonic()
        probe_all(live, point, began - clock, self.plan.cpus, bool(self.plan.simulate))
        self.probe_s = time.monotonic() - began
        self.note_lost(f"during the speed probe {'at the end' if last else point}")
        self.write_manifest()

    @property
    def adds(self) -> bool:
        return self.plan.max_rounds > self.plan.repeat and self.plan.extra_time_s > 0

    def add_rounds(self, live: list[RunnerProcess], progress: Progress, clock: float) -> None:
        """After the base rounds: while the answer's family (fixed now) has comparisons that are not settled, add
        rounds measuring only their cells, a look's worth at a time, until they settle, --max-rounds is reached,
        or the next look would not fit in --extra-time.  The verdicts are made by the report, from every round,
        at the level these looks planned (:mod:`bench.verdict`)."""
        plan = self.plan
        looks, rounds = plan.looks, plan.repeat
        deadline = time.monotonic() + plan.extra_time_s
        self.added = {
            "looks": looks,
            "base_rounds": rounds,
            "max_rounds": plan.max_rounds,
            "extra_time_s": plan.extra_time_s,
            "rounds": rounds,
            "family": 0,
            "stopped": "",
        }
        family = self.read_family(())
        if family is None:
            self.stop_adding(f"the answer could not be read ({self.added['error']})", live, clock)
            return
        fixed = [(member.a, member.b) for member in family]
        self.added["family"] = len(fixed)
        self.note(
            f"the answer's family: {len(fixed)} comparisons, {sum(not m.settled for m in family)} not settled "
            f"after {rounds} rounds; looks planned after {', '.join(map(str, looks))} rounds"
        )
        for look in looks[1:]:
            unsettled = [member for member in family if not member.settled]
            self.added["unsettled"] = [member.words() for member in unsettled]
            if not unsettled:
                self.stop_adding("settled", live, clock)
                return
            needed = set().union(*(member.steps() for member in unsettled))
            needed = {step for step in needed if any(r.label == step[0] and step[1] in r.cells for r in live)}
            one_round = sum(self.took_s.get(step, 0.0) for step in needed) + self.probe_s
            if not needed or time.monotonic() + one_round * (look - rounds) > deadline:
                self.stop_adding(
                    f"the next {look - rounds} rounds would not fit in --extra-time {plan.extra_time_s:g} s"
                    if needed
                    else "no cell is left to measure",
                    live,
                    clock,
                )
                return
            self.probe_after(rounds, live, clock, last=False)  # the last round's, once the run goes on
            self.note(
                f"adding rounds {rounds + 1}-{look} for {len(unsettled)} comparisons not settled "
                f"({len(needed)} measurements a round, about {one_round:.0f} s each)"
            )
            progress.total += len(needed) * (look - rounds)
            progress.rounds = look
            for round_number in range(rounds + 1, look + 1):
                self.measure_round(round_number, live, progress, needed)
                rounds = round_number
                self.added["rounds"] = rounds
                if round_number < look:
                    self.probe_after(round_number, live, clock, last=False)
            family = self.read_family(fixed)
            if family is None:
                self.stop_adding(f"the answer could not be read ({self.added['error']})", live, clock)
                return
        unsettled = [member for member in family if not member.settled]
        self.added["unsettled"] = [member.words() for member in unsettled]
        self.stop_adding(f"--max-rounds {plan.max_rounds} reached" if unsettled else "settled", live, clock)

    def read_family(self, fixed: Any) -> Optional[list[Any]]:
        """The answer's family from the files so far, with the report's own code; None (and why, in ``added``)
        when it cannot be read: no rounds are then added, and nothing measured is lost."""
        try:
            from bench.report.family import family_of  # the report's own choices: they need its libraries

            return family_of(layout.results_root() / self.plan.run_id, fixed)
        except ImportError as exc:
            self.added["error"] = f"this Python lacks the report's libraries: {exc}"
        except Exception as exc:  # whatever the report's code raises, the run keeps what it measured
            self.added["error"] = f"{type(exc).__name__}: {exc}"
        return None

    def note(self, text: str) -> None:
        """A line of what the run does, on stderr, unless --quiet."""
        if not self.plan.quiet:
            sys.stderr.write(f"[run] {text}\n")
            sys.stderr.flush()

    def stop_adding(self, why: str, live: list[RunnerProcess], clock: float) -> None:
        """No more rounds: why, said once and recorded, then the end's speed probe (after the last round)."""
        self.added["stopped"] = why
        left = len(self.added.get("unsettled") or [])
        self.note(
            f"rounds: {self.added.get('rounds')}; stopped adding: {why}"
            f"{f' ({left} comparisons not settled)' if left and why != 'settled' else ''}"
        )
        self.probe_after(int(self.added.get("rounds") or self.plan.repeat), live, clock, last=True)

    def run(self) -> int:
        """Start every runner, measure every round, finish every file; returns the run's exit code."""
        plan, interrupted = self.plan, False
        simulated = bool(plan.simulate)
        previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
        stop_on_signals()  # nox terminates on Ctrl-C, a closed terminal hangs up: every runner saves
        try:
            live = self.start()
            clock = time.monotonic()
            probe_all(live, "start", 0.0, plan.cpus, simulated)
            self.note_lost("during the speed probe at the start")
            progress = Progress(sum(len(runner.cells) for runner in live) * plan.repeat, plan.repeat, plan.quiet)
            for round_number in range(1, plan.repeat + 1):
                self.measure_round(round_number, live, progress)
                if round_number < plan.repeat or not self.adds:
                    self.probe_after(round_number, live, clock, last=round_number == plan.repeat)
            if self.adds:
                self.add_rounds(live, progress, clock)
        except KeyboardInterrupt:
            interrupted = True
            ignore_signals()  # the runners are stopped and saved now; a second Ctrl-C would only cut that short
        finally:
            codes = _finish(self.runners, interrupted)
            for runner in self.runners:
                code = codes.get(runner.label, 0)
                if not interrupted and code not in (0, EXIT_CELLS_FAILED) and runner.label not in self.missing:
                    self.missing[runner.label] = f"its runner {describe_exit(code)} while saving its results"
            with contextlib.suppress(OSError):
                self.write_manifest()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        for runner in self.runners:
            if runner.faults:
                shown = ", ".join(runner.faults[:3])
                sys.stderr.write(f"{runner.label}: {len(runner.faults)} cells failed or timed out ({shown})\n")
        if interrupted or EXIT_INTERRUPTED in codes.values():
            return EXIT_INTERRUPTED
        if self.missing or any(code not in (0, EXIT_CELLS_FAILED) for code in codes.values()):
            return 1
        return EXIT_CELLS_FAILED if EXIT_CELLS_FAILED in codes.values() else 0


def _finish(runners: list[RunnerProcess], interrupted: bool) -> dict[str, int]:
    """Every runner saves its file and exits: told to end, or interrupted (SIGINT, which also stops a cell it is
    measuring) with what it measured.  Its channel stays open until it has exited, so it always learns of an
    interruption from the signal, never first from the channel closing."""
    started = [runner for runner in runners if runner.process is not None]
    for runner in started:
        if interrupted or not runner.cells:  # not ready yet: it has no file to save, and reads no command
            with contextlib.suppress(ProcessLookupError):
                runner.process.send_signal(signal.SIGINT)  # type: ignore[union-attr]
        else:
            with contextlib.suppress(OSError):
                runner.send({"do": "end"})
    codes = {}
    for runner in started:
        process = runner.process
        assert process is not None
        try:
            codes[runner.label] = process.wait(timeout=60 if runner.cells else STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            runner.kill()
            codes[runner.label] = int(process.returncode)
    for runner in runners:
        for channel in (runner.commands, runner.replies):
            with contextlib.suppress(OSError):
                channel.close()
    return codes


def parse_pythons(texts: list[str]) -> dict[str, str]:
    """``LABEL=EXECUTABLE`` for each interpreter (labels unique, as result file names)."""
    pythons: dict[str, str] = {}
    for text in texts:
        label, sep, executable = text.partition("=")
        if not sep or not executable:
            raise UsageError(f"--python {text!r}: expected LABEL=EXECUTABLE")
        label = layout.check_name(label.strip(), "--python label")
        if label in pythons:
            raise UsageError(f"--python {text!r}: the label {label!r} is given twice; give each interpreter its own")
        pythons[label] = executable.strip()
    if not pythons:
        raise UsageError("conduct needs at least one --python LABEL=EXECUTABLE")
    return pythons


def main(args: Any) -> int:
    """``python -m bench conduct --python LABEL=EXE ... -- RUN OPTIONS``: check, place the run, conduct it."""
    from bench.measure.orphans import become_subreaper, kill_leftovers

    become_subreaper()  # a runner's descendant that leaves its session becomes this process's child: none outlives
    try:
        return _conduct(args)
    finally:
        kill_leftovers()  # every runner has exited and the page server stopped: anything still below is a leftover


def _conduct(args: Any) -> int:
    from bench.measure.config import added_rounds, parse_run_options, ready_timeout, resolve_config
    from bench.measure.estimate import estimate_line
    from bench.measure.introspect import allowed_cpus
    from bench.measure.loop import planned_cells, strategies_of
    from bench.measure.workloads import check_strategies
    from bench.server import ServerProcess

    pythons = parse_pythons(args.python or [])
    simulate = dict(parse_pythons(args.simulate)) if args.simulate else {}
    runner_args = [part for part in (args.runner_args or []) if part != "--"]
    options = parse_run_options(runner_args)
    if options.out or options.label:
        raise UsageError("conduct writes results/RUN_ID/LABEL.json for each --python; --out and --label are for one")
    # Every option checked once, here, before any runner starts; the user's modules are not imported here: their
    # dependencies are installed in each interpreter's environment, not in the conductor's, and each runner imports
    # them (one that cannot is recorded with its reason; nox's bench-LABEL sessions check that before this).
    options.options_only = True
    config = resolve_config(options)
    check_strategies(strategies_of(config), import_user=False)
    ready_s = ready_timeout(options)
    settings = config.settings
    added = added_rounds(options, settings.repeat)
    if options.dry_run:
        if not config.quiet:
            cells = [cell for label in pythons for cell in planned_cells(config, label)]
            print(f"would conduct {', '.join(pythons)} in {settings.repeat} shared rounds")
            print(estimate_line(cells, settings.repeat, layout.results_root()))
        if added.any and not config.quiet:
            print(
                f"then up to {added.max_rounds - settings.repeat} added rounds of the cells the answer's unsettled "
                f"comparisons need (to {added.max_rounds} rounds), taking at most {added.extra_time_s:g} s more"
            )
        return 0
    missing = dict(json.loads(args.missing)) if args.missing else {}
    with contextlib.ExitStack() as resources:
        if args.run_id:
            run_id = layout.check_name(args.run_id, "--run-id")
            (layout.results_root() / run_id).mkdir(parents=True, exist_ok=True)
        else:
            run_id, _ = layout.reserve_run_dir(layout.results_root())
        if config.needs_pages and not settings.urls and settings.server_url is None and not simulate:
            server = resources.enter_context(ServerProcess(latency_ms=config.latency_ms))
            runner_args += ["--server-url", server.url]
            if not config.quiet:
                sys.stderr.write(f"started a page server at {server.url} for every interpreter\n")
        plan = Plan(
            pythons=pythons,
            runner_args=runner_args,
            run_id=run_id,
            repeat=settings.repeat,
            seed=settings.seed,
            cpus=sorted(settings.pin or allowed_cpus()),
            simulate=simulate,
            missing=missing,
            command=args.command or shlex.join(["python", "-m", "bench", *sys.argv[1:]]),
            ready_timeout_s=ready_s,
            max_rounds=added.max_rounds,
            extra_time_s=added.extra_time_s,
            quiet=config.quiet,
        )
        code = Conductor(plan).run()
    if not config.quiet:
        sys.stderr.write(f"run {run_id}: results in {Path(layout.results_root()) / run_id}\n")
    return code
