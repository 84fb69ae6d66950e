"""Documented behaviour of the Black-76 twin (and, through the differential tests, of the contract):
accuracy against a 60-digit mpmath reference, the bracket containing the true price on every sample,
put-call parity, monotonicity in the forward, the T -> 0 / deep ITM-OTM limits, and the errors.

Accuracy domain (docs/black76.md): F in [1e-6, 1e12], K / F in [1e-4, 1e4], sigma sqrt(T) in
{0} U [1 wei, 20], D in (0.3, 1]; there |price - true| <= 1e-12 F and <= D err + 0.5 wei. The
bracket is checked on a wider domain: F from 1 wei to 1e18, K / F up to 1e8, and ln(F/K) off by up
to 3.5 wei (the guarantee allows B76_LOG_MONEYNESS_TOLERANCE = 4).
"""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath as mp
import pytest

from offchain.differential.black76 import (
    REF_DPS,
    edge_markets,
    error_bound,
    random_market,
    reference,
)
from offchain.twins import black76 as B
from offchain.twins import constants as C
from offchain.twins.errors import (
    GM_DiscountOutOfRange,
    GM_ForwardOutOfRange,
    GM_LogMoneynessOutOfRange,
    GM_StrikeOutOfRange,
    GM_VolatilityOutOfRange,
)

W = C.WAD
ACCURACY_SAMPLES = 4_000
BRACKET_SAMPLES = 4_000


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _check_bracket(forward: int, strike: int, sigma: int, discount: int, ln_fk: int) -> None:
    call_low, call_high, put_low, put_high = B.call_put_bounds(ln_fk, forward, strike, sigma, discount)
    ref = reference(forward, strike, sigma, discount)
    case = (forward, strike, sigma, discount, ln_fk)
    assert ref.contains(call_low, call_high, "call"), (case, call_low, ref.call, call_high)
    assert ref.contains(put_low, put_high, "put"), (case, put_low, ref.put, put_high)
    # No-arbitrage limits: floor(D max(F-K, 0)) <= low, high <= ceil(D F) (puts: K instead of F).
    assert discount * max(forward - strike, 0) // W <= call_low <= call_high <= _ceil_div(discount * forward, W), case
    assert discount * max(strike - forward, 0) // W <= put_low <= put_high <= _ceil_div(discount * strike, W), case
    # Tight: the width is the documented band, discounted, plus the two outward roundings.
    width = 2 * error_bound(forward, strike, sigma, discount) - 1 + 2
    assert call_high - call_low <= width and put_high - put_low <= width, case


def _exact_ln_fk(forward: int, strike: int) -> int:
    with mp.workdps(REF_DPS):
        return int(mp.nint(mp.log(mp.mpf(forward) / strike) * W))


def test_accuracy_against_mpmath() -> None:
    rng = random.Random("black76-accuracy")
    worst = mp.mpf(0)
    for _ in range(ACCURACY_SAMPLES):
        forward, strike, sigma, discount = random_market(rng)
        ln_fk = B.log_moneyness(forward, strike)
        call, put = B.call_put(ln_fk, forward, strike, sigma, discount)
        _check_bracket(forward, strike, sigma, discount, ln_fk)  # low <= true <= high on every sample
        ref = reference(forward, strike, sigma, discount)
        err = ref.error(call, put)
        bound = error_bound(forward, strike, sigma, discount)
        case = (forward, strike, sigma, discount)
        assert err <= mp.mpf(bound.numerator) / bound.denominator, (case, err, bound)
        assert err <= mp.mpf("1e-12") * forward, (case, err)
        worst = max(worst, err / forward)
    assert worst > 0  # the comparison is live


def test_bracket_contains_true_price_over_the_full_domain() -> None:
    rng = random.Random("black76-bracket")
    for _ in range(BRACKET_SAMPLES):
        if rng.random() < 0.5:
            forward, strike, sigma, discount = random_market(rng)
        else:
            forward, strike, sigma, discount = random_market(rng, log10_f=(-18, 18), log10_kf=8)
        if rng.random() < 0.5:
            ln_fk = B.log_moneyness(forward, strike) + rng.randint(-2, 2)  # within 1.2 + 2 wei
        else:
            ln_fk = _exact_ln_fk(forward, strike) + rng.randint(-3, 3)  # within 3.5 wei
        _check_bracket(forward, strike, sigma, discount, ln_fk)


def test_bracket_on_edge_markets() -> None:
    for forward, strike, sigma, discount in edge_markets():
        _check_bracket(forward, strike, sigma, discount, B.log_moneyness(forward, strike))


