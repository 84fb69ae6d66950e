"""The gridmargin command line: results, JSON, and one-line failures with a non-zero status."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from offchain.cli.main import format_wad, parse_int
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
    ],
)
def test_bad_input_is_one_line_and_nonzero(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    status, _, err = run(capsys, *argv)
    assert status != 0
    assert len(err.strip().splitlines()) == 1 and message in err and "Traceback" not in err


def test_parse_int_and_format_wad_are_exact() -> None:
    assert parse_int("1e18") == 10**18 and parse_int("-2.5e18") == -(25 * 10**17) and parse_int("1_000") == 1000
    assert format_wad(2718281828459045235) == "2.718281828459045235"
    assert format_wad(-(10**12)) == "-0.000001" and format_wad(0) == "0.0"


def test_math_on_a_local_chain_prints_equal_values_and_gas() -> None:
    """Through the installed console script, on an anvil the command starts itself."""
    run = subprocess.run(
        [sys.executable, "-m", "offchain.cli.main", "math", "expWad", "1000000000000000000", "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["offchain"] == result["onchain"] == {"value": "2718281828459045235"}
    assert result["equal"] and 0 < result["internal_gas"] < result["call_gas"]


def test_math_domain_error_agrees_and_exits_nonzero() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "offchain.cli.main", "math", "lnWad", "0", "--json"], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 1
    assert json.loads(run.stdout)["onchain"] == {"error": "GM_LnUndefined", "args": ["0"]}
    assert run.stderr.strip() == "gridmargin: GM_LnUndefined(0) (off-chain and on-chain agree)"


def test_demo_runs_the_math_tour_and_the_example_books_on_a_local_anvil(capsys: pytest.CaptureFixture[str]) -> None:
    """The README's main command: starts anvil itself, every call and every example book equal."""
    status, out, _ = run(capsys, "demo")
    assert status == 0
    assert "13/13 calls equal to the wei" in out
    assert "6/6 books equal to the wei" in out
