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

from offchain.errors import GridMarginError

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
    from offchain.chain import chain_from_env
    from offchain.mathcheck import MathOnChain
    from offchain.twins import math_function

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
    """Deploy the math harnesses and compare a tour of inputs on both sides."""
    from offchain.chain import chain_from_env
    from offchain.mathcheck import MathOnChain
    from offchain.twins import math_function

    with chain_from_env(rpc_url) as w3:
        console.print(f"[bold]chain[/bold] id {w3.eth.chain_id}, block {w3.eth.block_number}")
        onchain = MathOnChain(w3)
        rows = [onchain.compare(math_function(name), args) for name, args in DEMO_INPUTS]
    console.print(_comparison_table(rows))
    agreed = sum(c.agree for c in rows)
    console.print(f"{agreed}/{len(rows)} calls equal to the wei (errors included: same name, same arguments).")
    if agreed != len(rows):
        raise CliError("off-chain and on-chain disagree")
    return 0


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
        click.echo(f"gridmargin: {exc.format_message()}", err=True)
        return exc.exit_code if exc.exit_code else 1
    except GridMarginError as exc:
        click.echo(f"gridmargin: {exc}", err=True)
        return 1
    except (OSError, TimeoutError, ConnectionError, RuntimeError) as exc:
        click.echo(f"gridmargin: {type(exc).__name__}: {exc}", err=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
