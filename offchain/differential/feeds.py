"""Differential oracle and a stateful EVM for the feed layer (FeedReader / offchain.twins.feeds, VolFeed).

:class:`FeedOracle` runs FeedHarness's pure functions (``normalizeSpot``, ``checkVol``) in a
:class:`offchain.chain.evm.LocalEVM` and the Python twins on the same inputs; outcomes must be equal
(same integer, or same error with the same arguments).

:class:`StatefulEVM` is a small pyrevm wrapper whose transactions *commit* (LocalEVM discards every
call's state), with a settable block timestamp, any sender and decoded logs: what the VolFeed and
MockAggregator tests need. Used by tests/test_feeds.py and scripts/gen_feed_vectors.py.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pyrevm
from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import to_checksum_address
from eth_utils.abi import collapse_if_tuple

from offchain.chain.abi import decode_revert, event_topic, function_selector
from offchain.chain.artifacts import load_artifact
from offchain.chain.evm import DEPLOYER, LocalEVM, revert_data
from offchain.twins import feeds
from offchain.twins.exceptions import GridMarginError, Outcome, UnknownRevert
from offchain.twins.intmath import INT256_MAX, INT256_MIN, UINT256_MAX

UINT80_MAX = (1 << 80) - 1
UINT64_MAX = (1 << 64) - 1
WAD = 10**18
T0 = 1_700_000_000
"""A realistic unix time for the tests (Nov 2023)."""

FEED = to_checksum_address("0x" + "5f" * 20)
"""A feed address for pure-function cases (no code needed: normalizeSpot/checkVol only echo it)."""

ETH = b"ETH".ljust(32, b"\0")


# --------------------------------------------------------------------------------------------------
# Pure-function oracle
# --------------------------------------------------------------------------------------------------


class FeedOracle:
    """A FeedHarness in a LocalEVM, compared call by call with :mod:`offchain.twins.feeds`."""

    def __init__(self) -> None:
        self.evm = LocalEVM()
        self.harness = self.evm.deploy("FeedHarness")

    def onchain(self, fn: str, args: Sequence[Any]) -> Outcome:
        try:
            if fn == "normalizeSpot":
                feed, decimals, round_data, heartbeat, now = args
                return ("value", self.evm.call(self.harness, fn, feed, decimals, tuple(round_data), heartbeat, now))
            return ("value", self.evm.call(self.harness, fn, *args))
        except Exception as exc:  # noqa: BLE001 - the error is the outcome compared
            return ("error", exc)

    @staticmethod
    def offchain(fn: str, args: Sequence[Any]) -> Outcome:
        try:
            if fn == "normalizeSpot":
                feed, decimals, round_data, heartbeat, now = args
                return ("value", feeds.normalize_spot(feed, decimals, feeds.RoundData(*round_data), heartbeat, now))
            if fn == "checkVol":
                return ("value", feeds.check_vol(*args))
        except Exception as exc:  # noqa: BLE001
            return ("error", exc)
        raise KeyError(fn)

    def mismatch(self, fn: str, args: Sequence[Any]) -> str | None:
        chain, python = self.onchain(fn, args), self.offchain(fn, args)
        if chain == python:
            return None
        return f"{fn}{tuple(args)}: evm {chain[1]!r} != python {python[1]!r}"


# --------------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------------

_ANSWER_EDGES = [INT256_MIN, -1, 0, 1, 2, 9, 10, 99, 10**8, 2000 * 10**8, 10**18, 10**36, INT256_MAX]
_ANSWER_EDGES += [INT256_MAX // 10**k + d for k in (0, 1, 8, 17, 18) for d in (-1, 0, 1)]
_ANSWER_EDGES += [10**k + d for k in (18, 19, 36) for d in (-1, 0, 1)]
_ANSWER_EDGES = sorted({min(INT256_MAX, a) for a in _ANSWER_EDGES})
_TIME_EDGES = [0, 1, T0, UINT256_MAX - 1, UINT256_MAX]
_HEARTBEAT_EDGES = [0, 1, 3600, 86400, UINT256_MAX]


def spot_edge_cases() -> Iterator[list[Any]]:
    """normalizeSpot inputs at every check's boundary, and every decimals value 0..40 plus 255."""
    for answer in _ANSWER_EDGES:
        for decimals in (0, 1, 8, 17, 18, 19, 27, 36, 37, 255):
            yield [FEED, decimals, [5, answer, T0 - 10, T0 - 10, 5], 3600, T0]
    for decimals in [*range(41), 255]:
        for answer in (1, 10**decimals, 10 ** max(decimals - 18, 0) - 1, 123456789 * 10**8, INT256_MAX):
            yield [FEED, decimals, [1, min(max(answer, 1), INT256_MAX), T0, T0, 1], 0, T0]
    rounds = ((0, 0), (1, 0), (5, 4), (5, 5), (5, 6), (UINT80_MAX, UINT80_MAX - 1), (UINT80_MAX, UINT80_MAX))
    for round_id, answered in rounds:
        yield [FEED, 8, [round_id, 10**8, 0, T0, answered], 60, T0]
    for updated in _TIME_EDGES + [T0 - 3601, T0 - 3600, T0 - 3599, T0 + 1]:
        for heartbeat in _HEARTBEAT_EDGES + [3599, 3600, 3601]:
            for now in (T0, UINT256_MAX, 0):
                yield [FEED, 8, [1, 10**8, 0, updated, 1], heartbeat, now]
    # Several checks fail at once: the first in the documented order wins.
    yield [FEED, 255, [7, -5, 0, T0 + 5, 3], 0, T0]
    yield [FEED, 255, [7, 5, 0, T0 + 5, 3], 0, T0]
    yield [FEED, 255, [7, 5, 0, T0 + 5, 7], 0, T0]
    yield [FEED, 255, [7, 5, 0, T0 - 5, 7], 0, T0]
    yield [FEED, 255, [7, 5, 0, T0 - 5, 7], 5, T0]
    yield [FEED, 30, [7, 5, 0, T0 - 5, 7], 5, T0]


