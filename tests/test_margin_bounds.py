"""Issue 10's model defects, each on both sides (offchain.twins.margin and MarginEvaluator on the EVM):
the correlated aggregation (no overflow, no per-term rounding, rounded up, monotone), the parameter
bounds the docs state, the gas of the largest account the bounds admit, the days-to-expiry floor of
the vol-shock term scaling and extended up-shocks beyond +100%."""

from __future__ import annotations

import random
from dataclasses import replace
from math import isqrt

import pytest

from offchain.differential.margin import MarginOracle
from offchain.twins.constants import (
    PARAM_CORRELATION,
    PARAM_DTE_FLOOR,
    PARAM_EXTENDED_SHOCKS,
    PARAM_GRIDS,
    PARAM_MAX_OPTIONS,
    PARAM_SPOT_SHOCKS,
    SQRT_WAD,
)
from offchain.twins.errors import GM_ParamOutOfRange, GM_VolatilityOutOfRange
from offchain.twins.exceptions import outcome
from offchain.twins.margin import (
    MAX_OPTION_SCENARIOS,
    _aggregate,
    _sqrt_up,
    margin_of,
    scenario_count,
)
from offchain.twins.types import (
    GridParams,
    MarginResult,
    Market,
    OptionPosition,
    Portfolio,
    RiskParams,
    UnderlyingMarket,
    UnderlyingPositions,
    VolPoint,
)

W = 10**18
PCT = 10**16
DAY = 86_400
NOW = 1_800_000_000
GAS_BOUND = 21_000_000
"""The full check of the largest account the bounds admit stays below this (measured: ~19.2M)."""


@pytest.fixture(scope="module")
def oracle() -> MarginOracle:
    return MarginOracle()


def _both(oracle: MarginOracle, portfolio: Portfolio, market: Market, params: RiskParams):
    """The Python outcome, after checking the EVM gives the same value or error."""
    assert oracle.mismatch(portfolio, market, params) is None
    return outcome(margin_of, portfolio, market, params)


def _is_ceil_of_form(result: MarginResult, correlation: tuple[int, ...]) -> bool:
    """IM is ceil(sqrt(m^T C m)) exactly: (IM - 1)^2 < m^T C m <= IM^2 (in wad, C in wad)."""
    margins = [0] * isqrt(len(correlation))
    for u in result.underlyings:
        margins[u.underlying] = u.initial_margin
    n = len(margins)
    form = sum(correlation[i * n + j] * margins[i] * margins[j] for i in range(n) for j in range(n))
    im = result.initial_margin
    return (im - 1) ** 2 * W < form <= im**2 * W


def _perps(size: int, spot: int, n: int = 2) -> tuple[Portfolio, Market]:
    positions = tuple(UnderlyingPositions(u, 0, size, spot) for u in range(n))
    return Portfolio(0, positions), Market(NOW, tuple(UnderlyingMarket(spot) for _ in range(n)))


# ------------------------------------------------------------------------------------- aggregation


