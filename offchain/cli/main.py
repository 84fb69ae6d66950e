"""The ``gridmargin`` command line.

Every failure ends with exit status != 0 and one readable line on stderr (no traceback): bad
arguments, unknown functions, math-domain errors (the named error and its arguments) and chain
connection problems alike.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from importlib.metadata import PackageNotFoundError, version

import click
from rich.console import Console
from rich.table import Table

from offchain.twins.errors import GridMarginError
from offchain.formats.portfolio import PortfolioFormatError

console = Console(width=None if sys.stdout.isatty() else 120)

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


class CliError(click.ClickException):
    """A failure reported as one line."""


def _version() -> str:
    try:
        return version("gridmargin")
    except PackageNotFoundError:
        return "0+unknown"


def parse_int(text: str) -> int:
    """An exact integer from ``123``, ``-4_000``, ``1e18`` or ``2.5e18`` (must be integral)."""
    try:
        value = Decimal(text.replace("_", ""))
    except InvalidOperation:
        raise CliError(f"not an integer: {text!r}") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise CliError(f"not an integer: {text!r}")
    return int(value)


def _fmt(outcome: tuple[str, object]) -> str:
    kind, payload = outcome
    return str(payload) if kind == "value" else f"[red]{payload}[/red]"


def format_wad(value: int) -> str:
    """An exact decimal rendering of a wad integer: 2718281828459045235 -> '2.718281828459045235'."""
    sign, digits = ("-" if value < 0 else ""), str(abs(value)).rjust(19, "0")
    whole, frac = digits[:-18], digits[-18:].rstrip("0")
    return f"{sign}{whole}.{frac or '0'}"


def _comparison_table(rows: list) -> Table:
    table = Table(title="FixedPointMath: Python (off-chain) and EVM (on-chain), values in wad shown as decimals")
    for column in ("function", "input", "result", "equal to the wei", "call gas", "internal gas"):
        table.add_column(column, justify="left" if column in ("function", "input") else "right", overflow="fold")
    for c in rows:
        kind, payload = c.onchain
        result = format_wad(payload) if kind == "value" else f"[red]{payload}[/red]"
        table.add_row(c.function.name, ", ".join(format_wad(a) for a in c.args), result, *_cells(c)[2:])
    return table


def _comparison_card(c) -> Table:
    table = Table(title=f"{c.function.name}({', '.join(map(str, c.args))})", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value", justify="right", overflow="fold")
    for field, cell in zip(("off-chain", "on-chain", "equal", "call gas", "internal gas"), _cells(c)):
        table.add_row(field, cell)
    return table


def _cells(c) -> tuple[str, ...]:
    return (
        _fmt(c.offchain), _fmt(c.onchain), "[green]yes[/green]" if c.agree else "[red]NO[/red]",
        str(c.call_gas) if c.call_gas is not None else "-",
        str(c.internal_gas) if c.internal_gas is not None else "-",
    )


def _as_json(c) -> dict:
    def side(outcome: tuple[str, object]) -> dict:
        kind, payload = outcome
        if kind == "value":
            return {"value": str(payload)}
        return {"error": type(payload).__name__, "args": [str(a) for a in getattr(payload, "args", ())]}

    return {
        "function": c.function.name, "args": [str(a) for a in c.args], "offchain": side(c.offchain),
        "onchain": side(c.onchain), "equal": c.agree, "call_gas": c.call_gas, "internal_gas": c.internal_gas,
    }


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), prog_name="gridmargin", message="%(prog)s %(version)s")
def cli() -> None:
    """gridmargin: portfolio margin whose Python engine equals its Solidity contract to the wei."""


rpc_option = click.option(
    "--rpc-url", envvar="ETH_RPC_URL", default=None,
    help="JSON-RPC endpoint (default: $ETH_RPC_URL, else a local anvil started and stopped for this command).",
)


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("function")
@click.argument("values", nargs=-1, required=True)
@rpc_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def math(function: str, values: Sequence[str], rpc_url: str | None, as_json: bool) -> int:
    """Evaluate FUNCTION (e.g. expWad or exp_wad) on VALUES (wad integers; 1e18 = 1.0) off-chain
    and on-chain, and show both results and the gas."""
    from offchain.chain.node import chain_from_env
    from offchain.chain.mathcheck import MathOnChain
    from offchain.twins.registry import math_function

    try:
        fn = math_function(function)
    except KeyError as exc:
        raise CliError(exc.args[0]) from None
    args = [parse_int(v) for v in values]
    if len(args) != fn.arity:
        raise CliError(f"{fn.name} takes {fn.arity} value(s), got {len(args)}")
    with chain_from_env(rpc_url) as w3:
        comparison = MathOnChain(w3).compare(fn, args)
    if as_json:
        click.echo(json.dumps(_as_json(comparison)))
    else:
        console.print(_comparison_card(comparison))
    if not comparison.agree:
        raise CliError(f"off-chain and on-chain disagree on {fn.name}{tuple(args)}")
    if comparison.onchain[0] == "error":
        raise CliError(f"{comparison.onchain[1]} (off-chain and on-chain agree)")
    return 0


@cli.command()
@rpc_option
def demo(rpc_url: str | None) -> int:
    """Deploy the math harnesses and compare a tour of inputs on both sides; then deploy the margin
    engine and value every example book in docs/examples on both sides."""
    from offchain.chain.node import chain_from_env
    from offchain.chain.mathcheck import MathOnChain
    from offchain.twins.registry import math_function

    with chain_from_env(rpc_url) as w3:
        console.print(f"[bold]chain[/bold] id {w3.eth.chain_id}, block {w3.eth.block_number}")
        onchain = MathOnChain(w3)
        rows = [onchain.compare(math_function(name), args) for name, args in DEMO_INPUTS]
        books = _demo_books(w3)
    console.print(_comparison_table(rows))
    agreed = sum(c.agree for c in rows)
    console.print(f"{agreed}/{len(rows)} calls equal to the wei (errors included: same name, same arguments).")
    console.print(_books_table(books))
    equal = sum(row[-1] for row in books)
    console.print(f"{equal}/{len(books)} books equal to the wei (equity, IM, MM and every scenario P&L).")
    if agreed != len(rows) or equal != len(books):
        raise CliError("off-chain and on-chain disagree")
    return 0


def _demo_books(w3) -> list[tuple[str, int, int, int, bool, int, bool]]:
    """(name, options, equity, MM, liquidatable, gas, equal) of MarginEngine.marginOfWithParams on
    every docs/examples book against offchain.twins.margin.margin_of."""
    from pathlib import Path

    from offchain.chain.node import deploy
    from offchain.chain.engine import result_from_abi
    from offchain.twins.margin import margin_of
    from offchain.formats.portfolio import load

    engine = deploy(w3, "MarginEngine")
    rows = []
    for path in sorted((Path(__file__).resolve().parents[2] / "docs" / "examples").glob("*.json")):
        portfolio, market, params = load(path).engine_inputs()
        call = engine.functions.marginOfWithParams(portfolio.as_abi(), market.as_abi(), params.as_abi())
        onchain = result_from_abi(call.call())
        offchain = margin_of(portfolio, market, params)
        options = sum(len(p.options) for p in portfolio.positions)
        rows.append((path.stem, options, offchain.equity, offchain.maintenance_margin, offchain.liquidatable,
                     call.estimate_gas(), onchain == offchain))
    return rows


def _books_table(rows: list[tuple[str, int, int, int, bool, int, bool]]) -> Table:
    from offchain.formats.portfolio import amount_text

    table = Table(title="MarginEngine.marginOfWithParams on docs/examples: off-chain = on-chain")
    for name, justify in (("book", "left"), ("options", "right"), ("equity", "right"), ("MM", "right"),
                          ("liquidatable", "center"), ("gas", "right"), ("equal", "center")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for name, options, equity, mm, liquidatable, gas, equal in rows:
        table.add_row(name, str(options), amount_text(equity), amount_text(mm), "yes" if liquidatable else "no",
                      f"{gas:,}", "[green]yes[/green]" if equal else "[red]NO[/red]")
    return table


# ------------------------------------------------------------------------------ margin, scenarios

# Errors whose first argument is an underlying index (shown with its symbol).
_UNDERLYING_FIRST = {
    "GM_SpotNonPositive", "GM_RateOutOfRange", "GM_OptionsNotCanonical", "GM_OptionExpired",
    "GM_MissingVol", "GM_UnknownUnderlying",
}
# GM_ParamOutOfRange(underlying, param id, value): the ids of offchain.twins.margin.PARAM_*, by file field.
_PARAM_FIELDS = (
    "mm_factor", "max_options", "correlation", "spot_shocks", "extended_shocks", "vol_down", "vol_up",
    "term_power_short/term_power_long", "dampener", "haircut", "linear_add_on/short_option_add_on",
)
_GLOBAL_PARAMS = 3  # ids below this are not per underlying (the underlying argument is 0)


def _load_document(path: str):
    from offchain.formats import portfolio as portfolio_json

    try:
        return portfolio_json.load(path)
    except PortfolioFormatError as exc:
        raise CliError(f"{path}: {type(exc).__name__}: {exc}") from None
    except UnicodeDecodeError:
        raise CliError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise CliError(f"{path}: {exc.strerror or exc}") from None


def _engine_error_line(exc: Exception, doc=None) -> str:
    """``GM_OptionExpired(0, 1782460800, 1782460800) [underlying 0 = ETH]: An option's expiry is ...``"""
    text = str(exc)
    if isinstance(exc, GridMarginError):
        name = type(exc).__name__
        if doc is not None and name in _UNDERLYING_FIRST and exc.args:
            text += f" [underlying {exc.args[0]} = {doc.symbol(exc.args[0])}]"
        elif doc is not None and name == "GM_ParamOutOfRange" and exc.args[1] < len(_PARAM_FIELDS):
            field = _PARAM_FIELDS[exc.args[1]]
            text += f" [params {field}]" if exc.args[1] < _GLOBAL_PARAMS else f" [grid of {doc.symbol(exc.args[0])}: {field}]"
        explanation = (type(exc).__doc__ or "").strip().splitlines()[0].removeprefix("Margin engine: ")
        if explanation:
            text += f": {explanation}"
    return text


