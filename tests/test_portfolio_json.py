"""The public portfolio format (offchain/formats/portfolio.py, docs/portfolio-format.md): exact amounts,
timestamps, canonicalisation, defaults, every format error with its JSON path, and the writer."""

from __future__ import annotations

import copy
import json
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offchain.formats.numbers import amount_text
from offchain.formats.portfolio import (
    BadAmountError,
    BadSymbolError,
    BadTimestampError,
    DuplicateError,
    InvalidJSONError,
    MatrixShapeError,
    MissingFieldError,
    PortfolioFormatError,
    UnknownFieldError,
    UnknownOptionTypeError,
    UnknownSymbolError,
    WrongTypeError,
    canonical_options,
    load,
    loads,
    parse_amount,
    parse_document,
    parse_timestamp,
    to_document,
)
from offchain.twins.errors import ContractError, GridMarginError
from offchain.twins.margin import margin_of
from offchain.twins.types import GridParams, OptionPosition, RiskParams

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "offchain/examples").glob("*.json"))
W = 10**18
JUN = 1782460800  # 2026-06-26T08:00:00Z
SEP = 1790323200  # 2026-09-25T08:00:00Z

BASE = {
    "portfolio": {
        "cash": "1000",
        "positions": [
            {
                "underlying": "ETH",
                "balance": "1",
                "perp": {"size": "2", "entry": "2900"},
                "options": [{"type": "call", "strike": "3300", "expiry": "2026-06-26T08:00:00Z", "size": "-1"}],
            },
        ],
    },
    "market": {
        "timestamp": "2026-06-01T08:00:00Z",
        "underlyings": [
            {"symbol": "ETH", "spot": "3000", "rate": "0.04", "vols": {"2026-06-26T08:00:00Z": "0.6"}},
            {"symbol": "BTC", "spot": "65000", "vols": {"2026-06-26T08:00:00Z": "0.5"}},
        ],
    },
}


def _doc(edit=None) -> dict:
    doc = copy.deepcopy(BASE)
    if edit is not None:
        edit(doc)
    return doc


def _option(doc: dict) -> dict:
    return doc["portfolio"]["positions"][0]["options"][0]


# ------------------------------------------------------------------------------------------ amounts


@pytest.mark.parametrize(
    ("text", "wad"),
    [
        ("3000.5", 3000_500000000000000000),
        ("-2", -2 * W),
        ("+2", 2 * W),
        ("0.65", 65 * 10**16),
        ("65%", 65 * 10**16),
        ("-16%", -16 * 10**16),
        ("0.5%", 5 * 10**15),
        ("1.5e3", 1500 * W),
        ("1E3", 1000 * W),
        ("0.000000000000000001", 1),
        ("1e-18", 1),
        ("3000500000000000000000e-18", 3000_500000000000000000),
        ("1.50000000000000000000", 15 * 10**17),
        ("0", 0),
        ("-0", 0),
        ("007", 7 * W),
        ("0e9999", 0),
        (3000, 3000 * W),
        (-1, -W),
        ("57896044618658097711785492504343953926634992332820282019728.792003956564819967", 2**255 - 1),
        ("-57896044618658097711785492504343953926634992332820282019728.792003956564819968", -(2**255)),
    ],
)
def test_amounts_are_exact(text: object, wad: int) -> None:
    assert parse_amount(text) == wad


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("0.0000000000000000001", BadAmountError),
        ("1e-19", BadAmountError),
        ("0.5e-18", BadAmountError),
        ("0.00000000000000000001%", BadAmountError),
        ("57896044618658097711785492504343953926634992332820282019728.792003956564819968", BadAmountError),
        ("1e60", BadAmountError),
        ("1e9999", BadAmountError),
        ("1e99999", BadAmountError),
        ("1,000", BadAmountError),
        (".5", BadAmountError),
        ("5.", BadAmountError),
        ("NaN", BadAmountError),
        ("Infinity", BadAmountError),
        (" 1", BadAmountError),
        ("1 wei", BadAmountError),
        ("", BadAmountError),
        ("0x10", BadAmountError),
        (0.5, WrongTypeError),
        (True, WrongTypeError),
        (None, WrongTypeError),
        ([1], WrongTypeError),
        ({"wad": "1"}, WrongTypeError),
    ],
)
def test_inexact_or_malformed_amounts_are_refused(value: object, error: type) -> None:
    with pytest.raises(error):
        parse_amount(value, "$.x")


