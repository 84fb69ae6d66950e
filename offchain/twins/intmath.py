"""EVM integer semantics for Python ints.

Solidity's signed ``/`` and ``%`` truncate toward zero; Python's ``//`` and ``%`` floor. Every
signed division on the exact path goes through :func:`sdiv` / :func:`smod` so the two sides cannot
drift. Right shifts need no helper: Solidity's ``>>`` on int256 is arithmetic (floors), exactly like
Python's ``>>``.
"""

INT256_MIN = -(1 << 255)
INT256_MAX = (1 << 255) - 1
UINT256_MAX = (1 << 256) - 1


def sdiv(a: int, b: int) -> int:
    """Solidity ``a / b`` for signed integers: the quotient truncated toward zero (b != 0)."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def smod(a: int, b: int) -> int:
    """Solidity ``a % b`` for signed integers: the remainder takes the sign of ``a`` (b != 0)."""
    return a - sdiv(a, b) * b


def fits_int256(x: int) -> bool:
    """True when ``x`` is representable as an int256."""
    return INT256_MIN <= x <= INT256_MAX


def wrap_int256(x: int) -> int:
    """``x`` modulo 2^256 as an int256: what unchecked Solidity arithmetic leaves."""
    return ((x - INT256_MIN) & UINT256_MAX) + INT256_MIN
