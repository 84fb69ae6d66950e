"""What every command prints with: the rich console, the one-line failure, the equality cell."""

from __future__ import annotations

import sys

import click
from rich.console import Console

console = Console(width=None if sys.stdout.isatty() else 120)


class CliError(click.ClickException):
    """A failure reported as one line."""


def one_line(text: object) -> str:
    """``text`` with every run of whitespace (newlines included) collapsed to one space."""
    return " ".join(str(text).split())


def equal_cell(equal: bool) -> str:
    """The table cell of an equality check: a green yes or a red NO."""
    return "[green]yes[/green]" if equal else "[red]NO[/red]"
