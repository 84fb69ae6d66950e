"""Documented behaviour of the Python twin (and, through the differential tests, of the contract):
rounding directions, anchors, and error bounds against a 50-digit reference."""

from __future__ import annotations

import random

import mpmath as mp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from offchain.twins import fixedpoint as F
from offchain.twins.constants import EXP_MAX_INPUT, WAD, WAD_SCALE_MAX
from offchain.twins.errors import GM_DivWadByZero, GM_ExpOverflow, GM_LnUndefined, GM_MulWadOverflow, GM_SqrtUndefined

mp.mp.dps = 50
operands = st.integers(-(10**38), 10**38)


@given(operands, operands)
def test_mul_rounds_down_then_up_by_at_most_one(x: int, y: int) -> None:
    down, up = F.mul_wad_down(x, y), F.mul_wad_up(x, y)
    assert down * WAD <= x * y <= up * WAD
    assert up - down == (0 if (x * y) % WAD == 0 else 1)


@given(operands, operands.filter(lambda v: v != 0))
def test_div_rounds_down_then_up_by_at_most_one(x: int, y: int) -> None:
    down, up = F.div_wad_down(x, y), F.div_wad_up(x, y)
    assert down * y <= x * WAD <= up * y if y > 0 else down * y >= x * WAD >= up * y
    assert up - down == (0 if (x * WAD) % y == 0 else 1)


def test_errors_carry_their_arguments() -> None:
    with pytest.raises(GM_MulWadOverflow) as exc:
        F.mul_wad_down(2**200, -(2**60))
    assert exc.value.args == (2**200, -(2**60))
    with pytest.raises(GM_DivWadByZero) as exc:
        F.div_wad_up(-5, 0)
    assert exc.value.args == (-5,)
    with pytest.raises(GM_ExpOverflow):
        F.exp_wad(EXP_MAX_INPUT + 1)
    with pytest.raises(GM_LnUndefined):
        F.ln_wad(0)
    with pytest.raises(GM_SqrtUndefined):
        F.sqrt_wad(-1)


def test_anchors() -> None:
    assert F.exp_wad(0) == WAD
    assert F.exp_wad(WAD) == 2718281828459045235  # e = 2.718281828459045235360...
    assert F.ln_wad(WAD) == 0
    assert F.ln_wad(2718281828459045235) in (WAD - 1, WAD)
    assert F.sqrt_wad(4 * WAD) == 2 * WAD and F.sqrt_wad(2 * WAD) == 1414213562373095048
    assert abs(F.norm_cdf_wad(0) - WAD // 2) <= 1
    assert F.norm_cdf_wad(-10 * WAD) == 0 and F.norm_cdf_wad(10 * WAD) == WAD


def _sample(seed: int, lo: int, hi: int, n: int = 1500) -> list[int]:
    rng = random.Random(seed)
    return [rng.randint(lo, hi) for _ in range(n)]


def test_exp_error_bound() -> None:
    for x in _sample(1, -42 * WAD, EXP_MAX_INPUT):
        true = mp.exp(mp.mpf(x) / WAD) * WAD
        got = F.exp_wad(x)
        assert true * (1 - mp.mpf("2e-19")) - 1 <= got <= true * (1 + mp.mpf("2e-19")), x


def test_ln_error_bound() -> None:
    for x in _sample(2, 1, 10**40) + _sample(3, WAD // 2, 2 * WAD):
        true = mp.log(mp.mpf(x) / WAD) * WAD
        assert true - mp.mpf("1.1") <= F.ln_wad(x) <= true + mp.mpf("0.1"), x


def test_sqrt_is_exact_floor_then_within_one_wei() -> None:
    for x in _sample(4, 0, WAD_SCALE_MAX):
        root = F.sqrt_wad(x)
        assert root * root <= x * WAD < (root + 1) ** 2
    for x in _sample(5, WAD_SCALE_MAX, 2**255 - 1):
        assert abs(F.sqrt_wad(x) - mp.sqrt(mp.mpf(x) * WAD)) <= 1


def test_norm_cdf_and_pdf_error_bounds() -> None:
    for x in _sample(6, -40 * WAD, 40 * WAD) + _sample(7, -3 * WAD, 3 * WAD):
        assert abs(F.norm_cdf_wad(x) - mp.ncdf(mp.mpf(x) / WAD) * WAD) <= 2, x
        assert abs(F.norm_pdf_wad(x) - mp.npdf(mp.mpf(x) / WAD) * WAD) <= 2, x
