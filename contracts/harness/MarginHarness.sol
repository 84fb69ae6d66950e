// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import "../libraries/MarginTypes.sol";
import {PortfolioMargin} from "../libraries/PortfolioMargin.sol";

/// @title MarginHarness
/// @notice Exposes PortfolioMargin with explicit parameters, for differential tests against
///         `offchain/margin.py` and for gas benchmarks.
contract MarginHarness {
    function marginOf(Portfolio calldata portfolio, Market calldata market, RiskParams calldata params)
        external
        pure
        returns (MarginResult memory)
    {
        return PortfolioMargin.marginOf(portfolio, market, params);
    }

    function shortfallWitness(
        Portfolio calldata portfolio,
        Market calldata market,
        RiskParams calldata params,
        uint256[] calldata witness
    ) external pure returns (int256 equity, int256 maintenanceBound) {
        return PortfolioMargin.shortfallWitness(portfolio, market, params, witness);
    }
}
