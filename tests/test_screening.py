"""Screening (offchain/screening/) against the exact engine (offchain.twins.margin.margin_of).

The main test screens >= 100,000 random accounts in 48 batches (one market and parameter set per
batch) and runs ``margin_of`` on every one of them (two worker processes): no liquidatable account
may be SAFE, every UNDER account must be liquidatable, every account the engine rejects must be
CHECK, and every float estimate must lie within its bound. Accounts are mostly small books (0-4
options: the exact engine costs ~0.45 ms per option) plus 16-option books, invalid accounts,
accounts with amounts up to AMOUNT_MAX (around the correlated aggregation's overflow) and accounts
whose cash is tuned so that the exact ``equity - MM`` is within 1 wei of zero or +-10^U(-14, -2) of
the account's scale; and one batch in twelve more with one underlying priced near the wei.
GRIDMARGIN_SCREEN_BATCHES scales the population (48 by default; 2,110 accounts per batch, 500 per
wei-scale batch).
"""

from __future__ import annotations

import ast
import math
import os
import random
import re
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from offchain.differential.population import (
    NOW,
    Batch,
    W,
    book16,
    boundary_offset,
    exact_outcomes,
    huge_account,
    invalid_account,
    random_account,
    random_batch,
    tune_to_boundary,
    wei_scale_account,
    wei_scale_batch,
)
from offchain.screening import screen as screening
from offchain.screening.screen import (
    CDF_ABS_ERROR,
    CHECK,
    INVALID,
    REL_TOL,
    SAFE,
    UNDER,
    ScreenResult,
    black76,
    norm_cdf,
    pack,
    screen,
    screen_and_confirm,
)
from offchain.twins.black76 import call_put_bounds, log_moneyness
from offchain.twins.constants import AMOUNT_MAX
from offchain.twins.exceptions import ContractError
from offchain.twins.intmath import INT256_MAX
from offchain.twins.margin import margin_of
from offchain.twins.types import GridParams, Market, Portfolio, RiskParams, UnderlyingMarket, UnderlyingPositions

