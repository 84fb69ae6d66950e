// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMath} from "../libraries/FixedPointMath.sol";

/// @title MathGasHarness
/// @notice Measures the marginal gas of one internal FixedPointMath call: a loop calling the
///         function minus the same loop calling an identity of the same shape, divided by the count.
///         Read by `scripts/bench_math.py`.
/// @dev Shipped (artifact in the wheel), not under contracts/test/: `gridmargin math` and `demo` deploy it
///      beside MathHarness to report the library call's marginal gas.
contract MathGasHarness {
    /// @notice Function ids, in the order of FixedPointMath.
    uint256 internal constant MUL_WAD_DOWN = 0;
    uint256 internal constant MUL_WAD_UP = 1;
    uint256 internal constant DIV_WAD_DOWN = 2;
    uint256 internal constant DIV_WAD_UP = 3;
    uint256 internal constant EXP_WAD = 4;
    uint256 internal constant LN_WAD = 5;
    uint256 internal constant SQRT_WAD = 6;
    uint256 internal constant NORM_CDF_WAD = 7;
    uint256 internal constant NORM_PDF_WAD = 8;

    /// @notice Average gas of `fn(x + i * step, y)` over i < n, net of the loop and call plumbing.
    /// @return gasPerCall the marginal cost of one internal call
    /// @return checksum XOR of the results, returned so the optimizer cannot drop the calls
    function measure(uint256 fn, int256 x, int256 y, int256 step, uint256 n)
        external
        view
        returns (uint256 gasPerCall, int256 checksum)
    {
        function(int256, int256) pure returns (int256) target = _select(fn);
        (uint256 withCall, int256 sumCall) = _loop(target, x, y, step, n);
        (uint256 withIdentity, int256 sumIdentity) = _loop(_identity, x, y, step, n);
        gasPerCall = (withCall - withIdentity) / n;
        checksum = sumCall ^ sumIdentity;
    }

    function _loop(function(int256, int256) pure returns (int256) f, int256 x, int256 y, int256 step, uint256 n)
        private
        view
        returns (uint256 gasUsed, int256 checksum)
    {
        uint256 start = gasleft();
        unchecked {
            for (uint256 i; i < n; ++i) {
                checksum ^= f(x, y);
                x += step;
            }
        }
        gasUsed = start - gasleft();
    }

    function _select(uint256 fn) private pure returns (function(int256, int256) pure returns (int256)) {
        if (fn == MUL_WAD_DOWN) return FixedPointMath.mulWadDown;
        if (fn == MUL_WAD_UP) return FixedPointMath.mulWadUp;
        if (fn == DIV_WAD_DOWN) return FixedPointMath.divWadDown;
        if (fn == DIV_WAD_UP) return FixedPointMath.divWadUp;
        if (fn == EXP_WAD) return _exp;
        if (fn == LN_WAD) return _ln;
        if (fn == SQRT_WAD) return _sqrt;
        if (fn == NORM_CDF_WAD) return _normCdf;
        if (fn == NORM_PDF_WAD) return _normPdf;
        revert("MathGasHarness: unknown function id");
    }

    function _identity(int256 x, int256) private pure returns (int256) {
        return x;
    }

    function _exp(int256 x, int256) private pure returns (int256) {
        return FixedPointMath.expWad(x);
    }

    function _ln(int256 x, int256) private pure returns (int256) {
        return FixedPointMath.lnWad(x);
    }

    function _sqrt(int256 x, int256) private pure returns (int256) {
        return FixedPointMath.sqrtWad(x);
    }

    function _normCdf(int256 x, int256) private pure returns (int256) {
        return FixedPointMath.normCdfWad(x);
    }

    function _normPdf(int256 x, int256) private pure returns (int256) {
        return FixedPointMath.normPdfWad(x);
    }
}
