// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import "./Constants.sol";
import "./Errors.sol";
import {FixedPointMath} from "./FixedPointMath.sol";

/// @title Black76
/// @notice Black-76 call and put prices in wad, a bracket guaranteed to contain the true prices, and
///         the log-moneyness the margin engine shares across scenarios. docs/black76.md has the details.
/// @dev Exact twin: `offchain/twins/black76.py` returns the same integers and raises the same errors (name
///      and arguments); functions appear in the same order there.
///
///      Model (wad, 1e18 = 1.0): forward F, strike K, s = sigma * sqrt(T), discount factor D,
///      x = ln(F/K), d1 = x/s + s/2, d2 = d1 - s; call = D (F N(d1) - K N(d2)), put = call - D (F - K).
///
///      Method: N(d) = H(d) - sgn(d) T(|d|) with T(t) = Phi(-t) = e^(-t^2/2) R(t) and R a [6/7]
///      rational fitted to R itself (B76_R_* constants, |error| < 3.12e-14 on [0, 9.5]).
///      K e^(-d2^2/2) = F e^(-d1^2/2), so with E = e^(-d1^2/2) both tails share one exponential:
///          call = F H(d1) - K H(d2) + F E (sgn(d2) R(|d2|) - sgn(d1) R(|d1|))   (times D).
///      The caller passes lnFK = ln(F/K) (lnWad of the scenario forward minus lnWad of the strike, each
///      computed once), so a (strike, scenario) pair costs one exponential, two rationals and no
///      logarithm, and prices the call and the put together.
///
///      Error: when lnFK is within B76_LOG_MONEYNESS_TOLERANCE (4) wei of ln(F/K) (`logMoneyness` is
///      within 1.2), the undiscounted call and put are within
///          err = 7.88e-14 F + 1e-17 K + 1 wei   (B76_ERR_FORWARD, B76_ERR_STRIKE, B76_ERR_WEI)
///      of the true Black-76 values (measured: below 0.78 err); `callPut` adds 0.5 wei of rounding
///      after the discount, `callPutBounds` turns err into a guaranteed bracket.
///      Gas (scripts/bench_black76.py, marginal per (strike, scenario) pair, call and put together):
///      callPut 1,897-1,990 with both tails, 1,026 with none, 850 at s = 0; callPutBounds about 260
///      more. Inside the margin grid (`seriesValue`, one call per expiry group) ~1.45k per option
///      with both tails (docs/gas.md).
library Black76 {
    /// @dev `_seriesCore` modes: the first option's undiscounted call, the value sum, both sums.
    uint256 private constant MODE_CALL = 2;
    uint256 private constant MODE_VALUE = 0;
    uint256 private constant MODE_BOUNDS = 1;

    /// @notice ln(F/K) in wad as lnWad(F) - lnWad(K), within 1.2 wei of the true value.
    /// @dev The margin engine takes lnWad of each scenario forward once and of each strike once and
    ///      subtracts per pair; this is that subtraction for one pair. Reverts
    ///      GM_ForwardOutOfRange(F) / GM_StrikeOutOfRange(K) outside [1, B76_PRICE_MAX].
    function logMoneyness(int256 forward, int256 strike) internal pure returns (int256) {
        _checkForwardStrike(forward, strike);
        unchecked {
            // Both logarithms lie in [-42e18, 42e18]: no overflow.
            return FixedPointMath.lnWad(forward) - FixedPointMath.lnWad(strike);
        }
    }

    /// @notice Black-76 call and put in wad, rounded to nearest, given lnFK = ln(F/K) in wad.
    /// @dev Domain, checked in this order: lnFK in [-100e18, 100e18] (GM_LogMoneynessOutOfRange),
    ///      forward and strike in [1, 1e36] (GM_ForwardOutOfRange, GM_StrikeOutOfRange), sigmaSqrtT in
    ///      [0, 100e18] (GM_VolatilityOutOfRange), discount in [1, 1e18] (GM_DiscountOutOfRange).
    ///      sigmaSqrtT == 0 gives the intrinsic values D max(F - K, 0), D max(K - F, 0), rounded to
    ///      nearest. The undiscounted call is clamped into [max(F - K, 0), F] and the put is that call
    ///      minus (F - K), so the results lie in [D max(F - K, 0), D F] and [D max(K - F, 0), D K] (rounded
    ///      to nearest) and call - put = D (F - K) within 1 wei. Error: D err + 0.5 wei.
    function callPut(int256 lnFK, int256 forward, int256 strike, int256 sigmaSqrtT, int256 discount)
        internal
        pure
        returns (int256 callPrice, int256 putPrice)
    {
        int256 callQ = _callQ32(lnFK, forward, strike, sigmaSqrtT, discount);
        assembly ("memory-safe") {
            // Clamp the undiscounted call into its no-arbitrage interval [max(F - K, 0), F] * 2^32 (it can
            // leave it only within the error bound); the put is the call minus (F - K) * 2^32, so it lands
            // in [max(K - F, 0), K] * 2^32. discount * value < 1e18 * 1e36 * 2^32: no overflow.
            let parity := shl(32, sub(forward, strike))
            let lowest := and(parity, not(sar(255, parity))) // max(parity, 0)
            let cap := shl(32, forward)
            if slt(callQ, lowest) { callQ := lowest }
            if sgt(callQ, cap) { callQ := cap }
            callPrice := div(add(mul(discount, callQ), B76_Q32_HALF_WAD), B76_Q32_WAD)
            putPrice := div(add(mul(discount, sub(callQ, parity)), B76_Q32_HALF_WAD), B76_Q32_WAD)
        }
    }

    /// @notice Integers bracketing the true Black-76 call and put: value longs at the low end, shorts
    ///         at the high end.
    /// @dev Inputs and errors as `callPut`. Guarantee, when lnFK is within B76_LOG_MONEYNESS_TOLERANCE
    ///      wei of ln(F/K): callLow <= call <= callHigh and putLow <= put <= putHigh, with
    ///      floor(D max(F - K, 0)) <= callLow, callHigh <= ceil(D F), floor(D max(K - F, 0)) <= putLow,
    ///      putHigh <= ceil(D K). The undiscounted band [c - err, c + err] around the undiscounted call
    ///      c (err = 0 when sigmaSqrtT == 0) is clamped to the no-arbitrage interval and discounted
    ///      rounding outward; the put band is the call band minus F - K (exact parity before D).
    function callPutBounds(int256 lnFK, int256 forward, int256 strike, int256 sigmaSqrtT, int256 discount)
        internal
        pure
        returns (int256 callLow, int256 callHigh, int256 putLow, int256 putHigh)
    {
        int256 callQ = _callQ32(lnFK, forward, strike, sigmaSqrtT, discount);
        assembly ("memory-safe") {
            // The no-arbitrage interval [max(F - K, 0), F] * 2^32 of the undiscounted call contains the
            // true value, so clamping the centre and then the band into it keeps the guarantee.
            // The return slots double as scratch (the stack is full): callLow = max(F - K, 0) * 2^32,
            // callHigh = F * 2^32 while clamping; putLow / putHigh = the undiscounted call band.
            let parity := shl(32, sub(forward, strike))
            callLow := and(parity, not(sar(255, parity)))
            callHigh := shl(32, forward)
            if slt(callQ, callLow) { callQ := callLow }
            if sgt(callQ, callHigh) { callQ := callHigh }
            let err := 0
            if sigmaSqrtT {
                err := add(
                    div(shl(32, add(mul(forward, B76_ERR_FORWARD), mul(strike, B76_ERR_STRIKE))), WAD),
                    shl(32, B76_ERR_WEI)
                )
            }
            putLow := sub(callQ, err)
            if slt(putLow, callLow) { putLow := callLow }
            putHigh := add(callQ, err)
            if sgt(putHigh, callHigh) { putHigh := callHigh }
            callLow := div(mul(discount, putLow), B76_Q32_WAD)
            callHigh := div(add(mul(discount, putHigh), sub(B76_Q32_WAD, 1)), B76_Q32_WAD)
            putLow := div(mul(discount, sub(putLow, parity)), B76_Q32_WAD)
            putHigh := div(add(mul(discount, sub(putHigh, parity)), sub(B76_Q32_WAD, 1)), B76_Q32_WAD)
        }
    }

    /// @notice Value of `size` units of the option (a call if `isCall`, else a put) at the bracket end
    ///         against the holder, rounded down: a long (size > 0) at the low end, a short at the high
    ///         end, so a book valued this way is never overstated.
    /// @dev Equal to floor(size * end / 1e18) with `end` the matching `callPutBounds` result. Inputs
    ///      and errors as `callPutBounds`, then |size| <= AMOUNT_MAX, else GM_AmountOutOfRange(size)
    ///      (so the product cannot overflow). `seriesValue` of a one-option series; the engine calls
    ///      `seriesValue` for a whole expiry at once.
    function positionValue(
        int256 lnFK,
        int256 forward,
        int256 strike,
        int256 sigmaSqrtT,
        int256 discount,
        bool isCall,
        int256 size
    ) internal pure returns (int256) {
        int256[] memory series = new int256[](4);
        (series[0], series[2], series[3]) = (strike, size, isCall ? int256(1) : int256(0));
        return seriesValue(series, 0, 1, lnFK, forward, sigmaSqrtT, discount);
    }

    /// @notice Value of options [start, end) of `series`, all at one forward, sigma * sqrt(T) and
    ///         discount (one expiry of a book in one scenario): each at its bracket end against the
    ///         holder, as `positionValue`, the sum rounded down once.
    /// @dev `series` holds 4 words per option: strike, lnWad(strike), size, isCall (non-zero = call);
    ///      option i's ln(F/K) is lnForward - lnStrike (wrapping, as callers pass logarithms).
    ///      Equal to floor(sum of size_i * end_i / 1e18), end_i the bracket end positionValue uses;
    ///      reverts with the error the first failing option's positionValue raises (forward,
    ///      sigmaSqrtT and discount are checked once, for the first option). GM_SeriesOutOfRange(start,
    ///      end, series.length) unless end <= series.length / 4; 0 when start >= end. Each size * end
    ///      is below 1e72 in magnitude: no series a block's gas can hold in memory overflows the sum.
    ///      Gas: ~1.45k per option with both tails inside the margin grid (docs/gas.md).
    function seriesValue(
        int256[] memory series,
        uint256 start,
        uint256 end,
        int256 lnForward,
        int256 forward,
        int256 sigmaSqrtT,
        int256 discount
    ) internal pure returns (int256 value) {
        (value,) = _seriesValues(series, start, end, lnForward, forward, sigmaSqrtT, discount, MODE_VALUE);
    }

    /// @notice `seriesValue` (low) and the same options valued at the opposite bracket ends, for the
    ///         holder, rounded up (high): low <= true value <= high. One Black-76 evaluation each.
    /// @dev high = ceil(sum of size_i * end'_i / 1e18), end'_i the end positionValue uses for -size_i.
    ///      Inputs, errors and bounds as `seriesValue`.
    function seriesBounds(
        int256[] memory series,
        uint256 start,
        uint256 end,
        int256 lnForward,
        int256 forward,
        int256 sigmaSqrtT,
        int256 discount
    ) internal pure returns (int256 low, int256 high) {
        (low, high) = _seriesValues(series, start, end, lnForward, forward, sigmaSqrtT, discount, MODE_BOUNDS);
    }

    /// @notice `callPut` with ln(F/K) from `logMoneyness` (two logarithms more).
    function price(int256 forward, int256 strike, int256 sigmaSqrtT, int256 discount)
        internal
        pure
        returns (int256 callPrice, int256 putPrice)
    {
        return callPut(logMoneyness(forward, strike), forward, strike, sigmaSqrtT, discount);
    }

    /// @notice `callPutBounds` with ln(F/K) from `logMoneyness` (within 1.2 wei: the bracket holds).
    function priceBounds(int256 forward, int256 strike, int256 sigmaSqrtT, int256 discount)
        internal
        pure
        returns (int256 callLow, int256 callHigh, int256 putLow, int256 putHigh)
    {
        return callPutBounds(logMoneyness(forward, strike), forward, strike, sigmaSqrtT, discount);
    }

    function _checkForwardStrike(int256 forward, int256 strike) private pure {
        if (forward <= 0 || forward > B76_PRICE_MAX) revert GM_ForwardOutOfRange(forward);
        if (strike <= 0 || strike > B76_PRICE_MAX) revert GM_StrikeOutOfRange(strike);
    }

    /// @dev seriesValue (mode MODE_VALUE), or seriesBounds (MODE_BOUNDS; else high is 0).
    function _seriesValues(
        int256[] memory series,
        uint256 start,
        uint256 end,
        int256 lnForward,
        int256 forward,
        int256 sigmaSqrtT,
        int256 discount,
        uint256 mode
    ) private pure returns (int256 low, int256 high) {
        if (end > series.length / 4) revert GM_SeriesOutOfRange(start, end, series.length);
        if (start >= end) return (0, 0);
        uint256 at;
        uint256 last;
        assembly ("memory-safe") {
            at := add(series, add(0x20, shl(7, start)))
            last := add(series, add(0x20, shl(7, end)))
        }
        uint256 failed;
        (low, high, failed) = _seriesCore(at, last, lnForward, forward, sigmaSqrtT, discount, mode);
        if (failed != 0) _revertOption(failed, lnForward, forward, sigmaSqrtT, discount);
        assembly ("memory-safe") {
            low := sub(sdiv(low, WAD), slt(smod(low, WAD), 0)) // floor(low / 1e18)
            high := add(sdiv(high, WAD), sgt(smod(high, WAD), 0)) // ceil(high / 1e18)
        }
    }

    /// @dev Reverts as positionValue would for the option whose 4 words start at memory `at`.
    function _revertOption(uint256 at, int256 lnForward, int256 forward, int256 sigmaSqrtT, int256 discount)
        private
        pure
    {
        int256 lnFK;
        int256 strike;
        int256 size;
        assembly ("memory-safe") {
            strike := mload(at)
            lnFK := sub(lnForward, mload(add(at, 0x20)))
            size := mload(add(at, 0x40))
        }
        _revertInvalidInput(lnFK, forward, strike, sigmaSqrtT, discount, size);
    }

    /// @dev Reverts with the first failing range check, in parameter order, then |size| <= AMOUNT_MAX
    ///      (GM_AmountOutOfRange); callers reach it only when one of them failed (pass size 0 when
    ///      there is none to check).
    function _revertInvalidInput(
        int256 lnFK,
        int256 forward,
        int256 strike,
        int256 sigmaSqrtT,
        int256 discount,
        int256 size
    ) private pure {
        if (lnFK < -B76_LOG_MONEYNESS_MAX || lnFK > B76_LOG_MONEYNESS_MAX) {
            revert GM_LogMoneynessOutOfRange(lnFK);
        }
        _checkForwardStrike(forward, strike);
        if (sigmaSqrtT < 0 || sigmaSqrtT > B76_SIGMA_SQRT_T_MAX) revert GM_VolatilityOutOfRange(sigmaSqrtT);
        if (discount <= 0 || discount > WAD) revert GM_DiscountOutOfRange(discount);
        revert GM_AmountOutOfRange(size);
    }

    /// @dev Checks the inputs (reverting as `callPut` documents), then the undiscounted call in Q32
    ///      wei: `_seriesCore` on a one-option series in MODE_CALL.
    function _callQ32(int256 lnFK, int256 forward, int256 strike, int256 sigmaSqrtT, int256 discount)
        private
        pure
        returns (int256 callQ)
    {
        bool outOfRange;
        assembly ("memory-safe") {
            // x in [lo, hi] <=> uint(x - lo) <= hi - lo: one unsigned comparison per range.
            outOfRange := or(
                or(
                    gt(add(lnFK, B76_LOG_MONEYNESS_MAX), shl(1, B76_LOG_MONEYNESS_MAX)),
                    iszero(lt(sub(forward, 1), B76_PRICE_MAX))
                ),
                or(
                    or(iszero(lt(sub(strike, 1), B76_PRICE_MAX)), gt(sigmaSqrtT, B76_SIGMA_SQRT_T_MAX)),
                    iszero(lt(sub(discount, 1), WAD))
                )
            )
        }
        if (outOfRange) _revertInvalidInput(lnFK, forward, strike, sigmaSqrtT, discount, 0);
        uint256 at;
        assembly ("memory-safe") {
            // A one-option series as scratch past the free memory pointer (not allocated: nothing
            // allocates before the core reads it): strike, lnStrike 0 (lnForward is lnFK), size 0.
            at := mload(0x40)
            mstore(at, strike)
            mstore(add(at, 0x20), 0)
            mstore(add(at, 0x40), 0)
        }
        (callQ,,) = _seriesCore(at, at + 0x80, lnFK, forward, sigmaSqrtT, discount, MODE_CALL);
    }

    /// @dev The loop over options [at, last) (memory pointers, 4 words each, at < last): the shared
    ///      terms (forward, sigmaSqrtT, discount) checked once, then per option its own range checks
    ///      (lnFK, strike, size); on a failure it stops with `failed` = the pointer of the option whose
    ///      positionValue would revert (the first one for a shared term), else 0. Per option the
    ///      undiscounted call c in Q32 wei, and
    ///      - MODE_CALL: low = c of the first option;
    ///      - MODE_VALUE / MODE_BOUNDS: low = sum of size * (the bracket end against the holder),
    ///        and for MODE_BOUNDS high = sum of size * (the end against a holder of -size), wei * wad.
    ///      d1, d2 are held in wad * 2^78 units: q = x / s up to 2^-78 wei and h = s / 2 exactly, so
    ///      d1 - d2 = s and (d1^2 - d2^2) / 2 = x up to s * 1e-18 * 2^-78. With E = e^(-d1^2/2) (wad) and
    ///      R in Q64:
    ///          d2 >= 0:       c = F - K + F E max(R(d2) - R(d1), 0)       (the last term is the put)
    ///          d1 >= 0 > d2:  c = F - F E (R(d1) + R(|d2|))
    ///          d1 < 0:        c = F E max(R(|d1|) - R(|d2|), 0)
    ///      A d with |d| >= CDF_CUTOFF contributes no R (its tail is below 1.1e-21 of its prefactor);
    ///      when |d1| >= CDF_CUTOFF there is no tail term at all (E < 2.5e-20: both tails are below
    ///      1.3e-20 F), nor when E truncates to 0 wei (both tails below 1e-18 F, inside E's error).
    ///      c is unclamped: it can leave [max(F - K, 0), F] only within the error bound.
    function _seriesCore(
        uint256 at,
        uint256 last,
        int256 lnForward,
        int256 forward,
        int256 sigmaSqrtT,
        int256 discount,
        uint256 mode
    ) private pure returns (int256 low, int256 high, uint256 failed) {
        assembly ("memory-safe") {
            /// E = e^(-t^2/2) in wad for t = u / 2^96 in [0, CDF_CUTOFF): -t^2/2 = k ln2 + r with
            /// |r| <= ln2 / 2, e^r by the [5/5] Padé approximant (relative error < 8.7e-16), then 2^k
            /// (k in [-66, 0]) and 1e18 in one shift: EXP_SCALE / 2^78 is 1e18 / 2^96.
            function _damping(u) -> damp {
                let x96 := sub(0, shr(97, mul(u, u)))
                let k := sar(192, add(mul(x96, INV_LN2_X96), shl(191, 1)))
                let r := sub(x96, mul(k, LN2_X96))
                let z := sar(96, mul(r, r))
                let even := add(B76_EXP_E0_X96, sar(96, mul(z, add(B76_EXP_E1_X96, sar(96, mul(z, B76_EXP_E2_X96))))))
                // Horner's rule, one polynomial per line: longer than 120 characters on purpose.
                // forgefmt: disable-next-line
                let odd := sar(96, mul(r, add(B76_EXP_O0_X96, sar(96, mul(z, add(B76_EXP_O1_X96, sar(96, mul(z, B76_EXP_O2_X96))))))))
                damp := shr(sub(78, k), sdiv(mul(add(even, odd), EXP_SCALE), sub(even, odd)))
            }
            /// R(t) = Phi(-t) e^(t^2/2) ~ P(t) / Q(t) in Q64 for t = v / 2^96 in [0, CDF_CUTOFF): the
            /// [6/7] rational fitted to R itself (scripts/fits/tail_ratio.json, |error| < 3.2e-14).
            function _tailRatio(v) -> ratio {
                // Horner in t = w / 2^64, two steps per shift: h <- C_j + (w (C_(j+1) 2^64 + w h)) >> 128
                // (every coefficient and partial sum is positive; all stay below 2^245).
                let w := shr(32, v)
                let num := add(B76_R_P4_X96, sar(128, mul(w, add(B76_R_P5_X160, mul(w, B76_R_P6_X96)))))
                num := add(B76_R_P2_X96, sar(128, mul(w, add(B76_R_P3_X160, mul(w, num)))))
                num := add(B76_R_P0_X96, sar(128, mul(w, add(B76_R_P1_X160, mul(w, num)))))
                let den := add(B76_R_Q5_X96, sar(128, mul(w, add(B76_R_Q6_X160, mul(w, B76_R_Q7_X96)))))
                den := add(B76_R_Q3_X96, sar(128, mul(w, add(B76_R_Q4_X160, mul(w, den)))))
                den := add(B76_R_Q1_X96, sar(128, mul(w, add(B76_R_Q2_X160, mul(w, den)))))
                den := add(B76_R_Q0_X96, sar(64, mul(w, den)))
                ratio := div(shl(64, num), den)
            }
            /// The undiscounted call c in Q32 wei (see above) for in-range x = lnFK, f, k, s.
            function _undiscountedCall(x, f, k, s) -> c {
                switch s
                case 0 {
                    c := shl(32, sub(f, k))
                    c := and(c, not(sar(255, c))) // max(c, 0): the intrinsic value
                }
                default {
                    // |x| * 1e18 * 2^78 < 3.1e61. u = |d1|, then in Q96 (wad * 2^78 / 5^18 = 2^96).
                    let q := sdiv(shl(78, mul(x, WAD)), s)
                    let h := shl(77, s)
                    let d1 := add(q, h)
                    let d2 := sub(q, h)
                    let u := d1
                    if slt(d1, 0) { u := sub(0, d1) }
                    let damp := 0
                    if lt(u, B76_D_CUTOFF) {
                        u := div(u, POW5_18)
                        damp := _damping(u)
                    }
                    // Tail terms F E r (r in Q64) are below 1e36 * 1e18 * 2^64 < 1.9e73; / (1e18 2^32) is Q32 wei.
                    switch slt(d2, 0)
                    case 0 {
                        // 0 <= d2 <= d1: when damp != 0, d2 is below the cutoff too.
                        c := shl(32, sub(f, k))
                        if damp {
                            let r := sub(_tailRatio(div(d2, POW5_18)), _tailRatio(u))
                            if sgt(r, 0) { c := add(c, div(mul(mul(f, damp), r), B76_Q32_WAD)) }
                        }
                    }
                    default {
                        let rb := 0
                        if damp {
                            let b := sub(0, d2)
                            if lt(b, B76_D_CUTOFF) { rb := _tailRatio(div(b, POW5_18)) }
                        }
                        switch slt(d1, 0)
                        case 0 {
                            c := shl(32, f)
                            if damp { c := sub(c, div(mul(mul(f, damp), add(_tailRatio(u), rb)), B76_Q32_WAD)) }
                        }
                        default {
                            if damp {
                                let r := sub(_tailRatio(u), rb)
                                if sgt(r, 0) { c := div(mul(mul(f, damp), r), B76_Q32_WAD) }
                            }
                        }
                    }
                }
            }
            /// n * (the bracket end against a holder of n units), wei * wad: a long's low end
            /// max(min(c, F) - err, max(F - K, 0)), a short's high end min(max(c, max(F - K, 0)) + err, F)
            /// (Q32 wei), minus F - K for a put, discounted rounding outward; |size| <= 1e36 and
            /// end <= ceil(D F) <= 1e36.
            function _bandTerm(c, f, k, s, d, isPut, n) -> term {
                let parity := shl(32, sub(f, k))
                let lowest := and(parity, not(sar(255, parity)))
                let err := 0
                if s {
                    err := add(
                        div(shl(32, add(mul(f, B76_ERR_FORWARD), mul(k, B76_ERR_STRIKE))), WAD),
                        shl(32, B76_ERR_WEI)
                    )
                }
                parity := mul(parity, isPut) // a put's shift, 0 for a call
                switch sgt(n, 0)
                case 1 {
                    if sgt(c, shl(32, f)) { c := shl(32, f) }
                    c := sub(c, err)
                    if slt(c, lowest) { c := lowest }
                    c := div(mul(d, sub(c, parity)), B76_Q32_WAD)
                }
                default {
                    if slt(c, lowest) { c := lowest }
                    c := add(c, err)
                    if sgt(c, shl(32, f)) { c := shl(32, f) }
                    c := div(add(mul(d, sub(c, parity)), sub(B76_Q32_WAD, 1)), B76_Q32_WAD)
                }
                term := mul(n, c)
            }
            // The shared terms fail as the first option's positionValue would: report it.
            if or(
                or(iszero(lt(sub(forward, 1), B76_PRICE_MAX)), gt(sigmaSqrtT, B76_SIGMA_SQRT_T_MAX)),
                iszero(lt(sub(discount, 1), WAD))
            ) {
                failed := at
                last := at
            }
            for {} lt(at, last) { at := add(at, 0x80) } {
                let strike := mload(at)
                let lnFK := sub(lnForward, mload(add(at, 0x20)))
                let size := mload(add(at, 0x40))
                if or(
                    or(
                        gt(add(lnFK, B76_LOG_MONEYNESS_MAX), shl(1, B76_LOG_MONEYNESS_MAX)),
                        iszero(lt(sub(strike, 1), B76_PRICE_MAX))
                    ),
                    gt(add(size, AMOUNT_MAX), shl(1, AMOUNT_MAX))
                ) {
                    failed := at
                    break
                }
                let callQ := _undiscountedCall(lnFK, forward, strike, sigmaSqrtT)
                if eq(mode, MODE_CALL) {
                    low := callQ
                    break
                }
                let isPut := iszero(mload(add(at, 0x60)))
                low := add(low, _bandTerm(callQ, forward, strike, sigmaSqrtT, discount, isPut, size))
                if eq(mode, MODE_BOUNDS) {
                    high := sub(high, _bandTerm(callQ, forward, strike, sigmaSqrtT, discount, isPut, sub(0, size)))
                }
            }
        }
    }
}
