#!/usr/bin/env python3
"""Generate the constants and the errors of both twins from one source.

Writes ``contracts/libraries/Constants.sol`` and ``offchain/twins/constants.py`` with the same names
and the same integers: the fixed-point constants and the risk-parameter ids of ``GM_ParamOutOfRange``
(with ``PARAM_FIELDS``, their fields' names in the portfolio file). Mathematical constants are
evaluated with mpmath at 60 digits and rounded to the nearest integer at their scale; the rational
approximations come from ``scripts/fits/normcdf.json`` and ``scripts/fits/tail_ratio.json`` (re-fit
with ``--refit``, minimax fits made here).

Writes ``offchain/twins/errors.py`` from ``contracts/libraries/Errors.sol``: one exception class per
Solidity error, same name, argument types in order, the natspec notice as docstring and the 4-byte
selector as a constant (so the twins need no keccak at run time).

Usage: ``python scripts/gen_constants.py [--check] [--refit]``
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from pathlib import Path
from typing import NamedTuple

import mpmath as mp
from eth_utils import function_signature_to_4byte_selector

ROOT = Path(__file__).resolve().parent.parent
SOL_PATH = ROOT / "contracts/libraries/Constants.sol"
PY_PATH = ROOT / "offchain/twins/constants.py"
ERRORS_SOL_PATH = ROOT / "contracts/libraries/Errors.sol"
ERRORS_PY_PATH = ROOT / "offchain/twins/errors.py"
FIT_PATH = ROOT / "scripts/fits/normcdf.json"
TAIL_FIT_PATH = ROOT / "scripts/fits/tail_ratio.json"

mp.mp.dps = 60
X96 = mp.mpf(2) ** 96
WAD = 10**18
INT256_MAX = 2**255 - 1


def x96(value: mp.mpf) -> int:
    """``value`` in Q96 fixed point, rounded to nearest."""
    return int(mp.nint(value * X96))


def exp_pade(n: int) -> tuple[list[mp.mpf], list[mp.mpf]]:
    """Even and odd parts of the [n/n] Padé numerator of e^r: N(r) = E(r^2) + r O(r^2)."""
    c = [
        mp.factorial(2 * n - j) * mp.factorial(n) / (mp.factorial(2 * n) * mp.factorial(j) * mp.factorial(n - j))
        for j in range(n + 1)
    ]
    return c[0::2], c[1::2]


def ln_pade_4_4() -> tuple[list[mp.mpf], list[mp.mpf]]:
    """[4/4] Padé of atanh(s)/s in z = s^2 (numerator, denominator; denominator[0] = 1)."""
    taylor = [mp.mpf(1) / (2 * j + 1) for j in range(9)]
    p, q = mp.pade(taylor, 4, 4)
    return p, q


def exp_max_input() -> int:
    """Largest x (wad) with e^(x/1e18) * 1e18 below INT256_MAX by a margin of 1e-15 relative."""
    return int(mp.floor((mp.log(mp.mpf(INT256_MAX) / WAD) - mp.mpf("1e-15")) * WAD))


def refit_normcdf() -> dict:
    """normCdfWad's R: a [7/8] rational minimising the CDF error e^(-t^2/2)|P/Q - R| on [0, 9.5]."""
    return _fit_tail_rational(7, 8, weighted=True)


def refit_tail_ratio() -> dict:
    """Black76's R: a [6/7] rational minimising |P/Q - R| itself on [0, 9.5] (each R term of a price
    is multiplied by F E <= F, so this error times 2 F bounds the price error; docs/black76.md)."""
    return _fit_tail_rational(6, 7, weighted=False)


