"""The twins stay twins: same functions in the same order, same errors, same constants, same
struct fields, and no float anywhere on the exact path. Every exception of the library has one root."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest
from eth_utils import keccak

import offchain
from offchain.twins import constants, errors, types
from offchain.twins.exceptions import ContractError, GridMarginError

ROOT = Path(__file__).resolve().parent.parent
TWINS = [
    ("contracts/libraries/FixedPointMath.sol", "offchain/twins/fixedpoint.py"),
    ("contracts/libraries/Black76.sol", "offchain/twins/black76.py"),
    ("contracts/libraries/FeedReader.sol", "offchain/twins/feeds.py"),
    ("contracts/libraries/PortfolioMargin.sol", "offchain/twins/margin.py"),
]
EXACT_PATH = [python for _, python in TWINS] + ["offchain/twins/constants.py", "offchain/twins/intmath.py"]
READS = {"read_spot", "read_vol"}
"""FeedReader's functions that read the chain: twinned in offchain/chain/feeds.py (tests/test_feeds.py)."""


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _python_functions(path: str) -> list[str]:
    tree = ast.parse((ROOT / path).read_text())
    return [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]


@pytest.mark.parametrize(("solidity_path", "python_path"), TWINS, ids=lambda p: Path(p).stem)
def test_solidity_and_python_list_the_same_functions_in_the_same_order(solidity_path: str, python_path: str) -> None:
    solidity = re.findall(r"^\s*function (\w+)\(", (ROOT / solidity_path).read_text(), re.M)
    assert [_snake(n) for n in solidity if _snake(n) not in READS] == _python_functions(python_path)


def test_every_solidity_error_has_a_python_twin_with_the_same_arguments() -> None:
    declared = re.findall(r"^error (\w+)\(([^)]*)\);", (ROOT / "contracts/libraries/Errors.sol").read_text(), re.M)
    solidity = [(name, tuple(p.split()[0] for p in params.split(",") if p.strip())) for name, params in declared]
    python = [(cls.__name__, cls.arg_types) for cls in errors.ALL_ERRORS]
    assert solidity == python
    assert all(name.startswith("GM_") for name, _ in solidity)


def test_generated_error_selectors_are_the_keccak_of_the_signatures() -> None:
    for error in errors.ALL_ERRORS:
        assert error.selector == keccak(text=error.signature())[:4], error.__name__
    assert len({error.selector for error in errors.ALL_ERRORS}) == len(errors.ALL_ERRORS)


def test_generated_error_docstrings_are_the_solidity_notices() -> None:
    source = (ROOT / "contracts/libraries/Errors.sol").read_text()
    notices = {
        name: " ".join(notice.replace("///", " ").split())
        for notice, name in re.findall(r"^/// @notice (.*(?:\n///(?! @).*)*)\nerror (\w+)\(", source, re.M)
    }
    assert {cls.__name__: " ".join(cls.__doc__.split()) for cls in errors.ALL_ERRORS} == notices


def test_generated_files_are_up_to_date() -> None:
    """Constants.sol, offchain/twins/constants.py and offchain/twins/errors.py."""
    check = subprocess.run(
        [sys.executable, "scripts/gen_constants.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr


def test_constants_are_identical_on_both_sides() -> None:
    source = (ROOT / "contracts/libraries/Constants.sol").read_text()
    solidity = re.findall(r"^u?int256 constant (\w+) = (-?\d+);", source, re.M)
    python = {k: v for k, v in vars(constants).items() if k.isupper() and isinstance(v, int)}
    assert {k: int(v) for k, v in solidity} == python


def test_param_ids_are_the_engine_s_and_name_their_fields() -> None:
    """PortfolioMargin uses the generated ids (no private copy); PARAM_FIELDS names real fields, by id."""
    assert not re.search(r"constant PARAM_", (ROOT / "contracts/libraries/PortfolioMargin.sol").read_text())
    assert not re.search(r"^PARAM_\w+.*=", (ROOT / "offchain/twins/margin.py").read_text(), re.M)
    ids = {k: v for k, v in vars(constants).items() if k.startswith("PARAM_") and isinstance(v, int)}
    assert sorted(ids.values()) == list(range(len(constants.PARAM_FIELDS)))
    names = {f.name for cls in (types.RiskParams, types.GridParams) for f in dataclasses.fields(cls)}
    assert all(set(entry.split("/")) <= names for entry in constants.PARAM_FIELDS)
    assert constants.PARAM_FIELDS[constants.PARAM_DAMPENER] == "dampener"
    assert constants.PARAM_FIELDS[constants.PARAM_TERM_POWER] == "term_power_short/term_power_long"


def test_struct_fields_match_margin_types_in_order() -> None:
    """Every struct of MarginTypes.sol is a dataclass of offchain/twins/types.py with the same fields
    (camelCase <-> snake_case) in the same order, and no dataclass there lacks a struct."""
    source = (ROOT / "contracts/libraries/MarginTypes.sol").read_text()
    structs = {
        name: [_snake(field) for field in re.findall(r"^\s*[\w\[\]]+ (\w+);", body, re.M)]
        for name, body in re.findall(r"^struct (\w+) \{([^}]*)\}", source, re.M)
    }
    dataclass_types = {
        name: [f.name for f in dataclasses.fields(cls)]
        for name, cls in vars(types).items()
        if dataclasses.is_dataclass(cls) and cls.__module__ == types.__name__
    }
    assert len(structs) == 10
    assert dataclass_types == structs


def test_every_library_exception_derives_from_gridmarginerror() -> None:
    """Every public exception class defined under offchain/ (the CLI's click errors aside: they are
    the command line's messages, not the library's) has GridMarginError as its root; the GM_*
    twins derive from ContractError."""
    modules = [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(offchain.__path__, "offchain.")
        if not info.name.startswith("offchain.cli")
    ]
    defined = {
        cls
        for module in modules
        for name, cls in vars(module).items()
        if isinstance(cls, type)
        and issubclass(cls, BaseException)
        and cls.__module__ == module.__name__
        and not name.startswith("_")
    }
    assert {"ChainError", "ExecutionHalted", "PortfolioFormatError", "UnknownRevert", "GM_ExpOverflow"} <= {
        cls.__name__ for cls in defined
    }
    assert [cls.__name__ for cls in defined if not issubclass(cls, GridMarginError)] == []
    assert all(issubclass(error, ContractError) for error in errors.ALL_ERRORS)


def test_exact_path_has_no_floats() -> None:
    for path in EXACT_PATH:
        for node in ast.walk(ast.parse((ROOT / path).read_text())):
            assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), (
                f"{path}:{node.lineno} float literal"
            )
            assert not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)), (
                f"{path}:{node.lineno} true division"
            )
            assert not (isinstance(node, ast.Name) and node.id == "float"), f"{path}:{node.lineno} float()"
