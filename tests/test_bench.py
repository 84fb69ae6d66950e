"""The benchmarks' shared printer (offchain/differential/bench.py), the gas snapshots it writes
(docs/snapshots/*.json) and the docs that cite them, and the scripts that use it."""

from __future__ import annotations

import ast
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from offchain.differential import bench

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "docs" / "snapshots"
PRINTER_SCRIPTS = sorted(
    path for path in (ROOT / "scripts").glob("*.py") if "offchain.differential import bench" in path.read_text()
)
CITING = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md", *sorted((ROOT / "contracts").rglob("*.sol"))]
# docs/snapshots/NAME.json, optionally followed by ["row label"] and .column
CITATION = re.compile(r'docs/snapshots/([\w-]+)\.json(?:\["([^"]+)"\])?(?:\.(\w+))?')

TABLE = bench.Table(
    "gas",
    (
        bench.Column("name"),
        bench.Column("gas", fmt=",", snapshot=True),
        bench.Column("ratio", fmt=".2f", snapshot=True),
        bench.Column("double", fmt=",", snapshot=True, cell=lambda row: 2 * row["gas"]),
        bench.Column("note"),
    ),
    label="{name} call",
)
ROWS = [{"name": "b", "gas": 1234, "ratio": 0.5, "note": "x | y"}, {"name": "a", "gas": 7, "ratio": None, "note": None}]


def _args(*argv: str) -> object:
    return bench.parser("doc", snapshot="demo").parse_args(list(argv))


def test_json_prints_each_row_as_measured() -> None:
    out = io.StringIO()
    bench.report(_args("--json"), [(TABLE, ROWS)], ["a note"], out=out)
    assert [json.loads(line) for line in out.getvalue().splitlines()] == ROWS  # no derived column, no note


def test_markdown_aligns_numbers_right_and_escapes_pipes() -> None:
    out = io.StringIO()
    bench.report(_args("--markdown"), [(TABLE, ROWS)], ["a note"], out=out)
    assert out.getvalue() == (
        "gas:\n\n| name | gas | ratio | double | note |\n|---|---:|---:|---:|---|\n"
        "| b | 1,234 | 0.50 | 2,468 | x \\| y |\n| a | 7 | - | 14 | - |\n\na note\n"
    )


def test_tables_print_every_cell_as_plain_text() -> None:
    out = io.StringIO()
    bench.report(_args(), [(TABLE, [{"name": "[bold]x[/bold]", "gas": 5, "ratio": 1.0, "note": "n"}])], out=out)
    assert "[bold]x[/bold]" in out.getvalue() and "1.00" in out.getvalue()


def test_snapshot_holds_the_integer_cells_of_snapshot_columns_sorted(tmp_path: Path) -> None:
    path = tmp_path / "demo.json"
    bench.report(_args("--json", "--snapshot", str(path)), [(TABLE, ROWS)], out=io.StringIO())
    text = path.read_text()
    assert json.loads(text) == {"a call": {"gas": 7, "double": 14}, "b call": {"gas": 1234, "double": 2468}}
    assert text == bench.snapshot_text(json.loads(text)) and text.endswith("}\n")
    assert text.index('"a call"') < text.index('"b call"') and text.index('"double"') < text.index('"gas"')


def test_snapshot_refuses_a_label_that_names_two_rows() -> None:
    with pytest.raises(ValueError, match="names two rows"):
        bench.snapshot([(TABLE, [ROWS[0], ROWS[0]])])


def test_snapshot_option_defaults_to_docs_snapshots() -> None:
    assert _args("--snapshot").snapshot == SNAPSHOTS / "demo.json"
    assert _args().snapshot is None
    assert not hasattr(bench.parser("doc").parse_args([]), "snapshot")
    with pytest.raises(SystemExit):
        bench.parser("doc").parse_args(["--json", "--markdown"])


def test_every_snapshot_parses_in_its_canonical_form() -> None:
    files = sorted(SNAPSHOTS.glob("*.json"))
    assert {path.stem for path in files} >= {"math", "black76", "margin", "engine", "feeds", "screening"}
    for path in files:
        data = json.loads(path.read_text())
        assert path.read_text() == bench.snapshot_text(data), f"{path.name} is not sorted / indented / newline-ended"
        for label, figures in data.items():
            assert figures and all(type(value) is int for value in figures.values()), f"{path.name}: {label}"


def test_every_cited_snapshot_row_and_column_exists() -> None:
    citations = [(path, match) for path in CITING for match in CITATION.finditer(path.read_text())]
    assert citations, "no doc cites a snapshot"
    for path, match in citations:
        name, label, column = match.groups()
        where = f"{path.relative_to(ROOT)} cites {match.group(0)}"
        assert (SNAPSHOTS / f"{name}.json").is_file(), where
        data = json.loads((SNAPSHOTS / f"{name}.json").read_text())
        assert label is None or label in data, where
        assert column is None or label is None or column in data[label], where


def test_docs_hold_no_unfilled_placeholder() -> None:
    for path in [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]:
        placeholders = re.findall(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$", path.read_text(), re.MULTILINE)
        assert not placeholders, f"{path.relative_to(ROOT)}: {placeholders}"


@pytest.mark.parametrize("path", PRINTER_SCRIPTS, ids=lambda path: path.name)
def test_script_parses_its_options_when_run_as_a_file(path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(path), "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "--json" in done.stdout and "--markdown" in done.stdout


def test_scripts_neither_import_tests_nor_edit_sys_path() -> None:
    assert len(PRINTER_SCRIPTS) == 9
    for path in sorted((ROOT / "scripts").glob("*.py")):
        tree = ast.parse(path.read_text())
        imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert not [name for name in imported if name.split(".")[0] == "tests"], path.name
        assert "sys.path" not in path.read_text(), path.name