ROOT = Path(__file__).resolve().parents[1]
N_BATCHES = int(os.environ.get("GRIDMARGIN_SCREEN_BATCHES", "48"))
RANDOM_PER_BATCH, BOOK16_PER_BATCH, INVALID_PER_BATCH, BOUNDARY_PER_BATCH = 1_965, 10, 10, 115
HUGE_PER_BATCH, WEI_BATCHES, WEI_PER_BATCH = 10, max(1, N_BATCHES // 12), 500
NATURAL, BIG, BROKEN, TUNED, HUGE, WEI = "natural", "book16", "invalid", "boundary", "huge", "wei"
OVERFLOWED_BEFORE = 24 * 10**37  # IM (wad) past which the old correlated aggregation overflowed (2.4e20 units)


class Population:
    """Accounts, their kind, batch, exact outcome and screening result."""

    def __init__(self, seed: int = 2026) -> None:
        rng = random.Random(seed)
        self.batches: list[Batch] = []
        for b in range(N_BATCHES):
            self.batches.append(
                random_batch(rng, max_options=6 if b % 12 == 5 else 128, n_underlyings=rng.choice((1, 2, 3, 3)))
            )
        first: list[tuple[int, object, str]] = []
        for b, batch in enumerate(self.batches):
            first += [(b, random_account(rng, batch), NATURAL) for _ in range(RANDOM_PER_BATCH)]
            first += [
                (b, book16(rng, batch, distinct_strikes=rng.random() < 0.3), BIG) for _ in range(BOOK16_PER_BATCH)
            ]
            first += [(b, invalid_account(rng, batch), BROKEN) for _ in range(INVALID_PER_BATCH)]
            first += [(b, huge_account(rng, batch), HUGE) for _ in range(HUGE_PER_BATCH)]
        for _ in range(WEI_BATCHES):
            batch = wei_scale_batch(rng)
            first += [(len(self.batches), wei_scale_account(rng, batch), WEI) for _ in range(WEI_PER_BATCH)]
            self.batches.append(batch)
        start = time.perf_counter()
        outcomes = exact_outcomes(self.batches, [(b, p) for b, p, _ in first])
        # Boundary accounts: natural accounts with positions, cash moved onto the exact boundary.
        tuned, offsets = [], []
        for b in range(N_BATCHES):
            candidates = [
                i
                for i, (bb, p, kind) in enumerate(first)
                if bb == b and kind == NATURAL and isinstance(outcomes[i], tuple) and outcomes[i][1] > 0
            ]
            for i in rng.sample(candidates, min(BOUNDARY_PER_BATCH, len(candidates))):
                equity, mm = outcomes[i]
                offset = boundary_offset(rng, equity, mm, first[i][1].cash)
                account = tune_to_boundary(first[i][1], equity, mm, offset)
                if account is not None:
                    tuned.append((b, account, TUNED))
                    offsets.append(offset)
        tuned_outcomes = exact_outcomes(self.batches, [(b, p) for b, p, _ in tuned])
        self.exact_seconds = time.perf_counter() - start
        self.items = first + tuned
        self.outcomes = outcomes + tuned_outcomes
        self.offsets = offsets
        self.within_wei = np.array([False] * len(first) + [abs(o) <= 1 for o in offsets])
        self.tuned_outcomes = tuned_outcomes

        n = len(self.items)
        self.kind = np.array([k for _, _, k in self.items])
        self.batch = np.array([b for b, _, _ in self.items])
        self.classes = np.empty(n, dtype=np.int8)
        self.equity, self.mm, self.bound = np.empty(n), np.empty(n), np.empty(n)
        start = time.perf_counter()
        for b, batch in enumerate(self.batches):
            index = np.flatnonzero(self.batch == b)
            result = screen([self.items[i][1] for i in index], batch.market, batch.params)
            self.classes[index] = result.classes
            self.equity[index], self.mm[index], self.bound[index] = (
                result.equity,
                result.maintenance_margin,
                result.bound,
            )
        self.screen_seconds = time.perf_counter() - start


@pytest.fixture(scope="module")
def population() -> Population:
    return Population()


def test_population_is_large_and_varied(population: Population) -> None:
    assert len(population.items) >= 100_000 * N_BATCHES // 48
    errors = sum(isinstance(o, ContractError) for o in population.outcomes)
    liquidatable = sum(isinstance(o, tuple) and o[0] < o[1] for o in population.outcomes)
    assert errors >= N_BATCHES * INVALID_PER_BATCH  # every mutation is rejected, plus TooManyPositions
    assert 0.2 < liquidatable / len(population.items) < 0.8
    huge = [o for o, kind in zip(population.outcomes, population.kind) if kind == HUGE]
    assert sum(isinstance(o, tuple) and o[1] > OVERFLOWED_BEFORE for o in huge) >= len(huge) // 10
    assert sum(isinstance(o, tuple) and o[1] <= OVERFLOWED_BEFORE for o in huge) >= len(huge) // 4
    assert sum(
        isinstance(o, tuple) and o[1] > 10**18 for kind, o in zip(population.kind, population.outcomes) if kind == WEI
    )


def test_boundary_accounts_sit_where_tuned(population: Population) -> None:
    """Equity is cash plus the positions' value and MM ignores cash, so the tuning is exact."""
    for offset, outcome in zip(population.offsets, population.tuned_outcomes):
        assert isinstance(outcome, tuple) and outcome[0] - outcome[1] == offset


def test_no_miss_and_every_under_is_liquidatable(population: Population, record_property) -> None:
    misses, false_under, unchecked_errors, outside = [], [], [], []
    ratio = {"all": 0.0, "mm_above_1e-6": 0.0, "wei_scale_mm_above_1e-6": 0.0}
    for i, outcome in enumerate(population.outcomes):
        c = population.classes[i]
        if isinstance(outcome, ContractError):
            if c != CHECK:
                unchecked_errors.append(i)
            continue
        equity, mm = outcome[0] / W, outcome[1] / W
        liquidatable = outcome[0] < outcome[1]
        if liquidatable and c == SAFE:
            misses.append(i)
        if c == UNDER and not liquidatable:
            false_under.append(i)
        if population.bound[i] == 0:  # no shocked position, no balance: E = cash and MM = 0 exactly
            if not (outcome[1] == 0 and population.mm[i] == 0 and (population.equity[i] < 0) == (outcome[0] < 0)):
                outside.append(i)
        elif math.isfinite(population.bound[i]):
            err = abs(population.equity[i] - equity) + abs(population.mm[i] - mm)
            if err > population.bound[i]:
                outside.append(i)
                continue
            share = err / population.bound[i]
            ratio["all"] = max(ratio["all"], share)
            if mm > 1e-6:  # away from the wei quantum of the correlated square root
                key = "wei_scale_mm_above_1e-6" if population.kind[i] == WEI else "mm_above_1e-6"
                ratio[key] = max(ratio[key], share)
    n = len(population.items)
    check = population.classes == CHECK
    valid = np.array([isinstance(o, tuple) for o in population.outcomes])
    natural = valid & np.isin(population.kind, (NATURAL, BIG))
    regular = np.isin(population.kind, (NATURAL, BIG, BROKEN, TUNED))
    tuned = population.kind == TUNED
    near = population.within_wei
    summary = {
        "accounts": n,
        "misses": len(misses),
        "false_under": len(false_under),
        "engine_errors_not_check": len(unchecked_errors),
        "estimates_outside_bound": len(outside),
        **{f"max_error_over_bound_{key}": value for key, value in ratio.items()},
        "check_fraction": float(check[regular].mean()),
        "check_fraction_valid_natural": float(check[natural].mean()),
        "check_fraction_boundary": float(check[tuned].mean()),
        "check_fraction_huge": float(check[population.kind == HUGE].mean()),
        "huge_past_old_overflow": sum(
            isinstance(o, tuple) and o[1] > OVERFLOWED_BEFORE and kind == HUGE
            for o, kind in zip(population.outcomes, population.kind)
        ),
        "check_fraction_wei_scale": float(check[population.kind == WEI].mean()),
        "boundary_within_1_wei_all_check": bool(check[near].all()),
        "safe": int((population.classes == SAFE).sum()),
        "under": int((population.classes == UNDER).sum()),
        "exact_seconds_2_workers": round(population.exact_seconds, 1),
        "screen_seconds": round(population.screen_seconds, 2),
    }
    record_property("screening_summary", summary)
    print("\nscreening summary:", summary)
    assert not misses, [population.items[i] for i in misses[:3]]
    assert not false_under, [population.items[i] for i in false_under[:3]]
    assert not unchecked_errors, [population.items[i] for i in unchecked_errors[:3]]
    assert not outside, [population.items[i] for i in outside[:3]]
    assert summary["check_fraction"] < 0.05
    assert summary["check_fraction_valid_natural"] < 0.01
    assert summary["boundary_within_1_wei_all_check"]
    # docs/screening.md's accuracy rows: relative terms far inside the buffer; at wei-scale prices the
    # wei roundings reach a few percent of it, inside ABS_UNIT's tenfold margin over them.
    assert ratio["mm_above_1e-6"] < 0.01
    assert ratio["wei_scale_mm_above_1e-6"] < 0.1


def test_screen_and_confirm_gives_the_exact_answer(population: Population) -> None:
    for b in sorted({0, min(5, N_BATCHES - 1)}):  # batch 5 has max_options = 6: its 16-option books are INVALID
        index = np.flatnonzero(population.batch == b)
        accounts = [population.items[i][1] for i in index]
        batch = population.batches[b]
        confirmed = screen_and_confirm(accounts, batch.market, batch.params, processes=2)
        for k, i in enumerate(index):
            outcome = population.outcomes[i]
            if isinstance(outcome, ContractError):
                assert confirmed.classes[k] == INVALID and confirmed.errors[k] == outcome
            else:
                assert confirmed.classes[k] == (UNDER if outcome[0] < outcome[1] else SAFE)
                if k in confirmed.exact:
                    assert (confirmed.exact[k].equity, confirmed.exact[k].maintenance_margin) == outcome
        assert set(confirmed.exact) | set(confirmed.errors) == set(np.flatnonzero(confirmed.screened.classes == CHECK))


def test_norm_cdf_absolute_error() -> None:
    x = np.linspace(-40.0, 40.0, 200_001)
    reference = np.array([0.5 * math.erfc(-v / math.sqrt(2.0)) for v in x])
    assert np.max(np.abs(norm_cdf(x) - reference)) < CDF_ABS_ERROR
    assert norm_cdf(np.array([-np.inf, np.inf])).tolist() == [0.0, 1.0]


def test_black76_inside_the_engine_bracket() -> None:
    """The float kernel against the exact library's guaranteed bracket, to its CDF error (two tails)
    plus 1e-13 of F + K."""
    rng = random.Random(4)
    worst = 0.0
    for _ in range(3_000):
        forward = rng.randint(10**15, 10**24)
        strike = max(1, forward * rng.randint(1, 400) // 100)
        s = rng.choice((0, rng.randint(1, 10**15), rng.randint(10**15, 5 * 10**18)))
        discount = rng.randint(10**17, W)
        call_low, call_high, put_low, put_high = call_put_bounds(
            log_moneyness(forward, strike), forward, strike, s, discount
        )
        f, k = forward / W, strike / W
        x, sf, d = math.log(f / k), s / W, discount / W
        price = black76(
            np.array([x, x]),
            np.array([f, f]),
            np.array([k, k]),
            np.array([sf, sf]),
            np.array([d, d]),
            np.array([True, False]),
        )
        tol = (2 * CDF_ABS_ERROR + 1e-13) * (f + k)
        for value, low, high in ((price[0], call_low, call_high), (price[1], put_low, put_high)):
            assert low / W - tol <= value <= high / W + tol
            worst = max(worst, (max(low / W - value, value - high / W, 0.0)) / (f + k))
    assert worst < 2 * CDF_ABS_ERROR


def test_shared_and_per_chunk_pricing_agree(population: Population, monkeypatch) -> None:
    batch = population.batches[1]
    accounts = [population.items[i][1] for i in np.flatnonzero(population.batch == 1)]
    shared = screen(accounts, batch.market, batch.params)
    monkeypatch.setattr(screening, "_GLOBAL_PRICES_MAX", 0)
    monkeypatch.setattr(screening, "_OPTIONS_PER_CHUNK", 97)  # many small chunks
    chunked = screen(accounts, batch.market, batch.params)
    assert np.array_equal(shared.classes, chunked.classes)
    np.testing.assert_allclose(shared.equity, chunked.equity, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(shared.maintenance_margin, chunked.maintenance_margin, rtol=1e-12, atol=1e-12)


def test_packed_batch_is_reusable_across_markets(population: Population) -> None:
    accounts = [population.items[i][1] for i in np.flatnonzero(population.batch == 2)]
    packed = pack(accounts)
    batch = population.batches[2]
    for spot_move in (80, 100, 125):
        market = replace(
            batch.market,
            underlyings=tuple(replace(u, spot=u.spot * spot_move // 100) for u in batch.market.underlyings),
        )
        from_packed, from_list = screen(packed, market, batch.params), screen(accounts, market, batch.params)
        assert np.array_equal(from_packed.classes, from_list.classes)
        assert np.array_equal(from_packed.equity, from_list.equity, equal_nan=True)
        for k in np.flatnonzero(from_packed.classes != CHECK)[:200]:
            exact = margin_of(accounts[k], market, batch.params)
            assert exact.liquidatable == (from_packed.classes[k] == UNDER)


def test_exact_boundary_and_trivial_accounts(population: Population) -> None:
    batch = population.batches[0]
    market, params = batch.market, batch.params
    spot = market.underlyings[0].spot
    book = Portfolio(0, (UnderlyingPositions(0, 0, 3 * W, spot, ()),))
    exact = margin_of(book, market, params)
    for offset, expected in ((-1, UNDER), (0, SAFE), (1, SAFE)):
        account = tune_to_boundary(book, exact.equity, exact.maintenance_margin, offset)
        assert screen([account], market, params).classes[0] == CHECK
        assert screen_and_confirm([account], market, params).classes[0] == expected
    # No positions: E = cash and MM = 0 exactly, decided without the engine.
    empty = [Portfolio(0), Portfolio(-1), Portfolio(1), Portfolio(5 * W, (UnderlyingPositions(0),))]
    assert screen(empty, market, params).classes.tolist() == [SAFE, UNDER, SAFE, SAFE]
    assert screen([], market, params).classes.shape == (0,)


def test_invalid_params_make_everything_check(population: Population) -> None:
    """Out-of-range values and the issue-10 rules (collateral rule m (f + h) <= 1, spot shocks sorted
    with 0, at most 8 grids, unit diagonal, dte floor): the engine rejects the parameters, so every
    account is CHECK and INVALID after confirmation."""
    batch = population.batches[0]
    accounts = [population.items[i][1] for i in np.flatnonzero(population.batch == 0)[:50]]
    grids, m = batch.params.grids, batch.params.mm_factor
    n = len(grids)
    broken = [
        RiskParams(tuple(replace(g, haircut=W) for g in grids), m),
        RiskParams(tuple(replace(g, haircut=9 * W // 10) for g in grids), W),  # m (f + h) > 1
        RiskParams(tuple(replace(g, spot_shocks=tuple(reversed(g.spot_shocks))) for g in grids), m),
        RiskParams(tuple(replace(g, spot_shocks=(-(10**17), 10**17)) for g in grids), m),
        RiskParams(grids + (GridParams(),) * (9 - n), m),
        RiskParams(grids, m, tuple(0 for _ in range(n * n))),
        RiskParams(tuple(replace(g, dte_floor=400 * 86_400) for g in grids), m),
    ]
    for bad in broken:
        with pytest.raises(ContractError):
            margin_of(Portfolio(), batch.market, bad)
        assert (screen(accounts, batch.market, bad).classes == CHECK).all()
    assert (screen_and_confirm(accounts, batch.market, broken[0]).classes == INVALID).all()
    assert GridParams().haircut < W


def test_the_overflow_family_is_decided_and_the_domain_mirrored(monkeypatch) -> None:
    """The issue's case: balance 1e18, a perp of 1e18 at 3,000, correlation [[1]] (margin ~2.3e21 cash
    units). The engine's correlated aggregation overflowed there (GM_MulWadOverflow); it is exact and
    overflow-free now, and the screen decides the account as the engine does. An account whose margins
    could pass AGGREGATE_MARGIN_MAX stays CHECK (shown with the limit lowered below this account's)."""
    market = Market(NOW, (UnderlyingMarket(3_000 * W, 0, ()),))
    correlated = RiskParams((GridParams(),), 8 * 10**17, (W,))
    account = Portfolio(0, (UnderlyingPositions(0, 10**36, 10**36, 3_000 * W, ()),))
    exact = margin_of(account, market, correlated)
    result = screen([account], market, correlated)
    assert exact.initial_margin > 2.4e20 * W and not exact.liquidatable
    assert result.classes.tolist() == [SAFE]
    error = abs(result.equity[0] - exact.equity / W) + abs(result.maintenance_margin[0] - exact.maintenance_margin / W)
    assert error <= result.bound[0]
    monkeypatch.setattr(screening, "AGGREGATE_MARGIN_MAX", exact.initial_margin / W / 2)
    assert screen([account], market, correlated).classes.tolist() == [CHECK]
    assert screen_and_confirm([account], market, correlated).classes.tolist() == [SAFE]


def _attribute_docs(path: Path) -> dict[str, str]:
    """Module-level ``NAME = value`` followed by a string: {NAME: string}."""
    body = ast.parse(path.read_text()).body
    return {
        first.targets[0].id: second.value.value
        for first, second in zip(body, body[1:])
        if isinstance(first, ast.Assign)
        and isinstance(first.targets[0], ast.Name)
        and isinstance(second, ast.Expr)
        and isinstance(second.value, ast.Constant)
    }


def test_buffer_documents_state_one_true_margin() -> None:
    """REL_TOL's docstring, the module docstring and docs/screening.md name the same margin of REL_TOL
    over the derived relative error, and it holds."""
    margin = re.compile(r"over ([\d,]+)(?:x| times|×) the derived relative error")
    texts = (
        _attribute_docs(ROOT / "offchain/screening/screen.py")["REL_TOL"],
        screening.__doc__,
        (ROOT / "docs/screening.md").read_text(),
    )
    stated = {int(m.replace(",", "")) for text in texts for m in margin.findall(text)}
    assert len(stated) == 1 and all(margin.search(text) for text in texts)
    assert stated.pop() <= REL_TOL / screening._DERIVED_REL_ERROR


def test_screen_result_documents_the_comparison_it_makes() -> None:
    """SAFE iff E - MM >= B (an account with B = 0 and E = MM = 0 is SAFE), UNDER iff MM - E > B."""
    assert "SAFE iff equity - maintenance_margin >= B" in ScreenResult.__doc__
    assert "UNDER iff maintenance_margin - equity > B" in ScreenResult.__doc__
    market = Market(NOW, (UnderlyingMarket(3_000 * W, 0, ()),))
    result = screen([Portfolio(0)], market, RiskParams((GridParams(),), 8 * 10**17))
    assert (result.equity[0], result.maintenance_margin[0], result.bound[0]) == (0.0, 0.0, 0.0)
    assert result.classes.tolist() == [SAFE]


def test_amount_max_documents_what_it_bounds() -> None:
    """AMOUNT_MAX's docstring promises sums of products of amounts, not of margins (the correlated
    aggregation multiplies two margins: test_the_overflow_family_is_decided_and_the_domain_mirrored)."""
    doc = _attribute_docs(ROOT / "offchain/twins/constants.py")["AMOUNT_MAX"]
    assert "never overflow" not in doc and "Products of two margins" in doc
    assert AMOUNT_MAX**2 // W < 10**72 and 5 * 10**4 * AMOUNT_MAX**2 <= INT256_MAX


def test_balances_are_one_linear_exposure_with_the_perp() -> None:
    """The issue's books at spot 3,000 (collateral, short perp, basis trade, debt, debt against a long
    perp): estimates within their bound of the exact engine, and the basis trade's MM is the add-on
    plus the haircut contingency only (its grid loss is exactly 0)."""
    market = Market(NOW, (UnderlyingMarket(3_000 * W, 0, ()),))
    grid = GridParams()
    params = RiskParams((grid,), 8 * 10**17)
    books = [(10 * W, 0), (0, -10 * W), (10 * W, -10 * W), (-10 * W, 0), (-10 * W, 10 * W), (7 * W, -3 * W)]
    accounts = [Portfolio(5_000 * W, (UnderlyingPositions(0, b, q, 2_900 * W, ()),)) for b, q in books]
    result = screen(accounts, market, params)
    for k, account in enumerate(accounts):
        exact = margin_of(account, market, params)
        error = abs(result.equity[k] - exact.equity / W) + abs(
            result.maintenance_margin[k] - exact.maintenance_margin / W
        )
        assert error <= result.bound[k] < 1e-3
        assert result.classes[k] == (UNDER if exact.liquidatable else SAFE)
    contingency = (grid.haircut + grid.linear_add_on) / W * 10 * 3_000
    assert math.isclose(result.maintenance_margin[2], 0.8 * contingency, rel_tol=1e-12)
