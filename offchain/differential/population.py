"""Random account populations for the screening tests and benchmark (offchain/screening/).

Screening evaluates many accounts under one market and one parameter set, so populations come in
**batches**: a random ``Market`` (spots, vols, rates and expiries varied around the defaults of
offchain/differential/portfolios.py, including 1-second and 2-year expiries, zero and extreme vols), random
``RiskParams`` (default or random grids, term powers, add-ons, haircuts, MM factor, correlation or
not) and a listed strike grid per underlying, then many accounts drawn from it:

* :func:`random_account` -- 1-3 underlyings, 0-``max_options`` options (mostly listed strikes, some
  off-grid), token collateral and debt, perps, sizes from 1 wei to 10^5 units, and cash scaled to the
  book so both healthy and under-margined accounts are common;
* :func:`book16` -- exactly 16 options on one underlying (the benchmark's account);
* :func:`tune_to_boundary` -- moves an account's cash so ``equity - MM`` lands at a chosen offset
  from the exact engine's boundary (equity is linear in cash with slope 1, MM does not depend on it);
* :func:`invalid_account` -- one mutation the exact engine rejects;
* :func:`huge_account` -- amounts up to ``AMOUNT_MAX``: margins from ~1e13 to ~1e23 cash units, on
  both sides of the correlated aggregation's overflow (the engine raises GM_MulWadOverflow once one
  underlying's margin passes ~2.4e20);
* :func:`wei_scale_batch` / :func:`wei_scale_account` -- one underlying priced near the wei (7 wei to
  1e15 wei) and positions up to ``AMOUNT_MAX``, where the engine's wei roundings are largest against
  the buffer.

:func:`exact_outcomes` runs ``margin_of`` over ``(batch, portfolio)`` items in worker processes.
"""

from __future__ import annotations

import multiprocessing
import random
from dataclasses import dataclass, replace

from offchain.twins.constants import AMOUNT_MAX
from offchain.twins.exceptions import ContractError
from offchain.twins.margin import margin_of
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
DAY = 86_400
NOW = 1_800_000_000
BASE_SPOTS = (3_000, 60_000, 150)
EXPIRY_OFFSETS = (
    1,
    30,
    3_600,
    6 * 3_600,
    DAY,
    7 * DAY,
    30 * DAY - 1,
    30 * DAY,
    30 * DAY + 1,
    90 * DAY,
    180 * DAY,
    365 * DAY,
    730 * DAY,
)


@dataclass(frozen=True)
class Batch:
    """One market, one parameter set, and the listed series accounts trade."""

    market: Market
    params: RiskParams
    expiries: tuple[int, ...]
    strikes: tuple[tuple[int, ...], ...]  # listed strikes per underlying (wad)


