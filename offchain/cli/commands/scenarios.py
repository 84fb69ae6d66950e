"""``gridmargin scenarios``: the risk vector of a portfolio file (every grid scenario's P&L per
underlying), computed off-chain; ``--plot`` also draws it (needs matplotlib, the ``plot`` extra)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import cast

import click
from rich.table import Table

from offchain.cli import heatmap
from offchain.cli.books import engine_error_line, load_document, offchain_outcome
from offchain.cli.options import json_option, verbose_option
from offchain.cli.output import CliError, console
from offchain.formats.numbers import amount_text, percent_text
from offchain.formats.portfolio import PortfolioDocument
from offchain.formats.report import scenarios
from offchain.twins.types import MarginResult, UnderlyingMargin

log = logging.getLogger("gridmargin.scenarios")


@click.command("scenarios", short_help="Every scenario's P&L of a book (risk vector).")
@click.argument("portfolio", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Also write a heatmap of the risk vectors to this file; its extension names the format "
    "(png, pdf, svg, ...); without one, PNG to the name plus .png.",
)
@json_option
@verbose_option
def scenarios_command(portfolio: str, plot_path: str | None, as_json: bool) -> None:
    """The risk vector of PORTFOLIO: the P&L of every grid scenario per underlying (spot shock x vol
    shock, then the extended shocks), computed off-chain."""
    plot_file = _plot_file(plot_path) if plot_path is not None else None
    doc = load_document(portfolio)
    kind, outcome = offchain_outcome(doc)
    if kind == "error":
        raise CliError(f"{portfolio}: {engine_error_line(outcome, doc)}")  # type: ignore[arg-type]
    result = cast(MarginResult, outcome)
    if plot_file is not None:
        heatmap.plot_risk(doc, result, plot_file, title=doc.description or portfolio)
        log.info("heatmap: %s", plot_file)
    if as_json:
        out: dict[str, object] = {"underlyings": [_underlying_json(doc, u) for u in result.underlyings]}
        if plot_file is not None:
            out["plot"] = str(plot_file)
        click.echo(json.dumps(out))
        return
    for table in _scenario_tables(doc, result):
        console.print(table)
    if not result.underlyings:
        console.print("no positions: nothing is shocked.")
    if plot_file is not None:
        console.print(f"heatmap written to {plot_file}")


def _plot_file(plot_path: str) -> Path:
    """The file ``--plot`` writes (checked before any work): one line if matplotlib or the format is missing."""
    try:
        return heatmap.plot_file(plot_path)
    except ImportError:
        raise CliError("--plot needs matplotlib: pip install matplotlib") from None
    except ValueError as exc:
        raise CliError(f"--plot {plot_path}: {exc}") from None


def _underlying_json(doc: PortfolioDocument, u: UnderlyingMargin) -> dict[str, object]:
    return {
        "underlying": str(u.underlying),
        "symbol": doc.symbol(u.underlying),
        "loss": str(u.loss),
        "initial_margin": str(u.initial_margin),
        "worst_scenario": str(u.worst_scenario),
        "scenarios": [dict(s.as_json(), pnl=str(u.pnl[s.index])) for s in scenarios(doc.params.grids[u.underlying])],
    }


def _scenario_tables(doc: PortfolioDocument, result: MarginResult) -> list[Table]:
    tables = []
    for u in result.underlyings:
        tables.append(_standard_table(doc, u))
        extended = [s for s in scenarios(doc.params.grids[u.underlying]) if s.extended]
        if extended:
            table = Table(title=f"{doc.symbol(u.underlying)}: extended scenarios (unshocked vol, P&L x weight)")
            for column in ("#", "spot shock", "weight", "weighted P&L"):
                table.add_column(column, justify="right", overflow="fold")
            for s in extended:
                table.add_row(str(s.index), percent_text(s.spot_shock), amount_text(s.weight), _pnl_cell(u, s.index))
            tables.append(table)
    return tables


def _standard_table(doc: PortfolioDocument, u: UnderlyingMargin) -> Table:
    grid = doc.params.grids[u.underlying]
    worst = scenarios(grid)[u.worst_scenario]
    table = Table(
        title=f"{doc.symbol(u.underlying)}: scenario P&L (cash), standard grid: spot shock x vol shock",
        caption=f"worst: #{worst.index} {worst.label}, P&L {amount_text(u.pnl[worst.index])}; "
        f"loss {amount_text(u.loss)}, IM {amount_text(u.initial_margin)}",
    )
    table.add_column("spot shock", justify="right")
    for vol in ("vol down", "vol none", "vol up"):
        table.add_column(vol, justify="right", overflow="fold")
    for k, shock in enumerate(grid.spot_shocks):
        table.add_row(percent_text(shock), *(_pnl_cell(u, 3 * k + v) for v in range(3)))
    return table


def _pnl_cell(u: UnderlyingMargin, index: int) -> str:
    """A scenario's P&L; the worst scenario highlighted."""
    text = amount_text(u.pnl[index])
    return f"[bold reverse red]{text}[/bold reverse red]" if index == u.worst_scenario else text