def _fit_tail_rational(n: int, m: int, *, weighted: bool) -> dict:
    """Fit R(t) = Phi(-t) e^(t^2/2) on [0, 9.5] by an [n/m] rational, minimising the maximum of
    w(t)|P/Q - R| (w = e^(-t^2/2) if weighted, else 1): linearised least squares
    (Sanathanan-Koerner) with Lawson re-weighting toward minimax."""
    mp.mp.dps = 50
    t_max, points = mp.mpf("9.5"), 300
    ts = [t_max * (1 - mp.cos(mp.pi * (i + mp.mpf("0.5")) / points)) / 2 for i in range(points)]
    gs = [mp.ncdf(-t) * mp.exp(t * t / 2) for t in ts]
    ws = [mp.exp(-t * t / 2) if weighted else mp.mpf(1) for t in ts]
    lawson, q_prev, best = [mp.mpf(1)] * points, [mp.mpf(1)] * points, None
    for _ in range(30):
        a, b = mp.matrix(points, n + 1 + m), mp.matrix(points, 1)
        for i, t in enumerate(ts):
            sc = ws[i] * mp.sqrt(lawson[i]) / q_prev[i]
            for j in range(n + 1):
                a[i, j] = sc * t**j
            for j in range(1, m + 1):
                a[i, n + j] = -sc * gs[i] * t**j
            b[i] = sc * gs[i]
        sol = mp.qr_solve(a, b)[0]
        p = [sol[j] for j in range(n + 1)]
        q = [mp.mpf(1)] + [sol[n + j] for j in range(1, m + 1)]
        errs = []
        for i, t in enumerate(ts):
            q_prev[i] = abs(mp.polyval(q[::-1], t))
            errs.append(ws[i] * abs(mp.polyval(p[::-1], t) / mp.polyval(q[::-1], t) - gs[i]))
        if best is None or max(errs) < best[0]:
            best = (max(errs), p, q)
        total = sum(lw * e for lw, e in zip(lawson, errs))
        lawson = [lw * e / total * points for lw, e in zip(lawson, errs)]
    mp.mp.dps = 60
    err, p, q = best
    key = "max_weighted_error" if weighted else "max_error"
    return {"T": "9.5", key: mp.nstr(err, 6), "p": [mp.nstr(c, 45) for c in p], "q": [mp.nstr(c, 45) for c in q]}


def constants() -> list[tuple[str, int, str]]:
    """(NAME, value, one-line doc) in the order both files list them."""
    fit = json.loads(FIT_PATH.read_text())
    e_even, e_odd = exp_pade(6)
    ln_p, ln_q = ln_pade_4_4()
    out: list[tuple[str, int, str]] = [
        ("WAD", WAD, "1.0 in wad (18-decimal) fixed point."),
        ("POW5_18", 5**18, "5^18: 1e18 = 5^18 * 2^18, so x * 2^96 / 1e18 = (x << 78) / 5^18."),
        (
            "EXP_MAX_INPUT",
            exp_max_input(),
            "Largest expWad input: e^x * 1e18 stays 1e-15 (relative) below type(int256).max.",
        ),
        ("EXP_ZERO_INPUT", -42 * WAD, "expWad returns 0 below this input (the true result is under 0.6e-18 wei)."),
        ("EXP_SCALE", 5**18 << 96, "5^18 * 2^96: turns e^r into e^r * 1e18 * 2^78 inside expWad's final division."),
        ("LN2_X96", x96(mp.log(2)), "ln(2) in Q96."),
        ("INV_LN2_X96", x96(1 / mp.log(2)), "1 / ln(2) in Q96."),
        ("SQRT2_X96", x96(mp.sqrt(2)), "sqrt(2) in Q96."),
        ("LN_WAD_X96", x96(18 * mp.log(10)), "ln(1e18) in Q96."),
        ("SQRT_WAD", 10**9, "sqrt(1e18): sqrtWad(x) = sqrt(x * 1e18)."),
        (
            "WAD_SCALE_MAX",
            INT256_MAX // WAD,
            "Largest |x| for which x * 1e18 fits in int256 (divWad domain; sqrtWad's exact range).",
        ),
        ("INV_SQRT_2PI_WAD", int(mp.nint(WAD / mp.sqrt(2 * mp.pi))), "1 / sqrt(2 pi) in wad."),
        ("SECONDS_PER_YEAR", 365 * 86_400, "Margin engine: time to expiry in years = seconds / SECONDS_PER_YEAR."),
        (
            "TERM_SCALING_HORIZON",
            30 * 86_400,
            "Margin engine: vol shocks scale as (TERM_SCALING_HORIZON / time to expiry)^p.",
        ),
        (
            "AMOUNT_MAX",
            10**36,
            "Margin engine: largest |amount| (cash, balances, sizes, prices) in wad. A product of two amounts is"
            " below 1e72, so a sum of up to 5e4 such products fits in int256 (5.8e76). Products of two margins"
            " are not of this kind: the correlated aggregation sums them exactly in 512 bits.",
        ),
        (
            "CDF_CUTOFF",
            int(mp.mpf(fit["T"]) * WAD),
            "normCdfWad is 0 (1e18) below -CUTOFF (above +CUTOFF): Phi(-9.5) < 1.1e-21.",
        ),
    ]
    out += [(f"EXP_E{j}_X96", x96(c), f"e^r Padé [6/6], even part, z^{j} coefficient.") for j, c in enumerate(e_even)]
    out += [(f"EXP_O{j}_X96", x96(c), f"e^r Padé [6/6], odd part, z^{j} coefficient.") for j, c in enumerate(e_odd)]
    out += [
        (f"LN_P{j}_X96", x96(c), f"atanh(s)/s Padé [4/4] numerator, z^{j} coefficient.") for j, c in enumerate(ln_p)
    ]
    out += [
        (f"LN_Q{j}_X96", x96(c), f"atanh(s)/s Padé [4/4] denominator, z^{j} coefficient.") for j, c in enumerate(ln_q)
    ]
    out += [
        (f"CDF_P{j}_X96", x96(mp.mpf(c)), f"Phi(-t) e^(t^2/2) rational [7/8] numerator, t^{j} coefficient.")
        for j, c in enumerate(fit["p"])
    ]
    out += [
        (f"CDF_Q{j}_X96", x96(mp.mpf(c)), f"Phi(-t) e^(t^2/2) rational [7/8] denominator, t^{j} coefficient.")
        for j, c in enumerate(fit["q"])
    ]
    out += black76_constants(int(mp.mpf(fit["T"]) * WAD), json.loads(TAIL_FIT_PATH.read_text()))
    return out