def _offchain_outcome(doc) -> tuple[str, object]:
    from offchain.twins.margin import margin_of

    try:
        return ("value", margin_of(*doc.engine_inputs()))
    except GridMarginError as exc:
        return ("error", exc)


def _onchain_outcome(doc, rpc_url: str | None) -> tuple[str, object]:
    from web3.exceptions import Web3Exception

    from offchain.chain.node import chain_from_env
    from offchain.twins.errors import UnknownRevert
    from offchain.formats.report import MarginOnChain

    try:
        with chain_from_env(rpc_url) as w3:
            try:
                return ("value", MarginOnChain(w3).margin_of(doc))
            except (GridMarginError, UnknownRevert) as exc:
                return ("error", exc)
    except (Web3Exception, ValueError) as exc:
        raise CliError(f"chain error: {type(exc).__name__}: {exc}") from None


def _engine_outcomes(doc, engine: str, rpc_url: str | None):
    """(doc with the engine's parameters, off-chain outcome, on-chain outcome): the document's
    portfolio valued at a deployed MarginEngine's risk parameters and feeds, by the off-chain twin
    (offchain.chain.engine) and by ``marginOfFromFeeds``, both at the same block."""
    import os
    from dataclasses import replace

    from eth_utils import is_address
    from web3.exceptions import ContractCustomError, Web3Exception

    from offchain.chain import engine as engine_rpc
    from offchain.chain.node import ChainError, connect
    from offchain.twins.errors import decode_revert
    from offchain.twins.margin import margin_of

    url = rpc_url or os.environ.get("ETH_RPC_URL")
    if not url:
        raise CliError("--engine needs --rpc-url or ETH_RPC_URL: the chain the engine is deployed on")
    if not is_address(engine):
        raise CliError(f"--engine {engine!r}: not an address")
    portfolio = doc.portfolio

    def outcome(evaluate) -> tuple[str, object]:
        try:
            return ("value", evaluate())
        except GridMarginError as exc:
            return ("error", exc)
        except ContractCustomError as exc:
            return ("error", decode_revert(bytes.fromhex(str(exc.data).removeprefix("0x"))))

    try:
        w3 = connect(url)
        contract = engine_rpc.engine_contract(w3, engine)
        if not w3.eth.get_code(contract.address):
            raise CliError(f"--engine {engine}: no contract at this address on {url}")
        block = w3.eth.block_number
        inputs = outcome(lambda: engine_rpc.market_from_feeds(w3, engine, portfolio, block))
        if inputs[0] == "value":
            market, params = inputs[1]  # type: ignore[misc]
            doc = replace(doc, params=params)  # the engine's grids label the scenarios
            off = outcome(lambda: margin_of(portfolio, market, params))
        else:
            off = inputs
        on = outcome(lambda: engine_rpc.result_from_abi(
            contract.functions.marginOfFromFeeds(portfolio.as_abi()).call(block_identifier=block)))
    except (ChainError, Web3Exception, ValueError) as exc:
        raise CliError(f"chain error: {type(exc).__name__}: {exc}") from None
    return doc, off, on


