"""The answer first: for each workload, what ran fastest on each interpreter, what of that the interpreter gave and
what the strategy gave, and the choices a reader faces against it, each with its test.

Host code.  A reader comes to a benchmark to choose an interpreter and a
strategy.  "pypy3 with 2 processes, 82x faster than 3.13 serial" does not
say that 57x of it is PyPy and 1.45x the pool, nor that the runner-up
(the same pool with 5 workers) is no choice at all.  So the answer gives,
per workload and interpreter, the fastest configuration, its gain over its
own interpreter's baseline (the strategy), that baseline's gain over the
reference's (the interpreter) and both together; and its runner-ups are the
best on another interpreter and the best of another strategy, never the same
strategy with another worker count.  A pool of one worker is never an answer:
it is the serial run plus the pool's overhead.  :func:`answer_record` writes
the same breakdown as ``answer.json``.
"""

from __future__ import annotations

import pandas as pd

from bench.report import words
from bench.report.comparisons import ComparisonRow, Comparisons
from bench.report.compute import Computed
from bench.report.content import Section, Table
from bench.report.format import TimeUnit, ratio, time_unit
from bench.report.load import Column
from bench.report.sections import between_interpreters
from bench.report.selection import (
    GIL_ON_MARK,
    GilQuestion,
    InterpreterBest,
    WorkloadAnswer,
    configuration_of,
    key,
    short_of,
    strategy_of,
)
from bench.result import RunWarning
from bench.vocabulary import BASELINE_LABELS, named_with_client, strategy


def _same(a: pd.Series | None, b: pd.Series | None) -> bool:
    return a is not None and b is not None and key(a) == key(b)


def _gain(comparisons: Comparisons, base: pd.Series | None, cell: pd.Series) -> ComparisonRow | None:
    """``base / cell``: how many times faster ``cell`` ran; None when there is no base or it is the cell itself."""
    if base is None or _same(base, cell):
        return None
    return comparisons.of(base, cell)


def _lead(comparison: ComparisonRow, other: str | None = None) -> str:
    """How far a configuration is ahead, given ``other / it`` (:func:`bench.report.words.subject_against`)."""
    return words.subject_against(comparison, other or "")


def _gain_text(comparison: ComparisonRow | None, same: str) -> str:
    return words.gain(comparison, same)


def _against(comparisons: Comparisons, other: pd.Series | None, first: pd.Series, what: str) -> str | None:
    """``against the best on another interpreter, 3.13 with 2 processes: 9.9x faster (p=0.008)``."""
    if other is None:
        return None
    return f"against the best {what}, {configuration_of(other)}: {_lead(comparisons.of(other, first))}"


def _sentence(comparisons: Comparisons, chosen: WorkloadAnswer) -> str:
    """``cpu: pypy3 serial ran in the least time, 43.0x faster than 3.13 serial (p=0.008): the interpreter 43.0x
    [...], the strategy none (serial); against the best on another interpreter, ...``."""
    first = chosen.bests[0]
    fastest = configuration_of(first.best)
    lead = f"{named_with_client(chosen.workload)}: {fastest} ran in the least time (median of the rounds)"
    total = _gain(comparisons, chosen.reference, first.best)
    if total is not None and chosen.reference is not None:
        interpreter = _gain(comparisons, chosen.reference, first.baseline) if first.baseline is not None else None
        strategy = _gain(comparisons, first.baseline, first.best)
        reference = configuration_of(chosen.reference)
        baseline = configuration_of(first.baseline) if first.baseline is not None else "its baseline"
        interpreter_part = (
            f"the interpreter ({baseline} against {reference}) gives {_gain_text(interpreter, '')}"
            if interpreter is not None
            else f"the interpreter gives nothing ({reference} is the reference)"
        )
        strategy_part = (
            f"the strategy ({strategy_of(first.best)} against {strategy_of(first.baseline)}) {_gain_text(strategy, '')}"
            if strategy is not None and first.baseline is not None
            else f"the strategy nothing ({strategy_of(first.best)} is the baseline)"
        )
        lead += f", {_lead(total, reference)}; of that, {interpreter_part} and {strategy_part}"
    runner_ups = [
        _against(comparisons, chosen.other_interpreter, first.best, "on another interpreter"),
        _against(comparisons, chosen.other_strategy, first.best, "of another strategy"),
    ]
    given = [text for text in runner_ups if text]
    return lead + ("; " + "; ".join(given) if given else "") + "."


