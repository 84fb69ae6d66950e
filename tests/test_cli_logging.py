"""Logging: ``-v`` shows INFO and ``-vv`` DEBUG of the CLI (``gridmargin.*``) and the library
(``offchain.*``) on stderr; nothing without it; the library never prints."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from offchain.cli.commands import margin as margin_command
from tests.cli_support import run

ROOT = Path(__file__).resolve().parent.parent
COLLAR = ROOT / "offchain/examples/hedged-collar.json"


def _levels(err: str) -> set[str]:
    return {line.split()[0] for line in err.splitlines()}


def test_quiet_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "margin", COLLAR, "--json")
    assert status == 0 and err == ""


@pytest.mark.parametrize("argv", [["margin", COLLAR, "--json", "-v"], ["-v", "margin", COLLAR, "--json"]])
def test_v_logs_info_before_or_after_the_command(capsys: pytest.CaptureFixture[str], argv: list) -> None:
    status, _, err = run(capsys, *argv)
    assert status == 0
    assert f"INFO gridmargin.books: {COLLAR}: 1 underlyings, 1 positions" in err.splitlines()
    assert _levels(err) == {"INFO"}


def test_vv_logs_debug_of_the_library_and_the_next_run_is_quiet(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "-v", "margin", COLLAR, "--json", "--verbose")
    assert status == 0
    assert f"DEBUG offchain.formats.portfolio: reading {COLLAR}" in err.splitlines()
    assert _levels(err) == {"INFO", "DEBUG"}
    assert run(capsys, "margin", COLLAR, "--json")[2] == ""


def test_library_code_never_prints() -> None:
    """No print() call in offchain/ or verifier/ outside the CLI (which prints its output)."""
    offenders = []
    for path in sorted((ROOT / "offchain").rglob("*.py")) + sorted((ROOT / "verifier").rglob("*.py")):
        if "cli" in path.relative_to(ROOT).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_an_unexpected_failure_is_one_line_and_vv_shows_its_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def defect(_doc: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(margin_command, "offchain_outcome", defect)
    status, _, err = run(capsys, "margin", COLLAR)
    assert status == 1 and err == "gridmargin: unexpected KeyError: 'a bug' (-vv shows the traceback)\n"
    status, _, err = run(capsys, "margin", COLLAR, "-vv")
    assert status == 1 and "Traceback (most recent call last)" in err
    assert err.splitlines()[-1] == "gridmargin: unexpected KeyError: 'a bug' (-vv shows the traceback)"
