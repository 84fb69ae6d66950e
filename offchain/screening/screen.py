"""Fast, conservative screening of many accounts against the scenario-grid margin model.

``screen`` evaluates docs/model.md in numpy float64 for a whole batch of accounts that share one
``Market`` and one ``RiskParams``, and sorts every account into one of three classes:

* ``SAFE``  -- provably **not** liquidatable: ``margin_of(...).equity >= maintenance_margin``;
* ``UNDER`` -- provably liquidatable: ``margin_of(...).equity < maintenance_margin``;
* ``CHECK`` -- too close to call (or not provably valid input): run the exact engine.

``screen_and_confirm`` runs :func:`offchain.twins.margin.margin_of` on the CHECK accounts, so callers get a
final answer for every account. docs/screening.md has the method, the guarantee and measured numbers.

Method
------
The exact engine (offchain/margin.py, equal to the wei to PortfolioMargin.sol) evaluates, per
account and underlying, every option at every scenario. Screening instead works per **series**:

1. ``pack`` flattens the accounts into arrays (cash per account; balance, perp size, entry and the
   linear exposure balance + perp size per (account, underlying) "book"; options as a flat list of
   (series id, size)), deduplicating option series (underlying, expiry, strike, kind) across the
   batch and grouping series by (underlying, expiry). It also performs every structural check the
   engine performs (amount ranges, canonical option order, sorted underlyings) exactly, on the
   integers.
2. ``screen`` computes per (underlying, expiry) group the engine's expiry terms (tau exactly as the
   engine floors it, then growth, discount, the vol shocks term-scaled at max(tau, dte_floor) and
   sigma*sqrt(tau) under vol down / none / up), per underlying the scenario table (spot shock, vol
   level, dampener weight; padded to a common width by repeating a scenario, which cannot change a
   minimum), and prices each
   series *once* at the current state and at every scenario of its underlying with a vectorised
   Black-76 (:func:`black76`). Accounts then only gather and sum: the risk vector of a book is
   ``sum_o n_o (p_o,j - p_o,0) + (b + q) S s_j`` (balance and perp are one linear exposure, shocked
   in every scenario), weighted by the dampener, and ``loss = max(0, -min_j P_j)``; margin = loss +
   add-ons + the haircut contingency ``h |b| S``; IM by the plain sum or ``sqrt(m^T C m)``;
   MM = m * IM; equity as the engine's (balances at full value ``b S``, perp P&L, options).

Normal CDF: ``Phi(-t) = exp(-t^2/2) R(t)`` with ``R`` a [4/5] rational fitted for the CDF error
(the coefficients below; fit error 1.14e-12 on [0, 9.5], and past 9.5 the tail itself is below
1e-21). Measured absolute error of ``Phi`` against mpmath on 200,001 points in [-40, 40]: 1.15e-12;
tests/test_screening.py re-measures it and asserts < ``CDF_ABS_ERROR`` = 2e-12. The buffer
needs no more: four Horner steps fewer than a 1e-16 fit, about 15% of the pricing time. As in the
engine, the two tails share one exponential, ``K exp(-d2^2/2) = F exp(-d1^2/2)``, so a price costs
one ``exp`` and two rationals, and the call
is clamped to the no-arbitrage interval ``[max(F - K, 0), F]`` before discounting.

Buffer (the guarantee)
----------------------
Units: cash (wad / 1e18). For a book (one underlying of one account) define its gross notional

    N_b = G (|b| + |q|) S + |q| |E| + sum_o |n_o| (G F_o + K_o),    G = max(2, 1 + max_j s_j)

(a shocked spot or forward is below G times the current one), and for the account
``N = |cash| + sum_b N_b``. Every quantity the engine computes for the book -- equity, each
scenario P&L (the linear one is ``(b + q) S s_j``), the loss, the add-ons and the haircut
contingency -- is a sum of terms each bounded by a multiple (at most 2) of a part of ``N_b``. Two
kinds of error separate the float estimate from the engine's integer:

(a) the engine against the real-valued model: its Black-76 bracket (width per unit at most
    2 (7.88e-14 F + 1e-17 K + 1 wei), long at the low end, short at the high end, and the baseline at
    the opposite ends, so a scenario P&L carries two widths), one wei per wad multiplication, one wei
    in the shocked spot, the spot move and the forward, a few wei in sigma*sqrt(tau), ln and exp. Together at most
    ``4e-13 N_b`` plus ``~10 wei`` per unit of position and per position;
(b) float64 against the real-valued model: with u = 1.1e-16, each price's inputs (F, s, D, ln F/K,
    all within a few u relative of the engine's, tau being mirrored exactly) move the price by at
    most ``(|dF/F| + 0.4 s |ds/s| + |dD/D|) F`` (delta <= 1, vega <= 0.4 D F, s <= 99); its
    arithmetic adds ``~20 u (F + K)``, the CDF ``2 CDF_ABS_ERROR (F + K)``; summing n positions and a
    few linear terms adds ``(n + 8) u N_b``. Together below ``(n + 200) u N_b + 4e-12 N_b``, i.e.
    below ``5e-12 N_b`` for the engine's maximum of 128 options.

Both are therefore far below the buffer used, per book and per account:

    e_b = REL_TOL * N_b + ABS_UNIT * (sum_o (|n_o| + 1) + |b| + |q| + 1)
    e_E = REL_TOL * N + sum_b (ABS_UNIT * (...)) + ABS_UNIT

with ``REL_TOL = 1e-9`` (over 180 times the derived relative error, 5.4e-12) and ``ABS_UNIT = 1e-16`` (100 wei
per unit of position and per position, over 10 times the wei-level terms). Margins are bounded
per underlying, ``m_u in [m_u - e_u, m_u + e_u]``, and pushed through the aggregation, which is
monotone in every margin (correlations are in [0, 1]): ``IM_hi = agg(m + e) (1 + AGG_REL) + AGG_WEI``
and ``IM_lo = agg(max(m - e, 0)) (1 - AGG_REL)``, where ``AGG_REL = 1e-12`` covers the float
aggregation and, with a correlation matrix, ``AGG_WEI = 2e-18`` the engine's one rounding of the
square root (up: at most 2 wei, plus 2^-64 relative, above the real root of its exact form).
``MM = m IM`` (one wei up). The account's bound is

    B = e_E + max(MM_hi - MM, MM - MM_lo)

and an account is SAFE iff ``E - MM >= B``, UNDER iff ``MM - E > B``, CHECK otherwise. Then
``E_exact >= E - e_E >= MM_hi >= MM_exact`` for SAFE (not liquidatable: that needs E < MM) and
``E_exact <= E + e_E < MM_lo <= MM_exact`` for UNDER. The float comparison itself errs by
``~u (|E| + MM) <= 3 u N``, inside ``REL_TOL N``. Exact special cases: a book holding nothing adds
exactly 0 (no error), and an account holding nothing but cash has
``E = cash`` and ``MM = 0`` exactly, so ``B = 0`` and its class is the sign of its cash. Strikes
that are equal as float64 (integers within one ulp) share one price: a difference below ``u K``.

Input the engine would reject is never classified SAFE or UNDER: structural checks are exact
(``pack``), market and parameter checks are exact per (underlying, expiry) group and per call
(parameters are validated by the engine itself on an empty portfolio), and Black-76's input domain
(|ln F/K| <= 100, sigma*sqrt(tau) <= 100, forward in [1 wei, 1e36 wei], discount >= 1 wei) is checked
in float with margins (99, 99, [1e-9, 0.99e18] units, 1e-6): series outside are CHECK, as are accounts
holding them, accounts with any non-finite estimate, and every account if the parameters are
invalid. The margins also keep every engine input far from the wei scale where (a) would grow. An
account whose margins' upper bounds sum above ``AGGREGATE_MARGIN_MAX`` (2.9e40 cash units, half the
limit of the engine's ``mulWadUp(mm_factor, IM)``) is CHECK too.
"""