def vol_edge_cases() -> Iterator[list[Any]]:
    """checkVol inputs at every check's boundary."""
    max_vol = feeds.MAX_VOL_WAD
    underlyings = (ETH, b"\0" * 32, b"\xff" * 32)
    for vol in (INT256_MIN, -1, 0, 1, WAD // 100, 65 * WAD // 100, max_vol - 1, max_vol, max_vol + 1, INT256_MAX):
        for updated in (0, 1, T0 - 86401, T0 - 86400, T0, T0 + 1):
            yield [FEED, ETH, T0 + 30 * 86400, vol, updated, 86400, T0]
    for underlying in underlyings:
        for expiry in (0, 1, T0, UINT64_MAX):
            yield [FEED, underlying, expiry, WAD, T0 - 100, 50, T0]
    for updated in _TIME_EDGES:
        for heartbeat in _HEARTBEAT_EDGES:
            for now in (0, T0, UINT256_MAX):
                yield [FEED, ETH, T0, WAD // 2, updated, heartbeat, now]
    yield [FEED, ETH, T0, 0, 0, 0, 0]  # never posted beats out of bounds
    yield [FEED, ETH, T0, -1, T0 + 1, 0, T0]  # out of bounds beats from the future
    yield [FEED, ETH, T0, 1, T0 + 1, 0, T0 - 10**9]  # future beats stale


def random_address(rng: random.Random) -> str:
    return to_checksum_address(rng.getrandbits(160).to_bytes(20, "big"))


def _random_uint(rng: random.Random, bits: int) -> int:
    return rng.getrandbits(rng.randint(0, bits))


def _near(rng: random.Random, value: int, low: int, high: int) -> int:
    return max(low, min(high, value + rng.randint(-3, 3)))


def random_spot_case(rng: random.Random) -> list[Any]:
    """A normalizeSpot input: mostly realistic feeds, with every check's boundary often hit."""
    now = rng.choice([T0 + rng.randint(-(10**6), 10**6), _random_uint(rng, 256)])
    heartbeat = rng.choice([rng.choice([60, 3600, 86400, 27 * 3600]), _random_uint(rng, 256), 0])
    roll = rng.random()
    if roll < 0.4:
        updated = _near(rng, now - heartbeat, 0, UINT256_MAX) if now >= heartbeat else rng.randint(0, now)
    elif roll < 0.8:
        updated = rng.randint(max(0, now - 2 * heartbeat), now) if now > 0 else 0
    else:
        updated = _random_uint(rng, 256)
    decimals = rng.choice([rng.randint(0, 36), rng.choice([6, 8, 18]), rng.randint(0, 255)])
    roll = rng.random()
    if roll < 0.5:
        answer = min(INT256_MAX, rng.randint(1, 10**6) * 10 ** rng.randint(0, decimals + 2))
    elif roll < 0.7:  # near the int256 scaling limit or the round-to-zero limit
        limit = INT256_MAX // 10 ** max(0, 18 - decimals) if decimals <= 18 else 10 ** (decimals - 18)
        answer = _near(rng, limit, INT256_MIN, INT256_MAX)
    elif roll < 0.85:
        answer = -_random_uint(rng, 255)
    else:
        answer = _random_uint(rng, 255)
    round_id = _random_uint(rng, 80)
    answered = rng.choice([round_id, _near(rng, round_id, 0, UINT80_MAX), _random_uint(rng, 80)])
    started = rng.choice([updated, _random_uint(rng, 256)])
    return [random_address(rng), decimals, [round_id, answer, started, updated, answered], heartbeat, now]


def random_vol_case(rng: random.Random) -> list[Any]:
    """A checkVol input: mostly in-domain vols, boundaries of every check often hit."""
    now = rng.choice([T0 + rng.randint(-(10**6), 10**6), _random_uint(rng, 256)])
    heartbeat = rng.choice([rng.choice([60, 3600, 86400]), _random_uint(rng, 256), 0])
    roll = rng.random()
    if roll < 0.4:
        updated = _near(rng, now - heartbeat, 0, UINT256_MAX) if now >= heartbeat else rng.randint(0, now)
    elif roll < 0.85:
        updated = rng.randint(max(0, now - 2 * heartbeat), now) if now > 0 else 0
    else:
        updated = rng.choice([0, _random_uint(rng, 256)])
    roll = rng.random()
    if roll < 0.6:
        vol = rng.randint(1, feeds.MAX_VOL_WAD)
    elif roll < 0.8:
        vol = _near(rng, rng.choice([0, feeds.MAX_VOL_WAD]), INT256_MIN, INT256_MAX)
    else:
        vol = rng.randint(INT256_MIN, INT256_MAX)
    underlying = rng.getrandbits(256).to_bytes(32, "big")
    expiry = rng.choice([_random_uint(rng, 64), now % (UINT64_MAX + 1)])
    return [random_address(rng), underlying, expiry, vol, updated, heartbeat, now]


# --------------------------------------------------------------------------------------------------
# Stateful EVM
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Log:
    """A decoded event: its name, its arguments by name, and the emitting address."""

    address: str
    name: str
    args: dict[str, Any]


@dataclass(frozen=True)
class Receipt:
    """What a committed transaction returned: decoded outputs, gas used (with intrinsic), logs."""

    result: Any
    gas_used: int
    logs: list[Log]


class Reverted(GridMarginError):
    """A transaction reverted with data that is no gridmargin error (e.g. a require string)."""


class StatefulEVM:
    """A pyrevm Cancun EVM whose transactions commit; see the module docstring."""

    def __init__(self, timestamp: int = T0) -> None:
        self._evm = pyrevm.EVM(gas_limit=30_000_000, spec_id="CANCUN")
        self._evm.set_balance(DEPLOYER, 10**24)
        self._names: dict[str, str] = {}
        self.set_timestamp(timestamp)

    def set_timestamp(self, timestamp: int) -> None:
        self.timestamp = timestamp
        self._evm.set_block_env(pyrevm.BlockEnv(number=1 + timestamp // 12, timestamp=timestamp))

    def deploy(self, name: str, sender: str = DEPLOYER) -> str:
        """Deploy artifact ``name`` (no constructor arguments) from ``sender``; the constructor's
        events are left in ``deploy_logs``."""
        code = bytes.fromhex(load_artifact(name)["bytecode"].removeprefix("0x"))
        self._evm.set_balance(sender, max(self._evm.get_balance(sender), 10**20))
        address = self._evm.deploy(sender, code)
        self._names[address.lower()] = name
        self.deploy_logs = [self._decode_log(log) for log in self._evm.result.logs]
        return address

    def transact(self, address: str, fn: str, *args: Any, sender: str = DEPLOYER) -> Receipt:
        """Run ``fn(*args)`` from ``sender`` and keep its state changes. Raises the decoded revert."""
        entry = self._entry(address, fn)
        output = self._run(address, entry, args, sender)
        result = self._evm.result
        return Receipt(self._decode(entry, output), result.gas_used, [self._decode_log(log) for log in result.logs])

    def call(self, address: str, fn: str, *args: Any, sender: str = DEPLOYER) -> Any:
        """As ``eth_call``: the decoded result; state changes are discarded."""
        return self.call_with_gas(address, fn, *args, sender=sender)[0]

    def call_with_gas(self, address: str, fn: str, *args: Any, sender: str = DEPLOYER) -> tuple[Any, int]:
        """``(decoded result, gas used including the 21,000 intrinsic and calldata)``; state discarded."""
        entry = self._entry(address, fn)
        checkpoint = self._evm.snapshot()
        try:
            output = self._run(address, entry, args, sender)
            return self._decode(entry, output), self._evm.result.gas_used
        finally:
            self._evm.revert(checkpoint)

    def _run(self, address: str, entry: dict[str, Any], args: tuple[Any, ...], sender: str) -> bytes:
        inputs = [collapse_if_tuple(p) for p in entry["inputs"]]
        calldata = function_selector(f"{entry['name']}({','.join(inputs)})") + abi_encode(inputs, args)
        try:
            return self._evm.message_call(sender, address, calldata)
        except RuntimeError as exc:
            data = revert_data(exc)
            error = decode_revert(data)
            if isinstance(error, UnknownRevert):
                raise Reverted(_revert_reason(data)) from None
            raise error from None

    @staticmethod
    def _decode(entry: dict[str, Any], output: bytes) -> Any:
        outputs = [collapse_if_tuple(p) for p in entry["outputs"]]
        values = abi_decode(outputs, output)
        if not values:
            return None
        return values[0] if len(values) == 1 else values

    def _entry(self, address: str, fn: str) -> dict[str, Any]:
        abi = load_artifact(self._names[address.lower()])["abi"]
        entries = [e for e in abi if e["type"] == "function" and e["name"] == fn]
        if len(entries) != 1:
            raise KeyError(f"{fn!r}: {len(entries)} matching functions")
        return entries[0]

    def _decode_log(self, log: Any) -> Log:
        name = self._names.get(log.address.lower())
        topics = [bytes.fromhex(t.removeprefix("0x")) for t in log.topics]
        data = log.data[1]
        for event in (e for e in load_artifact(name)["abi"] if e["type"] == "event") if name else ():
            types = [collapse_if_tuple(p) for p in event["inputs"]]
            if topics and topics[0] == event_topic(f"{event['name']}({','.join(types)})"):
                indexed = [p for p in event["inputs"] if p["indexed"]]
                plain = [p for p in event["inputs"] if not p["indexed"]]
                args = {p["name"]: abi_decode([p["type"]], t)[0] for p, t in zip(indexed, topics[1:], strict=True)}
                args |= dict(zip([p["name"] for p in plain], abi_decode([p["type"] for p in plain], data), strict=True))
                return Log(log.address, event["name"], args)
        return Log(log.address, "?", {"topics": topics, "data": data})


def _revert_reason(data: bytes) -> str:
    """The message of an ``Error(string)`` revert, else the hex data."""
    if data[:4] == function_selector("Error(string)"):
        return abi_decode(["string"], data[4:])[0]
    return "0x" + data.hex()


# --------------------------------------------------------------------------------------------------
# Golden vectors (tests/vectors/feeds.json): integers as decimal strings, addresses and bytes32 as
# 0x-hex strings.
# --------------------------------------------------------------------------------------------------


def to_json(value: Any) -> Any:
    """An argument or result as stored in the vectors file."""
    if isinstance(value, bool):
        raise TypeError("no booleans in feed vectors")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    raise TypeError(f"cannot store {value!r}")


def args_from_json(fn: str, args: list[Any]) -> list[Any]:
    """The call arguments of a vector case."""
    if fn == "normalizeSpot":
        feed, decimals, round_data, heartbeat, now = args
        return [feed, int(decimals), [int(v) for v in round_data], int(heartbeat), int(now)]
    if fn == "checkVol":
        vol_feed, underlying, *numbers = args
        return [vol_feed, bytes.fromhex(underlying.removeprefix("0x")), *(int(v) for v in numbers)]
    raise KeyError(fn)


def outcome_to_json(outcome: Outcome) -> dict[str, Any]:
    """``{"value": ...}`` or ``{"error": name, "args": [...]}``."""
    kind, payload = outcome
    if kind == "value":
        return {"value": to_json(payload)}
    return {"error": type(payload).__name__, "args": to_json(list(payload.args))}  # type: ignore[union-attr]