def _baseline_names(chosen: list[WorkloadAnswer]) -> str:
    names = {strategy_of(part.baseline) for answer in chosen for part in answer.bests if part.baseline is not None}
    return " or ".join(sorted(names)) or BASELINE_LABELS[0]


def answer_sections(computed: Computed, method: str) -> list[Section]:
    """The report's answer, first: the narrow table and one plain sentence per workload; then (after the
    warnings) how to read the report, every term it uses defined; then the answer in detail, with its tests."""
    detail = answer_section(computed, method)
    if detail is None:
        return []
    answers = list(computed.selection.answers)
    reference = configuration_of(answers[0].reference) if answers[0].reference is not None else "the reference"
    plain = [_plain_sentence(computed.comparisons, chosen) for chosen in answers]
    gil = [_gil_sentence(computed.comparisons, question) for question in computed.selection.gil_questions]
    notes = _gil_on_note(computed.columns) + _unoptimized_note(computed.columns)
    first = Section(
        "The answer", tables=[("", detail.brief)] if detail.brief else [], after=plain + gil + notes, first=True
    )
    how = Section("How to read this report", paragraphs=[detail.paragraphs[0], method, glossary(computed, reference)])
    detail.title, detail.paragraphs, detail.first, detail.brief, detail.in_answer = (
        "The answer in detail",
        [],
        False,
        None,
        True,
    )
    detail.after = [text for text in detail.after if text not in notes and text not in gil]
    return [first, how, detail]


def _plain_sentence(comparisons: Comparisons, chosen: WorkloadAnswer) -> str:
    """``cpu: pypy3 serial ran in the least time, 39.4x faster than 3.13 serial; on another interpreter, 3.13
    with 2 processes: 23.9x slower; of another strategy, pypy3 with 2 threads: 2.02x slower.``"""
    first = chosen.bests[0]
    text = f"{named_with_client(chosen.workload)}: {configuration_of(first.best)} ran in the least time"
    total = _gain(comparisons, chosen.reference, first.best)
    if total is not None and chosen.reference is not None:
        said = words.of_subject(total)  # the fastest against the reference, as the interval settles it
        size = ratio(total.value if said == "faster" else 1 / total.value)
        against = {"faster": f"{size} faster than", "slower": f"{size} slower than", "equivalent": "equivalent to"}
        text += f", {against.get(said, 'not settled against')} {configuration_of(chosen.reference)}"
    runner_ups = ((chosen.other_interpreter, "on another interpreter"), (chosen.other_strategy, "of another strategy"))
    for other, what in runner_ups:
        if other is not None:
            text += f"; {what}, {configuration_of(other)}: {_short_lead(comparisons.of(other, first.best))}"
    return text + "."


def glossary(computed: Computed, reference: str) -> str:
    """Every term the answer uses, defined once."""
    margin = f"±{computed.comparisons.margin:.0%}"
    return (
        "Terms. A workload is the task a cell runs (io and mixed download pages; their client, requests or "
        "gilbench's standard-library one, is part of the workload and named with it). A strategy is how the tasks "
        "are run: serial (one after another), threads, processes, subinterpreters (isolated interpreters in one "
        "process, each with its own GIL), asyncio tasks (one event loop, N in flight), or asyncio tasks + to_thread "
        "(the same loop with its CPU tasks offloaded to threads; recorded as the offload strategy). A cell is one "
        "workload with one strategy and worker count under one interpreter. A warm-up is an untimed pass of a few "
        "of a cell's tasks before its timed one (more on PyPy, whose JIT compiles as it goes; none for process "
        "pools and subinterpreters, whose workers start anew, or with --warmup 0). A round measures every cell once; "
        "added rounds measure only the cells of the answer's comparisons not yet settled. A ratio compares two "
        "cells' times: faster or slower where its interval excludes 1 and lies outside the margin "
        f"({margin}), equivalent where the whole interval lies within it, not settled otherwise (its interval is "
        "then said as a bound). An interval's level is how often such an interval holds the true ratio; the "
        "answer's family (each workload's runner-ups against its fastest, and the GIL question) shares one level. "
        "The GIL question asks, for work that holds the GIL, whether the GIL build with a GIL per worker (processes "
        f"or subinterpreters) or the free-threaded build with threads ran faster. {reference} is the reference every "
        "interpreter is compared with; a configuration's baseline is its own interpreter's serial run (in a seed run, "
        "its 1-thread pool). Its efficiency is its speed-up over that baseline divided by the ideal one (for CPU "
        "work, its workers, at most the usable CPUs, scaled by their speed). A free-threaded build runs without the "
        "GIL unless an extension or PYTHON_GIL=1 switches it back on, and then every entry of it is marked (GIL on!). "
        "The speed probe is one fixed pure-Python loop timed on each CPU at the start, after every round and at the "
        "end: it shows whether the machine's speed drifted during the run."
    )