def random_batch(rng: random.Random, *, max_options: int = 128, n_underlyings: int = 3) -> Batch:
    expiries = tuple(sorted({NOW + rng.choice(EXPIRY_OFFSETS) + rng.randint(0, 100) for _ in range(rng.randint(2, 5))}))
    underlyings = []
    strikes = []
    for base in BASE_SPOTS[:n_underlyings]:
        spot = base * W * rng.randint(30, 300) // 100
        vols = tuple(VolPoint(e, _vol(rng)) for e in expiries)
        roll = rng.random()
        rate = 0 if roll < 0.2 else rng.randint(0, 10**17) if roll < 0.9 else rng.randint(10**17, W)
        underlyings.append(UnderlyingMarket(spot, rate, vols))
        unit = max(1, spot // W // 100) * W  # strikes on a round grid, 50% .. 200% of spot in 5% steps
        strikes.append(tuple(sorted({max(unit, spot * k // 100 // unit * unit) for k in range(50, 205, 5)})))
    mm_factor = rng.randint(50, 100) * 10**16
    grids = tuple(GridParams() if rng.random() < 0.5 else _random_grid(rng, mm_factor) for _ in underlyings)
    correlation: tuple[int, ...] = ()
    if rng.random() < 0.5:
        n = len(grids)
        rho = [[W if i == j else 0 for j in range(n)] for i in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                rho[i][j] = rho[j][i] = rng.choice((0, W, rng.randint(0, W)))
        correlation = tuple(v for row in rho for v in row)
    params = RiskParams(grids, mm_factor, correlation, max_options)
    return Batch(Market(NOW, tuple(underlyings)), params, expiries, tuple(strikes))


def standard_batch() -> Batch:
    """Three underlyings at their base spots, expiries 7 / 30 / 90 / 180 days, vols 50-80%, rate 5%,
    the default grid (27 standard + 8 extended scenarios), correlation 0.5: the
    benchmark's market."""
    expiries = tuple(NOW + d * DAY for d in (7, 30, 90, 180))
    underlyings, strikes = [], []
    for u, base in enumerate(BASE_SPOTS):
        spot = base * W
        underlyings.append(
            UnderlyingMarket(
                spot, 5 * 10**16, tuple(VolPoint(e, (50 + 10 * i + 5 * u) * 10**16) for i, e in enumerate(expiries))
            )
        )
        unit = max(1, base // 100) * W
        strikes.append(tuple(sorted({max(unit, spot * k // 100 // unit * unit) for k in range(50, 205, 5)})))
    n = len(BASE_SPOTS)
    correlation = tuple(W if i == j else W // 2 for i in range(n) for j in range(n))
    params = RiskParams(tuple(GridParams() for _ in BASE_SPOTS), 80 * 10**16, correlation)
    return Batch(Market(NOW, tuple(underlyings)), params, expiries, tuple(strikes))


def random_account(rng: random.Random, batch: Batch, max_options: int = 4) -> Portfolio:
    n_und = len(batch.market.underlyings)
    chosen = sorted(rng.sample(range(n_und), rng.choice((1, 1, 1, 2, 2, 3)) if n_und >= 3 else rng.randint(1, n_und)))
    if max_options <= 4:  # small books, weighted toward one or two options (the exact engine's cost)
        total = min(max_options, rng.choices((0, 1, 2, 3, 4), (2, 4, 3, 2, 1))[0])
    else:
        total = rng.randint(0, max_options)
    per = [0] * len(chosen)
    for _ in range(total):
        per[rng.randrange(len(chosen))] += 1
    positions = []
    scale = 0
    for u, count in zip(chosen, per):
        spot = batch.market.underlyings[u].spot
        options = _options(rng, batch, u, count)
        balance = _size(rng) if rng.random() < 0.4 else 0
        perp = _size(rng) if rng.random() < 0.4 else 0
        entry = spot * rng.randint(80, 120) // 100
        positions.append(UnderlyingPositions(u, balance, perp, entry, options))
        scale += (abs(balance) + abs(perp) + sum(abs(o.size) for o in options)) * spot // W
    roll = rng.random()
    if roll < 0.1:
        cash = 0
    elif roll < 0.2:
        cash = rng.randint(-(10**6), 10**6) * W
    else:
        cash = int(scale * rng.uniform(-0.3, 0.6))
    return Portfolio(_clip(cash), tuple(positions))


def book16(rng: random.Random, batch: Batch, distinct_strikes: bool = False) -> Portfolio:
    """Exactly 16 options on one underlying (plus a perp and collateral): the benchmark account.

    ``distinct_strikes`` draws every strike off-grid (no two accounts share a series: screening's
    worst case) instead of from the listed grid."""
    u = rng.randrange(len(batch.market.underlyings))
    spot = batch.market.underlyings[u].spot
    series: dict[tuple[int, int, bool], int] = {}
    while len(series) < 16:
        strike = spot * rng.randint(5 * 10**8, 2 * 10**9) // 10**9 if distinct_strikes else rng.choice(batch.strikes[u])
        key = (rng.choice(batch.expiries), strike, rng.random() < 0.5)
        series[key] = rng.choice((-1, 1)) * rng.randint(1, 100) * 10**17
    options = tuple(OptionPosition(e, c, k, n) for (e, k, c), n in sorted(series.items()))
    position = UnderlyingPositions(
        u, rng.randint(0, 20) * W, rng.randint(-20, 20) * W, spot * rng.randint(90, 110) // 100, options
    )
    return Portfolio(rng.randint(0, 10**5) * spot // 100, (position,))


def huge_account(rng: random.Random, batch: Batch) -> Portfolio:
    """1-2 underlyings with a balance, a perp and 0-2 options, each amount 10^U(31, 36) wad (either sign),
    cash scaled to the book: the overflow family of the correlated aggregation and its neighbourhood."""
    n_und = len(batch.market.underlyings)
    chosen = sorted(rng.sample(range(n_und), min(n_und, rng.randint(1, 2))))
    positions, scale = [], 0
    for u in chosen:
        spot = batch.market.underlyings[u].spot
        series = {(rng.choice(batch.expiries), rng.choice(batch.strikes[u]), rng.random() < 0.5) for _ in range(2)}
        options = tuple(OptionPosition(e, c, k, _huge(rng)) for e, k, c in sorted(series)[: rng.randint(0, 2)])
        balance, perp = _huge(rng) if rng.random() < 0.7 else 0, _huge(rng) if rng.random() < 0.7 else 0
        positions.append(UnderlyingPositions(u, balance, perp, spot * rng.randint(80, 120) // 100, options))
        scale += (abs(balance) + abs(perp) + sum(abs(o.size) for o in options)) * spot // W
    return Portfolio(_clip(int(scale * rng.uniform(-0.3, 0.6))), tuple(positions))


def wei_scale_batch(rng: random.Random) -> Batch:
    """A :func:`random_batch` on one underlying whose spot is 7 wei to 1e15 wei, strikes 50% .. 200% of it."""
    batch = random_batch(rng, n_underlyings=1)
    spot = rng.choice((7, 10**3, 10**6, 10**9, 10**12, 10**15))
    market = replace(batch.market, underlyings=(replace(batch.market.underlyings[0], spot=spot),))
    strikes = (tuple(sorted({max(1, spot * k // 100) for k in range(50, 205, 5)})),)
    return replace(batch, market=market, strikes=strikes)


def wei_scale_account(rng: random.Random, batch: Batch) -> Portfolio:
    """A :func:`random_account` of ``batch`` with every amount (sizes, balance, cash) times 10^(6..12)."""
    account = random_account(rng, batch)
    factor = 10 ** rng.randint(6, 12)
    positions = tuple(
        replace(
            pos,
            balance=_clip(pos.balance * factor),
            perp_size=_clip(pos.perp_size * factor),
            options=tuple(replace(o, size=_clip(o.size * factor)) for o in pos.options),
        )
        for pos in account.positions
    )
    return Portfolio(_clip(account.cash * factor), positions)


def tune_to_boundary(portfolio: Portfolio, equity: int, maintenance: int, offset: int) -> Portfolio | None:
    """The same account with cash moved so that exact ``equity - MM == offset`` (None if out of range)."""
    cash = portfolio.cash + maintenance - equity + offset
    if not -AMOUNT_MAX <= cash <= AMOUNT_MAX:
        return None
    return replace(portfolio, cash=cash)


def boundary_offset(rng: random.Random, equity: int, maintenance: int, cash: int) -> int:
    """An offset for :func:`tune_to_boundary`: a quarter within 1 wei of the boundary, the rest
    +-10^U(-14, -2) of the account's scale (max(MM, |E - cash|, 1 unit))."""
    if rng.random() < 0.25:
        return rng.choice((-1, 0, 1))
    scale = max(maintenance, abs(equity - cash), W)
    return int(rng.choice((-1, 1)) * scale * 10 ** rng.uniform(-14, -2))


def invalid_account(rng: random.Random, batch: Batch) -> Portfolio:
    """A valid-looking account with one defect the exact engine rejects."""
    while True:
        base = random_account(rng, batch, 4)
        if any(p.options for p in base.positions):
            break
    index = next(i for i, p in enumerate(base.positions) if p.options)
    pos = base.positions[index]
    opts = list(pos.options)
    kind = rng.randrange(9)
    if kind == 0:
        opts[0] = replace(opts[0], expiry=NOW - 1)
    elif kind == 1:
        opts[-1] = replace(opts[-1], expiry=max(batch.expiries) + 7)  # no vol for it
    elif kind == 2:
        opts[0] = replace(opts[0], size=0)
    elif kind == 3:
        opts.append(opts[-1])  # duplicate series: not canonical
    elif kind == 4:
        opts[0] = replace(opts[0], strike=0)
    elif kind == 5:
        return replace(base, cash=AMOUNT_MAX + 1)
    elif kind == 6:
        return replace(base, positions=base.positions + (UnderlyingPositions(len(batch.market.underlyings) + 3),))
    elif kind == 7:
        return replace(base, positions=base.positions + (replace(base.positions[-1], options=()),))  # not sorted
    else:
        opts[0] = replace(opts[0], size=AMOUNT_MAX + 1)
    positions = list(base.positions)
    positions[index] = replace(pos, options=tuple(opts))
    return replace(base, positions=tuple(positions))


# --- the exact engine in worker processes -------------------------------------------------------

_BATCHES: list[Batch] = []


def _exact(item: tuple[int, Portfolio]) -> tuple[int, int] | ContractError:
    batch = _BATCHES[item[0]]
    try:
        result = margin_of(item[1], batch.market, batch.params)
    except ContractError as exc:
        return exc
    return result.equity, result.maintenance_margin


def exact_outcomes(batches: list[Batch], items: list[tuple[int, Portfolio]], processes: int = 2) -> list:
    """``(equity, MM)`` or the engine's exception, per ``(batch index, portfolio)`` item."""
    global _BATCHES
    _BATCHES = batches
    if processes <= 1:
        return [_exact(item) for item in items]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return pool.map(_exact, items, chunksize=256)


# --- helpers ---------------------------------------------------------------------------------------


def _vol(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.04:
        return 0
    if roll < 0.08:
        return rng.randint(200, 500) * 10**16
    return rng.randint(5, 200) * 10**16


def _options(rng: random.Random, batch: Batch, u: int, count: int) -> tuple[OptionPosition, ...]:
    spot = batch.market.underlyings[u].spot
    series: dict[tuple[int, int, bool], int] = {}
    for _ in range(count):
        strike = (
            rng.choice(batch.strikes[u])
            if rng.random() < 0.9
            else max(1, spot * rng.randint(10**5, 3 * 10**6) // 10**6)
        )
        key = (rng.choice(batch.expiries), strike, rng.random() < 0.5)
        series[key] = series.get(key, 0) + _size(rng)
    return tuple(OptionPosition(e, c, k, n) for (e, k, c), n in sorted(series.items()) if n)


def _size(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.02:
        magnitude = rng.randint(1, 10**6)  # a few wei to a micro-unit
    else:
        magnitude = rng.choice((W // 1000, W // 10, W, 10 * W, 1000 * W, 10**5 * W)) * rng.randint(1, 9)
    return magnitude if rng.random() < 0.5 else -magnitude


def _huge(rng: random.Random) -> int:
    return rng.choice((-1, 1)) * int(10 ** rng.uniform(31, 36))


def _clip(amount: int) -> int:
    return max(-AMOUNT_MAX, min(AMOUNT_MAX, amount))


def _random_grid(rng: random.Random, mm_factor: int) -> GridParams:
    """Random shocks, vol shocks, term powers, dampener and add-ons; a haircut up to 0.5 that keeps the
    collateral rule mulWadUp(m, f + h) <= 1 (docs/model.md section 5) with ``mm_factor`` m."""
    steps = rng.randint(1, 6)  # at most 13 + 8 shocks: 128 options x 47 scenarios, within the gas bound
    width = rng.randint(5, 30) * 10**16
    shocks = tuple(sorted({width * k // steps for k in range(-steps, steps + 1)}))
    extended = tuple(
        sorted({rng.choice((-rng.randint(20, 90), rng.randint(20, 600))) * 10**16 for _ in range(rng.randint(0, 8))})
    )
    grid = GridParams(
        spot_shocks=shocks,
        vol_down=rng.randint(0, 100) * 10**16,
        vol_up=rng.randint(0, 200) * 10**16 if rng.random() < 0.95 else rng.randint(2, 10) * W,
        term_power_short=rng.randint(0, 100) * 10**16,
        term_power_long=rng.randint(0, 100) * 10**16,
        extended_shocks=extended,
        dampener=rng.randint(10, 50) * 10**16,
        linear_add_on=rng.randint(0, 50) * 10**14,
        short_option_add_on=rng.randint(0, 50) * 10**14,
    )
    fraction = max(
        [-s for s in shocks] + [-(-s * grid.extended_weight(s) // W) for s in extended if s < 0]
    )  # the largest loss fraction of a long position, rounded up
    room = W * W // mm_factor - fraction  # mulWadUp(m, f + h) <= 1e18 iff m (f + h) <= 1e36
    return replace(grid, haircut=rng.randint(0, min(50, room * 100 // W)) * 10**16 if room > 0 else 0)
