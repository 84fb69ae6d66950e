"""Scenario-grid portfolio margin: the exact twin of ``contracts/libraries/PortfolioMargin.sol``.

Implements docs/model.md. Same functions in the same order as the Solidity library, same integer
operations, same errors; every rounding is against the account (assets down, liabilities and losses
up), named at each operation.
"""

from __future__ import annotations

from dataclasses import dataclass

from offchain.black76 import call_put_bounds
from offchain.constants import AMOUNT_MAX, B76_PRICE_MAX, SECONDS_PER_YEAR, TERM_SCALING_HORIZON, WAD
from offchain.errors import (
    GM_AmountOutOfRange,
    GM_MissingVol,
    GM_OptionExpired,
    GM_OptionsNotCanonical,
    GM_ParamOutOfRange,
    GM_PositionsNotSorted,
    GM_RateOutOfRange,
    GM_SpotNonPositive,
    GM_StrikeOutOfRange,
    GM_TooManyPositions,
    GM_UnknownUnderlying,
    GM_WitnessOutOfRange,
)
from offchain.fixedpoint import div_wad_up, exp_wad, ln_wad, mul_wad_down, mul_wad_up, sqrt_wad
from offchain.margin_types import (
    GridParams,
    Market,
    MarginResult,
    OptionPosition,
    Portfolio,
    RiskParams,
    UnderlyingMargin,
    UnderlyingMarket,
    UnderlyingPositions,
)

VOL_DOWN, VOL_NONE, VOL_UP = 0, 1, 2
MAX_OPTIONS, MAX_SPOT_SHOCKS, MAX_EXTENDED_SHOCKS = 128, 64, 16
# Parameter ids reported by GM_ParamOutOfRange (same numbers in PortfolioMargin.sol).
PARAM_MM_FACTOR, PARAM_MAX_OPTIONS, PARAM_CORRELATION, PARAM_SPOT_SHOCKS, PARAM_EXTENDED_SHOCKS = 0, 1, 2, 3, 4
PARAM_VOL_DOWN, PARAM_VOL_UP, PARAM_TERM_POWER, PARAM_DAMPENER, PARAM_HAIRCUT, PARAM_ADD_ON = 5, 6, 7, 8, 9, 10


def margin_of(portfolio: Portfolio, market: Market, params: RiskParams) -> MarginResult:
    """Equity, IM, MM and per-underlying detail over the full grid (docs/model.md sections 1-8)."""
    _validate(portfolio, market, params)
    equity = portfolio.cash
    margins = [0] * len(params.grids)
    details = []
    for pos in portfolio.positions:
        book = _open_book(pos, market.underlyings[pos.underlying], params.grids[pos.underlying], market.timestamp)
        equity += book.equity
        pnl = tuple(_scenario_pnl(book, j) for j in range(scenario_count(book.grid)))
        worst = min(range(len(pnl)), key=pnl.__getitem__)
        loss = max(0, -pnl[worst])
        margins[pos.underlying] = loss + book.add_on
        details.append(UnderlyingMargin(pos.underlying, loss, margins[pos.underlying], worst, pnl))
    initial = _aggregate(margins, params.correlation)
    return MarginResult(equity, initial, mul_wad_up(params.mm_factor, initial), tuple(details))


def shortfall_witness(portfolio: Portfolio, market: Market, params: RiskParams, witness: tuple[int, ...]) -> tuple[int, int]:
    """(equity, MM lower bound) from one scenario per position entry (``witness[i]`` for positions[i]).

    The bound never exceeds ``margin_of(...).maintenance_margin``; if it exceeds the equity the
    account is provably under-margined.
    """
    _validate(portfolio, market, params)
    equity = portfolio.cash
    margins = [0] * len(params.grids)
    if len(witness) != len(portfolio.positions):
        raise GM_WitnessOutOfRange(len(witness), 0)
    for pos, scenario in zip(portfolio.positions, witness):
        book = _open_book(pos, market.underlyings[pos.underlying], params.grids[pos.underlying], market.timestamp)
        if scenario >= scenario_count(book.grid):
            raise GM_WitnessOutOfRange(pos.underlying, scenario)
        equity += book.equity
        margins[pos.underlying] = max(0, -_scenario_pnl(book, scenario)) + book.add_on
    initial = _aggregate(margins, params.correlation)
    return equity, mul_wad_up(params.mm_factor, initial)


