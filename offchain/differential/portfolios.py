"""Random portfolios, markets and parameters for the margin engine's differential tests.

Mostly valid books (hedged, naked, multi-underlying, near expiry, tiny and huge sizes; token balances of
both signs next to perps and options, some delta-neutral against their perp), with a share of deliberately
broken ones so every validation error is exercised on both sides.
"""

from __future__ import annotations

import random
from dataclasses import replace

from offchain.twins.margin import MAX_OPTION_SCENARIOS, MAX_OPTIONS, scenario_count
from offchain.twins.types import (
    GridParams,
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
# ETH-, BTC- and SOL-like prices, a token just below 1.0 (forwards on both sides of 1e18, where the
# engine switches how it takes ln F) and a dust price of 7 wei (shocked spots and forwards of 0).
SPOTS = (3_000 * W, 60_000 * W, 150 * W, 9 * 10**17, 7)


def random_market(rng: random.Random, expiries: list[int]) -> Market:
    underlyings = []
    for spot in SPOTS:
        vols = tuple(VolPoint(e, rng.randint(20, 150) * 10**16) for e in expiries)
        underlyings.append(UnderlyingMarket(spot * rng.randint(80, 120) // 100, rng.randint(0, 10) * 10**16, vols))
    return Market(NOW, tuple(underlyings))


def random_params(rng: random.Random) -> RiskParams:
    grids = tuple(GridParams() if rng.random() < 0.7 else _random_grid(rng) for _ in SPOTS)
    correlation: tuple[int, ...] = ()
    if rng.random() < 0.5:
        n = len(SPOTS)
        rho = [[W if i == j else 0 for j in range(n)] for i in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                rho[i][j] = rho[j][i] = rng.randint(0, 100) * 10**16
        correlation = tuple(v for row in rho for v in row)
    max_options = min(MAX_OPTIONS, MAX_OPTION_SCENARIOS // max(scenario_count(g) for g in grids))
    return RiskParams(grids, rng.randint(50, 100) * 10**16, correlation, max_options)


def random_portfolio(rng: random.Random, expiries: list[int], max_options: int = 16) -> Portfolio:
    chosen = sorted(rng.sample(range(len(SPOTS)), rng.randint(1, len(SPOTS))))
    positions = []
    for u in chosen:
        spot = SPOTS[u]
        series: dict[tuple[int, int, bool], int] = {}
        for _ in range(rng.randint(0, max_options // len(chosen))):
            key = (rng.choice(expiries), spot * rng.randint(50, 150) // 100, rng.random() < 0.5)
            series[key] = series.get(key, 0) + _size(rng)
        options = tuple(
            OptionPosition(e, c, k, n)
            for (e, k, c), n in sorted(series.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2]))
            if n
        )
        balance = _size(rng) if rng.random() < 0.6 else 0
        perp = _size(rng) if rng.random() < 0.5 else 0
        if balance and rng.random() < 0.2:
            perp = -balance  # delta-neutral: no linear P&L in any scenario
        positions.append(UnderlyingPositions(u, balance, perp, spot * rng.randint(90, 110) // 100, options))
    return Portfolio(rng.randint(-50_000, 200_000) * W, tuple(positions))


def random_case(rng: random.Random, broken_share: float = 0.15) -> tuple[Portfolio, Market, RiskParams]:
    """A random (portfolio, market, params); ``broken_share`` of them violate one validation rule."""
    expiries = sorted(
        {
            NOW + rng.choice((1, 3600, DAY, 7 * DAY, 30 * DAY, 90 * DAY, 365 * DAY)) + rng.randint(0, 100)
            for _ in range(3)
        }
    )
    case = (random_portfolio(rng, expiries), random_market(rng, expiries), random_params(rng))
    return _break(rng, *case) if rng.random() < broken_share else case


def _break(
    rng: random.Random, portfolio: Portfolio, market: Market, params: RiskParams
) -> tuple[Portfolio, Market, RiskParams]:
    """Violate one rule the engine validates (each maps to a named error on both sides)."""
    pos = portfolio.positions[0]
    option = OptionPosition(NOW + DAY, True, SPOTS[pos.underlying], W)
    u = pos.underlying
    mutations = [
        lambda: (_with_options(portfolio, (replace(option, expiry=NOW - rng.randint(0, DAY)),)), market, params),
        lambda: (_with_options(portfolio, (replace(option, strike=-rng.randint(0, W)),)), market, params),
        lambda: (_with_options(portfolio, (option, option)), market, params),
        lambda: (_with_options(portfolio, (replace(option, size=0),)), market, params),
        lambda: (_with_options(portfolio, (replace(option, expiry=NOW + 2 * DAY + 17),)), market, params),
        lambda: (
            replace(
                portfolio, positions=portfolio.positions + (replace(pos, underlying=len(SPOTS) + rng.randint(0, 3)),)
            ),
            market,
            params,
        ),
        lambda: (replace(portfolio, positions=(pos, pos)), market, params),
        lambda: (replace(portfolio, cash=rng.choice((1, -1)) * (10**36 + rng.randint(1, 10**40))), market, params),
        lambda: (
            portfolio,
            market,
            replace(params, max_options=0)
            if any(p.options for p in portfolio.positions)
            else replace(params, mm_factor=0),
        ),
        lambda: (portfolio, market, replace(params, mm_factor=rng.choice((0, -W, W + 1)))),
        lambda: (portfolio, market, replace(params, grids=tuple(replace(g, haircut=W) for g in params.grids))),
        lambda: (  # the collateral rule: m (f + h) > 1 for every grid whose down-shocks reach 1%
            portfolio,
            market,
            replace(
                params, mm_factor=W, grids=tuple(replace(g, haircut=W - rng.randint(1, PCT)) for g in params.grids)
            ),
        ),
        lambda: (
            portfolio,
            market,
            replace(params, grids=tuple(replace(g, spot_shocks=g.spot_shocks + (W,)) for g in params.grids)),
        ),
        lambda: (
            portfolio,
            market,
            replace(params, grids=tuple(replace(g, extended_shocks=(0,)) for g in params.grids)),
        ),
        lambda: (portfolio, market, replace(params, correlation=(W,))),
        lambda: (portfolio, market, replace(params, correlation=(0,) * len(SPOTS) ** 2)),
        lambda: (portfolio, market, replace(params, grids=params.grids * 2)),
        lambda: (
            portfolio,
            market,
            replace(params, grids=tuple(replace(g, spot_shocks=g.spot_shocks + (0,)) for g in params.grids)),
        ),
        lambda: (
            portfolio,
            market,
            replace(
                params,
                grids=tuple(
                    replace(g, spot_shocks=tuple(s for s in g.spot_shocks if s) or (W // 10,)) for g in params.grids
                ),
            ),
        ),
        lambda: (
            portfolio,
            market,
            replace(params, grids=tuple(replace(g, dte_floor=rng.choice((-1, 365 * DAY + 1))) for g in params.grids)),
        ),
        lambda: (portfolio, _with_market(market, u, spot=-rng.randint(0, W)), params),
        lambda: (portfolio, _with_market(market, u, rate=rng.choice((-1, W + 1))), params),
    ]
    return rng.choice(mutations)()


def _with_options(portfolio: Portfolio, options: tuple[OptionPosition, ...]) -> Portfolio:
    first = replace(portfolio.positions[0], options=options)
    return replace(portfolio, positions=(first,) + portfolio.positions[1:])


def _with_market(market: Market, underlying: int, **changes: int) -> Market:
    states = list(market.underlyings)
    states[underlying] = replace(states[underlying], **changes)
    return replace(market, underlyings=tuple(states))


def _size(rng: random.Random) -> int:
    magnitude = rng.choice((W // 1000, W // 10, W, 10 * W, 1000 * W)) * rng.randint(1, 9)
    return magnitude if rng.random() < 0.5 else -magnitude


def _random_grid(rng: random.Random) -> GridParams:
    steps = rng.randint(1, 8)
    width = rng.randint(5, 30) * 10**16
    shocks = tuple(sorted({width * k // steps for k in range(-steps, steps + 1)}))
    extended = tuple(
        sorted({rng.choice((-rng.randint(20, 90), rng.randint(20, 600))) * 10**16 for _ in range(rng.randint(0, 6))})
    )
    return GridParams(
        spot_shocks=shocks,
        vol_down=rng.randint(0, 50) * 10**16,
        vol_up=rng.randint(0, 100) * 10**16,
        extended_shocks=extended,
        dampener=rng.randint(10, 50) * 10**16,
        haircut=rng.randint(0, 50) * 10**16,
        dte_floor=rng.choice((0, 3600, DAY, 7 * DAY)),
    )