@given(st.integers(min_value=-(2**255), max_value=2**255 - 1))
@settings(max_examples=2000, deadline=None)
def test_amount_text_round_trips_every_int256(wad: int) -> None:
    text = amount_text(wad)
    assert parse_amount(text) == wad
    assert parse_amount(f"{wad}e-18") == wad
    assert re.fullmatch(r"-?\d+(\.\d*[1-9])?", text)


def test_json_floats_are_refused_even_when_harmless() -> None:
    text = json.dumps(_doc(lambda d: d["portfolio"].update(cash=0.5)))
    with pytest.raises(WrongTypeError) as info:
        loads(text)
    assert info.value.path == "$.portfolio.cash" and '"0.5"' in info.value.problem


# --------------------------------------------------------------------------------------- timestamps


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (JUN, JUN),
        (str(JUN), JUN),
        ("2026-06-26T08:00:00Z", JUN),
        ("2026-06-26T08:00:00+00:00", JUN),
        ("2026-06-26T10:00:00+02:00", JUN),
        ("2026-06-26T03:00:00-05:00", JUN),
        ("1970-01-01T00:00:00Z", 0),
        (2**64 - 1, 2**64 - 1),
    ],
)
def test_timestamps(value: object, seconds: int) -> None:
    assert parse_timestamp(value, "$.t", 2**64 - 1) == seconds


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("2026-06-26T08:00:00", BadTimestampError),
        ("2026-06-26", BadTimestampError),
        ("2026-06-26T08:00:00.5Z", BadTimestampError),
        ("next friday", BadTimestampError),
        (-1, BadTimestampError),
        ("1969-12-31T23:59:59Z", BadTimestampError),
        (2**64, BadTimestampError),
        (True, WrongTypeError),
        (1.5, WrongTypeError),
        (None, WrongTypeError),
    ],
)
def test_bad_timestamps(value: object, error: type) -> None:
    with pytest.raises(error):
        parse_timestamp(value, "$.t", 2**64 - 1)


# --------------------------------------------------------------------------------- the whole document


def test_base_document_parses_to_the_engine_types() -> None:
    doc = parse_document(_doc())
    assert doc.symbols == ("ETH", "BTC")
    assert doc.market.timestamp == 1780300800
    assert doc.market.underlyings[0].spot == 3000 * W and doc.market.underlyings[1].rate == 0
    (pos,) = doc.portfolio.positions
    assert (pos.underlying, pos.balance, pos.perp_size, pos.perp_entry) == (0, W, 2 * W, 2900 * W)
    assert pos.options == (OptionPosition(JUN, True, 3300 * W, -W),)
    assert doc.params == RiskParams(grids=(GridParams(), GridParams()))
    assert doc.symbol(1) == "BTC" and doc.symbol(7) == "#7"


def test_options_are_netted_sorted_and_zero_nets_dropped() -> None:
    def edit(d: dict) -> None:
        d["portfolio"]["positions"] = [
            {"underlying": "BTC", "options": [{"type": "put", "strike": "60000", "expiry": JUN, "size": "1"}]},
            {
                "underlying": "ETH",
                "options": [
                    {"type": "call", "strike": "3300", "expiry": "2026-06-26T08:00:00Z", "size": "-2"},
                    {"type": "call", "strike": "3100", "expiry": JUN, "size": "1"},
                    {"type": "put", "strike": "3300", "expiry": JUN, "size": "1"},
                    {"type": "call", "strike": "3100", "expiry": "2026-06-26T10:00:00+02:00", "size": "-1"},
                    {"type": "call", "strike": "3300", "expiry": str(JUN), "size": "0.5"},
                    {"type": "call", "strike": "2000", "expiry": SEP, "size": "1"},
                ],
            },
        ]
        d["market"]["underlyings"][0]["vols"][str(SEP)] = "0.7"

    doc = parse_document(_doc(edit))
    assert [p.underlying for p in doc.portfolio.positions] == [0, 1]
    assert doc.portfolio.positions[0].options == (
        OptionPosition(JUN, False, 3300 * W, W),
        OptionPosition(JUN, True, 3300 * W, -15 * 10**17),
        OptionPosition(SEP, True, 2000 * W, W),
    )
    margin_of(*doc.engine_inputs())  # canonical: the engine accepts it