def scenario_count(grid: GridParams) -> int:
    """Standard scenarios (each spot shock under vol down, none, up) then the extended ones."""
    return 3 * len(grid.spot_shocks) + len(grid.extended_shocks)


@dataclass
class _Expiry:
    """Per-expiry terms shared by every series of that expiry."""

    growth: int  # e^(r tau): forward = spot * growth
    discount: int  # e^(-r tau)
    sigma_sqrt_t: tuple[int, int, int]  # sigma * sqrt(tau) under vol down, none, up


@dataclass
class _Book:
    """One underlying's positions with everything precomputed that scenarios share."""

    pos: UnderlyingPositions
    grid: GridParams
    spot: int
    expiries: list[_Expiry]  # per option, the terms of its expiry
    ln_strikes: list[int]
    equity: int  # current value, assets down and liabilities up
    baseline: int  # current value of the shocked positions, rounded up (loss reference)
    add_on: int


def _open_book(pos: UnderlyingPositions, um: UnderlyingMarket, grid: GridParams, now: int) -> _Book:
    expiries: list[_Expiry] = []
    for i, option in enumerate(pos.options):  # sorted by expiry: terms computed once per expiry
        if i == 0 or option.expiry != pos.options[i - 1].expiry:
            terms = _expiry_terms(option.expiry, um, grid, now)
        expiries.append(terms)
    ln_strikes = [ln_wad(o.strike) for o in pos.options]
    haircut = WAD + grid.haircut if pos.balance < 0 else WAD - grid.haircut
    equity = mul_wad_down(mul_wad_down(pos.balance, um.spot), haircut)
    equity += mul_wad_down(pos.perp_size, um.spot - pos.perp_entry)
    baseline = mul_wad_up(pos.perp_size, um.spot - pos.perp_entry)
    short_units = 0
    for i, option in enumerate(pos.options):
        forward = mul_wad_down(um.spot, expiries[i].growth)
        low, high = _option_bracket(option.is_call, ln_wad(forward) - ln_strikes[i], forward, option.strike, expiries[i], VOL_NONE)
        equity += mul_wad_down(option.size, low if option.size > 0 else high)
        baseline += mul_wad_up(option.size, high if option.size > 0 else low)
        short_units += max(0, -option.size)
    add_on = mul_wad_up(grid.linear_add_on, mul_wad_up(abs(pos.perp_size), um.spot))
    add_on += mul_wad_up(grid.short_option_add_on, mul_wad_up(short_units, um.spot))
    return _Book(pos, grid, um.spot, expiries, ln_strikes, equity, baseline, add_on)


