"""The tasks gilbench measures, and the builders that turn a workload name into a task list.

Guest code: standard library and ``requests`` only, Python >= 3.9, PyPy and
free-threaded CPython alike.  Nothing here may import a compiled extension
that lacks free-threading support: it would switch the GIL back on and
falsify every number.

Each workload teaches one thing:

``cpu``    the talk's ``countdown``: pure-Python bytecode, serialised by the GIL.
``io``     the talk's page download (one ``requests.Session`` per thread): waits release the GIL.
``mixed``  ``io`` and ``cpu`` tasks shuffled with a recorded seed: the talk's third load.
``io-stdlib``, ``mixed-stdlib``  the same with gilbench's standard-library client, which has a blocking and an
           asyncio transport: the loads on which threads and asyncio are compared.
``hash``   ``hashlib.sha256`` over a large buffer: C code that releases the GIL, so it
           scales with threads even on a GIL build.
``objects`` pure-Python allocation and shared-object reads: where free-threaded
           reference counting and allocation show their cost.
``sleep``  pure waiting, no network: the ceiling of what threads can overlap.

Task functions are module-level so process pools can pickle them.
"""

from __future__ import annotations

import ast
import importlib
import random
import re
import warnings
from dataclasses import dataclass, field, replace
from typing import Any, Callable, NamedTuple, Optional

from bench.errors import UsageError
from bench.measure.hashing import sha256
from bench.measure.tasks import countdown
from bench.result import WorkloadRecord
from bench.vocabulary import (
    BUILTIN_WORKLOADS,
    CLIENTS,
    EVENT_LOOPS,
    TRAITS_SYNTAX,
    WorkloadTraits,
    declared_traits,
    parse_traits,
    unknown_traits,
)

TaskFunction = Callable[..., Any]


class Task(NamedTuple):
    """One unit of work: ``function(argument)``, labelled with its kind for timelines.

    A named tuple, not a dataclass, because the executors unpack one per task on
    the measured path, and unpacking a tuple is the cheapest access there is.
    """

    kind: str
    function: TaskFunction
    argument: Any


# --- workloads: name -> task list --------------------------------------------


@dataclass
class BuildContext:
    """What builders need beyond their own argument."""

    urls: list[str] = field(default_factory=list)
    seed: int = 0
    cpu_argument: Any = None  # what `cpu` tasks inside `mixed` use


BUILTINS = BUILTIN_WORKLOADS
"""The built-in workloads, described once in :data:`bench.vocabulary.BUILTIN_WORKLOADS`."""


@dataclass(frozen=True)
class WorkloadChoice(WorkloadRecord):
    """A workload as the user chose it: a builtin name or ``module:function``, and its argument, if given."""

    has_argument: bool = False
    label: str = ""  # how its cells are named: the name, or name=ARG when a run lists the workload twice

    @property
    def cell_label(self) -> str:
        return self.label or self.name

    @property
    def is_user(self) -> bool:
        return ":" in self.name

    @property
    def needs_server(self) -> bool:
        builtin = BUILTINS.get(self.name)
        return bool(builtin and builtin.needs_server)

    def resolved_argument(self) -> Any:
        if self.has_argument:
            return self.argument
        builtin = BUILTINS.get(self.name)
        return builtin.default if builtin else None

    def record(self) -> WorkloadRecord:
        """What the result file keeps: the name, the argument every task got, and the traits."""
        return WorkloadRecord(self.name, self.resolved_argument(), self.has_argument or not self.is_user, self.traits)

    def to_json(self) -> dict[str, Any]:
        """The choice as the runner hands it to a cell's process (its fields as chosen, and the label)."""
        return {**super().to_json(), "label": self.label}

    @classmethod
    def from_json(cls, data: Any, where: Optional[str] = None) -> WorkloadChoice:
        record = WorkloadRecord.from_json(data, "workload" if where is None else where)
        return cls(record.name, record.argument, record.has_argument, record.traits, str(data.get("label", "")))


def _literal(text: str) -> Any:
    """Numbers and Python literals become values; anything else stays a string."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_workload(text: str, import_user: bool = True) -> WorkloadChoice:
    """``cpu``, ``cpu=100000``, ``pkg.mod:func`` or ``pkg.mod:func=ARG``; unknown names are refused.  A user's
    function is imported to read its declared traits, unless ``import_user`` is false (the options checked by a
    Python that need not have the function's dependencies: its traits are then unknown until its runner reads
    them)."""
    name, sep, raw_argument = text.strip().partition("=")
    name = name.strip()
    if ":" in name and not import_user:
        if not all(name.partition(":")):
            raise UsageError(f"workload {name!r} is not of the form package.module:function")
        traits = unknown_traits(name)
    elif ":" in name:
        traits = declared_by(name, load_user_function(name))
    elif name in BUILTINS:
        traits = BUILTINS[name].traits
    else:
        raise UsageError(f"unknown workload {name!r}; accepted: {', '.join(BUILTINS)} or module:function for your own")
    if not sep:
        return WorkloadChoice(name, traits=traits)
    argument = _literal(raw_argument)
    builtin = BUILTINS.get(name)
    if builtin is not None and not builtin.argument.accepts(argument):
        raise UsageError(f"workload '{name}={raw_argument}': expected {builtin.argument.accepted}")
    return WorkloadChoice(name, argument, True, traits)


TRAITS_ATTRIBUTE = "gilbench_traits"
"""A user's function may declare what its tasks do: ``work.gilbench_traits = "cpu/holds"`` (or use --traits)."""