def answer_section(computed: Computed, method: str) -> Section | None:
    """The answer in detail: per workload and interpreter, the fastest configuration and its parts, with the
    tests (:func:`answer_sections` splits it over the report)."""
    comparisons = computed.comparisons
    answers = list(computed.selection.answers)
    if not answers:
        return None
    parts = [(chosen, rank, part) for chosen in answers for rank, part in enumerate(chosen.bests, 1)]
    per_task = [_task_s(part.best) for _, _, part in parts]  # the median task's own duration
    task_unit = time_unit(per_task)
    cell_unit = time_unit(float(part.best["median"]) for _, _, part in parts)
    baseline = _baseline_names(answers)
    base_name = computed.reference.name if computed.reference is not None else None
    reference = f"{base_name} {strategy_of(answers[0].reference)}" if answers[0].reference is not None else "–"
    rows, keys = [], []
    for (chosen, rank, part), task_time in zip(parts, per_task):
        row, key = _answer_row(
            comparisons, chosen, rank, part, task=(task_unit.text(task_time), task_time), cell_unit=cell_unit
        )
        rows.append(row)
        keys.append(key)
    headers = [
        "workload",
        "rank",
        "interpreter",
        "fastest there",
        f"per task ({task_unit.unit})",
        f"per cell ({cell_unit.unit})",
        f"strategy: vs its {baseline}",
        f"interpreter: its {baseline} vs {reference}",
        f"both: vs {reference}",
        "vs its best other strategy",
    ]
    sentences = [_sentence(comparisons, chosen) for chosen in answers]
    sentences += [_gil_sentence(comparisons, question) for question in computed.selection.gil_questions]
    sentences += _gil_on_note(computed.columns) + _unoptimized_note(computed.columns)
    brief = _brief_table(computed.comparisons, answers, reference)
    intro = _answer_intro(computed, baseline, reference)
    return Section(
        "The answer", [intro, method], [("", Table(headers, rows, keys))], after=sentences, first=True, brief=brief
    )


def _gil_sentence(comparisons: Comparisons, question: GilQuestion) -> str:
    """``cpu, the GIL question: 3.13t with 2 threads (free-threaded) 1.23x slower than 3.13 with 2 processes``."""
    gil, free = configuration_of(question.gil_build), configuration_of(question.free_threaded)
    verdict = words.subject_against(comparisons.of(question.gil_build, question.free_threaded), gil)
    return (
        f"{question.workload}, the GIL question (the GIL build with a GIL per worker, or the free-threaded build "
        f"with threads): {free} {verdict}."
    )


def _answer_row(
    comparisons: Comparisons,
    chosen: WorkloadAnswer,
    rank: int,
    part: InterpreterBest,
    *,
    task: tuple[str, float | None],
    cell_unit: TimeUnit,
) -> tuple[list[str], list[float | None]]:
    """One interpreter's row of the answer (``task``: its median task as written, and in seconds), and the numbers
    an HTML reader sorts it by."""
    strategy = _gain(comparisons, part.baseline, part.best)
    interpreter = _gain(comparisons, chosen.reference, part.baseline) if part.baseline is not None else None
    total = _gain(comparisons, chosen.reference, part.best)
    other = part.other_strategy
    row = [
        chosen.workload,
        str(rank),
        str(part.best["interpreter"]),
        strategy_of(part.best),
        task[0],
        cell_unit.text(float(part.best["median"])),
        _gain_text(strategy, "– (is its baseline)"),
        _gain_text(interpreter, "– (is the reference)" if _same(part.baseline, chosen.reference) else "–"),
        _gain_text(total, "– (is the reference)" if _same(part.best, chosen.reference) else "–"),
        f"{strategy_of(other)}: {_lead(comparisons.of(other, part.best))}" if other is not None else "–",
    ]
    key = [
        None,
        float(rank),
        None,
        None,
        task[1],
        float(part.best["median"]),
        strategy.value if strategy is not None else None,
        interpreter.value if interpreter is not None else None,
        total.value if total is not None else None,
        None,
    ]
    return row, key


