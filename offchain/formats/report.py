"""Margin results for people and programs: scenario labels, JSON renderings, the on-chain twin.

Used by ``gridmargin margin`` / ``gridmargin scenarios`` and by the golden vectors. JSON renderings
keep every engine integer exact, as a decimal string of the wad integer (``"1500000000000000000"``
is 1.5), the convention of every vector file in ``tests/vectors``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from offchain.formats.numbers import amount_text, percent_text
from offchain.formats.portfolio import PortfolioDocument
from offchain.twins.constants import WAD
from offchain.twins.exceptions import arg_text
from offchain.twins.fixedpoint import mul_wad_down
from offchain.twins.margin import scenario_count, spot_move
from offchain.twins.types import GridParams, MarginResult, UnderlyingMargin

VOL_SHOCKS = ("down", "none", "up")


@dataclass(frozen=True)
class Scenario:
    """One grid scenario of an underlying (docs/model.md section 5)."""

    index: int
    spot_shock: int  # wad: -16% is -0.16e18
    vol_shock: str  # "down", "none" or "up" (term-scaled, see the model)
    extended: bool
    weight: int  # wad; 1e18 for standard scenarios, the dampener min(1, c/|s|) for extended ones

    @property
    def label(self) -> str:
        text = f"spot {percent_text(self.spot_shock)}, vol {self.vol_shock}"
        if self.extended:
            text += f" (extended, weight {amount_text(self.weight)})"
        return text

    def as_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "spot_shock": str(self.spot_shock),
            "vol_shock": self.vol_shock,
            "extended": self.extended,
            "weight": str(self.weight),
            "label": self.label,
        }


def scenarios(grid: GridParams) -> list[Scenario]:
    """Every scenario of ``grid`` in engine order: each spot shock under vol down, none, up, then
    the extended shocks at unshocked vol."""
    out = [
        Scenario(3 * k + v, shock, VOL_SHOCKS[v], False, WAD)
        for k, shock in enumerate(grid.spot_shocks)
        for v in range(3)
    ]
    standard = len(out)
    for e, shock in enumerate(grid.extended_shocks):
        weight = grid.extended_weight(shock) if shock else WAD
        out.append(Scenario(standard + e, shock, "none", True, weight))
    assert len(out) == scenario_count(grid)
    return out


def result_json(result: MarginResult) -> dict[str, Any]:
    """The engine's output, every integer a decimal string; :func:`result_from_json` inverts it."""
    return {
        "equity": str(result.equity),
        "initial_margin": str(result.initial_margin),
        "maintenance_margin": str(result.maintenance_margin),
        "underlyings": [
            {
                "underlying": str(u.underlying),
                "loss": str(u.loss),
                "initial_margin": str(u.initial_margin),
                "worst_scenario": str(u.worst_scenario),
                "pnl": [str(p) for p in u.pnl],
            }
            for u in result.underlyings
        ],
    }


def result_from_json(data: dict[str, Any]) -> MarginResult:
    return MarginResult(
        int(data["equity"]),
        int(data["initial_margin"]),
        int(data["maintenance_margin"]),
        tuple(
            UnderlyingMargin(
                int(u["underlying"]),
                int(u["loss"]),
                int(u["initial_margin"]),
                int(u["worst_scenario"]),
                tuple(int(p) for p in u["pnl"]),
            )
            for u in data["underlyings"]
        ),
    )


def error_json(exc: BaseException) -> dict[str, Any]:
    """``{"error": name, "args": [decimal strings]}`` of an engine error (addresses/bytes as hex)."""
    return {"error": type(exc).__name__, "args": [arg_text(a) for a in getattr(exc, "args", ())]}


def balance_pnl(doc: PortfolioDocument, detail: UnderlyingMargin) -> int:
    """The token balance's share of the worst scenario's P&L (docs/model.md section 5): balance times the
    engine's spot move there (rounded as for the underlying's whole linear exposure), rounded down, times
    the scenario's weight, rounded down; 0 without a balance. With a perp of the opposite sign it shows
    the hedge: a delta-neutral book's shares cancel."""
    positions = [p for p in doc.portfolio.positions if p.underlying == detail.underlying]
    if not positions or not positions[0].balance:
        return 0
    pos = positions[0]
    scenario = scenarios(doc.params.grids[pos.underlying])[detail.worst_scenario]
    move = spot_move(doc.market.underlyings[pos.underlying].spot, scenario.spot_shock, pos.balance + pos.perp_size)
    return mul_wad_down(mul_wad_down(pos.balance, move), scenario.weight)


def report_json(doc: PortfolioDocument, result: MarginResult) -> dict[str, Any]:
    """:func:`result_json` plus what a reader wants: liquidatable, symbols, the worst scenario's shocks
    and the balance's share of its P&L (:func:`balance_pnl`)."""
    out = result_json(result)
    out["liquidatable"] = result.liquidatable
    for entry, detail in zip(out["underlyings"], result.underlyings):
        entry["symbol"] = doc.symbol(detail.underlying)
        grid = doc.params.grids[detail.underlying]
        entry["worst"] = scenarios(grid)[detail.worst_scenario].as_json()
        entry["balance_pnl"] = str(balance_pnl(doc, detail))
    return out


class MarginOnChain:
    """MarginEvaluator deployed on a web3 chain; ``margin_of`` raises the decoded engine error on revert."""

    def __init__(self, w3: Any) -> None:
        from offchain.chain.node import deploy

        self.harness = deploy(w3, "MarginEvaluator")

    def margin_of(self, doc: PortfolioDocument) -> MarginResult:
        from web3.exceptions import ContractLogicError

        from offchain.chain.abi import result_from_abi, revert_of

        portfolio, market, params = doc.engine_inputs()
        try:
            value = self.harness.functions.marginOf(portfolio.as_abi(), market.as_abi(), params.as_abi()).call()
        except ContractLogicError as exc:
            raise revert_of(exc) from None
        return result_from_abi(value)
