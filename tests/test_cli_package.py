"""What a user of the installed package meets: the wheel ships the CLI and the example books, the
demo reads them as package data (and fails in one line without them), and a missing anvil says how
to get one."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from offchain.chain import node
from offchain.cli.commands import demo
from tests.cli_support import one_line_failure, run

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_NAMES = sorted(p.name for p in (ROOT / "offchain/examples").glob("*.json"))


def test_docs_examples_is_the_package_directory() -> None:
    assert (ROOT / "docs/examples").is_symlink() and (ROOT / "docs/examples").resolve() == ROOT / "offchain/examples"
    assert len(EXAMPLE_NAMES) == 11


def test_the_wheel_ships_the_cli_and_the_example_books(tmp_path: Path) -> None:
    """``pip wheel`` of a clean copy of the sources (no stale build/ directory)."""
    source = tmp_path / "src"
    for name in ("offchain", "verifier"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(tmp_path / "dist")],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = (tmp_path / "dist").glob("gridmargin-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = next(archive.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt"))
    shipped = sorted(n.removeprefix("offchain/examples/") for n in names if n.startswith("offchain/examples/"))
    assert shipped == EXAMPLE_NAMES
    commands = {f"offchain/cli/commands/{m}.py" for m in ("__init__", "math", "demo", "margin", "scenarios")}
    assert commands <= set(names) and "offchain/cli/__main__.py" in names
    assert "gridmargin = offchain.cli:main" in entry_points


def test_demo_reads_the_books_as_package_data() -> None:
    assert [f"{name}.json" for name, _ in demo.example_books()] == EXAMPLE_NAMES


def test_demo_without_books_fails_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An install without its data: one line and exit != 0, before any chain is started."""
    monkeypatch.setattr(demo, "EXAMPLES", tmp_path / "examples")
    monkeypatch.setattr(node, "find_anvil", lambda: pytest.fail("the demo started a chain"))
    line = one_line_failure(*run(capsys, "demo")[::2])
    missing = tmp_path / "examples"
    assert line == f"gridmargin: no example books (*.json) in {missing}: the package is installed without its data"
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "notes.txt").write_text("not a book")
    assert "no example books" in one_line_failure(*run(capsys, "demo")[::2])


def test_missing_anvil_says_how_to_get_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("ETH_RPC_URL", raising=False)
    monkeypatch.setattr(node, "_REPO_ROOT", tmp_path)
    line = one_line_failure(*run(capsys, "math", "expWad", "1")[::2])
    assert line.startswith("gridmargin: ChainError: anvil not found")
    assert "install Foundry" in line and "--rpc-url" in line and "ETH_RPC_URL" in line