def _answer_intro(computed: Computed, baseline: str, reference: str) -> str:
    return (
        "For each workload, each interpreter's fastest configuration, fastest first, in absolute time: per cell "
        "(the median wall time of the rounds, pool start-up and shut-down included) and per task (the median "
        "task's own duration, which on shared CPUs can be longer than a serial task's, as workers take turns). "
        f'The gain splits in two: "strategy" is how many times faster the configuration ran than its own '
        f'interpreter\'s {baseline} run, "interpreter" how many times faster that {baseline} run was than {reference}, '
        f'and "both" the configuration against {reference}, each {between_interpreters(computed)}; "both" is about '
        'the product of the other two (each is a median of its own rounds\' ratios). "vs its best other strategy" '
        "is the choice a reader faces on that interpreter: the fastest configuration of another strategy, never "
        "the same strategy with another worker count. A pool of one worker is never listed: it is the serial run "
        "plus the pool's overhead."
    )


def _gil_on_note(columns: list[Column]) -> list[str]:
    """The warning under the answer when a free-threaded build ran with the GIL on: every entry of it is marked."""
    forced = [column for column in columns if column.interpreter.free_threaded_build and column.gil_was_on]
    if not forced:
        return []
    names = " and ".join(column.name for column in forced)
    why = {column.interpreter.python_gil_env for column in forced}
    cause = (
        f"PYTHON_GIL={next(iter(why))} was set"
        if why and None not in why
        else "an extension module without free-threading support (no Py_mod_gil) switched it back on"
    )
    return [
        f"⚠ {names} {'is a free-threaded build' if len(forced) == 1 else 'are free-threaded builds'} but ran with "
        f"the GIL on ({cause}): every entry marked{GIL_ON_MARK} is a GIL measurement, not a free-threaded one. "
        "`--require-free-threading` makes this an error before anything is measured; PYTHON_GIL=0 forces the GIL "
        "off, at the risk of crashes or wrong results in that extension (docs/usage.md)."
    ]


def _unoptimized_note(columns: list[Column]) -> list[str]:
    """The warning under the answer when a CPython in it was built without PGO and LTO."""
    unoptimized = unoptimized_cpythons(columns)
    if not unoptimized:
        return []
    return [
        f"⚠ {' and '.join(unoptimized)} {'was' if len(unoptimized) == 1 else 'were'} built without PGO and LTO "
        "(--enable-optimizations --with-lto), which the CPythons of python.org, the distributions and uv have: "
        "their times here can be slower than such a build's, and the gaps to PyPy wider. An optimized build "
        "is measured with the '+opt' spec (GILBENCH_PYTHONS=3.13+opt,3.13t+opt,pypy3)."
    ]


def _short_lead(comparison: ComparisonRow) -> str:
    """``9.9x slower``, ``equivalent``, ``not settled``: the runner-up against the fastest, for a narrow table."""
    return words.a_against(comparison)


def _brief_table(comparisons: Comparisons, answers: list[WorkloadAnswer], reference: str) -> Table:
    """answer.md's table, narrow enough for a README: one row per workload, the fastest configuration, its gain
    over the reference as interpreter times strategy, and its two runner-ups (details and tests: report.md)."""
    rows = []
    for chosen in answers:
        first = chosen.bests[0]
        total = _gain(comparisons, chosen.reference, first.best)
        interpreter = _gain(comparisons, chosen.reference, first.baseline) if first.baseline is not None else None
        strategy = _gain(comparisons, first.baseline, first.best)
        split = f"{ratio(interpreter.value if interpreter else 1.0)} × {ratio(strategy.value if strategy else 1.0)}"
        gain = f"{ratio(total.value)} ({split})" if total is not None else "–"
        runner_ups = [
            f"{short_of(other)}, {_short_lead(comparisons.of(other, first.best))}" if other is not None else "–"
            for other in (chosen.other_interpreter, chosen.other_strategy)
        ]
        rows.append([chosen.workload, short_of(first.best), gain, *runner_ups])
    headers = ["workload", "fastest", f"vs {reference} (interpreter × strategy)", "other interpreter", "other strategy"]
    return Table(headers, rows)


# --- answer.json ------------------------------------------------------------------------------


def _configuration(cell: pd.Series | None) -> dict[str, object] | None:
    if cell is None:
        return None
    return {
        "interpreter": str(cell["interpreter"]),
        "gil_forced_on": bool(cell.get("gil_forced_on", False)),  # a free-threaded build that ran with the GIL on
        "executor": strategy(str(cell["executor"])).public,
        "workers": int(cell["workers"]),
        "strategy": strategy_of(cell),
        "cell_s": float(cell["median"]),
        "task_s": _task_s(cell),
    }