def black76_constants(cdf_cutoff: int, tail_fit: dict) -> list[tuple[str, int, str]]:
    """Domain, error-bound, scaling and tail-rational constants of Black76 (docs/black76.md derives
    the bound: the fit's error counts twice per price, with a 25% margin over the fit's measured
    maximum, plus 1e-15 for E's [5/5] Padé (relative error < 8.7e-16) and 2e-18 for the rest)."""
    tolerance = 4
    fit_wei = int(mp.ceil(2 * mp.mpf("1.25") * mp.mpf(tail_fit["max_error"]) * WAD))
    out = [
        (
            "B76_PRICE_MAX",
            10**36,
            "Black76: largest forward or strike (1e18 in wad); keeps F * e * r (< 1.9e73) inside int256.",
        ),
        (
            "B76_SIGMA_SQRT_T_MAX",
            100 * WAD,
            "Black76: largest sigma * sqrt(T) (100 in wad); call and put are D*F and D*K long before.",
        ),
        (
            "B76_LOG_MONEYNESS_MAX",
            100 * WAD,
            "Black76: largest |ln(F/K)| accepted (100 in wad; ln(B76_PRICE_MAX / 1 wei) = 82.9).",
        ),
        (
            "B76_LOG_MONEYNESS_TOLERANCE",
            tolerance,
            "Black76 bounds hold when the given ln(F/K) is within this many wei of the true one.",
        ),
        (
            "B76_ERR_FORWARD",
            fit_wei + 1_002,
            "Black76 error bound, wei per 1e18 of forward: the R fit (twice, 25% margin), E's [5/5] Padé (1e-15),"
            " 2 (Q64 ratios, truncation).",
        ),
        (
            "B76_ERR_STRIKE",
            2 * tolerance + 2,
            "Black76 error bound, wei per 1e18 of strike: 2 * B76_LOG_MONEYNESS_TOLERANCE + 2 (fit, cutoff).",
        ),
        ("B76_ERR_WEI", 1, "Black76 error bound, constant part in wei (the Q32 accumulator truncates by < 2^-32 wei)."),
        ("B76_D_CUTOFF", cdf_cutoff << 78, "CDF_CUTOFF in Black76's d units, wad * 2^78 (d / 5^18 is d in Q96)."),
        (
            "B76_Q32_WAD",
            WAD << 32,
            "1e18 * 2^32: (discount * Q32-wei value) / B76_Q32_WAD is wei; also F * e * r64 / it is Q32 wei.",
        ),
        ("B76_Q32_HALF_WAD", WAD << 31, "B76_Q32_WAD / 2, added before dividing to round to nearest."),
    ]
    b_even, b_odd = exp_pade(5)
    out += [
        (f"B76_EXP_E{j}_X96", x96(c), f"Black76 E = e^(-d^2/2): e^r Padé [5/5], even part, z^{j} coefficient.")
        for j, c in enumerate(b_even)
    ]
    out += [
        (f"B76_EXP_O{j}_X96", x96(c), f"Black76 E = e^(-d^2/2): e^r Padé [5/5], odd part, z^{j} coefficient.")
        for j, c in enumerate(b_odd)
    ]
    # Horner runs two steps per shift: the upper coefficient of each pair is scaled by 2^64 more (X160).
    out += [
        _pair_scaled("P", j, c, j % 2 == 1, "Black76 R(t) = Phi(-t) e^(t^2/2) rational [6/7] numerator")
        for j, c in enumerate(tail_fit["p"])
    ]
    out += [
        _pair_scaled("Q", j, c, j % 2 == 0 and 0 < j < 7, "Black76 R(t) rational [6/7] denominator")
        for j, c in enumerate(tail_fit["q"])
    ]
    return out