from __future__ import annotations

import math
import multiprocessing
from dataclasses import dataclass, field

import numpy as np

from offchain.twins.constants import (
    AMOUNT_MAX,
    B76_PRICE_MAX,
    SECONDS_PER_YEAR,
    TERM_SCALING_HORIZON,
    WAD,
    WAD_SCALE_MAX,
)
from offchain.twins.exceptions import ContractError
from offchain.twins.margin import margin_of
from offchain.twins.types import MarginResult, Market, Portfolio, RiskParams

__all__ = [
    "ABS_UNIT",
    "AGGREGATE_MARGIN_MAX",
    "AGG_REL",
    "AGG_WEI",
    "CDF_ABS_ERROR",
    "CHECK",
    "CLASS_NAMES",
    "INVALID",
    "REL_TOL",
    "SAFE",
    "UNDER",
    "ConfirmedResult",
    "Packed",
    "ScreenResult",
    "black76",
    "norm_cdf",
    "pack",
    "screen",
    "screen_and_confirm",
]

SAFE, CHECK, UNDER, INVALID = 0, 1, 2, 3
"""Classes. ``screen`` returns SAFE / CHECK / UNDER; ``screen_and_confirm`` resolves every CHECK to
SAFE or UNDER, or INVALID when the exact engine rejects the account."""
CLASS_NAMES = ("SAFE", "CHECK", "UNDER", "INVALID")

REL_TOL = 1e-9
"""Buffer per unit of gross notional: over 180 times the derived relative error _DERIVED_REL_ERROR."""
_DERIVED_REL_ERROR = 5.4e-12
"""Error bound per unit of gross notional derived in the module docstring: (a) 4e-13 plus (b) 5e-12."""
ABS_UNIT = 1e-16
"""Buffer per unit of position and per position, in cash units (100 wei)."""
AGG_REL = 1e-12
"""Relative pad on the float aggregation of margins (sum or sqrt(m^T C m))."""
AGG_WEI = 2e-18
"""Absolute pad on the correlated IM: the engine's is ceil(sqrtUp(1e18 m^T C m) / 1e9) wei, between the
real root and 2 wei (plus 2^-64 relative, inside AGG_REL) above it."""
CDF_ABS_ERROR = 2e-12
"""Asserted bound on |norm_cdf(x) - Phi(x)| (measured: 1.15e-12)."""
AGGREGATE_MARGIN_MAX = 0.5 * WAD_SCALE_MAX / WAD
"""An account whose per-underlying margins (their upper bounds m_u + e_u, cash units) sum above this
(2.9e40) is CHECK: it could reach the engine's overflow domain. The engine's aggregation cannot
overflow (the correlated form 1e18 m^T C m is summed exactly in 512 bits, docs/model.md section 6) and
IM <= sum_u m_u + 1 wei (C_ij in [0, 1]: m^T C m <= (sum_u m_u)^2); what remains is
``mulWadUp(mm_factor, IM)``, which raises GM_MulWadOverflow once IM passes WAD_SCALE_MAX wad = 5.8e40
cash units. A valid book's margin stays below ~2e39 cash units (128 options of AMOUNT_MAX at prices up
to B76_PRICE_MAX, a linear exposure of 2 AMOUNT_MAX moved by at most 10 spots, add-ons), so with at
most 8 underlyings no valid account comes near; the factor 1/2 keeps the float sum's rounding inside."""