def _test(comparison: ComparisonRow | None) -> dict[str, object] | None:
    """A gain as ``answer.json`` keeps it: ``ratio`` = base time / configuration time (> 1: the configuration
    is faster), its bracket, the test, and the word the report may use."""
    if comparison is None:
        return None
    return {
        "ratio": comparison.value,
        "low": comparison.low,
        "high": comparison.high,
        "level": comparison.level,
        "margin": comparison.margin,
        "p": comparison.p,
        "p_adjusted": comparison.p_adjusted,
        "rounds": comparison.n,
        "method": comparison.method,
        "family": comparison.role,
        "verdict": words.of_subject(comparison),  # the configuration against the base
    }


def _runner_up(comparisons: Comparisons, other: pd.Series | None, cell: pd.Series) -> dict[str, object] | None:
    if other is None:
        return None
    return {"configuration": _configuration(other), "test": _test(comparisons.of(other, cell))}


def _part_record(
    comparisons: Comparisons, chosen: WorkloadAnswer, rank: int, part: InterpreterBest
) -> dict[str, object]:
    return {
        "rank": rank,
        "fastest": _configuration(part.best),
        "baseline": _configuration(part.baseline),
        "strategy_gain": _test(_gain(comparisons, part.baseline, part.best)),
        "interpreter_gain": _test(_gain(comparisons, chosen.reference, part.baseline))
        if part.baseline is not None
        else None,
        "total_gain": _test(_gain(comparisons, chosen.reference, part.best)),
        "best_other_strategy": _runner_up(comparisons, part.other_strategy, part.best),
    }


def _interpreter_record(column: Column) -> dict[str, object]:
    """Which interpreter a name in the answer stands for: its version, its build and whether the GIL was on."""
    interpreter = column.interpreter
    return {
        "name": column.name,
        "label": interpreter.label,
        "implementation": interpreter.implementation,
        "version": interpreter.version,
        "implementation_version": interpreter.implementation_version,
        "free_threaded_build": interpreter.free_threaded_build,
        "gil_enabled": interpreter.gil_enabled,
        "build": dict(interpreter.build),
    }


def answer_record(computed: Computed, warnings: list[RunWarning]) -> dict[str, object]:
    """``answer.json``: the answer's breakdown, for people who publish or track it (every ratio is
    ``base / configuration``, so above 1 means the configuration ran faster), with the interpreters it names and
    the report's warnings, which hold for the answer too."""
    comparisons = computed.comparisons
    workloads = []
    for chosen in computed.selection.answers:
        workloads.append(
            {
                "workload": chosen.workload,
                "reference": _configuration(chosen.reference),
                "fastest": _configuration(chosen.first),
                "best_on_another_interpreter": _runner_up(comparisons, chosen.other_interpreter, chosen.first),
                "best_of_another_strategy": _runner_up(comparisons, chosen.other_strategy, chosen.first),
                "interpreters": [
                    _part_record(comparisons, chosen, rank, part) for rank, part in enumerate(chosen.bests, 1)
                ],
                "sentence": _sentence(comparisons, chosen),
                "gil_question": [
                    {
                        "gil_build": _configuration(question.gil_build),
                        "free_threaded": _configuration(question.free_threaded),
                        "test": _test(comparisons.of(question.gil_build, question.free_threaded)),
                    }
                    for question in computed.selection.gil_questions
                    if question.workload == chosen.workload
                ],
            }
        )
    return {
        "format": "gilbench-answer/1",
        "runs": sorted({column.document.run_id for column in computed.columns}),
        "interpreters": [column.name for column in computed.columns],
        "interpreter_details": [_interpreter_record(column) for column in computed.columns],
        "same_rounds": computed.one_run,
        "workloads": workloads,
        "warnings": [{"code": warning.code, "text": warning.text} for warning in warnings],
    }


def _task_s(cell: pd.Series) -> float | None:
    value = cell.get("task_s")
    return None if value is None or pd.isna(value) else float(value)


def unoptimized_cpythons(columns: list[Column]) -> list[str]:
    """CPython columns whose recorded build lacks PGO or LTO (flags recorded and missing, or recorded as off);
    a build that recorded neither is not named."""
    names = []
    for column in columns:
        build = column.interpreter.build
        if column.interpreter.implementation != "cpython":
            continue
        flags = str(build.get("config_args") or "")
        if (
            build.get("pgo") is False
            or build.get("lto") is False
            or (flags and not ("--enable-optimizations" in flags and "--with-lto" in flags))
        ):
            names.append(column.name)
    return names