@given(st.randoms(use_true_random=False))
@settings(max_examples=200, deadline=None)
def test_any_order_and_any_split_gives_the_same_book(rng: random.Random) -> None:
    """Shuffling the option list and splitting sizes into several trades changes nothing."""
    trades = []
    for expiry in (JUN, SEP):
        for strike in ("2800", "3000", "3000.5", "3200"):
            for kind in ("put", "call"):
                if rng.random() < 0.5:
                    total = rng.randint(-5, 5)
                    parts = [rng.randint(-3, 3) for _ in range(rng.randint(0, 3))]
                    for size in parts + [total - sum(parts)]:
                        trades.append({"type": kind, "strike": strike, "expiry": expiry, "size": str(size)})
    shuffled = trades[:]
    rng.shuffle(shuffled)

    def with_options(options: list) -> dict:
        def edit(d: dict) -> None:
            d["portfolio"]["positions"][0]["options"] = options
            d["market"]["underlyings"][0]["vols"][str(SEP)] = "0.7"

        return _doc(edit)

    a, b = parse_document(with_options(trades)), parse_document(with_options(shuffled))
    assert a == b
    options = a.portfolio.positions[0].options
    assert list(options) == canonical_options(options) and all(o.size for o in options)
    assert [o.series for o in options] == sorted({o.series for o in options})


def test_raw_mode_passes_the_book_as_written() -> None:
    def edit(d: dict) -> None:
        d["portfolio"]["raw"] = True
        d["portfolio"]["positions"] = [
            {"underlying": "BTC"},
            {
                "underlying": 0,
                "options": [
                    {"type": "call", "strike": "3300", "expiry": JUN, "size": "1"},
                    {"type": "call", "strike": "3100", "expiry": JUN, "size": "0"},
                ],
            },
            {"underlying": 9},
        ]

    doc = parse_document(_doc(edit))
    assert [p.underlying for p in doc.portfolio.positions] == [1, 0, 9]
    assert [o.size for o in doc.portfolio.positions[1].options] == [W, 0]
    with pytest.raises(ContractError):
        margin_of(*doc.engine_inputs())


def test_params_defaults_grid_and_overrides() -> None:
    def edit(d: dict) -> None:
        d["params"] = {
            "mm_factor": "75%",
            "max_options": "16",
            "grid": {"haircut": "0.2", "spot_shocks": ["-10%", "0", "10%"]},
            "grids": {"BTC": {"haircut": "0.05", "extended_shocks": []}},
        }

    params = parse_document(_doc(edit)).params
    assert (params.mm_factor, params.max_options, params.correlation) == (75 * 10**16, 16, ())
    eth, btc = params.grids
    shocks = (-10 * 10**16, 0, 10 * 10**16)
    assert eth == GridParams(haircut=2 * 10**17, spot_shocks=shocks)
    assert btc == GridParams(haircut=5 * 10**16, spot_shocks=shocks, extended_shocks=())


