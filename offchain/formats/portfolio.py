"""The public JSON portfolio format (docs/portfolio-format.md): parse, canonicalise, write.

A document holds ``{"portfolio": ..., "market": ..., "params": ...}`` (``params`` optional). The
parser turns it into the engine's dataclasses (:mod:`offchain.twins.types`) exactly:

* amounts are decimal strings in natural units (``"3000.5"`` cash, ``"-2"`` tokens, ``"0.65"`` or
  ``"65%"`` for fractions), converted to wad integers with integer arithmetic only. A value that is
  not a whole number of wei (more than 18 decimals after scaling) is rejected, never rounded. A
  raw wad integer is written with an exponent: ``"3000500000000000000000e-18"``;
* timestamps and expiries are unix seconds (JSON integer or digit string) or ISO-8601 strings with
  an explicit offset (``"2026-06-26T08:00:00Z"``);
* underlyings are named by the symbols the ``market`` section lists (index = position there);
* options are netted per series (expiry, strike, type), zero nets dropped, and sorted; positions are
  sorted by underlying, so a well-formed document never hits ``GM_OptionsNotCanonical`` or
  ``GM_PositionsNotSorted``. ``"raw": true`` in the portfolio turns that off (tests of the engine's
  own checks).

Malformed input raises a :class:`PortfolioFormatError` subclass naming the JSON path of the problem.
Like every library error it is a :class:`offchain.twins.exceptions.GridMarginError`, but no
``ContractError``: those mirror Solidity errors one to one, while format errors happen before anything
reaches the engine. Values the format can carry but the engine refuses (an expired option, a strike
of 0, a haircut of 100%) pass through and fail in the engine, with the engine's error, on both sides.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from offchain.formats.numbers import amount_text
from offchain.twins.constants import WAD
from offchain.twins.exceptions import GridMarginError
from offchain.twins.intmath import INT256_MAX, INT256_MIN, UINT256_MAX
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

UINT64_MAX = 2**64 - 1
ISO_MAX = 253402300799  # 9999-12-31T23:59:59Z: later instants are written as unix seconds

GRID_FIELDS = tuple(f.name for f in fields(GridParams))
LIST_GRID_FIELDS = ("spot_shocks", "extended_shocks")
SECONDS_GRID_FIELDS = ("dte_floor",)
"""Grid fields in whole seconds (a JSON integer or a digit string), not amounts."""
OPTION_TYPES = {"call": True, "put": False}

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------- errors


class PortfolioFormatError(GridMarginError, ValueError):
    """A document that is not a valid portfolio file. ``path`` is a JSONPath like
    ``$.portfolio.positions[0].options[2].strike``; ``problem`` says what is wrong there."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(path, problem)
        self.path = path
        self.problem = problem

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


class InvalidJSONError(PortfolioFormatError):
    """The text is not JSON (``problem`` gives line and column)."""


class MissingFieldError(PortfolioFormatError):
    """A required field is absent."""


class UnknownFieldError(PortfolioFormatError):
    """A field the format does not define (usually a typo)."""


class WrongTypeError(PortfolioFormatError):
    """A value of the wrong JSON type (e.g. a number where an object is expected, or a float)."""


class BadAmountError(PortfolioFormatError):
    """An amount that is not a decimal number, not exact in wad, or outside int256."""


class BadTimestampError(PortfolioFormatError):
    """A timestamp or expiry that is not unix seconds or an ISO-8601 instant with an offset, or out of range."""


class BadSymbolError(PortfolioFormatError):
    """A market symbol that is empty or uses characters outside ``[A-Za-z0-9._-]``."""


class UnknownSymbolError(PortfolioFormatError):
    """An underlying named in the portfolio or params that the market section does not list."""


class UnknownOptionTypeError(PortfolioFormatError):
    """An option ``type`` other than ``call`` or ``put``."""


class DuplicateError(PortfolioFormatError):
    """The same key, symbol, vol expiry, position underlying or correlation pair given twice."""


class MatrixShapeError(PortfolioFormatError):
    """A correlation matrix that is not n x n for the market's n underlyings."""


# ------------------------------------------------------------------------------------ document


