#!/usr/bin/env python3
"""Write tests/vectors/portfolios.json: margin engine golden vectors.

Each case holds its input in the public JSON portfolio format (docs/portfolio-format.md; the file
doubles as a collection of format examples) and the expected outcome:

* ``{"result": {...}}``: MarginEvaluator.marginOf on the EVM (equity, IM, MM, per underlying loss,
  IM, worst scenario and the P&L vector), every integer a decimal string of the wad integer;
* ``{"error": name, "args": [...]}``: the engine's revert, decoded, arguments as decimal strings;
* ``{"format_error": class, "path": jsonpath}``: inputs the parser must refuse (Python only; they
  never reach an engine).

The expected outcomes are computed on the EVM (LocalEVM + MarginEvaluator); the script refuses to
write if offchain.twins.margin disagrees on any case, or if a written document does not parse back to the
inputs it was written from. Run it after an intentional change to the engine (either twin):

    .venv/bin/python scripts/gen_margin_vectors.py
"""

from __future__ import annotations

import copy
import json
import random
import sys
from dataclasses import replace
from pathlib import Path

from offchain.chain.abi import result_from_abi
from offchain.chain.evm import ExecutionHalted, LocalEVM
from offchain.formats.portfolio import (
    PortfolioFormatError,
    canonical_options,
    loads,
    parse_amount,
    to_document,
)
from offchain.formats.report import error_json, result_json
from offchain.twins.constants import AMOUNT_MAX, B76_PRICE_MAX
from offchain.twins.exceptions import ContractError, UnknownRevert
from offchain.twins.margin import MAX_OPTION_SCENARIOS, MAX_OPTIONS, margin_of, scenario_count
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

ROOT = Path(__file__).resolve().parent.parent

