"""Options shared by the commands, each declared once: ``--rpc-url``, ``--json``, ``-v/--verbose``.

Logging: the CLI logs to ``gridmargin.*`` loggers and the library to ``offchain.*`` (module names);
``-v`` shows INFO and ``-vv`` DEBUG of both on stderr, before or after the command name
(``gridmargin -v demo`` or ``gridmargin demo -v``; the counts add up). Without ``-v`` only warnings.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import click
from web3 import Web3

from offchain.chain.node import chain_from_env

LOGGER_NAMES = ("gridmargin", "offchain")
LEVELS = (logging.WARNING, logging.INFO, logging.DEBUG)
_VERBOSITY = "gridmargin.verbosity"

log = logging.getLogger("gridmargin")


class _StderrHandler(logging.Handler):
    """Log records as lines on the current ``sys.stderr`` (looked up per record, as click.echo does)."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=True)


_HANDLER = _StderrHandler()
_HANDLER.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))


def set_verbosity(count: int) -> None:
    """Log WARNING (0), INFO (1) or DEBUG (2 and more) of the CLI and the library to stderr."""
    for name in LOGGER_NAMES:
        logger = logging.getLogger(name)
        logger.setLevel(LEVELS[min(count, len(LEVELS) - 1)])
        if _HANDLER not in logger.handlers:
            logger.addHandler(_HANDLER)


def _verbosity_callback(ctx: click.Context, _param: click.Parameter, count: int) -> None:
    total = ctx.meta.get(_VERBOSITY, 0) + count
    ctx.meta[_VERBOSITY] = total
    set_verbosity(total)


verbose_option = click.option(
    "-v",
    "--verbose",
    count=True,
    expose_value=False,
    is_eager=True,
    callback=_verbosity_callback,
    help="Log progress to stderr: -v INFO, -vv DEBUG.",
)

json_option = click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object (integers as decimal strings).",
)

rpc_url_option = click.option(
    "--rpc-url",
    envvar="ETH_RPC_URL",
    default=None,
    help="JSON-RPC endpoint (default: $ETH_RPC_URL, else a local anvil started and stopped for this command).",
)


@contextmanager
def open_chain(rpc_url: str | None) -> Iterator[Web3]:
    """The chain ``--rpc-url`` names (else $ETH_RPC_URL, else a local anvil) for the ``with`` block."""
    log.info("chain: %s", rpc_url or "a local anvil started for this command")
    with chain_from_env(rpc_url) as w3:
        if log.isEnabledFor(logging.DEBUG):
            log.debug("chain id %d, block %d", w3.eth.chain_id, w3.eth.block_number)
        yield w3
