"""Invariants of the margin engine (docs/model.md), on random books, by the Python twin; every book a test
derives is also valued by MarginEvaluator (EVM) and must agree to the wei:

- the witness bound never exceeds the full maintenance margin, and equals it at the worst scenario;
- a delta-neutral book (b tokens and a perp of size -b) has zero grid loss: its IM is the add-ons and the
  haircut contingency only;
- adding collateral never lowers excess margin (equity - MM): cash raises it exactly, tokens up to the
  rounding bound of section 5, also at the collateral rule's bound; without the rule it can fall;
- repaying a token debt with cash (section 5): the risk vector moves by the repaid debt's linear P&L; a debt
  that hedged nothing never lowers excess margin;
- the collateral rule mulWadUp(m, f + h) <= 1e18 at its exact boundary, on both sides;
- a long and a short of the same option net to nothing: the book's result is unchanged;
- scaling every size by k scales the loss by k, within the documented rounding slack;
- an extended scenario weighs min(1, dampener / |shock|), rounded up, wherever it is computed.
"""

from __future__ import annotations

import random
from dataclasses import replace
from math import isqrt

import numpy as np
import pytest

from offchain.differential.margin import MarginOracle
from offchain.differential.portfolios import W, random_case
from offchain.formats.report import scenarios
from offchain.twins import margin
from offchain.twins.constants import PARAM_HAIRCUT
from offchain.twins.errors import GM_ParamOutOfRange
from offchain.twins.exceptions import ContractError
from offchain.twins.fixedpoint import mul_wad_down, mul_wad_up
from offchain.twins.margin import margin_of, shortfall_witness, spot_move
from offchain.twins.types import (
    GridParams,
    MarginResult,
    Market,
    OptionPosition,
    Portfolio,
    RiskParams,
    UnderlyingMarket,
    UnderlyingPositions,
)

SEEDS = range(60)
PCT = 10**16


@pytest.fixture(scope="module")
def oracle() -> MarginOracle:
    return MarginOracle()


def _valid_case(seed: int, psd: bool = False):
    """(rng, portfolio, market, params, result) of a random valid book; ``psd``: a correlation matrix that
    is not positive semi-definite is replaced by the plain sum (the collateral proof needs C PSD)."""
    rng = random.Random(seed)
    for _ in range(20):
        portfolio, market, params = random_case(rng)
        if psd and not _is_psd(params.correlation):
            params = replace(params, correlation=())
        try:
            return rng, portfolio, market, params, margin_of(portfolio, market, params)
        except ContractError:
            continue
    pytest.skip("no valid case drawn")


def _is_psd(correlation: tuple[int, ...]) -> bool:
    if not correlation:
        return True
    n = isqrt(len(correlation))
    matrix = np.array(correlation, dtype=float).reshape(n, n) / W
    return bool(np.linalg.eigvalsh((matrix + matrix.T) / 2).min() >= -1e-12)


def _excess(result: MarginResult) -> int:
    return result.equity - result.maintenance_margin


def _with(portfolio: Portfolio, index: int, pos: UnderlyingPositions, cash: int = 0) -> Portfolio:
    positions = portfolio.positions[:index] + (pos,) + portfolio.positions[index + 1 :]
    return replace(portfolio, cash=portfolio.cash + cash, positions=positions)


def _agreed(oracle: MarginOracle, portfolio: Portfolio, market: Market, params: RiskParams) -> MarginResult:
    """margin_of, after checking that MarginEvaluator returns the same result (or the same error)."""
    problem = oracle.mismatch(portfolio, market, params)
    assert problem is None, problem
    return margin_of(portfolio, market, params)


