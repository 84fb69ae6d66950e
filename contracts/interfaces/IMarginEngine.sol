// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import "../libraries/MarginTypes.sol";
import {AggregatorV3Interface} from "./AggregatorV3Interface.sol";
import {IOwnable2Step} from "./IOwnable2Step.sol";
import {IMarginEvaluator} from "./IMarginEvaluator.sol";
import {IVolFeed} from "./IVolFeed.sol";

/// @title IMarginEngine
/// @notice gridmargin's on-chain margin engine: owner-managed risk parameters and market-data feeds,
///         and views that value a portfolio with `PortfolioMargin` (docs/model.md) either at an
///         explicit market state or at the feeds' current values.
/// @dev Domain and units: every amount is a signed wad (1e18 = 1.0), timestamps are unix seconds,
///      `underlying` is the index into `RiskParams.grids` and `Market.underlyings`. Rounding is the
///      library's, always against the account (assets down, liabilities and losses up); the engine
///      adds no arithmetic of its own. Every error is a named `GM_*` error with arguments
///      (libraries/Errors.sol); errors of the library and of `FeedReader` propagate unchanged.
///      Off-chain twin of the feed path: `offchain/chain/engine.py`.
interface IMarginEngine is IOwnable2Step {
    /// @notice Where the market data of one underlying comes from.
    /// @param spotFeed Chainlink AggregatorV3Interface feed of the spot (cash per token); 0 = not configured
    /// @param spotHeartbeat seconds a spot round stays fresh (FeedReader staleness rule)
    /// @param volFeed gridmargin vol feed (IVolFeed)
    /// @param volId the bytes32 key of this underlying in `volFeed` (e.g. bytes32("ETH"))
    /// @param volHeartbeat seconds a posted vol stays fresh
    /// @param rate continuously compounded annual rate, wad, in [0, 1e18]
    struct FeedConfig {
        AggregatorV3Interface spotFeed;
        uint256 spotHeartbeat;
        IVolFeed volFeed;
        bytes32 volId;
        uint256 volHeartbeat;
        int256 rate;
    }

    /// @notice The owner replaced the risk parameters; `paramsHash` = keccak256(abi.encode(params)).
    event RiskParamsSet(bytes32 indexed paramsHash, RiskParams params);

    /// @notice The owner set (or, with spotFeed = 0, cleared) the feeds of `underlying`.
    event FeedConfigSet(uint256 indexed underlying, FeedConfig config);

    /// @notice The stateless contract that runs `PortfolioMargin` for the engine (deployed by its
    ///         constructor); the *WithParams views forward to it.
    function evaluator() external view returns (IMarginEvaluator);

    /// @notice Replace the risk parameters. Owner only.
    /// @dev Validated by `PortfolioMargin` itself (it values an empty portfolio under `params`), so
    ///      the bounds are exactly the library's: reverts GM_ParamOutOfRange(underlying, paramId,
    ///      value) for the first parameter out of range, in the library's order, then
    ///      GM_EngineParamsTooLarge(size, 24576) if the encoding exceeds the code-size limit (8 grids,
    ///      the most, of 64 + 16 shocks fit without a correlation matrix, not with a full one). Reverts
    ///      GM_NotOwner(msg.sender) for any other caller
    ///      (checked first). Emits RiskParamsSet. The ABI
    ///      encoding is stored as the code of a data contract (SSTORE2): gas ~ 200 per byte of
    ///      encoding (~1.2 KB per default grid) plus the event; reads cost one cold EXTCODECOPY.
    function setRiskParams(RiskParams calldata params) external;

    /// @notice The current risk parameters. Reverts GM_EngineParamsNotSet(engine) before the first
    ///         `setRiskParams`.
    function riskParams() external view returns (RiskParams memory);

    /// @notice Set the feeds and rate of `underlying`. Owner only: GM_NotOwner(msg.sender).
    /// @dev Reverts GM_RateOutOfRange(underlying, rate) unless 0 <= rate <= 1e18 (the library's
    ///      bound). `spotFeed = 0` marks the underlying as not configured. Heartbeats and the feed
    ///      addresses are not otherwise checked: a bad feed fails when read. Emits FeedConfigSet.
    ///      Gas: ~6 storage slots.
    function setFeedConfig(uint256 underlying, FeedConfig calldata config) external;

    /// @notice The feeds and rate of `underlying` (all zero if never set).
    function feedConfig(uint256 underlying) external view returns (FeedConfig memory);

