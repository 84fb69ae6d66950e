// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title gridmargin data types
/// @notice The account, market and parameter structs of the margin engine. Twin:
///         `offchain/twins/types.py` (dataclasses with the same fields in the same order).
///         Every amount is a signed wad (1e18 = 1.0); timestamps are unix seconds.

/// @notice One option series held by an account, net of longs and shorts.
/// @dev Canonical form: within an underlying, options are strictly increasing by
///      (expiry, strike, isCall) with isCall = false first, and size != 0, so a series appears once.
struct OptionPosition {
    uint64 expiry;
    bool isCall;
    int256 strike;
    int256 size;
}

/// @notice Everything an account holds in one underlying. Shocked in every scenario (standard and
///         extended): the balance and the perp, as one linear exposure balance + perpSize, and the
///         options. Not shocked: cash, the perp's entry price (docs/model.md section 2).
/// @param underlying index into Market.underlyings and RiskParams.grids
/// @param balance token amount: > 0 collateral, < 0 debt; both alike valued at full spot in equity,
///        shocked like a perp of the same size, and charged the haircut as an IM contingency
///        h * |balance| * spot (docs/model.md sections 1, 2 and 5)
/// @param perpSize signed perpetual/future size in tokens; perpEntry its entry price in cash
struct UnderlyingPositions {
    uint256 underlying;
    int256 balance;
    int256 perpSize;
    int256 perpEntry;
    OptionPosition[] options;
}

/// @notice An account's book: cash (negative = loan) and positions per underlying, in strictly
///         increasing `underlying` order.
struct Portfolio {
    int256 cash;
    UnderlyingPositions[] positions;
}

/// @notice Implied volatility (annualised wad) of one expiry.
struct VolPoint {
    uint64 expiry;
    int256 vol;
}

/// @notice Market state of one underlying: spot (cash per token), continuously compounded rate,
///         and vols sorted by strictly increasing expiry.
struct UnderlyingMarket {
    int256 spot;
    int256 rate;
    VolPoint[] vols;
}

/// @notice Market state for every underlying the engine knows, at `timestamp`.
struct Market {
    uint256 timestamp;
    UnderlyingMarket[] underlyings;
}

/// @notice Scenario grid and charges of one underlying (docs/model.md section 5). `haircut` is the IM
///         contingency rate on |balance| * spot; the collateral rule bounds it:
///         mulWadUp(mmFactor, f + haircut) <= 1e18, f the grid's largest loss fraction of a long position.
/// @param dteFloor seconds: the vol shocks' term scaling uses max(time to expiry, dteFloor), so options
///        near expiry do not get an unbounded vol shock (Black-76 still prices at the real time)
struct GridParams {
    int256[] spotShocks;
    int256 volDown;
    int256 volUp;
    int256 termPowerShort;
    int256 termPowerLong;
    int256[] extendedShocks;
    int256 dampener;
    int256 haircut;
    int256 linearAddOn;
    int256 shortOptionAddOn;
    int256 dteFloor;
}

/// @notice Grids per underlying, the MM factor, an optional row-major correlation matrix (wad,
///         empty = plain sum) and the maximum number of option series per account.
struct RiskParams {
    GridParams[] grids;
    int256 mmFactor;
    int256[] correlation;
    int256 maxOptions;
}

/// @notice One underlying's grid result: loss, initial margin, worst scenario, risk vector.
struct UnderlyingMargin {
    uint256 underlying;
    int256 loss;
    int256 initialMargin;
    uint256 worstScenario;
    int256[] pnl;
}

/// @notice Equity (mark-to-market, against the account), IM, MM and per-underlying detail.
struct MarginResult {
    int256 equity;
    int256 initialMargin;
    int256 maintenanceMargin;
    UnderlyingMargin[] underlyings;
}