def declared_by(target: str, function: TaskFunction) -> WorkloadTraits:
    """The traits a user's function declares (its :data:`TRAITS_ATTRIBUTE`), else unknown."""
    declared = getattr(function, TRAITS_ATTRIBUTE, None)
    if declared is None:
        return unknown_traits(target)
    return declared_traits(target, traits_of(str(declared), f"{target}.{TRAITS_ATTRIBUTE}"))


def traits_of(text: str, where: str) -> Any:
    try:
        return parse_traits(text)
    except ValueError:
        raise UsageError(f"{where} {text!r}: expected {TRAITS_SYNTAX}") from None


def with_declared_traits(choices: list[WorkloadChoice], declarations: list[str]) -> list[WorkloadChoice]:
    """--traits WORKLOAD=USES[/GIL] (repeatable): a user workload's traits, over what its function declares."""
    declared = {}
    for text in declarations:
        target, sep, traits = text.partition("=")
        users = [choice.name for choice in choices if choice.is_user]
        if not sep or target.strip() not in users:
            raise UsageError(
                f"--traits {text!r}: expected WORKLOAD=TRAITS for one of your workloads "
                f"({', '.join(users) or 'none chosen'}); built-in workloads' traits are fixed"
            )
        declared[target.strip()] = declared_traits(target.strip(), traits_of(traits, "--traits"))
    return [replace(choice, traits=declared[choice.name]) if choice.name in declared else choice for choice in choices]


def load_user_function(target: str) -> TaskFunction:
    """Import ``package.module:function``; a bad target is a one-line :class:`UsageError`."""
    module_name, _, attribute = target.partition(":")
    if not module_name or not attribute:
        raise UsageError(f"workload {target!r} is not of the form package.module:function")
    try:
        module = import_module(module_name)
    except Exception as exc:  # any import-time failure is the user's module's, reported in one line
        raise UsageError(f"workload {target!r}: cannot import {module_name!r} ({type(exc).__name__}: {exc})") from None
    found: Any = module
    for part in attribute.split("."):
        found = getattr(found, part, None)
        if found is None:
            raise UsageError(f"workload {target!r}: {module_name!r} has no attribute {attribute!r}")
    if not callable(found):
        raise UsageError(f"workload {target!r}: {attribute!r} is not callable")
    import inspect  # here, not at the top: only a user's workload needs it, and it is a heavy import

    not_run_by_a_call = (  # their call returns an object instead of doing the work: they would time nothing
        ("a generator function", inspect.isgeneratorfunction),
        ("an async generator function", inspect.isasyncgenfunction),
    )  # a coroutine function is run by awaiting it: the asyncio strategy does (see check_strategies)
    kind = next((name for name, test in not_run_by_a_call if test(found)), None)
    if kind:
        raise UsageError(
            f"workload {target!r}: {attribute!r} is {kind}, so calling it would not run its body; "
            "accepted: a plain function that does the task when called"
        )
    function: Callable[..., Any] = found
    return function


def check_strategies(cells: list[tuple[WorkloadChoice, str]], import_user: bool = True) -> None:
    """A user's coroutine function only under an event loop, and a plain function never under one: either way
    the task would time nothing (a coroutine object made and dropped) or block the loop unawares; and a built-in
    download under an event loop only with a client that has an asyncio API (the one its threads use).  One
    line."""
    import inspect

    for choice, executor in cells:
        client = CLIENTS.get(BUILTINS[choice.name].client) if choice.name in BUILTINS else None
        if client is not None and not client.asyncio and executor in EVENT_LOOPS:
            variants = [name for name, item in BUILTINS.items() if item.variant_of == choice.name]
            raise UsageError(
                f"workload {choice.cell_label!r} downloads with {client.name}, which has no asyncio API, so {executor} "
                f"would compare another client, not the strategy; accepted under an event loop: "
                f"{', '.join(variants) or 'a workload whose client has one'} (the client its threads use too)"
            )
        if not choice.is_user or not import_user:
            continue
        coroutine = inspect.iscoroutinefunction(load_user_function(choice.name))
        if coroutine and executor not in EVENT_LOOPS:
            raise UsageError(
                f"workload {choice.name!r} is a coroutine function, which {executor} cannot run; "
                f"accepted: an event loop, --executors {' or '.join(EVENT_LOOPS)} (or --cells "
                f"{choice.cell_label}:asyncio:N)"
            )
        if not coroutine and executor in EVENT_LOOPS:
            raise UsageError(
                f"workload {choice.name!r} is a plain function, which {executor} would run blocking its loop; "
                "make it a coroutine (async def), or use --executors threads"
            )


