"""``gridmargin demo``: the math tour and every shipped example book, off-chain and on-chain.

The example books ship inside the package (``offchain/examples/*.json``; ``docs/examples`` links
there) and are read with :mod:`importlib.resources`, so the demo works from an installed wheel.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import PurePath

import click
from rich.table import Table
from web3 import Web3

from offchain.chain.abi import result_from_abi
from offchain.chain.mathcheck import MathOnChain
from offchain.chain.node import deploy
from offchain.cli.commands.math import comparison_table
from offchain.cli.options import open_chain, rpc_url_option, verbose_option
from offchain.cli.output import CliError, console, equal_cell
from offchain.formats.numbers import amount_text
from offchain.formats.portfolio import PortfolioDocument, loads
from offchain.twins.margin import margin_of
from offchain.twins.registry import math_function

log = logging.getLogger("gridmargin.demo")

EXAMPLES: Traversable = resources.files("offchain") / "examples"
"""The example books (one JSON portfolio document each)."""

DEMO_INPUTS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("mulWadDown", (-(15 * 10**17), 10**18 // 3)),
    ("mulWadUp", (-(15 * 10**17), 10**18 // 3)),
    ("divWadDown", (10**18, 3 * 10**18)),
    ("divWadUp", (10**18, 3 * 10**18)),
    ("expWad", (10**18,)),
    ("expWad", (-(20 * 10**18),)),
    ("lnWad", (2 * 10**18,)),
    ("lnWad", (10**12,)),
    ("sqrtWad", (2 * 10**18,)),
    ("normCdfWad", (-(196 * 10**16),)),
    ("normCdfWad", (10**18,)),
    ("normPdfWad", (0,)),
    ("lnWad", (0,)),
)


@dataclass(frozen=True)
class BookRow:
    """One example book valued by MarginEngine.marginOfWithParams and by margin_of."""

    name: str
    options: int
    equity: int
    maintenance_margin: int
    liquidatable: bool
    gas: int
    equal: bool


@click.command(short_help="Math tour and example books, Python = EVM.")
@rpc_url_option
@verbose_option
def demo(rpc_url: str | None) -> None:
    """Deploy the math harnesses and compare a tour of inputs on both sides; then deploy the margin
    engine and value every example book in docs/examples on both sides."""
    books = example_books()
    with open_chain(rpc_url) as w3:
        console.print(f"[bold]chain[/bold] id {w3.eth.chain_id}, block {w3.eth.block_number}")
        onchain = MathOnChain(w3)
        rows = [onchain.compare(math_function(name), args) for name, args in DEMO_INPUTS]
        book_rows = _value_books(w3, books)
    console.print(comparison_table(rows))
    agreed = sum(c.agree for c in rows)
    console.print(f"{agreed}/{len(rows)} calls equal to the wei (errors included: same name, same arguments).")
    console.print(_books_table(book_rows))
    equal = sum(row.equal for row in book_rows)
    console.print(f"{equal}/{len(book_rows)} books equal to the wei (equity, IM, MM and every scenario P&L).")
    if agreed != len(rows) or equal != len(book_rows):
        raise CliError("off-chain and on-chain disagree")


def example_books(directory: Traversable | None = None) -> list[tuple[str, PortfolioDocument]]:
    """(name, document) of every ``*.json`` book in ``directory`` (default :data:`EXAMPLES`), by name;
    CliError when there is none (a broken install)."""
    directory = EXAMPLES if directory is None else directory
    entries = (
        sorted((e for e in directory.iterdir() if e.name.endswith(".json")), key=lambda e: e.name)
        if directory.is_dir()
        else []
    )
    if not entries:
        raise CliError(f"no example books (*.json) in {directory}: the package is installed without its data")
    log.info("example books: %s", ", ".join(e.name for e in entries))
    return [(PurePath(e.name).stem, loads(e.read_text(encoding="utf-8"))) for e in entries]


def _value_books(w3: Web3, books: list[tuple[str, PortfolioDocument]]) -> list[BookRow]:
    """Each book through MarginEngine.marginOfWithParams (one deployment) and offchain.twins.margin.margin_of."""
    engine = deploy(w3, "MarginEngine")
    rows = []
    for name, doc in books:
        portfolio, market, params = doc.engine_inputs()
        call = engine.functions.marginOfWithParams(portfolio.as_abi(), market.as_abi(), params.as_abi())
        onchain = result_from_abi(call.call())
        offchain = margin_of(portfolio, market, params)
        options = sum(len(p.options) for p in portfolio.positions)
        rows.append(
            BookRow(
                name,
                options,
                offchain.equity,
                offchain.maintenance_margin,
                offchain.liquidatable,
                call.estimate_gas(),
                onchain == offchain,
            )
        )
        log.debug("%s: gas %d, equal %s", name, rows[-1].gas, rows[-1].equal)
    return rows


def _books_table(rows: list[BookRow]) -> Table:
    table = Table(title="MarginEngine.marginOfWithParams on docs/examples: off-chain = on-chain")
    for name, justify in (
        ("book", "left"),
        ("options", "right"),
        ("equity", "right"),
        ("MM", "right"),
        ("liquidatable", "center"),
        ("gas", "right"),
        ("equal", "center"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(
            row.name,
            str(row.options),
            amount_text(row.equity),
            amount_text(row.maintenance_margin),
            "yes" if row.liquidatable else "no",
            f"{row.gas:,}",
            equal_cell(row.equal),
        )
    return table
