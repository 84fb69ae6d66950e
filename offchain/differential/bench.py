"""The benchmarks' shared printer: one argparse parent, declared tables, and JSON snapshots.

A script declares its tables (:class:`Table`: a title and :class:`Column` s), measures rows (plain
dicts, the JSON it prints), and hands both to :func:`report`, which prints them

* as rich tables (the default, as the CLI prints),
* with ``--json``: one JSON object per row, the row dict as measured (derived columns left out),
* with ``--markdown``: GitHub markdown tables, to paste into docs,

and, with ``--snapshot [PATH]`` (benchmarks created with ``parser(doc, snapshot=NAME)``), also
writes ``docs/snapshots/NAME.json``: ``{row label: {column key: integer}}`` for the integer cells of
the columns marked ``snapshot``, keys sorted, two-space indent and a trailing newline (the format
Uniswap v4-core's ``snapshots/`` use, with integers). Docs and natspec cite those files instead of
copying figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

SNAPSHOTS_DIR = Path(__file__).resolve().parents[2] / "docs" / "snapshots"
PIPED_WIDTH = 200  # rich's width when stdout is not a terminal (its default, 80, folds the wide tables)
CLOCK_PHASE = 1_800_000_000 % 2**24  # the low 24 bits of every anvil benchmark's first block time

Row = dict[str, Any]
Snapshot = dict[str, dict[str, int]]


@dataclass(frozen=True)
class Column:
    """One column: the row key it shows, its header, how a value prints, and whether it is snapshotted.

    ``fmt`` is a format spec (``","``, ``".2e"``) or a function of the value; ``cell`` derives the
    shown value from the whole row (such a column is left out of ``--json``, which prints the row).
    """

    key: str
    header: str = ""
    fmt: str | Callable[[Any], str] = ""
    snapshot: bool = False
    cell: Callable[[Row], Any] | None = None

    def value(self, row: Row) -> Any:
        """The cell's value: derived by ``cell``, else the row's entry (None when absent)."""
        return self.cell(row) if self.cell else row.get(self.key)

    def text(self, row: Row) -> str:
        """The cell as printed: None as "-", booleans as yes / NO, numbers through ``fmt``."""
        value = self.value(row)
        if value is None:
            return "-"
        if isinstance(value, bool):
            return "yes" if value else "NO"
        return self.fmt(value) if callable(self.fmt) else format(value, self.fmt)


@dataclass(frozen=True)
class Table:
    """A table's title and columns; ``label`` (a format string over the row, e.g. "{options} options")
    names each row in the snapshot, and a table without one is not snapshotted."""

    title: str
    columns: tuple[Column, ...]
    label: str = ""


Section = tuple[Table, Sequence[Row]]


def common_options() -> argparse.ArgumentParser:
    """The argparse parent every script shares: how to print (rich tables, ``--json``, ``--markdown``)."""
    parent = argparse.ArgumentParser(add_help=False)
    output = parent.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="one JSON object per row instead of tables")
    output.add_argument("--markdown", action="store_true", help="GitHub markdown tables (to paste into docs)")
    return parent


def parser(doc: str | None, snapshot: str = "") -> argparse.ArgumentParser:
    """A script's parser: its docstring as the description, the common options, and with ``snapshot``
    (a name) ``--snapshot [PATH]``, writing ``docs/snapshots/<name>.json`` unless PATH is given."""
    result = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter, parents=[common_options()]
    )
    if snapshot:
        default = SNAPSHOTS_DIR / f"{snapshot}.json"
        result.add_argument(
            "--snapshot",
            nargs="?",
            const=default,
            default=None,
            type=Path,
            metavar="PATH",
            help=f"also write the snapshot (default {default.relative_to(SNAPSHOTS_DIR.parents[1])})",
        )
    return result


def campaign_parser(doc: str | None, count_help: str) -> argparse.ArgumentParser:
    """A fuzz campaign's parser: the common options and --n (``count_help``), --seed, --jobs."""
    result = parser(doc)
    result.add_argument("--n", type=int, default=1_000_000, help=count_help)
    result.add_argument("--seed", type=int, default=0)
    result.add_argument("--jobs", type=int, default=2, help="worker processes")
    return result


