"""The artifacts in offchain/artifacts/ are exactly what contracts/ compiles to today, and the wheel ships
only those of contracts the library deploys (test-only contracts' artifacts stay in the checkout).

The staleness check compiles (~25 s) only when the digest `make build` recorded no longer matches the
compiler inputs or the artifact files."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from offchain.chain.artifacts import load_artifact

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS_DIR = ROOT / "offchain" / "artifacts"
SHIPPED = {"MarginEngine", "MarginEvaluator", "MathGasHarness", "MathHarness", "VolFeed"}
TEST_ONLY = {"Black76GasHarness", "Black76Harness", "FeedHarness", "MockAggregator"}


def _load_build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_artifacts", ROOT / "scripts" / "build_artifacts.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _load_build_script()


def test_shipped_artifacts_equal_a_fresh_compile() -> None:
    assert build.stale() == [], "artifacts are stale: run `make build` and commit offchain/artifacts/"


def test_recorded_inputs_digest_is_the_trees() -> None:
    assert build.recorded().get("inputs") == build.inputs_digest(), "contracts/ changed: run `make build`"


def test_recorded_artifacts_digest_is_the_files() -> None:
    assert build.recorded().get("artifacts") == build.artifacts_digest(), "artifacts edited: run `make build`"


@pytest.mark.parametrize("changed", ["inputs_digest", "artifacts_digest"])
def test_a_digest_that_differs_compiles_and_compares(monkeypatch: pytest.MonkeyPatch, changed: str) -> None:
    compiled: list[bool] = []

    def compile_nothing() -> dict[str, dict[str, Any]]:
        compiled.append(True)
        return {}

    monkeypatch.setattr(build, changed, lambda: "0" * 64)
    monkeypatch.setattr(build, "compile_artifacts", compile_nothing)
    problems = build.stale()
    assert compiled == [True]
    assert "stale: MarginEngine.json (no such contract)" in problems
    assert "stale: test/MockAggregator.json (no such contract)" in problems


def test_inputs_digest_covers_sources_settings_and_compiler(monkeypatch: pytest.MonkeyPatch) -> None:
    digest = build.inputs_digest()
    standard_input = build._standard_input

    def edited_source() -> dict[str, Any]:
        document = standard_input()
        document["sources"]["contracts/MarginEvaluator.sol"]["content"] += "\n"
        return document

    with monkeypatch.context() as patch:
        patch.setattr(build, "_standard_input", edited_source)
        assert build.inputs_digest() != digest
    with monkeypatch.context() as patch:
        patch.setitem(build.COMPILER_SETTINGS, "optimizer", {"enabled": True, "runs": 200})
        assert build.inputs_digest() != digest
    with monkeypatch.context() as patch:
        patch.setattr(build.solcx.wrapper, "get_solc_version", lambda *args, **kwargs: "0.8.28+commit.00000000")
        assert build.inputs_digest() != digest
    assert build.inputs_digest() == digest


def test_shipped_and_test_only_artifacts() -> None:
    assert {path.stem for path in ARTIFACTS_DIR.glob("*.json")} == SHIPPED
    assert {path.stem for path in (ARTIFACTS_DIR / "test").glob("*.json")} == TEST_ONLY
    assert {path.stem for path in (ROOT / "contracts" / "test").glob("*.sol")} == TEST_ONLY


def _imports(source: Path) -> set[Path]:
    """The files ``source`` imports, directly or not (relative imports, as contracts/ uses)."""
    found: set[Path] = set()
    pending = [source]
    while pending:
        importer = pending.pop()
        text = importer.read_text(encoding="utf-8")
        for target in re.findall(r'^import\s+(?:[^"]*\sfrom\s+)?"([^"]+)";', text, re.MULTILINE):
            path = (importer.parent / target).resolve()
            if path not in found:
                found.add(path)
                pending.append(path)
    return found


def test_interfaces_import_no_implementation() -> None:
    """An interface file imports only interfaces and types: no contract or library, however indirectly."""
    implementation = re.compile(r"^\s*(?:abstract\s+contract|contract|library)\s+\w+", re.MULTILINE)
    for interface in sorted((ROOT / "contracts" / "interfaces").glob("*.sol")):
        for imported in _imports(interface):
            assert not implementation.search(imported.read_text(encoding="utf-8")), (interface.name, imported)


def test_load_artifact_finds_test_only_contracts_in_a_checkout() -> None:
    assert load_artifact("MockAggregator") == json.loads((ARTIFACTS_DIR / "test" / "MockAggregator.json").read_text())
    with pytest.raises(FileNotFoundError, match="no artifact for contract 'FixedPointMath'"):
        load_artifact("FixedPointMath")  # a library: linked into the contracts, never an artifact


def test_wheel_ships_no_test_only_artifact(tmp_path: Path) -> None:
    """`pip wheel` of a copy of the package sources (a copy, so no stale build/ of the checkout leaks in)."""
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for package in ("offchain", "verifier"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    command = [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(tmp_path / "dist")]
    subprocess.run(command, check=True, capture_output=True)
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    artifacts = {n for n in zipfile.ZipFile(wheel).namelist() if n.startswith("offchain/artifacts/")}
    assert artifacts == {f"offchain/artifacts/{name}.json" for name in SHIPPED}


@pytest.mark.parametrize("path", sorted(ARTIFACTS_DIR.rglob("*.json")), ids=lambda p: p.stem)
def test_artifact_format(path: Path) -> None:
    artifact = json.loads(path.read_text(encoding="utf-8"))
    assert set(artifact) == {"abi", "bytecode", "deployedBytecode"}
    assert isinstance(artifact["abi"], list)
    for key in ("bytecode", "deployedBytecode"):
        assert artifact[key].startswith("0x") and len(artifact[key]) > 2
        bytes.fromhex(artifact[key][2:])
