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