# Black-76 input domain, with margins (docs/model.md section 4, offchain/twins/black76.py).
_X_MAX, _S_MAX, _F_MIN, _F_MAX, _D_MIN = 99.0, 99.0, 1e-9, 0.99 * B76_PRICE_MAX / WAD, 1e-6
_S_TINY = 1e-300  # sigma sqrt(tau) = 0 is priced as this (intrinsic value, see black76)
_T_CLAMP = 60.0  # |d| beyond this: the tail term is below exp(-1800); clamping keeps the rational finite

# R(t) = Phi(-t) exp(t^2/2) ~ P(t) / Q(t): a [4/5] rational minimising the CDF error
# exp(-t^2/2)|P/Q - R| on [0, 9.5] (1.14e-12; made by _fit_tail_rational(4, 5, weighted=True) in
# scripts/gen_constants.py), highest degree first. The buffer needs far less (module docstring).
_R_P = (0.002195792442491581, 0.0263362926212184, 0.13811071890595475, 0.371775853384472, 0.5000000000011263)
_R_Q = (0.0055007930881885445, 0.06609762868543062, 0.35067538562269274, 1.0061096293447076, 1.5414362679095566, 1.0)

_OPTIONS_PER_CHUNK = 16_384  # accounts are processed in chunks of about this many options
_ACCOUNTS_PER_CHUNK = 8_192
_GLOBAL_PRICES_MAX = 4_000_000  # series x scenarios priced up front for the whole batch (32 MB)
_PRICES_PER_BLOCK = 16_384  # Black-76 evaluations per numpy call (stays in cache)


# --------------------------------------------------------------------------------------------
# Normal CDF and Black-76, vectorised


def _tail_ratio(t: np.ndarray) -> np.ndarray:
    """R(t) = Phi(-t) exp(t^2/2) for t >= 0 by the [4/5] rational (Horner, in place)."""
    num = t * _R_P[0]
    num += _R_P[1]
    for c in _R_P[2:]:
        num *= t
        num += c
    den = t * _R_Q[0]
    den += _R_Q[1]
    for c in _R_Q[2:]:
        den *= t
        den += c
    num /= den
    return num


def norm_cdf(x: np.ndarray) -> np.ndarray:
    """Standard normal CDF, absolute error < CDF_ABS_ERROR (module docstring)."""
    x = np.asarray(x, dtype=np.float64)
    t = np.minimum(np.abs(x), _T_CLAMP)
    tail = np.exp(-0.5 * t * t) * _tail_ratio(t)
    return np.where(x >= 0, 1.0 - tail, tail)


def black76(
    x: np.ndarray, forward: np.ndarray, strike: np.ndarray, s: np.ndarray, discount: np.ndarray, is_call: np.ndarray
) -> np.ndarray:
    """Black-76 prices (broadcast arrays): x = ln(F/K), s = sigma sqrt(tau) >= 0, discount D.

    call = D (F H(d1) - K H(d2) + F e^(-d1^2/2) (sgn(d2) R(|d2|) - sgn(d1) R(|d1|))), clamped to
    D [max(F - K, 0), F]; put = call - D (F - K). s = 0 is evaluated as s = 1e-300: d1 = d2 = +-inf
    (or 0 at the money), the tails vanish and the result is the intrinsic value, as in the engine.
    d is never -0.0 (d1 = x/s + s/2 with s > 0, d2 = d1 - s), so H(d) = [d >= 0] and sgn = copysign
    agree.
    """
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        ss = np.maximum(s, _S_TINY)
        d1 = x / ss
        d1 += 0.5 * ss
        d2 = d1 - ss
        shared = d1 * d1
        shared *= -0.5
        np.exp(shared, out=shared)
        shared = shared * forward
        t = np.abs(d1)
        np.minimum(t, _T_CLAMP, out=t)
        r1 = _tail_ratio(t)
        t = np.abs(d2)
        np.minimum(t, _T_CLAMP, out=t)
        tails = _tail_ratio(t)
        np.copysign(tails, d2, out=tails)
        np.copysign(r1, d1, out=r1)
        tails -= r1
        tails *= shared
        call = np.where(d1 >= 0, forward, 0.0)
        call -= np.where(d2 >= 0, strike, 0.0)
        call += tails
        parity = forward - strike
        np.maximum(call, parity, out=call)
        np.maximum(call, 0.0, out=call)
        call = np.minimum(call, forward)
        call *= discount
        return np.where(is_call, call, call - discount * parity)


# --------------------------------------------------------------------------------------------
# Packing