def test_dte_floor_is_whole_seconds_with_a_one_day_default() -> None:
    """GridParams' last field: optional in files (default 86,400 s), a JSON integer or digit string,
    written back as an integer only when it differs from the default."""

    def grid(value: object) -> GridParams:
        return parse_document(_doc(lambda d: d.update(params={"grid": {"dte_floor": value}}))).params.grids[0]

    assert parse_document(_doc()).params.grids[0].dte_floor == 86_400 == GridParams().dte_floor
    assert grid(3600).dte_floor == grid("3600").dte_floor == 3600
    assert grid(0).dte_floor == 0 and grid(-1).dte_floor == -1  # the engine's bound, not the format's
    for bad in ("1.5", "1d", 1.5, True):
        with pytest.raises(WrongTypeError):
            grid(bad)
    doc = parse_document(_doc(lambda d: d.update(params={"grids": {"BTC": {"dte_floor": 7200}}})))
    written = to_document(doc.symbols, doc.portfolio, doc.market, doc.params)
    assert written["params"] == {"grids": {"BTC": {"dte_floor": 7200}}}
    assert loads(json.dumps(written)) == doc


def test_correlation_forms() -> None:
    def with_correlation(value: object):
        return parse_document(_doc(lambda d: d.update(params={"correlation": value}))).params.correlation

    assert with_correlation({"ETH/BTC": "0.7"}) == (W, 7 * 10**17, 7 * 10**17, W)
    assert with_correlation({"BTC/ETH": "70%"}) == (W, 7 * 10**17, 7 * 10**17, W)
    assert with_correlation({}) == (W, W, W, W)  # unlisted pairs: 1, no diversification
    assert with_correlation([["1", "0.2"], ["0.3", "1"]]) == (W, 2 * 10**17, 3 * 10**17, W)  # as written
    assert with_correlation(None) == ()


