"""Portfolio files for ``margin`` and ``scenarios``: loading as one-line failures, the off-chain
outcome, and engine errors explained (symbol of the underlying, name of the parameter)."""

from __future__ import annotations

import logging

from offchain.cli.output import CliError
from offchain.formats.portfolio import PortfolioDocument, PortfolioFormatError, load
from offchain.twins.constants import PARAM_CORRELATION, PARAM_FIELDS, PARAM_GRIDS
from offchain.twins.exceptions import ContractError, Outcome
from offchain.twins.margin import margin_of
from offchain.twins.types import MarginResult

log = logging.getLogger("gridmargin.books")

# Errors whose first argument is an underlying index (shown with its symbol).
_UNDERLYING_FIRST = {
    "GM_SpotNonPositive",
    "GM_RateOutOfRange",
    "GM_OptionsNotCanonical",
    "GM_OptionExpired",
    "GM_MissingVol",
    "GM_UnknownUnderlying",
}


def load_document(path: str) -> PortfolioDocument:
    """The parsed file; CliError naming the file and the problem if it cannot be read or parsed."""
    try:
        doc = load(path)
    except PortfolioFormatError as exc:
        raise CliError(f"{path}: {type(exc).__name__}: {exc}") from None
    except UnicodeDecodeError:
        raise CliError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise CliError(f"{path}: {exc.strerror or exc}") from None
    log.info("%s: %d underlyings, %d positions", path, len(doc.symbols), len(doc.portfolio.positions))
    return doc


def offchain_outcome(doc: PortfolioDocument) -> Outcome:
    """margin_of on the document's inputs: ("value", result) or ("error", the engine error)."""
    try:
        return ("value", margin_of(*doc.engine_inputs()))
    except ContractError as exc:
        return ("error", exc)


def result_of(outcome: Outcome) -> MarginResult | None:
    """The result of a successful outcome, else None."""
    return outcome[1] if outcome[0] == "value" else None  # type: ignore[return-value]


def engine_error_line(exc: Exception, doc: PortfolioDocument | None = None) -> str:
    """``GM_OptionExpired(0, 1782460800, 1782460800) [underlying 0 = ETH]: An option's expiry is ...``"""
    text = str(exc)
    if isinstance(exc, ContractError):
        name = type(exc).__name__
        if doc is not None and name in _UNDERLYING_FIRST and exc.args:
            text += f" [underlying {exc.args[0]} = {doc.symbol(exc.args[0])}]"
        elif doc is not None and name == "GM_ParamOutOfRange" and exc.args[1] < len(PARAM_FIELDS):
            text += _param_note(doc, exc.args[0], exc.args[1])
        explanation = " ".join((type(exc).__doc__ or "").split()).removeprefix("Margin engine: ")
        if explanation:
            text += f": {explanation}"
    return text


def _param_note(doc: PortfolioDocument, underlying: int, param: int) -> str:
    """GM_ParamOutOfRange's parameter id as the file field (generated PARAM_FIELDS; ids up to
    PARAM_CORRELATION and PARAM_GRIDS are global, the rest per underlying grid)."""
    field = PARAM_FIELDS[param]
    if param <= PARAM_CORRELATION or param == PARAM_GRIDS:
        return f" [params {field}]"
    return f" [grid of {doc.symbol(underlying)}: {field}]"
