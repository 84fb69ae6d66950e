"""The compiled contracts shipped in ``offchain/artifacts/`` (written by ``scripts/build_artifacts.py``)."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def load_artifact(name: str) -> dict[str, Any]:
    """``{"abi", "bytecode", "deployedBytecode"}`` of contract ``name`` (bytecodes as 0x-hex)."""
    resource = files("offchain").joinpath("artifacts", f"{name}.json")
    if not resource.is_file():
        raise FileNotFoundError(f"no artifact for contract {name!r}; run `make build` to compile contracts/")
    return json.loads(resource.read_text(encoding="utf-8"))
