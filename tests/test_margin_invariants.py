"""Invariants of the margin engine (docs/model.md), on random books:

- the witness bound never exceeds the full maintenance margin, and equals it at the worst scenario;
- adding collateral (cash or a token balance) never raises the maintenance margin;
- a long and a short of the same option net to nothing: the book's result is unchanged;
- scaling every size by k scales the loss by k, within the documented rounding slack;
- an extended scenario weighs min(1, dampener / |shock|), rounded up, wherever it is computed.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from offchain.differential.portfolios import W, random_case
from offchain.formats.report import scenarios
from offchain.twins.exceptions import ContractError
from offchain.twins.margin import margin_of, shortfall_witness
from offchain.twins.types import GridParams, OptionPosition

SEEDS = range(60)


def _valid_case(seed: int):
    rng = random.Random(seed)
    for _ in range(20):
        portfolio, market, params = random_case(rng)
        try:
            return rng, portfolio, market, params, margin_of(portfolio, market, params)
        except ContractError:
            continue
    pytest.skip("no valid case drawn")


@pytest.mark.parametrize("seed", SEEDS)
def test_witness_never_exceeds_full_margin(seed: int) -> None:
    rng, portfolio, market, params, full = _valid_case(seed)
    worst = tuple(u.worst_scenario for u in full.underlyings)
    assert shortfall_witness(portfolio, market, params, worst) == (full.equity, full.maintenance_margin)
    for _ in range(5):
        witness = tuple(rng.randrange(len(u.pnl)) for u in full.underlyings)
        assert shortfall_witness(portfolio, market, params, witness)[1] <= full.maintenance_margin


@pytest.mark.parametrize("seed", SEEDS)
def test_more_collateral_never_raises_margin(seed: int) -> None:
    rng, portfolio, market, params, full = _valid_case(seed)
    richer_cash = replace(portfolio, cash=portfolio.cash + rng.randint(1, 10**6) * W)
    assert margin_of(richer_cash, market, params).maintenance_margin == full.maintenance_margin
    index = rng.randrange(len(portfolio.positions))
    pos = portfolio.positions[index]
    richer = replace(pos, balance=pos.balance + rng.randint(1, 10**4) * W // 100)
    positions = portfolio.positions[:index] + (richer,) + portfolio.positions[index + 1 :]
    result = margin_of(replace(portfolio, positions=positions), market, params)
    assert result.maintenance_margin <= full.maintenance_margin
    assert result.equity >= full.equity


def _net(options: tuple[OptionPosition, ...]) -> tuple[OptionPosition, ...]:
    """The canonical form: one entry per series, sizes summed, zeros dropped, sorted."""
    sizes: dict[tuple[int, int, bool], int] = {}
    for o in options:
        sizes[o.series] = sizes.get(o.series, 0) + o.size
    return tuple(OptionPosition(e, c, k, n) for (e, k, c), n in sorted(sizes.items()) if n)


@pytest.mark.parametrize("seed", SEEDS)
def test_hedged_pair_adds_no_loss(seed: int) -> None:
    rng, portfolio, market, params, full = _valid_case(seed)
    pos = portfolio.positions[0]
    expiry = market.underlyings[pos.underlying].vols[0].expiry
    size = rng.randint(1, 100) * W
    pair = (
        OptionPosition(expiry, True, market.underlyings[pos.underlying].spot, size),
        OptionPosition(expiry, True, market.underlyings[pos.underlying].spot, -size),
    )
    hedged = replace(pos, options=_net(pos.options + pair))
    assert margin_of(replace(portfolio, positions=(hedged,) + portfolio.positions[1:]), market, params) == full


@pytest.mark.parametrize("seed", SEEDS)
def test_scaling_sizes_scales_loss(seed: int) -> None:
    rng, portfolio, market, params, full = _valid_case(seed)
    k = rng.randint(2, 50)
    scaled = replace(
        portfolio,
        positions=tuple(
            replace(
                p,
                balance=p.balance * k,
                perp_size=p.perp_size * k,
                options=tuple(replace(o, size=o.size * k) for o in p.options),
            )
            for p in portfolio.positions
        ),
    )
    try:
        result = margin_of(scaled, market, params)
    except ContractError:
        pytest.skip("scaled sizes left the amount domain")
    for before, after in zip(full.underlyings, result.underlyings):
        # Each of the ~(options + 3) rounded products moves the loss by under 1 wei per valuation,
        # and the scaled book's loss carries k times the unscaled book's rounding.
        slack = (k + 1) * 4 * (len(portfolio.positions[0].options) + len(before.pnl) + 3)
        assert abs(after.loss - k * before.loss) <= slack, (k, before.loss, after.loss)


def test_extended_weight_is_the_dampener_ratio_rounded_up() -> None:
    grid = GridParams(dampener=33 * 10**16)
    assert grid.extended_weight(-66 * 10**16) == W // 2
    assert grid.extended_weight(90 * 10**16) == 366_666_666_666_666_667  # 0.33 / 0.9, rounded up
    assert grid.extended_weight(20 * 10**16) == W  # at most 1
    assert [s.weight for s in scenarios(grid) if s.extended] == [grid.extended_weight(s) for s in grid.extended_shocks]
