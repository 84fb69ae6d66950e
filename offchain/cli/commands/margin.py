"""``gridmargin margin``: equity, IM, MM, liquidatable and the worst scenarios of a portfolio file,
off-chain, and with ``--onchain`` or ``--engine`` also on a chain (exit 1 unless equal)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import replace

import click
from eth_utils import is_address
from rich.table import Table
from web3.exceptions import ContractLogicError, Web3Exception

from offchain.chain import engine as engine_rpc
from offchain.chain.abi import result_from_abi, revert_of
from offchain.chain.node import ChainError, connect
from offchain.cli.books import (
    Outcome,
    engine_error_line,
    load_document,
    offchain_outcome,
    result_of,
)
from offchain.cli.options import json_option, open_chain, rpc_url_option, verbose_option
from offchain.cli.output import CliError, console, equal_cell
from offchain.formats.numbers import amount_text
from offchain.formats.portfolio import PortfolioDocument
from offchain.formats.report import (
    MarginOnChain,
    balance_pnl,
    error_json,
    report_json,
    result_json,
    scenarios,
)
from offchain.twins.exceptions import ContractError, UnknownRevert
from offchain.twins.margin import margin_of
from offchain.twins.types import MarginResult

log = logging.getLogger("gridmargin.margin")


@click.command(short_help="Equity, IM, MM and worst scenarios of a book.")
@click.argument("portfolio", type=click.Path(exists=True, dir_okay=False))
@json_option
@click.option("--onchain", is_flag=True, help="Also evaluate MarginEvaluator.marginOf on a chain and check equality.")
@click.option(
    "--engine",
    default=None,
    metavar="ADDRESS",
    help="Value at a deployed MarginEngine's risk parameters and feeds instead of the file's market and "
    "parameters (needs --rpc-url or ETH_RPC_URL): the off-chain twin and marginOfFromFeeds, one block.",
)
@rpc_url_option
@verbose_option
def margin(portfolio: str, as_json: bool, onchain: bool, engine: str | None, rpc_url: str | None) -> None:
    """Equity, IM, MM, liquidatable and each underlying's worst scenario for PORTFOLIO (a JSON file,
    docs/portfolio-format.md), computed off-chain; with --onchain also on a chain, with --engine at a
    deployed engine's feeds, off-chain and on-chain (exit 1 unless equal)."""
    doc = load_document(portfolio)
    if engine is not None:
        if onchain:
            raise CliError("--engine already evaluates on-chain (MarginEngine.marginOfFromFeeds); drop --onchain")
        doc, off, on = _engine_outcomes(doc, engine, rpc_url)
    else:
        off = offchain_outcome(doc)
        on = _onchain_outcome(doc, rpc_url) if onchain else None
    agree = on is None or on == off
    if as_json:
        click.echo(json.dumps(_report(doc, off, on, agree)))
    elif (offchain := result_of(off)) is not None:
        label = "MarginEngine.marginOfFromFeeds" if engine is not None else "MarginEvaluator"
        _print_tables(portfolio, doc, offchain, result_of(on) if on is not None else None, label, agree)
    if on is not None and not agree:
        raise CliError(f"{portfolio}: off-chain and on-chain disagree: {_disagreement(off, on)}")
    if off[0] == "error":
        suffix = " (off-chain and on-chain agree)" if on is not None else ""
        raise CliError(f"{portfolio}: {engine_error_line(off[1], doc)}{suffix}")  # type: ignore[arg-type]


def _report(doc: PortfolioDocument, off: Outcome, on: Outcome | None, agree: bool) -> dict:
    out = report_json(doc, off[1]) if off[0] == "value" else error_json(off[1])  # type: ignore[arg-type]
    if on is not None:
        out["onchain"] = result_json(on[1]) if on[0] == "value" else error_json(on[1])  # type: ignore[arg-type]
        out["equal"] = agree
    return out


def _print_tables(
    portfolio: str,
    doc: PortfolioDocument,
    offchain: MarginResult,
    onchain: MarginResult | None,
    onchain_label: str,
    agree: bool,
) -> None:
    console.print(f"[bold]{portfolio}[/bold]" + (f": {doc.description}" if doc.description else ""))
    console.print(_summary_table(offchain, onchain, onchain_label))
    console.print(_detail_table(doc, offchain, onchain))
    if onchain is not None:
        verdict = "equal to the wei" if agree else "[red]DIFFERENT[/red]"
        console.print(f"off-chain and on-chain results: {verdict} (equity, IM, MM and every scenario P&L).")


def _disagreement(off: Outcome, on: Outcome) -> str:
    if off[0] == on[0] == "value":
        return "the results differ"
    return f"off-chain {_said(off)}, on-chain {_said(on)}"


def _said(outcome: Outcome) -> str:
    return str(outcome[1]) if outcome[0] == "error" else "a result"


