#!/usr/bin/env python3
"""Where the gas of one margin call goes: gas per Solidity source line (a developer tool).

Compiles contracts/ with the shipped settings plus source maps, runs MarginEvaluator.marginOf (or
shortfallWitness) on the bench_margin book with debug_traceCall on a local anvil, and charges every
opcode's gas to the source line the source map gives for it. Lines are charged their own opcodes
only (a call's body is charged to the callee's lines). Internal calls inlined by the optimizer are
charged where the optimizer put them. --json prints one object per line (or function): where, gas,
share (percent of the execution gas).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import solcx
from bench_margin import book
from build_artifacts import COMPILER_SETTINGS, SOLC_VERSION, _standard_input

from offchain.chain.evm import LocalEVM
from offchain.chain.node import start_anvil
from offchain.differential import bench
from offchain.twins.margin import margin_of

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ("contracts/MarginEvaluator.sol", "MarginEvaluator")


def _compile() -> tuple[dict, list[str]]:
    standard = _standard_input()
    standard["settings"] = {
        **COMPILER_SETTINGS,
        "outputSelection": {
            "*": {
                "*": ["evm.bytecode.object", "evm.deployedBytecode.object", "evm.deployedBytecode.sourceMap"],
                "": ["id"],
            }
        },
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
    starts = [m for m in re.finditer(r"^\s*function (\w+)", text[:offset], re.MULTILINE)]
    return f"{Path(path).name}:{starts[-1][1] if starts else '(top)'}"


def _line_of(path: str, offset: int, cache: dict) -> str:
    if path not in cache:
        text = (ROOT / path).read_text() if (ROOT / path).exists() else ""
        cache[path] = text
    text = cache[path]
    line = text.count("\n", 0, offset) + 1
    source = text.splitlines()[line - 1].strip() if text else ""
    return f"{Path(path).name}:{line}  {source[:90]}"


def _calldata(options: int, witness: bool) -> bytes:
    """The profiled call on the bench_margin book: marginOf, or shortfallWitness at the worst scenario."""
    portfolio, market, params = book(options)
    abi_args = [portfolio.as_abi(), market.as_abi(), params.as_abi()]
    if witness:
        abi_args.append([margin_of(portfolio, market, params).underlyings[0].worst_scenario])
    helper = LocalEVM()
    return helper.calldata(helper.deploy(CONTRACT[1]), "shortfallWitness" if witness else "marginOf", *abi_args)


def _trace(bytecode: str, calldata: bytes) -> list[tuple[int, int]]:
    """(pc, gas) of every top-level step of the call to a fresh deployment of ``bytecode`` on anvil."""
    with start_anvil() as w3:
        sender = w3.eth.accounts[0]
        tx = w3.eth.send_transaction({"from": sender, "data": "0x" + bytecode, "gas": 30_000_000})
        address = w3.eth.wait_for_transaction_receipt(tx)["contractAddress"]
        trace = w3.provider.make_request(
            "debug_traceCall",
            [
                {"from": sender, "to": address, "data": "0x" + calldata.hex(), "gas": hex(100_000_000)},
                "latest",
                {"disableStack": True, "disableMemory": True, "disableStorage": True, "enableMemory": False},
            ],
        )["result"]
    return [(log["pc"], log["gasCost"]) for log in trace["structLogs"] if log["depth"] == 1]


def main() -> int:
    parser = bench.parser(__doc__)
    parser.add_argument("--options", type=int, default=16, help="options in the bench_margin book")
    parser.add_argument("--witness", action="store_true", help="profile shortfallWitness instead of marginOf")
    parser.add_argument("--top", type=int, default=40, help="rows to print")
    parser.add_argument("--functions", action="store_true", help="charge lines to their enclosing function")
    args = parser.parse_args()
    compiled, paths = _compile()
    steps = _trace(compiled["evm"]["bytecode"]["object"], _calldata(args.options, args.witness))
    code = bytes.fromhex(compiled["evm"]["deployedBytecode"]["object"])
    to_index = _pc_to_instruction(code)
    smap = _source_map(compiled["evm"]["deployedBytecode"]["sourceMap"])
    describe = _function_of if args.functions else _line_of
    per_line: Counter[str] = Counter()
    per_file: Counter[str] = Counter()
    cache: dict = {}
    for pc, cost in steps:
        offset, _length, file_id = smap[to_index[pc]]
        where = describe(paths[file_id], offset, cache) if 0 <= file_id < len(paths) else "(compiler-generated)"
        per_line[where] += cost
        per_file[where.split(":")[0]] += cost
    total = sum(cost for _, cost in steps)
    rows = [
        {"where": where, "gas": gas, "share": round(100 * gas / total, 1)}
        for where, gas in per_line.most_common(args.top)
    ]
    call = f"{CONTRACT[1]}.{'shortfallWitness' if args.witness else 'marginOf'}"
    table = bench.Table(
        f"{call}, {args.options} options: execution gas per {'function' if args.functions else 'source line'}",
        (bench.Column("gas", fmt=","), bench.Column("share", "%", ".1f"), bench.Column("where")),
    )
    bench.report(
        args,
        [(table, rows)],
        [
            f"execution gas (opcodes, excluding intrinsic and calldata): {total:,} in {len(steps):,} steps",
            "per file: " + ", ".join(f"{name} {gas:,}" for name, gas in per_file.most_common()),
        ],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
