// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Black76} from "../libraries/Black76.sol";
import {FixedPointMath} from "../libraries/FixedPointMath.sol";

/// @title Black76GasHarness
/// @notice Marginal gas of one Black76 evaluation per (strike, scenario) pair, the way the margin
///         engine calls it: lnWad of every scenario forward and of every strike once, outside the timed
///         loops, then for each pair `f(lnF - lnK, F, K, sigmaSqrtT, D)`. The grid loop calling the
///         function, minus the same loop calling an identity of the same shape, divided by the number of
///         pairs. Read by `scripts/bench_black76.py`. (Same method as MathGasHarness; the loop is its own
///         because it walks a grid and passes five arguments.)
contract Black76GasHarness {
    /// @notice Function ids, in the order of Black76.
    uint256 internal constant CALL_PUT = 0;
    uint256 internal constant CALL_PUT_BOUNDS = 1;
    uint256 internal constant PRICE = 2;
    uint256 internal constant PRICE_BOUNDS = 3;
    uint256 internal constant POSITION_VALUE = 4;

    struct Grid {
        int256[] lnForwards;
        int256[] forwards;
        int256[] lnStrikes;
        int256[] strikes;
        int256 sigmaSqrtT;
        int256 discount;
    }

    /// @notice Average gas per (strike, scenario) pair of function `fn` over forwards x strikes.
    /// @return gasPerPair the marginal cost of one evaluation (call and put together)
    /// @return checksum XOR of the results, returned so the optimizer cannot drop the calls
    function measure(
        uint256 fn,
        int256[] calldata forwards,
        int256[] calldata strikes,
        int256 sigmaSqrtT,
        int256 discount
    ) external view returns (uint256 gasPerPair, int256 checksum) {
        Grid memory grid = Grid(_logs(forwards), forwards, _logs(strikes), strikes, sigmaSqrtT, discount);
        function(int256, int256, int256, int256, int256) pure returns (int256) target = _select(fn);
        (uint256 withCall, int256 sumCall) = _loop(target, grid);
        (uint256 withIdentity, int256 sumIdentity) = _loop(_identity, grid);
        gasPerPair = (withCall - withIdentity) / (forwards.length * strikes.length);
        checksum = sumCall ^ sumIdentity;
    }

    function _loop(function(int256, int256, int256, int256, int256) pure returns (int256) f, Grid memory grid)
        private
        view
        returns (uint256 gasUsed, int256 checksum)
    {
        uint256 start = gasleft();
        unchecked {
            for (uint256 j; j < grid.forwards.length; ++j) {
                int256 lnForward = grid.lnForwards[j];
                int256 forward = grid.forwards[j];
                for (uint256 i; i < grid.strikes.length; ++i) {
                    checksum ^= f(
                        lnForward - grid.lnStrikes[i], forward, grid.strikes[i], grid.sigmaSqrtT, grid.discount
                    );
                }
            }
        }
        gasUsed = start - gasleft();
    }

    function _logs(int256[] calldata values) private pure returns (int256[] memory logs) {
        logs = new int256[](values.length);
        for (uint256 i; i < values.length; ++i) {
            logs[i] = FixedPointMath.lnWad(values[i]);
        }
    }

    function _select(uint256 fn)
        private
        pure
        returns (function(int256, int256, int256, int256, int256) pure returns (int256))
    {
        if (fn == CALL_PUT) return _callPut;
        if (fn == CALL_PUT_BOUNDS) return _callPutBounds;
        if (fn == PRICE) return _price;
        if (fn == PRICE_BOUNDS) return _priceBounds;
        if (fn == POSITION_VALUE) return _positionValue;
        revert("Black76GasHarness: unknown function id");
    }

    function _identity(int256 lnFK, int256 forward, int256, int256, int256) private pure returns (int256) {
        return lnFK ^ forward;
    }

    function _callPut(int256 lnFK, int256 forward, int256 strike, int256 sigmaSqrtT, int256 discount)
        private
        pure
        returns (int256)
    {
        (int256 callPrice, int256 putPrice) = Black76.callPut(lnFK, forward, strike, sigmaSqrtT, discount);
        return callPrice ^ putPrice;
    }

    function _callPutBounds(int256 lnFK, int256 forward, int256 strike, int256 sigmaSqrtT, int256 discount)
        private
        pure
        returns (int256)
    {
        (int256 callLow, int256 callHigh, int256 putLow, int256 putHigh) =
            Black76.callPutBounds(lnFK, forward, strike, sigmaSqrtT, discount);
        return callLow ^ callHigh ^ putLow ^ putHigh;
    }

    function _price(int256, int256 forward, int256 strike, int256 sigmaSqrtT, int256 discount)
        private
        pure
        returns (int256)
    {
        (int256 callPrice, int256 putPrice) = Black76.price(forward, strike, sigmaSqrtT, discount);
        return callPrice ^ putPrice;
    }

    function _priceBounds(int256, int256 forward, int256 strike, int256 sigmaSqrtT, int256 discount)
        private
        pure
        returns (int256)
    {
        (int256 callLow, int256 callHigh, int256 putLow, int256 putHigh) =
            Black76.priceBounds(forward, strike, sigmaSqrtT, discount);
        return callLow ^ callHigh ^ putLow ^ putHigh;
    }

    /// @dev A short call of 3 units (the high end), the engine's per-position call.
    function _positionValue(int256 lnFK, int256 forward, int256 strike, int256 sigmaSqrtT, int256 discount)
        private
        pure
        returns (int256)
    {
        return Black76.positionValue(lnFK, forward, strike, sigmaSqrtT, discount, true, -3e18);
    }
}
