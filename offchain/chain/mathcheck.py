"""Evaluate a FixedPointMath function off-chain and on a live chain, side by side.

Used by ``gridmargin math`` and ``gridmargin demo``: deploys MathHarness and MathGasHarness once,
then reports for each call the Python value, the contract value (or the error each side raised),
whether they agree, the gas of the whole call (eth_estimateGas) and the marginal gas of the
internal library call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from web3 import Web3

from offchain.chain.abi import call_outcome
from offchain.chain.node import deploy
from offchain.twins.exceptions import Outcome
from offchain.twins.registry import MATH_FUNCTIONS, TwinFunction


@dataclass(frozen=True)
class Comparison:
    """One function evaluated on both sides."""

    function: TwinFunction
    args: tuple[int, ...]
    offchain: Outcome
    onchain: Outcome
    call_gas: int | None  # whole eth_call, None when it reverts
    internal_gas: int | None  # marginal cost of the library call, None when it reverts

    @property
    def agree(self) -> bool:
        return self.offchain == self.onchain


class MathOnChain:
    """The math harnesses deployed on ``w3``."""

    def __init__(self, w3: Web3) -> None:
        self.harness = deploy(w3, "MathHarness")
        self.gas_harness = deploy(w3, "MathGasHarness")

    def compare(self, fn: TwinFunction, args: Sequence[int]) -> Comparison:
        args = tuple(args)
        offchain = _offchain(fn, args)
        call = self.harness.get_function_by_name(fn.name)(*args)
        onchain = call_outcome(call.call)
        if onchain[0] == "error":
            return Comparison(fn, args, offchain, onchain, None, None)
        padded = (*args, 0)[:2]
        fn_id = MATH_FUNCTIONS.index(fn)
        internal, _ = self.gas_harness.functions.measure(fn_id, padded[0], padded[1], 0, 10).call()
        return Comparison(fn, args, offchain, onchain, call.estimate_gas(), internal)


def _offchain(fn: TwinFunction, args: tuple[int, ...]) -> Outcome:
    try:
        return ("value", fn.twin(*args))
    except Exception as exc:  # noqa: BLE001 - the error is the outcome being compared
        return ("error", exc)
