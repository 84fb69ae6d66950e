"""The gridmargin command line: results, JSON, and one-line failures with a non-zero status."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from offchain.cli import cli
from offchain.cli.commands.math import math
from offchain.cli.paramtypes import WAD_INTEGER
from offchain.formats.numbers import amount_text
from tests.cli_support import run


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--version")
    assert status == 0 and out.startswith("gridmargin ")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["math", "nope", "1"], "unknown math function 'nope'"),
        (["math", "expWad", "1.5"], "not an integer: '1.5'"),
        (["math", "mulWadDown", "1"], "mulWadDown takes 2 value(s), got 1"),
        (["math"], "Missing argument"),
        (["math", "expWad", "1e100"], "'1e100' is outside int256"),
        (["math", "mulWadUp", "1", "--", "-1e77"], "'-1e77' is outside int256"),
        (["math", "expWad", str(2**255)], "is outside int256"),
    ],
)
def test_bad_input_is_one_line_and_nonzero(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    status, _, err = run(capsys, *argv)
    assert status != 0
    assert len(err.strip().splitlines()) == 1 and message in err and "Traceback" not in err


def test_wad_integers_parse_and_print_exactly() -> None:
    parse = WAD_INTEGER.convert
    assert parse("1e18", None, None) == 10**18 and parse("-2.5e18", None, None) == -(25 * 10**17)
    assert parse("1_000", None, None) == 1000 and parse("-4_000", None, None) == -4000
    assert parse("-0.5e18", None, None) == -(5 * 10**17) and parse("123", None, None) == 123
    assert amount_text(2718281828459045235, point=True) == "2.718281828459045235"
    assert amount_text(-(10**12), point=True) == "-0.000001" and amount_text(0, point=True) == "0.0"
    assert amount_text(0) == "0" and amount_text(3 * 10**18) == "3" and amount_text(3 * 10**18, point=True) == "3.0"


def test_math_on_a_local_chain_prints_equal_values_and_gas() -> None:
    """Through the installed console script, on an anvil the command starts itself."""
    run = subprocess.run(
        [sys.executable, "-m", "offchain.cli", "math", "expWad", "1000000000000000000", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["offchain"] == result["onchain"] == {"value": "2718281828459045235"}
    assert result["equal"] and 0 < result["internal_gas"] < result["call_gas"]


def test_math_domain_error_agrees_and_exits_nonzero() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "offchain.cli", "math", "lnWad", "0", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 1
    assert json.loads(run.stdout)["onchain"] == {"error": "GM_LnUndefined", "args": ["0"]}
    assert run.stderr.strip() == "gridmargin: GM_LnUndefined(0) (off-chain and on-chain agree)"


def test_demo_runs_the_math_tour_and_the_example_books_on_a_local_anvil(capsys: pytest.CaptureFixture[str]) -> None:
    """The README's main command: starts anvil itself, every call and every example book equal."""
    status, out, _ = run(capsys, "demo")
    assert status == 0
    assert "13/13 calls equal to the wei" in out
    assert "11/11 books equal to the wei" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["mulWadUp", "3e18", "--", "-0.5e18", "--json"],
        ["mulWadUp", "3e18", "-0.5e18", "--json"],
        ["--json", "mulWadUp", "3e18", "--", "-0.5e18"],
        ["mulWadUp", "--json", "3e18", "-0.5e18"],
        ["mulWadUp", "3e18", "-0.5e18", "--rpc-url", "http://node", "--json"],
    ],
)
def test_negative_values_and_options_in_any_order(argv: list[str]) -> None:
    """Negative values need no ``--``; with or without it, options before or after the values work."""
    params = math.make_context("math", argv).params
    assert params["function"] == "mulWadUp" and params["values"] == (3 * 10**18, -(5 * 10**17))
    assert params["as_json"] is True


def test_readme_math_example_works_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    """The README's ``gridmargin math mulWadUp 3e18 -- -0.5e18 --json``, on a local anvil."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    command = re.search(r"gridmargin (math mulWadUp [^#\n]*--json)", readme)
    assert command is not None
    status, out, err = run(capsys, *shlex.split(command.group(1)))
    assert status == 0, err
    assert json.loads(out)["onchain"] == {"value": str(-(15 * 10**17))}


def test_top_level_help_shows_every_summary_in_full(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--help")
    assert status == 0
    summaries = dict(line.split(None, 1) for line in out.split("Commands:")[1].strip().splitlines())
    assert set(summaries) == set(cli.commands) == {"math", "demo", "margin", "scenarios"}
    for name, summary in summaries.items():
        assert not summary.rstrip().endswith("..."), name
        assert summary.strip() == cli.commands[name].short_help
