"""``gridmargin math``: one FixedPointMath function evaluated off-chain and on-chain, with the gas."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

import click
from rich.table import Table

from offchain.chain.mathcheck import Comparison, MathOnChain, Outcome
from offchain.cli.options import json_option, open_chain, rpc_url_option, verbose_option
from offchain.cli.output import CliError, console, equal_cell
from offchain.cli.paramtypes import WAD_INTEGER, SignedValuesCommand
from offchain.formats.numbers import amount_text
from offchain.twins.registry import math_function

log = logging.getLogger("gridmargin.math")


@click.command(cls=SignedValuesCommand, short_help="One math function, Python and EVM side by side.")
@click.argument("function")
@click.argument("values", nargs=-1, required=True, type=WAD_INTEGER)
@rpc_url_option
@json_option
@verbose_option
def math(function: str, values: Sequence[int], rpc_url: str | None, as_json: bool) -> None:
    """Evaluate FUNCTION (e.g. expWad or exp_wad) on VALUES (wad integers; 1e18 = 1.0) off-chain
    and on-chain, and show both results and the gas."""
    try:
        fn = math_function(function)
    except KeyError as exc:
        raise CliError(exc.args[0]) from None
    if len(values) != fn.arity:
        raise CliError(f"{fn.name} takes {fn.arity} value(s), got {len(values)}")
    log.info("%s(%s)", fn.name, ", ".join(map(str, values)))
    with open_chain(rpc_url) as w3:
        comparison = MathOnChain(w3).compare(fn, values)
    if as_json:
        click.echo(json.dumps(comparison_json(comparison)))
    else:
        console.print(_comparison_card(comparison))
    if not comparison.agree:
        raise CliError(f"off-chain and on-chain disagree on {fn.name}{tuple(values)}")
    if comparison.onchain[0] == "error":
        raise CliError(f"{comparison.onchain[1]} (off-chain and on-chain agree)")


def comparison_table(rows: Sequence[Comparison]) -> Table:
    """Calls of several functions, one row each, every value a wad decimal (the demo's tour)."""
    table = Table(title="FixedPointMath: Python (off-chain) and EVM (on-chain), values in wad shown as decimals")
    for column in ("function", "input", "result", "equal to the wei", "call gas", "internal gas"):
        table.add_column(column, justify="left" if column in ("function", "input") else "right", overflow="fold")
    for c in rows:
        inputs = ", ".join(amount_text(a, point=True) for a in c.args)
        table.add_row(c.function.name, inputs, _wad_cell(c.onchain), *_cells(c)[2:])
    return table


def _wad_cell(outcome: Outcome) -> str:
    """A value as a wad decimal ("2.718281828459045235"), an error in red."""
    kind, payload = outcome
    return amount_text(payload, point=True) if kind == "value" and isinstance(payload, int) else f"[red]{payload}[/red]"


def comparison_json(c: Comparison) -> dict:
    """One call as JSON: arguments and values as decimal strings, errors by name and arguments."""
    return {
        "function": c.function.name,
        "args": [str(a) for a in c.args],
        "offchain": _side_json(c.offchain),
        "onchain": _side_json(c.onchain),
        "equal": c.agree,
        "call_gas": c.call_gas,
        "internal_gas": c.internal_gas,
    }


def _side_json(outcome: Outcome) -> dict:
    kind, payload = outcome
    if kind == "value":
        return {"value": str(payload)}
    return {"error": type(payload).__name__, "args": [str(a) for a in getattr(payload, "args", ())]}


def _comparison_card(c: Comparison) -> Table:
    table = Table(title=f"{c.function.name}({', '.join(map(str, c.args))})", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value", justify="right", overflow="fold")
    for field, cell in zip(("off-chain", "on-chain", "equal", "call gas", "internal gas"), _cells(c)):
        table.add_row(field, cell)
    return table


def _cells(c: Comparison) -> tuple[str, ...]:
    return (
        _outcome_cell(c.offchain),
        _outcome_cell(c.onchain),
        equal_cell(c.agree),
        str(c.call_gas) if c.call_gas is not None else "-",
        str(c.internal_gas) if c.internal_gas is not None else "-",
    )


def _outcome_cell(outcome: Outcome) -> str:
    kind, payload = outcome
    return str(payload) if kind == "value" else f"[red]{payload}[/red]"
