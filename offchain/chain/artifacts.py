"""The compiled contracts in ``offchain/artifacts/`` (written by ``scripts/build_artifacts.py``).

The wheel ships ``artifacts/*.json``: the contracts the library and the CLI deploy. The artifacts of
test-only contracts (``contracts/test/``: harnesses and mocks) live in ``artifacts/test/``, present
only in a source checkout, where ``load_artifact`` finds them too.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def load_artifact(name: str) -> dict[str, Any]:
    """``{"abi", "bytecode", "deployedBytecode"}`` of contract ``name`` (bytecodes as 0x-hex)."""
    artifacts = files("offchain").joinpath("artifacts")
    for resource in (artifacts.joinpath(f"{name}.json"), artifacts.joinpath("test", f"{name}.json")):
        if resource.is_file():
            return json.loads(resource.read_text(encoding="utf-8"))
    raise FileNotFoundError(
        f"no artifact for contract {name!r}: test-only contracts are not installed with the package"
        " (use a source checkout), and in a checkout run `make build` to compile contracts/"
    )
