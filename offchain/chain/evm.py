"""An in-process EVM (pyrevm, Cancun) running the shipped artifacts, for differential tests.

:class:`LocalEVM` deploys contracts from ``offchain/artifacts/`` and calls them like ``eth_call``:
each call runs against the state left by the deployments and its own state changes are discarded.
A reverted call raises the gridmargin exception of the same name and arguments
(:func:`offchain.chain.abi.decode_revert`; panics and foreign data give ``UnknownRevert``).

Functions whose inputs and outputs are all integers (every harness function) are encoded and
decoded here directly, with eth-abi's range and padding checks; other signatures go through eth-abi.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pyrevm
from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_abi.exceptions import DecodingError, EncodingTypeError, ValueOutOfBounds
from eth_utils.abi import collapse_if_tuple

from offchain.chain.abi import decode_revert, function_selector
from offchain.chain.artifacts import load_artifact
from offchain.twins.exceptions import GridMarginError

SPEC_ID = "CANCUN"
DEFAULT_GAS_LIMIT = 30_000_000
"""Gas per call: anvil's default block gas limit, so a call too costly for anvil halts here too."""
DEPLOYER = "0x" + "de" * 20
DEPLOYER_BALANCE = 10**24

# pyrevm reports a failed execution as RuntimeError(f"{revm ExecutionResult:?}"); a revert's data is
# only in that text, e.g. "Revert { gas_used: 21735, output: 0xec06... }".
_REVERT_TEXT = re.compile(r"Revert \{ gas_used: \d+, output: 0x([0-9a-fA-F]*) \}")
_INTEGER_TYPE = re.compile(r"(u?)int(\d+)")
_WORD = 1 << 256


class ExecutionHalted(GridMarginError):
    """The call stopped without returning or reverting (out of gas, invalid opcode, ...)."""


def _integer_bounds(abi_type: str) -> tuple[int, int] | None:
    """``(min, max)`` of an ``intN``/``uintN`` ABI type, None for any other type."""
    match = _INTEGER_TYPE.fullmatch(abi_type)
    if match is None:
        return None
    bits = int(match[2])
    return (0, (1 << bits) - 1) if match[1] else (-(1 << (bits - 1)), (1 << (bits - 1)) - 1)


@dataclass(frozen=True)
class _Function:
    """A contract function's selector and argument/result codec, built once per (contract, name)."""

    selector: bytes
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    input_bounds: tuple[tuple[int, int], ...] | None  # set when every input is an integer
    output_bounds: tuple[tuple[int, int], ...] | None  # set when every output is an integer

    @classmethod
    def from_abi(cls, entry: dict[str, Any]) -> _Function:
        inputs = tuple(collapse_if_tuple(p) for p in entry["inputs"])
        outputs = tuple(collapse_if_tuple(p) for p in entry["outputs"])
        return cls(
            selector=function_selector(f"{entry['name']}({','.join(inputs)})"),
            inputs=inputs,
            outputs=outputs,
            input_bounds=_all_integer_bounds(inputs),
            output_bounds=_all_integer_bounds(outputs),
        )

    def encode(self, args: tuple[Any, ...]) -> bytes:
        """Calldata: the selector and the ABI-encoded arguments."""
        if len(args) != len(self.inputs):
            raise TypeError(f"expected {len(self.inputs)} arguments ({', '.join(self.inputs)}), got {len(args)}")
        if self.input_bounds is None:
            return self.selector + abi_encode(self.inputs, args)
        words = [self.selector]
        for value, (low, high), abi_type in zip(args, self.input_bounds, self.inputs, strict=True):
            if not isinstance(value, int) or isinstance(value, bool):
                raise EncodingTypeError(f"{abi_type} argument must be an int, got {value!r}")
            if not low <= value <= high:
                raise ValueOutOfBounds(f"{value} does not fit in {abi_type}")
            words.append((value % _WORD).to_bytes(32, "big"))
        return b"".join(words)

    def decode(self, data: bytes) -> Any:
        """The returned values: None for no output, a scalar for one, else a tuple."""
        if self.output_bounds is None:
            values = abi_decode(self.outputs, data)
        else:
            if len(data) < 32 * len(self.outputs):
                raise DecodingError(f"expected {32 * len(self.outputs)} bytes of return data, got {len(data)}")
            values = tuple(
                _decode_integer(data[32 * i : 32 * i + 32], bounds, abi_type)
                for i, (bounds, abi_type) in enumerate(zip(self.output_bounds, self.outputs, strict=True))
            )
        if not values:
            return None
        return values[0] if len(values) == 1 else values


