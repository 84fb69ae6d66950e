// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import "./Constants.sol";
import "./Errors.sol";
import "./MarginTypes.sol";
import {FixedPointMath as M} from "./FixedPointMath.sol";
import {Black76} from "./Black76.sol";

/// @title PortfolioMargin
/// @notice Scenario-grid portfolio margin (docs/model.md): equity, IM and MM of a portfolio over a
///         grid of spot x vol scenarios per underlying, and the one-scenario witness bound.
/// @dev Exact twin: `offchain/margin.py`, same functions in the same order, same integer operations,
///      same errors. Rounding is always against the account: assets down, liabilities and losses
///      up. Inputs are validated first (amounts within AMOUNT_MAX, parameters within their bounds),
///      so no later sum or product can overflow.
library PortfolioMargin {
    uint256 internal constant VOL_DOWN = 0;
    uint256 internal constant VOL_NONE = 1;
    uint256 internal constant VOL_UP = 2;
    uint256 internal constant MAX_OPTIONS = 128;
    uint256 internal constant MAX_SPOT_SHOCKS = 64;
    uint256 internal constant MAX_EXTENDED_SHOCKS = 16;
    /// @dev Parameter ids reported by GM_ParamOutOfRange (same numbers in offchain/margin.py).
    uint256 internal constant PARAM_MM_FACTOR = 0;
    uint256 internal constant PARAM_MAX_OPTIONS = 1;
    uint256 internal constant PARAM_CORRELATION = 2;
    uint256 internal constant PARAM_SPOT_SHOCKS = 3;
    uint256 internal constant PARAM_EXTENDED_SHOCKS = 4;
    uint256 internal constant PARAM_VOL_DOWN = 5;
    uint256 internal constant PARAM_VOL_UP = 6;
    uint256 internal constant PARAM_TERM_POWER = 7;
    uint256 internal constant PARAM_DAMPENER = 8;
    uint256 internal constant PARAM_HAIRCUT = 9;
    uint256 internal constant PARAM_ADD_ON = 10;

    /// @dev Per-expiry terms shared by every series of that expiry.
    struct Expiry {
        int256 growth; // e^(r tau): forward = spot * growth
        int256 discount; // e^(-r tau)
        int256[3] sigmaSqrtT; // sigma * sqrt(tau) under vol down, none, up
    }

    /// @dev One underlying's positions with everything scenarios share precomputed.
    struct Book {
        int256 spot;
        Expiry[] expiries; // per option, the terms of its expiry
        int256[] lnStrikes;
        int256 equity; // current value, assets down and liabilities up
        int256 baseline; // current value of the shocked positions, rounded up (loss reference)
        int256 addOn;
    }

    /// @notice Equity, IM, MM and per-underlying detail over the full grid.
    /// @dev Gas: dominated by one Black-76 bracket per (option series, scenario); see
    ///      scripts/bench_margin.py.
    function marginOf(Portfolio calldata portfolio, Market calldata market, RiskParams calldata params)
        internal
        pure
        returns (MarginResult memory result)
    {
        _validate(portfolio, market, params);
        int256 equity = portfolio.cash;
        int256[] memory margins = new int256[](params.grids.length);
        result.underlyings = new UnderlyingMargin[](portfolio.positions.length);
        for (uint256 p; p < portfolio.positions.length; ++p) {
            UnderlyingPositions calldata pos = portfolio.positions[p];
            GridParams calldata grid = params.grids[pos.underlying];
            Book memory book = _openBook(pos, market.underlyings[pos.underlying], grid, market.timestamp);
            equity += book.equity;
            int256[] memory pnl = new int256[](scenarioCount(grid));
            uint256 worst;
            for (uint256 j; j < pnl.length; ++j) {
                pnl[j] = _scenarioPnl(pos, grid, book, j);
                if (pnl[j] < pnl[worst]) worst = j;
            }
            int256 loss = pnl[worst] < 0 ? -pnl[worst] : int256(0);
            margins[pos.underlying] = loss + book.addOn;
            result.underlyings[p] = UnderlyingMargin(pos.underlying, loss, margins[pos.underlying], worst, pnl);
        }
        result.equity = equity;
        result.initialMargin = _aggregate(margins, params.correlation);
        result.maintenanceMargin = M.mulWadUp(params.mmFactor, result.initialMargin);
    }

    /// @notice (equity, MM lower bound) from one scenario per position entry (`witness[i]` for
    ///         positions[i]). The bound never exceeds marginOf's MM; above the equity it proves
    ///         the account under-margined.
    function shortfallWitness(
        Portfolio calldata portfolio,
        Market calldata market,
        RiskParams calldata params,
        uint256[] calldata witness
    ) internal pure returns (int256 equity, int256 maintenanceBound) {
        _validate(portfolio, market, params);
        equity = portfolio.cash;
        int256[] memory margins = new int256[](params.grids.length);
        if (witness.length != portfolio.positions.length) revert GM_WitnessOutOfRange(witness.length, 0);
        for (uint256 p; p < portfolio.positions.length; ++p) {
            UnderlyingPositions calldata pos = portfolio.positions[p];
            GridParams calldata grid = params.grids[pos.underlying];
            Book memory book = _openBook(pos, market.underlyings[pos.underlying], grid, market.timestamp);
            if (witness[p] >= scenarioCount(grid)) revert GM_WitnessOutOfRange(pos.underlying, witness[p]);
            equity += book.equity;
            int256 pnl = _scenarioPnl(pos, grid, book, witness[p]);
            margins[pos.underlying] = (pnl < 0 ? -pnl : int256(0)) + book.addOn;
        }
        maintenanceBound = M.mulWadUp(params.mmFactor, _aggregate(margins, params.correlation));
    }

    /// @notice Standard scenarios (each spot shock under vol down, none, up) then the extended ones.
    function scenarioCount(GridParams calldata grid) internal pure returns (uint256) {
        return 3 * grid.spotShocks.length + grid.extendedShocks.length;
    }

    function _openBook(UnderlyingPositions calldata pos, UnderlyingMarket calldata um, GridParams calldata grid, uint256 now_)
        private
        pure
        returns (Book memory book)
    {
        uint256 count = pos.options.length;
        book.spot = um.spot;
        book.expiries = new Expiry[](count);
        book.lnStrikes = new int256[](count);
        Expiry memory terms;
        for (uint256 i; i < count; ++i) {
            // Sorted by expiry: terms computed once per expiry.
            if (i == 0 || pos.options[i].expiry != pos.options[i - 1].expiry) {
                terms = _expiryTerms(pos.options[i].expiry, um, grid, now_);
            }
            book.expiries[i] = terms;
            book.lnStrikes[i] = M.lnWad(pos.options[i].strike);
        }
        int256 haircut = pos.balance < 0 ? WAD + grid.haircut : WAD - grid.haircut;
        book.equity = M.mulWadDown(M.mulWadDown(pos.balance, um.spot), haircut);
        book.equity += M.mulWadDown(pos.perpSize, um.spot - pos.perpEntry);
        book.baseline = M.mulWadUp(pos.perpSize, um.spot - pos.perpEntry);
        int256 shortUnits;
        for (uint256 i; i < count; ++i) {
            OptionPosition calldata option = pos.options[i];
            int256 forward = M.mulWadDown(um.spot, book.expiries[i].growth);
            (int256 low, int256 high) = _optionBracket(
                option.isCall, M.lnWad(forward) - book.lnStrikes[i], forward, option.strike, book.expiries[i], VOL_NONE
            );
            book.equity += M.mulWadDown(option.size, option.size > 0 ? low : high);
            book.baseline += M.mulWadUp(option.size, option.size > 0 ? high : low);
            if (option.size < 0) shortUnits -= option.size;
        }
        int256 perpAbs = pos.perpSize < 0 ? -pos.perpSize : pos.perpSize;
        book.addOn = M.mulWadUp(grid.linearAddOn, M.mulWadUp(perpAbs, um.spot));
        book.addOn += M.mulWadUp(grid.shortOptionAddOn, M.mulWadUp(shortUnits, um.spot));
    }

    function _expiryTerms(uint64 expiry, UnderlyingMarket calldata um, GridParams calldata grid, uint256 now_)
        private
        pure
        returns (Expiry memory terms)
    {
        int256 secs = int256(uint256(expiry) - now_);
        int256 tau = secs * WAD / SECONDS_PER_YEAR;
        int256 rateTau = M.mulWadDown(um.rate, tau);
        int256 power = secs < TERM_SCALING_HORIZON ? grid.termPowerShort : grid.termPowerLong;
        int256 scaling = M.expWad(M.mulWadUp(power, M.lnWad(TERM_SCALING_HORIZON * WAD / secs)));
        int256 sigma = _volAt(um, expiry);
        int256 down = M.mulWadDown(sigma, WAD - M.mulWadUp(grid.volDown, scaling));
        if (down < 0) down = 0;
        int256 up = M.mulWadUp(sigma, WAD + M.mulWadUp(grid.volUp, scaling));
        int256 sqrtTau = M.sqrtWad(tau);
        terms.sigmaSqrtT = [M.mulWadDown(down, sqrtTau), M.mulWadDown(sigma, sqrtTau), M.mulWadDown(up, sqrtTau)];
        terms.growth = M.expWad(rateTau);
        terms.discount = M.expWad(-rateTau);
    }

    /// @dev P&L of the shocked positions in one scenario: value there (rounded down) minus the reference.
    function _scenarioPnl(UnderlyingPositions calldata pos, GridParams calldata grid, Book memory book, uint256 scenario)
        private
        pure
        returns (int256 pnl)
    {
        (int256 shock, uint256 vol, int256 weight) = _scenario(grid, scenario);
        int256 spot = M.mulWadDown(book.spot, WAD + shock);
        int256 value = M.mulWadDown(pos.perpSize, spot - pos.perpEntry) + _optionsValue(pos.options, book, spot, vol);
        pnl = value - book.baseline;
        if (weight != WAD) pnl = M.mulWadDown(pnl, weight);
    }

    /// @dev Value of the options at `spot` under vol shock `vol`: longs at the bracket's low end,
    ///      shorts at its high end, each rounded down.
    function _optionsValue(OptionPosition[] calldata options, Book memory book, int256 spot, uint256 vol)
        private
        pure
        returns (int256 value)
    {
        int256 lnForward;
        int256 lastForward;
        for (uint256 i; i < options.length; ++i) {
            int256 forward = M.mulWadDown(spot, book.expiries[i].growth);
            if (forward != lastForward) {
                // Options are sorted by expiry: one logarithm per expiry.
                lnForward = M.lnWad(forward);
                lastForward = forward;
            }
            value += _optionValue(options[i], lnForward - book.lnStrikes[i], forward, book.expiries[i], vol);
        }
    }

    function _optionValue(OptionPosition calldata option, int256 lnFK, int256 forward, Expiry memory terms, uint256 vol)
        private
        pure
        returns (int256)
    {
        (int256 low, int256 high) = _optionBracket(option.isCall, lnFK, forward, option.strike, terms, vol);
        return M.mulWadDown(option.size, option.size > 0 ? low : high);
    }

    /// @dev (spot shock, vol shock, P&L weight) of a scenario index.
    function _scenario(GridParams calldata grid, uint256 scenario)
        private
        pure
        returns (int256 shock, uint256 vol, int256 weight)
    {
        uint256 standard = 3 * grid.spotShocks.length;
        if (scenario < standard) return (grid.spotShocks[scenario / 3], scenario % 3, WAD);
        shock = grid.extendedShocks[scenario - standard];
        weight = M.divWadUp(grid.dampener, shock < 0 ? -shock : shock);
        return (shock, VOL_NONE, weight < WAD ? weight : WAD);
    }

    function _optionBracket(bool isCall, int256 lnFK, int256 forward, int256 strike, Expiry memory terms, uint256 vol)
        private
        pure
        returns (int256 low, int256 high)
    {
        (int256 callLow, int256 callHigh, int256 putLow, int256 putHigh) =
            Black76.callPutBounds(lnFK, forward, strike, terms.sigmaSqrtT[vol], terms.discount);
        return isCall ? (callLow, callHigh) : (putLow, putHigh);
    }

    function _volAt(UnderlyingMarket calldata um, uint64 expiry) private pure returns (int256) {
        for (uint256 i; i < um.vols.length; ++i) {
            if (um.vols[i].expiry == expiry) return um.vols[i].vol;
        }
        revert GM_MissingVol(type(uint256).max, expiry); // unreachable: _validate checked every expiry
    }

    /// @dev Plain sum, or ceil(sqrt(m^T C m)) with C row-major (exact integer square root, rounded up).
    function _aggregate(int256[] memory margins, int256[] calldata correlation) private pure returns (int256 total) {
        uint256 n = margins.length;
        if (correlation.length == 0) {
            for (uint256 i; i < n; ++i) {
                total += margins[i];
            }
            return total;
        }
        for (uint256 i; i < n; ++i) {
            if (margins[i] == 0) continue;
            for (uint256 j; j < n; ++j) {
                total += M.mulWadUp(M.mulWadUp(correlation[i * n + j], margins[i]), margins[j]);
            }
        }
        int256 root = M.sqrtWad(total);
        return root * root == total * WAD ? root : root + 1;
    }

    function _validate(Portfolio calldata portfolio, Market calldata market, RiskParams calldata params) private pure {
        _validateParams(params);
        _checkAmount(portfolio.cash);
        uint256 options;
        for (uint256 p; p < portfolio.positions.length; ++p) {
            options += portfolio.positions[p].options.length;
        }
        if (options > uint256(params.maxOptions)) revert GM_TooManyPositions(options, uint256(params.maxOptions));
        for (uint256 p; p < portfolio.positions.length; ++p) {
            UnderlyingPositions calldata pos = portfolio.positions[p];
            if (p > 0 && pos.underlying <= portfolio.positions[p - 1].underlying) revert GM_PositionsNotSorted(p);
            if (pos.underlying >= market.underlyings.length || pos.underlying >= params.grids.length) {
                revert GM_UnknownUnderlying(pos.underlying);
            }
            _validateUnderlying(pos, market.underlyings[pos.underlying], market.timestamp);
        }
    }

    function _validateUnderlying(UnderlyingPositions calldata pos, UnderlyingMarket calldata um, uint256 now_)
        private
        pure
    {
        if (um.spot <= 0) revert GM_SpotNonPositive(pos.underlying, um.spot);
        _checkAmount(um.spot);
        _checkAmount(pos.balance);
        _checkAmount(pos.perpSize);
        _checkAmount(pos.perpEntry);
        if (um.rate < 0 || um.rate > WAD) revert GM_RateOutOfRange(pos.underlying, um.rate);
        for (uint256 i; i < pos.options.length; ++i) {
            OptionPosition calldata option = pos.options[i];
            if (option.size == 0 || (i > 0 && !_seriesAfter(option, pos.options[i - 1]))) {
                revert GM_OptionsNotCanonical(pos.underlying, i);
            }
            if (option.expiry <= now_) revert GM_OptionExpired(pos.underlying, option.expiry, now_);
            if (option.strike <= 0 || option.strike > B76_PRICE_MAX) revert GM_StrikeOutOfRange(option.strike);
            _checkAmount(option.size);
            if (!_hasVol(um, option.expiry)) revert GM_MissingVol(pos.underlying, option.expiry);
        }
    }

    function _validateParams(RiskParams calldata params) private pure {
        _checkParam(0, PARAM_MM_FACTOR, params.mmFactor, 1, WAD);
        _checkParam(0, PARAM_MAX_OPTIONS, params.maxOptions, 0, int256(MAX_OPTIONS));
        int256 n = int256(params.grids.length);
        if (params.correlation.length != 0) {
            _checkParam(0, PARAM_CORRELATION, int256(params.correlation.length), n * n, n * n);
            for (uint256 i; i < params.correlation.length; ++i) {
                _checkParam(0, PARAM_CORRELATION, params.correlation[i], 0, WAD);
            }
        }
        for (uint256 u; u < params.grids.length; ++u) {
            GridParams calldata grid = params.grids[u];
            _checkParam(u, PARAM_SPOT_SHOCKS, int256(grid.spotShocks.length), 1, int256(MAX_SPOT_SHOCKS));
            _checkParam(u, PARAM_EXTENDED_SHOCKS, int256(grid.extendedShocks.length), 0, int256(MAX_EXTENDED_SHOCKS));
            for (uint256 i; i < grid.spotShocks.length; ++i) {
                _checkParam(u, PARAM_SPOT_SHOCKS, grid.spotShocks[i], 1 - WAD, WAD - 1);
            }
            for (uint256 i; i < grid.extendedShocks.length; ++i) {
                int256 shock = grid.extendedShocks[i];
                if (shock == 0) revert GM_ParamOutOfRange(u, PARAM_EXTENDED_SHOCKS, shock);
                _checkParam(u, PARAM_EXTENDED_SHOCKS, shock, 1 - WAD, WAD - 1);
            }
            _checkParam(u, PARAM_VOL_DOWN, grid.volDown, 0, WAD);
            _checkParam(u, PARAM_VOL_UP, grid.volUp, 0, 10 * WAD);
            _checkParam(u, PARAM_TERM_POWER, grid.termPowerShort, 0, WAD);
            _checkParam(u, PARAM_TERM_POWER, grid.termPowerLong, 0, WAD);
            _checkParam(u, PARAM_DAMPENER, grid.dampener, 0, WAD);
            _checkParam(u, PARAM_HAIRCUT, grid.haircut, 0, WAD - 1);
            _checkParam(u, PARAM_ADD_ON, grid.linearAddOn, 0, WAD);
            _checkParam(u, PARAM_ADD_ON, grid.shortOptionAddOn, 0, WAD);
        }
    }

    function _checkParam(uint256 underlying, uint256 param, int256 value, int256 low, int256 high) private pure {
        if (value < low || value > high) revert GM_ParamOutOfRange(underlying, param, value);
    }

    function _checkAmount(int256 amount) private pure {
        if (amount < -AMOUNT_MAX || amount > AMOUNT_MAX) revert GM_AmountOutOfRange(amount);
    }

    /// @dev Strictly after in (expiry, strike, isCall) order, puts before calls.
    function _seriesAfter(OptionPosition calldata a, OptionPosition calldata b) private pure returns (bool) {
        if (a.expiry != b.expiry) return a.expiry > b.expiry;
        if (a.strike != b.strike) return a.strike > b.strike;
        return a.isCall && !b.isCall;
    }

    function _hasVol(UnderlyingMarket calldata um, uint64 expiry) private pure returns (bool) {
        for (uint256 i; i < um.vols.length; ++i) {
            if (um.vols[i].expiry == expiry) return true;
        }
        return false;
    }
}
