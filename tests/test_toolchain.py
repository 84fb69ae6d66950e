"""The offline toolchain: the solc-js shim as py-solc-x sees it, the in-process EVM, anvil."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import solcx
from eth_abi.exceptions import EncodingError
from packaging.version import Version
from web3.exceptions import ContractCustomError

from offchain.chain.abi import decode_revert
from offchain.chain.evm import ExecutionHalted, LocalEVM
from offchain.chain.node import deploy, start_anvil
from offchain.twins.errors import GM_DivWadByZero, GM_MulWadOverflow, UnknownRevert

SHIM = Path(__file__).resolve().parent.parent / "scripts" / "solc"
WAD = 10**18
INT256_MAX = 2**255 - 1
PANIC_UNDERFLOW = bytes.fromhex("4e487b71") + (0x11).to_bytes(32, "big")
PANIC_DIVISION_BY_ZERO = bytes.fromhex("4e487b71") + (0x12).to_bytes(32, "big")


def test_shim_version_in_py_solc_x_format() -> None:
    out = subprocess.run([SHIM, "--version"], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[1].startswith("Version: 0.8.28+commit.7893614a")
    assert solcx.wrapper.get_solc_version(SHIM, with_commit_hash=True) == Version("0.8.28+commit.7893614a")


def test_shim_is_installed_for_py_solc_x() -> None:
    installed = solcx.install.get_executable("0.8.28")  # ~/.solcx/solc-v0.8.28, linked by `make setup`
    assert solcx.wrapper.get_solc_version(installed, with_commit_hash=True) == Version("0.8.28+commit.7893614a")


def test_shim_rejects_unknown_options() -> None:
    result = subprocess.run([SHIM, "--no-such-flag"], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "unrecognised option '--no-such-flag'" in result.stderr


def test_shim_combined_json_through_py_solc_x() -> None:
    source = (
        "// SPDX-License-Identifier: MIT\npragma solidity 0.8.28;\n"
        "contract Two { function two() external pure returns (uint) { return 2; } }"
    )
    out = solcx.compile_source(source, output_values=["abi", "bin", "bin-runtime"], solc_binary=SHIM, optimize=True)
    two = out["<stdin>:Two"]
    assert [f["name"] for f in two["abi"]] == ["two"]
    assert two["bin"] and two["bin-runtime"] and two["bin"] != two["bin-runtime"]


def test_shim_standard_json_reads_imports_from_include_paths(tmp_path: Path) -> None:
    header = "// SPDX-License-Identifier: MIT\npragma solidity 0.8.28;\n"
    (tmp_path / "lib" / "ext").mkdir(parents=True)
    (tmp_path / "lib" / "ext" / "E.sol").write_text(header + "contract E {}")
    source = header + 'import {E} from "ext/E.sol";\ncontract A is E {}'
    request = {
        "language": "Solidity",
        "sources": {"A.sol": {"content": source}},
        "settings": {"outputSelection": {"*": {"*": ["abi"]}}},
    }
    command = [SHIM, "--standard-json", "--base-path", tmp_path, "--include-path", tmp_path / "lib"]
    result = subprocess.run(command, input=json.dumps(request), capture_output=True, text=True, check=True)
    output = json.loads(result.stdout)
    assert [e for e in output.get("errors", []) if e["severity"] == "error"] == []
    assert sorted(output["contracts"]) == ["A.sol", "ext/E.sol"]


@pytest.fixture(scope="module")
def evm() -> LocalEVM:
    return LocalEVM()


@pytest.fixture(scope="module")
def harness(evm: LocalEVM) -> str:
    return evm.deploy("MathHarness")


def test_local_evm_round_trip(evm: LocalEVM, harness: str) -> None:
    assert evm.call(harness, "mulWadDown", 3 * WAD, 2 * WAD) == 6 * WAD
    assert evm.call(harness, "mulWadDown", -1, 1) == -1


def test_local_evm_decodes_custom_errors(evm: LocalEVM, harness: str) -> None:
    with pytest.raises(GM_DivWadByZero) as raised:
        evm.call(harness, "divWadDown", 1, 0)
    assert raised.value == GM_DivWadByZero(1)
    with pytest.raises(GM_MulWadOverflow) as raised:
        evm.call(harness, "mulWadDown", INT256_MAX, 2)
    assert raised.value == GM_MulWadOverflow(INT256_MAX, 2)


def test_local_evm_panics_are_unknown_reverts(evm: LocalEVM) -> None:
    gas_harness = evm.deploy("MathGasHarness")
    with pytest.raises(UnknownRevert) as raised:
        evm.call(gas_harness, "measure", 0, WAD, WAD, 0, 0)  # averages over n = 0 calls
    # Panic(0x11) or Panic(0x12): which checked operation trips first is the compiler's choice.
    assert raised.value.data in (PANIC_UNDERFLOW, PANIC_DIVISION_BY_ZERO)


def test_local_evm_multiple_outputs_and_halts(evm: LocalEVM) -> None:
    gas_harness = evm.deploy("MathGasHarness")
    gas_per_call, _checksum = evm.call(gas_harness, "measure", 4, WAD, 0, 0, 10)
    assert gas_per_call > 0
    with pytest.raises(ExecutionHalted):
        evm.call(gas_harness, "measure", 4, WAD, 0, 1, 10**9)  # needs far more than the gas limit


def test_local_evm_call_raw(evm: LocalEVM, harness: str) -> None:
    ok, data, gas = evm.call_raw(harness, b"\xde\xad\xbe\xef")
    assert (ok, data) == (False, b"") and gas > 21_000


def test_local_evm_argument_checks(evm: LocalEVM, harness: str) -> None:
    with pytest.raises(TypeError):
        evm.call(harness, "mulWadDown", 1)
    with pytest.raises(EncodingError):
        evm.call(harness, "mulWadDown", INT256_MAX + 1, 1)
    with pytest.raises(EncodingError):
        evm.call(harness, "mulWadDown", True, 1)
    with pytest.raises(KeyError):
        evm.call(harness, "noSuchFunction")


def test_anvil_deploy_and_call() -> None:
    with start_anvil() as w3:
        assert w3.eth.chain_id == 31337
        harness = deploy(w3, "MathHarness")
        assert harness.functions.mulWadDown(3 * WAD, 2 * WAD).call() == 6 * WAD
        with pytest.raises(ContractCustomError) as raised:
            harness.functions.divWadDown(1, 0).call()
        assert decode_revert(bytes.fromhex(raised.value.data[2:])) == GM_DivWadByZero(1)
