"""Your code's dependencies, for every interpreter: ``--requirements FILE`` (pip's format, markers included),
``--with PKG`` (repeatable, as ``uv run --with``) and ``GILBENCH_REQUIREMENTS=FILE``, read once from the options
``nox -s bench`` passes on.

Host code (``packaging``, which nox itself depends on).  Each ``bench-LABEL`` session installs them into its own
environment after gilbench, with gilbench's guest constraints (``bench/guest-constraints.txt``), which pin only the
packages gilbench's own client code needs; a requirement of yours that contradicts one of those pins is refused
before anything is installed, in one line naming both.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from bench.errors import UsageError

REQUIREMENTS_OPTION = "--requirements"
WITH_OPTION = "--with"
REQUIREMENTS_VARIABLE = "GILBENCH_REQUIREMENTS"
"""A requirements file for every interpreter, as ``--requirements`` (the option wins when both are given)."""


@dataclass(frozen=True)
class UserRequirements:
    """The requirement files and packages a run asked for, each file an absolute path."""

    files: tuple[Path, ...] = ()
    packages: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.files and not self.packages

    def install_args(self) -> list[str]:
        """What ``pip install`` is given after gilbench: ``-r FILE`` for each file, then each package."""
        return [part for file in self.files for part in ("-r", str(file))] + list(self.packages)

    def fingerprint(self) -> str:
        """Changes whenever what would be installed changes (a file's content, a package added): an environment
        whose fingerprint differs is made again."""
        digest = hashlib.sha256()
        for file in self.files:
            digest.update(str(file).encode() + b"\0" + file.read_bytes() + b"\0")
        for package in self.packages:
            digest.update(package.encode() + b"\0")
        return digest.hexdigest()

    def lines(self) -> list[tuple[str, str]]:
        """Every requirement line, with where it came from (``FILE:LINE`` or ``--with``), comments and options
        (``-e``, ``--index-url``) left out."""
        found = []
        for file in self.files:
            for number, raw in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
                line = raw.split(" #", 1)[0].strip()
                if line and not line.startswith(("#", "-")):
                    found.append((line, f"{file}:{number}"))
        found += [(package, WITH_OPTION) for package in self.packages]
        return found


def _values(args: list[str], option: str) -> list[str]:
    """Every value of ``option`` among ``args``, as ``--option V`` or ``--option=V``."""
    values = []
    for at, arg in enumerate(args):
        if arg == option:
            if at + 1 >= len(args) or args[at + 1].startswith("--"):
                raise UsageError(f"{option}: expected a value after it")
            values.append(args[at + 1])
        elif arg.startswith(option + "="):
            values.append(arg.partition("=")[2])
    return values


def from_options(args: list[str], invoked_from: Path, environ: dict[str, str] | None = None) -> UserRequirements:
    """The requirements the options (and ``GILBENCH_REQUIREMENTS``) name; relative files are read from where nox
    was invoked.  A file that is not there is a one-line error."""
    environ = dict(os.environ if environ is None else environ)
    texts = _values(args, REQUIREMENTS_OPTION) or ([environ[REQUIREMENTS_VARIABLE]] if environ.get(
        REQUIREMENTS_VARIABLE) else [])  # fmt: skip
    files = []
    for text in texts:
        path = Path(text).expanduser()
        path = path if path.is_absolute() else invoked_from / path
        if not path.is_file():
            where = REQUIREMENTS_OPTION if _values(args, REQUIREMENTS_OPTION) else REQUIREMENTS_VARIABLE
            raise UsageError(f"{where} {text!r}: no such file; expected a requirements file (pip's format)")
        files.append(path.resolve())
    return UserRequirements(tuple(files), tuple(_values(args, WITH_OPTION)))


def absolute_options(args: list[str], invoked_from: Path) -> list[str]:
    """The options with every ``--requirements`` file made absolute, so that every session and runner (which run
    from the project's folder) reads the file the user named."""
    out: list[str] = []
    at = 0
    while at < len(args):
        arg = args[at]
        if arg == REQUIREMENTS_OPTION and at + 1 < len(args):
            out += [arg, str((invoked_from / Path(args[at + 1]).expanduser()).resolve())]
            at += 2
            continue
        if arg.startswith(REQUIREMENTS_OPTION + "="):
            arg = f"{REQUIREMENTS_OPTION}={(invoked_from / Path(arg.partition('=')[2]).expanduser()).resolve()}"
        out.append(arg)
        at += 1
    return out


def pins(constraints: Path) -> dict[str, str]:
    """``name -> version`` of each ``name==version`` line of a constraints file."""
    found: dict[str, str] = {}
    for raw in constraints.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        name, sep, version = line.partition("==")
        if sep:
            found[canonicalize_name(name.strip())] = version.strip()
    return found


def check_against_pins(requirements: UserRequirements, constraints: Path) -> None:
    """A requirement of the user's that no version gilbench pins could satisfy: one line naming both; a line pip
    could not read either is refused the same way."""
    pinned = pins(constraints)
    for line, where in requirements.lines():
        try:
            requirement = Requirement(line)
        except InvalidRequirement as exc:
            raise UsageError(f"{where}: {line!r} is not a requirement pip reads ({exc})") from None
        name = canonicalize_name(requirement.name)
        if name in pinned and not requirement.specifier.contains(pinned[name], prereleases=True):
            raise UsageError(
                f"{where}: your requirement {line!r} conflicts with gilbench's pin {requirement.name}=="
                f"{pinned[name]} ({constraints.name}), the version its io client is measured with; "
                f"accepted: a requirement that allows {pinned[name]}, or none for {requirement.name}"
            )
