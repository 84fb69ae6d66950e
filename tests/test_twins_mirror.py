"""The twins stay twins: same functions in the same order, same errors, same constants, and no
float anywhere on the exact path."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from offchain.twins import constants
from offchain.twins import errors

ROOT = Path(__file__).resolve().parent.parent
TWINS = [
    ("contracts/libraries/FixedPointMath.sol", "offchain/twins/fixedpoint.py"),
    ("contracts/libraries/Black76.sol", "offchain/twins/black76.py"),
    ("contracts/libraries/FeedReader.sol", "offchain/twins/feeds.py"),
    ("contracts/libraries/PortfolioMargin.sol", "offchain/twins/margin.py"),
]
EXACT_PATH = [python for _, python in TWINS] + ["offchain/twins/constants.py", "offchain/twins/intmath.py"]


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _python_functions(path: str) -> list[str]:
    tree = ast.parse((ROOT / path).read_text())
    return [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]




@pytest.mark.parametrize(("solidity_path", "python_path"), TWINS, ids=lambda p: Path(p).stem)
def test_solidity_and_python_list_the_same_functions_in_the_same_order(solidity_path: str, python_path: str) -> None:
    solidity = re.findall(r"^\s*function (\w+)\(", (ROOT / solidity_path).read_text(), re.M)
    assert [_snake(n) for n in solidity] == _python_functions(python_path)


def test_every_solidity_error_has_a_python_twin_with_the_same_arguments() -> None:
    declared = re.findall(r"^error (\w+)\(([^)]*)\);", (ROOT / "contracts/libraries/Errors.sol").read_text(), re.M)
    solidity = [(name, tuple(p.split()[0] for p in params.split(",") if p.strip())) for name, params in declared]
    python = [(cls.__name__, cls.arg_types) for cls in errors.all_errors()]
    assert solidity == python
    assert all(name.startswith("GM_") for name, _ in solidity)


def test_constants_are_generated_and_identical_on_both_sides() -> None:
    check = subprocess.run([sys.executable, "scripts/gen_constants.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    solidity = re.findall(r"^int256 constant (\w+) = (-?\d+);", (ROOT / "contracts/libraries/Constants.sol").read_text(), re.M)
    python = {k: v for k, v in vars(constants).items() if k.isupper()}
    assert {k: int(v) for k, v in solidity} == python


def test_exact_path_has_no_floats() -> None:
    for path in EXACT_PATH:
        for node in ast.walk(ast.parse((ROOT / path).read_text())):
            assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), f"{path}:{node.lineno} float literal"
            assert not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)), f"{path}:{node.lineno} true division"
            assert not (isinstance(node, ast.Name) and node.id == "float"), f"{path}:{node.lineno} float()"