def _size(rng: random.Random) -> int:
    return rng.choice((1, 7, W // 1000, W, 10 * W, 1000 * W)) * rng.randint(1, 9)


def _aggregate_rounding(result: MarginResult, params: RiskParams) -> int:
    """A of docs/model.md section 5: the aggregate IM above the floor of the exact one (0 for the plain sum)."""
    margins = {u.underlying: u.initial_margin for u in result.underlyings}
    if not params.correlation:
        return result.initial_margin - sum(margins.values())
    n = len(params.grids)
    quadratic = sum(params.correlation[i * n + j] * mi * mj for i, mi in margins.items() for j, mj in margins.items())
    return result.initial_margin - isqrt(quadratic // W)


def _contingency(grid: GridParams, balance: int, spot: int) -> int:
    return mul_wad_up(grid.haircut, mul_wad_up(abs(balance), spot))


@pytest.mark.parametrize("seed", SEEDS)
def test_witness_never_exceeds_full_margin(seed: int) -> None:
    rng, portfolio, market, params, full = _valid_case(seed)
    worst = tuple(u.worst_scenario for u in full.underlyings)
    assert shortfall_witness(portfolio, market, params, worst) == (full.equity, full.maintenance_margin)
    for _ in range(5):
        witness = tuple(rng.randrange(len(u.pnl)) for u in full.underlyings)
        assert shortfall_witness(portfolio, market, params, witness)[1] <= full.maintenance_margin


@pytest.mark.parametrize("seed", SEEDS)
def test_delta_neutral_book_has_zero_grid_loss(seed: int, oracle: MarginOracle) -> None:
    """b tokens and a perp of size -b: the linear P&L is 0 to the wei in every scenario, so the risk vector
    is the options' alone and IM grows by exactly the linear add-on and the contingency on |b| S."""
    rng, portfolio, market, params, _ = _valid_case(seed)
    index = rng.randrange(len(portfolio.positions))
    pos = portfolio.positions[index]
    balance = _size(rng) * rng.choice((1, -1))
    spot, grid = market.underlyings[pos.underlying].spot, params.grids[pos.underlying]
    neutral = replace(pos, balance=balance, perp_size=-balance, perp_entry=spot * rng.randint(90, 110) // 100)
    options_only = replace(pos, balance=0, perp_size=0)
    for options in (pos.options, ()):
        result = _agreed(oracle, _with(portfolio, index, replace(neutral, options=options)), market, params)
        reference = margin_of(_with(portfolio, index, replace(options_only, options=options)), market, params)
        detail, bare = result.underlyings[index], reference.underlyings[index]
        assert detail.pnl == bare.pnl and detail.loss == bare.loss
        notional = mul_wad_up(abs(balance), spot)
        charges = mul_wad_up(grid.linear_add_on, notional) + _contingency(grid, balance, spot)
        assert detail.initial_margin - bare.initial_margin == charges
    assert set(detail.pnl) == {0} and detail.loss == 0 and detail.initial_margin == charges


def _check_adding_tokens(rng: random.Random, portfolio: Portfolio, market: Market, params: RiskParams) -> None:
    """Adding db tokens: excess margin changes by >= -(db / 1e18 + A + 6) wei (docs/model.md section 5)."""
    full = margin_of(portfolio, market, params)
    index = rng.randrange(len(portfolio.positions))
    pos = portfolio.positions[index]
    added = _size(rng)
    richer = margin_of(_with(portfolio, index, replace(pos, balance=pos.balance + added)), market, params)
    slack = _aggregate_rounding(richer, params) + 6
    assert (_excess(richer) - _excess(full)) * W >= -(added + slack * W), (added, slack)
    assert richer.equity - full.equity >= mul_wad_down(added, market.underlyings[pos.underlying].spot)


@pytest.mark.parametrize("seed", SEEDS)
def test_more_collateral_never_lowers_excess_margin(seed: int, oracle: MarginOracle) -> None:
    rng, portfolio, market, params, full = _valid_case(seed, psd=True)
    cash = rng.randint(1, 10**6) * W
    richer = _agreed(oracle, replace(portfolio, cash=portfolio.cash + cash), market, params)
    assert richer.maintenance_margin == full.maintenance_margin and _excess(richer) == _excess(full) + cash
    for _ in range(5):
        _check_adding_tokens(rng, portfolio, market, params)


def _max_haircut(grid: GridParams, mm_factor: int) -> int:
    """The largest haircut the collateral rule accepts for ``grid`` at MM factor ``mm_factor`` (-1 if none):
    a bisection over the twin's rule, which is monotone in the haircut."""
    low, high = -1, W - 1
    while low < high:
        middle = (low + high + 1) // 2
        try:
            margin._check_collateral_rule(0, replace(grid, haircut=middle), mm_factor)
            low = middle
        except GM_ParamOutOfRange:
            high = middle - 1
    return low


@pytest.mark.parametrize("seed", SEEDS)
def test_more_collateral_never_lowers_excess_margin_at_the_rule_s_bound(seed: int) -> None:
    """Every grid's haircut as large as the collateral rule allows: m (f + h) = 1 to the wei."""
    rng, portfolio, market, params, _ = _valid_case(seed, psd=True)
    grids = tuple(replace(g, haircut=max(0, _max_haircut(g, params.mm_factor))) for g in params.grids)
    bound = replace(params, grids=grids)
    try:
        margin_of(portfolio, market, bound)
    except ContractError:
        pytest.skip("the book leaves the domain at these haircuts")
    for _ in range(5):
        _check_adding_tokens(rng, portfolio, market, bound)


def test_without_the_collateral_rule_tokens_can_lower_excess_margin(monkeypatch: pytest.MonkeyPatch) -> None:
    """m (f + h) = 1 * (0.33 + 0.9) > 1: one more ETH adds 3,000 to equity and 3,690 to MM."""
    params = RiskParams((GridParams(haircut=90 * PCT),), mm_factor=W)
    market = Market(0, (UnderlyingMarket(3_000 * W),))
    with pytest.raises(GM_ParamOutOfRange):
        margin_of(Portfolio(), market, params)
    monkeypatch.setattr(margin, "_check_collateral_rule", lambda *args: None)
    before, after = (margin_of(Portfolio(0, (UnderlyingPositions(0, b * W),)), market, params) for b in (1, 2))
    assert _excess(after) - _excess(before) == 3_000 * W - 3_690 * W


def _linear_pnl(exposure: int, spot: int, shock: int) -> int:
    return mul_wad_down(exposure, spot_move(spot, shock, exposure))


@pytest.mark.parametrize("seed", SEEDS)
def test_repaying_a_lone_debt_never_lowers_excess_margin(seed: int, oracle: MarginOracle) -> None:
    """Nothing else held in u: MM does not rise; equity falls by at most the 1 wei of the cash rounding."""
    rng, portfolio, market, params, _ = _valid_case(seed)
    index = rng.randrange(len(portfolio.positions))
    underlying = portfolio.positions[index].underlying
    debt = _size(rng)
    before = margin_of(_with(portfolio, index, UnderlyingPositions(underlying, -debt)), market, params)
    repaid = rng.randint(1, debt)
    paid = mul_wad_up(repaid, market.underlyings[underlying].spot)
    book = _with(portfolio, index, UnderlyingPositions(underlying, repaid - debt), cash=-paid)
    after = _agreed(oracle, book, market, params)
    assert after.maintenance_margin <= before.maintenance_margin
    assert after.equity - before.equity in (-1, 0)


@pytest.mark.parametrize("seed", SEEDS)
def test_repaying_a_hedging_debt_moves_margin_by_the_debt_s_grid_effect(seed: int, oracle: MarginOracle) -> None:
    """With other positions in u, every scenario's P&L moves by the repaid debt's linear P&L, the contingency
    falls by its share, and MM rises by at most m times the largest P&L the repaid debt contributed."""
    rng, portfolio, market, params, _ = _valid_case(seed, psd=True)
    index = rng.randrange(len(portfolio.positions))
    pos = portfolio.positions[index]
    debt = _size(rng)
    perp = pos.perp_size if pos.perp_size or pos.options else debt  # a long perp the debt hedges
    pos = replace(pos, balance=-debt, perp_size=perp)
    spot, grid = market.underlyings[pos.underlying].spot, params.grids[pos.underlying]
    before = margin_of(_with(portfolio, index, pos), market, params)
    repaid = rng.randint(1, debt)
    paid = mul_wad_up(repaid, spot)
    after = _agreed(oracle, _with(portfolio, index, replace(pos, balance=repaid - debt), cash=-paid), market, params)
    assert after.equity - before.equity in (-1, 0)
    old, new = before.underlyings[index], after.underlyings[index]
    exposure = pos.balance + pos.perp_size
    for scenario, p_old, p_new in zip(scenarios(grid), old.pnl, new.pnl):
        change = _linear_pnl(exposure + repaid, spot, scenario.spot_shock) - _linear_pnl(
            exposure, spot, scenario.spot_shock
        )
        assert p_new - p_old - mul_wad_down(change, scenario.weight) in ((0, 1) if scenario.extended else (0,))
    freed = _contingency(grid, pos.balance, spot) - _contingency(grid, repaid - debt, spot)
    assert (new.initial_margin - new.loss) - (old.initial_margin - old.loss) == -freed
    hedge = max(0, *(a - b for a, b in zip(old.pnl, new.pnl)))
    rise = max(0, hedge - freed) + _aggregate_rounding(after, params)
    assert after.maintenance_margin - before.maintenance_margin <= mul_wad_up(params.mm_factor, rise) + 1


def test_collateral_rule_boundary_on_both_sides(oracle: MarginOracle) -> None:
    """Default grid: f = 0.33 (every extended down-shock times its weight); at m = 0.8 the largest haircut
    is 0.92 (m (f + h) = 1 exactly). Extended -90% at dampener 0.5: f = 0.5 + 1 wei (the weight and the
    product rounded up). Up-shocks do not count."""
    book = Portfolio(0, (UnderlyingPositions(0, W),))
    market = Market(0, (UnderlyingMarket(3_000 * W),))
    wide = GridParams(spot_shocks=(0, 40 * PCT), extended_shocks=(-90 * PCT, 95 * PCT), dampener=50 * PCT)
    cases = [
        (GridParams(haircut=92 * PCT), 80 * PCT, True),
        (GridParams(haircut=92 * PCT + 1), 80 * PCT, False),
        (replace(wide, haircut=50 * PCT - 1), W, True),
        (replace(wide, haircut=50 * PCT), W, False),
        (GridParams(), W, True),
    ]
    for grid, mm_factor, accepted in cases:
        params = RiskParams((grid,), mm_factor)
        assert oracle.mismatch(book, market, params) is None
        if accepted:
            margin_of(book, market, params)
            continue
        with pytest.raises(GM_ParamOutOfRange) as raised:
            margin_of(book, market, params)
        assert raised.value.args == (0, PARAM_HAIRCUT, grid.haircut)
    assert mul_wad_up(GridParams().haircut + 33 * PCT, RiskParams.default(1).mm_factor) == 344 * 10**15


def test_issue_table_basis_trade_is_charged_its_add_ons() -> None:
    """Issue 10's table at spot 3,000, default grid: 10 ETH, a short 10 ETH perp, both."""
    market = Market(0, (UnderlyingMarket(3_000 * W),))
    params = RiskParams.default(1)
    books = {
        "collateral": UnderlyingPositions(0, 10 * W),
        "short perp": UnderlyingPositions(0, 0, -10 * W, 3_000 * W),
        "basis": UnderlyingPositions(0, 10 * W, -10 * W, 3_000 * W),
    }
    results = {name: margin_of(Portfolio(0, (pos,)), market, params) for name, pos in books.items()}
    values = {name: (r.equity // W, r.initial_margin // W, r.maintenance_margin // W) for name, r in results.items()}
    # collateral: loss 0.33 x 30,000 = 9,900 (extended -33% at weight 1) + contingency 3,000
    # short perp: loss 9,900 (+33%) + linear add-on 150; basis: 150 + 3,000 and no loss
    assert values == {
        "collateral": (30_000, 12_900, 10_320),
        "short perp": (0, 10_050, 8_040),
        "basis": (30_000, 3_150, 2_520),
    }


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