def test_put_call_parity() -> None:
    """call - put = D (F - K) to within 1 wei (both round one exact undiscounted pair to nearest)."""
    rng = random.Random("black76-parity")
    for _ in range(3000):
        forward, strike, sigma, discount = random_market(rng, log10_f=(-18, 18), log10_kf=8)
        call, put = B.price(forward, strike, sigma, discount)
        parity = Fraction(discount * (forward - strike), W)
        assert abs(call - put - parity) < 1, (forward, strike, sigma, discount, call, put)


def test_calls_increase_and_puts_decrease_with_the_forward() -> None:
    rng = random.Random("black76-monotone")
    for _ in range(150):
        strike = int(W * 10 ** rng.uniform(-5, 11))
        sigma = int(W * 10 ** rng.uniform(-6, 0.7))
        discount = rng.randint(W // 2, W)
        forwards = sorted(int(strike * 10 ** rng.uniform(-1.5, 1.5)) for _ in range(40))
        points = [B.price(f, strike, sigma, discount) for f in forwards]
        bounds = [B.price_bounds(f, strike, sigma, discount) for f in forwards]
        for i in range(1, len(forwards)):
            (c0, p0), (c1, p1) = points[i - 1], points[i]
            tolerance = 2 * error_bound(forwards[i], strike, sigma, discount)
            assert c1 >= c0 - tolerance and p1 <= p0 + tolerance, (forwards[i - 1], forwards[i], strike, sigma)
            # Exact order of the brackets: true call(F0) <= true call(F1).
            assert bounds[i - 1][0] <= bounds[i][1] and bounds[i][2] <= bounds[i - 1][3]
    # Where the slope (D N(d1) per unit F) dwarfs the error, the integers themselves are monotone.
    for strike in (10**12, W, 3000 * W, 10**30):
        forwards = [strike * (10**6 + 3 * k) // 10**6 for k in range(-200, 201)]
        calls = [B.price(f, strike, W // 5, W)[0] for f in forwards]
        puts = [B.price(f, strike, W // 5, W)[1] for f in forwards]
        assert calls == sorted(calls) and puts == sorted(puts, reverse=True), strike


def test_zero_volatility_is_exact_intrinsic_value() -> None:
    rng = random.Random("black76-intrinsic")
    for _ in range(500):
        forward, strike, _, discount = random_market(rng, log10_f=(-18, 18), log10_kf=8)
        ln_fk = B.log_moneyness(forward, strike) + rng.randint(-(10**6), 10**6)  # ignored when s = 0
        intrinsic_call = Fraction(discount * max(forward - strike, 0), W)
        intrinsic_put = Fraction(discount * max(strike - forward, 0), W)
        call, put = B.call_put(ln_fk, forward, strike, 0, discount)
        assert abs(call - intrinsic_call) <= Fraction(1, 2) and abs(put - intrinsic_put) <= Fraction(1, 2)
        bounds = B.call_put_bounds(ln_fk, forward, strike, 0, discount)
        assert bounds == (
            intrinsic_call.__floor__(),
            intrinsic_call.__ceil__(),
            intrinsic_put.__floor__(),
            intrinsic_put.__ceil__(),
        )


def test_limits_t_to_zero_and_deep_moneyness() -> None:
    forward = 2000 * W
    for strike in (1500 * W, forward - 1, forward, forward + 1, 2500 * W):
        intrinsic_call = max(forward - strike, 0)
        for sigma in (W // 2, W // 20, 10**15, 10**12, 10**9, 10**3, 1, 0):
            call, put = B.price(forward, strike, sigma, W)
            bound = error_bound(forward, strike, sigma, W)
            assert reference(forward, strike, sigma, W).error(call, put) <= mp.mpf(bound.numerator) / bound.denominator
            # The time value shrinks to 0 with s: at most its ATM value F s / sqrt(2 pi), plus the error.
            assert -bound <= call - intrinsic_call <= forward * sigma // (2 * W) + bound, (strike, sigma)
        assert call == intrinsic_call
    # Deep ITM call / deep OTM put: exactly the discounted intrinsic value (no tail left).
    call, put = B.price(10**30, 10**24, W, W // 2)
    assert (call, put) == ((10**30 - 10**24) // 2, 0)
    call, put = B.price(10**24, 10**30, W, W // 2)
    assert (call, put) == (0, (10**30 - 10**24) // 2)
    # Huge volatility: call -> D F, put -> D K.
    assert B.price(3 * W, 5 * W, C.B76_SIGMA_SQRT_T_MAX, W) == (3 * W, 5 * W)


def test_anchor_values() -> None:
    # Known values within the documented bound (D err + 0.5 wei; err = 7.88e-14 F + 1e-17 K + 1 wei).
    # ATM: call = put = D F (2 N(s/2) - 1); F = K = 1, s = 0.2: 0.0796556745540579626...
    true_atm = 79655674554057963
    call, put = B.price(W, W, W // 5, W)
    assert call == put and abs(call - true_atm) <= C.B76_ERR_FORWARD + C.B76_ERR_STRIKE + 2
    # Textbook: F = 100, K = 110, sigma = 25%, T = 0.5 (s = 0.25 sqrt(0.5)), D = e^-0.025.
    forward, strike, sigma, discount = 100 * W, 110 * W, 176776695296636881, 975309912028332669
    call, put = B.price(forward, strike, sigma, discount)
    assert (
        abs(call - 3356250812568853706) <= 10**7 and abs(put - 13109349932852180396) <= 10**7
    )  # true: ...705.57, ...395.57
    bound = error_bound(forward, strike, sigma, discount)
    assert reference(forward, strike, sigma, discount).error(call, put) <= mp.mpf(bound.numerator) / bound.denominator


def test_log_moneyness_is_within_1_2_wei() -> None:
    rng = random.Random("black76-ln")
    for _ in range(2000):
        forward, strike = rng.randint(1, C.B76_PRICE_MAX), rng.randint(1, C.B76_PRICE_MAX)
        if rng.random() < 0.5:
            strike = max(1, forward + rng.randint(-(10**6), 10**6))
        with mp.workdps(REF_DPS):
            true = mp.log(mp.mpf(forward) / strike) * W
            assert abs(B.log_moneyness(forward, strike) - true) <= mp.mpf("1.2"), (forward, strike)


def test_domain_corners_do_not_overflow() -> None:
    for forward in (1, 2, C.B76_PRICE_MAX):
        for strike in (1, 2, C.B76_PRICE_MAX):
            for sigma in (0, 1, C.B76_SIGMA_SQRT_T_MAX):
                for discount in (1, W):
                    for ln_fk in (
                        -C.B76_LOG_MONEYNESS_MAX,
                        0,
                        C.B76_LOG_MONEYNESS_MAX,
                        B.log_moneyness(forward, strike),
                    ):
                        call, put = B.call_put(ln_fk, forward, strike, sigma, discount)
                        assert 0 <= call <= _ceil_div(discount * forward, W)
                        assert 0 <= put <= _ceil_div(discount * strike, W)
                        low, high, _, _ = B.call_put_bounds(ln_fk, forward, strike, sigma, discount)
                        assert 0 <= low <= high <= _ceil_div(discount * forward, W)


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((C.B76_LOG_MONEYNESS_MAX + 1, 0, 0, -1, 0), GM_LogMoneynessOutOfRange(C.B76_LOG_MONEYNESS_MAX + 1)),
        ((-C.B76_LOG_MONEYNESS_MAX - 1, W, W, W, W), GM_LogMoneynessOutOfRange(-C.B76_LOG_MONEYNESS_MAX - 1)),
        ((0, 0, W, W, W), GM_ForwardOutOfRange(0)),
        ((0, C.B76_PRICE_MAX + 1, -5, W, W), GM_ForwardOutOfRange(C.B76_PRICE_MAX + 1)),
        ((0, W, -5, -1, 0), GM_StrikeOutOfRange(-5)),
        ((0, W, C.B76_PRICE_MAX + 1, W, W), GM_StrikeOutOfRange(C.B76_PRICE_MAX + 1)),
        ((0, W, W, -1, 0), GM_VolatilityOutOfRange(-1)),
        ((0, W, W, C.B76_SIGMA_SQRT_T_MAX + 1, W), GM_VolatilityOutOfRange(C.B76_SIGMA_SQRT_T_MAX + 1)),
        ((0, W, W, W, 0), GM_DiscountOutOfRange(0)),
        ((0, W, W, W, W + 1), GM_DiscountOutOfRange(W + 1)),
    ],
)
def test_errors_name_the_first_bad_argument(args: tuple[int, ...], error: Exception) -> None:
    for fn in (B.call_put, B.call_put_bounds):
        with pytest.raises(type(error)) as raised:
            fn(*args)
        assert raised.value == error
    if args[0] == 0:  # the 4-argument entry points check F, K, sigma, D in the same order
        with pytest.raises(type(error)) as raised:
            B.price(*args[1:])
        assert raised.value == error