def test_examples_parse_and_the_doc_shows_the_full_example_verbatim() -> None:
    assert {p.stem for p in EXAMPLES} >= {
        "hedged-collar",
        "naked-short-calls",
        "multi-underlying",
        "near-expiry",
        "liquidatable",
        "full-example",
    }
    for path in EXAMPLES:
        doc = load(path)
        assert doc.description
        margin_of(*doc.engine_inputs())
    text = (ROOT / "docs/portfolio-format.md").read_text()
    block = re.search(r"```json\n(.*?)```", text, re.DOTALL)[1]  # type: ignore[index]
    assert json.loads(block) == json.loads((ROOT / "docs/examples/full-example.json").read_text())
    full = load(ROOT / "docs/examples/full-example.json")
    assert full.symbols == ("ETH", "BTC") and [p.underlying for p in full.portfolio.positions] == [0, 1]
    eth = full.portfolio.positions[0]
    assert [(o.is_call, o.strike // W, o.size) for o in eth.options if o.expiry == JUN] == [
        (False, 2700, 2 * W),
        (True, 3300, -2 * W),
    ]
    assert full.market.underlyings[1].vols[0].expiry == SEP


def test_liquidatable_example_is_liquidatable_and_the_others_are_not() -> None:
    for path in EXAMPLES:
        result = margin_of(*load(path).engine_inputs())
        assert result.liquidatable == (path.stem == "liquidatable"), path.name


# ---------------------------------------------------------------------------------------- errors


def _set(path: list, value: object):
    def edit(d: dict) -> None:
        target = d
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


def _delete(path: list):
    def edit(d: dict) -> None:
        target = d
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return edit


OPTION = ["portfolio", "positions", 0, "options", 0]
ETH_MARKET = ["market", "underlyings", 0]

FORMAT_ERRORS = [
    # (name, edit, error class, JSON path)
    ("document not an object", lambda d: d.clear() or d.update(x=1), UnknownFieldError, "$.x"),
    ("missing portfolio", _delete(["portfolio"]), MissingFieldError, "$.portfolio"),
    ("missing market", _delete(["market"]), MissingFieldError, "$.market"),
    ("missing timestamp", _delete(["market", "timestamp"]), MissingFieldError, "$.market.timestamp"),
    ("missing underlyings", _delete(["market", "underlyings"]), MissingFieldError, "$.market.underlyings"),
    ("missing symbol", _delete([*ETH_MARKET, "symbol"]), MissingFieldError, "$.market.underlyings[0].symbol"),
    ("missing spot", _delete([*ETH_MARKET, "spot"]), MissingFieldError, "$.market.underlyings[0].spot"),
    (
        "missing underlying",
        _delete(["portfolio", "positions", 0, "underlying"]),
        MissingFieldError,
        "$.portfolio.positions[0].underlying",
    ),
    (
        "missing perp entry",
        _delete(["portfolio", "positions", 0, "perp", "entry"]),
        MissingFieldError,
        "$.portfolio.positions[0].perp.entry",
    ),
    ("missing option type", _delete([*OPTION, "type"]), MissingFieldError, "$.portfolio.positions[0].options[0].type"),
    ("missing strike", _delete([*OPTION, "strike"]), MissingFieldError, "$.portfolio.positions[0].options[0].strike"),
    ("missing expiry", _delete([*OPTION, "expiry"]), MissingFieldError, "$.portfolio.positions[0].options[0].expiry"),
    ("missing size", _delete([*OPTION, "size"]), MissingFieldError, "$.portfolio.positions[0].options[0].size"),
    ("unknown top-level field", _set(["portfolios"], {}), UnknownFieldError, "$.portfolios"),
    (
        "unknown option field",
        _set([*OPTION, "strik"], "1"),
        UnknownFieldError,
        "$.portfolio.positions[0].options[0].strik",
    ),
    ("unknown params field", _set(["params"], {"mm": "0.5"}), UnknownFieldError, "$.params.mm"),
    (
        "unknown grid field",
        _set(["params"], {"grid": {"haircuts": "0.5"}}),
        UnknownFieldError,
        "$.params.grid.haircuts",
    ),
    ("portfolio a list", _set(["portfolio"], []), WrongTypeError, "$.portfolio"),
    ("positions an object", _set(["portfolio", "positions"], {"ETH": {}}), WrongTypeError, "$.portfolio.positions"),
    (
        "options an object",
        _set(["portfolio", "positions", 0, "options"], {}),
        WrongTypeError,
        "$.portfolio.positions[0].options",
    ),
    ("float cash", _set(["portfolio", "cash"], 1.5), WrongTypeError, "$.portfolio.cash"),
    ("boolean size", _set([*OPTION, "size"], True), WrongTypeError, "$.portfolio.positions[0].options[0].size"),
    ("null spot", _set([*ETH_MARKET, "spot"], None), WrongTypeError, "$.market.underlyings[0].spot"),
    ("raw not a boolean", _set(["portfolio", "raw"], "yes"), WrongTypeError, "$.portfolio.raw"),
    ("symbol not a string", _set([*ETH_MARKET, "symbol"], 1), WrongTypeError, "$.market.underlyings[0].symbol"),
    (
        "integer underlying outside raw mode",
        _set(["portfolio", "positions", 0, "underlying"], 0),
        WrongTypeError,
        "$.portfolio.positions[0].underlying",
    ),
    (
        "option type not a string",
        _set([*OPTION, "type"], 1),
        WrongTypeError,
        "$.portfolio.positions[0].options[0].type",
    ),
    ("description not a string", _set(["description"], 1), WrongTypeError, "$.description"),
    ("max_options a decimal", _set(["params"], {"max_options": "1.5"}), WrongTypeError, "$.params.max_options"),
    ("correlation a string", _set(["params"], {"correlation": "0.5"}), WrongTypeError, "$.params.correlation"),
    (
        "spot shocks not a list",
        _set(["params"], {"grid": {"spot_shocks": "0"}}),
        WrongTypeError,
        "$.params.grid.spot_shocks",
    ),
    (
        "non-integer amount",
        _set([*OPTION, "size"], "1.0000000000000000001"),
        BadAmountError,
        "$.portfolio.positions[0].options[0].size",
    ),
    ("not a number", _set([*OPTION, "strike"], "3,300"), BadAmountError, "$.portfolio.positions[0].options[0].strike"),
    ("amount beyond int256", _set(["portfolio", "cash"], "1e77"), BadAmountError, "$.portfolio.cash"),
    (
        "bad vol",
        _set([*ETH_MARKET, "vols"], {"2026-06-26T08:00:00Z": "high"}),
        BadAmountError,
        '$.market.underlyings[0].vols["2026-06-26T08:00:00Z"]',
    ),
    (
        "bad spot shock",
        _set(["params"], {"grid": {"spot_shocks": ["0", "x"]}}),
        BadAmountError,
        "$.params.grid.spot_shocks[1]",
    ),
    (
        "bad correlation entry",
        _set(["params"], {"correlation": [["1", "0"], ["0", "one"]]}),
        BadAmountError,
        "$.params.correlation[1][1]",
    ),
    ("max_options beyond int256", _set(["params"], {"max_options": 2**255}), BadAmountError, "$.params.max_options"),
    (
        "naive ISO expiry",
        _set([*OPTION, "expiry"], "2026-06-26T08:00:00"),
        BadTimestampError,
        "$.portfolio.positions[0].options[0].expiry",
    ),
    (
        "expiry beyond uint64",
        _set([*OPTION, "expiry"], 2**64),
        BadTimestampError,
        "$.portfolio.positions[0].options[0].expiry",
    ),
    ("negative timestamp", _set(["market", "timestamp"], -5), BadTimestampError, "$.market.timestamp"),
    (
        "bad vol expiry key",
        _set([*ETH_MARKET, "vols"], {"June": "0.5"}),
        BadTimestampError,
        "$.market.underlyings[0].vols.June",
    ),
    ("symbol with a slash", _set([*ETH_MARKET, "symbol"], "ETH/USD"), BadSymbolError, "$.market.underlyings[0].symbol"),
    ("empty symbol", _set([*ETH_MARKET, "symbol"], ""), BadSymbolError, "$.market.underlyings[0].symbol"),
    (
        "unknown underlying",
        _set(["portfolio", "positions", 0, "underlying"], "DOGE"),
        UnknownSymbolError,
        "$.portfolio.positions[0].underlying",
    ),
    (
        "symbols are case-sensitive",
        _set(["portfolio", "positions", 0, "underlying"], "eth"),
        UnknownSymbolError,
        "$.portfolio.positions[0].underlying",
    ),
    ("grid for an unknown symbol", _set(["params"], {"grids": {"SOL": {}}}), UnknownSymbolError, "$.params.grids.SOL"),
    (
        "correlation pair with an unknown symbol",
        _set(["params"], {"correlation": {"ETH/SOL": "0.5"}}),
        UnknownSymbolError,
        '$.params.correlation["ETH/SOL"]',
    ),
    (
        "correlation key not a pair",
        _set(["params"], {"correlation": {"ETH": "0.5"}}),
        UnknownSymbolError,
        "$.params.correlation.ETH",
    ),
    (
        "unknown option type",
        _set([*OPTION, "type"], "straddle"),
        UnknownOptionTypeError,
        "$.portfolio.positions[0].options[0].type",
    ),
    (
        "option type is lower case",
        _set([*OPTION, "type"], "Call"),
        UnknownOptionTypeError,
        "$.portfolio.positions[0].options[0].type",
    ),
    (
        "duplicate symbol",
        _set(["market", "underlyings", 1, "symbol"], "ETH"),
        DuplicateError,
        "$.market.underlyings[1].symbol",
    ),
    (
        "two entries for one underlying",
        lambda d: d["portfolio"]["positions"].append({"underlying": "ETH"}),
        DuplicateError,
        "$.portfolio.positions[1].underlying",
    ),
    (
        "one vol expiry in two spellings",
        _set([*ETH_MARKET, "vols"], {str(JUN): "0.5", "2026-06-26T08:00:00Z": "0.6"}),
        DuplicateError,
        '$.market.underlyings[0].vols["2026-06-26T08:00:00Z"]',
    ),
    (
        "correlation pair twice",
        _set(["params"], {"correlation": {"ETH/BTC": "0.5", "BTC/ETH": "0.5"}}),
        DuplicateError,
        '$.params.correlation["BTC/ETH"]',
    ),
    (
        "correlation on the diagonal",
        _set(["params"], {"correlation": {"ETH/ETH": "0.5"}}),
        DuplicateError,
        '$.params.correlation["ETH/ETH"]',
    ),
    (
        "matrix with too few rows",
        _set(["params"], {"correlation": [["1", "0"]]}),
        MatrixShapeError,
        "$.params.correlation",
    ),
    (
        "matrix row too long",
        _set(["params"], {"correlation": [["1", "0", "0"], ["0", "1"]]}),
        MatrixShapeError,
        "$.params.correlation[0]",
    ),
    (
        "empty matrix for two underlyings",
        _set(["params"], {"correlation": []}),
        MatrixShapeError,
        "$.params.correlation",
    ),
]


@pytest.mark.parametrize(("name", "edit", "error", "path"), FORMAT_ERRORS, ids=[e[0] for e in FORMAT_ERRORS])
def test_format_errors_name_the_path(name: str, edit, error: type, path: str) -> None:
    text = json.dumps(_doc(edit))
    with pytest.raises(error) as info:
        loads(text)
    assert info.value.path == path, str(info.value)
    assert str(info.value).startswith(f"{path}: ") and "\n" not in str(info.value)


def test_every_format_error_class_is_exercised() -> None:
    classes = {e[2] for e in FORMAT_ERRORS} | {InvalidJSONError}
    declared = {
        c
        for c in vars(__import__("offchain.formats.portfolio", fromlist=["x"])).values()
        if isinstance(c, type) and issubclass(c, PortfolioFormatError) and c is not PortfolioFormatError
    }
    assert declared == classes


def test_format_errors_are_value_errors_not_engine_errors() -> None:
    assert issubclass(PortfolioFormatError, ValueError) and issubclass(PortfolioFormatError, GridMarginError)
    assert not issubclass(PortfolioFormatError, ContractError)


@pytest.mark.parametrize(
    ("text", "path", "fragment"),
    [
        ('{"portfolio": {}, "market": ', "$", "line 1 column"),
        ('{"portfolio": {"cash": NaN}, "market": {}}', "$", "NaN is not a JSON number"),
        (
            '{"portfolio": {"cash": "1", "cash": "2"}, "market": {"timestamp": 0, "underlyings": []}}',
            "$.portfolio.cash",
            "more than once",
        ),
    ],
)
def test_text_level_errors(text: str, path: str, fragment: str) -> None:
    with pytest.raises(PortfolioFormatError) as info:
        loads(text)
    assert info.value.path == path and fragment in info.value.problem


def test_duplicate_key_is_a_duplicate_error() -> None:
    with pytest.raises(DuplicateError):
        loads('{"portfolio": {}, "market": {"timestamp": 0, "underlyings": []}, "market": {}}')


# ----------------------------------------------------------------------------------------- writer


def test_writer_round_trips_every_vector_input_and_example() -> None:
    vectors = json.loads((ROOT / "tests/vectors/portfolios.json").read_text())["cases"]
    inputs = [c["input"] for c in vectors if "format_error" not in c["expect"]]
    inputs += [json.loads(p.read_text()) for p in EXAMPLES]
    for data in inputs:
        doc = loads(json.dumps(data))
        written = to_document(doc.symbols, doc.portfolio, doc.market, doc.params, doc.description)
        again = loads(json.dumps(written))
        assert again == doc
        assert to_document(again.symbols, again.portfolio, again.market, again.params, again.description) == written


def test_writer_is_minimal_and_readable() -> None:
    doc = parse_document(_doc())
    written = to_document(doc.symbols, doc.portfolio, doc.market, doc.params)
    assert "params" not in written and "raw" not in written["portfolio"]
    assert written["portfolio"]["cash"] == "1000"
    assert written["portfolio"]["positions"][0]["options"][0] == {
        "type": "call",
        "strike": "3300",
        "expiry": "2026-06-26T08:00:00Z",
        "size": "-1",
    }
    assert written["market"]["underlyings"][0]["rate"] == "0.04"
