"""Python twins of the custom errors in ``contracts/libraries/Errors.sol``.

Each exception has the Solidity error's name and carries its arguments, in order, as ``.args``.
A revert decoded from the EVM (see :func:`decode_revert`) and an exception raised by the exact
engine compare equal when name and arguments are equal, which is what the differential tests check.
"""

from __future__ import annotations

from typing import ClassVar

from eth_abi import decode as abi_decode
from eth_utils import keccak


class GridMarginError(Exception):
    """Base of every gridmargin error. Subclasses declare their Solidity argument types."""

    arg_types: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: int) -> None:
        if len(args) != len(self.arg_types):
            raise TypeError(f"{type(self).__name__} takes {len(self.arg_types)} arguments, got {len(args)}")
        super().__init__(*args)

    @classmethod
    def signature(cls) -> str:
        """The Solidity error signature, e.g. ``GM_ExpOverflow(int256)``."""
        return f"{cls.__name__}({','.join(cls.arg_types)})"

    @classmethod
    def selector(cls) -> bytes:
        """The 4-byte selector the EVM puts in front of the ABI-encoded arguments."""
        return keccak(text=cls.signature())[:4]

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.args == other.args  # type: ignore[union-attr]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.args))

    def __str__(self) -> str:
        return f"{type(self).__name__}({', '.join(str(a) for a in self.args)})"


class GM_MulWadOverflow(GridMarginError):
    """``mul_wad_*(x, y)``: the product x * y does not fit in int256."""

    arg_types = ("int256", "int256")


class GM_DivWadOverflow(GridMarginError):
    """``div_wad_*(x, y)``: x * 1e18 does not fit in int256."""

    arg_types = ("int256", "int256")


class GM_DivWadByZero(GridMarginError):
    """``div_wad_*(x, 0)``: division by zero."""

    arg_types = ("int256",)


class GM_ExpOverflow(GridMarginError):
    """``exp_wad(x)``: the result does not fit in int256 (x > EXP_MAX_INPUT)."""

    arg_types = ("int256",)


class GM_LnUndefined(GridMarginError):
    """``ln_wad(x)``: the logarithm is undefined for x <= 0."""

    arg_types = ("int256",)


class GM_SqrtUndefined(GridMarginError):
    """``sqrt_wad(x)``: the square root is undefined for x < 0."""

    arg_types = ("int256",)



class GM_ForwardOutOfRange(GridMarginError):
    """``black76``: the forward is outside [1, B76_PRICE_MAX] (wei; B76_PRICE_MAX = 1e36, i.e. 1e18)."""

    arg_types = ("int256",)


class GM_StrikeOutOfRange(GridMarginError):
    """``black76``: the strike is outside [1, B76_PRICE_MAX] (wei; B76_PRICE_MAX = 1e36, i.e. 1e18)."""

    arg_types = ("int256",)


class GM_VolatilityOutOfRange(GridMarginError):
    """``black76``: sigma * sqrt(T) is outside [0, B76_SIGMA_SQRT_T_MAX] (= 100e18)."""

    arg_types = ("int256",)


class GM_DiscountOutOfRange(GridMarginError):
    """``black76``: the discount factor is outside [1, 1e18] (wei, i.e. (0, 1])."""

    arg_types = ("int256",)


class GM_LogMoneynessOutOfRange(GridMarginError):
    """``black76``: ln(F/K) is outside [-B76_LOG_MONEYNESS_MAX, B76_LOG_MONEYNESS_MAX] (= 100e18)."""

    arg_types = ("int256",)


class GM_SeriesOutOfRange(GridMarginError):
    """``black76.series_value``: options [start, end) do not lie inside the series array (4 words each)."""

    arg_types = ("uint256", "uint256", "uint256")


class GM_TooManyPositions(GridMarginError):
    """Margin engine: The portfolio holds more option series than the engine's gas bound allows."""

    arg_types = ('uint256', 'uint256')


class GM_PositionsNotSorted(GridMarginError):
    """Margin engine: Portfolio.positions must be strictly increasing by underlying; `index` breaks the order."""

    arg_types = ('uint256',)


class GM_UnknownUnderlying(GridMarginError):
    """Margin engine: No market state or grid parameters exist for this underlying index."""

    arg_types = ('uint256',)


class GM_SpotNonPositive(GridMarginError):
    """Margin engine: The spot of an underlying must be positive."""

    arg_types = ('uint256', 'int256')


class GM_RateOutOfRange(GridMarginError):
    """Margin engine: The rate of an underlying must lie in [0, 1e18]."""

    arg_types = ('uint256', 'int256')


class GM_OptionsNotCanonical(GridMarginError):
    """Margin engine: Options must be strictly increasing by (expiry, strike, isCall) with non-zero size; `index` breaks it."""

    arg_types = ('uint256', 'uint256')


class GM_OptionExpired(GridMarginError):
    """Margin engine: An option's expiry is not after the market timestamp."""

    arg_types = ('uint256', 'uint64', 'uint256')