def _pair_scaled(part: str, j: int, coefficient: str, upper: bool, what: str) -> tuple[str, int, str]:
    """One tail-rational coefficient: Q96, or Q160 when it is the upper one of a Horner pair."""
    bits = 160 if upper else 96
    return (
        f"B76_R_{part}{j}_X{bits}",
        int(mp.nint(mp.mpf(coefficient) * mp.mpf(2) ** bits)),
        f"{what}, t^{j} coefficient (Q{bits}).",
    )


HEADER = "Generated by scripts/gen_constants.py from one source; do not edit. Twin: {twin}."
LINE_MAX = 120

PARAMS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("MM_FACTOR", "RiskParams", ("mm_factor",)),
    ("MAX_OPTIONS", "RiskParams", ("max_options",)),
    ("CORRELATION", "RiskParams", ("correlation",)),
    ("SPOT_SHOCKS", "GridParams", ("spot_shocks",)),
    ("EXTENDED_SHOCKS", "GridParams", ("extended_shocks",)),
    ("VOL_DOWN", "GridParams", ("vol_down",)),
    ("VOL_UP", "GridParams", ("vol_up",)),
    ("TERM_POWER", "GridParams", ("term_power_short", "term_power_long")),
    ("DAMPENER", "GridParams", ("dampener",)),
    ("HAIRCUT", "GridParams", ("haircut",)),
    ("ADD_ON", "GridParams", ("linear_add_on", "short_option_add_on")),
    ("GRIDS", "RiskParams", ("grids",)),
    ("DTE_FLOOR", "GridParams", ("dte_floor",)),
)
"""The risk-parameter ids ``GM_ParamOutOfRange`` reports (id = index): name, struct, the fields it
covers (snake_case, as in the Python types and the portfolio file). RiskParams' own fields are
reported with underlying 0, GridParams' with the grid's underlying (and MAX_OPTIONS, when maxOptions
times a grid's scenario count exceeds the gas bound, with that grid's underlying). New ids are
appended: an id never changes meaning."""


class SolidityError(NamedTuple):
    """One ``error`` of Errors.sol."""

    name: str
    arg_types: tuple[str, ...]
    notice: str

    @property
    def signature(self) -> str:
        return f"{self.name}({','.join(self.arg_types)})"


_ERROR = re.compile(r"((?:^///.*\n)+)^error (\w+)\(([^)]*)\);", re.MULTILINE)
_NOTICE = re.compile(r"@notice\s+(.*?)\s*(?:@\w+\s|$)")


def solidity_errors() -> list[SolidityError]:
    """Every error of Errors.sol in declaration order, each with the natspec comment right above it."""
    errors = []
    for comment, name, params in _ERROR.findall(ERRORS_SOL_PATH.read_text()):
        text = " ".join(line.removeprefix("///").strip() for line in comment.splitlines())
        notice = _NOTICE.search(text)
        if notice is None:
            raise ValueError(f"Errors.sol: {name} has no @notice")
        errors.append(SolidityError(name, tuple(p.split()[0] for p in params.split(",") if p.strip()), notice[1]))
    return errors


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.title() for word in rest)


def param_ids() -> list[tuple[str, int, str]]:
    """(PARAM_NAME, id, one-line doc) of every risk-parameter id."""
    return [
        (f"PARAM_{name}", i, f"GM_ParamOutOfRange id of {' and '.join(f'{struct}.{_camel(f)}' for f in fields)}.")
        for i, (name, struct, fields) in enumerate(PARAMS)
    ]


