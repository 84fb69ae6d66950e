"""The ``gridmargin`` click group and its console entry point.

Every failure ends with exit status != 0 and one readable line on stderr (no traceback): bad
arguments, unknown functions, math-domain errors (the named error and its arguments) and chain
connection problems alike; an unexpected exception too (its traceback is logged at ``-vv``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

import click

from offchain.cli.commands.demo import demo
from offchain.cli.commands.margin import margin
from offchain.cli.commands.math import math
from offchain.cli.commands.scenarios import scenarios_command
from offchain.cli.options import set_verbosity, verbose_option
from offchain.cli.output import one_line
from offchain.twins.exceptions import ContractError, GridMarginError

log = logging.getLogger("gridmargin")


def _version() -> str:
    try:
        return version("gridmargin")
    except PackageNotFoundError:
        return "0+unknown"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), prog_name="gridmargin", message="%(prog)s %(version)s")
@verbose_option
def cli() -> None:
    """gridmargin: portfolio margin whose Python engine equals its Solidity contract to the wei."""


for _command in (math, demo, margin, scenarios_command):
    cli.add_command(_command)


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point: runs the CLI and turns every failure into one line and a status."""
    set_verbosity(0)
    try:
        status = cli.main(args=list(argv) if argv is not None else None, prog_name="gridmargin", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        return _fail("aborted")
    except click.ClickException as exc:
        return _fail(one_line(exc.format_message()), exc.exit_code or 1)
    except ContractError as exc:
        return _fail(str(exc))
    except (GridMarginError, OSError, TimeoutError, ConnectionError, RuntimeError) as exc:
        return _fail(f"{type(exc).__name__}: {one_line(exc)}")
    except Exception as exc:  # a defect, still reported as one line
        log.debug("unexpected failure", exc_info=True)
        return _fail(f"unexpected {type(exc).__name__}: {one_line(exc)} (-vv shows the traceback)")
    return status or 0


def _fail(line: str, status: int = 1) -> int:
    click.echo(f"gridmargin: {line}", err=True)
    return status