    /// @notice `PortfolioMargin.marginOf` of `portfolio` at the explicit `market`, under the stored
    ///         parameters: keepers' and traders' simulation with any market state.
    /// @dev Reverts GM_EngineParamsNotSet(engine) before parameters are set, else as the library
    ///      (GM_TooManyPositions when the book holds more than `params.maxOptions` series, ...).
    ///      Gas: the library's (one Black-76 bracket per series and scenario, scripts/bench_margin.py)
    ///      plus reading the parameters and one call to `evaluator` re-encoding the inputs. The bound
    ///      maxOptions x scenarios <= 6,144 per grid keeps the largest admitted account below ~20M.
    function marginOf(Portfolio calldata portfolio, Market calldata market) external view returns (MarginResult memory);

    /// @notice `PortfolioMargin.marginOf` under explicit parameters (no storage read): what-if
    ///         evaluation of proposed parameters. Errors as the library.
    function marginOfWithParams(Portfolio calldata portfolio, Market calldata market, RiskParams calldata params)
        external
        view
        returns (MarginResult memory);

    /// @notice `PortfolioMargin.shortfallWitness` under explicit parameters. Errors as the library.
    function shortfallWitnessWithParams(
        Portfolio calldata portfolio,
        Market calldata market,
        RiskParams calldata params,
        uint256[] calldata witness
    ) external view returns (int256 equity, int256 maintenanceBound);

    /// @notice The market state `marginOfFromFeeds` values `portfolio` at: timestamp =
    ///         block.timestamp, one entry per grid of the stored parameters.
    /// @dev For each position entry, in order: underlying >= grids.length -> GM_UnknownUnderlying(u);
    ///      no spot feed -> GM_EngineFeedNotSet(u); spot = FeedReader.readSpot(spotFeed,
    ///      spotHeartbeat, block.timestamp); rate from the config; then for each option, in order,
    ///      whose expiry differs from the previous option's, vol = FeedReader.readVol(volFeed, volId,
    ///      expiry, volHeartbeat, block.timestamp), appended. Underlyings the portfolio does not use
    ///      stay zero (spot 0, rate 0, no vols) and are never read. Feed errors (GM_FeedStale,
    ///      GM_FeedNonPositive, GM_VolNotPosted, GM_VolStale, ...) propagate unchanged.
    ///      Gas: one latestRoundData + decimals per underlying and one getVol per distinct expiry
    ///      (docs/snapshots/feeds.json, rows readSpot_cold, readVol_cold and readVol_warm, measured
    ///      with the mock feeds), plus the parameters read.
    function marketFromFeeds(Portfolio calldata portfolio) external view returns (Market memory);

    /// @notice `marginOf(portfolio, marketFromFeeds(portfolio))`: the margin at the current feeds.
    /// @dev Errors: those of `marketFromFeeds` first, then the library's. Gas: the library's plus
    ///      the feed reads, the parameters read and one call to `evaluator`: as a transaction at 16
    ///      options over 4 expiries with the default 35 scenarios,
    ///      docs/snapshots/engine.json["16 options"].engine_margin_of_from_feeds_gas (docs/gas.md splits it).
    ///      Worst case at the parameter bounds (128 series in 128 expiries, 48 scenarios): 20.2M gas
    ///      (tests/test_margin_engine.py asserts < 22M).
    function marginOfFromFeeds(Portfolio calldata portfolio) external view returns (MarginResult memory);

    /// @notice `PortfolioMargin.shortfallWitness` at the current feeds: (equity, MM lower bound)
    ///         from one scenario per position entry; bound > equity proves the account liquidatable.
    /// @dev Errors: as `marketFromFeeds`, then the library's (GM_WitnessOutOfRange for a bad
    ///      witness). Gas: the feed reads plus one scenario per underlying instead of the full grid:
    ///      as a transaction at 16 options over 4 expiries,
    ///      docs/snapshots/engine.json["16 options"].engine_witness_gas, of which ~27k feed reads
    ///      and ~52k the engine's own (storage, re-encoding for `evaluator`; docs/gas.md).
    function shortfallWitness(Portfolio calldata portfolio, uint256[] calldata witness)
        external
        view
        returns (int256 equity, int256 maintenanceBound);

    /// @notice Whether `portfolio` is liquidatable at the current feeds: equity < maintenance margin.
    /// @dev The full-grid `marginOfFromFeeds`, same errors and gas.
    function isLiquidatable(Portfolio calldata portfolio) external view returns (bool);
}