def _wad_cell(value: int) -> str:
    from offchain.formats.portfolio import amount_text

    return amount_text(value)


def _margin_tables(doc, offchain, onchain, onchain_label: str) -> list[Table]:
    from offchain.formats.report import scenarios

    both = onchain is not None
    summary = Table(title="Account (cash units, exact)")
    summary.add_column("", style="bold")
    summary.add_column("off-chain (Python)", justify="right", overflow="fold")
    if both:
        summary.add_column(f"on-chain ({onchain_label})", justify="right", overflow="fold")
        summary.add_column("equal", justify="center")

    def row(label: str, pick) -> None:
        cells = [pick(offchain)]
        if both:
            cells += [pick(onchain), "[green]yes[/green]" if pick(offchain) == pick(onchain) else "[red]NO[/red]"]
        summary.add_row(label, *cells)

    row("equity", lambda r: _wad_cell(r.equity))
    row("initial margin (IM)", lambda r: _wad_cell(r.initial_margin))
    row("maintenance margin (MM)", lambda r: _wad_cell(r.maintenance_margin))
    row("excess (equity - MM)", lambda r: _wad_cell(r.equity - r.maintenance_margin))
    row("liquidatable (equity < MM)", lambda r: "[bold red]YES[/bold red]" if r.liquidatable else "no")

    detail = Table(title="Per underlying: loss = -P&L of the worst scenario; IM = loss + add-ons")
    for column in ("underlying", "loss", "add-ons", "IM", "worst scenario"):
        detail.add_column(column, justify="left" if column in ("underlying", "worst scenario") else "right", overflow="fold")
    if both:
        detail.add_column("equal on-chain", justify="center")
    on_by_index = {u.underlying: u for u in onchain.underlyings} if both else {}
    for u in offchain.underlyings:
        scenario = scenarios(doc.params.grids[u.underlying])[u.worst_scenario]
        cells = [
            f"{doc.symbol(u.underlying)} ({u.underlying})", _wad_cell(u.loss), _wad_cell(u.initial_margin - u.loss),
            _wad_cell(u.initial_margin), f"#{u.worst_scenario}: {scenario.label}",
        ]
        if both:
            cells.append("[green]yes[/green]" if on_by_index.get(u.underlying) == u else "[red]NO[/red]")
        detail.add_row(*cells)
    return [summary, detail]


