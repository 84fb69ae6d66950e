// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title gridmargin custom errors
/// @notice Every error the protocol raises, declared once. Each carries the offending input(s) so a
///         caller can tell what went wrong without a trace. `offchain/errors.py` declares a Python
///         exception of the same name with the same arguments, in the same order.

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
