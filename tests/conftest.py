"""Shared fixtures: one in-process EVM with the math harness per test session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def math_oracle():
    from offchain.differential.math import MathOracle

    return MathOracle()