@cli.command()
@click.argument("portfolio", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (integers as wad decimal strings).")
@click.option("--onchain", is_flag=True, help="Also evaluate MarginEvaluator.marginOf on a chain and check equality.")
@click.option(
    "--engine", default=None, metavar="ADDRESS",
    help="Value at a deployed MarginEngine's risk parameters and feeds instead of the file's market and "
    "parameters (needs --rpc-url or ETH_RPC_URL): the off-chain twin and marginOfFromFeeds, one block.",
)
@rpc_option
def margin(portfolio: str, as_json: bool, onchain: bool, engine: str | None, rpc_url: str | None) -> int:
    """Equity, IM, MM, liquidatable and each underlying's worst scenario for PORTFOLIO (a JSON file,
    docs/portfolio-format.md), computed off-chain; with --onchain also on a chain, with --engine at a
    deployed engine's feeds, off-chain and on-chain (exit 1 unless equal)."""
    from offchain.formats.report import error_json, report_json, result_json

    doc = _load_document(portfolio)
    if engine is not None:
        if onchain:
            raise CliError("--engine already evaluates on-chain (MarginEngine.marginOfFromFeeds); drop --onchain")
        doc, off, on = _engine_outcomes(doc, engine, rpc_url)
    else:
        off = _offchain_outcome(doc)
        on = _onchain_outcome(doc, rpc_url) if onchain else None
    agree = on is None or on == off
    if as_json:
        out = report_json(doc, off[1]) if off[0] == "value" else error_json(off[1])  # type: ignore[arg-type]
        if on is not None:
            out["onchain"] = result_json(on[1]) if on[0] == "value" else error_json(on[1])  # type: ignore[arg-type]
            out["equal"] = agree
        click.echo(json.dumps(out))
    elif off[0] == "value":
        console.print(f"[bold]{portfolio}[/bold]" + (f": {doc.description}" if doc.description else ""))
        label = "MarginEngine.marginOfFromFeeds" if engine is not None else "MarginEvaluator"
        tables = _margin_tables(doc, off[1], on[1] if on is not None and on[0] == "value" else None, label)
        for table in tables:
            console.print(table)
        if on is not None and on[0] == "value":
            verdict = "equal to the wei" if agree else "[red]DIFFERENT[/red]"
            console.print(f"off-chain and on-chain results: {verdict} (equity, IM, MM and every scenario P&L).")
    if not agree:
        def said(outcome: tuple[str, object]) -> str:
            return str(outcome[1]) if outcome[0] == "error" else "a result"

        detail = "the results differ" if off[0] == on[0] == "value" else f"off-chain {said(off)}, on-chain {said(on)}"  # type: ignore[index,arg-type]
        raise CliError(f"{portfolio}: off-chain and on-chain disagree: {detail}")
    if off[0] == "error":
        suffix = " (off-chain and on-chain agree)" if on is not None else ""
        raise CliError(f"{portfolio}: {_engine_error_line(off[1], doc)}{suffix}")  # type: ignore[arg-type]
    return 0


def _scenario_tables(doc, result) -> list[Table]:
    from offchain.formats.report import percent_text, scenarios

    tables = []
    for u in result.underlyings:
        grid = doc.params.grids[u.underlying]
        all_scenarios = scenarios(grid)
        worst = all_scenarios[u.worst_scenario]

        def cell(index: int, u=u) -> str:
            text = _wad_cell(u.pnl[index])
            return f"[bold reverse red]{text}[/bold reverse red]" if index == u.worst_scenario else text

        standard = Table(
            title=f"{doc.symbol(u.underlying)}: scenario P&L (cash), standard grid: spot shock x vol shock",
            caption=f"worst: #{worst.index} {worst.label}, P&L {_wad_cell(u.pnl[worst.index])}; loss {_wad_cell(u.loss)}, IM {_wad_cell(u.initial_margin)}",
        )
        standard.add_column("spot shock", justify="right")
        for vol in ("vol down", "vol none", "vol up"):
            standard.add_column(vol, justify="right", overflow="fold")
        for k, shock in enumerate(grid.spot_shocks):
            standard.add_row(percent_text(shock), *(cell(3 * k + v) for v in range(3)))
        tables.append(standard)
        extended = [s for s in all_scenarios if s.extended]
        if extended:
            table = Table(title=f"{doc.symbol(u.underlying)}: extended scenarios (unshocked vol, P&L x weight)")
            for column in ("#", "spot shock", "weight", "weighted P&L"):
                table.add_column(column, justify="right", overflow="fold")
            for s in extended:
                table.add_row(str(s.index), percent_text(s.spot_shock), _wad_cell(s.weight), cell(s.index))
            tables.append(table)
    return tables


@cli.command("scenarios")
@click.argument("portfolio", type=click.Path(exists=True, dir_okay=False))
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Also write a heatmap PNG of the risk vectors to this file.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (integers as wad decimal strings).")
def scenarios_command(portfolio: str, plot_path: str | None, as_json: bool) -> int:
    """The risk vector of PORTFOLIO: the P&L of every grid scenario per underlying (spot shock x vol
    shock, then the extended shocks), computed off-chain."""
    from offchain.formats.report import scenarios

    doc = _load_document(portfolio)
    kind, result = _offchain_outcome(doc)
    if kind == "error":
        raise CliError(f"{portfolio}: {_engine_error_line(result, doc)}")  # type: ignore[arg-type]
    if plot_path is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise CliError("--plot needs matplotlib: pip install matplotlib") from None
        from offchain.cli.heatmap import plot_risk

        plot_risk(doc, result, plot_path, title=doc.description or portfolio)  # type: ignore[arg-type]
    if as_json:
        out = {"underlyings": [
            {
                "underlying": str(u.underlying), "symbol": doc.symbol(u.underlying), "loss": str(u.loss),
                "initial_margin": str(u.initial_margin), "worst_scenario": str(u.worst_scenario),
                "scenarios": [dict(s.as_json(), pnl=str(u.pnl[s.index])) for s in scenarios(doc.params.grids[u.underlying])],
            }
            for u in result.underlyings  # type: ignore[union-attr]
        ]}
        if plot_path is not None:
            out["plot"] = plot_path
        click.echo(json.dumps(out))
        return 0
    for table in _scenario_tables(doc, result):
        console.print(table)
    if not result.underlyings:  # type: ignore[union-attr]
        console.print("no positions: nothing is shocked.")
    if plot_path is not None:
        console.print(f"heatmap written to {plot_path}")
    return 0


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point: runs the CLI and turns every failure into one line and a status."""
    try:
        return cli.main(args=list(argv) if argv is not None else None, prog_name="gridmargin", standalone_mode=False) or 0
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        click.echo("gridmargin: aborted", err=True)
        return 1
    except click.ClickException as exc:
        click.echo(f"gridmargin: {_one_line(exc.format_message())}", err=True)
        return exc.exit_code if exc.exit_code else 1
    except GridMarginError as exc:
        click.echo(f"gridmargin: {exc}", err=True)
        return 1
    except PortfolioFormatError as exc:
        click.echo(f"gridmargin: {type(exc).__name__}: {_one_line(str(exc))}", err=True)
        return 1
    except (OSError, TimeoutError, ConnectionError, RuntimeError) as exc:
        click.echo(f"gridmargin: {type(exc).__name__}: {_one_line(str(exc))}", err=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