@dataclass
class Packed:
    """Accounts as flat arrays (market- and parameter-independent: reusable across market updates).

    Amounts are floats in cash units (wad / 1e18). Books are (account, underlying) pairs in account
    order; ``book_start[b]:book_start[b + 1]`` are book b's options in ``option_series`` /
    ``option_size``. Series ``i`` is (``group_underlying[series_group[i]]``,
    ``group_expiry[series_group[i]]``, ``series_strike[i]``, ``series_call[i]``).
    """

    n_accounts: int
    cash: np.ndarray  # [A]
    structural_ok: np.ndarray  # [A] bool: every check the engine makes without market or params
    option_count: np.ndarray  # [A]
    book_account: np.ndarray  # [B]
    book_underlying: np.ndarray  # [B]
    balance: np.ndarray  # [B]
    perp_size: np.ndarray  # [B]
    perp_entry: np.ndarray  # [B]
    exposure: np.ndarray  # [B] linear exposure balance + perp size, summed on the integers
    book_start: np.ndarray  # [B + 1]
    option_series: np.ndarray  # [N]
    option_size: np.ndarray  # [N]
    series_group: np.ndarray  # [M]
    series_strike: np.ndarray  # [M]
    series_call: np.ndarray  # [M] bool
    group_underlying: list[int]  # [G]
    group_expiry: list[int]  # [G]
    account_start: np.ndarray = field(init=False)  # [A + 1] first book of each account
    account_option_start: np.ndarray = field(init=False)  # [A + 1] first option of each account

    def __post_init__(self) -> None:
        self.account_start = np.searchsorted(self.book_account, np.arange(self.n_accounts + 1))
        self.account_option_start = self.book_start[self.account_start]