@pytest.mark.parametrize(
    ("size", "spot", "rho"),
    [(10**36, 500 * W, W), (10**36, 10**35, 30 * PCT)],
    ids=["perps 1e18 at 500, rho 1 (the issue's repro)", "perps 1e18 at 1e17, rho 0.3"],
)
def test_large_correlated_margins_aggregate_without_overflow(oracle, size: int, spot: int, rho: int) -> None:
    """Two underlyings, a perp of size 1e18 each: the chain reverted with Panic(0x11) where Python
    returned a margin (squares of wad margins above ~5.8e58). Now both return the same IM, the
    rounded-up square root of the quadratic form (the second book's form is above 2^384)."""
    portfolio, market = _perps(size, spot)
    correlation = (W, rho, rho, W)
    kind, result = _both(oracle, portfolio, market, RiskParams((GridParams(),) * 2, correlation=correlation))
    assert kind == "value"
    margins = [u.initial_margin for u in result.underlyings]
    form = sum(correlation[2 * i + j] * margins[i] * margins[j] for i in range(2) for j in range(2))
    assert form > 2**256
    exact = isqrt(form // W)
    assert exact <= result.initial_margin <= exact + exact // 2**60 + 2


def test_one_token_of_collateral_and_perp_with_a_unit_correlation_matrix(oracle) -> None:
    """The screening report's overflow: one underlying, balance 1e18 and a perp of 1e18 at 3,000,
    correlation [[1]]: mulWadUp(mulWadUp(C, m), m) overflowed (GM_MulWadOverflow); now a value, the
    plain margin m rounded up by less than m / 2^60 (the form, 1e18 m^2, is above 2^256)."""
    portfolio = Portfolio(0, (UnderlyingPositions(0, 10**36, 10**36, 3_000 * W),))
    market = Market(NOW, (UnderlyingMarket(3_000 * W),))
    kind, result = _both(oracle, portfolio, market, RiskParams((GridParams(),), correlation=(W,)))
    margin = result.underlyings[0].initial_margin
    assert kind == "value" and margin <= result.initial_margin <= margin + margin // 2**60


def test_tiny_margins_are_not_rounded_to_a_billionth(oracle) -> None:
    """Each term used to be rounded up to 1e-18 unit^2, so any IM below 1e-9 became at least 1e-9
    (+8% at 1.6e-9). With one underlying and C = [[1]] the IM is now the margin itself; with two
    and rho = 0.5, exactly the ceil of the real square root."""
    portfolio, market = _perps(4_776_119_403, W, n=1)
    kind, result = _both(oracle, portfolio, market, RiskParams((GridParams(),), correlation=(W,)))
    assert kind == "value" and 10**9 < result.initial_margin < 3 * 10**9
    assert result.initial_margin == result.underlyings[0].initial_margin
    portfolio, market = _perps(4_776_119_403, W)
    correlation = (W, W // 2, W // 2, W)
    kind, result = _both(oracle, portfolio, market, RiskParams((GridParams(),) * 2, correlation=correlation))
    assert kind == "value" and _is_ceil_of_form(result, correlation)


def test_aggregate_is_the_exact_ceil_below_2_256_and_an_upper_bound_above() -> None:
    rng = random.Random(10)
    for _ in range(3_000):
        n = rng.randint(1, 8)
        margins = [rng.choice((0, rng.randint(1, 10**9), rng.randint(1, 2 ** rng.randint(1, 190)))) for _ in range(n)]
        rho = [[W if i == j else 0 for j in range(n)] for i in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                rho[i][j] = rho[j][i] = rng.randint(0, W)
        correlation = tuple(v for row in rho for v in row)
        form = sum(correlation[i * n + j] * margins[i] * margins[j] for i in range(n) for j in range(n))
        im = _aggregate(margins, correlation)
        assert im**2 * W >= form
        if form < 2**256:
            assert im == 0 or (im - 1) ** 2 * W < form
        else:
            root = isqrt(form // W)
            assert im <= root + root // 2**60 + 2
        assert _aggregate(margins, ()) == sum(margins)


def test_aggregate_is_monotone_in_every_margin_across_the_regimes() -> None:
    """The witness bound needs IM non-decreasing in each per-underlying margin, also where the square
    root changes regime (forms of 2^256 and 2^384)."""
    for boundary in (2**256, 2**384):
        root = isqrt(boundary)
        for x in range(boundary - 3 * root, boundary + 3 * root, root // 7):
            assert _sqrt_up(x) <= _sqrt_up(x + 1) and _sqrt_up(x) ** 2 >= x
        assert _sqrt_up(boundary - 1) <= _sqrt_up(boundary) <= _sqrt_up(boundary + 1)
    rng = random.Random(11)
    correlation = (W, 30 * PCT, 20 * PCT, 30 * PCT, W, 0, 20 * PCT, 0, W)
    for _ in range(2_000):
        margins = [rng.randint(0, 2 ** rng.randint(1, 190)) for _ in range(3)]
        k = rng.randrange(3)
        bigger = list(margins)
        bigger[k] += rng.randint(1, 2 ** rng.randint(0, 190))
        assert _aggregate(margins, correlation) <= _aggregate(bigger, correlation)
    assert SQRT_WAD == 10**9


# ---------------------------------------------------------------------------------- parameter bounds

BOOK = Portfolio(0, (UnderlyingPositions(0, 0, W, 3_000 * W),))
MARKET = Market(NOW, tuple(UnderlyingMarket(spot) for spot in (3_000 * W, 60_000 * W)))
TWO = RiskParams((GridParams(), GridParams()))
GRID = GridParams()
FORTY_NINE = replace(GRID, spot_shocks=tuple(k * PCT for k in range(-5, 6)), extended_shocks=GRID.extended_shocks * 2)
BAD_PARAMS = [
    (
        "unsorted spot shocks",
        replace(TWO, grids=(GRID, replace(GRID, spot_shocks=(5 * PCT, 0)))),
        (1, PARAM_SPOT_SHOCKS, 0),
    ),
    ("repeated spot shock", replace(TWO, grids=(replace(GRID, spot_shocks=(0, 0)), GRID)), (0, PARAM_SPOT_SHOCKS, 0)),
    (
        "no 0 in the spot shocks",
        replace(TWO, grids=(replace(GRID, spot_shocks=(-PCT, PCT)), GRID)),
        (0, PARAM_SPOT_SHOCKS, 0),
    ),
    ("9 grids", RiskParams((GRID,) * 9), (0, PARAM_GRIDS, 9)),
    ("zero diagonal", replace(TWO, correlation=(0, 0, 0, W)), (0, PARAM_CORRELATION, 0)),
    ("asymmetric matrix", replace(TWO, correlation=(W, W // 2, W // 3, W)), (0, PARAM_CORRELATION, W // 3)),
    (
        "128 options x 49 scenarios",
        replace(TWO, grids=(GRID, FORTY_NINE)),
        (1, PARAM_MAX_OPTIONS, 128),
    ),
    (
        "extended shock above +1000%",
        replace(TWO, grids=(replace(GRID, extended_shocks=(10 * W + 1,)), GRID)),
        (0, PARAM_EXTENDED_SHOCKS, 10 * W + 1),
    ),
    ("negative dte floor", replace(TWO, grids=(replace(GRID, dte_floor=-1), GRID)), (0, PARAM_DTE_FLOOR, -1)),
    (
        "dte floor above a year",
        replace(TWO, grids=(GRID, replace(GRID, dte_floor=365 * DAY + 1))),
        (1, PARAM_DTE_FLOOR, 365 * DAY + 1),
    ),
]


@pytest.mark.parametrize(("name", "params", "args"), BAD_PARAMS, ids=[b[0] for b in BAD_PARAMS])
def test_documented_bounds_are_enforced(oracle, name: str, params: RiskParams, args: tuple[int, int, int]) -> None:
    """Bounds docs/model.md stated but nothing enforced (spot shocks sorted and containing 0, at most 8
    grids, a unit-diagonal symmetric matrix), and the new ones (gas, up-shocks, dte floor)."""
    assert _both(oracle, BOOK, MARKET, params) == ("error", GM_ParamOutOfRange(*args))


@pytest.mark.parametrize(
    "params",
    [
        RiskParams((GRID,) * 8, correlation=tuple(W if i == j else 40 * PCT for i in range(8) for j in range(8))),
        replace(TWO, grids=(FORTY_NINE, GRID), max_options=125),
        replace(TWO, grids=(replace(GRID, extended_shocks=(1 - W, 10 * W), dte_floor=365 * DAY), GRID)),
        replace(TWO, grids=(replace(GRID, spot_shocks=(0,), dte_floor=0), GRID)),
    ],
    ids=["8 grids", "125 options x 49 scenarios", "extended -99.9..% to +1000%, floor a year", "one shock, no floor"],
)
def test_parameters_at_the_bounds_are_accepted(oracle, params: RiskParams) -> None:
    assert _both(oracle, BOOK, replace(MARKET, underlyings=MARKET.underlyings * 4), params)[0] == "value"


def test_the_default_grid_fits_the_gas_bound_at_128_options() -> None:
    assert 128 * scenario_count(GridParams()) <= MAX_OPTION_SCENARIOS < 128 * 49


# ---------------------------------------------------------------------------------------------- gas


def _largest_book() -> tuple[Portfolio, Market, RiskParams]:
    """128 options, each in its own expiry (the costliest shape measured), 48 scenarios: the largest
    account at the default max_options."""
    expiries = [NOW + (1 + d) * DAY for d in range(128)]
    market = Market(NOW, (UnderlyingMarket(3_000 * W, 5 * PCT, tuple(VolPoint(e, 60 * PCT) for e in expiries)),))
    options = tuple(OptionPosition(e, i % 2 == 0, 4_000 * W, (-1) ** i * 3 * W) for i, e in enumerate(expiries))
    grid = GridParams(spot_shocks=tuple(k * 2 * PCT for k in range(-8, 8)), extended_shocks=())
    assert 128 * scenario_count(grid) == MAX_OPTION_SCENARIOS
    return (
        Portfolio(10**6 * W, (UnderlyingPositions(0, 5 * W, -2 * W, 2_900 * W, options),)),
        market,
        RiskParams((grid,)),
    )


def test_the_largest_admitted_account_is_checked_well_inside_30m_gas(oracle) -> None:
    """128 options x 64 spot shocks x 16 extended cost 41.8-47.6M gas, above any block: the bound
    max_options x scenarios <= 6,144 keeps the full check of the largest account below 21M."""
    portfolio, market, params = _largest_book()
    data = oracle.evm.calldata(oracle.address, "marginOf", portfolio.as_abi(), market.as_abi(), params.as_abi())
    ok, _, gas = oracle.evm.call_raw(oracle.address, data)
    assert ok and gas < GAS_BOUND
    assert oracle.mismatch(portfolio, market, params) is None


# ---------------------------------------------------------------------------------- dte floor, shocks


def test_an_option_one_second_from_expiry_is_evaluable(oracle) -> None:
    """The term scaling (30 days / tau)^p had no floor: at 1 s with p = 1 the up-shocked vol put
    sigma sqrt(tau) above Black-76's bound and the whole account was unevaluable. The default
    dte floor (1 day) bounds the scaling; a floor of 0 keeps the old behaviour."""
    expiry = NOW + 1
    market = Market(NOW, (UnderlyingMarket(3_000 * W, 0, (VolPoint(expiry, 80 * PCT),)),))
    portfolio = Portfolio(0, (UnderlyingPositions(0, 0, 0, 0, (OptionPosition(expiry, True, 3_000 * W, -W),)),))
    steep = GridParams(term_power_short=W)
    assert _both(oracle, portfolio, market, RiskParams((steep,)))[0] == "value"
    kind, error = _both(oracle, portfolio, market, RiskParams((replace(steep, dte_floor=0),)))
    assert kind == "error" and isinstance(error, GM_VolatilityOutOfRange)


def test_the_floor_caps_the_vol_shock_at_its_one_day_value(oracle) -> None:
    """Below the floor every expiry gets the floor's vol shock: the down-shocked vol is no longer
    clipped to 0 at the defaults (0.25 x 30^0.3 = 0.69 < 1), so the vol-down scenario of a long
    straddle 1 minute from expiry differs from the clipped one (floor 0)."""
    expiry = NOW + 60
    market = Market(NOW, (UnderlyingMarket(3_000 * W, 0, (VolPoint(expiry, 80 * PCT),)),))
    options = (OptionPosition(expiry, False, 3_000 * W, W), OptionPosition(expiry, True, 3_000 * W, W))
    portfolio = Portfolio(0, (UnderlyingPositions(0, 0, 0, 0, options),))
    floored = _both(oracle, portfolio, market, RiskParams((GRID,)))[1]
    clipped = _both(oracle, portfolio, market, RiskParams((replace(GRID, dte_floor=0),)))[1]
    at_spot = 3 * 4  # scenario index of (spot shock 0, vol down)
    assert floored.underlyings[0].pnl[at_spot] > clipped.underlyings[0].pnl[at_spot]


def test_extended_up_shocks_beyond_100_percent(oracle) -> None:
    """|s| < 1 made up-moves of +100% and more impossible to configure; the default extended set is now
    Deribit's published example (-66%, -33%, +50%, +100% ... +500%), so a far out-of-the-money short
    call is charged in an extended up-move scenario."""
    assert max(GRID.extended_shocks) == 5 * W
    expiry = NOW + 90 * DAY
    market = Market(NOW, (UnderlyingMarket(3_000 * W, 0, (VolPoint(expiry, 60 * PCT),)),))
    portfolio = Portfolio(0, (UnderlyingPositions(0, 0, 0, 0, (OptionPosition(expiry, True, 12_000 * W, -W),)),))
    kind, result = _both(oracle, portfolio, market, RiskParams((GRID,)))
    worst = result.underlyings[0].worst_scenario
    assert kind == "value" and worst >= 3 * len(GRID.spot_shocks)
    assert GRID.extended_shocks[worst - 3 * len(GRID.spot_shocks)] > W
