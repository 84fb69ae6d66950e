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
/// @dev Exact twin: `offchain/twins/margin.py`, same functions in the same order, same integer
///      operations, same errors. Rounding is always against the account: assets down, liabilities and
///      losses up. Inputs are validated first (amounts within AMOUNT_MAX, parameters within their
///      bounds), so no later sum or product can overflow. The parameter ids GM_ParamOutOfRange reports
///      (PARAM_*) are generated into Constants.sol.
library PortfolioMargin {
    uint256 internal constant VOL_DOWN = 0;
    uint256 internal constant VOL_NONE = 1;
    uint256 internal constant VOL_UP = 2;
    uint256 internal constant MAX_OPTIONS = 128;
    uint256 internal constant MAX_GRIDS = 8;
    uint256 internal constant MAX_SPOT_SHOCKS = 64;
    uint256 internal constant MAX_EXTENDED_SHOCKS = 16;
    /// @dev Gas bound: maxOptions x scenarios of every grid. The full check of the largest account
    ///      this admits costs at most ~20M gas (docs/model.md section 5, tests/test_margin_bounds.py).
    uint256 internal constant MAX_OPTION_SCENARIOS = 6144;
    /// @dev Largest extended spot shock: +1000% (the spot times 11); down-shocks stay above -100%.
    int256 internal constant MAX_EXTENDED_SHOCK = 10 * WAD;
    /// @dev Largest days-to-expiry floor of the term scaling: one year, in seconds.
    int256 internal constant MAX_DTE_FLOOR = SECONDS_PER_YEAR;

    /// @dev One underlying's positions copied into memory once, with everything scenarios share.
    ///      Options are sorted by expiry, so each expiry is a group: group g holds the options
    ///      [end of group g - 1, end of group g) and its terms are words 7g..7g+6 of `expiries`.
    ///      The spot point caches the last shocked spot the scenarios moved to.
    struct Book {
        int256 spot;
        int256 lnSpot; // lnWad(spot); 0 without options
        int256 exposure; // linear exposure in tokens: balance + perp size
        int256[] series; // 4 words per option: strike, lnWad(strike), size, isCall (1 or 0)
        uint256 groups;
        // 7 words per group: end (one past its last option), growth e^(r tau) (forward = spot *
        // growth), lnWad(growth), discount e^(-r tau), sigma * sqrt(tau) under vol down, none, up
        int256[] expiries;
        int256 pointShock;
        int256 pointSpot; // mulWadDown(spot, 1e18 + pointShock): where the options are valued
        int256 pointMove; // spotMove(spot, pointShock, exposure): the linear exposure's move
        int256 pointLnSpot; // lnWad(pointSpot); 0 without options or when pointSpot is 0
        int256 equity; // current value, assets down and liabilities up
        int256 baseline; // current value of the options, rounded up (their loss reference)
        int256 addOn; // linear and short-option add-ons and the haircut contingency
    }

    /// @notice Equity, IM, MM and per-underlying detail over the full grid.
    /// @dev Gas: dominated by one option of `Black76.seriesValue` per (option series, scenario);
    ///      scripts/bench_margin.py has the table and scripts/gas_profile.py the gas per source line.
    function marginOf(Portfolio calldata portfolio, Market calldata market, RiskParams calldata params)
        internal
        pure
        returns (MarginResult memory result)
    {
        _validate(portfolio, market, params);
        int256 equity = portfolio.cash;
        int256[] memory margins = new int256[](params.grids.length);
        UnderlyingPositions[] calldata positions = portfolio.positions;
        result.underlyings = new UnderlyingMargin[](positions.length);
        for (uint256 p; p < positions.length; ++p) {
            UnderlyingPositions calldata pos = positions[p];
            GridParams calldata grid = params.grids[pos.underlying];
            Book memory book = _openBook(pos, market.underlyings[pos.underlying], grid, market.timestamp);
            equity += book.equity;
            uint256 count = scenarioCount(grid);
            int256[] memory pnl = new int256[](count);
            uint256 worst;
            int256 lowest = type(int256).max;
            for (uint256 j; j < count; ++j) {
                int256 scenarioPnl = _scenarioPnl(book, grid, j);
                pnl[j] = scenarioPnl;
                if (scenarioPnl < lowest) (worst, lowest) = (j, scenarioPnl);
            }
            int256 loss = lowest < 0 ? -lowest : int256(0);
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
        UnderlyingPositions[] calldata positions = portfolio.positions;
        if (witness.length != positions.length) revert GM_WitnessLengthMismatch(witness.length, positions.length);
        for (uint256 p; p < positions.length; ++p) {
            UnderlyingPositions calldata pos = positions[p];
            GridParams calldata grid = params.grids[pos.underlying];
            Book memory book = _openBook(pos, market.underlyings[pos.underlying], grid, market.timestamp);
            if (witness[p] >= scenarioCount(grid)) revert GM_WitnessOutOfRange(pos.underlying, witness[p]);
            equity += book.equity;
            int256 pnl = _scenarioPnl(book, grid, witness[p]);
            margins[pos.underlying] = (pnl < 0 ? -pnl : int256(0)) + book.addOn;
        }
        maintenanceBound = M.mulWadUp(params.mmFactor, _aggregate(margins, params.correlation));
    }

    /// @notice Standard scenarios (each spot shock under vol down, none, up) then the extended ones.
    function scenarioCount(GridParams calldata grid) internal pure returns (uint256) {
        return 3 * grid.spotShocks.length + grid.extendedShocks.length;
    }

    function _openBook(
        UnderlyingPositions calldata pos,
        UnderlyingMarket calldata um,
        GridParams calldata grid,
        uint256 now_
    ) private pure returns (Book memory book) {
        OptionPosition[] calldata options = pos.options;
        uint256 count = options.length;
        book.spot = um.spot;
        book.exposure = pos.balance + pos.perpSize;
        book.series = new int256[](4 * count);
        book.expiries = new int256[](7 * count);
        int256 shortUnits;
        uint64 lastExpiry;
        for (uint256 i; i < count; ++i) {
            (uint64 expiry, bool isCall, int256 strike, int256 size) = _option(options, i);
            if (i == 0 || expiry != lastExpiry) {
                _addExpiry(book, expiry, um, grid, now_);
                lastExpiry = expiry;
            }
            book.expiries[7 * (book.groups - 1)] = int256(i + 1);
            _writeSeries(book.series, i, strike, M.lnWad(strike), size, isCall);
            if (size < 0) shortUnits -= size;
        }
        if (count > 0) book.lnSpot = M.lnWad(um.spot);
        (book.pointSpot, book.pointLnSpot) = (um.spot, book.lnSpot);
        book.equity = M.mulWadDown(pos.balance, um.spot) + M.mulWadDown(pos.perpSize, um.spot - pos.perpEntry);
        _valueNow(book);
        int256 perpAbs = pos.perpSize < 0 ? -pos.perpSize : pos.perpSize;
        int256 balanceAbs = pos.balance < 0 ? -pos.balance : pos.balance;
        book.addOn = M.mulWadUp(grid.linearAddOn, M.mulWadUp(perpAbs, um.spot));
        book.addOn += M.mulWadUp(grid.shortOptionAddOn, M.mulWadUp(shortUnits, um.spot));
        book.addOn += M.mulWadUp(grid.haircut, M.mulWadUp(balanceAbs, um.spot));
    }

    /// @dev Opens the next expiry group with its terms. Vol shocks scale by
    ///      g = (TERM_SCALING_HORIZON / max(tau, dteFloor))^p; the down-shocked vol is clipped at 0.
    function _addExpiry(
        Book memory book,
        uint64 expiry,
        UnderlyingMarket calldata um,
        GridParams calldata grid,
        uint256 now_
    ) private pure {
        uint256 g = book.groups++;
        int256 secs = int256(uint256(expiry) - now_);
        int256 tau = secs * WAD / SECONDS_PER_YEAR;
        int256 rateTau = M.mulWadDown(um.rate, tau);
        // The term scaling sees max(seconds to expiry, dteFloor) (>= 1: expiry > now), Black-76 the real tau.
        int256 scaled = secs > grid.dteFloor ? secs : grid.dteFloor;
        int256 power = scaled < TERM_SCALING_HORIZON ? grid.termPowerShort : grid.termPowerLong;
        int256 scaling = M.expWad(M.mulWadUp(power, M.lnWad(TERM_SCALING_HORIZON * WAD / scaled)));
        int256 sigma = _volAt(um, expiry);
        int256 down = M.mulWadDown(sigma, WAD - M.mulWadUp(grid.volDown, scaling));
        if (down < 0) down = 0;
        int256 up = M.mulWadUp(sigma, WAD + M.mulWadUp(grid.volUp, scaling));
        int256 sqrtTau = M.sqrtWad(tau);
        int256[] memory terms = book.expiries;
        terms[7 * g + 4 + VOL_DOWN] = M.mulWadDown(down, sqrtTau);
        terms[7 * g + 4 + VOL_NONE] = M.mulWadDown(sigma, sqrtTau);
        terms[7 * g + 4 + VOL_UP] = M.mulWadDown(up, sqrtTau);
        terms[7 * g + 1] = M.expWad(rateTau);
        terms[7 * g + 2] = M.lnWad(terms[7 * g + 1]);
        terms[7 * g + 3] = M.expWad(-rateTau);
    }

    /// @dev Adds the options' current value to equity (longs at the bracket's low end, shorts at its
    ///      high end, rounded down) and to the baseline (the opposite ends, rounded up), per expiry
    ///      group. The first forward of each expiry is checked for overflow here; every scenario
    ///      forward is at most eleven times one that passed Black-76's range check (shocks <= +1000%),
    ///      so the scenarios' products need no check (Black-76 still range-checks each forward).
    function _valueNow(Book memory book) private pure {
        uint256 start;
        for (uint256 g; g < book.groups; ++g) {
            (uint256 end, int256 growth, int256 lnGrowth, int256 discount, int256 sigmaSqrtT) =
                _expiry(book.expiries, g, VOL_NONE);
            int256 forward = M.mulWadDown(book.spot, growth);
            int256 lnForward = _lnForward(forward, book.lnSpot, lnGrowth);
            (int256 low, int256 high) =
                Black76.seriesBounds(book.series, start, end, lnForward, forward, sigmaSqrtT, discount);
            // Each group's bounds are below 128 * 1e54 in magnitude: no overflow.
            unchecked {
                book.equity += low;
                book.baseline += high;
            }
            start = end;
        }
    }

    /// @dev P&L of one scenario: the linear exposure (balance + perp) times the spot move, rounded down,
    ///      plus the options' value there (rounded down) minus their reference; an extended scenario's
    ///      whole P&L times its weight, rounded down.
    function _scenarioPnl(Book memory book, GridParams calldata grid, uint256 scenario)
        private
        pure
        returns (int256 pnl)
    {
        (int256 shock, uint256 vol, int256 weight) = _scenario(grid, scenario);
        _moveTo(book, shock);
        // Validated amounts: the linear term is below 2e36 * 1e36 / 1e18, the options' below
        // 128 * 1e54, the baseline likewise: no overflow.
        unchecked {
            pnl = _mulWadDownInRange(book.exposure, book.pointMove) + _optionsValue(book, vol) - book.baseline;
        }
        if (weight != WAD) pnl = _mulWadDownInRange(pnl, weight);
    }

    /// @notice A linear exposure's spot move in a scenario: spot * shock, rounded against its holder
    ///         (down for a long exposure, up for a short one), so its P&L is never overstated.
    function spotMove(int256 spot, int256 shock, int256 exposure) internal pure returns (int256) {
        return exposure < 0 ? M.mulWadUp(spot, shock) : M.mulWadDown(spot, shock);
    }

    /// @dev Moves the spot point to `shock` (the options' spot rounded down, the linear exposure's move
    ///      against it) unless it is there already.
    function _moveTo(Book memory book, int256 shock) private pure {
        if (shock == book.pointShock) return;
        book.pointShock = shock;
        book.pointSpot = _mulWadDownInRange(book.spot, WAD + shock); // below 1e36 * 11e18
        book.pointMove = spotMove(book.spot, shock, book.exposure);
        book.pointLnSpot = book.groups > 0 && book.pointSpot > 0 ? M.lnWad(book.pointSpot) : int256(0);
    }

    /// @dev Value of the options at the spot point under vol shock `vol`: longs at the bracket's low
    ///      end, shorts at its high end, each expiry group's sum rounded down.
    function _optionsValue(Book memory book, uint256 vol) private pure returns (int256 value) {
        (int256[] memory series, int256[] memory expiries, uint256 groups) = (book.series, book.expiries, book.groups);
        (int256 pointSpot, int256 pointLnSpot) = (book.pointSpot, book.pointLnSpot);
        uint256 start;
        for (uint256 g; g < groups; ++g) {
            // Group g's terms at the spot point: forward = spot point * growth rounded down (a spot
            // point below 1.1e37 times a growth whose product with the spot passed Black-76's range
            // check: no overflow), ln F as _lnForward computes it.
            uint256 end;
            int256 forward;
            int256 lnForward;
            int256 sigmaSqrtT;
            int256 discount;
            assembly ("memory-safe") {
                let at := add(expiries, add(0x20, mul(0xe0, g)))
                end := mload(at)
                forward := mul(pointSpot, mload(add(at, 0x20)))
                forward := sub(sdiv(forward, WAD), slt(smod(forward, WAD), 0))
                lnForward := add(pointLnSpot, mload(add(at, 0x40)))
                discount := mload(add(at, 0x60))
                sigmaSqrtT := mload(add(at, add(0x80, shl(5, vol))))
            }
            if (forward < WAD) lnForward = forward > 0 ? M.lnWad(forward) : int256(0);
            // Each group's value is below 128 * 1e54 in magnitude: the sum cannot overflow.
            unchecked {
                value += Black76.seriesValue(series, start, end, lnForward, forward, sigmaSqrtT, discount);
            }
            start = end;
        }
    }

    /// @dev Option `i` of a calldata array (i < length), four words read directly; a dirty expiry
    ///      or isCall word reverts without data, as the ABI decoder's own read would.
    function _option(OptionPosition[] calldata options, uint256 i)
        private
        pure
        returns (uint64 expiry, bool isCall, int256 strike, int256 size)
    {
        assembly ("memory-safe") {
            let at := add(options.offset, shl(7, i))
            expiry := calldataload(at)
            isCall := calldataload(add(at, 0x20))
            if or(gt(expiry, 0xffffffffffffffff), gt(isCall, 1)) { revert(0, 0) }
            strike := calldataload(add(at, 0x40))
            size := calldataload(add(at, 0x60))
        }
    }

    /// @dev Stores option `i` of `series` (i < options, no bounds check).
    function _writeSeries(int256[] memory series, uint256 i, int256 strike, int256 lnStrike, int256 size, bool isCall)
        private
        pure
    {
        assembly ("memory-safe") {
            let at := add(series, add(0x20, shl(7, i)))
            mstore(at, strike)
            mstore(add(at, 0x20), lnStrike)
            mstore(add(at, 0x40), size)
            mstore(add(at, 0x60), isCall)
        }
    }

    /// @dev (end, growth, lnWad(growth), discount, sigma * sqrt(tau) under `vol`) of expiry group `g`
    ///      (g < groups, no bounds check).
    function _expiry(int256[] memory expiries, uint256 g, uint256 vol)
        private
        pure
        returns (uint256 end, int256 growth, int256 lnGrowth, int256 discount, int256 sigmaSqrtT)
    {
        assembly ("memory-safe") {
            let at := add(expiries, add(0x20, mul(0xe0, g)))
            end := mload(at)
            growth := mload(add(at, 0x20))
            lnGrowth := mload(add(at, 0x40))
            discount := mload(add(at, 0x60))
            sigmaSqrtT := mload(add(at, add(0x80, shl(5, vol))))
        }
    }

    /// @dev ln of a forward for Black-76's tolerance (lnFK within 4 wei of ln(F/K), docs/black76.md):
    ///      from 1e18 up, lnWad(spot) + lnWad(growth), whose three lnWad errors with the strike's
    ///      (-2.3 to +1.3 wei) and the forward's rounding (below 1e18 / F) stay within it; below,
    ///      lnWad(forward); 0 for a forward of 0, which Black-76 then rejects (GM_ForwardOutOfRange).
    function _lnForward(int256 forward, int256 lnSpot, int256 lnGrowth) private pure returns (int256) {
        if (forward >= WAD) return lnSpot + lnGrowth;
        return forward > 0 ? M.lnWad(forward) : int256(0);
    }

    /// @dev (spot shock, vol shock, P&L weight) of a scenario index. Extended scenarios run at unshocked
    ///      vol with the weight min(1, dampener / |shock|), the ratio rounded up (|shock| <= 10).
    function _scenario(GridParams calldata grid, uint256 scenario)
        private
        pure
        returns (int256 shock, uint256 vol, int256 weight)
    {
        int256[] calldata spotShocks = grid.spotShocks;
        uint256 standard = 3 * spotShocks.length;
        if (scenario < standard) return (spotShocks[scenario / 3], scenario % 3, WAD);
        shock = grid.extendedShocks[scenario - standard];
        weight = M.divWadUp(grid.dampener, shock < 0 ? -shock : shock);
        return (shock, VOL_NONE, weight < WAD ? weight : WAD);
    }

    /// @dev x * y / 1e18 rounded toward -inf, as M.mulWadDown, for callers that prove |x * y| < 2^255:
    ///      a spot (<= 1e36) times 1 + a shock (<= 11e18: extended up-shocks reach +1000%), a linear
    ///      exposure (<= 2e36) times a spot move (<= 1.1e37), a P&L (< 1e57) times a weight (<= 1e18).
    function _mulWadDownInRange(int256 x, int256 y) private pure returns (int256 z) {
        assembly ("memory-safe") {
            z := mul(x, y)
            z := sub(sdiv(z, WAD), slt(smod(z, WAD), 0))
        }
    }

    function _volAt(UnderlyingMarket calldata um, uint64 expiry) private pure returns (int256) {
        VolPoint[] calldata vols = um.vols;
        for (uint256 i; i < vols.length; ++i) {
            if (vols[i].expiry == expiry) return vols[i].vol;
        }
        revert GM_MissingVol(type(uint256).max, expiry); // unreachable: _validate checked every expiry
    }

    /// @dev Plain sum, or ceil(sqrt(m^T C m)) with C row-major (docs/model.md section 6), overflow-free
    ///      and rounded once: each row's sum of C_ij m_j is exact in 256 bits (a validated book's margin is
    ///      below 5e56 < 2^190, entries at most 1e18 < 2^60, n <= 8), m_i times it and the sum over i
    ///      (the form, 1e18 m^T C m) exact in 512 bits (hi, lo); the result is ceil(_sqrtUp(form) / 1e9).
    ///      Monotone non-decreasing in every margin (C >= 0, and _sqrtUp is monotone).
    function _aggregate(int256[] memory margins, int256[] calldata correlation) private pure returns (int256 total) {
        uint256 n = margins.length;
        if (correlation.length == 0) {
            for (uint256 i; i < n; ++i) {
                total += margins[i];
            }
            return total;
        }
        uint256 hi;
        uint256 lo;
        for (uint256 i; i < n; ++i) {
            uint256 margin = uint256(margins[i]);
            if (margin == 0) continue;
            uint256 row;
            for (uint256 j; j < n; ++j) {
                row += uint256(correlation[i * n + j]) * uint256(margins[j]);
            }
            assembly ("memory-safe") {
                // (hi, lo) += margin * row: the 512-bit product from mul and mulmod, then the carry.
                let low := mul(margin, row)
                let mm := mulmod(margin, row, not(0))
                lo := add(lo, low)
                hi := add(hi, add(sub(sub(mm, low), lt(mm, low)), lt(lo, low)))
            }
        }
        uint256 root = _sqrtUp(hi, lo);
        return int256(root / uint256(SQRT_WAD) + (root % uint256(SQRT_WAD) == 0 ? 0 : 1));
    }

    /// @dev An upper bound of sqrt(hi * 2^256 + lo), monotone non-decreasing in the value: the exact
    ///      ceil below 2^256; above, (floor(sqrt(x >> 2k)) + 1) << k with k = 64 below 2^384, else 128
    ///      (x >> 2k is then below 2^256 and at least 2^128), at most 2^-64 relative above the root.
    ///      At each regime boundary the bound steps up, never down.
    function _sqrtUp(uint256 hi, uint256 lo) private pure returns (uint256) {
        if (hi == 0) {
            uint256 root = M._sqrt(lo);
            return root * root < lo ? root + 1 : root;
        }
        uint256 shift = hi < 1 << 128 ? 64 : 128;
        return (M._sqrt((hi << (256 - 2 * shift)) | (lo >> (2 * shift))) + 1) << shift;
    }

    function _validate(Portfolio calldata portfolio, Market calldata market, RiskParams calldata params) private pure {
        _validateParams(params);
        _checkAmount(portfolio.cash);
        UnderlyingPositions[] calldata positions = portfolio.positions;
        uint256 options;
        for (uint256 p; p < positions.length; ++p) {
            options += positions[p].options.length;
        }
        if (options > uint256(params.maxOptions)) revert GM_TooManyPositions(options, uint256(params.maxOptions));
        for (uint256 p; p < positions.length; ++p) {
            UnderlyingPositions calldata pos = positions[p];
            if (p > 0 && pos.underlying <= positions[p - 1].underlying) revert GM_PositionsNotSorted(p);
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
        (uint64 lastExpiry, bool lastIsCall, int256 lastStrike) = (0, false, 0);
        OptionPosition[] calldata options = pos.options;
        for (uint256 i; i < options.length; ++i) {
            (uint64 expiry, bool isCall, int256 strike, int256 size) = _option(options, i);
            bool newExpiry = i == 0 || expiry != lastExpiry;
            if (size == 0 || (i > 0 && !_seriesAfter(expiry, strike, isCall, lastExpiry, lastStrike, lastIsCall))) {
                revert GM_OptionsNotCanonical(pos.underlying, i);
            }
            if (expiry <= now_) revert GM_OptionExpired(pos.underlying, expiry, now_);
            if (strike <= 0 || strike > B76_PRICE_MAX) revert GM_StrikeOutOfRange(strike);
            _checkAmount(size);
            // Sorted by expiry: one lookup per expiry.
            if (newExpiry && !_hasVol(um, expiry)) revert GM_MissingVol(pos.underlying, expiry);
            (lastExpiry, lastIsCall, lastStrike) = (expiry, isCall, strike);
        }
    }

    function _validateParams(RiskParams calldata params) private pure {
        _checkParam(0, PARAM_MM_FACTOR, params.mmFactor, 1, WAD);
        _checkParam(0, PARAM_MAX_OPTIONS, params.maxOptions, 0, int256(MAX_OPTIONS));
        _checkParam(0, PARAM_GRIDS, int256(params.grids.length), 0, int256(MAX_GRIDS));
        _validateCorrelation(params.correlation, params.grids.length);
        for (uint256 u; u < params.grids.length; ++u) {
            _validateGrid(u, params.grids[u], uint256(params.maxOptions));
            _checkCollateralRule(u, params.grids[u], params.mmFactor);
        }
    }

    /// @dev Empty, or n x n row-major with entries in [0, 1], unit diagonal and symmetric; the first
    ///      entry (row-major) breaking a rule is reported.
    function _validateCorrelation(int256[] calldata correlation, uint256 n) private pure {
        if (correlation.length == 0) return;
        _checkParam(0, PARAM_CORRELATION, int256(correlation.length), int256(n * n), int256(n * n));
        for (uint256 i; i < n; ++i) {
            for (uint256 j; j < n; ++j) {
                int256 entry = correlation[i * n + j];
                _checkParam(0, PARAM_CORRELATION, entry, 0, WAD);
                if (i == j ? entry != WAD : (j < i && entry != correlation[j * n + i])) {
                    revert GM_ParamOutOfRange(0, PARAM_CORRELATION, entry);
                }
            }
        }
    }

    /// @dev One grid's bounds (docs/model.md section 5). Spot shocks strictly increasing (the first
    ///      shock not above its predecessor is reported) and containing 0 (else the value reported is
    ///      0, the missing shock); maxOptions x scenarios within MAX_OPTION_SCENARIOS (else maxOptions
    ///      is reported, with this grid's underlying).
    function _validateGrid(uint256 u, GridParams calldata grid, uint256 maxOptions) private pure {
        (int256[] calldata spotShocks, int256[] calldata extendedShocks) = (grid.spotShocks, grid.extendedShocks);
        _checkParam(u, PARAM_SPOT_SHOCKS, int256(spotShocks.length), 1, int256(MAX_SPOT_SHOCKS));
        _checkParam(u, PARAM_EXTENDED_SHOCKS, int256(extendedShocks.length), 0, int256(MAX_EXTENDED_SHOCKS));
        if (maxOptions * scenarioCount(grid) > MAX_OPTION_SCENARIOS) {
            revert GM_ParamOutOfRange(u, PARAM_MAX_OPTIONS, int256(maxOptions));
        }
        bool hasZero;
        for (uint256 i; i < spotShocks.length; ++i) {
            int256 shock = spotShocks[i];
            _checkParam(u, PARAM_SPOT_SHOCKS, shock, 1 - WAD, WAD - 1);
            if (i > 0 && shock <= spotShocks[i - 1]) revert GM_ParamOutOfRange(u, PARAM_SPOT_SHOCKS, shock);
            if (shock == 0) hasZero = true;
        }
        if (!hasZero) revert GM_ParamOutOfRange(u, PARAM_SPOT_SHOCKS, 0);
        for (uint256 i; i < extendedShocks.length; ++i) {
            int256 shock = extendedShocks[i];
            if (shock == 0) revert GM_ParamOutOfRange(u, PARAM_EXTENDED_SHOCKS, shock);
            _checkParam(u, PARAM_EXTENDED_SHOCKS, shock, 1 - WAD, MAX_EXTENDED_SHOCK);
        }
        _checkParam(u, PARAM_VOL_DOWN, grid.volDown, 0, WAD);
        _checkParam(u, PARAM_VOL_UP, grid.volUp, 0, 10 * WAD);
        _checkParam(u, PARAM_TERM_POWER, grid.termPowerShort, 0, WAD);
        _checkParam(u, PARAM_TERM_POWER, grid.termPowerLong, 0, WAD);
        _checkParam(u, PARAM_DAMPENER, grid.dampener, 0, WAD);
        _checkParam(u, PARAM_HAIRCUT, grid.haircut, 0, WAD - 1);
        _checkParam(u, PARAM_ADD_ON, grid.linearAddOn, 0, WAD);
        _checkParam(u, PARAM_ADD_ON, grid.shortOptionAddOn, 0, WAD);
        _checkParam(u, PARAM_DTE_FLOOR, grid.dteFloor, 0, MAX_DTE_FLOOR);
    }

    /// @dev The collateral rule (docs/model.md section 5): mulWadUp(m, f + h) <= 1e18, f the largest loss
    ///      fraction of a long position over the grid (the deepest standard down-shock; each extended
    ///      down-shock times its weight, rounded up), so adding collateral never lowers excess margin.
    function _checkCollateralRule(uint256 u, GridParams calldata grid, int256 mmFactor) private pure {
        int256 fraction;
        int256[] calldata shocks = grid.spotShocks;
        for (uint256 i; i < shocks.length; ++i) {
            if (-shocks[i] > fraction) fraction = -shocks[i];
        }
        shocks = grid.extendedShocks;
        int256 dampener = grid.dampener;
        for (uint256 i; i < shocks.length; ++i) {
            int256 shock = shocks[i];
            if (shock >= 0) continue;
            int256 weight = M.divWadUp(dampener, -shock); // _scenario's weight, before its cap at 1
            int256 loss = weight < WAD ? M.mulWadUp(-shock, weight) : -shock;
            if (loss > fraction) fraction = loss;
        }
        if (M.mulWadUp(mmFactor, fraction + grid.haircut) > WAD) {
            revert GM_ParamOutOfRange(u, PARAM_HAIRCUT, grid.haircut);
        }
    }

    function _checkParam(uint256 underlying, uint256 param, int256 value, int256 low, int256 high) private pure {
        if (value < low || value > high) revert GM_ParamOutOfRange(underlying, param, value);
    }

    function _checkAmount(int256 amount) private pure {
        if (amount < -AMOUNT_MAX || amount > AMOUNT_MAX) revert GM_AmountOutOfRange(amount);
    }

    /// @dev Strictly after in (expiry, strike, isCall) order, puts before calls.
    function _seriesAfter(
        uint64 expiry,
        int256 strike,
        bool isCall,
        uint64 lastExpiry,
        int256 lastStrike,
        bool lastIsCall
    ) private pure returns (bool) {
        if (expiry != lastExpiry) return expiry > lastExpiry;
        if (strike != lastStrike) return strike > lastStrike;
        return isCall && !lastIsCall;
    }

    function _hasVol(UnderlyingMarket calldata um, uint64 expiry) private pure returns (bool) {
        VolPoint[] calldata vols = um.vols;
        for (uint256 i; i < vols.length; ++i) {
            if (vols[i].expiry == expiry) return true;
        }
        return false;
    }
}
