"""Compile every contract under ``contracts/`` and ship its ABI and bytecode in ``offchain/artifacts/``.

One ``<ContractName>.json`` per deployable contract (libraries, interfaces and abstract contracts
are skipped), holding exactly ``abi``, ``bytecode`` (creation) and ``deployedBytecode``. The
compiler settings below are the single source of truth; the metadata hash and CBOR trailer are
disabled so the bytecode depends only on the sources, not on paths or comments' metadata.

    python scripts/build_artifacts.py           # (re)write the artifacts, delete stale ones
    python scripts/build_artifacts.py --check   # exit 1, listing differences, if they are stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import solcx

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS_DIR = ROOT / "contracts"
ARTIFACTS_DIR = ROOT / "offchain" / "artifacts"

SOLC_VERSION = "0.8.28"
COMPILER_SETTINGS: dict[str, Any] = {
    "optimizer": {"enabled": True, "runs": 20000},
    "evmVersion": "cancun",
    "viaIR": True,
    "metadata": {"bytecodeHash": "none", "appendCBOR": False},
}
_OUTPUT_SELECTION = {"*": {"*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"], "": ["ast"]}}


def _standard_input() -> dict[str, Any]:
    """Standard JSON input with every ``.sol`` file under ``contracts/``, keyed by repo-relative path."""
    sources = {
        path.relative_to(ROOT).as_posix(): {"content": path.read_text(encoding="utf-8")}
        for path in sorted(CONTRACTS_DIR.rglob("*.sol"))
    }
    return {
        "language": "Solidity",
        "sources": sources,
        "settings": {**COMPILER_SETTINGS, "outputSelection": _OUTPUT_SELECTION},
    }


def _deployable_names(output: dict[str, Any]) -> set[tuple[str, str]]:
    """(source, name) of every concrete ``contract`` (not library, interface or abstract) in the ASTs."""
    return {
        (source, node["name"])
        for source, unit in output["sources"].items()
        for node in unit["ast"]["nodes"]
        if node["nodeType"] == "ContractDefinition" and node["contractKind"] == "contract" and not node["abstract"]
    }


def compile_artifacts() -> dict[str, dict[str, Any]]:
    """Compile ``contracts/`` and return ``{ContractName: {"abi", "bytecode", "deployedBytecode"}}``."""
    output = solcx.compile_standard(_standard_input(), base_path=ROOT, solc_version=SOLC_VERSION)
    artifacts: dict[str, dict[str, Any]] = {}
    for source, name in sorted(_deployable_names(output)):
        compiled = output["contracts"][source][name]
        bytecode = compiled["evm"]["bytecode"]["object"]
        if not bytecode:
            continue
        if name in artifacts:
            raise ValueError(f"two deployable contracts are named {name}; artifact names must be unique")
        artifacts[name] = {
            "abi": compiled["abi"],
            "bytecode": "0x" + bytecode,
            "deployedBytecode": "0x" + compiled["evm"]["deployedBytecode"]["object"],
        }
    return artifacts


def render(artifact: dict[str, Any]) -> str:
    """The exact text of a shipped artifact file."""
    return json.dumps(artifact, sort_keys=True, indent=1) + "\n"


def differences(artifacts: dict[str, dict[str, Any]]) -> list[str]:
    """How the files in ``offchain/artifacts/`` differ from ``artifacts`` (empty when up to date)."""
    shipped = {path.stem: path for path in ARTIFACTS_DIR.glob("*.json")}
    problems = [f"stale: {shipped[name].name} (no such contract)" for name in sorted(shipped.keys() - artifacts.keys())]
    for name, artifact in sorted(artifacts.items()):
        if name not in shipped:
            problems.append(f"missing: {name}.json")
        elif shipped[name].read_text(encoding="utf-8") != render(artifact):
            problems.append(f"outdated: {name}.json")
    return problems


def write(artifacts: dict[str, dict[str, Any]]) -> None:
    """Write every artifact whose text changed and delete the files of contracts that are gone."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    for path in ARTIFACTS_DIR.glob("*.json"):
        if path.stem not in artifacts:
            path.unlink()
    for name, artifact in artifacts.items():
        path = ARTIFACTS_DIR / f"{name}.json"
        text = render(artifact)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 if the artifacts are stale")
    args = parser.parse_args(argv)

    artifacts = compile_artifacts()
    if args.check:
        problems = differences(artifacts)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    write(artifacts)
    print(f"{len(artifacts)} artifacts in {ARTIFACTS_DIR.relative_to(ROOT)}: {', '.join(sorted(artifacts))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