def _expiry_terms(expiry: int, um: UnderlyingMarket, grid: GridParams, now: int) -> _Expiry:
    seconds = expiry - now
    tau = seconds * WAD // SECONDS_PER_YEAR
    rate_tau = mul_wad_down(um.rate, tau)
    power = grid.term_power_short if seconds < TERM_SCALING_HORIZON else grid.term_power_long
    scaling = exp_wad(mul_wad_up(power, ln_wad(TERM_SCALING_HORIZON * WAD // seconds)))
    sigma = _vol_at(um, expiry)
    down = max(0, mul_wad_down(sigma, WAD - mul_wad_up(grid.vol_down, scaling)))
    up = mul_wad_up(sigma, WAD + mul_wad_up(grid.vol_up, scaling))
    sqrt_tau = sqrt_wad(tau)
    sigma_sqrt_t = (mul_wad_down(down, sqrt_tau), mul_wad_down(sigma, sqrt_tau), mul_wad_down(up, sqrt_tau))
    return _Expiry(exp_wad(rate_tau), exp_wad(-rate_tau), sigma_sqrt_t)


def _scenario_pnl(book: _Book, scenario: int) -> int:
    """P&L of the shocked positions in one scenario: value there (rounded down) minus the reference."""
    shock, vol, weight = _scenario(book.grid, scenario)
    spot = mul_wad_down(book.spot, WAD + shock)
    pos = book.pos
    value = mul_wad_down(pos.perp_size, spot - pos.perp_entry) + _options_value(pos.options, book, spot, vol)
    pnl = value - book.baseline
    return pnl if weight == WAD else mul_wad_down(pnl, weight)


def _options_value(options: tuple[OptionPosition, ...], book: _Book, spot: int, vol: int) -> int:
    """Value of the options at ``spot`` under vol shock ``vol``: longs at the bracket's low end,
    shorts at its high end, each rounded down."""
    value = ln_forward = last_forward = 0
    for i, option in enumerate(options):
        forward = mul_wad_down(spot, book.expiries[i].growth)
        if forward != last_forward:  # options are sorted by expiry: one logarithm per expiry
            ln_forward, last_forward = ln_wad(forward), forward
        value += _option_value(option, ln_forward - book.ln_strikes[i], forward, book.expiries[i], vol)
    return value


def _option_value(option: OptionPosition, ln_fk: int, forward: int, terms: _Expiry, vol: int) -> int:
    low, high = _option_bracket(option.is_call, ln_fk, forward, option.strike, terms, vol)
    return mul_wad_down(option.size, low if option.size > 0 else high)


def _scenario(grid: GridParams, scenario: int) -> tuple[int, int, int]:
    """(spot shock, vol shock, P&L weight) of a scenario index."""
    standard = 3 * len(grid.spot_shocks)
    if scenario < standard:
        return grid.spot_shocks[scenario // 3], scenario % 3, WAD
    shock = grid.extended_shocks[scenario - standard]
    return shock, VOL_NONE, min(WAD, div_wad_up(grid.dampener, abs(shock)))


def _option_bracket(is_call: bool, ln_fk: int, forward: int, strike: int, terms: _Expiry, vol: int) -> tuple[int, int]:
    call_low, call_high, put_low, put_high = call_put_bounds(ln_fk, forward, strike, terms.sigma_sqrt_t[vol], terms.discount)
    return (call_low, call_high) if is_call else (put_low, put_high)


def _vol_at(um: UnderlyingMarket, expiry: int) -> int:
    for point in um.vols:
        if point.expiry == expiry:
            return point.vol
    raise AssertionError("unreachable: _validate checked every expiry has a vol")


def _aggregate(margins: list[int], correlation: tuple[int, ...]) -> int:
    """Plain sum, or ceil(sqrt(m^T C m)) with C row-major (exact integer square root, rounded up)."""
    if not correlation:
        return sum(margins)
    n = len(margins)
    total = 0
    for i in range(n):
        if margins[i] == 0:
            continue
        for j in range(n):
            total += mul_wad_up(mul_wad_up(correlation[i * n + j], margins[i]), margins[j])
    root = sqrt_wad(total)
    return root if root * root == total * WAD else root + 1


def _validate(portfolio: Portfolio, market: Market, params: RiskParams) -> None:
    _validate_params(params)
    _check_amount(portfolio.cash)
    options = sum(len(p.options) for p in portfolio.positions)
    if options > params.max_options:
        raise GM_TooManyPositions(options, params.max_options)
    for index, pos in enumerate(portfolio.positions):
        if index > 0 and pos.underlying <= portfolio.positions[index - 1].underlying:
            raise GM_PositionsNotSorted(index)
        if pos.underlying >= len(market.underlyings) or pos.underlying >= len(params.grids):
            raise GM_UnknownUnderlying(pos.underlying)
        _validate_underlying(pos, market.underlyings[pos.underlying], market.timestamp)


def _validate_underlying(pos: UnderlyingPositions, um: UnderlyingMarket, now: int) -> None:
    if um.spot <= 0:
        raise GM_SpotNonPositive(pos.underlying, um.spot)
    for amount in (um.spot, pos.balance, pos.perp_size, pos.perp_entry):
        _check_amount(amount)
    if not 0 <= um.rate <= WAD:
        raise GM_RateOutOfRange(pos.underlying, um.rate)
    for index, option in enumerate(pos.options):
        if option.size == 0 or (index > 0 and not _series_after(option, pos.options[index - 1])):
            raise GM_OptionsNotCanonical(pos.underlying, index)
        if option.expiry <= now:
            raise GM_OptionExpired(pos.underlying, option.expiry, now)
        if not 0 < option.strike <= B76_PRICE_MAX:
            raise GM_StrikeOutOfRange(option.strike)
        _check_amount(option.size)
        if not _has_vol(um, option.expiry):
            raise GM_MissingVol(pos.underlying, option.expiry)



def _validate_params(params: RiskParams) -> None:
    """Every parameter within its bound (docs/model.md section 5), else GM_ParamOutOfRange(underlying, id, value)."""
    _check_param(0, PARAM_MM_FACTOR, params.mm_factor, 1, WAD)
    _check_param(0, PARAM_MAX_OPTIONS, params.max_options, 0, MAX_OPTIONS)
    n = len(params.grids)
    if params.correlation:
        _check_param(0, PARAM_CORRELATION, len(params.correlation), n * n, n * n)
        for entry in params.correlation:
            _check_param(0, PARAM_CORRELATION, entry, 0, WAD)
    for u, grid in enumerate(params.grids):
        _check_param(u, PARAM_SPOT_SHOCKS, len(grid.spot_shocks), 1, MAX_SPOT_SHOCKS)
        _check_param(u, PARAM_EXTENDED_SHOCKS, len(grid.extended_shocks), 0, MAX_EXTENDED_SHOCKS)
        for shock in grid.spot_shocks:
            _check_param(u, PARAM_SPOT_SHOCKS, shock, 1 - WAD, WAD - 1)
        for shock in grid.extended_shocks:
            if shock == 0:
                raise GM_ParamOutOfRange(u, PARAM_EXTENDED_SHOCKS, shock)
            _check_param(u, PARAM_EXTENDED_SHOCKS, shock, 1 - WAD, WAD - 1)
        _check_param(u, PARAM_VOL_DOWN, grid.vol_down, 0, WAD)
        _check_param(u, PARAM_VOL_UP, grid.vol_up, 0, 10 * WAD)
        _check_param(u, PARAM_TERM_POWER, grid.term_power_short, 0, WAD)
        _check_param(u, PARAM_TERM_POWER, grid.term_power_long, 0, WAD)
        _check_param(u, PARAM_DAMPENER, grid.dampener, 0, WAD)
        _check_param(u, PARAM_HAIRCUT, grid.haircut, 0, WAD - 1)
        _check_param(u, PARAM_ADD_ON, grid.linear_add_on, 0, WAD)
        _check_param(u, PARAM_ADD_ON, grid.short_option_add_on, 0, WAD)


def _check_param(underlying: int, param: int, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise GM_ParamOutOfRange(underlying, param, value)


def _check_amount(amount: int) -> None:
    if not -AMOUNT_MAX <= amount <= AMOUNT_MAX:
        raise GM_AmountOutOfRange(amount)


def _series_after(a: OptionPosition, b: OptionPosition) -> bool:
    """Strictly after in (expiry, strike, is_call) order, puts before calls."""
    return a.series > b.series


def _has_vol(um: UnderlyingMarket, expiry: int) -> bool:
    return any(point.expiry == expiry for point in um.vols)
