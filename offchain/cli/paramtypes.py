"""Click parameter types: exact wad integers, and commands whose values may be negative numbers."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import click

from offchain.twins.intmath import INT256_MAX, INT256_MIN


class WadInteger(click.ParamType):
    """An exact int256 from ``123``, ``-4_000``, ``1e18``, ``2.5e18`` or ``-0.5e18`` (must be integral)."""

    name = "wad"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value)
        try:
            number = Decimal(text.replace("_", ""))
        except InvalidOperation:
            self.fail(f"not an integer: {text!r}", param, ctx)
        if not number.is_finite() or number != number.to_integral_value():
            self.fail(f"not an integer: {text!r}", param, ctx)
        if not INT256_MIN <= number <= INT256_MAX:
            self.fail(f"{text!r} is outside int256 (about -5.79e76 to 5.79e76)", param, ctx)
        return int(number)


WAD_INTEGER = WadInteger()


class SignedValuesCommand(click.Command):
    """A command whose positional values may be negative numbers.

    ``-0.5e18`` is read as a value, not as an option (unknown options are passed on as values), so
    ``--`` is never needed; a ``--`` is still accepted and options after it keep working:
    ``gridmargin math mulWadUp 3e18 -- -0.5e18 --json``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context_settings["ignore_unknown_options"] = True

    def parse_args(self, ctx: click.Context, args: Sequence[str]) -> list[str]:
        return super().parse_args(ctx, [arg for arg in args if arg != "--"])
