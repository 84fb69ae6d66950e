"""The artifacts shipped in offchain/artifacts/ are exactly what contracts/ compiles to today."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS_DIR = ROOT / "offchain" / "artifacts"


def _load_build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_artifacts", ROOT / "scripts" / "build_artifacts.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _load_build_script()


@pytest.fixture(scope="module")
def fresh() -> dict[str, dict[str, Any]]:
    return build.compile_artifacts()


def test_shipped_artifacts_equal_a_fresh_compile(fresh: dict[str, dict[str, Any]]) -> None:
    assert build.differences(fresh) == [], "artifacts are stale: run `make build` and commit offchain/artifacts/"


def test_every_deployable_contract_has_an_artifact(fresh: dict[str, dict[str, Any]]) -> None:
    assert {"MathHarness", "MathGasHarness"} <= fresh.keys()
    assert "FixedPointMath" not in fresh  # a library: linked into the harnesses, never shipped


@pytest.mark.parametrize("path", sorted(ARTIFACTS_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_artifact_format(path: Path) -> None:
    artifact = json.loads(path.read_text(encoding="utf-8"))
    assert set(artifact) == {"abi", "bytecode", "deployedBytecode"}
    assert isinstance(artifact["abi"], list)
    for key in ("bytecode", "deployedBytecode"):
        assert artifact[key].startswith("0x") and len(artifact[key]) > 2
        bytes.fromhex(artifact[key][2:])