def _onchain_outcome(doc: PortfolioDocument, rpc_url: str | None) -> Outcome:
    """MarginEvaluator.marginOf on the chain ``rpc_url`` names: ("value", result) or ("error", decoded revert)."""
    try:
        with open_chain(rpc_url) as w3:
            try:
                return ("value", MarginOnChain(w3).margin_of(doc))
            except (ContractError, UnknownRevert) as exc:
                return ("error", exc)
    except (Web3Exception, ValueError) as exc:
        raise CliError(f"chain error: {type(exc).__name__}: {exc}") from None


def _engine_outcomes(
    doc: PortfolioDocument, engine: str, rpc_url: str | None
) -> tuple[PortfolioDocument, Outcome, Outcome]:
    """(doc with the engine's parameters, off-chain outcome, on-chain outcome): the document's
    portfolio valued at a deployed MarginEngine's risk parameters and feeds, by the off-chain twin
    (offchain.chain.engine) and by ``marginOfFromFeeds``, both at the same block."""
    if not rpc_url:
        raise CliError("--engine needs --rpc-url or ETH_RPC_URL: the chain the engine is deployed on")
    if not is_address(engine):
        raise CliError(f"--engine {engine!r}: not an address")
    portfolio = doc.portfolio
    try:
        w3 = connect(rpc_url)
        contract = engine_rpc.engine_contract(w3, engine)
        if not w3.eth.get_code(contract.address):
            raise CliError(f"--engine {engine}: no contract at this address on {rpc_url}")
        block = w3.eth.block_number
        log.info("engine %s at block %d", contract.address, block)
        inputs = _outcome(lambda: engine_rpc.market_from_feeds(w3, engine, portfolio, block))
        if inputs[0] == "value":
            market, params = inputs[1]  # type: ignore[misc]
            doc = replace(doc, market=market, params=params)  # what the engine valued labels the output
            off = _outcome(lambda: margin_of(portfolio, market, params))
        else:
            off = inputs
        on = _outcome(
            lambda: result_from_abi(
                contract.functions.marginOfFromFeeds(portfolio.as_abi()).call(block_identifier=block)
            )
        )
    except (ChainError, Web3Exception, ValueError) as exc:
        raise CliError(f"chain error: {type(exc).__name__}: {exc}") from None
    return doc, off, on


def _outcome(evaluate: Callable[[], object]) -> Outcome:
    """("value", evaluate()) or ("error", the engine error it raised, decoded from a revert if need be)."""
    try:
        return ("value", evaluate())
    except ContractError as exc:
        return ("error", exc)
    except ContractLogicError as exc:
        return ("error", revert_of(exc))


def _summary_table(offchain: MarginResult, onchain: MarginResult | None, onchain_label: str) -> Table:
    summary = Table(title="Account (cash units, exact)")
    summary.add_column("", style="bold")
    summary.add_column("off-chain (Python)", justify="right", overflow="fold")
    if onchain is not None:
        summary.add_column(f"on-chain ({onchain_label})", justify="right", overflow="fold")
        summary.add_column("equal", justify="center")
    rows: tuple[tuple[str, Callable[[MarginResult], str]], ...] = (
        ("equity", lambda r: amount_text(r.equity)),
        ("initial margin (IM)", lambda r: amount_text(r.initial_margin)),
        ("maintenance margin (MM)", lambda r: amount_text(r.maintenance_margin)),
        ("excess (equity - MM)", lambda r: amount_text(r.equity - r.maintenance_margin)),
        ("liquidatable (equity < MM)", lambda r: "[bold red]YES[/bold red]" if r.liquidatable else "no"),
    )
    for label, pick in rows:
        cells = [pick(offchain)]
        if onchain is not None:
            cells += [pick(onchain), equal_cell(pick(offchain) == pick(onchain))]
        summary.add_row(label, *cells)
    return summary


def _detail_table(doc: PortfolioDocument, offchain: MarginResult, onchain: MarginResult | None) -> Table:
    detail = Table(
        title="Per underlying: loss = -P&L of the worst scenario (balance P&L: the token balance's share of it); "
        "IM = loss + add-ons (linear, short-option, haircut contingency)"
    )
    for column in ("underlying", "loss", "balance P&L", "add-ons", "IM", "worst scenario"):
        justify = "left" if column in ("underlying", "worst scenario") else "right"
        detail.add_column(column, justify=justify, overflow="fold")  # type: ignore[arg-type]
    if onchain is not None:
        detail.add_column("equal on-chain", justify="center")
    on_by_index = {u.underlying: u for u in onchain.underlyings} if onchain is not None else {}
    for u in offchain.underlyings:
        scenario = scenarios(doc.params.grids[u.underlying])[u.worst_scenario]
        cells = [
            f"{doc.symbol(u.underlying)} ({u.underlying})",
            amount_text(u.loss),
            amount_text(balance_pnl(doc, u)),
            amount_text(u.initial_margin - u.loss),
            amount_text(u.initial_margin),
            f"#{u.worst_scenario}: {scenario.label}",
        ]
        if onchain is not None:
            cells.append(equal_cell(on_by_index.get(u.underlying) == u))
        detail.add_row(*cells)
    return detail
