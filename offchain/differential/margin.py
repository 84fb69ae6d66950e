"""Differential oracle for the margin engine: MarginEvaluator (EVM) against offchain.twins.margin, the
whole result or the same error. Shared by tests/test_margin_diff.py and scripts/fuzz_margin.py."""

from __future__ import annotations

import random

from offchain.chain.evm import LocalEVM
from offchain.differential.portfolios import random_case
from offchain.twins.exceptions import outcome
from offchain.twins.margin import margin_of
from offchain.twins.types import MarginResult, Market, Portfolio, RiskParams


class MarginOracle:
    """MarginEvaluator in an in-process EVM, compared case by case with the Python engine."""

    def __init__(self) -> None:
        self.evm = LocalEVM()
        self.address = self.evm.deploy("MarginEvaluator")

    def mismatch(self, portfolio: Portfolio, market: Market, params: RiskParams) -> str | None:
        """None when both sides agree, else a description of the disagreement."""
        python = outcome(margin_of, portfolio, market, params)
        chain = outcome(self.evm.call, self.address, "marginOf", portfolio.as_abi(), market.as_abi(), params.as_abi())
        if python[0] == "value":
            python = ("value", as_tuple(python[1]))  # type: ignore[arg-type]
            chain = (chain[0], _normalise(chain[1]))
        return None if chain == python else f"evm {chain!r} != python {python!r} for {portfolio!r}"


def run_campaign(oracle: MarginOracle, count: int, seed: int) -> tuple[int, int, list[str]]:
    """(cases, cases that raised an error on both sides, mismatches) over ``count`` random books."""
    rng = random.Random(seed)
    errors, mismatches = 0, []
    for _ in range(count):
        case = random_case(rng)
        problem = oracle.mismatch(*case)
        if problem:
            mismatches.append(problem)
        elif outcome(margin_of, *case)[0] == "error":
            errors += 1
    return count, errors, mismatches


def as_tuple(result: MarginResult) -> tuple:
    return (
        result.equity,
        result.initial_margin,
        result.maintenance_margin,
        tuple((u.underlying, u.loss, u.initial_margin, u.worst_scenario, u.pnl) for u in result.underlyings),
    )


def _normalise(value: object) -> object:
    if isinstance(value, (list, tuple)):
        return tuple(_normalise(v) for v in value)
    return value
