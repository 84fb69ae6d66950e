// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import "../libraries/MarginTypes.sol";

/// @title IMarginEvaluator
/// @notice `PortfolioMargin` behind an external interface: stateless and pure, every input in calldata.
///         `MarginEngine` deploys one (`IMarginEngine.evaluator`) to hand it stored parameters; tests,
///         benchmarks and `gridmargin scenarios --onchain` deploy `MarginEvaluator` on its own.
/// @dev Amounts are signed wads (1e18 = 1.0), timestamps unix seconds (docs/model.md). Errors are the
///      library's named `GM_*` errors (libraries/Errors.sol), raised unchanged; gas is the library's plus
///      the ABI decoding of the inputs (scripts/bench_margin.py).
interface IMarginEvaluator {
    /// @notice `PortfolioMargin.marginOf`: equity, initial and maintenance margin over the full scenario grid.
    /// @dev Worst case at the parameter bounds (maxOptions x scenarios <= 6,144 per grid, docs/model.md
    ///      section 5): 128 option series, each in its own expiry, on a 48-scenario grid cost 19.2M gas
    ///      as a transaction (tests/test_margin_bounds.py asserts < 21M).
    /// @param portfolio the account's book, in canonical form (strictly increasing underlyings and series)
    /// @param market spot, rate and vols of every underlying `params` knows, at `market.timestamp`
    /// @param params scenario grids and charges per underlying, MM factor, correlation, option limit
    /// @return result equity, IM, MM and per underlying the loss, margin, worst scenario and scenario P&L
    function marginOf(Portfolio calldata portfolio, Market calldata market, RiskParams calldata params)
        external
        pure
        returns (MarginResult memory result);

    /// @notice `PortfolioMargin.shortfallWitness`: a lower bound of the maintenance margin from one
    ///         scenario per position entry; a bound above the equity proves the account liquidatable.
    /// @param portfolio the account's book, in canonical form
    /// @param market spot, rate and vols of every underlying `params` knows
    /// @param params scenario grids and charges per underlying, MM factor, correlation, option limit
    /// @param witness one scenario index per entry of `portfolio.positions`, in the same order
    /// @return equity the account's equity, as `marginOf` computes it
    /// @return maintenanceBound the MM of the witnessed scenarios, never above `marginOf`'s MM
    function shortfallWitness(
        Portfolio calldata portfolio,
        Market calldata market,
        RiskParams calldata params,
        uint256[] calldata witness
    ) external pure returns (int256 equity, int256 maintenanceBound);
}
