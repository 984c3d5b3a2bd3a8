"""Every command in the README and in docs/ works as written: nox sessions that exist, and options that
``python -m bench`` accepts (run with ``--dry-run`` where they would measure, else checked against ``--help``).

The pages are the first thing a user runs; a renamed session or option must fail here, not in their shell.
"""

from __future__ import annotations

import ast
import json
import re
import shlex
import subprocess
import sys

import pytest

from bench.provision.specs import parse_spec
from tests.conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _commands() -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        for block in re.findall(r"```sh\n(.*?)```", page.read_text(), re.S):
            for line in block.replace("\\\n", " ").splitlines():  # a line continued with a backslash is one
                command = shlex.join(shlex.split(line, comments=True))
                if command:
                    found.append((page.name, command))
    return found


COMMANDS = _commands()


def _sessions() -> set[str]:
    """The noxfile's session names, read from its decorators (nox itself is not needed to read them)."""
    names = set()
    for node in ast.walk(ast.parse((ROOT / "noxfile.py").read_text())):
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            target = call.func if call is not None else decorator
            if ast.unparse(target) != "nox.session":
                continue
            named = [k.value for k in (call.keywords if call else []) if k.arg == "name"]
            names.add(ast.literal_eval(named[0]) if named else node.name)
    return names


def _bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bench", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_pages_hold_the_commands_this_test_checks() -> None:
    assert len(COMMANDS) >= 25
    readme = (ROOT / "README.md").read_text()
    assert readme.index("./noxw -s bench") < readme.index("./noxw -s lint tests") < 1200
    assert len(readme.splitlines()) <= 150


@pytest.mark.parametrize(("page", "command"), COMMANDS, ids=[f"{p}:{c}" for p, c in COMMANDS])
def test_every_command_in_the_pages_works_as_written(page: str, command: str) -> None:
    words = shlex.split(command)
    while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
        name, _, value = words.pop(0).partition("=")
        if name == "GILBENCH_PYTHONS":
            for entry in value.split(","):
                parse_spec(entry.partition("=")[2] or entry)
    if words[0] in ("nox", "./noxw"):
        options, after = (
            (words[1:], []) if "--" not in words else (words[1 : words.index("--")], words[words.index("--") + 1 :])
        )
        following = options[options.index("-s") + 1 :]
        sessions = following[: next((i for i, word in enumerate(following) if word.startswith("-")), len(following))]
        assert sessions and set(sessions) <= _sessions(), (page, command, sessions)
        if "-p" in options:
            parse_spec(options[options.index("-p") + 1])
        if sessions == ["bench"] and after:
            # As `prepare` checks them under the host Python: your modules are imported in each interpreter's
            # environment, where --requirements and --with install what they need.
            yours = {"--requirements", "--with"} & {word.split("=")[0] for word in after}
            done = _bench("run", *after, "--dry-run", *(["--options-only"] if yours else []))
            assert done.returncode == 0, (page, command, done.stderr)
        elif sessions == ["provision"]:
            for spec in after:
                parse_spec(spec)
        return
    assert words[:3] == ["python", "-m", "bench"], (page, command)
    sub, args = words[3], words[4:]
    if sub == "run":
        done = _bench("run", *args, "--dry-run")
        assert done.returncode == 0, (page, command, done.stderr)
        assert "would measure" in done.stdout
        return
    done = _bench(sub, "--help")
    assert done.returncode == 0, (page, command, done.stderr)
    for option in (word.split("=")[0] for word in args if word.startswith("--")):
        assert option in done.stdout, (page, command, option)


HISTORY_PHRASES = (
    r"\bsince 20\d\d-",
    r"\bno longer\b",
    r"\bused to\b",
    r"committed example (before|since)",
    r"\bthe earlier (run|design|version|example)",
    r"\bearlier versions\b",
    r"\bin git history\b",
)
"""Words that tell what changed rather than how things are: those belong in CHANGELOG.md."""


def test_the_docs_describe_the_present_and_the_changelog_the_past() -> None:
    found = [
        f"{page.name}: {match.group(0)!r}"
        for page in PAGES
        for pattern in HISTORY_PHRASES
        for match in re.finditer(pattern, page.read_text(), re.IGNORECASE)
    ]
    assert not found, "move to CHANGELOG.md: " + ", ".join(found)
    assert (ROOT / "CHANGELOG.md").read_text().startswith("# Changelog")


def _committed_runs() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "results"], cwd=ROOT, capture_output=True, text=True, check=False, timeout=60
    )
    if listed.returncode != 0:
        pytest.skip(f"not a git checkout: {listed.stderr.strip()}")
    return sorted({path.split("/")[1] for path in listed.stdout.splitlines() if path.count("/") >= 2})


def test_every_committed_run_is_cited_by_a_page() -> None:
    text = "\n".join(page.read_text() for page in PAGES)
    uncited = [run for run in _committed_runs() if not re.search(rf"(?<![\w-]){re.escape(run)}(?![\w-])", text)]
    assert not uncited, f"committed runs no page cites (remove them; git keeps them): {uncited}"


def test_the_readmes_picture_shows_its_example_report_as_it_is_now() -> None:
    """docs/report.png is made by `nox -s screenshot -- results/RUN` from the README's example run, and is made
    again whenever that report changes (its record beside it holds the report's digest)."""
    from bench.host.browser import page_digest, source_of

    readme = (ROOT / "README.md").read_text()
    example = re.search(r"\(results/([\w.-]+)/report\.md\)", readme)
    assert example, "the README links its example run's report"
    record = json.loads(source_of(ROOT / "docs" / "report.png").read_text())
    assert record["page"] == f"results/{example.group(1)}/report.html"
    assert record["sha256"] == page_digest(ROOT / record["page"]), "run `nox -s screenshot -- results/...` again"


def test_every_committed_report_opens_with_its_answer_in_lines_a_terminal_shows() -> None:
    """The reports the pages link are read on GitHub and in terminals: the answer first, and no line outside
    tables and code blocks wider than the report's width (the README's example among them)."""
    from bench.report.exporters import MARKDOWN_WIDTH

    reports = [ROOT / "results" / run / "report.md" for run in _committed_runs()]
    reports = [path for path in reports if path.exists()]
    readme = (ROOT / "README.md").read_text()
    assert any(f"results/{path.parent.name}/report.md" in readme for path in reports)
    for path in reports:
        lines = path.read_text().splitlines()
        assert lines[2] == "## The answer", path
        fenced, wide = False, []
        for line in lines:
            fenced = fenced != line.startswith("```")
            if not fenced and not line.startswith(("|", "```")) and len(line) > MARKDOWN_WIDTH:
                wide.append(line[:80])
        assert wide == [], path


def test_every_run_a_page_links_is_committed() -> None:
    """A run the pages cite that the ignore list keeps out of git is a broken link in every clone."""
    committed = set(_committed_runs())
    linked = {run for page in PAGES for run in re.findall(r"\(results/([\w.-]+)/", page.read_text())}
    assert linked and linked <= committed, f"linked but not committed (see .gitignore): {sorted(linked - committed)}"
