"""MathHarness through eth-ape.

Compiled by ape-solidity (through the solc-js shim), deployed and called on ape's local test
network. Needs ape's pytest plugin, which pytest loads whenever the ape extra is installed:

    .venv/bin/ape test -m ape             # or .venv/bin/python -m pytest -m ape

Without the plugin (``-p no:ape_test``, as the Makefile's plain run) these tests skip.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
WAD = 10**18


@pytest.fixture(scope="module")
def harness(request: pytest.FixtureRequest) -> Any:
    """MathHarness deployed by ape's first test account."""
    if not request.config.pluginmanager.has_plugin("ape_test"):
        pytest.skip("needs ape's pytest plugin: ape test -m ape")
    project = request.getfixturevalue("project")
    accounts = request.getfixturevalue("accounts")
    return accounts[0].deploy(project.MathHarness)


@pytest.mark.ape
@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [(3 * WAD, 2 * WAD, 6 * WAD), (-3 * WAD, WAD // 2, -3 * WAD // 2), (1, 1, 0), (-1, 1, -1)],
)
def test_mul_wad_down(harness: Any, x: int, y: int, expected: int) -> None:
    assert harness.mulWadDown(x, y) == expected


@pytest.mark.ape
def test_custom_error_reverts(harness: Any) -> None:
    import ape  # here, not at the top: importing ape is slow and the plain suite skips this module

    with ape.reverts(harness.GM_DivWadByZero, x=1):
        harness.divWadDown(1, 0)


def test_ape_test_runs_the_ape_tests() -> None:
    """`ape test` runs this module's ape tests instead of skipping them: nothing in the pytest
    configuration blocks ape's plugin (the Makefile's plain run disables it on its own command line)."""
    ape = Path(sys.executable).with_name("ape")
    if not ape.exists():
        pytest.skip("the ape extra is not installed")
    command = [str(ape), "test", "tests/test_ape.py", "-m", "ape", "-q"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout
