// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import "./libraries/MarginTypes.sol";
import {Ownable2Step} from "./access/Ownable2Step.sol";
import {IMarginEngine} from "./interfaces/IMarginEngine.sol";
import {MarginEvaluator} from "./MarginEvaluator.sol";
import {IMarginEvaluator} from "./interfaces/IMarginEvaluator.sol";
import {FeedReader} from "./libraries/FeedReader.sol";
import {IVolFeed} from "./interfaces/IVolFeed.sol";
import {WAD} from "./libraries/Constants.sol";
import {
    GM_EngineFeedNotSet,
    GM_EngineParamsNotSet,
    GM_EngineParamsTooLarge,
    GM_RateOutOfRange,
    GM_UnknownUnderlying
} from "./libraries/Errors.sol";

/// @title MarginEngine
/// @notice gridmargin's margin engine (see IMarginEngine for domain, rounding, errors and gas):
///         owner-managed risk parameters and feeds, and views of `PortfolioMargin` at an explicit
///         market or at the feeds' current values.
/// @dev Ownership: `Ownable2Step` (the deployer first, then two steps). `PortfolioMargin` takes calldata only,
///      so stored parameters are handed to it through an external call to `evaluator`, a
///      `MarginEvaluator` the engine deploys in its constructor (which also keeps the engine under
///      the 24 KB code limit). The parameters' ABI encoding is kept as the code of a data contract
///      (SSTORE2), one cold EXTCODECOPY per read instead of one SLOAD per word.
contract MarginEngine is IMarginEngine, Ownable2Step {
    /// @dev The `evaluator()` the constructor deploys. Typed as the implementation (the getter converts) so the
    ///      constructor stores `new MarginEvaluator()` without an address cleanup: the bytecode stays as it was.
    MarginEvaluator private immutable _evaluator;

    /// @notice The data contract whose code is abi.encode(params) of the current parameters, 0 if unset.
    address public paramsPointer;

    /// @notice Largest runtime code a contract may have (EIP-170), hence the largest parameter encoding.
    uint256 public constant MAX_PARAMS_BYTES = 24_576;

    mapping(uint256 underlying => FeedConfig) private _feeds;

    constructor() {
        _evaluator = new MarginEvaluator();
    }

    /// @inheritdoc IMarginEngine
    function evaluator() external view returns (IMarginEvaluator) {
        return _evaluator;
    }

    // ------------------------------------------------------------------------------------------
    // Administration
    // ------------------------------------------------------------------------------------------

    /// @inheritdoc IMarginEngine
    function setRiskParams(RiskParams calldata params) external onlyOwner {
        // The library validates the parameters before anything else; an empty portfolio at an
        // empty market raises nothing but parameter errors.
        _evaluator.marginOf(
            Portfolio(0, new UnderlyingPositions[](0)), Market(block.timestamp, new UnderlyingMarket[](0)), params
        );
        bytes memory encoded = abi.encode(params);
        paramsPointer = _writeData(encoded);
        emit RiskParamsSet(keccak256(encoded), params);
    }

    /// @inheritdoc IMarginEngine
    function setFeedConfig(uint256 underlying, FeedConfig calldata config) external onlyOwner {
        if (config.rate < 0 || config.rate > WAD) revert GM_RateOutOfRange(underlying, config.rate);
        _feeds[underlying] = config;
        emit FeedConfigSet(underlying, config);
    }

    // ------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------

    /// @inheritdoc IMarginEngine
    function riskParams() external view returns (RiskParams memory) {
        return _loadParams();
    }

    /// @inheritdoc IMarginEngine
    function feedConfig(uint256 underlying) external view returns (FeedConfig memory) {
        return _feeds[underlying];
    }

    /// @inheritdoc IMarginEngine
    function marginOf(Portfolio calldata portfolio, Market calldata market)
        external
        view
        returns (MarginResult memory)
    {
        return _evaluator.marginOf(portfolio, market, _loadParams());
    }

    /// @inheritdoc IMarginEngine
    function marginOfWithParams(Portfolio calldata portfolio, Market calldata market, RiskParams calldata params)
        external
        view
        returns (MarginResult memory)
    {
        return _evaluator.marginOf(portfolio, market, params);
    }

    /// @inheritdoc IMarginEngine
    function shortfallWitnessWithParams(
        Portfolio calldata portfolio,
        Market calldata market,
        RiskParams calldata params,
        uint256[] calldata witness
    ) external view returns (int256 equity, int256 maintenanceBound) {
        return _evaluator.shortfallWitness(portfolio, market, params, witness);
    }

    /// @inheritdoc IMarginEngine
    function marketFromFeeds(Portfolio calldata portfolio) external view returns (Market memory) {
        return _marketFromFeeds(portfolio, _loadParams().grids.length);
    }

    /// @inheritdoc IMarginEngine
    function marginOfFromFeeds(Portfolio calldata portfolio) external view returns (MarginResult memory) {
        return _marginOfFromFeeds(portfolio);
    }

    /// @inheritdoc IMarginEngine
    function shortfallWitness(Portfolio calldata portfolio, uint256[] calldata witness)
        external
        view
        returns (int256 equity, int256 maintenanceBound)
    {
        RiskParams memory params = _loadParams();
        Market memory market = _marketFromFeeds(portfolio, params.grids.length);
        return _evaluator.shortfallWitness(portfolio, market, params, witness);
    }

    /// @inheritdoc IMarginEngine
    function isLiquidatable(Portfolio calldata portfolio) external view returns (bool) {
        MarginResult memory result = _marginOfFromFeeds(portfolio);
        return result.equity < result.maintenanceMargin;
    }

    // ------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------

    function _marginOfFromFeeds(Portfolio calldata portfolio) private view returns (MarginResult memory) {
        RiskParams memory params = _loadParams();
        return _evaluator.marginOf(portfolio, _marketFromFeeds(portfolio, params.grids.length), params);
    }

    /// @dev See IMarginEngine.marketFromFeeds for the order of reads and errors.
    function _marketFromFeeds(Portfolio calldata portfolio, uint256 grids) private view returns (Market memory market) {
        market.timestamp = block.timestamp;
        market.underlyings = new UnderlyingMarket[](grids);
        for (uint256 p; p < portfolio.positions.length; ++p) {
            UnderlyingPositions calldata pos = portfolio.positions[p];
            uint256 u = pos.underlying;
            if (u >= grids) revert GM_UnknownUnderlying(u);
            FeedConfig storage config = _feeds[u];
            if (address(config.spotFeed) == address(0)) revert GM_EngineFeedNotSet(u);
            UnderlyingMarket memory um = market.underlyings[u];
            um.spot = FeedReader.readSpot(config.spotFeed, config.spotHeartbeat, block.timestamp);
            um.rate = config.rate;
            OptionPosition[] calldata options = pos.options;
            uint256 distinct;
            for (uint256 i; i < options.length; ++i) {
                if (i == 0 || options[i].expiry != options[i - 1].expiry) ++distinct;
            }
            um.vols = new VolPoint[](distinct);
            if (distinct == 0) continue;
            (IVolFeed volFeed, bytes32 volId, uint256 heartbeat) = (config.volFeed, config.volId, config.volHeartbeat);
            uint256 k;
            for (uint256 i; i < options.length; ++i) {
                uint64 expiry = options[i].expiry;
                if (i == 0 || expiry != options[i - 1].expiry) {
                    um.vols[k++] =
                        VolPoint(expiry, FeedReader.readVol(volFeed, volId, expiry, heartbeat, block.timestamp));
                }
            }
        }
    }

    function _loadParams() private view returns (RiskParams memory) {
        address pointer = paramsPointer;
        if (pointer == address(0)) revert GM_EngineParamsNotSet(address(this));
        return abi.decode(pointer.code, (RiskParams));
    }

    /// @dev Deploy a contract whose runtime code is `data` (which starts with a 0x00 = STOP byte,
    ///      as every ABI encoding of a dynamic tuple does, so the data contract cannot be run).
    ///      Init code: PUSH4 len DUP1 PUSH1 0x0e PUSH1 0 CODECOPY PUSH1 0 RETURN, then `data`.
    function _writeData(bytes memory data) private returns (address pointer) {
        if (data.length > MAX_PARAMS_BYTES) revert GM_EngineParamsTooLarge(data.length, MAX_PARAMS_BYTES);
        bytes memory init = abi.encodePacked(hex"63", uint32(data.length), hex"80600e6000396000f3", data);
        assembly ("memory-safe") {
            pointer := create(0, add(init, 0x20), mload(init))
        }
        // Cannot fail below the size limit (unless out of gas); checked anyway.
        if (pointer == address(0)) revert GM_EngineParamsTooLarge(data.length, MAX_PARAMS_BYTES);
    }
}
