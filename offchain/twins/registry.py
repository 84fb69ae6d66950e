"""Registry of the functions that exist on both sides: Solidity name, arity, Python twin.

The CLI, the demo and the differential tests look functions up here, by their Solidity (camelCase)
or Python (snake_case) name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from offchain.twins import fixedpoint


@dataclass(frozen=True)
class TwinFunction:
    """A FixedPointMath function exposed by MathHarness (all arguments and the result int256)."""

    name: str
    arity: int
    twin: Callable[..., int]

    @property
    def snake_name(self) -> str:
        return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", self.name).lower()

    @property
    def signature(self) -> str:
        """The Solidity signature, e.g. ``mulWadDown(int256,int256)`` (its selector:
        :func:`offchain.chain.abi.function_selector`)."""
        return f"{self.name}({','.join(['int256'] * self.arity)})"


MATH_FUNCTIONS: tuple[TwinFunction, ...] = (
    TwinFunction("mulWadDown", 2, fixedpoint.mul_wad_down),
    TwinFunction("mulWadUp", 2, fixedpoint.mul_wad_up),
    TwinFunction("divWadDown", 2, fixedpoint.div_wad_down),
    TwinFunction("divWadUp", 2, fixedpoint.div_wad_up),
    TwinFunction("expWad", 1, fixedpoint.exp_wad),
    TwinFunction("lnWad", 1, fixedpoint.ln_wad),
    TwinFunction("sqrtWad", 1, fixedpoint.sqrt_wad),
    TwinFunction("normCdfWad", 1, fixedpoint.norm_cdf_wad),
    TwinFunction("normPdfWad", 1, fixedpoint.norm_pdf_wad),
)


def math_function(name: str) -> TwinFunction:
    """Look a function up by either name; KeyError names the known ones."""
    for fn in MATH_FUNCTIONS:
        if name in (fn.name, fn.snake_name):
            return fn
    known = ", ".join(fn.name for fn in MATH_FUNCTIONS)
    raise KeyError(f"unknown math function {name!r} (known: {known})")
