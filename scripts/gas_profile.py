#!/usr/bin/env python3
"""Where the gas of one margin call goes: gas per Solidity source line (a developer tool).

Compiles contracts/ with the shipped settings plus source maps, runs MarginHarness.marginOf (or
shortfallWitness) on the bench_margin book with debug_traceCall on a local anvil, and charges every
opcode's gas to the source line the source map gives for it. Lines are charged their own opcodes
only (a call's body is charged to the callee's lines). Internal calls inlined by the optimizer are
charged where the optimizer put them.

Usage: python scripts/gas_profile.py [--options N] [--witness] [--top K] [--functions]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent

import solcx

from bench_margin import book
from build_artifacts import COMPILER_SETTINGS, SOLC_VERSION, _standard_input
from offchain.chain.node import start_anvil
from offchain.chain.evm import LocalEVM
from offchain.twins.margin import margin_of

CONTRACT = ("contracts/harness/MarginHarness.sol", "MarginHarness")


def _compile() -> tuple[dict, list[str]]:
    standard = _standard_input()
    standard["settings"] = {
        **COMPILER_SETTINGS,
        "outputSelection": {"*": {"*": ["evm.bytecode.object", "evm.deployedBytecode.object",
                                        "evm.deployedBytecode.sourceMap"], "": ["id"]}},
    }
    output = solcx.compile_standard(standard, base_path=ROOT, solc_version=SOLC_VERSION)
    ids = {unit["id"]: path for path, unit in output["sources"].items()}
    return output["contracts"][CONTRACT[0]][CONTRACT[1]], [ids.get(i, "?") for i in range(max(ids) + 1)]


def _pc_to_instruction(code: bytes) -> dict[int, int]:
    mapping, pc, index = {}, 0, 0
    while pc < len(code):
        mapping[pc] = index
        op = code[pc]
        pc += 1 + (op - 0x5F if 0x60 <= op <= 0x7F else 0)
        index += 1
    return mapping


def _source_map(text: str) -> list[tuple[int, int, int]]:
    entries, last = [], [0, 0, -1]
    for item in text.split(";"):
        fields = item.split(":")
        for k in range(3):
            if k < len(fields) and fields[k] != "":
                last[k] = int(fields[k])
        entries.append(tuple(last))
    return entries


def _function_of(path: str, offset: int, cache: dict) -> str:
    """The name of the Solidity function (or Yul function) whose text starts last before ``offset``."""
    _line_of(path, offset, cache)
    text = cache[path]
    starts = [m for m in re.finditer(r"^\s*function (\w+)", text[:offset], re.M)]
    return f"{Path(path).name}:{starts[-1][1] if starts else '(top)'}"


def _line_of(path: str, offset: int, cache: dict) -> str:
    if path not in cache:
        text = (ROOT / path).read_text() if (ROOT / path).exists() else ""
        cache[path] = text
    text = cache[path]
    line = text.count("\n", 0, offset) + 1
    source = text.splitlines()[line - 1].strip() if text else ""
    return f"{Path(path).name}:{line}  {source[:90]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--options", type=int, default=16)
    parser.add_argument("--witness", action="store_true")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--functions", action="store_true", help="charge lines to their enclosing function")
    args = parser.parse_args()
    compiled, paths = _compile()
    portfolio, market, params = book(args.options)
    abi_args = [portfolio.as_abi(), market.as_abi(), params.as_abi()]
    helper = LocalEVM()
    harness = helper.deploy(CONTRACT[1])
    if args.witness:
        abi_args.append([margin_of(portfolio, market, params).underlyings[0].worst_scenario])
    calldata = helper.calldata(harness, "shortfallWitness" if args.witness else "marginOf", *abi_args)

    with start_anvil() as w3:
        sender = w3.eth.accounts[0]
        tx = w3.eth.send_transaction({"from": sender, "data": "0x" + compiled["evm"]["bytecode"]["object"], "gas": 30_000_000})
        address = w3.eth.wait_for_transaction_receipt(tx)["contractAddress"]
        trace = w3.provider.make_request("debug_traceCall", [
            {"from": sender, "to": address, "data": "0x" + calldata.hex(), "gas": hex(100_000_000)}, "latest",
            {"disableStack": True, "disableMemory": True, "disableStorage": True, "enableMemory": False},
        ])["result"]
    steps = [(log["pc"], log["gasCost"]) for log in trace["structLogs"] if log["depth"] == 1]
    code = bytes.fromhex(compiled["evm"]["deployedBytecode"]["object"])
    to_index = _pc_to_instruction(code)
    smap = _source_map(compiled["evm"]["deployedBytecode"]["sourceMap"])
    per_line: Counter[str] = Counter()
    per_file: Counter[str] = Counter()
    cache: dict = {}
    total = 0
    for pc, cost in steps:
        total += cost
        offset, _length, file_id = smap[to_index[pc]]
        describe = _function_of if args.functions else _line_of
        where = describe(paths[file_id], offset, cache) if 0 <= file_id < len(paths) else "(compiler-generated)"
        per_line[where] += cost
        per_file[where.split(":")[0]] += cost
    print(f"execution gas (opcodes, excluding intrinsic and calldata): {total:,} in {len(steps):,} steps")
    print("per file: " + ", ".join(f"{name} {gas:,}" for name, gas in per_file.most_common()))
    for where, gas in per_line.most_common(args.top):
        print(f"{gas:>10,}  {100 * gas / total:5.1f}%  {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
