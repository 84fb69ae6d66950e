"""ABI values in the Python form eth-abi decodes them to, with the standard library only.

The twins raise errors whose arguments must equal those :func:`offchain.chain.abi.decode_revert`
decodes from the contract's revert: an ``address`` is lowercase 0x-hex, a ``bytes32`` is 32 bytes,
integers are ints.
"""

from __future__ import annotations

import re

_HEX_ADDRESS = re.compile(r"(?:0[xX])?([0-9a-fA-F]{40})")


def normalized_address(address: str) -> str:
    """``address`` (20 bytes of hex in any case, ``0x`` prefix optional) as lowercase 0x-hex, as
    eth-utils' ``to_normalized_address`` gives it (no checksum check); ValueError for anything else."""
    match = _HEX_ADDRESS.fullmatch(address) if isinstance(address, str) else None
    if match is None:
        raise ValueError(f"not an address (20 bytes of hex): {address!r}")
    return "0x" + match[1].lower()
