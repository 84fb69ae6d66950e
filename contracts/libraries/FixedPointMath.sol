// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import "./Constants.sol";
import "./Errors.sol";

/// @title FixedPointMath
/// @notice Signed wad (1e18) fixed-point arithmetic and the transcendental functions Black-76 needs.
/// @dev Exact twin: `offchain/twins/fixedpoint.py` returns the same integer and raises the same error
///      (name and arguments) for every int256 input. Functions appear in the same order there.
///      Rounding: `*Down` rounds toward negative infinity and `*Up` toward positive infinity, so a
///      caller rounds liabilities up and assets down by picking the name. Transcendental functions
///      state their error bound against the real value. Internals work in Q96 (x / 2^96).
///      Gas figures are marginal costs of the internal call, from `scripts/bench_math.py`.
library FixedPointMath {
    /// @notice x * y / 1e18, rounded toward negative infinity. Exact.
    /// @dev Reverts GM_MulWadOverflow(x, y) when x * y does not fit in int256.
    function mulWadDown(int256 x, int256 y) internal pure returns (int256 z) {
        z = _mulChecked(x, y);
        assembly ("memory-safe") {
            z := sub(sdiv(z, WAD), slt(smod(z, WAD), 0))
        }
    }

    /// @notice x * y / 1e18, rounded toward positive infinity. Exact.
    /// @dev Reverts GM_MulWadOverflow(x, y) when x * y does not fit in int256.
    function mulWadUp(int256 x, int256 y) internal pure returns (int256 z) {
        z = _mulChecked(x, y);
        assembly ("memory-safe") {
            z := add(sdiv(z, WAD), sgt(smod(z, WAD), 0))
        }
    }

    /// @notice x * 1e18 / y, rounded toward negative infinity. Exact.
    /// @dev Reverts GM_DivWadByZero(x) when y == 0, else GM_DivWadOverflow(x, y) when x * 1e18
    ///      does not fit in int256.
    function divWadDown(int256 x, int256 y) internal pure returns (int256 z) {
        int256 n = _scaledNumerator(x, y);
        assembly ("memory-safe") {
            // Truncated quotient, minus one when inexact and the exact quotient is negative.
            z := sub(sdiv(n, y), and(iszero(iszero(smod(n, y))), slt(xor(n, y), 0)))
        }
    }

    /// @notice x * 1e18 / y, rounded toward positive infinity. Exact.
    /// @dev Reverts as `divWadDown`.
    function divWadUp(int256 x, int256 y) internal pure returns (int256 z) {
        int256 n = _scaledNumerator(x, y);
        assembly ("memory-safe") {
            // Truncated quotient, plus one when inexact and the exact quotient is positive.
            z := add(sdiv(n, y), and(iszero(iszero(smod(n, y))), sgt(xor(n, y), not(0))))
        }
    }

    /// @notice e^(x / 1e18) * 1e18.
    /// @dev Domain x <= EXP_MAX_INPUT (~135.3e18), else GM_ExpOverflow(x); returns 0 below
    ///      EXP_ZERO_INPUT (-42e18). Error: between 1 wei + 2e-19 relative below and 2e-19 relative
    ///      above the true value (approximation, then truncation). Method: see `expQ96`.
    function expWad(int256 x) internal pure returns (int256 result) {
        if (x < EXP_ZERO_INPUT) return 0;
        if (x > EXP_MAX_INPUT) revert GM_ExpOverflow(x);
        int256 x96;
        assembly ("memory-safe") {
            x96 := sdiv(shl(78, x), POW5_18)
        }
        return expQ96(x96);
    }

    /// @notice ln(x / 1e18) * 1e18.
    /// @dev Domain x > 0, else GM_LnUndefined(x). Error: within 1.1 wei below and 0.1 wei above the
    ///      true value (approximation error < 0.05 wei, then truncation toward -inf).
    ///      Method: x = m 2^e with m in [1/sqrt2, sqrt2) in Q96,
    ///      ln m = 2 atanh(s), s = (m - 1) / (m + 1), atanh(s) / s by the [4/4] Padé approximant in s^2.
    function lnWad(int256 x) internal pure returns (int256 result) {
        if (x <= 0) revert GM_LnUndefined(x);
        uint256 e = _log2(uint256(x));
        assembly ("memory-safe") {
            // m = x * 2^(96 - e) in [2^96, 2^97): the top bit moved to 255, then down to 96.
            let m := shr(159, shl(sub(255, e), x))
            // Above sqrt2, expand around 2 instead of 1 and count one more power of two.
            let big := gt(m, SQRT2_X96)
            let centre := shl(add(96, big), 1)
            let s := sdiv(shl(96, sub(m, centre)), add(m, centre))
            let z := sar(96, mul(s, s))
            // Horner's rule, one polynomial per line: longer than 120 characters on purpose.
            // forgefmt: disable-start
            let num := add(LN_P0_X96, sar(96, mul(z, add(LN_P1_X96, sar(96, mul(z, add(LN_P2_X96, sar(96, mul(z, add(LN_P3_X96, sar(96, mul(z, LN_P4_X96))))))))))))
            let den := add(LN_Q0_X96, sar(96, mul(z, add(LN_Q1_X96, sar(96, mul(z, add(LN_Q2_X96, sar(96, mul(z, add(LN_Q3_X96, sar(96, mul(z, LN_Q4_X96))))))))))))
            // forgefmt: disable-end
            let ln96 := sub(add(mul(add(e, big), LN2_X96), mul(2, sdiv(mul(s, num), den))), LN_WAD_X96)
            result := sar(78, mul(ln96, POW5_18))
        }
    }

    /// @notice sqrt(x / 1e18) * 1e18, i.e. sqrt(x * 1e18).
    /// @dev Domain x >= 0, else GM_SqrtUndefined(x). Rounding: exactly down for
    ///      x <= WAD_SCALE_MAX (~5.79e58); above it one Newton step from isqrt(x) * 1e9, within
    ///      1 wei of the true value.
    function sqrtWad(int256 x) internal pure returns (int256) {
        if (x < 0) revert GM_SqrtUndefined(x);
        unchecked {
            if (x <= WAD_SCALE_MAX) return int256(_sqrt(uint256(x * WAD)));
            uint256 root = _sqrt(uint256(x));
            uint256 step = (uint256(x) - root * root) * uint256(SQRT_WAD) / root / 2;
            return int256(root * uint256(SQRT_WAD) + step);
        }
    }

    /// @notice Standard normal CDF: Phi(x / 1e18) * 1e18.
    /// @dev Total: 0 for x <= -9.5e18, 1e18 for x >= 9.5e18. Error: within 2 wei of the true value.
    ///      Phi(-t) = e^(-t^2/2) P(t) / Q(t), a [7/8] rational fitted for this library (weighted error
    ///      < 1e-19); the lower tail is truncated and the upper half is 1e18 minus it.
    function normCdfWad(int256 x) internal pure returns (int256) {
        if (x <= -CDF_CUTOFF) return 0;
        if (x >= CDF_CUTOFF) return WAD;
        unchecked {
            // |x| < CDF_CUTOFF and 0 <= tail <= 1e18 here: neither line can overflow.
            if (x < 0) return _normTail(-x);
            return WAD - _normTail(x);
        }
    }

    /// @notice Standard normal density e^(-x^2/2) / sqrt(2 pi) in wad.
    /// @dev Total: 0 for |x| >= 9.5e18 (true value < 2.1e-20). Error: within 2 wei of the true value.
    function normPdfWad(int256 x) internal pure returns (int256) {
        if (x <= -CDF_CUTOFF || x >= CDF_CUTOFF) return 0;
        unchecked {
            return mulWadDown(expWad(-((x * x) / (2 * WAD))), INV_SQRT_2PI_WAD);
        }
    }

    /// @notice e^(x96 / 2^96) * 1e18: `expWad`'s core, for callers that hold the exponent in Q96
    ///         (`normCdfWad` passes -x^2/2 without a round trip through wad).
    /// @dev No domain check: the caller keeps x96 within expWad's domain, i.e. between
    ///      EXP_ZERO_INPUT and EXP_MAX_INPUT in Q96. Error as expWad. Method: x = k ln2 + r with
    ///      |r| <= ln2 / 2; e^r by the [6/6] Padé approximant (E(r^2) + r O(r^2)) / (E(r^2) - r O(r^2));
    ///      one shift applies 2^k and 1e18 together.
    function expQ96(int256 x96) internal pure returns (int256 result) {
        assembly ("memory-safe") {
            let k := sar(192, add(mul(x96, INV_LN2_X96), shl(191, 1)))
            let r := sub(x96, mul(k, LN2_X96))
            let z := sar(96, mul(r, r))
            // Horner's rule, one polynomial per line: longer than 120 characters on purpose.
            // forgefmt: disable-next-line
            let even := add(EXP_E0_X96, sar(96, mul(z, add(EXP_E1_X96, sar(96, mul(z, add(EXP_E2_X96, sar(96, mul(z, EXP_E3_X96)))))))))
            let odd := sar(96, mul(r, add(EXP_O0_X96, sar(96, mul(z, add(EXP_O1_X96, sar(96, mul(z, EXP_O2_X96))))))))
            // scaled = e^r * 1e18 * 2^78; the shift by k - 78 applies 2^k.
            let scaled := sdiv(mul(add(even, odd), EXP_SCALE), sub(even, odd))
            switch slt(k, 78)
            case 0 { result := shl(sub(k, 78), scaled) }
            default { result := shr(sub(78, k), scaled) }
        }
    }

    /// @dev x * y, reverting GM_MulWadOverflow(x, y) when it does not fit in int256.
    function _mulChecked(int256 x, int256 y) private pure returns (int256 product) {
        bool overflow;
        assembly ("memory-safe") {
            product := mul(x, y)
            // Overflow unless x == 0 or product / x == y; (-1) * min wraps to a product that passes
            // the division test, so it is excluded explicitly.
            overflow := iszero(
                or(iszero(x), and(eq(sdiv(product, x), y), iszero(and(eq(x, not(0)), eq(y, shl(255, 1))))))
            )
        }
        if (overflow) revert GM_MulWadOverflow(x, y);
    }

    /// @dev x * 1e18 after the division-by-zero and overflow checks of `divWad*`.
    function _scaledNumerator(int256 x, int256 y) private pure returns (int256) {
        if (y == 0) revert GM_DivWadByZero(x);
        if (x > WAD_SCALE_MAX || x < -WAD_SCALE_MAX) revert GM_DivWadOverflow(x, y);
        unchecked {
            return x * WAD;
        }
    }

    /// @dev Phi(-t) in wad for 0 <= t < CDF_CUTOFF: e^(-t^2/2) P(t) / Q(t), truncated.
    function _normTail(int256 t) private pure returns (int256 tail) {
        int256 u;
        int256 exponent;
        assembly ("memory-safe") {
            // u = t in Q96; exponent = -t^2 / 2 in Q96.
            u := sdiv(shl(96, t), WAD)
            exponent := sub(0, shr(97, mul(u, u)))
        }
        int256 damp = expQ96(exponent);
        assembly ("memory-safe") {
            let num := add(CDF_P6_X96, sar(96, mul(u, CDF_P7_X96)))
            num := add(CDF_P5_X96, sar(96, mul(u, num)))
            num := add(CDF_P4_X96, sar(96, mul(u, num)))
            num := add(CDF_P3_X96, sar(96, mul(u, num)))
            num := add(CDF_P2_X96, sar(96, mul(u, num)))
            num := add(CDF_P1_X96, sar(96, mul(u, num)))
            num := add(CDF_P0_X96, sar(96, mul(u, num)))
            let den := add(CDF_Q7_X96, sar(96, mul(u, CDF_Q8_X96)))
            den := add(CDF_Q6_X96, sar(96, mul(u, den)))
            den := add(CDF_Q5_X96, sar(96, mul(u, den)))
            den := add(CDF_Q4_X96, sar(96, mul(u, den)))
            den := add(CDF_Q3_X96, sar(96, mul(u, den)))
            den := add(CDF_Q2_X96, sar(96, mul(u, den)))
            den := add(CDF_Q1_X96, sar(96, mul(u, den)))
            den := add(CDF_Q0_X96, sar(96, mul(u, den)))
            tail := sdiv(mul(damp, num), den)
        }
    }

    /// @dev floor(log2(x)) for x > 0, by bisection on the most significant bit.
    function _log2(uint256 x) private pure returns (uint256 r) {
        assembly ("memory-safe") {
            r := shl(7, lt(0xffffffffffffffffffffffffffffffff, x))
            r := or(r, shl(6, lt(0xffffffffffffffff, shr(r, x))))
            r := or(r, shl(5, lt(0xffffffff, shr(r, x))))
            r := or(r, shl(4, lt(0xffff, shr(r, x))))
            r := or(r, shl(3, lt(0xff, shr(r, x))))
            r := or(r, shl(2, lt(0xf, shr(r, x))))
            r := or(r, shl(1, lt(0x3, shr(r, x))))
            r := or(r, lt(0x1, shr(r, x)))
        }
    }

    /// @dev floor(sqrt(x)). Start at (181 / 128) 2^h, h = floor(log2(x) / 2), within a factor sqrt2
    ///      of the root; after the first Newton step the error is at most 6% and each step squares
    ///      it, so six steps leave z in {floor, floor + 1} for every uint256, and the last line
    ///      corrects floor + 1. x = 0 gives 0 (EVM division by zero is 0).
    function _sqrt(uint256 x) internal pure returns (uint256 z) {
        uint256 h = _log2(x) >> 1;
        assembly ("memory-safe") {
            z := shr(7, shl(h, 181))
            z := shr(1, add(z, div(x, z)))
            z := shr(1, add(z, div(x, z)))
            z := shr(1, add(z, div(x, z)))
            z := shr(1, add(z, div(x, z)))
            z := shr(1, add(z, div(x, z)))
            z := shr(1, add(z, div(x, z)))
            z := sub(z, gt(z, div(x, z)))
        }
    }
}
