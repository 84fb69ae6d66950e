// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import "./libraries/MarginTypes.sol";
import {PortfolioMargin} from "./libraries/PortfolioMargin.sol";
import {IMarginEvaluator} from "./interfaces/IMarginEvaluator.sol";

/// @title MarginEvaluator
/// @notice `PortfolioMargin` behind an external interface, so `MarginEngine` can hand it memory
///         (stored) parameters as calldata. Stateless and pure: anyone may call it; the engine
///         deploys its own in its constructor. Also what the differential tests, golden vectors,
///         benchmarks and `gridmargin scenarios --onchain` deploy to run the library with explicit inputs.
contract MarginEvaluator is IMarginEvaluator {
    /// @inheritdoc IMarginEvaluator
    function marginOf(Portfolio calldata portfolio, Market calldata market, RiskParams calldata params)
        external
        pure
        returns (MarginResult memory)
    {
        return PortfolioMargin.marginOf(portfolio, market, params);
    }

    /// @inheritdoc IMarginEvaluator
    function shortfallWitness(
        Portfolio calldata portfolio,
        Market calldata market,
        RiskParams calldata params,
        uint256[] calldata witness
    ) external pure returns (int256 equity, int256 maintenanceBound) {
        return PortfolioMargin.shortfallWitness(portfolio, market, params, witness);
    }
}
