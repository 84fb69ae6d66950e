// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title gridmargin custom errors
/// @notice Every error the protocol raises, declared once. Each carries the offending input(s) so a
///         caller can tell what went wrong without a trace. `scripts/gen_constants.py` generates the
///         Python twins from this file (`offchain/twins/errors.py`: same names, same arguments in the
///         same order, the notice as docstring).

/// @notice `mulWad*(x, y)`: the product x * y does not fit in int256.
error GM_MulWadOverflow(int256 x, int256 y);

/// @notice `divWad*(x, y)`: x * 1e18 does not fit in int256.
error GM_DivWadOverflow(int256 x, int256 y);

/// @notice `divWad*(x, 0)`: division by zero.
error GM_DivWadByZero(int256 x);

/// @notice `expWad(x)`: e^(x / 1e18) * 1e18 does not fit in int256 (x > EXP_MAX_INPUT).
error GM_ExpOverflow(int256 x);

/// @notice `lnWad(x)`: the logarithm is undefined for x <= 0.
error GM_LnUndefined(int256 x);

/// @notice `sqrtWad(x)`: the square root is undefined for x < 0.
error GM_SqrtUndefined(int256 x);

/// @notice `Black76`: the forward is outside [1, B76_PRICE_MAX] (wei; B76_PRICE_MAX = 1e36, i.e. 1e18).
error GM_ForwardOutOfRange(int256 forward);

/// @notice `Black76`: the strike is outside [1, B76_PRICE_MAX] (wei; B76_PRICE_MAX = 1e36, i.e. 1e18).
error GM_StrikeOutOfRange(int256 strike);

/// @notice `Black76`: sigma * sqrt(T) is outside [0, B76_SIGMA_SQRT_T_MAX] (= 100e18).
error GM_VolatilityOutOfRange(int256 sigmaSqrtT);

/// @notice `Black76`: the discount factor is outside [1, 1e18] (wei, i.e. (0, 1]).
error GM_DiscountOutOfRange(int256 discount);

/// @notice `Black76`: ln(F/K) is outside [-B76_LOG_MONEYNESS_MAX, B76_LOG_MONEYNESS_MAX] (= 100e18).
error GM_LogMoneynessOutOfRange(int256 lnFK);

/// @notice `Black76.seriesValue`: options [start, end) do not lie inside the series array (4 words each).
error GM_SeriesOutOfRange(uint256 start, uint256 end, uint256 words);

/// @notice Margin engine: The portfolio holds more option series than the engine's gas bound allows.
error GM_TooManyPositions(uint256 count, uint256 max);

/// @notice Margin engine: Portfolio.positions must be strictly increasing by underlying; `index` breaks the order.
error GM_PositionsNotSorted(uint256 index);

/// @notice Margin engine: No market state or grid parameters exist for this underlying index.
error GM_UnknownUnderlying(uint256 underlying);

/// @notice Margin engine: The spot of an underlying must be positive.
error GM_SpotNonPositive(uint256 underlying, int256 spot);

/// @notice Margin engine: The rate of an underlying must lie in [0, 1e18].
error GM_RateOutOfRange(uint256 underlying, int256 rate);

/// @notice Margin engine: Options must strictly increase by (expiry, strike, isCall), size non-zero; `index` breaks it.
error GM_OptionsNotCanonical(uint256 underlying, uint256 index);

/// @notice Margin engine: An option's expiry is not after the market timestamp.
error GM_OptionExpired(uint256 underlying, uint64 expiry, uint256 timestamp);

/// @notice Margin engine: The market has no implied volatility for an option's expiry.
error GM_MissingVol(uint256 underlying, uint64 expiry);

/// @notice Margin engine: A witness names a scenario index beyond the underlying's grid.
error GM_WitnessOutOfRange(uint256 underlying, uint256 scenario);

/// @notice Margin engine: A witness names one scenario per position entry; it has `length`, not `positions`.
error GM_WitnessLengthMismatch(uint256 length, uint256 positions);

/// @notice Spot feed: the round's answer is <= 0.
error GM_FeedNonPositive(address feed, int256 answer);

/// @notice Spot feed: the round was answered in an earlier round (answeredInRound < roundId).
error GM_FeedIncompleteRound(address feed, uint80 roundId, uint80 answeredInRound);

/// @notice Spot feed: the round was updated after the valuation time (updatedAt > now).
error GM_FeedFromFuture(address feed, uint256 updatedAt, uint256 nowTs);

/// @notice Spot feed: the round is older than the heartbeat (now - updatedAt > heartbeat).
error GM_FeedStale(address feed, uint256 updatedAt, uint256 heartbeat);

/// @notice Spot feed: decimals() is above MAX_FEED_DECIMALS (36).
error GM_FeedDecimalsUnsupported(address feed, uint8 decimals);

/// @notice Spot feed: the answer scaled to 18 decimals overflows int256 or rounds down to 0.
error GM_FeedUnrepresentable(address feed, int256 answer, uint8 decimals);

/// @notice Vol feed: no volatility was ever posted for (underlying, expiry) (updatedAt == 0).
error GM_VolNotPosted(address volFeed, bytes32 underlying, uint64 expiry);

/// @notice Vol feed: the volatility is outside (0, MAX_VOL_WAD] (MAX_VOL_WAD = 10e18), when posted or read.
error GM_VolOutOfBounds(bytes32 underlying, uint64 expiry, int256 vol);

/// @notice Vol feed: the volatility was posted after the valuation time (updatedAt > now).
error GM_VolFromFuture(address volFeed, bytes32 underlying, uint64 expiry, uint256 updatedAt, uint256 nowTs);

/// @notice Vol feed: the volatility is older than the heartbeat (now - updatedAt > heartbeat).
error GM_VolStale(address volFeed, bytes32 underlying, uint64 expiry, uint256 updatedAt, uint256 heartbeat);

/// @notice Vol feed: the caller is not an updater.
error GM_VolUnauthorized(address caller);

/// @notice Vol feed: postVols got arrays of different lengths.
error GM_VolLengthMismatch(uint256 expiries, uint256 vols);

/// @notice Margin engine: An amount (cash, balance, size, price) exceeds AMOUNT_MAX (1e36) in magnitude.
error GM_AmountOutOfRange(int256 amount);

/// @notice Margin engine: A risk parameter (id `param`, a PARAM_* of Constants.sol) is outside its bound.
error GM_ParamOutOfRange(uint256 underlying, uint256 param, int256 value);

/// @notice Ownership (VolFeed, MarginEngine): the caller of an owner-only function is not the owner.
error GM_NotOwner(address caller);

/// @notice Ownership (VolFeed, MarginEngine): the caller of acceptOwnership is not the pending owner.
error GM_NotPendingOwner(address caller);

/// @notice Margin engine contract: no risk parameters were ever set on `engine`.
error GM_EngineParamsNotSet(address engine);

/// @notice Margin engine contract: the underlying has no spot feed configured.
error GM_EngineFeedNotSet(uint256 underlying);

/// @notice Margin engine contract: the parameters' ABI encoding (`size` bytes) exceeds the code-size limit `max`.
error GM_EngineParamsTooLarge(uint256 size, uint256 max);
