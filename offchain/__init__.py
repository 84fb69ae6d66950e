"""gridmargin's Python engine: portfolio margin equal to the wei to its Solidity contracts.

The public surface is what this module exports (``__all__``); everything else is internal and may
move. The packages below it, by reason to change (``docs/api.md``):

* ``offchain.twins``: the exact twins of ``contracts/libraries`` (standard library only);
* ``offchain.chain``: nodes, the in-process EVM, artifacts, ABI helpers, feed and engine readers;
* ``offchain.formats``: the portfolio JSON format and report rows;
* ``offchain.screening``: the numpy screen that never calls a liquidatable account safe;
* ``offchain.cli``: the ``gridmargin`` command;
* ``offchain.differential``: the differential oracles tests and scripts share (not shipped).

Example::

    from offchain import load_portfolio, margin_of

    doc = load_portfolio("docs/examples/hedged-collar.json")
    result = margin_of(*doc.engine_inputs())
    print(result.equity, result.maintenance_margin, result.liquidatable)
"""

from offchain.formats.portfolio import PortfolioDocument, PortfolioFormatError
from offchain.formats.portfolio import load as load_portfolio
from offchain.formats.portfolio import loads as loads_portfolio
from offchain.twins.errors import GridMarginError
from offchain.twins.margin import margin_of, shortfall_witness
from offchain.twins.types import (
    GridParams,
    MarginResult,
    Market,
    OptionPosition,
    Portfolio,
    RiskParams,
    UnderlyingMargin,
    UnderlyingMarket,
    UnderlyingPositions,
    VolPoint,
)

__all__ = [
    "GridMarginError",
    "GridParams",
    "MarginResult",
    "Market",
    "OptionPosition",
    "Portfolio",
    "PortfolioDocument",
    "PortfolioFormatError",
    "RiskParams",
    "UnderlyingMargin",
    "UnderlyingMarket",
    "UnderlyingPositions",
    "VolPoint",
    "load_portfolio",
    "loads_portfolio",
    "margin_of",
    "shortfall_witness",
]
