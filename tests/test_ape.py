"""MathHarness through eth-ape.

Compiled by ape-solidity (through the solc-js shim), deployed and called on ape's local test
network. Needs ape's pytest plugin, which the plain suite disables:

    .venv/bin/python -m pytest -p ape_test -m ape

Without the plugin (plain ``pytest``) these tests skip.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.ape

WAD = 10**18


@pytest.fixture(scope="module")
def harness(request: pytest.FixtureRequest) -> Any:
    """MathHarness deployed by ape's first test account."""
    if not request.config.pluginmanager.has_plugin("ape_test"):
        pytest.skip("needs ape's pytest plugin: python -m pytest -p ape_test -m ape")
    project = request.getfixturevalue("project")
    accounts = request.getfixturevalue("accounts")
    return accounts[0].deploy(project.MathHarness)


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [(3 * WAD, 2 * WAD, 6 * WAD), (-3 * WAD, WAD // 2, -3 * WAD // 2), (1, 1, 0), (-1, 1, -1)],
)
def test_mul_wad_down(harness: Any, x: int, y: int, expected: int) -> None:
    assert harness.mulWadDown(x, y) == expected


def test_custom_error_reverts(harness: Any) -> None:
    import ape  # here, not at the top: importing ape is slow and the plain suite skips this module

    with ape.reverts(harness.GM_DivWadByZero, x=1):
        harness.divWadDown(1, 0)
