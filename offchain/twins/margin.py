"""Scenario-grid portfolio margin: the exact twin of ``contracts/libraries/PortfolioMargin.sol``.

Implements docs/model.md. Same functions in the same order as the Solidity library, same integer
operations, same errors; every rounding is against the account (assets down, liabilities and losses
up), named at each operation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import isqrt

from offchain.twins.black76 import series_bounds, series_value
from offchain.twins.constants import (
    AMOUNT_MAX,
    B76_PRICE_MAX,
    PARAM_ADD_ON,
    PARAM_CORRELATION,
    PARAM_DAMPENER,
    PARAM_DTE_FLOOR,
    PARAM_EXTENDED_SHOCKS,
    PARAM_GRIDS,
    PARAM_HAIRCUT,
    PARAM_MAX_OPTIONS,
    PARAM_MM_FACTOR,
    PARAM_SPOT_SHOCKS,
    PARAM_TERM_POWER,
    PARAM_VOL_DOWN,
    PARAM_VOL_UP,
    SECONDS_PER_YEAR,
    SQRT_WAD,
    TERM_SCALING_HORIZON,
    WAD,
)
from offchain.twins.errors import (
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
    GM_WitnessLengthMismatch,
    GM_WitnessOutOfRange,
)
from offchain.twins.fixedpoint import exp_wad, ln_wad, mul_wad_down, mul_wad_up, sqrt_wad
from offchain.twins.types import (
    GridParams,
    MarginResult,
    Market,
    OptionPosition,
    Portfolio,
    RiskParams,
    UnderlyingMargin,
    UnderlyingMarket,
    UnderlyingPositions,
)

VOL_DOWN, VOL_NONE, VOL_UP = 0, 1, 2
MAX_OPTIONS, MAX_GRIDS, MAX_SPOT_SHOCKS, MAX_EXTENDED_SHOCKS = 128, 8, 64, 16
MAX_OPTION_SCENARIOS = 6144
"""Gas bound: max_options x scenarios of every grid (the full check of the largest account it admits
costs at most ~20M gas: docs/model.md section 5)."""
MAX_EXTENDED_SHOCK = 10 * WAD
"""Largest extended spot shock, +1000% (the spot times 11); down-shocks stay above -100%."""
MAX_DTE_FLOOR = SECONDS_PER_YEAR
"""Largest days-to-expiry floor of the term scaling: one year, in seconds."""


def margin_of(portfolio: Portfolio, market: Market, params: RiskParams) -> MarginResult:
    """Equity, IM, MM and per-underlying detail over the full grid (docs/model.md sections 1-8)."""
    _validate(portfolio, market, params)
    equity = portfolio.cash
    margins = [0] * len(params.grids)
    details = []
    for pos in portfolio.positions:
        grid = params.grids[pos.underlying]
        book = _open_book(pos, market.underlyings[pos.underlying], grid, market.timestamp)
        equity += book.equity
        pnl = tuple(_scenario_pnl(book, grid, j) for j in range(scenario_count(grid)))
        worst = min(range(len(pnl)), key=pnl.__getitem__)
        loss = max(0, -pnl[worst])
        margins[pos.underlying] = loss + book.add_on
        details.append(UnderlyingMargin(pos.underlying, loss, margins[pos.underlying], worst, pnl))
    initial = _aggregate(margins, params.correlation)
    return MarginResult(equity, initial, mul_wad_up(params.mm_factor, initial), tuple(details))


def shortfall_witness(
    portfolio: Portfolio, market: Market, params: RiskParams, witness: tuple[int, ...]
) -> tuple[int, int]:
    """(equity, MM lower bound) from one scenario per position entry (``witness[i]`` for positions[i]).

    The bound never exceeds ``margin_of(...).maintenance_margin``; if it exceeds the equity the
    account is provably under-margined.
    """
    _validate(portfolio, market, params)
    equity = portfolio.cash
    margins = [0] * len(params.grids)
    if len(witness) != len(portfolio.positions):
        raise GM_WitnessLengthMismatch(len(witness), len(portfolio.positions))
    for pos, scenario in zip(portfolio.positions, witness):
        grid = params.grids[pos.underlying]
        book = _open_book(pos, market.underlyings[pos.underlying], grid, market.timestamp)
        if scenario >= scenario_count(grid):
            raise GM_WitnessOutOfRange(pos.underlying, scenario)
        equity += book.equity
        margins[pos.underlying] = max(0, -_scenario_pnl(book, grid, scenario)) + book.add_on
    initial = _aggregate(margins, params.correlation)
    return equity, mul_wad_up(params.mm_factor, initial)


def scenario_count(grid: GridParams) -> int:
    """Standard scenarios (each spot shock under vol down, none, up) then the extended ones."""
    return 3 * len(grid.spot_shocks) + len(grid.extended_shocks)


@dataclass
class _Book:
    """One underlying's positions with everything scenarios share (PortfolioMargin.Book).

    Options are sorted by expiry, so each expiry is a group: group g holds the options
    [end of group g - 1, end of group g) and its terms are items 7g..7g+6 of ``expiries``. The spot
    point caches the last shocked spot the scenarios moved to.
    """

    spot: int
    ln_spot: int  # ln_wad(spot); 0 without options
    exposure: int  # linear exposure in tokens: balance + perp size
    series: list[int]  # 4 per option: strike, ln_wad(strike), size, is_call (1 or 0)
    groups: int = 0
    # 7 per group: end (one past its last option), growth e^(r tau) (forward = spot * growth),
    # ln_wad(growth), discount e^(-r tau), sigma * sqrt(tau) under vol down, none, up
    expiries: list[int] = field(default_factory=list)
    point_shock: int = 0
    point_spot: int = 0  # mul_wad_down(spot, 1e18 + point_shock): where the options are valued
    point_move: int = 0  # spot_move(spot, point_shock, exposure): the linear exposure's move
    point_ln_spot: int = 0  # ln_wad(point_spot); 0 without options or when point_spot is 0
    equity: int = 0  # current value, assets down and liabilities up
    baseline: int = 0  # current value of the options, rounded up (their loss reference)
    add_on: int = 0  # linear and short-option add-ons and the haircut contingency


def _open_book(pos: UnderlyingPositions, um: UnderlyingMarket, grid: GridParams, now: int) -> _Book:
    options = pos.options
    book = _Book(um.spot, 0, pos.balance + pos.perp_size, [0] * (4 * len(options)))
    last_expiry = 0
    for i in range(len(options)):
        expiry, is_call, strike, size = _option(options, i)
        if i == 0 or expiry != last_expiry:
            _add_expiry(book, expiry, um, grid, now)
            last_expiry = expiry
        book.expiries[7 * (book.groups - 1)] = i + 1
        _write_series(book.series, i, strike, ln_wad(strike), size, is_call)
    if options:
        book.ln_spot = ln_wad(um.spot)
    book.point_spot, book.point_ln_spot = um.spot, book.ln_spot
    book.equity = mul_wad_down(pos.balance, um.spot) + mul_wad_down(pos.perp_size, um.spot - pos.perp_entry)
    _value_now(book)
    short_units = sum(-option.size for option in options if option.size < 0)
    book.add_on = mul_wad_up(grid.linear_add_on, mul_wad_up(abs(pos.perp_size), um.spot))
    book.add_on += mul_wad_up(grid.short_option_add_on, mul_wad_up(short_units, um.spot))
    book.add_on += mul_wad_up(grid.haircut, mul_wad_up(abs(pos.balance), um.spot))
    return book


def _add_expiry(book: _Book, expiry: int, um: UnderlyingMarket, grid: GridParams, now: int) -> None:
    """Opens the next expiry group with its terms. Vol shocks scale by
    g = (TERM_SCALING_HORIZON / max(tau, dte_floor))^p; the down-shocked vol is clipped at 0."""
    book.groups += 1
    seconds = expiry - now
    tau = seconds * WAD // SECONDS_PER_YEAR
    rate_tau = mul_wad_down(um.rate, tau)
    scaled = max(seconds, grid.dte_floor)  # the term scaling's time; Black-76 prices at the real tau
    power = grid.term_power_short if scaled < TERM_SCALING_HORIZON else grid.term_power_long
    scaling = exp_wad(mul_wad_up(power, ln_wad(TERM_SCALING_HORIZON * WAD // scaled)))
    sigma = _vol_at(um, expiry)
    down = max(0, mul_wad_down(sigma, WAD - mul_wad_up(grid.vol_down, scaling)))
    up = mul_wad_up(sigma, WAD + mul_wad_up(grid.vol_up, scaling))
    sqrt_tau = sqrt_wad(tau)
    sigmas = [mul_wad_down(down, sqrt_tau), mul_wad_down(sigma, sqrt_tau), mul_wad_down(up, sqrt_tau)]
    growth = exp_wad(rate_tau)
    book.expiries += [0, growth, ln_wad(growth), exp_wad(-rate_tau), *sigmas]


def _value_now(book: _Book) -> None:
    """Adds the options' current value to equity (longs low, shorts high, rounded down) and to the
    baseline (the opposite ends, rounded up), per expiry group. The first forward of each expiry is
    checked for overflow here; every scenario forward is at most eleven times one Black-76 accepted
    (shocks <= +1000%), and Black-76 range-checks each."""
    start = 0
    for g in range(book.groups):
        end, growth, ln_growth, discount, sigma_sqrt_t = _expiry(book.expiries, g, VOL_NONE)
        forward = mul_wad_down(book.spot, growth)
        ln_forward = _ln_forward(forward, book.ln_spot, ln_growth)
        low, high = series_bounds(book.series, start, end, ln_forward, forward, sigma_sqrt_t, discount)
        book.equity += low
        book.baseline += high
        start = end


def _scenario_pnl(book: _Book, grid: GridParams, scenario: int) -> int:
    """P&L of one scenario: the linear exposure (balance + perp) times the spot move, rounded down, plus
    the options' value there (rounded down) minus their reference; an extended scenario's whole P&L
    times its weight, rounded down."""
    shock, vol, weight = _scenario(grid, scenario)
    _move_to(book, shock)
    pnl = _mul_wad_down_in_range(book.exposure, book.point_move) + _options_value(book, vol) - book.baseline
    return pnl if weight == WAD else _mul_wad_down_in_range(pnl, weight)


def spot_move(spot: int, shock: int, exposure: int) -> int:
    """A linear exposure's spot move in a scenario: spot * shock, rounded against its holder (down for a
    long exposure, up for a short one), so its P&L is never overstated."""
    return mul_wad_up(spot, shock) if exposure < 0 else mul_wad_down(spot, shock)


def _move_to(book: _Book, shock: int) -> None:
    """Moves the spot point to ``shock`` (the options' spot rounded down, the linear exposure's move
    against it) unless it is there already."""
    if shock == book.point_shock:
        return
    book.point_shock = shock
    book.point_spot = _mul_wad_down_in_range(book.spot, WAD + shock)
    book.point_move = spot_move(book.spot, shock, book.exposure)
    book.point_ln_spot = ln_wad(book.point_spot) if book.groups > 0 and book.point_spot > 0 else 0


def _options_value(book: _Book, vol: int) -> int:
    """Value of the options at the spot point under vol shock ``vol``: longs at the bracket's low
    end, shorts at its high end, each expiry group's sum rounded down. Group g's forward is the spot
    point times its growth rounded down, its ln F as :func:`_ln_forward` computes it."""
    value = start = 0
    for g in range(book.groups):
        at = 7 * g
        end, growth, ln_growth, discount = book.expiries[at : at + 4]
        sigma_sqrt_t = book.expiries[at + 4 + vol]
        forward = book.point_spot * growth // WAD
        ln_forward = book.point_ln_spot + ln_growth
        if forward < WAD:
            ln_forward = ln_wad(forward) if forward > 0 else 0
        value += series_value(book.series, start, end, ln_forward, forward, sigma_sqrt_t, discount)
        start = end
    return value


def _option(options: tuple[OptionPosition, ...], i: int) -> tuple[int, bool, int, int]:
    """(expiry, is_call, strike, size) of option ``i`` (the Solidity twin reads the calldata words)."""
    option = options[i]
    return option.expiry, option.is_call, option.strike, option.size


def _write_series(series: list[int], i: int, strike: int, ln_strike: int, size: int, is_call: bool) -> None:
    """Stores option ``i`` of ``series``."""
    series[4 * i : 4 * i + 4] = [strike, ln_strike, size, 1 if is_call else 0]


def _expiry(expiries: list[int], g: int, vol: int) -> tuple[int, int, int, int, int]:
    """(end, growth, ln_wad(growth), discount, sigma * sqrt(tau) under ``vol``) of expiry group ``g``."""
    at = 7 * g
    return expiries[at], expiries[at + 1], expiries[at + 2], expiries[at + 3], expiries[at + 4 + vol]


def _ln_forward(forward: int, ln_spot: int, ln_growth: int) -> int:
    """ln of a forward within Black-76's tolerance: ln_wad(spot) + ln_wad(growth) from 1e18 up,
    ln_wad(forward) below, 0 for a forward of 0 (which Black-76 then rejects)."""
    if forward >= WAD:
        return ln_spot + ln_growth
    return ln_wad(forward) if forward > 0 else 0


def _scenario(grid: GridParams, scenario: int) -> tuple[int, int, int]:
    """(spot shock, vol shock, P&L weight) of a scenario index. Extended scenarios run at unshocked vol
    with the weight min(1, dampener / |shock|), the ratio rounded up (|shock| <= 10)."""
    standard = 3 * len(grid.spot_shocks)
    if scenario < standard:
        return grid.spot_shocks[scenario // 3], scenario % 3, WAD
    shock = grid.extended_shocks[scenario - standard]
    return shock, VOL_NONE, grid.extended_weight(shock)


def _mul_wad_down_in_range(x: int, y: int) -> int:
    """x * y / 1e18 rounded toward -inf, as mul_wad_down, where the caller proves no overflow."""
    return x * y // WAD


def _vol_at(um: UnderlyingMarket, expiry: int) -> int:
    for point in um.vols:
        if point.expiry == expiry:
            return point.vol
    raise AssertionError("unreachable: _validate checked every expiry has a vol")


def _aggregate(margins: list[int], correlation: tuple[int, ...]) -> int:
    """Plain sum, or ceil(sqrt(m^T C m)) with C row-major (docs/model.md section 6), rounded once: the
    form 1e18 m^T C m is exact (the Solidity twin sums it in 512 bits), the result
    ceil(_sqrt_up(form) / 1e9). Monotone non-decreasing in every margin."""
    if not correlation:
        return sum(margins)
    n = len(margins)
    form = 0
    for i in range(n):
        if margins[i] == 0:
            continue
        form += margins[i] * sum(correlation[i * n + j] * margins[j] for j in range(n))
    return -(-_sqrt_up(form) // SQRT_WAD)


def _sqrt_up(form: int) -> int:
    """An upper bound of sqrt(form), monotone non-decreasing in it (PortfolioMargin._sqrtUp(hi, lo) with
    form = hi * 2**256 + lo): the exact ceil below 2**256; above, (isqrt(form >> 2k) + 1) << k with
    k = 64 below 2**384, else 128, at most 2**-64 relative above the root."""
    if form < 1 << 256:
        root = isqrt(form)
        return root + 1 if root * root < form else root
    shift = 64 if form < 1 << 384 else 128
    return (isqrt(form >> (2 * shift)) + 1) << shift


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
    last_expiry, last_is_call, last_strike = 0, False, 0
    for index in range(len(pos.options)):
        expiry, is_call, strike, size = _option(pos.options, index)
        if size == 0 or (
            index > 0 and not _series_after(expiry, strike, is_call, last_expiry, last_strike, last_is_call)
        ):
            raise GM_OptionsNotCanonical(pos.underlying, index)
        if expiry <= now:
            raise GM_OptionExpired(pos.underlying, expiry, now)
        if not 0 < strike <= B76_PRICE_MAX:
            raise GM_StrikeOutOfRange(strike)
        _check_amount(size)
        if (index == 0 or expiry != last_expiry) and not _has_vol(um, expiry):
            raise GM_MissingVol(pos.underlying, expiry)
        last_expiry, last_is_call, last_strike = expiry, is_call, strike


def _validate_params(params: RiskParams) -> None:
    """Every parameter within its bound (docs/model.md section 5), else GM_ParamOutOfRange(underlying, id, value)."""
    _check_param(0, PARAM_MM_FACTOR, params.mm_factor, 1, WAD)
    _check_param(0, PARAM_MAX_OPTIONS, params.max_options, 0, MAX_OPTIONS)
    _check_param(0, PARAM_GRIDS, len(params.grids), 0, MAX_GRIDS)
    _validate_correlation(params.correlation, len(params.grids))
    for u, grid in enumerate(params.grids):
        _validate_grid(u, grid, params.max_options)
        _check_collateral_rule(u, grid, params.mm_factor)


def _validate_correlation(correlation: tuple[int, ...], n: int) -> None:
    """Empty, or n x n row-major with entries in [0, 1], unit diagonal and symmetric; the first entry
    (row-major) breaking a rule is reported."""
    if not correlation:
        return
    _check_param(0, PARAM_CORRELATION, len(correlation), n * n, n * n)
    for i in range(n):
        for j in range(n):
            entry = correlation[i * n + j]
            _check_param(0, PARAM_CORRELATION, entry, 0, WAD)
            if (entry != WAD) if i == j else (j < i and entry != correlation[j * n + i]):
                raise GM_ParamOutOfRange(0, PARAM_CORRELATION, entry)


def _validate_grid(u: int, grid: GridParams, max_options: int) -> None:
    """One grid's bounds (docs/model.md section 5). Spot shocks strictly increasing (the first shock not
    above its predecessor is reported) and containing 0 (else the value reported is 0, the missing
    shock); max_options x scenarios within MAX_OPTION_SCENARIOS (else max_options is reported, with
    this grid's underlying)."""
    _check_param(u, PARAM_SPOT_SHOCKS, len(grid.spot_shocks), 1, MAX_SPOT_SHOCKS)
    _check_param(u, PARAM_EXTENDED_SHOCKS, len(grid.extended_shocks), 0, MAX_EXTENDED_SHOCKS)
    if max_options * scenario_count(grid) > MAX_OPTION_SCENARIOS:
        raise GM_ParamOutOfRange(u, PARAM_MAX_OPTIONS, max_options)
    for i, shock in enumerate(grid.spot_shocks):
        _check_param(u, PARAM_SPOT_SHOCKS, shock, 1 - WAD, WAD - 1)
        if i > 0 and shock <= grid.spot_shocks[i - 1]:
            raise GM_ParamOutOfRange(u, PARAM_SPOT_SHOCKS, shock)
    if 0 not in grid.spot_shocks:
        raise GM_ParamOutOfRange(u, PARAM_SPOT_SHOCKS, 0)
    for shock in grid.extended_shocks:
        if shock == 0:
            raise GM_ParamOutOfRange(u, PARAM_EXTENDED_SHOCKS, shock)
        _check_param(u, PARAM_EXTENDED_SHOCKS, shock, 1 - WAD, MAX_EXTENDED_SHOCK)
    _check_param(u, PARAM_VOL_DOWN, grid.vol_down, 0, WAD)
    _check_param(u, PARAM_VOL_UP, grid.vol_up, 0, 10 * WAD)
    _check_param(u, PARAM_TERM_POWER, grid.term_power_short, 0, WAD)
    _check_param(u, PARAM_TERM_POWER, grid.term_power_long, 0, WAD)
    _check_param(u, PARAM_DAMPENER, grid.dampener, 0, WAD)
    _check_param(u, PARAM_HAIRCUT, grid.haircut, 0, WAD - 1)
    _check_param(u, PARAM_ADD_ON, grid.linear_add_on, 0, WAD)
    _check_param(u, PARAM_ADD_ON, grid.short_option_add_on, 0, WAD)
    _check_param(u, PARAM_DTE_FLOOR, grid.dte_floor, 0, MAX_DTE_FLOOR)


def _check_collateral_rule(u: int, grid: GridParams, mm_factor: int) -> None:
    """The collateral rule (docs/model.md section 5): mul_wad_up(m, f + h) <= 1e18, f the largest loss
    fraction of a long position over the grid (the deepest standard down-shock; each extended
    down-shock times its weight, rounded up), so adding collateral never lowers excess margin."""
    losses = [-shock for shock in grid.spot_shocks]
    losses += [mul_wad_up(-shock, grid.extended_weight(shock)) for shock in grid.extended_shocks if shock < 0]
    fraction = max([0, *losses])
    if mul_wad_up(mm_factor, fraction + grid.haircut) > WAD:
        raise GM_ParamOutOfRange(u, PARAM_HAIRCUT, grid.haircut)


def _check_param(underlying: int, param: int, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise GM_ParamOutOfRange(underlying, param, value)


def _check_amount(amount: int) -> None:
    if not -AMOUNT_MAX <= amount <= AMOUNT_MAX:
        raise GM_AmountOutOfRange(amount)


def _series_after(
    expiry: int, strike: int, is_call: bool, last_expiry: int, last_strike: int, last_is_call: bool
) -> bool:
    """Strictly after in (expiry, strike, is_call) order, puts before calls."""
    return (expiry, strike, is_call) > (last_expiry, last_strike, last_is_call)


def _has_vol(um: UnderlyingMarket, expiry: int) -> bool:
    return any(point.expiry == expiry for point in um.vols)