OUT = ROOT / "tests/vectors/portfolios.json"
W = 10**18
PCT = 10**16
DAY = 86_400
NOW = 1_780_300_800  # 2026-06-01T08:00:00Z
JUN, SEP, DEC = NOW + 25 * DAY, NOW + 116 * DAY, NOW + 207 * DAY  # Deribit-style Friday 08:00 UTC expiries
SYMBOLS = ("ETH", "BTC", "SOL")
SPOTS = (3_000 * W, 65_000 * W, 150 * W)
WIDE_SYMBOLS = SYMBOLS + ("AVAX", "LINK", "ARB", "OP", "DOGE", "XRP")  # markets of up to 9 underlyings
NINE_SPOTS = SPOTS + (30 * W, 15 * W, W, 2 * W, W // 5, W // 2)


def mkt(
    now: int = NOW,
    expiries: tuple[int, ...] = (JUN, SEP, DEC),
    vol: int = 60 * PCT,
    rate: int = 4 * PCT,
    spots=SPOTS,
    n: int = 3,
) -> Market:

    return Market(
        now,
        tuple(
            UnderlyingMarket(spots[u], rate, tuple(VolPoint(e, vol + u * 5 * PCT) for e in expiries)) for u in range(n)
        ),
    )


def opt(kind: str, strike: float, size: float, expiry: int = JUN) -> OptionPosition:
    return OptionPosition(expiry, kind == "call", _wad(strike), _wad(size))


def pos(u: int, *options: OptionPosition, balance=0, perp=0, entry=0) -> UnderlyingPositions:
    return UnderlyingPositions(u, _wad(balance), _wad(perp), _wad(entry), tuple(options))


def book(cash, *positions: UnderlyingPositions) -> Portfolio:
    return Portfolio(_wad(cash), tuple(positions))


def params(n: int = 3, grid: GridParams | None = None, **kw) -> RiskParams:
    return RiskParams(tuple(grid or GridParams() for _ in range(n)), **kw)


def _wad(x: float | str) -> int:
    """A human amount of the case table (3000, 0.5, "1.25") as a wad integer, exactly via its text."""
    return parse_amount(str(x))


# ------------------------------------------------------------------------------------------- cases

CASES: list[tuple[str, list[str], object]] = []  # (name, tags, document or (portfolio, market, params))


def add(
    name: str, tags: list[str], portfolio: Portfolio, market: Market | None = None, risk: RiskParams | None = None
) -> None:
    market = market or mkt()
    risk = risk or params(len(market.underlyings))
    if "raw" not in tags:  # write the case table in any order; the engine gets canonical books
        positions = sorted(
            (replace(p, options=tuple(canonical_options(p.options))) for p in portfolio.positions),
            key=lambda p: p.underlying,
        )
        portfolio = replace(portfolio, positions=tuple(positions))
    CASES.append((name, tags, (portfolio, market, risk)))


def add_doc(name: str, tags: list[str], doc: dict) -> None:
    CASES.append((name, tags, doc))


def curated() -> None:
    # Shipped examples, verbatim.
    for path in sorted((ROOT / "docs/examples").glob("*.json")):
        add_doc(f"example {path.stem}", ["example"], json.loads(path.read_text()))

    # Hedged books.
    add(
        "collar on a long perp",
        ["hedged"],
        book(5000, pos(0, opt("put", 2700, 10), opt("call", 3300, -10), perp=10, entry=2950)),
    )
    add("covered call on a long perp", ["hedged"], book(2000, pos(0, opt("call", 3200, -5), perp=5, entry=3000)))
    add("protective put on a long perp", ["hedged"], book(1000, pos(0, opt("put", 2900, 3, SEP), perp=3, entry=3050)))
    add("bull call spread", ["hedged"], book(500, pos(0, opt("call", 3000, 2), opt("call", 3400, -2))))
    add(
        "bear put spread, two expiries",
        ["hedged"],
        book(500, pos(0, opt("put", 2800, 2, JUN), opt("put", 2600, -2, SEP))),
    )
    add(
        "iron condor",
        ["hedged"],
        book(3000, pos(0, opt("put", 2400, 1), opt("put", 2600, -1), opt("call", 3400, -1), opt("call", 3600, 1))),
    )
    add(
        "long butterfly",
        ["hedged"],
        book(100, pos(0, opt("call", 2800, 1), opt("call", 3000, -2), opt("call", 3200, 1))),
    )
    add("calendar spread", ["hedged"], book(1000, pos(0, opt("call", 3000, -4, JUN), opt("call", 3000, 4, DEC))))
    add(
        "delta-hedged short straddle",
        ["hedged"],
        book(8000, pos(0, opt("call", 3000, -10), opt("put", 3000, -10), perp=0.5, entry=3000)),
    )
    add(
        "long straddle, no margin beyond premium",
        ["hedged"],
        book(0, pos(0, opt("call", 3000, 2), opt("put", 3000, 2))),
    )
    add(
        "BTC collar with token collateral",
        ["hedged", "balance"],
        book(0, pos(1, opt("put", 60000, 1, SEP), opt("call", 72000, -1, SEP), balance=1)),
    )

    # Low prices: the forward's logarithm switches from lnWad(S) + lnWad(g) to lnWad(F) below 1e18,
    # and a dust spot shocked to 0 makes a zero forward (GM_ForwardOutOfRange(0)).
    low = mkt(spots=(9 * 10**17, 65_000 * W, 150 * W))
    add(
        "sub-unit token, forwards either side of 1.0",
        ["hedged", "low-price"],
        book(10, pos(0, opt("put", 0.85, 100), opt("call", 1.05, -100), perp=50, entry=0.9)),
        low,
    )
    add(
        "token at 0.2, naked short calls",
        ["naked", "low-price"],
        book(100, pos(0, opt("call", 0.25, -1000))),
        mkt(spots=(2 * 10**17, 65_000 * W, 150 * W)),
    )
    dust = mkt(spots=(7, 65_000 * W, 150 * W))
    add("dust spot of 7 wei, default grid", ["low-price"], book(1, pos(0, OptionPosition(JUN, True, 6, W))), dust)
    add(
        "dust spot shocked to 0: zero forward",
        ["error", "low-price"],
        book(1, pos(0, OptionPosition(JUN, True, 6, W))),
        dust,
        params(grid=GridParams(extended_shocks=(-9 * 10**17,))),
    )

    # Naked books.
    for strike, size in ((3300, -1), (3600, -10), (4500, -100)):
        add(f"naked short calls K={strike} x{-size}", ["naked"], book(20000, pos(0, opt("call", strike, size))))
    for strike, size in ((2700, -1), (2400, -25)):
        add(f"naked short puts K={strike} x{-size}", ["naked"], book(20000, pos(0, opt("put", strike, size))))
    add(
        "naked short strangle, BTC, Sep",
        ["naked"],
        book(50000, pos(1, opt("put", 55000, -2, SEP), opt("call", 75000, -2, SEP))),
    )
    add(
        "naked short SOL calls, all expiries",
        ["naked"],
        book(5000, pos(2, *(opt("call", 180, -50, e) for e in (JUN, SEP, DEC)))),
    )
    add("short perp only", ["naked", "linear"], book(10000, pos(0, perp=-20, entry=2900)))
    add("long perp only, big size", ["linear"], book(10**6, pos(1, perp=100, entry=70000)))
    add("token debt (short balance)", ["balance"], book(20000, pos(0, balance=-5)))
    add("token collateral only: shocked like a long perp", ["balance"], book(0, pos(0, balance=10)))
    add(
        "token debt hedged by a long perp (delta-neutral)",
        ["balance", "hedged"],
        book(35000, pos(0, balance=-10, perp=10, entry=3000)),
    )
    add("cash only", ["balance"], book(1234.5))
    add("empty account", ["balance"], book(0))
    add("negative cash loan against collateral", ["balance"], book(-20000, pos(1, balance=0.5)))
    add("empty position entry", ["balance"], book(10, pos(2)))

    # Multi-underlying, with and without correlation.
    three = book(
        30000,
        pos(0, opt("call", 3500, -5), perp=2, entry=3000),
        pos(1, opt("put", 60000, -1, SEP)),
        pos(2, balance=100, perp=-200, entry=150),
    )
    add("three underlyings, plain sum", ["multi"], three)
    for rho in (0, 50, 80, 100):
        corr = tuple(W if i == j else rho * PCT for i in range(3) for j in range(3))
        add(f"three underlyings, correlation {rho}%", ["multi", "correlation"], three, risk=params(correlation=corr))
    add(
        "three underlyings, pairwise correlations",
        ["multi", "correlation"],
        three,
        risk=params(correlation=(W, 80 * PCT, 60 * PCT, 80 * PCT, W, 50 * PCT, 60 * PCT, 50 * PCT, W)),
    )
    add(
        "asymmetric correlation matrix (refused: the first entry below the diagonal that differs)",
        ["multi", "correlation", "error", "params"],
        three,
        risk=params(correlation=(W, 90 * PCT, 0, 10 * PCT, W, 0, 0, 0, W)),
    )
    add(
        "correlation with zero diagonal (refused: the first diagonal entry)",
        ["multi", "correlation", "error", "params"],
        three,
        risk=params(correlation=(0, 50 * PCT, 50 * PCT, 50 * PCT, 0, 50 * PCT, 50 * PCT, 50 * PCT, 0)),
    )
    add(
        "two of three underlyings, correlated",
        ["multi", "correlation"],
        book(1000, pos(0, opt("put", 2800, -3)), pos(2, opt("put", 130, -40))),
        risk=params(correlation=(W, 70 * PCT, 70 * PCT, 70 * PCT, W, 70 * PCT, 70 * PCT, 70 * PCT, W)),
    )
    add(
        "opposite books in ETH and BTC", ["multi"], book(0, pos(0, perp=10, entry=3000), pos(1, perp=-0.5, entry=65000))
    )

    # Near expiry.
    for seconds, label in ((1, "1 second"), (60, "1 minute"), (3600, "1 hour"), (DAY, "1 day"), (7 * DAY, "1 week")):
        e = NOW + seconds
        m = mkt(expiries=(e, JUN))
        add(
            f"short ATM straddle {label} before expiry",
            ["near-expiry"],
            book(5000, pos(0, opt("call", 3000, -3, e), opt("put", 3000, -3, e))),
            m,
        )
        add(f"long OTM call {label} before expiry", ["near-expiry"], book(0, pos(0, opt("call", 3100, 5, e))), m)
    e = NOW + 30 * DAY
    add(
        "expiry exactly at the term-scaling horizon (30 days)",
        ["near-expiry", "custom-grid"],
        book(0, pos(0, opt("call", 3000, -1, e))),
        mkt(expiries=(e,)),
    )
    add(
        "expiry one second inside the horizon",
        ["near-expiry"],
        book(0, pos(0, opt("call", 3000, -1, e - 1))),
        mkt(expiries=(e - 1,)),
    )
    one_second = NOW + 1
    for floor in (0, DAY, 7 * DAY):
        add(
            f"steep term power 1 second before expiry, dte floor {floor} s",
            ["near-expiry", "custom-grid"] + (["error"] if floor == 0 else []),  # unfloored: sigma sqrt(T) > 100
            book(5000, pos(0, opt("call", 3000, -3, one_second), opt("put", 3000, -3, one_second))),
            mkt(expiries=(one_second,)),
            params(grid=GridParams(term_power_short=W, dte_floor=floor)),
        )

    # Deep in and out of the money.
    for strike in (30, 300, 1500, 6000, 30000, 300000):
        add(f"short call K={strike} (spot 3000)", ["moneyness"], book(10000, pos(0, opt("call", strike, -2, SEP))))
        add(f"long put K={strike} (spot 3000)", ["moneyness"], book(0, pos(0, opt("put", strike, 2, SEP))))
    add("one-wei strike", ["moneyness", "edge"], book(0, pos(0, OptionPosition(JUN, True, 1, -W))))
    add(
        "strike at the price maximum",
        ["moneyness", "edge"],
        book(0, pos(0, OptionPosition(JUN, False, B76_PRICE_MAX, -W))),
    )
    add("one-wei option size", ["edge"], book(0, pos(0, OptionPosition(JUN, True, 3000 * W, -1))))
    add("amounts at AMOUNT_MAX", ["edge"], Portfolio(AMOUNT_MAX, (UnderlyingPositions(0, AMOUNT_MAX, 0, 0, ()),)))
    add("tiny vol", ["edge"], book(0, pos(0, opt("call", 3000, -1))), mkt(vol=1))
    add("huge vol", ["edge"], book(0, pos(0, opt("call", 3000, -1, DEC))), mkt(vol=5 * W))
    add("zero rate", ["edge"], book(0, pos(0, opt("put", 3000, -1, DEC))), mkt(rate=0))
    add("100% rate", ["edge"], book(0, pos(0, opt("put", 3000, -1, DEC))), mkt(rate=W))

    # Custom grids and parameters.
    short_eth = book(5000, pos(0, opt("call", 3200, -3), opt("put", 2800, -3, SEP), perp=1, entry=3000))
    add(
        "single zero spot shock, no extended",
        ["custom-grid"],
        short_eth,
        risk=params(grid=GridParams(spot_shocks=(0,), extended_shocks=())),
    )
    add(
        "64 spot shocks",
        ["custom-grid"],
        short_eth,
        risk=params(grid=GridParams(spot_shocks=tuple((k - 32) * PCT // 2 for k in range(64))), max_options=30),
    )
    add(
        "16 extended shocks",
        ["custom-grid"],
        short_eth,
        risk=params(
            grid=GridParams(
                extended_shocks=tuple(
                    s * 5 * PCT for s in (-19, -17, -15, -13, -11, -9, -8, -7, 7, 8, 9, 11, 13, 15, 17, 19)
                )
            )
        ),
    )
    add("vol shocks off", ["custom-grid"], short_eth, risk=params(grid=GridParams(vol_down=0, vol_up=0)))
    add("vol down 100%: vol to zero", ["custom-grid"], short_eth, risk=params(grid=GridParams(vol_down=W)))
    add("vol up 10x (the bound)", ["custom-grid"], short_eth, risk=params(grid=GridParams(vol_up=10 * W)))
    add(
        "term powers 0 and 1",
        ["custom-grid"],
        short_eth,
        risk=params(grid=GridParams(term_power_short=W, term_power_long=0)),
    )
    add(
        "dampener 0: extended scenarios weigh nothing",
        ["custom-grid"],
        short_eth,
        risk=params(grid=GridParams(dampener=0)),
    )
    add("dampener 1: extended at full weight", ["custom-grid"], short_eth, risk=params(grid=GridParams(dampener=W)))
    add(
        "haircut 0 and at the collateral rule's bound",
        ["custom-grid", "balance"],
        book(0, pos(0, balance=10), pos(1, balance=1)),
        risk=RiskParams((GridParams(haircut=0), GridParams(haircut=92 * PCT), GridParams())),
    )
    add(
        "add-ons at 100%",
        ["custom-grid"],
        short_eth,
        risk=params(grid=GridParams(linear_add_on=W, short_option_add_on=W)),
    )
    add("add-ons off", ["custom-grid"], short_eth, risk=params(grid=GridParams(linear_add_on=0, short_option_add_on=0)))
    add("MM factor 1", ["custom-grid"], short_eth, risk=params(mm_factor=W))
    add("MM factor 1 wei", ["custom-grid"], short_eth, risk=params(mm_factor=1))
    add(
        "max_options 0 with no options",
        ["custom-grid"],
        book(100, pos(0, perp=1, entry=3000)),
        risk=params(max_options=0),
    )
    add(
        "asymmetric spot shocks",
        ["custom-grid"],
        short_eth,
        risk=params(grid=GridParams(spot_shocks=(-30 * PCT, -5 * PCT, 0, 20 * PCT))),
    )
    add(
        "extended up-shocks to +1000% (the bound), far out-of-the-money short calls",
        ["custom-grid", "naked"],
        book(5000, pos(0, opt("call", 9000, -2, SEP), opt("call", 20000, -5, SEP))),
        risk=params(grid=GridParams(extended_shocks=(-99 * PCT, 300 * PCT, 1000 * PCT))),
    )
    add(
        "8 grids, the maximum, with a correlation matrix",
        ["custom-grid", "correlation"],
        book(0, pos(0, perp=1, entry=3000), pos(1, perp=-0.1, entry=65000)),
        mkt(spots=NINE_SPOTS, n=8),
        params(8, correlation=tuple(W if i == j else 50 * PCT for i in range(8) for j in range(8))),
    )
    add(
        "per-underlying grids",
        ["custom-grid", "multi"],
        book(0, pos(0, opt("call", 3300, -1)), pos(1, opt("call", 70000, -1)), pos(2, opt("call", 170, -10))),
        risk=RiskParams(
            (GridParams(), GridParams(spot_shocks=(-10 * PCT, 0, 10 * PCT)), GridParams(vol_up=2 * W, haircut=30 * PCT))
        ),
    )
    add(
        "128 options, the maximum",
        ["custom-grid", "edge"],
        book(
            100000,
            pos(0, *(opt(kind, 2000 + 50 * k, -1 if k % 2 else 1, JUN) for k in range(32) for kind in ("put", "call"))),
            pos(1, *(opt(kind, 50000 + 1000 * k, 0.1, SEP) for k in range(32) for kind in ("put", "call"))),
        ),
        risk=params(grid=GridParams(spot_shocks=(-10 * PCT, 0, 10 * PCT), extended_shocks=())),
    )

    # Canonicalisation by the parser: repeated, unsorted, netting-to-zero options, unsorted positions.
    doc = to_document(SYMBOLS, book(0), mkt())
    doc["portfolio"]["positions"] = [
        {
            "underlying": "BTC",
            "options": [
                {"type": "call", "strike": "70000", "expiry": "2026-09-25T08:00:00Z", "size": "-1"},
                {"type": "put", "strike": "60000", "expiry": "2026-06-26T08:00:00Z", "size": "2"},
                {"type": "call", "strike": "70000", "expiry": 1790323200, "size": "-0.5"},
            ],
        },
        {
            "underlying": "ETH",
            "perp": {"size": "1", "entry": "3000"},
            "options": [
                {"type": "call", "strike": "3300", "expiry": "2026-06-26T08:00:00Z", "size": "-2"},
                {"type": "put", "strike": "3300", "expiry": "2026-06-26T08:00:00Z", "size": "1"},
                {"type": "call", "strike": "3100", "expiry": "2026-06-26T08:00:00Z", "size": "1"},
                {"type": "call", "strike": "3100", "expiry": "2026-06-26T08:00:00Z", "size": "-1"},
                {"type": "call", "strike": "3300", "expiry": "2026-06-26T10:00:00+02:00", "size": "0.5"},
            ],
        },
    ]
    add_doc("parser nets, drops zero and sorts options and positions", ["canonicalise"], doc)
    doc = to_document(SYMBOLS, book(0), mkt())
    doc["portfolio"]["positions"] = [
        {
            "underlying": "SOL",
            "options": [
                {"type": "put", "strike": "140", "expiry": "2026-06-26T08:00:00Z", "size": "-3"},
                {"type": "put", "strike": "140", "expiry": "2026-06-26T08:00:00Z", "size": "3"},
            ],
        }
    ]
    add_doc("options netting to nothing", ["canonicalise"], doc)
    doc = to_document(SYMBOLS, book(0), mkt())
    doc["portfolio"]["positions"] = [
        {
            "underlying": "ETH",
            "options": [
                {"type": "call", "strike": str(3000 + k), "expiry": "2026-06-26T08:00:00Z", "size": "-1"}
                for k in range(8, 0, -1)
            ]
            + [{"type": "put", "strike": "3004", "expiry": "2026-06-26T08:00:00Z", "size": "1"}],
        }
    ]
    add_doc("reverse-sorted strikes, put after calls", ["canonicalise"], doc)
    add_doc(
        "human decimals, percentages, exponents and raw wad integers",
        ["canonicalise", "format"],
        {
            "portfolio": {
                "cash": "1.5e3",
                "positions": [
                    {
                        "underlying": "ETH",
                        "balance": "250000000000000000e-18",
                        "options": [
                            {
                                "type": "call",
                                "strike": "3000.000000000000000001",
                                "expiry": "1782460800",
                                "size": "-0.5",
                            }
                        ],
                    }
                ],
            },
            "market": {
                "timestamp": 1780300800,
                "underlyings": [
                    {"symbol": "ETH", "spot": "3000", "rate": "4%", "vols": {"2026-06-26T08:00:00Z": "60%"}}
                ],
            },
            "params": {"mm_factor": "80%", "grid": {"spot_shocks": ["-10%", "0", "0.1"], "extended_shocks": []}},
        },
    )

    # Engine errors (inputs the format carries but the engine refuses), on both sides.
    add(
        "expired option (expiry = now)", ["error"], book(0, pos(0, opt("call", 3000, 1, NOW))), mkt(expiries=(NOW, JUN))
    )
    add(
        "expired option (expiry before now)",
        ["error"],
        book(0, pos(1, opt("put", 60000, -1, NOW - DAY))),
        mkt(expiries=(NOW - DAY,)),
    )
    add("strike 0", ["error"], book(0, pos(0, OptionPosition(JUN, True, 0, W))))
    add("negative strike", ["error"], book(0, pos(0, OptionPosition(JUN, False, -W, W))))
    add("strike above the price maximum", ["error"], book(0, pos(0, OptionPosition(JUN, True, B76_PRICE_MAX + 1, W))))
    add(
        "missing vol for an expiry",
        ["error"],
        book(0, pos(0, opt("call", 3000, 1, JUN), opt("call", 3000, 1, JUN + 1))),
    )
    add("missing vol: market has none", ["error"], book(0, pos(2, opt("put", 100, -1))), mkt(expiries=()))
    many = tuple(OptionPosition(JUN, k % 2 == 1, (2000 + k) * W, -W) for k in range(129))
    add("too many positions: 129 options", ["error"], Portfolio(0, (UnderlyingPositions(0, 0, 0, 0, many),)))
    add(
        "too many positions for max_options 2",
        ["error"],
        book(0, pos(0, opt("call", 3000, 1), opt("put", 3000, 1)), pos(1, opt("call", 70000, 1))),
        risk=params(max_options=2),
    )
    add("unknown underlying: index 5 (raw)", ["error", "raw"], Portfolio(0, (UnderlyingPositions(5, 0, 0, 0, ()),)))
    add(
        "unknown underlying: market has 1 of 2 (raw)",
        ["error", "raw"],
        Portfolio(0, (UnderlyingPositions(0), UnderlyingPositions(1))),
        mkt(n=1),
    )
    add(
        "non-canonical options: unsorted (raw)",
        ["error", "raw"],
        book(0, pos(0, opt("call", 3300, -1), opt("call", 3100, -1))),
    )
    add(
        "non-canonical options: puts after calls (raw)",
        ["error", "raw"],
        book(0, pos(0, opt("call", 3000, -1), opt("put", 3000, -1))),
    )
    add("non-canonical options: zero size (raw)", ["error", "raw"], book(0, pos(0, opt("call", 3000, 0))))
    add(
        "non-canonical options: repeated series (raw)",
        ["error", "raw"],
        book(0, pos(1, opt("put", 60000, 1), opt("put", 60000, 1))),
    )
    add(
        "non-canonical options: later expiry first (raw)",
        ["error", "raw"],
        book(0, pos(0, opt("call", 3000, 1, SEP), opt("call", 3000, 1, JUN))),
    )
    add("positions not sorted (raw)", ["error", "raw"], book(0, pos(1), pos(0)))
    add("positions repeated (raw)", ["error", "raw"], book(0, pos(0), pos(0)))
    add("spot 0", ["error"], book(0, pos(0, perp=1, entry=1)), mkt(spots=(0, SPOTS[1], SPOTS[2])))
    add("negative spot", ["error"], book(0, pos(1, perp=1, entry=1)), mkt(spots=(SPOTS[0], -W, SPOTS[2])))
    add("negative rate", ["error"], book(0, pos(0, opt("call", 3000, 1))), mkt(rate=-1))
    add("rate above 100%", ["error"], book(0, pos(0, opt("call", 3000, 1))), mkt(rate=W + 1))
    for what, p in (
        ("cash", Portfolio(AMOUNT_MAX + 1, ())),
        ("negative cash", Portfolio(-AMOUNT_MAX - 1, ())),
        ("balance", Portfolio(0, (UnderlyingPositions(0, AMOUNT_MAX + 1),))),
        ("perp size", Portfolio(0, (UnderlyingPositions(0, 0, -AMOUNT_MAX - 1, 0),))),
        ("perp entry", Portfolio(0, (UnderlyingPositions(0, 0, W, AMOUNT_MAX + 1),))),
        (
            "option size",
            Portfolio(0, (UnderlyingPositions(0, 0, 0, 0, (OptionPosition(JUN, True, 3000 * W, AMOUNT_MAX + 1),)),)),
        ),
    ):
        add(f"amount out of range: {what}", ["error"], p)
    add("amount out of range: spot", ["error"], book(0, pos(0)), mkt(spots=(AMOUNT_MAX + 1, W, W)))
    bad_params = [
        ("MM factor 0", params(mm_factor=0)),
        ("MM factor above 1", params(mm_factor=W + 1)),
        ("max_options 129", params(max_options=129)),
        ("max_options -1", params(max_options=-1)),
        ("correlation entry above 1", params(correlation=(W, W + 1, 0, W + 1, W, 0, 0, 0, W))),
        ("negative correlation", params(correlation=(W, -PCT, 0, -PCT, W, 0, 0, 0, W))),
        ("no spot shocks", params(grid=GridParams(spot_shocks=()))),
        ("65 spot shocks", params(grid=GridParams(spot_shocks=tuple(range(65))))),
        ("spot shock of -100%", params(grid=GridParams(spot_shocks=(-W, 0)))),
        ("spot shock of +100%", params(grid=GridParams(spot_shocks=(0, W)))),
        ("unsorted spot shocks", params(grid=GridParams(spot_shocks=(20 * PCT, -5 * PCT, 0, -30 * PCT)))),
        ("repeated spot shock", params(grid=GridParams(spot_shocks=(-5 * PCT, 0, 0, 5 * PCT)))),
        ("spot shocks without 0", params(grid=GridParams(spot_shocks=(-5 * PCT, 5 * PCT)))),
        (
            "max_options x scenarios above the gas bound",
            params(grid=GridParams(spot_shocks=tuple((k - 8) * PCT for k in range(17)))),
        ),
        ("extended shock above +1000%", params(grid=GridParams(extended_shocks=(10 * W + 1,)))),
        ("negative dte floor", params(grid=GridParams(dte_floor=-1))),
        ("dte floor above a year", params(grid=GridParams(dte_floor=365 * DAY + 1))),
        ("17 extended shocks", params(grid=GridParams(extended_shocks=tuple((k + 1) * PCT for k in range(17))))),
        ("extended shock 0", params(grid=GridParams(extended_shocks=(0,)))),
        ("extended shock -100%", params(grid=GridParams(extended_shocks=(-W,)))),
        ("vol down above 1", params(grid=GridParams(vol_down=W + 1))),
        ("negative vol up", params(grid=GridParams(vol_up=-1))),
        ("vol up above 10", params(grid=GridParams(vol_up=10 * W + 1))),
        ("term power above 1", params(grid=GridParams(term_power_long=W + 1))),
        ("dampener above 1", params(grid=GridParams(dampener=W + 1))),
        ("haircut 100%", params(grid=GridParams(haircut=W))),
        ("haircut 1 wei above the collateral rule", params(grid=GridParams(haircut=92 * PCT + 1))),
        ("negative add-on", params(grid=GridParams(short_option_add_on=-1))),
        (
            "bad grid of an underlying without positions",
            RiskParams((GridParams(), GridParams(), GridParams(linear_add_on=2 * W))),
        ),
    ]
    for name, risk in bad_params:
        add(f"bad params: {name}", ["error", "params"], book(0, pos(0, opt("call", 3000, -1))), risk=risk)
    add("bad params: 9 grids", ["error", "params"], book(0, pos(0, opt("call", 3000, -1))), mkt(spots=NINE_SPOTS, n=9))
    add(
        "Black-76 domain: vol x sqrt(T) beyond its bound",
        ["error"],
        book(0, pos(0, opt("call", 3000, -1, DEC))),
        mkt(vol=150 * W),
    )
    add(
        "Black-76 domain: forward beyond the price maximum",
        ["error"],
        book(0, pos(0, opt("call", 3000, -1, DEC))),
        mkt(spots=(AMOUNT_MAX, W, W), rate=W),
        risk=params(grid=GridParams(spot_shocks=(0,), extended_shocks=())),
    )

    # Format errors: documents the parser refuses (Python only).
    base = to_document(SYMBOLS, book(100, pos(0, opt("call", 3300, -1))), mkt())

    def broken(name: str, edit) -> None:
        doc = copy.deepcopy(base)
        edit(doc)
        add_doc(f"format error: {name}", ["format-error"], doc)

    def first_option(d: dict) -> dict:
        return d["portfolio"]["positions"][0]["options"][0]

    broken("unknown underlying symbol", lambda d: d["portfolio"]["positions"][0].update(underlying="DOGE"))
    broken("underlying index outside raw mode", lambda d: d["portfolio"]["positions"][0].update(underlying=0))
    broken("amount with more than 18 decimals", lambda d: first_option(d).update(strike="3300.0000000000000000001"))
    broken("amount that is not a number", lambda d: first_option(d).update(size="one"))
    broken("amount outside int256", lambda d: d["portfolio"].update(cash="1e60"))
    broken("missing strike", lambda d: first_option(d).pop("strike"))
    broken("missing market timestamp", lambda d: d["market"].pop("timestamp"))
    broken("missing portfolio", lambda d: d.pop("portfolio"))
    broken("a float amount", lambda d: d["portfolio"].update(cash=0.5))
    broken("positions not a list", lambda d: d["portfolio"].update(positions={"ETH": {}}))
    broken("unknown option type", lambda d: first_option(d).update(type="straddle"))
    broken("unknown field", lambda d: first_option(d).update(strik="3300"))
    broken("expiry without a UTC offset", lambda d: first_option(d).update(expiry="2026-06-26T08:00:00"))
    broken("expiry beyond uint64", lambda d: first_option(d).update(expiry=2**64))
    broken("duplicate market symbol", lambda d: d["market"]["underlyings"][1].update(symbol="ETH"))
    broken(
        "two entries for one underlying",
        lambda d: d["portfolio"]["positions"].append({"underlying": "ETH", "balance": "1"}),
    )
    broken(
        "correlation matrix of the wrong shape",
        lambda d: d.setdefault("params", {}).update(correlation=[["1", "0"], ["0", "1"]]),
    )
    broken(
        "correlation pair naming an unknown symbol",
        lambda d: d.setdefault("params", {}).update(correlation={"ETH/XRP": "0.5"}),
    )
    broken("grid for an unknown symbol", lambda d: d.setdefault("params", {}).update(grids={"XRP": {"haircut": "0.2"}}))


def randomised(count: int) -> None:
    """Seeded random valid books (the curated cases cover the errors); own generator, so the vectors
    depend only on this script."""
    rng = random.Random(20260601)
    for k in range(count):
        expiries = tuple(
            sorted(
                {
                    NOW + rng.choice((1, 3600, DAY, 7 * DAY, 30 * DAY, 90 * DAY, 365 * DAY)) + rng.randint(0, 100)
                    for _ in range(3)
                }
            )
        )
        market = Market(
            NOW,
            tuple(
                UnderlyingMarket(
                    spot * rng.randint(80, 120) // 100,
                    rng.randint(0, 10) * PCT,
                    tuple(VolPoint(e, rng.randint(20, 150) * PCT) for e in expiries),
                )
                for spot in SPOTS
            ),
        )
        positions = []
        for u in sorted(rng.sample(range(3), rng.randint(1, 3))):
            options = [
                OptionPosition(
                    rng.choice(expiries), rng.random() < 0.5, SPOTS[u] * rng.randint(50, 150) // 100, _random_size(rng)
                )
                for _ in range(rng.randint(0, 8))
            ]
            balance = _random_size(rng) if rng.random() < 0.5 else 0
            perp = _random_size(rng) if rng.random() < 0.5 else 0
            positions.append(
                UnderlyingPositions(
                    u, balance, perp, SPOTS[u] * rng.randint(90, 110) // 100 if perp else 0, tuple(options)
                )
            )
        grids = tuple(GridParams() if rng.random() < 0.7 else _random_grid(rng) for _ in SPOTS)
        correlation: tuple[int, ...] = ()
        if rng.random() < 0.5:
            rho = [[W if i == j else 0 for j in range(3)] for i in range(3)]
            for i in range(3):
                for j in range(i + 1, 3):
                    rho[i][j] = rho[j][i] = rng.randint(0, 100) * PCT
            correlation = tuple(v for row in rho for v in row)
        max_options = min(MAX_OPTIONS, MAX_OPTION_SCENARIOS // max(scenario_count(g) for g in grids))
        risk = RiskParams(grids, rng.randint(50, 100) * PCT, correlation, max_options)
        add(f"random #{k}", ["random"], Portfolio(rng.randint(-50_000, 200_000) * W, tuple(positions)), market, risk)


def _random_size(rng: random.Random) -> int:
    magnitude = rng.choice((W // 1000, W // 10, W, 10 * W, 1000 * W)) * rng.randint(1, 9)
    return magnitude if rng.random() < 0.5 else -magnitude


def _random_grid(rng: random.Random) -> GridParams:
    steps = rng.randint(1, 8)
    width = rng.randint(5, 30) * PCT
    extended = tuple(
        sorted({rng.choice((-rng.randint(20, 90), rng.randint(20, 600))) * PCT for _ in range(rng.randint(0, 6))})
    )
    return GridParams(
        spot_shocks=tuple(sorted({width * k // steps for k in range(-steps, steps + 1)})),
        vol_down=rng.randint(0, 50) * PCT,
        vol_up=rng.randint(0, 100) * PCT,
        extended_shocks=extended,
        dampener=rng.randint(10, 50) * PCT,
        dte_floor=rng.choice((0, 3600, DAY, 7 * DAY)),
        haircut=rng.randint(0, 50) * PCT,
    )


# ---------------------------------------------------------------------------------------- running


def evaluate(evm: LocalEVM, harness: str, name: str, tags: list[str], spec: object) -> dict | None:
    if isinstance(spec, tuple):
        portfolio, market, risk = spec
        doc = to_document(WIDE_SYMBOLS[: len(market.underlyings)], portfolio, market, risk)
        parsed = loads(json.dumps(doc))
        if parsed.engine_inputs() != (portfolio, market, risk):
            print(f"{name}: the written document does not parse back to its inputs; not writing", file=sys.stderr)
            return None
    else:
        doc = spec
        try:
            parsed = loads(json.dumps(doc))
        except PortfolioFormatError as exc:
            if "format-error" not in tags:
                print(f"{name}: unexpected format error {exc}; not writing", file=sys.stderr)
                return None
            return {
                "name": name,
                "tags": tags,
                "input": doc,
                "expect": {"format_error": type(exc).__name__, "path": exc.path},
            }
        if "format-error" in tags:
            print(f"{name}: the parser accepted a document it must refuse; not writing", file=sys.stderr)
            return None
    portfolio, market, risk = parsed.engine_inputs()
    try:
        onchain: object = result_from_abi(
            evm.call(harness, "marginOf", portfolio.as_abi(), market.as_abi(), risk.as_abi())
        )
    except (ContractError, UnknownRevert) as exc:
        onchain = exc
    except ExecutionHalted as exc:
        print(f"{name}: the EVM halted ({exc}); not writing", file=sys.stderr)
        return None
    try:
        offchain: object = margin_of(portfolio, market, risk)
    except ContractError as exc:
        offchain = exc
    if onchain != offchain:
        print(f"twins disagree on {name!r}: evm {onchain!r} != python {offchain!r}; not writing", file=sys.stderr)
        return None
    if isinstance(onchain, Exception):
        if "error" not in tags:
            print(f"{name}: unexpected engine error {onchain}; check the case", file=sys.stderr)
            return None
        expect = error_json(onchain)
    else:
        expect = {"result": dict(result_json(onchain), liquidatable=onchain.liquidatable)}  # type: ignore[arg-type]
        if "error" in tags:
            print(f"{name}: expected an engine error, got a result; check the case", file=sys.stderr)
            return None
    return {"name": name, "tags": tags, "input": doc, "expect": expect}


def main() -> int:
    curated()
    randomised(40)
    evm = LocalEVM()
    harness = evm.deploy("MarginEvaluator")
    out = []
    for name, tags, spec in CASES:
        case = evaluate(evm, harness, name, tags, spec)
        if case is None:
            return 1
        out.append(case)
    names = [c["name"] for c in out]
    if len(set(names)) != len(names):
        print("duplicate case names; not writing", file=sys.stderr)
        return 1
    doc = {
        "description": (
            "Margin engine golden vectors. input: a document in the public portfolio format "
            "(docs/portfolio-format.md). expect: result (MarginEvaluator.marginOf on the EVM; integers are "
            "decimal strings of wad integers), error (the engine's revert: name and arguments as decimal "
            "strings) or format_error (the parser's exception class and JSON path). "
            "Written by scripts/gen_margin_vectors.py, which refuses to write if offchain.twins.margin disagrees."
        ),
        "cases": out,
    }
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    kinds = {k: sum(1 for c in out if k in c["expect"]) for k in ("result", "error", "format_error")}
    print(f"wrote {len(out)} cases to {OUT.relative_to(ROOT)}: {kinds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