def call_user_function(target: str, argument: Any, has_argument: bool) -> Any:
    """Run a user's function (by name, so process pools pickle a string, not the function)."""
    function = load_user_function(target)
    return function(argument) if has_argument else function()


def page_urls(server_url: str) -> list[str]:
    """Two pages, alternated, as the talk alternated two sites."""
    base = server_url.rstrip("/")
    return [f"{base}/page/0", f"{base}/page/1"]


def task_function(reference: str) -> TaskFunction:
    """The function a built-in workload's table entry names (``module:function``)."""
    module, _, name = reference.partition(":")
    function: TaskFunction = getattr(importlib.import_module(module), name)
    return function


def build_tasks(choice: WorkloadChoice, load: int, context: BuildContext) -> list[Task]:
    """The task list for one cell: ``load`` tasks (``mixed``: ``load`` io + ``load`` cpu, shuffled)."""
    argument = choice.resolved_argument()
    if choice.is_user:
        return [Task(choice.name, run_user_task, (choice.name, choice.argument, choice.has_argument))] * load
    builtin = BUILTINS[choice.name]
    if builtin.client:
        if not context.urls:
            raise UsageError(f"workload {choice.name!r} needs pages to download: give --server-url or --url")
        download = task_function(CLIENTS[builtin.client].task)  # requests is imported by the cells that use it
        io_tasks = [Task("io", download, context.urls[i % len(context.urls)]) for i in range(load)]
        if not builtin.mixes_cpu:
            return io_tasks
        cpu_argument = context.cpu_argument if context.cpu_argument is not None else BUILTINS["cpu"].default
        if choice.has_argument:
            cpu_argument = choice.argument
        mixed = io_tasks + [Task("cpu", countdown, cpu_argument)] * load
        random.Random(context.seed).shuffle(mixed)  # noqa: S311 (a recorded, repeatable order)
        return mixed
    return [Task(choice.name, task_function(builtin.task), argument)] * load


def run_user_task(packed: tuple[str, Any, bool]) -> Any:
    """Adapter so a user task is ``function(argument)`` like every builtin."""
    target, argument, has_argument = packed
    return call_user_function(target, argument, has_argument)


def dependencies(choices: list[WorkloadChoice]) -> list[str]:
    """Modules the chosen workloads import, so the GIL can be checked after importing them all."""
    modules = ["hashlib"]
    for choice in choices:
        client = BUILTINS[choice.name].client if choice.name in BUILTINS else ""
        if client:
            modules.append(CLIENTS[client].task.partition(":")[0])
        if choice.is_user:
            modules.append(choice.name.partition(":")[0])
    return modules


_GIL_ENABLED_FOR = re.compile(r"to load module '([^']+)'")
"""CPython's RuntimeWarning when an extension without Py_mod_gil switches the GIL on names the module so."""
_GIL_ENABLERS: list[str] = []
"""The modules whose import switched the GIL on in this process, as CPython's warnings named them."""


def import_module(name: str) -> Any:
    """``importlib.import_module``, noting the modules whose import switched the GIL back on (CPython says so in a
    RuntimeWarning; gilbench says it once, in its own line, where the run is checked)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        module = importlib.import_module(name)
    for warning in caught:
        found = _GIL_ENABLED_FOR.search(str(warning.message))
        if found and found.group(1) not in _GIL_ENABLERS:
            _GIL_ENABLERS.append(found.group(1))
        elif not found:
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    return module


def gil_enablers() -> list[str]:
    """The modules imported so far whose import switched the GIL on (empty on a GIL build, or if none did)."""
    return list(_GIL_ENABLERS)


def import_dependencies(choices: list[WorkloadChoice]) -> list[str]:
    """Import every module the workloads need (a one-line error naming what is missing); the modules whose import
    switched the GIL back on in a free-threaded build (:func:`gil_enablers`)."""
    for module in dependencies(choices):
        try:
            import_module(module)
        except ImportError as exc:
            raise UsageError(
                f"the chosen workloads need the module {module!r} ({exc}); install it, e.g. pip install {module} "
                f"(nox -s bench -- --with {module} installs it into every interpreter's environment)"
            ) from None
    for choice in choices:
        if choice.is_user:
            load_user_function(choice.name)
    if any(choice.name == "hash" for choice in choices):
        sha256(1 / 1024)  # hashlib's first call loads OpenSSL's digests
    return gil_enablers()