class GM_MissingVol(GridMarginError):
    """Margin engine: The market has no implied volatility for an option's expiry."""

    arg_types = ('uint256', 'uint64')


class GM_WitnessOutOfRange(GridMarginError):
    """Margin engine: A witness names a scenario index beyond the underlying's grid."""

    arg_types = ('uint256', 'uint256')


class GM_FeedNonPositive(GridMarginError):
    """Spot feed: the round's answer is <= 0."""

    arg_types = ('address', 'int256')


class GM_FeedIncompleteRound(GridMarginError):
    """Spot feed: the round was answered in an earlier round (answeredInRound < roundId)."""

    arg_types = ('address', 'uint80', 'uint80')


class GM_FeedFromFuture(GridMarginError):
    """Spot feed: the round was updated after the valuation time (updatedAt > now)."""

    arg_types = ('address', 'uint256', 'uint256')


class GM_FeedStale(GridMarginError):
    """Spot feed: the round is older than the heartbeat (now - updatedAt > heartbeat)."""

    arg_types = ('address', 'uint256', 'uint256')


class GM_FeedDecimalsUnsupported(GridMarginError):
    """Spot feed: decimals() is above MAX_FEED_DECIMALS (36)."""

    arg_types = ('address', 'uint8')


class GM_FeedUnrepresentable(GridMarginError):
    """Spot feed: the answer scaled to 18 decimals overflows int256 or rounds down to 0."""

    arg_types = ('address', 'int256', 'uint8')


class GM_VolNotPosted(GridMarginError):
    """Vol feed: no volatility was ever posted for (underlying, expiry) (updatedAt == 0)."""

    arg_types = ('address', 'bytes32', 'uint64')


class GM_VolOutOfBounds(GridMarginError):
    """Vol feed: the volatility is outside (0, MAX_VOL_WAD] (MAX_VOL_WAD = 10e18), when posted or read."""

    arg_types = ('bytes32', 'uint64', 'int256')


class GM_VolFromFuture(GridMarginError):
    """Vol feed: the volatility was posted after the valuation time (updatedAt > now)."""

    arg_types = ('address', 'bytes32', 'uint64', 'uint256', 'uint256')


class GM_VolStale(GridMarginError):
    """Vol feed: the volatility is older than the heartbeat (now - updatedAt > heartbeat)."""

    arg_types = ('address', 'bytes32', 'uint64', 'uint256', 'uint256')


class GM_VolUnauthorized(GridMarginError):
    """Vol feed: the caller is not an updater."""

    arg_types = ('address',)


class GM_VolLengthMismatch(GridMarginError):
    """Vol feed: postVols got arrays of different lengths."""

    arg_types = ('uint256', 'uint256')


class GM_AmountOutOfRange(GridMarginError):
    """Margin engine: An amount (cash, balance, size, price) exceeds AMOUNT_MAX (1e36) in magnitude."""

    arg_types = ('int256',)


class GM_ParamOutOfRange(GridMarginError):
    """Margin engine: A risk parameter (id `param`, see PortfolioMargin) is outside its bound."""

    arg_types = ('uint256', 'uint256', 'int256')


class GM_NotOwner(GridMarginError):
    """Ownership (VolFeed, MarginEngine): the caller of an owner-only function is not the owner."""

    arg_types = ('address',)


class GM_NotPendingOwner(GridMarginError):
    """Ownership (VolFeed, MarginEngine): the caller of acceptOwnership is not the pending owner."""

    arg_types = ('address',)


class GM_EngineParamsNotSet(GridMarginError):
    """Margin engine contract: no risk parameters were ever set on ``engine``."""

    arg_types = ('address',)


class GM_EngineFeedNotSet(GridMarginError):
    """Margin engine contract: the underlying has no spot feed configured."""

    arg_types = ('uint256',)


class GM_EngineParamsTooLarge(GridMarginError):
    """Margin engine contract: the parameters' ABI encoding (``size`` bytes) exceeds the code-size limit ``max`` it is stored under."""

    arg_types = ('uint256', 'uint256')


class UnknownRevert(Exception):
    """Revert data that matches no gridmargin error (a panic, a plain revert, or foreign data)."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.data = bytes(data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UnknownRevert) and self.data == other.data

    def __hash__(self) -> int:
        return hash(self.data)

    def __str__(self) -> str:
        return f"UnknownRevert(0x{self.data.hex()})"


def all_errors() -> list[type[GridMarginError]]:
    """Every declared gridmargin error class."""
    return list(_BY_SELECTOR.values())


def decode_revert(data: bytes) -> Exception:
    """Turn EVM revert data into the matching gridmargin exception (or :class:`UnknownRevert`)."""
    cls = _BY_SELECTOR.get(bytes(data[:4]))
    if cls is None:
        return UnknownRevert(data)
    return cls(*abi_decode(list(cls.arg_types), bytes(data[4:])))


def _collect() -> dict[bytes, type[GridMarginError]]:
    classes = [c for c in globals().values() if isinstance(c, type) and issubclass(c, GridMarginError)]
    return {c.selector(): c for c in classes if c is not GridMarginError}


_BY_SELECTOR = _collect()
