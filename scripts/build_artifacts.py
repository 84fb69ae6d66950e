"""Compile every contract under ``contracts/`` and write its ABI and bytecode to ``offchain/artifacts/``.

One ``<ContractName>.json`` per deployable contract (libraries, interfaces and abstract contracts
are skipped), holding exactly ``abi``, ``bytecode`` (creation) and ``deployedBytecode``. Contracts
under ``contracts/test/`` (harnesses and mocks only tests and scripts deploy) go to
``offchain/artifacts/test/``, which the wheel does not ship. The compiler settings below are the
single source of truth; the metadata hash and CBOR trailer are disabled so the bytecode depends
only on the sources, not on paths or comments' metadata.

Beside the artifacts, ``offchain/artifacts/build.sha256`` records a digest of the compiler inputs
(every source, the settings, the compiler's version) and one of the artifacts written from them:
``tests/test_artifacts.py`` compiles again only when either no longer matches.

    python scripts/build_artifacts.py           # compile, (re)write the artifacts and the record
    python scripts/build_artifacts.py --check   # compile; exit 1, listing differences, if they are stale
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import solcx
import solcx.install
import solcx.wrapper

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS_DIR = ROOT / "contracts"
ARTIFACTS_DIR = ROOT / "offchain" / "artifacts"
RECORD = ARTIFACTS_DIR / "build.sha256"
TEST_SOURCES = "contracts/test/"
"""Sources under this prefix are test-only: their artifacts go to ``artifacts/test/`` and do not ship."""

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


def _key(source: str, name: str) -> str:
    """Where the artifact of contract ``name`` in ``source`` lives: its path under ``offchain/artifacts/``
    without ``.json`` (``test/<name>`` for a test-only contract)."""
    return f"test/{name}" if source.startswith(TEST_SOURCES) else name


def compile_artifacts() -> dict[str, dict[str, Any]]:
    """Compile ``contracts/``; ``{key: {"abi", "bytecode", "deployedBytecode"}}`` with keys as ``_key``."""
    output = solcx.compile_standard(_standard_input(), base_path=ROOT, solc_version=SOLC_VERSION)
    artifacts: dict[str, dict[str, Any]] = {}
    names: set[str] = set()
    for source, name in sorted(_deployable_names(output)):
        compiled = output["contracts"][source][name]
        bytecode = compiled["evm"]["bytecode"]["object"]
        if not bytecode:
            continue
        if name in names:
            raise ValueError(f"two deployable contracts are named {name}; artifact names must be unique")
        names.add(name)
        artifacts[_key(source, name)] = {
            "abi": compiled["abi"],
            "bytecode": "0x" + bytecode,
            "deployedBytecode": "0x" + compiled["evm"]["deployedBytecode"]["object"],
        }
    return artifacts


def render(artifact: dict[str, Any]) -> str:
    """The exact text of an artifact file."""
    return json.dumps(artifact, sort_keys=True, indent=1) + "\n"


def _files() -> dict[str, Path]:
    """The artifact files in ``offchain/artifacts/`` (shipped and test-only), by key."""
    return {path.relative_to(ARTIFACTS_DIR).with_suffix("").as_posix(): path for path in ARTIFACTS_DIR.rglob("*.json")}


def differences(artifacts: dict[str, dict[str, Any]]) -> list[str]:
    """How the files in ``offchain/artifacts/`` differ from ``artifacts`` (empty when up to date)."""
    files = _files()
    problems = [f"stale: {key}.json (no such contract)" for key in sorted(files.keys() - artifacts.keys())]
    for key, artifact in sorted(artifacts.items()):
        if key not in files:
            problems.append(f"missing: {key}.json")
        elif files[key].read_text(encoding="utf-8") != render(artifact):
            problems.append(f"outdated: {key}.json")
    return problems


def inputs_digest() -> str:
    """sha256 of everything the artifacts are compiled from: the Standard JSON input (every source under
    ``contracts/`` by path, the compiler settings, the output selection) and the compiler's full version."""
    compiler = solcx.wrapper.get_solc_version(solcx.install.get_executable(SOLC_VERSION), with_commit_hash=True)
    document = {"compiler": str(compiler), "input": _standard_input()}
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def artifacts_digest() -> str:
    """sha256 of the artifact files as they are on disk (key and text of each)."""
    files = _files()
    document = {key: files[key].read_text(encoding="utf-8") for key in sorted(files)}
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def recorded() -> dict[str, str]:
    """The digests ``write`` recorded (``{"inputs", "artifacts"}``), empty if there is no record."""
    if not RECORD.exists():
        return {}
    lines = RECORD.read_text(encoding="utf-8").splitlines()
    return dict(line.split(" ", 1) for line in lines if line and not line.startswith("#"))


def stale() -> list[str]:
    """``differences`` from a fresh compile, or none without compiling when the record still matches both
    the compiler inputs and the artifact files (``make build`` wrote them together from a full compile)."""
    if recorded() == {"inputs": inputs_digest(), "artifacts": artifacts_digest()}:
        return []
    return differences(compile_artifacts())


def write(artifacts: dict[str, dict[str, Any]], inputs: str) -> None:
    """Write every artifact whose text changed, delete the files of contracts that are gone, and record
    ``inputs`` (the digest of what ``artifacts`` were compiled from) with the digest of the files."""
    for key, path in _files().items():
        if key not in artifacts:
            path.unlink()
    for key, artifact in artifacts.items():
        path = ARTIFACTS_DIR / f"{key}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = render(artifact)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    RECORD.write_text(
        "# scripts/build_artifacts.py: sha256 of the compiler inputs and of the artifacts compiled from them\n"
        f"inputs {inputs}\nartifacts {artifacts_digest()}\n",
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 if the artifacts are stale")
    args = parser.parse_args(argv)

    inputs = inputs_digest()
    artifacts = compile_artifacts()
    if args.check:
        problems = differences(artifacts)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    write(artifacts, inputs)
    print(f"{len(artifacts)} artifacts in {ARTIFACTS_DIR.relative_to(ROOT)}: {', '.join(sorted(artifacts))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
