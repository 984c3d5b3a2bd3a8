"""Your code's dependencies as the noxfile reads them: files and --with packages, GILBENCH_REQUIREMENTS, paths
made absolute, and a pin of gilbench's contradicted in one line naming both."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.errors import UsageError
from bench.host.requirements import absolute_options, check_against_pins, from_options, pins

CONSTRAINTS = Path(__file__).resolve().parent.parent / "bench" / "guest-constraints.txt"


def test_files_and_packages_are_read_and_installed_in_pip_s_words(tmp_path: Path) -> None:
    (tmp_path / "req.txt").write_text('numpy; python_version >= "3.10"  # for 3.13 and 3.13t\n-e ../project\n')
    found = from_options(["--requirements", "req.txt", "--with", "markdown", "--with=tomli"], tmp_path, {})
    assert found.files == ((tmp_path / "req.txt").resolve(),)
    assert found.install_args() == ["-r", str((tmp_path / "req.txt").resolve()), "markdown", "tomli"]
    assert [line for line, _ in found.lines()] == ['numpy; python_version >= "3.10"', "markdown", "tomli"]


def test_the_environment_variable_names_a_file_when_no_option_does(tmp_path: Path) -> None:
    (tmp_path / "env.txt").write_text("markdown\n")
    found = from_options([], tmp_path, {"GILBENCH_REQUIREMENTS": str(tmp_path / "env.txt")})
    assert found.files == ((tmp_path / "env.txt").resolve(),) and not found.empty
    assert from_options([], tmp_path, {}).empty


def test_the_fingerprint_follows_the_file_s_content(tmp_path: Path) -> None:
    (tmp_path / "req.txt").write_text("markdown\n")
    before = from_options(["--requirements", "req.txt"], tmp_path, {}).fingerprint()
    assert from_options(["--requirements", "req.txt"], tmp_path, {}).fingerprint() == before
    (tmp_path / "req.txt").write_text("markdown==3.7\n")
    assert from_options(["--requirements", "req.txt"], tmp_path, {}).fingerprint() != before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--requirements", "missing.txt"], "--requirements 'missing.txt': no such file"),
        (["--with"], "--with: expected a value after it"),
    ],
)
def test_bad_requirements_are_one_line_errors(tmp_path: Path, args: list[str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        from_options(args, tmp_path, {})


def test_relative_files_are_made_absolute_for_every_session(tmp_path: Path) -> None:
    made = absolute_options(["--requirements", "r.txt", "--requirements=s.txt", "--load", "4"], tmp_path)
    assert made == ["--requirements", str(tmp_path / "r.txt"), f"--requirements={tmp_path / 's.txt'}", "--load", "4"]


def test_a_pin_of_gilbench_s_contradicted_is_named_with_both_pins(tmp_path: Path) -> None:
    pinned = pins(CONSTRAINTS)
    (tmp_path / "req.txt").write_text("numpy\nrequests<2.0\n")
    found = from_options(["--requirements", "req.txt"], tmp_path, {})
    with pytest.raises(UsageError) as raised:
        check_against_pins(found, CONSTRAINTS)
    text = str(raised.value)
    assert "'requests<2.0' conflicts with gilbench's pin requests==" + pinned["requests"] in text
    assert f"{tmp_path / 'req.txt'}:2" in text and "\n" not in text
    check_against_pins(from_options(["--with", f"requests>={pinned['requests']}", "--with", "numpy"], tmp_path, {}),
                       CONSTRAINTS)  # fmt: skip


def test_a_line_pip_cannot_read_is_refused_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is not a requirement pip reads"):
        check_against_pins(from_options(["--with", "numpy>>>2"], tmp_path, {}), CONSTRAINTS)
