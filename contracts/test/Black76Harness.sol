// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Black76} from "../libraries/Black76.sol";

/// @title Black76Harness
/// @notice Exposes every Black76 function externally under the same name, for differential tests
///         against `offchain/twins/black76.py`.
contract Black76Harness {
    function logMoneyness(int256 forward, int256 strike) external pure returns (int256) {
        return Black76.logMoneyness(forward, strike);
    }

    function callPut(int256 lnFK, int256 forward, int256 strike, int256 sigmaSqrtT, int256 discount)
        external
        pure
        returns (int256 callPrice, int256 putPrice)
    {
        return Black76.callPut(lnFK, forward, strike, sigmaSqrtT, discount);
    }

    function callPutBounds(int256 lnFK, int256 forward, int256 strike, int256 sigmaSqrtT, int256 discount)
        external
        pure
        returns (int256 callLow, int256 callHigh, int256 putLow, int256 putHigh)
    {
        return Black76.callPutBounds(lnFK, forward, strike, sigmaSqrtT, discount);
    }

    /// @dev isCall as an int256 (non-zero = call), so every argument is an int256 like the others.
    function positionValue(
        int256 lnFK,
        int256 forward,
        int256 strike,
        int256 sigmaSqrtT,
        int256 discount,
        int256 isCall,
        int256 size
    ) external pure returns (int256) {
        return Black76.positionValue(lnFK, forward, strike, sigmaSqrtT, discount, isCall != 0, size);
    }

    function seriesValue(
        int256[] memory series,
        uint256 start,
        uint256 end,
        int256 lnForward,
        int256 forward,
        int256 sigmaSqrtT,
        int256 discount
    ) external pure returns (int256) {
        return Black76.seriesValue(series, start, end, lnForward, forward, sigmaSqrtT, discount);
    }

    function seriesBounds(
        int256[] memory series,
        uint256 start,
        uint256 end,
        int256 lnForward,
        int256 forward,
        int256 sigmaSqrtT,
        int256 discount
    ) external pure returns (int256 low, int256 high) {
        return Black76.seriesBounds(series, start, end, lnForward, forward, sigmaSqrtT, discount);
    }

    function price(int256 forward, int256 strike, int256 sigmaSqrtT, int256 discount)
        external
        pure
        returns (int256 callPrice, int256 putPrice)
    {
        return Black76.price(forward, strike, sigmaSqrtT, discount);
    }

    function priceBounds(int256 forward, int256 strike, int256 sigmaSqrtT, int256 discount)
        external
        pure
        returns (int256 callLow, int256 callHigh, int256 putLow, int256 putHigh)
    {
        return Black76.priceBounds(forward, strike, sigmaSqrtT, discount);
    }
}
