"""The layout is checked, not wished: layering contracts, scripts that stand alone, the public API."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import offchain

ROOT = Path(__file__).resolve().parent.parent


def test_import_layering_contracts_hold() -> None:
    lint = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout[-3000:]


@pytest.mark.parametrize("path", sorted((ROOT / "scripts").glob("*.py")), ids=lambda p: p.name)
def test_scripts_neither_import_tests_nor_edit_sys_path(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] != "tests", f"{path.name}:{node.lineno} imports tests"
        elif isinstance(node, ast.Import):
            assert all(a.name.split(".")[0] != "tests" for a in node.names), f"{path.name}:{node.lineno} imports tests"
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            assert (node.value.id, node.attr) != ("sys", "path"), f"{path.name}:{node.lineno} edits sys.path"


def test_public_api_names_import() -> None:
    assert sorted(offchain.__all__) == offchain.__all__
    for name in offchain.__all__:
        assert getattr(offchain, name) is not None


def test_the_api_doc_example_runs(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    example = re.search(r"```python\n(.*?)```", text, re.S)
    assert example is not None and len(example[1].strip().splitlines()) <= 5
    monkeypatch.chdir(ROOT)
    exec(compile(example[1], "docs/api.md", "exec"), {})
    assert re.fullmatch(r"equity \d+, MM \d+, liquidatable: (True|False)\n", capsys.readouterr().out)


def test_package_is_typed() -> None:
    assert (ROOT / "offchain" / "py.typed").is_file()