def report(
    args: argparse.Namespace, sections: Sequence[Section], notes: Sequence[str] = (), out: IO[str] | None = None
) -> None:
    """Print ``sections`` as ``args`` asks (tables, JSON rows or markdown) then ``notes`` (not in
    JSON); with ``args.snapshot`` set, also write the snapshot there."""
    out = out or sys.stdout
    if args.json:
        out.writelines(json.dumps(row) + "\n" for _, rows in sections for row in rows)
    elif args.markdown:
        out.write("\n\n".join([*(markdown(table, rows) for table, rows in sections), *notes]) + "\n")
    else:
        console = Console(file=out, width=None if out.isatty() else PIPED_WIDTH)
        for table, rows in sections:
            console.print(rich_table(table, rows))
        for note in notes:
            console.print(Text(note))
    path = getattr(args, "snapshot", None)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(snapshot_text(snapshot(sections)))
        sys.stderr.write(f"wrote {path}\n")


def rich_table(table: Table, rows: Sequence[Row]) -> RichTable:
    """The rich table of ``rows``: text columns left, numbers right, cells never read as markup."""
    result = RichTable(title=table.title)
    for column in table.columns:
        result.add_column(column.header or column.key, justify="left" if _textual(column, rows) else "right")
    for row in rows:
        result.add_row(*(Text(column.text(row)) for column in table.columns))
    return result


def markdown(table: Table, rows: Sequence[Row]) -> str:
    """The GitHub markdown table of ``rows`` under its title (text columns left-, numbers right-aligned)."""
    header = "| " + " | ".join(column.header or column.key for column in table.columns) + " |"
    rule = "|" + "|".join("---" if _textual(column, rows) else "---:" for column in table.columns) + "|"
    body = ["| " + " | ".join(column.text(row).replace("|", "\\|") for column in table.columns) + " |" for row in rows]
    return "\n".join([f"{table.title}:", "", header, rule, *body])


def snapshot(sections: Sequence[Section]) -> Snapshot:
    """``{row label: {column key: value}}`` over the integer cells of the snapshot columns of the
    labelled tables; a label given twice is an error (it would hide a row)."""
    result: Snapshot = {}
    for table, rows in sections:
        for row in rows if table.label else ():
            cells = {column.key: column.value(row) for column in table.columns if column.snapshot}
            figures = {key: value for key, value in cells.items() if _is_integer(value)}
            label = table.label.format(**row)
            if label in result:
                raise ValueError(f"snapshot label {label!r} names two rows")
            if figures:
                result[label] = figures
    return result


def snapshot_text(data: Snapshot) -> str:
    """The snapshot file's text: keys sorted at every level, two-space indent, a trailing newline."""
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def steady_clock(w3: Any) -> None:
    """Make an anvil's block times repeat run to run, so gas measured there does too: the next block
    at the first time after the latest whose low 24 bits are ``CLOCK_PHASE``, then one second per
    block. (Timestamps reach calldata as expiries; a zero byte there costs 4 gas, not 16.)"""
    latest = w3.eth.get_block("latest")["timestamp"]
    w3.provider.make_request("evm_setNextBlockTimestamp", [latest + 1 + (CLOCK_PHASE - latest - 1) % 2**24])
    w3.provider.make_request("anvil_setBlockTimestampInterval", [1])


def _textual(column: Column, rows: Sequence[Row]) -> bool:
    """Whether a column holds text (left-aligned): every value present is a string or a boolean."""
    values = [column.value(row) for row in rows]
    return all(isinstance(value, (str, bool)) for value in values if value is not None)


def _is_integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