def _all_integer_bounds(abi_types: tuple[str, ...]) -> tuple[tuple[int, int], ...] | None:
    """The bounds of every type if all are integers (the fast codec applies), else None."""
    bounds = []
    for abi_type in abi_types:
        type_bounds = _integer_bounds(abi_type)
        if type_bounds is None:
            return None
        bounds.append(type_bounds)
    return tuple(bounds)


def _decode_integer(word: bytes, bounds: tuple[int, int], abi_type: str) -> int:
    """One integer word, rejecting dirty padding as eth-abi does (the value falls out of bounds)."""
    low, high = bounds
    value = int.from_bytes(word, "big", signed=low < 0)
    if not low <= value <= high:
        raise DecodingError(f"0x{word.hex()} is not a valid {abi_type}")
    return value


class LocalEVM:
    """A fresh in-memory Cancun EVM with a funded deployer; see the module docstring."""

    def __init__(self, gas_limit: int = DEFAULT_GAS_LIMIT) -> None:
        self._evm = pyrevm.EVM(gas_limit=gas_limit, spec_id=SPEC_ID)
        self._evm.set_balance(DEPLOYER, DEPLOYER_BALANCE)
        self._contract_at: dict[str, str] = {}
        self._functions: dict[tuple[str, str], _Function] = {}

    def deploy(self, name: str) -> str:
        """Deploy the shipped artifact of contract ``name`` (no constructor arguments); its address."""
        code = bytes.fromhex(load_artifact(name)["bytecode"].removeprefix("0x"))
        address = self._evm.deploy(DEPLOYER, code)
        self._contract_at[address.lower()] = name
        return address

    def call_raw(self, address: str, calldata: bytes) -> tuple[bool, bytes, int]:
        """Run ``calldata`` against ``address``: (success, return or revert data, gas used).

        The gas includes the transaction's intrinsic cost (21,000 plus calldata), as a receipt's
        does. A halt (out of gas, invalid opcode) is a failure with no data, as on chain.
        """
        checkpoint = self._evm.snapshot()
        try:
            output = self._evm.message_call(DEPLOYER, address, calldata)
        except RuntimeError as exc:
            result = self._evm.result
            if result is None:  # the transaction itself was invalid, nothing ran
                raise
            return False, b"" if result.is_halt else revert_data(exc), result.gas_used
        finally:
            self._evm.revert(checkpoint)
        return True, output, self._evm.result.gas_used

    def calldata(self, address: str, fn_name: str, *args: Any) -> bytes:
        """ABI-encoded calldata for ``fn_name(*args)`` on the contract at ``address`` (for call_raw)."""
        return self._function(address, fn_name).encode(args)

    def call(self, address: str, fn_name: str, *args: Any) -> Any:
        """Call ``fn_name(*args)`` on the contract deployed at ``address``; the decoded result.

        Raises the decoded revert (:func:`offchain.chain.abi.decode_revert`) if the call reverts and
        :class:`ExecutionHalted` if it halts.
        """
        function = self._function(address, fn_name)
        success, data, _gas = self.call_raw(address, function.encode(args))
        if success:
            return function.decode(data)
        if self._evm.result.is_halt:
            raise ExecutionHalted(f"{fn_name}{args} halted: {self._evm.result.reason}")
        raise decode_revert(data)

    def _function(self, address: str, fn_name: str) -> _Function:
        name = self._contract_at.get(address.lower())
        if name is None:
            raise KeyError(f"no contract deployed by this LocalEVM at {address}")
        key = (name, fn_name)
        function = self._functions.get(key)
        if function is None:
            entries = [e for e in load_artifact(name)["abi"] if e["type"] == "function" and e["name"] == fn_name]
            if len(entries) != 1:
                problem = "no function" if not entries else f"{len(entries)} overloads of"
                raise KeyError(f"{name} has {problem} {fn_name!r}; use call_raw")
            function = self._functions[key] = _Function.from_abi(entries[0])
        return function


def revert_data(exc: RuntimeError) -> bytes:
    """The revert data in pyrevm's report of a reverted call (``RuntimeError``)."""
    match = _REVERT_TEXT.fullmatch(str(exc))
    if match is None:
        raise RuntimeError(f"unexpected pyrevm failure report: {exc}") from exc
    return bytes.fromhex(match[1])
