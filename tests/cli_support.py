"""Shared by the CLI tests: run ``gridmargin`` in-process and check the one-line failure contract."""

from __future__ import annotations

import pytest

from offchain.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of ``gridmargin *argv``."""
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def one_line_failure(status: int, err: str) -> str:
    """The single stderr line of a failed command (asserting status != 0 and no traceback)."""
    assert status != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]
