"""Exact decimal text of wad integers, the one formatter every table, label and document uses.

A wad integer ``v`` stands for ``v / 10**18``; these functions print that number exactly (no
floats, no rounding), so what a person reads is what the engine computed to the wei.
"""

from __future__ import annotations

WAD_DECIMALS = 18


def amount_text(value: int, *, point: bool = False) -> str:
    """The exact decimal text of a wad integer, shortest form: 3000500000000000000000 -> "3000.5".

    ``point=True`` keeps a decimal point on whole numbers ("2.0", "0.0"), as the math tables show
    every value as a wad decimal.
    """
    sign, digits = ("-" if value < 0 else ""), str(abs(value)).rjust(WAD_DECIMALS + 1, "0")
    whole, frac = digits[:-WAD_DECIMALS], digits[-WAD_DECIMALS:].rstrip("0")
    if not frac and point:
        frac = "0"
    return f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}"


def percent_text(wad: int) -> str:
    """A wad fraction as an exact signed percentage: -0.16e18 -> "-16%", 0 -> "0%", 0.045e18 -> "+4.5%"."""
    text = amount_text(wad * 100)
    return f"+{text}%" if wad > 0 else f"{text}%"
