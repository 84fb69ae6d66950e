"""ABI helpers, each in one place: selectors, the revert decoder, the engine's structs from ABI values.

* :func:`function_selector` / :func:`event_topic`: a function's 4-byte selector and an event's topic (eth-utils);
* :func:`decode_revert`: EVM revert data to the gridmargin exception (:mod:`offchain.twins.errors`)
  of the same name and arguments, :class:`~offchain.twins.exceptions.UnknownRevert` for anything else;
  :func:`revert_of` does it for web3's revert exceptions and :func:`call_outcome` for a whole web3 call;
* :func:`result_from_abi` / :func:`params_from_abi`: :class:`MarginResult` / :class:`RiskParams` from
  the ABI tuples the contracts return (web3 or :class:`offchain.chain.evm.LocalEVM`) or events carry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from eth_abi import decode as abi_decode
from eth_utils import event_signature_to_log_topic, function_signature_to_4byte_selector
from web3.exceptions import ContractLogicError

from offchain.twins.errors import ALL_ERRORS, ContractError, UnknownRevert
from offchain.twins.exceptions import Outcome
from offchain.twins.types import GridParams, MarginResult, RiskParams, UnderlyingMargin

__all__ = [
    "call_outcome",
    "decode_revert",
    "event_topic",
    "function_selector",
    "params_from_abi",
    "result_from_abi",
    "revert_of",
]

_BY_SELECTOR: dict[bytes, type[ContractError]] = {error.selector: error for error in ALL_ERRORS}


@cache
def function_selector(signature: str) -> bytes:
    """The 4-byte selector of a function (or error) signature such as ``mulWadDown(int256,int256)``."""
    return function_signature_to_4byte_selector(signature)


def event_topic(signature: str) -> bytes:
    """The first topic of an event's logs: the keccak of its signature, e.g. ``Transfer(address,uint256)``."""
    return event_signature_to_log_topic(signature)


def decode_revert(data: bytes) -> ContractError | UnknownRevert:
    """Turn EVM revert data into the matching gridmargin exception (or :class:`UnknownRevert`)."""
    error = _BY_SELECTOR.get(bytes(data[:4]))
    if error is None:
        return UnknownRevert(data)
    return error(*abi_decode(list(error.arg_types), bytes(data[4:])))


def revert_of(exc: ContractLogicError) -> ContractError | UnknownRevert:
    """The gridmargin exception of a web3 revert (``ContractCustomError``, a panic, ...): its data
    decoded as :func:`decode_revert` does; a revert that carries no data gives ``UnknownRevert(b"")``."""
    data = exc.data if isinstance(exc.data, str) else ""
    return decode_revert(bytes.fromhex(data.removeprefix("0x")))


def call_outcome(call: Callable[[], Any]) -> Outcome:
    """``("value", call())`` of a web3 contract call, or ``("error", the decoded revert)``."""
    try:
        return ("value", call())
    except ContractLogicError as exc:
        return ("error", revert_of(exc))


def _fields(value: Any) -> list[Any]:
    """A struct's fields in order, from an ABI tuple or a decoded event's name -> value mapping."""
    return list(value.values()) if isinstance(value, Mapping) else list(value)


def params_from_abi(value: Any) -> RiskParams:
    """The :class:`RiskParams` of an ABI ``RiskParams`` tuple (``riskParams()``, a RiskParamsSet event)."""
    grids, mm_factor, correlation, max_options = _fields(value)
    return RiskParams(
        tuple(
            GridParams(tuple(g[0]), g[1], g[2], g[3], g[4], tuple(g[5]), g[6], g[7], g[8], g[9], g[10])
            for g in map(_fields, grids)
        ),
        mm_factor,
        tuple(correlation),
        max_options,
    )


def result_from_abi(value: Any) -> MarginResult:
    """The :class:`MarginResult` of an ABI ``MarginResult`` tuple (``marginOf*`` of MarginEvaluator or MarginEngine)."""
    equity, initial, maintenance, details = value
    return MarginResult(
        int(equity),
        int(initial),
        int(maintenance),
        tuple(
            UnderlyingMargin(int(u), int(loss), int(im), int(worst), tuple(int(p) for p in pnl))
            for u, loss, im, worst, pnl in details
        ),
    )