def pack(portfolios: list[Portfolio]) -> Packed:
    """Flatten ``portfolios`` into a :class:`Packed` batch (exact structural validation included).

    Options are deduplicated into series by (underlying, expiry, kind, strike as float64): two
    integer strikes closer than one ulp (2.2e-16 relative) share a price, inside the buffer.
    """
    group_index: dict[tuple[int, int], int] = {}
    g_und: list[int] = []
    g_exp: list[int] = []
    cash: list[int] = []
    ok: list[bool] = []
    counts: list[int] = []
    b_acct: list[int] = []
    b_und: list[int] = []
    b_bal: list[int] = []
    b_perp: list[int] = []
    b_entry: list[int] = []
    b_start: list[int] = []
    o_group: list[int] = []
    o_strike: list[int] = []
    o_call: list[bool] = []
    o_size: list[int] = []
    amax, kmax = AMOUNT_MAX, B76_PRICE_MAX
    add_group, add_strike, add_call, add_size = o_group.append, o_strike.append, o_call.append, o_size.append
    for a, portfolio in enumerate(portfolios):
        value = portfolio.cash
        good = -amax <= value <= amax
        cash.append(value if good else 0)
        count = 0
        last = -1
        for pos in portfolio.positions:
            u = pos.underlying
            if not last < u < 1 << 16:
                good = False
                u = 0
            last = u
            b_acct.append(a)
            b_und.append(u)
            for amount, out in ((pos.balance, b_bal), (pos.perp_size, b_perp), (pos.perp_entry, b_entry)):
                if -amax <= amount <= amax:
                    out.append(amount)
                else:
                    good = False
                    out.append(0)
            b_start.append(len(o_size))
            previous = None
            g = -1
            last_expiry = None
            for option in pos.options:
                expiry, strike, is_call, size = option.expiry, option.strike, option.is_call, option.size
                series = (expiry, strike, is_call)
                if previous is not None and not series > previous:
                    good = False  # GM_OptionsNotCanonical
                previous = series
                if not (size and -amax <= size <= amax):
                    good = False
                    size = 0
                if not 0 < strike <= kmax:
                    good = False  # GM_StrikeOutOfRange
                    strike = 1
                if expiry != last_expiry:
                    g = group_index.get((u, expiry), -1)
                    if g < 0:
                        g = group_index[(u, expiry)] = len(g_und)
                        g_und.append(u)
                        g_exp.append(expiry)
                    last_expiry = expiry
                add_group(g)
                add_strike(strike)
                add_call(is_call)
                add_size(size)
            count += len(pos.options)
        ok.append(good)
        counts.append(count)
    b_start.append(len(o_size))
    f64 = np.float64
    group = np.array(o_group, dtype=np.int64)
    strike = np.array(o_strike, dtype=f64) / WAD
    call = np.array(o_call, dtype=bool)
    # Series: unique (group, kind, strike), by one sort.
    key = group * 2 + call
    order = np.lexsort((strike.view(np.int64), key))
    sorted_key, sorted_strike = key[order], strike[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (sorted_key[1:] != sorted_key[:-1]) | (sorted_strike[1:] != sorted_strike[:-1])
    series = np.empty(len(order), dtype=np.int64)
    series[order] = np.cumsum(first) - 1
    heads = order[first]
    return Packed(
        n_accounts=len(portfolios),
        cash=np.array(cash, dtype=f64) / WAD,
        structural_ok=np.array(ok, dtype=bool),
        option_count=np.array(counts, dtype=np.int64),
        book_account=np.array(b_acct, dtype=np.int64),
        book_underlying=np.array(b_und, dtype=np.int64),
        balance=np.array(b_bal, dtype=f64) / WAD,
        perp_size=np.array(b_perp, dtype=f64) / WAD,
        perp_entry=np.array(b_entry, dtype=f64) / WAD,
        exposure=np.array([b + q for b, q in zip(b_bal, b_perp)], dtype=f64) / WAD,
        book_start=np.array(b_start, dtype=np.int64),
        option_series=series,
        option_size=np.array(o_size, dtype=f64) / WAD,
        series_group=group[heads],
        series_strike=strike[heads],
        series_call=call[heads],
        group_underlying=g_und,
        group_expiry=g_exp,
    )


# --------------------------------------------------------------------------------------------
# Market and parameter tables


@dataclass
class _Tables:
    """Everything per underlying, per (underlying, expiry) group and per scenario, in floats."""

    n_underlyings: int
    underlying_ok: np.ndarray  # [U] spot > 0, rate in [0, 1], spot within AMOUNT_MAX
    spot: np.ndarray  # [U]
    haircut: np.ndarray  # [U]
    linear_add_on: np.ndarray  # [U]
    option_add_on: np.ndarray  # [U]
    shock: np.ndarray  # [U, J] spot shock per scenario (padded by repeating scenario 0)
    log_shock: np.ndarray  # [U, J] ln(1 + shock)
    growth_shock: np.ndarray  # [U, J] 1 + shock
    max_log_shock: np.ndarray  # [U] max_j |ln(1 + shock)|
    min_growth: np.ndarray  # [U] 1 + min shock
    max_growth: np.ndarray  # [U] 1 + max shock
    vol_level: np.ndarray  # [U, J] 0 down, 1 none, 2 up
    weight: np.ndarray  # [U, J] dampener weight
    group_ok: np.ndarray  # [G]
    group_underlying: np.ndarray  # [G] (0 where invalid)
    growth: np.ndarray  # [G]
    discount: np.ndarray  # [G]
    sigma_sqrt_t: np.ndarray  # [G, 3]
    mm_factor: float
    correlation: np.ndarray | None  # [U, U]


def _tables(packed: Packed, market: Market, params: RiskParams) -> _Tables:
    n = min(len(market.underlyings), len(params.grids))
    underlying_ok = np.zeros(max(n, 1), dtype=bool)
    spot = np.ones(max(n, 1))
    haircut, lin, opt = (np.zeros(max(n, 1)) for _ in range(3))
    rows = []
    for u in range(n):
        um, grid = market.underlyings[u], params.grids[u]
        underlying_ok[u] = 0 < um.spot <= AMOUNT_MAX and 0 <= um.rate <= WAD
        if underlying_ok[u]:
            spot[u] = um.spot / WAD
        haircut[u], lin[u], opt[u] = grid.haircut / WAD, grid.linear_add_on / WAD, grid.short_option_add_on / WAD
        rows.append(
            [(s, level, WAD) for s in grid.spot_shocks for level in (0, 1, 2)]
            + [(s, 1, grid.extended_weight(s)) for s in grid.extended_shocks]
        )
    width = max((len(r) for r in rows), default=1)
    shock = np.zeros((max(n, 1), width))
    level = np.ones((max(n, 1), width), dtype=np.int64)
    weight = np.ones((max(n, 1), width))
    for u, row in enumerate(rows):
        row = row + [row[0]] * (width - len(row))
        shock[u] = [s / WAD for s, _, _ in row]
        level[u] = [v for _, v, _ in row]
        weight[u] = [w / WAD for _, _, w in row]

    groups = len(packed.group_underlying)
    group_ok = np.zeros(groups, dtype=bool)
    growth, discount = np.ones(groups), np.ones(groups)
    sst = np.zeros((groups, 3))
    vol_of: list[dict[int, int]] = [{} for _ in range(n)]
    for u in range(n):
        for point in market.underlyings[u].vols:
            vol_of[u].setdefault(point.expiry, point.vol)  # the engine takes the first match
    now = market.timestamp
    for g, (u, expiry) in enumerate(zip(packed.group_underlying, packed.group_expiry)):
        if u >= n or not underlying_ok[u] or expiry <= now or expiry not in vol_of[u]:
            continue
        sigma_int = vol_of[u][expiry]
        if sigma_int < 0:
            continue
        grid, rate = params.grids[u], market.underlyings[u].rate / WAD
        seconds = expiry - now
        tau = (seconds * WAD // SECONDS_PER_YEAR) / WAD  # the engine's floor, exactly
        scaled = max(seconds, grid.dte_floor)  # the engine's term-scaling time
        power = (grid.term_power_short if scaled < TERM_SCALING_HORIZON else grid.term_power_long) / WAD
        rate_tau = rate * tau
        if rate_tau > 13.0:  # discount below 2.3e-6: engine's wei-quantised discount is too coarse
            continue
        scaling = math.exp(power * math.log(TERM_SCALING_HORIZON / scaled))
        sigma = sigma_int / WAD
        root = math.sqrt(tau)
        sst[g] = (
            max(0.0, sigma * (1.0 - grid.vol_down / WAD * scaling)) * root,
            sigma * root,
            sigma * (1.0 + grid.vol_up / WAD * scaling) * root,
        )
        growth[g], discount[g] = math.exp(rate_tau), math.exp(-rate_tau)
        group_ok[g] = discount[g] >= _D_MIN and sst[g, 2] <= _S_MAX and math.isfinite(sst[g, 2])

    correlation = None
    if params.correlation:
        u_all = len(params.grids)
        full = np.array(params.correlation, dtype=np.float64).reshape(u_all, u_all) / WAD
        correlation = full[: max(n, 1), : max(n, 1)] if n else full[:1, :1]
    group_und = np.array(packed.group_underlying, dtype=np.int64)
    group_und = np.where((group_und >= 0) & (group_und < n), group_und, 0)
    log_shock = np.log1p(shock)
    return _Tables(
        max(n, 1),
        underlying_ok,
        spot,
        haircut,
        lin,
        opt,
        shock,
        log_shock,
        1.0 + shock,
        np.abs(log_shock).max(axis=1),
        1.0 + shock.min(axis=1),
        1.0 + shock.max(axis=1),
        level,
        weight,
        group_ok,
        group_und,
        growth,
        discount,
        sst,
        params.mm_factor / WAD,
        correlation,
    )


# --------------------------------------------------------------------------------------------
# Screening


@dataclass
class ScreenResult:
    """Per account: class (SAFE / CHECK / UNDER) and the float estimates, in cash units (wad / 1e18).

    ``bound`` is B: SAFE iff equity - maintenance_margin >= B, UNDER iff maintenance_margin - equity > B
    (and the input is provably valid); B = 0 only where E = cash and MM = 0 exactly. Estimates are NaN
    where the account could not be evaluated.
    """

    classes: np.ndarray  # int8
    equity: np.ndarray
    initial_margin: np.ndarray
    maintenance_margin: np.ndarray
    bound: np.ndarray

    def counts(self) -> dict[str, int]:
        return {CLASS_NAMES[c]: int(np.count_nonzero(self.classes == c)) for c in (SAFE, CHECK, UNDER)}


def screen(
    accounts: list[Portfolio] | Packed, market: Market, params: RiskParams, *, rel_tol: float = REL_TOL
) -> ScreenResult:
    """Classify every account SAFE / CHECK / UNDER (module docstring); never SAFE if liquidatable.

    ``accounts`` is a list of portfolios or a :class:`Packed` batch (pack once, screen against many
    markets). ``rel_tol`` below ~6e-12 voids the guarantee; larger values only widen CHECK.
    """
    packed = accounts if isinstance(accounts, Packed) else pack(accounts)
    n_acc = packed.n_accounts
    equity = np.full(n_acc, np.nan)
    initial = np.full(n_acc, np.nan)
    maintenance = np.full(n_acc, np.nan)
    bound = np.full(n_acc, np.inf)
    classes = np.full(n_acc, CHECK, dtype=np.int8)
    try:
        margin_of(Portfolio(), market, params)  # the engine's own parameter validation
    except ContractError:
        return ScreenResult(classes, equity, initial, maintenance, bound)
    with np.errstate(all="ignore"):  # out-of-domain series give inf / nan: they are CHECK
        _screen_all(packed, market, params, rel_tol, equity, initial, maintenance, bound, classes)
    return ScreenResult(classes, equity, initial, maintenance, bound)


def _screen_all(
    packed: Packed,
    market: Market,
    params: RiskParams,
    rel_tol: float,
    equity: np.ndarray,
    initial: np.ndarray,
    maintenance: np.ndarray,
    bound: np.ndarray,
    classes: np.ndarray,
) -> None:
    n_acc = packed.n_accounts
    tables = _tables(packed, market, params)
    account_ok = packed.structural_ok & (packed.option_count <= params.max_options)

    # Series shared by many accounts (listed options) are priced once for the whole batch; otherwise
    # each chunk prices the series it uses, so memory stays bounded.
    n_series, width = len(packed.series_strike), tables.shock.shape[1]
    shared = n_series * width <= _GLOBAL_PRICES_MAX and 4 * n_series <= len(packed.option_size)
    prices = _price_used(packed, tables, np.arange(n_series)) if shared else None
    start = 0
    while start < n_acc:
        stop = _chunk_end(packed, start)
        _screen_chunk(packed, tables, start, stop, rel_tol, account_ok, equity, initial, maintenance, bound, prices)
        start = stop

    finite = np.isfinite(equity) & np.isfinite(maintenance) & np.isfinite(bound)
    ok = account_ok & finite
    gap = equity - maintenance
    classes[ok & (gap >= bound)] = SAFE  # bound 0 only where E = cash and MM = 0 exactly
    classes[ok & (-gap > bound)] = UNDER


def _chunk_end(packed: Packed, start: int) -> int:
    """End of a chunk of accounts from ``start`` holding at most _OPTIONS_PER_CHUNK options (or one account)."""
    offsets = packed.account_option_start
    stop = int(np.searchsorted(offsets, offsets[start] + _OPTIONS_PER_CHUNK, side="right")) - 1
    return min(max(stop, start + 1), start + _ACCOUNTS_PER_CHUNK, packed.n_accounts)


def _screen_chunk(
    packed: Packed,
    t: _Tables,
    a0: int,
    a1: int,
    rel_tol: float,
    account_ok: np.ndarray,
    equity_out: np.ndarray,
    initial_out: np.ndarray,
    maintenance_out: np.ndarray,
    bound_out: np.ndarray,
    prices: tuple | None,
) -> None:
    b0, b1 = int(packed.account_start[a0]), int(packed.account_start[a1])
    o0, o1 = int(packed.book_start[b0]), int(packed.book_start[b1])
    n_acc = a1 - a0
    book_acct = packed.book_account[b0:b1] - a0
    book_und = packed.book_underlying[b0:b1]
    bad_und = book_und >= t.n_underlyings
    book_und = np.where(bad_und, 0, book_und)
    bad_und |= ~t.underlying_ok[book_und]
    bal, perp, entry = packed.balance[b0:b1], packed.perp_size[b0:b1], packed.perp_entry[b0:b1]
    exposure = packed.exposure[b0:b1]
    starts = packed.book_start[b0 : b1 + 1] - o0
    lengths = np.diff(starts)
    size = packed.option_size[o0:o1]
    opt_book = np.repeat(np.arange(b1 - b0), lengths)

    # Series used by this chunk: price each once, now and at every scenario of its underlying.
    if prices is None:
        used, local = np.unique(packed.option_series[o0:o1], return_inverse=True)
        chunk_prices = _price_used(packed, t, used)
    else:
        local, chunk_prices = packed.option_series[o0:o1], prices
    base, delta, forward, strike, series_ok = chunk_prices

    # Books: risk vectors, losses, add-ons, equity, notional.
    spot = t.spot[book_und]
    reach = np.maximum(2.0, t.max_growth[book_und])  # a shocked spot or forward is below reach times today's
    nonempty = lengths > 0
    n_books, width = b1 - b0, t.shock.shape[1]
    pnl = np.zeros((n_books, width))
    abs_size = np.abs(size)
    opt_fwd = forward[local]
    if o1 > o0:
        contrib = delta[local]
        contrib *= size[:, None]
        pnl[nonempty] = np.add.reduceat(contrib, starts[:-1][nonempty], axis=0)
    pnl += (exposure * spot)[:, None] * t.shock[book_und]  # balance + perp: one linear exposure
    pnl *= t.weight[book_und]
    loss = np.maximum(0.0, -pnl.min(axis=1))
    per_book = np.zeros((4, n_books))
    if o1 > o0:
        per_option = np.stack(
            (
                size * base[local],
                np.maximum(-size, 0.0),
                abs_size * (reach[opt_book] * opt_fwd + strike[local]),
                abs_size + 1.0,
            )
        )
        per_book[:, nonempty] = np.add.reduceat(per_option, starts[:-1][nonempty], axis=1)
    option_value, short_units, option_notional, option_units = per_book
    add_on = (
        t.linear_add_on[book_und] * np.abs(perp) * spot
        + t.option_add_on[book_und] * spot * short_units
        + t.haircut[book_und] * np.abs(bal) * spot  # the haircut: an IM contingency on |b| S
    )
    margin = loss + add_on
    book_equity = bal * spot + perp * (spot - entry) + option_value  # balances at full value
    notional = reach * (np.abs(bal) + np.abs(perp)) * spot + np.abs(perp) * np.abs(entry) + option_notional
    # A book holding nothing adds exactly 0 to equity and margin.
    held = (bal != 0) | (perp != 0) | nonempty
    absolute = np.where(held, ABS_UNIT * (option_units + np.abs(bal) + np.abs(perp) + 1.0), 0.0)
    margin_err = np.where(held, rel_tol * notional + absolute, 0.0)

    # Accounts.
    bad = np.zeros(n_acc, dtype=bool)
    if o1 > o0:
        bad[book_acct[opt_book[~series_ok[local]]]] = True
    bad[book_acct[bad_und]] = True
    account_ok[a0:a1] &= ~bad
    cash = packed.cash[a0:a1]
    equity = cash + np.bincount(book_acct, weights=book_equity, minlength=n_acc)
    holds = np.bincount(book_acct, weights=held, minlength=n_acc) > 0
    eq_err = np.where(
        holds,
        rel_tol * (np.abs(cash) + np.bincount(book_acct, weights=notional, minlength=n_acc))
        + np.bincount(book_acct, weights=absolute, minlength=n_acc)
        + ABS_UNIT,
        0.0,
    )
    margins = np.zeros((n_acc, t.n_underlyings))
    errors = np.zeros((n_acc, t.n_underlyings))
    margins[book_acct, book_und] = margin
    errors[book_acct, book_und] = margin_err
    account_ok[a0:a1] &= (margins + errors).sum(axis=1) <= AGGREGATE_MARGIN_MAX  # the engine's domain
    im = _aggregate(margins, t.correlation)
    im_hi = _aggregate(margins + errors, t.correlation) * (1.0 + AGG_REL)
    im_lo = _aggregate(np.maximum(margins - errors, 0.0), t.correlation) * (1.0 - AGG_REL)
    if t.correlation is not None:  # the engine rounds the root up once (never below the real root)
        im_hi += np.where(im_hi > 0, AGG_WEI, 0.0)
    mm = t.mm_factor * im
    mm_hi = np.where(im_hi > 0, t.mm_factor * im_hi * (1.0 + AGG_REL) + 2e-18, 0.0)
    mm_lo = t.mm_factor * im_lo * (1.0 - AGG_REL)
    equity_out[a0:a1] = equity
    initial_out[a0:a1] = im
    maintenance_out[a0:a1] = mm
    bound_out[a0:a1] = eq_err + np.maximum(mm_hi - mm, mm - mm_lo)


def _price_used(packed: Packed, t: _Tables, used: np.ndarray) -> tuple:
    """(price now, price change per scenario, forward, strike, in-domain) of the series ``used``."""
    group = packed.series_group[used]
    und = t.group_underlying[group]
    strike = packed.series_strike[used]
    forward = t.spot[und] * t.growth[group]
    x0 = np.log(forward / strike)
    base, delta = _price_series(t, x0, forward, strike, packed.series_call[used], group, und)
    in_domain = (
        t.group_ok[group]
        & (np.abs(x0) + t.max_log_shock[und] <= _X_MAX)
        & (forward * t.min_growth[und] >= _F_MIN)
        & (forward * t.max_growth[und] <= _F_MAX)
        & (forward >= _F_MIN)
        & (forward <= _F_MAX)
    )
    return base, delta, forward, strike, in_domain


def _price_series(
    t: _Tables,
    x0: np.ndarray,
    forward: np.ndarray,
    strike: np.ndarray,
    is_call: np.ndarray,
    group: np.ndarray,
    und: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Per series: price now (vol none) and price change at every scenario of its underlying, one
    underlying at a time (its scenario row broadcasts) in cache-sized blocks of series."""
    disc = t.discount[group]
    sst = t.sigma_sqrt_t[group]
    base = black76(x0, forward, strike, sst[:, 1], disc, is_call)
    width = t.shock.shape[1]
    delta = np.empty((len(x0), width))
    rows = max(1, _PRICES_PER_BLOCK // width)
    for u in np.unique(und):
        members = np.flatnonzero(und == u)
        log_shock, growth, level = t.log_shock[u], t.growth_shock[u], t.vol_level[u]
        for r0 in range(0, len(members), rows):
            r = members[r0 : r0 + rows]
            prices = black76(
                x0[r, None] + log_shock,
                forward[r, None] * growth,
                strike[r, None],
                sst[r][:, level],
                disc[r, None],
                is_call[r, None],
            )
            prices -= base[r, None]
            delta[r] = prices
    return base, delta


def _aggregate(margins: np.ndarray, correlation: np.ndarray | None) -> np.ndarray:
    if correlation is None:
        return margins.sum(axis=1)
    quad = np.einsum("au,uv,av->a", margins, correlation, margins)
    return np.sqrt(np.maximum(quad, 0.0))


# --------------------------------------------------------------------------------------------
# Screening plus the exact engine on what screening cannot decide


@dataclass
class ConfirmedResult:
    """Final answer per account after running the exact engine on every CHECK account.

    ``classes``: SAFE / UNDER / INVALID (the engine raised; the error is in ``errors``);
    ``screened``: the screening classes; ``exact``: margin_of results of the accounts it ran on.
    """

    classes: np.ndarray
    screened: ScreenResult
    exact: dict[int, MarginResult]
    errors: dict[int, ContractError]

    @property
    def liquidatable(self) -> np.ndarray:
        return self.classes == UNDER


def screen_and_confirm(
    portfolios: list[Portfolio], market: Market, params: RiskParams, *, processes: int = 1, packed: Packed | None = None
) -> ConfirmedResult:
    """:func:`screen`, then :func:`offchain.twins.margin.margin_of` on each CHECK account (``processes``
    worker processes if > 1): every account ends SAFE, UNDER or INVALID."""
    screened = screen(packed if packed is not None else portfolios, market, params)
    classes = screened.classes.copy()
    todo = [int(i) for i in np.flatnonzero(classes == CHECK)]
    outcomes = _run_exact([portfolios[i] for i in todo], market, params, processes)
    exact: dict[int, MarginResult] = {}
    errors: dict[int, ContractError] = {}
    for i, outcome in zip(todo, outcomes):
        if isinstance(outcome, ContractError):
            errors[i] = outcome
            classes[i] = INVALID
        else:
            exact[i] = outcome
            classes[i] = UNDER if outcome.liquidatable else SAFE
    return ConfirmedResult(classes, screened, exact, errors)


def _exact_one(portfolio: Portfolio, market: Market, params: RiskParams) -> MarginResult | ContractError:
    try:
        return margin_of(portfolio, market, params)
    except ContractError as exc:
        return exc


_WORKER_STATE: tuple[Market, RiskParams] | None = None


def _worker_init(market: Market, params: RiskParams) -> None:
    global _WORKER_STATE
    _WORKER_STATE = (market, params)


def _worker_run(portfolio: Portfolio) -> MarginResult | ContractError:
    assert _WORKER_STATE is not None
    return _exact_one(portfolio, *_WORKER_STATE)


def _run_exact(portfolios: list[Portfolio], market: Market, params: RiskParams, processes: int) -> list:
    if processes <= 1 or len(portfolios) < 2 * processes:
        return [_exact_one(p, market, params) for p in portfolios]
    context = multiprocessing.get_context("fork")
    with context.Pool(processes, initializer=_worker_init, initargs=(market, params)) as pool:
        return pool.map(_worker_run, portfolios, chunksize=max(1, len(portfolios) // (8 * processes)))