@dataclass(frozen=True)
class PortfolioDocument:
    """A parsed file: the market's symbols (index = underlying) and the engine's three inputs."""

    symbols: tuple[str, ...]
    portfolio: Portfolio
    market: Market
    params: RiskParams
    description: str | None = None

    def symbol(self, underlying: int) -> str:
        """The symbol of an underlying index (``#i`` for an index the market lacks, raw mode only)."""
        return self.symbols[underlying] if 0 <= underlying < len(self.symbols) else f"#{underlying}"

    def engine_inputs(self) -> tuple[Portfolio, Market, RiskParams]:
        return self.portfolio, self.market, self.params


def load(path: str | Path) -> PortfolioDocument:
    """Read and parse a portfolio file (``OSError`` if it cannot be read)."""
    log.debug("reading %s", path)
    return loads(Path(path).read_text(encoding="utf-8"))


def loads(text: str) -> PortfolioDocument:
    """Parse a portfolio document from JSON text."""
    try:
        data = json.loads(
            text, object_pairs_hook=_JSONObject.from_pairs, parse_float=Decimal, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as exc:
        raise InvalidJSONError("$", f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except _ConstantError as exc:
        raise InvalidJSONError("$", f"not JSON: {exc.args[0]} is not a JSON number") from None
    return parse_document(data)


def parse_document(data: object) -> PortfolioDocument:
    """Parse an already decoded document (dicts, lists, strings, ints; floats are refused)."""
    root = _object(data, "$", required=("portfolio", "market"), optional=("params", "description"))
    description = root.get("description")
    if description is not None and not isinstance(description, str):
        raise WrongTypeError("$.description", f"expected a string, got {_kind(description)}")
    symbols, market = _parse_market(root["market"], "$.market")
    portfolio = _parse_portfolio(root["portfolio"], "$.portfolio", symbols)
    params = _parse_params(root.get("params"), "$.params", symbols)
    return PortfolioDocument(symbols, portfolio, market, params, description)


# --------------------------------------------------------------------------------------- market

_SYMBOL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")


def _parse_market(data: object, path: str) -> tuple[tuple[str, ...], Market]:
    obj = _object(data, path, required=("timestamp", "underlyings"))
    timestamp = parse_timestamp(obj["timestamp"], f"{path}.timestamp", UINT256_MAX)
    entries = _list(obj["underlyings"], f"{path}.underlyings")
    symbols: list[str] = []
    underlyings = []
    for i, entry in enumerate(entries):
        at = f"{path}.underlyings[{i}]"
        u = _object(entry, at, required=("symbol", "spot"), optional=("rate", "vols"))
        symbol = u["symbol"]
        if not isinstance(symbol, str):
            raise WrongTypeError(f"{at}.symbol", f"expected a string, got {_kind(symbol)}")
        if not _SYMBOL.fullmatch(symbol):
            raise BadSymbolError(
                f"{at}.symbol",
                f"{symbol!r} is not a symbol (1-32 of A-Z a-z 0-9 . _ -, starting with a letter or digit)",
            )
        if symbol in symbols:
            raise DuplicateError(f"{at}.symbol", f"{symbol!r} is already underlying {symbols.index(symbol)}")
        symbols.append(symbol)
        vols_at = f"{at}.vols"
        vols_obj = _object(u.get("vols", {}), vols_at, any_keys=True)
        vols: dict[int, tuple[str, VolPoint]] = {}
        for key, value in vols_obj.items():
            key_at = _key_path(vols_at, key)
            expiry = parse_timestamp(key, key_at, UINT64_MAX)
            if expiry in vols:
                raise DuplicateError(key_at, f"expiry {expiry} already has a vol (as {vols[expiry][0]!r})")
            vols[expiry] = (key, VolPoint(expiry, parse_amount(value, key_at)))
        points = tuple(vols[e][1] for e in sorted(vols))
        spot = parse_amount(u["spot"], f"{at}.spot")
        rate = parse_amount(u.get("rate", "0"), f"{at}.rate")
        underlyings.append(UnderlyingMarket(spot, rate, points))
    return tuple(symbols), Market(timestamp, tuple(underlyings))


# ------------------------------------------------------------------------------------ portfolio


def _parse_portfolio(data: object, path: str, symbols: tuple[str, ...]) -> Portfolio:
    obj = _object(data, path, optional=("cash", "positions", "raw"))
    raw = obj.get("raw", False)
    if not isinstance(raw, bool):
        raise WrongTypeError(f"{path}.raw", f"expected true or false, got {_kind(raw)}")
    cash = parse_amount(obj.get("cash", "0"), f"{path}.cash")
    positions = []
    seen: dict[int, int] = {}
    for i, entry in enumerate(_list(obj.get("positions", []), f"{path}.positions")):
        at = f"{path}.positions[{i}]"
        pos = _parse_position(entry, at, symbols, raw)
        if not raw and pos.underlying in seen:
            raise DuplicateError(
                f"{at}.underlying",
                f"{symbols[pos.underlying]} already has an entry at positions[{seen[pos.underlying]}];"
                " put all its holdings in one entry",
            )
        seen[pos.underlying] = i
        positions.append(pos)
    if not raw:
        positions.sort(key=lambda p: p.underlying)
    return Portfolio(cash, tuple(positions))


def _parse_position(data: object, path: str, symbols: tuple[str, ...], raw: bool) -> UnderlyingPositions:
    obj = _object(data, path, required=("underlying",), optional=("balance", "perp", "options"))
    underlying = _underlying(obj["underlying"], f"{path}.underlying", symbols, raw)
    balance = parse_amount(obj.get("balance", "0"), f"{path}.balance")
    perp_size = perp_entry = 0
    if "perp" in obj:
        perp = _object(obj["perp"], f"{path}.perp", required=("size", "entry"))
        perp_size = parse_amount(perp["size"], f"{path}.perp.size")
        perp_entry = parse_amount(perp["entry"], f"{path}.perp.entry")
    options = [
        _parse_option(o, f"{path}.options[{j}]") for j, o in enumerate(_list(obj.get("options", []), f"{path}.options"))
    ]
    return UnderlyingPositions(
        underlying, balance, perp_size, perp_entry, tuple(options if raw else canonical_options(options))
    )


def _parse_option(data: object, path: str) -> OptionPosition:
    obj = _object(data, path, required=("type", "strike", "expiry", "size"))
    kind = obj["type"]
    if not isinstance(kind, str):
        raise WrongTypeError(f"{path}.type", f'expected "call" or "put", got {_kind(kind)}')
    if kind not in OPTION_TYPES:
        raise UnknownOptionTypeError(f"{path}.type", f'unknown option type {kind!r} (expected "call" or "put")')
    return OptionPosition(
        expiry=parse_timestamp(obj["expiry"], f"{path}.expiry", UINT64_MAX),
        is_call=OPTION_TYPES[kind],
        strike=parse_amount(obj["strike"], f"{path}.strike"),
        size=parse_amount(obj["size"], f"{path}.size"),
    )


def canonical_options(options: Iterable[OptionPosition]) -> list[OptionPosition]:
    """Net sizes per series (expiry, strike, is_call), drop zero nets, sort by series (puts first)."""
    net: dict[tuple[int, int, bool], int] = {}
    for option in options:
        net[option.series] = net.get(option.series, 0) + option.size
    return [OptionPosition(e, c, k, n) for (e, k, c), n in sorted(net.items()) if n != 0]


def _underlying(value: object, path: str, symbols: tuple[str, ...], raw: bool) -> int:
    if isinstance(value, str):
        if value not in symbols:
            known = ", ".join(symbols) if symbols else "none"
            raise UnknownSymbolError(path, f"unknown underlying {value!r} (the market lists: {known})")
        return symbols.index(value)
    if raw and isinstance(value, int) and not isinstance(value, bool):
        if not 0 <= value <= UINT256_MAX:
            raise WrongTypeError(path, f"underlying index {value} is not a uint256")
        return value
    raise WrongTypeError(path, f"expected a symbol from the market (a string), got {_kind(value)}")


# --------------------------------------------------------------------------------------- params


def _parse_params(data: object, path: str, symbols: tuple[str, ...]) -> RiskParams:
    defaults = RiskParams(grids=())
    if data is None:
        return RiskParams.default(len(symbols))
    obj = _object(data, path, optional=("mm_factor", "max_options", "correlation", "grid", "grids"))
    base = _parse_grid(obj["grid"], f"{path}.grid", GridParams()) if "grid" in obj else GridParams()
    overrides = _object(obj.get("grids", {}), f"{path}.grids", any_keys=True)
    for symbol in overrides:
        if symbol not in symbols:
            raise UnknownSymbolError(
                _key_path(f"{path}.grids", symbol),
                f"unknown underlying {symbol!r} (the market lists: {', '.join(symbols) or 'none'})",
            )
    grids = tuple(
        _parse_grid(overrides[s], _key_path(f"{path}.grids", s), base) if s in overrides else base for s in symbols
    )
    mm_factor = parse_amount(obj["mm_factor"], f"{path}.mm_factor") if "mm_factor" in obj else defaults.mm_factor
    max_options = (
        parse_integer(obj["max_options"], f"{path}.max_options", INT256_MIN, INT256_MAX)
        if "max_options" in obj
        else defaults.max_options
    )
    correlation = _parse_correlation(obj.get("correlation"), f"{path}.correlation", symbols)
    return RiskParams(grids, mm_factor, correlation, max_options)


def _parse_grid(data: object, path: str, base: GridParams) -> GridParams:
    obj = _object(data, path, optional=GRID_FIELDS)
    values: dict[str, Any] = {}
    for name, value in obj.items():
        if name in LIST_GRID_FIELDS:
            values[name] = tuple(
                parse_amount(v, f"{path}.{name}[{i}]") for i, v in enumerate(_list(value, f"{path}.{name}"))
            )
        elif name in SECONDS_GRID_FIELDS:
            values[name] = parse_integer(value, f"{path}.{name}", INT256_MIN, INT256_MAX)
        else:
            values[name] = parse_amount(value, f"{path}.{name}")
    return GridParams(**{name: values.get(name, getattr(base, name)) for name in GRID_FIELDS})


def _parse_correlation(data: object, path: str, symbols: tuple[str, ...]) -> tuple[int, ...]:
    n = len(symbols)
    if data is None:
        return ()
    if isinstance(data, list):
        if len(data) != n:
            raise MatrixShapeError(path, f"expected {n} rows (one per market underlying), got {len(data)}")
        matrix = []
        for i, row in enumerate(data):
            row = _list(row, f"{path}[{i}]")
            if len(row) != n:
                raise MatrixShapeError(f"{path}[{i}]", f"expected {n} entries, got {len(row)}")
            matrix += [parse_amount(v, f"{path}[{i}][{j}]") for j, v in enumerate(row)]
        return tuple(matrix)
    pairs = _object(data, path, any_keys=True, expected='a matrix (list of rows) or an object of "A/B" pairs')
    rho = [[WAD] * n for _ in range(n)]
    seen: dict[tuple[int, int], str] = {}
    for key, value in pairs.items():
        at = _key_path(path, key)
        parts = key.split("/")
        if len(parts) != 2:
            raise UnknownSymbolError(at, f'a pair is written "A/B" with two market symbols, got {key!r}')
        for part in parts:
            if part not in symbols:
                raise UnknownSymbolError(
                    at, f"unknown underlying {part!r} (the market lists: {', '.join(symbols) or 'none'})"
                )
        i, j = symbols.index(parts[0]), symbols.index(parts[1])
        if i == j:
            raise DuplicateError(at, "the diagonal is always 1; name two different underlyings")
        pair = (min(i, j), max(i, j))
        if pair in seen:
            raise DuplicateError(at, f"pair already given as {seen[pair]!r}")
        seen[pair] = key
        rho[i][j] = rho[j][i] = parse_amount(value, at)
    return tuple(v for row in rho for v in row)


# ---------------------------------------------------------------------------------------- scalars

_NUMBER = re.compile(r"([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d{1,4}))?(%?)")


def parse_amount(value: object, path: str = "$") -> int:
    """An exact wad integer from ``"3000.5"``, ``"-2"``, ``"65%"``, ``"1.5e3"`` or a JSON integer
    (natural units: ``"1"`` is 10**18). Refuses anything not a whole number of wei, and floats."""
    if isinstance(value, bool) or value is None:
        raise WrongTypeError(path, f'expected an amount (a decimal string like "3000.5"), got {_kind(value)}')
    if isinstance(value, int):
        result = value * WAD
    elif isinstance(value, (float, Decimal)):
        raise WrongTypeError(
            path,
            f'JSON number {value} with a fraction or exponent: write amounts as strings for exactness, e.g. "{value}"',
        )
    elif isinstance(value, str):
        match = _NUMBER.fullmatch(value)
        if match is None:
            raise BadAmountError(path, f'{value!r} is not a decimal number (examples: "3000.5", "-2", "65%", "3e-18")')
        sign, whole, frac, exponent, percent = match.groups()
        frac = frac or ""
        digits = int(whole + frac)
        shift = 18 - len(frac) + int(exponent or 0) - (2 if percent else 0)
        if digits and len(str(digits)) + shift > 80:
            raise BadAmountError(path, f"{value!r} is outside the int256 range of wad amounts")
        if shift >= 0:
            magnitude = digits * 10**shift
        else:
            magnitude, remainder = divmod(digits, 10 ** (-shift))
            if remainder:
                raise BadAmountError(
                    path, f"{value!r} is not a whole number of wei (at most 18 decimals): refusing to round"
                )
        result = -magnitude if sign == "-" else magnitude
    else:
        raise WrongTypeError(path, f'expected an amount (a decimal string like "3000.5"), got {_kind(value)}')
    if not INT256_MIN <= result <= INT256_MAX:
        raise BadAmountError(path, f"{value!r} is outside the int256 range of wad amounts")
    return result


def parse_integer(value: object, path: str, low: int, high: int) -> int:
    """A plain integer: a JSON integer or a string of digits (optionally signed)."""
    if isinstance(value, str) and re.fullmatch(r"[+-]?\d{1,80}", value):
        result = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        result = value
    else:
        raise WrongTypeError(path, f"expected an integer, got {_kind(value)}")
    if not low <= result <= high:
        raise BadAmountError(path, f"{result} is outside [{low}, {high}]")
    return result


def parse_timestamp(value: object, path: str, high: int) -> int:
    """Unix seconds from a JSON integer, a digit string, or an ISO-8601 instant with an offset."""
    if isinstance(value, int) and not isinstance(value, bool):
        seconds = value
    elif isinstance(value, str) and re.fullmatch(r"\d{1,80}", value):
        seconds = int(value)
    elif isinstance(value, str):
        try:
            instant = datetime.fromisoformat(value)
        except ValueError:
            raise BadTimestampError(
                path, f'{value!r} is neither unix seconds nor an ISO-8601 instant like "2026-06-26T08:00:00Z"'
            ) from None
        if instant.tzinfo is None:
            raise BadTimestampError(path, f'{value!r} has no UTC offset: append "Z" for UTC')
        if instant.microsecond:
            raise BadTimestampError(path, f"{value!r} has a fraction of a second: timestamps are whole seconds")
        seconds = int(instant.timestamp())
    else:
        raise WrongTypeError(path, f"expected unix seconds or an ISO-8601 string, got {_kind(value)}")
    if not 0 <= seconds <= high:
        raise BadTimestampError(path, f"{seconds} is outside [0, {high}]")
    return seconds


# ---------------------------------------------------------------------------------------- writing


def timestamp_text(seconds: int) -> str | int:
    """ISO-8601 UTC ("2026-06-26T08:00:00Z") when representable, else the integer."""
    if 0 <= seconds <= ISO_MAX:
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return seconds


def to_document(
    symbols: Iterable[str],
    portfolio: Portfolio,
    market: Market,
    params: RiskParams | None = None,
    description: str | None = None,
) -> dict:
    """The public document for engine inputs (parsing it gives them back). Writes only parameters
    that differ from the defaults, and ``"raw": true`` when the portfolio is not canonical."""
    symbols = tuple(symbols)
    if len(symbols) != len(market.underlyings):
        raise ValueError(f"{len(symbols)} symbols for {len(market.underlyings)} market underlyings")
    doc: dict[str, Any] = {}
    if description:
        doc["description"] = description
    raw = not _is_canonical(portfolio, len(symbols))
    out_portfolio: dict[str, Any] = {}
    if raw:
        out_portfolio["raw"] = True
    out_portfolio["cash"] = amount_text(portfolio.cash)
    out_portfolio["positions"] = [_position_doc(p, symbols) for p in portfolio.positions]
    doc["portfolio"] = out_portfolio
    doc["market"] = {
        "timestamp": timestamp_text(market.timestamp),
        "underlyings": [
            {
                "symbol": s,
                "spot": amount_text(u.spot),
                "rate": amount_text(u.rate),
                "vols": {str(timestamp_text(v.expiry)): amount_text(v.vol) for v in u.vols},
            }
            for s, u in zip(symbols, market.underlyings)
        ],
    }
    if params is not None:
        out_params = _params_doc(params, symbols)
        if out_params:
            doc["params"] = out_params
    return doc


def dumps(doc: dict) -> str:
    return json.dumps(doc, indent=2) + "\n"


def _position_doc(pos: UnderlyingPositions, symbols: tuple[str, ...]) -> dict:
    out: dict[str, Any] = {"underlying": symbols[pos.underlying] if pos.underlying < len(symbols) else pos.underlying}
    if pos.balance:
        out["balance"] = amount_text(pos.balance)
    if pos.perp_size or pos.perp_entry:
        out["perp"] = {"size": amount_text(pos.perp_size), "entry": amount_text(pos.perp_entry)}
    if pos.options:
        out["options"] = [
            {
                "type": "call" if o.is_call else "put",
                "strike": amount_text(o.strike),
                "expiry": timestamp_text(o.expiry),
                "size": amount_text(o.size),
            }
            for o in pos.options
        ]
    return out


def _params_doc(params: RiskParams, symbols: tuple[str, ...]) -> dict:
    if len(params.grids) != len(symbols):
        raise ValueError(f"{len(params.grids)} grids for {len(symbols)} market underlyings: not expressible")
    defaults = RiskParams(grids=())
    out: dict[str, Any] = {}
    if params.mm_factor != defaults.mm_factor:
        out["mm_factor"] = amount_text(params.mm_factor)
    if params.max_options != defaults.max_options:
        out["max_options"] = params.max_options
    if params.correlation:
        out["correlation"] = _correlation_doc(params.correlation, symbols)
    distinct = set(params.grids)
    if len(distinct) == 1 and params.grids[0] != GridParams():
        out["grid"] = _grid_doc(params.grids[0], GridParams())
    elif len(distinct) > 1:
        grids = {s: _grid_doc(g, GridParams()) for s, g in zip(symbols, params.grids) if g != GridParams()}
        if grids:
            out["grids"] = grids
    return out


def _grid_doc(grid: GridParams, base: GridParams) -> dict:
    out: dict[str, Any] = {}
    for name in GRID_FIELDS:
        value = getattr(grid, name)
        if value == getattr(base, name):
            continue
        if name in LIST_GRID_FIELDS:
            out[name] = [amount_text(v) for v in value]
        else:
            out[name] = value if name in SECONDS_GRID_FIELDS else amount_text(value)
    return out


def _correlation_doc(correlation: tuple[int, ...], symbols: tuple[str, ...]) -> list | dict:
    n = len(symbols)
    if len(correlation) != n * n:
        raise ValueError(f"a correlation of {len(correlation)} entries for {n} underlyings: not expressible")

    def at(i: int, j: int) -> int:
        return correlation[i * n + j]

    pairwise = all(at(i, i) == WAD for i in range(n)) and all(at(i, j) == at(j, i) for i in range(n) for j in range(n))
    if not pairwise:
        return [[amount_text(at(i, j)) for j in range(n)] for i in range(n)]
    return {
        f"{symbols[i]}/{symbols[j]}": amount_text(at(i, j))
        for i in range(n)
        for j in range(i + 1, n)
        if at(i, j) != WAD
    }


def _is_canonical(portfolio: Portfolio, n_symbols: int) -> bool:
    underlyings = [p.underlying for p in portfolio.positions]
    if underlyings != sorted(set(underlyings)) or any(u >= n_symbols for u in underlyings):
        return False
    return all(list(p.options) == canonical_options(p.options) for p in portfolio.positions)


# ---------------------------------------------------------------------------------------- helpers


class _JSONObject(dict):
    """A decoded JSON object that remembers keys given more than once."""

    duplicates: tuple[str, ...] = ()

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, Any]]) -> _JSONObject:
        obj = cls(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            obj.duplicates = tuple(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        return obj


class _ConstantError(ValueError):
    pass


def _reject_constant(name: str) -> None:
    raise _ConstantError(name)


def _object(
    data: object,
    path: str,
    required: tuple[str, ...] = (),
    optional: tuple[str, ...] = (),
    any_keys: bool = False,
    expected: str = "an object",
) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise WrongTypeError(path, f"expected {expected}, got {_kind(data)}")
    for key in getattr(data, "duplicates", ()):
        raise DuplicateError(_key_path(path, key), "key given more than once")
    if not any_keys:
        for key in data:
            if key not in required and key not in optional:
                allowed = ", ".join(required + optional)
                raise UnknownFieldError(_key_path(path, key), f"unknown field {key!r} (allowed here: {allowed})")
        for key in required:
            if key not in data:
                raise MissingFieldError(_key_path(path, key), f"missing required field {key!r}")
    return data


def _list(data: object, path: str) -> list:
    if not isinstance(data, list):
        raise WrongTypeError(path, f"expected a list, got {_kind(data)}")
    return data


def _key_path(path: str, key: str) -> str:
    return f"{path}.{key}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) else f"{path}[{json.dumps(key)}]"


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, (int, float, Decimal)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__