def render_solidity(items: list[tuple[str, int, str]], params: list[tuple[str, int, str]]) -> str:
    lines = ["// SPDX-License-Identifier: MIT", "pragma solidity 0.8.28;", ""]
    lines += [f"// {HEADER.format(twin='offchain/twins/constants.py')}", ""]
    for sol_type, group in (("int256", items), ("uint256", params)):
        for name, value, doc in group:
            lines += [*_natspec(doc), f"{sol_type} constant {name} = {value};"]
    return "\n".join(lines) + "\n"


def render_python(items: list[tuple[str, int, str]], params: list[tuple[str, int, str]]) -> str:
    lines = [f'"""{HEADER.format(twin="contracts/libraries/Constants.sol")}"""', ""]
    for name, value, doc in items + params:
        lines += [f"{name} = {value}", *_docstring(doc, ""), ""]
    lines += ["PARAM_FIELDS = ("]
    lines += [f'    "{"/".join(fields)}",' for _, _, fields in PARAMS]
    doc = 'The portfolio-file field(s) of each PARAM_* id (index = id; two fields of one id joined by "/").'
    lines += [")", *_docstring(doc, ""), ""]
    return "\n".join(lines)


def render_errors(errors: list[SolidityError]) -> str:
    """offchain/twins/errors.py: one ContractError subclass per Solidity error, then ALL_ERRORS."""
    lines = [
        '"""Python twins of the custom errors in ``contracts/libraries/Errors.sol``.',
        "",
        "Generated by scripts/gen_constants.py from Errors.sol; do not edit. One :class:`ContractError` per",
        "Solidity error: same name, ``arg_types`` in order, the natspec notice as docstring, the 4-byte",
        "``selector``. An instance carries the error's arguments, in order, as ``.args``;",
        ":func:`offchain.chain.abi.decode_revert` turns EVM revert data into these exceptions.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from offchain.twins.exceptions import ContractError",
        "from offchain.twins.exceptions import GridMarginError as GridMarginError  # re-exported",
        "from offchain.twins.exceptions import UnknownRevert as UnknownRevert  # re-exported",
    ]
    for error in errors:
        selector = function_signature_to_4byte_selector(error.signature).hex()
        types = ", ".join(f'"{t}"' for t in error.arg_types) + ("," if len(error.arg_types) == 1 else "")
        lines += ["", "", f"class {error.name}(ContractError):", *_docstring(error.notice, "    "), ""]
        lines += [f"    arg_types = ({types})", f'    selector = bytes.fromhex("{selector}")']
    lines += ["", "", "ALL_ERRORS: tuple[type[ContractError], ...] = ("]
    lines += [f"    {error.name}," for error in errors]
    lines += [")", '"""Every error of Errors.sol, in declaration order."""', ""]
    return "\n".join(lines)


def _natspec(text: str) -> list[str]:
    """``text`` as a ``/// @dev`` comment, wrapped at LINE_MAX (continuation lines aligned)."""
    first, *rest = textwrap.wrap(text, LINE_MAX - len("/// @dev "))
    return [f"/// @dev {first}", *(f"///      {part}" for part in rest)]


def _docstring(text: str, indent: str) -> list[str]:
    """``text`` as a docstring at ``indent``: one line if it fits in LINE_MAX, else wrapped."""
    if '"""' in text or "\\" in text:
        raise ValueError(f"cannot put {text!r} in a docstring")
    line = f'{indent}"""{text}"""'
    if len(line) <= LINE_MAX:
        return [line]
    wrapped = textwrap.wrap(f'"""{text}', LINE_MAX - len(indent))
    return [indent + part for part in wrapped] + [f'{indent}"""']


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the generated files are out of date")
    parser.add_argument("--refit", action="store_true", help="re-run both rational fits and rewrite their JSON")
    args = parser.parse_args()
    if args.refit:
        FIT_PATH.write_text(json.dumps(refit_normcdf(), indent=1) + "\n")
        TAIL_FIT_PATH.write_text(json.dumps(refit_tail_ratio(), indent=1) + "\n")
    items, params = constants(), param_ids()
    wanted = {
        SOL_PATH: render_solidity(items, params),
        PY_PATH: render_python(items, params),
        ERRORS_PY_PATH: render_errors(solidity_errors()),
    }
    stale = [p for p, text in wanted.items() if not p.exists() or p.read_text() != text]
    if args.check:
        for path in stale:
            print(f"stale: {path.relative_to(ROOT)} (run scripts/gen_constants.py)", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_text(wanted[path])
    return 0


if __name__ == "__main__":
    sys.exit(main())
